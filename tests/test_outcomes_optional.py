"""Outcomes are optional, and so is the recommendation question."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assessment import (
    ImportValidationError,
    Questionnaire,
    Store,
    demo_responses,
    export_responses,
    generate_invites,
    import_responses,
    load_model,
    prepare_report,
)
from assessment._scoring._outcomes import enps, trifecta
from assessment._store._workspace import Workspace
from tests.conftest import MINI_MODEL
from tests.test_form import answer_all, enter


def _model(tmp_path: Path, edit: Any) -> Path:
    data = yaml.safe_load(MINI_MODEL.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _no_outcomes(data: dict[str, Any]) -> None:
    del data["outcomes"]
    del data["scales"]["recommend"]


def _items_only(data: dict[str, Any]) -> None:
    del data["outcomes"]["recommend"]


def test_a_model_without_outcomes_loads(tmp_path: Path) -> None:
    model = load_model(_model(tmp_path, _no_outcomes))
    assert not model.has_recommend and not model.has_outcome_page
    assert model.question_ids == list(model.items)
    partial = load_model(_model(tmp_path, _items_only))
    assert not partial.has_recommend and partial.has_outcome_page
    assert partial.measures() == {"customer_experience", "employee_engagement"}


def test_import_and_export_leave_out_the_recommendation(tmp_path: Path) -> None:
    path = _model(tmp_path, _no_outcomes)
    header = "respondent_id,role,team,cul_1,cul_2,cul_3,aut_1,aut_2"
    good = tmp_path / "good.csv"
    good.write_text(f"{header}\na1,frontline,T,4,2,3,3,4\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{header},recommend\na1,frontline,T,4,2,3,3,4,9\n", encoding="utf-8")
    with Store(tmp_path / "ws" / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", path.read_text(encoding="utf-8"))
        with pytest.raises(ImportValidationError, match="recommend"):
            import_responses(store, "e1", bad)
        assert import_responses(store, "e1", good).respondents == 1
        out = tmp_path / "out.csv"
        export_responses(store, "e1", out)
        assert out.read_text(encoding="utf-8-sig").splitlines()[0] == (
            "respondent_id,role,team,department,cul_1,cul_2,cul_3,aut_1,aut_2,comment_culture,"
            "comment_autonomy"
        )


def test_the_form_has_no_outcome_page_without_outcomes(tmp_path: Path) -> None:
    path = _model(tmp_path, _no_outcomes)
    with Store(tmp_path / "ws" / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", path.read_text(encoding="utf-8"))
        code = generate_invites(store, "e1", role="manager", team="T")[0].code
        q = Questionnaire(store, "e1", lang="en")
        enter(q, code)
        assert q.pages == ["culture", "autonomy"]
        answer_all(q)
        q.buttons["submit"].click()
        assert q.page == "thanks"
        stored = store.responses("e1")
        assert list(stored.answers.columns) == ["cul_1", "cul_2", "cul_3", "aut_1", "aut_2"]
        given = stored.answers.iloc[0].dropna()
        assert len(given) >= 4 and set(given) == {5.0}  # the highest option, or n/a
        assert stored.respondents["recommend"].isna().all()


def test_the_form_asks_outcome_items_without_the_recommendation(tmp_path: Path) -> None:
    path = _model(tmp_path, _items_only)
    with Store(tmp_path / "ws" / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", path.read_text(encoding="utf-8"))
        code = generate_invites(store, "e1", role="frontline", team="T")[0].code
        q = Questionnaire(store, "e1", lang="nl")
        enter(q, code)
        q.buttons["start"].click()
        q.buttons["next"].click()
        q.buttons["next"].click()  # two dimension pages left open
        q.buttons["next"].click()
        q.buttons["next"].click()
        assert q.page == "page:recommend", q.page
        assert sorted(q.inputs) == ["out_cx", "out_ee"]


def test_scores_and_report_without_outcomes(tmp_path: Path) -> None:
    path = _model(tmp_path, _no_outcomes)
    model = load_model(path)
    data = demo_responses(model, seed=5)
    assert data.respondents["recommend"].isna().all()
    table = enps(model, data.respondents, data.answers)
    assert bool(table["suppressed"].all())
    assert trifecta(model, data.respondents, data.answers)["operational_excellence"].isna().all()
    ws = Workspace(tmp_path / "ws")
    with ws.store() as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", path.read_text(encoding="utf-8"))
        store.add_responses("e1", data, source="test")
    report = prepare_report(str(ws.path), "e1", "organisation", "en", str(tmp_path / "out"))
    assert report.outcomes() is None
    names = [s.name for s in report.sections()]
    assert "outcomes" not in names and "summary" in names and "appendix" in names
    assert "eNPS" not in report.appendix().html
    assert "outcomes" not in report.charts() and "enps" not in report.charts()
