"""The model's own roles: ids, names per language, order from the top to the frontline."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import yaml

from assessment import (
    Questionnaire,
    demo_responses,
    generate_invites,
    load_model,
    prepare_report,
)
from assessment._scoring._gaps import iceberg_index, perception_gaps
from assessment._scoring._scores import score_breakdown
from assessment._store._workspace import Workspace
from tests.conftest import MINI_MODEL
from tests.test_form import enter, widget_text

ROLES = [
    {"id": "board", "name": {"en": "Board members", "nl": "Bestuursleden"}},
    {"id": "lead", "name": {"en": "Team leads", "nl": "Teamleiders"}},
    {"id": "member", "name": {"en": "Team members", "nl": "Teamleden"}},
]


def _model(tmp_path: Path, roles: list[dict[str, Any]]) -> Path:
    """The mini model with its three roles renamed (phrasings carried over in order)."""
    data = yaml.safe_load(MINI_MODEL.read_text(encoding="utf-8"))
    old = data["roles"]
    data["roles"] = roles
    mapping = dict(zip(old, [r["id"] for r in roles], strict=False))

    def rename(node: Any) -> None:
        if isinstance(node, dict):
            if "text" in node and isinstance(node["text"], dict) and "frontline" in node["text"]:
                node["text"] = {mapping[k]: v for k, v in node["text"].items() if k in mapping}
            if isinstance(node.get("allow_na"), list):
                node["allow_na"] = [mapping[r] for r in node["allow_na"] if r in mapping]
            for value in node.values():
                rename(value)
        elif isinstance(node, list):
            for value in node:
                rename(value)

    rename(data)
    path = tmp_path / "roles.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_roles_with_names_load_in_their_order(tmp_path: Path) -> None:
    model = load_model(_model(tmp_path, ROLES))
    assert model.roles == ["board", "lead", "member"]
    assert model.role_label("lead", "nl") == "Teamleiders"
    shipped = load_model(MINI_MODEL)  # roles by id alone: named by the interface
    assert shipped.roles == ["executive", "manager", "frontline"]
    assert shipped.role_label("manager", "en") is None


def test_the_perception_gap_compares_the_first_and_middle_layers_with_the_last(
    tmp_path: Path,
) -> None:
    model = load_model(_model(tmp_path, ROLES))
    data = demo_responses(model, seed=3)
    assert set(data.respondents["role"]) == {"board", "lead", "member"}
    scores = score_breakdown(model, data.respondents, data.answers, by="role")
    assert list(dict.fromkeys(scores["group"])) == ["board", "lead", "member"]  # model order
    gaps = perception_gaps(scores, model.roles)
    assert list(dict.fromkeys(gaps["comparison"])) == ["board - member", "lead - member"]
    assert iceberg_index(gaps) > 0  # the sample's top rates higher than its frontline
    assert perception_gaps(scores, ["member"]).empty


def test_the_form_and_the_report_use_the_models_role_names(tmp_path: Path) -> None:
    path = _model(tmp_path, ROLES)
    model = load_model(path)
    ws = Workspace(tmp_path / "ws")
    with ws.store() as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", path.read_text(encoding="utf-8"))
        store.add_responses("e1", demo_responses(model, seed=3), source="test")
        code = generate_invites(store, "e1", role="lead", team="T")[0].code
        q = Questionnaire(store, "e1", lang="nl")
        enter(q, code)
        assert "Teamleiders" in widget_text(q)
    report = prepare_report(str(ws.path), "e1", "organisation", "en", str(tmp_path / "out"))
    section = report.perception_gap()
    assert section is not None
    page = section.html
    assert "Perception gap between the layers" in page
    assert html.escape("Board members − Team members") in page
    assert html.escape("Team leads − Team members") in page
    assert "Executives" not in page
    summary = report.summary().html
    assert "Perception gap between the layers" in summary
    roles = report.charts()["iceberg"].to_dict()
    assert "Team leads" in str(roles)


def test_a_single_role_has_no_perception_gap(tmp_path: Path) -> None:
    data = yaml.safe_load(MINI_MODEL.read_text(encoding="utf-8"))
    path = _model(tmp_path, [ROLES[2]])
    model = load_model(path)
    assert model.roles == ["member"]
    ws = Workspace(tmp_path / "ws")
    with ws.store() as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", path.read_text(encoding="utf-8"))
        store.add_responses("e1", demo_responses(model, seed=4), source="test")
    report = prepare_report(str(ws.path), "e1", "organisation", "nl", str(tmp_path / "out"))
    assert report.perception_gap() is None
    assert "perception_gap" not in [s.name for s in report.sections()]
    assert "iceberg" not in report.charts()
    assert data["roles"] == ["executive", "manager", "frontline"]
