"""The shipped models: complete, stable, grounded in the source articles, and valid for the CLI."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel, RootModel

from assessment import MaturityModel, demo_responses, load_model
from assessment._cli._main import cli
from assessment._model._schema import KNOWN_ROLES, OUTCOME_MEASURES, Localized, LocalizedList
from tests.conftest import DATA, ROOT, SHIPPED_MODEL

EXAMPLE_MODEL = ROOT / "data" / "models" / "it-service-desk.yaml"
ITEM_ID_SNAPSHOT = DATA / "service_maturity_item_ids.txt"
SHIPPED_LANGUAGES = ["en", "nl", "ru", "uk", "de"]
#: The practitioners' articles the questionnaire rests on (shared/seeds/), by file name.
SEED_FILES = frozenset(
    {
        "000_15397bb2fab93796.txt",
        "001_6df45dd729f62672.txt",
        "002_9c4d7999a43e87cd.txt",
        "003_3e8d9bbc05271469.txt",
        "004_6fdcfdb0826a6ba8.txt",
    }
)


@pytest.fixture(scope="module")
def example_model() -> MaturityModel:
    return load_model(EXAMPLE_MODEL)


def _all_ids(model: MaturityModel) -> list[str]:
    ids = []
    for dim in model.dimensions:
        ids.append(dim.id)
        for facet in dim.facets:
            ids.append(facet.id)
            ids.extend(item.id for item in facet.items)
    ids.extend(item.id for item in model.outcomes.items)
    return ids


def test_shipped_model_loads_with_four_dimensions_in_five_languages(
    shipped_model: MaturityModel,
) -> None:
    assert [d.id for d in shipped_model.dimensions] == [
        "culture",
        "leadership",
        "coaching",
        "autonomy",
    ]
    assert shipped_model.languages == SHIPPED_LANGUAGES
    assert shipped_model.roles == list(KNOWN_ROLES)


def test_every_item_is_phrased_for_every_role_in_every_language(
    shipped_model: MaturityModel,
) -> None:
    for item in shipped_model.items.values():
        assert list(item.text.root) == list(KNOWN_ROLES), item.id
        for role in KNOWN_ROLES:
            for lang in SHIPPED_LANGUAGES:
                assert item.text.get(role, lang).strip(), f"{item.id}.{role}.{lang}"


def test_item_ids_match_the_committed_snapshot_in_questionnaire_order(
    shipped_model: MaturityModel,
) -> None:
    snapshot = ITEM_ID_SNAPSHOT.read_text(encoding="utf-8").split()
    assert list(shipped_model.items) == snapshot


def test_ids_are_unique_across_dimensions_facets_and_items(shipped_model: MaturityModel) -> None:
    duplicates = [i for i, n in Counter(_all_ids(shipped_model)).items() if n > 1]
    assert duplicates == []


def test_every_dimension_has_a_reverse_coded_item(shipped_model: MaturityModel) -> None:
    for dim in shipped_model.dimensions:
        assert any(item.reverse for item in dim.items), dim.id


def test_every_dimension_has_five_levels_with_two_or_three_actions_in_every_language(
    shipped_model: MaturityModel,
) -> None:
    for dim in shipped_model.dimensions:
        assert [lv.level for lv in dim.levels] == [1, 2, 3, 4, 5], dim.id
        for lv in dim.levels:
            for lang in SHIPPED_LANGUAGES:
                assert lv.description.get(lang).strip(), f"{dim.id} level {lv.level} {lang}"
                actions = lv.actions.get(lang)
                assert 2 <= len(actions) <= 3, f"{dim.id} level {lv.level} {lang}"
                assert all(a.strip() for a in actions), f"{dim.id} level {lv.level} {lang}"


def test_every_facet_cites_only_known_source_articles(shipped_model: MaturityModel) -> None:
    for dim in shipped_model.dimensions:
        for facet in dim.facets:
            assert facet.sources, facet.id
            assert set(facet.sources) <= SEED_FILES, facet.id


def test_every_source_article_is_cited_by_some_facet(shipped_model: MaturityModel) -> None:
    cited = {s for dim in shipped_model.dimensions for f in dim.facets for s in f.sources}
    assert cited == SEED_FILES


def test_questionnaire_has_enough_items_and_a_balanced_structure(
    shipped_model: MaturityModel,
) -> None:
    assert len(shipped_model.items) >= 48
    for dim in shipped_model.dimensions:
        assert 3 <= len(dim.facets) <= 4, dim.id
        for facet in dim.facets:
            assert len(facet.items) >= 3, facet.id


def test_outcome_questions_cover_enps_the_trifecta_and_customer_advocacy(
    shipped_model: MaturityModel,
) -> None:
    scale = shipped_model.recommend_scale
    assert (scale.min, scale.max) == (0, 10)
    measures = [item.measures for item in shipped_model.outcomes.items]
    assert sorted(measures) == sorted(OUTCOME_MEASURES)


def test_example_model_is_a_small_two_language_model_in_another_domain(
    example_model: MaturityModel,
) -> None:
    assert example_model.id != "service-maturity"
    assert example_model.languages == ["en", "nl"]
    assert len(example_model.dimensions) == 2
    for dim in example_model.dimensions:
        assert len(dim.facets) == 2, dim.id
        assert all(len(facet.items) == 3 for facet in dim.facets), dim.id
        assert any(item.reverse for item in dim.items), dim.id
    for item in example_model.items.values():
        assert list(item.text.root) == list(KNOWN_ROLES), item.id


@pytest.mark.parametrize(
    ("path", "languages"),
    [(SHIPPED_MODEL, SHIPPED_LANGUAGES), (EXAMPLE_MODEL, ["en", "nl"])],
    ids=["service-maturity", "it-service-desk"],
)
def test_model_check_exits_zero_and_reports_complete_translations(
    path: Path, languages: list[str]
) -> None:
    result = CliRunner().invoke(cli, ["model", "check", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["problems"] == []
    assert report["completeness"] == dict.fromkeys(languages, 1.0)


#: Where a role genuinely cannot observe the behaviour, "cannot judge" is offered to it
#: (dimension items, questionnaire order). Each is explained in docs/model.md.
NOT_APPLICABLE = {
    "executive": ["coach_role_1", "coach_strategy_4", "coach_bond_1", "coach_bond_2"],
    "manager": [],
    "frontline": ["lead_direction_4", "auto_meas_4"],
}
MODEL_DOC = ROOT / "docs" / "model.md"
VERSION_PINS = DATA / "models" / "shipped-versions.txt"


def test_not_applicable_is_offered_only_to_the_roles_that_cannot_see_the_behaviour(
    shipped_model: MaturityModel,
) -> None:
    offered = {
        role: [q for q, item in shipped_model.items.items() if item.allows_na(role)]
        for role in KNOWN_ROLES
    }
    assert offered == NOT_APPLICABLE
    outcomes = {q for q in shipped_model.outcome_items if shipped_model.allows_na(q)}
    assert outcomes == {"out_advocacy"}
    assert all(shipped_model.allows_na("out_advocacy", role) for role in KNOWN_ROLES)


def test_every_not_applicable_choice_is_explained_in_the_model_docs() -> None:
    rows = [line for line in MODEL_DOC.read_text(encoding="utf-8").splitlines()
            if line.startswith("| `")]
    for role, items in NOT_APPLICABLE.items():
        for item in items:
            assert any(f"`{item}`" in row and role in row for row in rows), (item, role)


def test_the_demo_answers_cannot_judge_exactly_where_a_role_may(
    shipped_model: MaturityModel,
) -> None:
    data = demo_responses(shipped_model)
    roles = data.respondents["role"]
    for qid in shipped_model.question_ids:
        for role in KNOWN_ROLES:
            chosen = data.not_applicable.loc[roles == role, qid]
            assert chosen.any() == shipped_model.allows_na(qid, role), (qid, role)


def test_shipped_model_content_is_pinned_to_its_version() -> None:
    """Any change to a shipped model, even a comment, needs a new version (the store refuses
    changed content under a stored version): bump ``version`` and update the pin."""
    pins = dict(
        (name, (version, digest))
        for name, version, digest in (
            line.split() for line in VERSION_PINS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        )
    )
    for path in (SHIPPED_MODEL, EXAMPLE_MODEL):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert pins[path.name] == (load_model(path).version, digest), (
            f"{path.name} changed: bump its version and update {VERSION_PINS.name}"
        )


def _strings(model: MaturityModel, lang: str) -> list[str]:
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, Localized | LocalizedList):
            value = node.get(lang)
            out.extend(value if isinstance(value, list) else [value])
        elif isinstance(node, RootModel):
            walk(node.root)
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name))
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            for child in node.values():
                walk(child)

    walk(model)
    return out


def test_russian_and_ukrainian_wording_follows_the_house_rules(
    shipped_model: MaturityModel,
) -> None:
    ru, uk = _strings(shipped_model, "ru"), _strings(shipped_model, "uk")
    # Agreement labels do not assume the respondent is a man.
    labels = shipped_model.scales["agreement"].labels
    assert all("согласен(на)" in label for label in labels.get("ru") if "соглас" in label)
    assert not any(re.search(r"\bзгод(ен|на)\b", label) for label in labels.get("uk"))
    assert labels.get("ru")[2] == "Нейтрально"
    assert labels.get("uk")[2] == "Ні погоджуюся, ні не погоджуюся"
    # Level names are adjectives, like "Reactive" and "Defined".
    for level in shipped_model.level_names:
        assert re.fullmatch(r"\w+(ий|ый|ой|ій)", level.name.get("uk")), level.name.get("uk")
        assert re.fullmatch(r"\w+(ий|ый|ой|ийся)", level.name.get("ru")), level.name.get("ru")
    # Ukrainian: problems are розв'язувати, questions and cases are вирішувати.
    problem_solved = re.compile(r"виріш\w*(\s+\S+){0,3}\s+проблем|проблем\w*(\s+\S+){0,3}\s+виріш")
    assert [s for s in uk if problem_solved.search(s)] == []
    # Calques and grammar slips found in review, not to come back.
    for bad in ("всіх себе", "усього себе", "всего себя", "которые ценят", "що цінують", "Ни да",
                "Ні так, ні ні", "Голос в", "Голос у", "Формується"):
        assert not [s for s in ru + uk if bad in s], bad
