"""The model schema: valid models load; every kind of broken model names its exact place."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assessment import ModelError, inspect_model, load_model
from assessment._main import cli
from tests.conftest import MINI_MODEL


def _broken(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(MINI_MODEL.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_mini_model_loads_with_items_in_questionnaire_order(mini_model) -> None:  # type: ignore[no-untyped-def]
    assert list(mini_model.items) == ["cul_1", "cul_2", "cul_3", "aut_1", "aut_2"]
    assert mini_model.question_ids[-2:] == ["out_cx", "out_ee"]
    assert mini_model.item_dimension["aut_2"] == "autonomy"
    assert mini_model.items["cul_2"].reverse is True
    assert mini_model.dimension("autonomy").weight == 2
    assert mini_model.level_name(3, "nl") == "Gedefinieerd"
    assert mini_model.items["cul_1"].text.get("frontline", "nl").startswith("Beslissingen hier")


def test_missing_translation_is_reported_at_its_exact_place(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        del d["dimensions"][1]["facets"][0]["items"][1]["text"]["frontline"]["nl"]

    with pytest.raises(ModelError) as err:
        load_model(_broken(tmp_path, edit))
    assert "dimensions[1].facets[0].items[1].text.frontline.nl: missing" in err.value.problems
    assert "broken.yaml" in str(err.value)


def test_missing_field_is_reported_with_its_path(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        del d["dimensions"][0]["facets"][0]["items"][2]["id"]

    with pytest.raises(ModelError) as err:
        load_model(_broken(tmp_path, edit))
    assert err.value.problems == ["dimensions[0].facets[0].items[2].id: missing"]


def test_duplicate_ids_are_reported_with_both_places(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["dimensions"][1]["facets"][0]["items"][0]["id"] = "cul_2"

    with pytest.raises(ModelError) as err:
        load_model(_broken(tmp_path, edit))
    (problem,) = err.value.problems
    assert problem.startswith("dimensions[1].facets[0].items[0].id: duplicate id 'cul_2'")
    assert "dimensions[0].facets[0].items[1].id" in problem


def test_unknown_role_in_an_item_and_in_roles_are_reported(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        item = d["dimensions"][0]["facets"][0]["items"][0]
        item["text"]["intern"] = item["text"]["manager"]
        d["roles"].append("director")

    result = inspect_model(_broken(tmp_path, edit))
    assert "roles[3]: unknown role 'director'" in result.problems


def test_unknown_role_key_in_item_text(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        item = d["dimensions"][0]["facets"][0]["items"][0]
        item["text"]["intern"] = item["text"]["manager"]

    with pytest.raises(ModelError) as err:
        load_model(_broken(tmp_path, edit))
    assert "dimensions[0].facets[0].items[0].text.intern: unknown role 'intern'" in (
        err.value.problems
    )


def test_unknown_language_is_reported(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["dimensions"][0]["name"]["fr"] = "Culture"

    with pytest.raises(ModelError) as err:
        load_model(_broken(tmp_path, edit))
    assert err.value.problems == ["dimensions[0].name.fr: unknown language 'fr'"]


def test_unsupported_model_language_is_reported(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["languages"] = ["en", "xx"]

    with pytest.raises(ModelError) as err:
        load_model(_broken(tmp_path, edit))
    assert "languages[1]: unknown language 'xx'" in err.value.problems


def test_incomplete_translations_lower_completeness_and_fail(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["languages"] = ["en", "nl", "uk"]

    result = inspect_model(_broken(tmp_path, edit))
    assert not result.ok
    assert result.completeness["en"] == 1.0
    assert result.completeness["uk"] == 0.0
    assert "title.uk: missing" in result.problems


def test_action_lists_must_line_up_across_languages(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["dimensions"][1]["levels"][0]["actions"]["nl"].pop()

    with pytest.raises(ModelError) as err:
        load_model(_broken(tmp_path, edit))
    assert err.value.problems == [
        "dimensions[1].levels[0].actions: the languages list different numbers of entries"
    ]


def test_levels_and_scales_are_checked(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["dimensions"][0]["levels"][2]["level"] = 4
        d["dimensions"][0]["facets"][0]["items"][0]["scale"] = "recommend"
        d["scales"]["agreement"]["labels"]["en"].pop()

    problems = inspect_model(_broken(tmp_path, edit)).problems
    assert "dimensions[0].levels: must list levels 1, 2, 3, 4, 5 in order" in problems
    assert "dimensions[0].facets[0].items[0].scale: must be a 1-5 agreement scale" in problems
    assert "scales.agreement.labels.en: 4 labels, expected 5" in problems


def test_reserved_column_names_cannot_be_item_ids(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["dimensions"][0]["facets"][0]["items"][0]["id"] = "recommend"

    with pytest.raises(ModelError, match="reserved"):
        load_model(_broken(tmp_path, edit))


def test_unknown_fields_are_rejected(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["dimensions"][0]["colour"] = "red"

    with pytest.raises(ModelError) as err:
        load_model(_broken(tmp_path, edit))
    assert err.value.problems == ["dimensions[0].colour: unknown field"]


def test_invalid_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\ntitle: {en: a: b}\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"(?s)bad.yaml.*line 2, column 14"):
        load_model(path)


def test_missing_file_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot read"):
        load_model(tmp_path / "nope.yaml")


def test_model_check_prints_summary_and_exits_zero() -> None:
    result = CliRunner().invoke(cli, ["model", "check", str(MINI_MODEL)])
    assert result.exit_code == 0, result.output
    assert "dimensions      2" in result.output
    assert "items_per_role  {'executive': 5, 'manager': 5, 'frontline': 5}" in result.output
    assert "completeness    {'en': 1.0, 'nl': 1.0}" in result.output


def test_model_check_exits_non_zero_and_names_each_problem(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        del d["dimensions"][1]["facets"][0]["items"][1]["text"]["frontline"]["nl"]

    path = _broken(tmp_path, edit)
    result = CliRunner().invoke(cli, ["model", "check", str(path)])
    assert result.exit_code == 1
    assert f"{path}: dimensions[1].facets[0].items[1].text.frontline.nl: missing" in result.output


def test_dimension_dependencies_must_be_known_and_acyclic(tmp_path: Path) -> None:
    def unknown(d):  # type: ignore[no-untyped-def]
        d["dimensions"][0]["depends_on"] = ["weather"]

    def cycle(d):  # type: ignore[no-untyped-def]
        d["dimensions"][0]["depends_on"] = ["autonomy"]
        d["dimensions"][1]["depends_on"] = ["culture"]

    assert inspect_model(_broken(tmp_path, unknown)).problems == [
        "dimensions[0].depends_on[0]: unknown dimension 'weather'"
    ]
    assert inspect_model(_broken(tmp_path, cycle)).problems == [
        "dimensions: depends_on forms a cycle (culture -> autonomy -> culture)"
    ]
