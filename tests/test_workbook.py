"""Consultant actions over the store: scores, waves, portfolio, targets, ratings."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
from click.testing import CliRunner

from assessment import MaturityModel, Store, demo_responses
from assessment._main import cli
from assessment._workbook import (
    compare_portfolio,
    compare_waves,
    engagement_scores,
    ratings_against_survey,
    target_plan,
)
from tests.conftest import MINI_MODEL


def _engagement(store: Store, org: str, eid: str, model: MaturityModel, seed: int,
                shift: float = 0.0, on: str = "2026-01-01") -> None:
    if org not in {o.name for o in store.organisations()}:
        store.create_organisation(org)
    store.create_engagement(eid, org, MINI_MODEL.read_text(), wave=eid,
                            on=pd.Timestamp(on).date())
    data = demo_responses(model, seed=seed)
    for item_id, item in model.items.items():  # higher maturity: reverse items go down
        moved = data.answers[item_id] + (-shift if item.reverse else shift)
        data.answers[item_id] = np.rint(np.clip(moved, 1, 5))
    store.add_responses(eid, data, source="test")


def test_scores_are_suppressed_for_the_small_team(store: Store, mini_model: MaturityModel) -> None:
    _engagement(store, "Org", "w1", mini_model, 1)
    table = engagement_scores(store, "w1", by="team")
    tiny = table[table["group"] == "Complaints Desk"]
    assert tiny["suppressed"].all() and tiny["mean"].isna().all() and tiny["n"].isna().all()


def test_waves_compare_in_date_order_and_flag_real_change(
    store: Store, mini_model: MaturityModel
) -> None:
    _engagement(store, "Org", "2025", mini_model, 1, on="2025-06-01")
    _engagement(store, "Org", "2026", mini_model, 2, shift=0.8, on="2026-06-01")
    out = compare_waves(store, "2026")
    org = out[(out["by"] == "organisation") & (out["dimension"] == "culture")].iloc[0]
    assert (org["wave_from"], org["wave_to"]) == ("2025", "2026")
    assert org["change"] > 0.3 and org["significant"]
    assert compare_waves(store, "2025").empty  # nothing before the first wave


def test_portfolio_percentile_needs_five_organisations(
    store: Store, mini_model: MaturityModel
) -> None:
    for i in range(4):
        _engagement(store, f"Org {i}", f"e{i}", mini_model, i, shift=0.2 * i)
    assert math.isnan(compare_portfolio(store, "e3").iloc[0]["percentile"])
    _engagement(store, "Org 4", "e4", mini_model, 4, shift=-0.5)
    out = compare_portfolio(store, "e3").set_index("dimension")
    assert out.loc["culture", "organisations"] == 5
    assert out.loc["culture", "percentile"] == 90.0  # highest of five
    assert "mean" not in out.columns  # other organisations' scores never leave


def test_targets_give_gaps_and_a_roadmap(store: Store, mini_model: MaturityModel) -> None:
    _engagement(store, "Org", "w1", mini_model, 1)
    store.set_targets("w1", {"culture": 5, "autonomy": 5})
    gaps, plan = target_plan(store, "w1")
    assert set(gaps["dimension"]) == {"culture", "autonomy"}
    assert plan["dimension"].tolist()[0] == "autonomy"  # weight 2 in the mini model
    assert plan["step"].tolist() == [1, 2]


def test_ratings_sit_beside_the_survey_levels(store: Store, mini_model: MaturityModel) -> None:
    _engagement(store, "Org", "w1", mini_model, 1)
    survey = int(engagement_scores(store, "w1", by="organisation", level="facet")
                 .set_index("facet").loc["latitude", "level"])
    store.set_rating("w1", "latitude", survey, "observed")
    store.set_rating("w1", "customer_first", 1 if survey >= 3 else 5, "observed")
    out = ratings_against_survey(store, "w1").set_index("facet")
    assert out.loc["latitude", "agreement"] == "agree"
    assert out.loc["customer_first", "agreement"] == "disagree"


def test_score_command_json_has_the_documented_fields(
    store: Store, mini_model: MaturityModel
) -> None:
    _engagement(store, "Org", "w1", mini_model, 1)
    result = CliRunner().invoke(
        cli, ["--workspace", str(store.path.parent), "score", "--engagement", "w1",
              "--by", "role,team", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert {"by", "group", "dimension", "n", "mean", "score_100", "level", "suppressed"} <= set(
        records[0]
    )
    hidden = [r for r in records if r["suppressed"]]
    assert hidden and all(r["n"] is None and r["mean"] is None for r in hidden)
