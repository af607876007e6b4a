"""Three models end to end: import (a generated CSV), scoring, the form and a report in two
languages, each section non-empty and free of template errors, "nan" and "None".

- ``leadership-climate``: a 7-point agreement scale, a single role, no outcome questions,
  four levels in equal bands (English and German);
- ``samm-style``: an answer set with values 0, 0.25, 0.5, 1, four levels 0-3 with bounds,
  two roles of its own (English and Dutch);
- the shipped service-maturity model (Dutch and German).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytest

from assessment import (
    Questionnaire,
    demo_responses,
    generate_invites,
    import_responses,
    load_model_text,
    prepare_report,
)
from assessment._confidentiality._groups import BREAKDOWNS
from assessment._scoring._scores import score_breakdown
from assessment._store._workspace import Workspace
from assessment._tabular import write_responses
from tests.conftest import DATA, SHIPPED_MODEL
from tests.test_form import enter

CASES = {
    "leadership-climate": (DATA / "models" / "leadership-climate.yaml", ("en", "de")),
    "samm-style": (DATA / "models" / "samm-style.yaml", ("en", "nl")),
    "service-maturity": (SHIPPED_MODEL, ("nl", "de")),
}

#: What must never show in a report: an unformatted placeholder, a template error, a
#: missing number printed as Python or pandas writes it.
BROKEN = re.compile(r"\bnan\b|\bNaN\b|\bNone\b|\{\{|\}\}|%\(\w+\)s|Undefined|Traceback")
TAGS = re.compile(r"<[^>]+>")


def _text(html: str) -> str:
    visible = re.sub(r"<(svg|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", TAGS.sub(" ", visible))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_a_model_end_to_end(name: str, tmp_path: Path) -> None:
    path, languages = CASES[name]
    text = path.read_text(encoding="utf-8")
    model = load_model_text(text)
    scale = model.score_scale

    # Import: the sample organisation's answers as a response file, imported whole.
    data = demo_responses(model, seed=7)
    csv = write_responses(data, model, tmp_path / "responses.csv")
    ws = Workspace(tmp_path / "ws")
    with ws.store() as store:
        store.create_organisation("Org")
        store.create_engagement("e", "Org", text, wave="W1", languages=list(languages))
        assert import_responses(store, "e", csv).respondents == len(data.respondents)
        stored = store.responses("e")
        expected = data.answers.reindex(stored.answers.index)[stored.answers.columns]
        assert np.array_equal(stored.answers.to_numpy(), expected.to_numpy(), equal_nan=True)

        # Scoring: means on the scale, levels of the model, 0-100 within range.
        scores = score_breakdown(model, stored.respondents, stored.answers, by=BREAKDOWNS)
        shown = scores[~scores["suppressed"]]
        assert len(shown) and shown["mean"].between(scale.low, scale.high).all()
        assert set(shown["level"].dropna().astype(int)) <= set(model.levels)
        assert shown["score_100"].between(0, 100).all()
        store.set_targets("e", {model.dimensions[0].id: model.levels[-1]})

        # The form: a respondent of the last role answers every page with the middle option.
        role = model.roles[-1]
        code = generate_invites(store, "e", role=role, team="Form team")[0].code
        q = Questionnaire(store, "e", lang=languages[1])
        enter(q, code)
        q.buttons["start"].click()
        pages = 0
        while q.page.startswith("page:"):
            pages += 1
            for radio in q.inputs.values():
                options = [v for _, v in radio.options if v != "na"]
                radio.value = options[len(options) // 2]
            q.buttons["next"].click()
            assert not q.notice.value, q.notice.value
        assert pages == len(model.dimensions) + (1 if model.has_outcome_page else 0)
        q.buttons["submit"].click()
        assert q.page == "thanks"
        after = store.responses("e")
        assert len(after.respondents) == len(data.respondents) + 1
        mine = after.answers.loc[after.respondents.index[after.respondents["team"] == "Form team"]]
        middle = scale.points[len(scale.points) // 2]
        assert set(mine[list(model.items)].iloc[0].dropna()) == {middle}

    # A report in each language: every section there, non-empty, nothing broken.
    for lang in languages:
        report = prepare_report(str(ws.path), "e", "organisation", lang, str(tmp_path / lang))
        sections = report.sections()
        names = [s.name for s in sections]
        assert ("perception_gap" in names) == (len(model.roles) > 1), names
        assert ("outcomes" in names) == model.has_outcome_page, names
        for section in sections:
            body = _text(section.html)
            assert len(body.strip()) > 40, (lang, section.name, body)
            found = BROKEN.search(body)
            assert found is None, (lang, section.name, body[max(0, found.start() - 80):][:160])
        charts = report.charts()
        assert "scorecard" in charts and "heatmap" in charts
        first = model.dimensions[0]
        summary = report.summary().html
        assert first.name.get(lang) in summary
        org = report.unit_scores.set_index("dimension")
        for dim in model.dimensions:  # each dimension's level, named, with its description
            level = int(org.loc[dim.id, "level"])
            assert model.level_name(level, lang) in summary
            described = dim.levels[model.levels.index(level)].description.get(lang)
            assert html.escape(described, quote=False) in summary.replace("&#x27;", "'")
        if lang == "en" and name != "service-maturity":  # the model's own roles only
            everything = " ".join(_text(s.html) for s in sections).lower()
            assert "executive" not in everything and "frontline" not in everything
        assert model.score_scale.labels.get(lang)[0] in str(charts[f"answers-{first.id}"].to_dict())
