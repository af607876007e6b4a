"""The shipped models: complete, stable, grounded in the source articles, and valid for the CLI."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment import MaturityModel, load_model
from assessment._main import cli
from assessment._model import KNOWN_ROLES, OUTCOME_MEASURES
from tests.conftest import DATA, ROOT, SHIPPED_MODEL

EXAMPLE_MODEL = ROOT / "data" / "models" / "it-service-desk.yaml"
ITEM_ID_SNAPSHOT = DATA / "service_maturity_item_ids.txt"
SHIPPED_LANGUAGES = ["en", "nl", "ru", "uk"]
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


def test_shipped_model_loads_with_four_dimensions_in_four_languages(
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
