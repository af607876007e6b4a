"""The score tables the compatibility test freezes and compares (tests/test_compat.py)."""

from __future__ import annotations

import pandas as pd

from assessment._confidentiality._groups import BREAKDOWNS
from assessment._confidentiality._publication import publication
from assessment._scoring._favourable import SHARES
from assessment._scoring._gaps import perception_gaps
from assessment._scoring._outcomes import enps, trifecta
from assessment._scoring._reliability import reliability
from assessment._scoring._scores import respondent_scores, score_breakdown
from assessment._store._store import Store


def score_tables(store: Store, engagement_id: str) -> dict[str, pd.DataFrame]:
    """Respondent scores, every breakdown (dimension and facet, with rwg(J)), eNPS, the
    trifecta, reliability and the perception gaps of one stored engagement."""
    engagement = store.engagement(engagement_id)
    model = store.model(engagement_id)
    data = store.responses(engagement_id)
    respondents, answers = data.respondents, data.answers
    k = engagement.min_group_size
    pub = publication(model, respondents, answers, min_group_size=k)
    shared = {"min_group_size": k, "publication": pub}
    scores = score_breakdown(model, respondents, answers, by=BREAKDOWNS, **shared)
    out = {
        "respondents": respondent_scores(model, answers),
        "respondent-facets": respondent_scores(model, answers, level="facet"),
        "scores": scores,
        "facets": score_breakdown(
            model, respondents, answers, by=BREAKDOWNS, level="facet", **shared
        ),
        "enps": enps(model, respondents, answers, by=("organisation", "role", "team"), **shared),
        "trifecta": trifecta(
            model, respondents, answers, by=("organisation", "role", "team"), **shared
        ),
        "reliability": reliability(model, answers, min_group_size=k).scales,
        "gaps": perception_gaps(scores),
    }
    # Columns added since the tables were frozen (issue 15's favourable shares, tested in
    # tests/test_favourable.py) are left out: every number frozen then must stay the same.
    added = [c for c in SHARES if c in scores.columns]
    out["scores"] = out["scores"].drop(columns=added)
    out["facets"] = out["facets"].drop(columns=added)
    return {name: frame.reset_index() for name, frame in out.items()}
