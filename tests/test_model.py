"""The model schema: valid models load; every kind of broken model names its exact place."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assessment import ModelError, inspect_model, load_model
from assessment._cli._main import cli
from assessment._model._validate import SKIPPED_CHECKS, source_problems
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
    # A model names its own roles: 'director' is a role of this model, but without a name
    # (only the shipped three are named by the interface), and no item is phrased for it.
    assert (
        "roles[3].name: missing; only executive, manager, frontline are named by the "
        "interface, so give 'director' a name per language"
    ) in result.problems
    assert "dimensions[0].facets[0].items[0].text.intern: unknown role 'intern'" in (
        result.problems
    )
    others = [p for p in result.problems if not p.startswith(("roles[3]", "dimensions[0]."
                                                              "facets[0].items[0].text.intern"))]
    assert others and all(p.endswith(".text.director: missing") for p in others)


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
    assert (
        "languages[1]: 'xx' has no interface catalogue; add "
        "assessment/_i18n/locale/xx/LC_MESSAGES/form.po and report.po (see docs/translating.md)"
    ) in err.value.problems


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
    assert (
        "dimensions[0].facets[0].items[0].scale: 'recommend' is the 0-10 recommend scale; items "
        "need an agreement, frequency or answer_set scale"
    ) in problems
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


def test_a_model_file_that_is_not_utf8_is_a_model_error_naming_file_line_and_byte(
    tmp_path: Path,
) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: x\ntitle: {en: Caf\u00e9}\n".encode("latin-1"))
    for read in (inspect_model, load_model):
        with pytest.raises(ModelError) as err:
            read(path)
        assert err.value.path == str(path)
        assert err.value.problems == [
            "line 2 (byte 21): not UTF-8 text; save the file as UTF-8"  # 0-based
        ]
        assert str(path) in str(err.value)


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


def _mini_text() -> str:
    return MINI_MODEL.read_text(encoding="utf-8")


def test_allow_na_may_name_the_roles_that_cannot_judge(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["dimensions"][0]["facets"][0]["items"][0]["allow_na"] = ["executive", "manager"]

    model = load_model(_broken(tmp_path, edit))
    item = model.items["cul_1"]
    assert [item.allows_na(r) for r in model.roles] == [True, True, False]
    assert model.allows_na("cul_1", "executive") and not model.allows_na("cul_1", "frontline")
    assert model.allows_na("cul_1")  # for some role
    assert model.items["cul_3"].allows_na("frontline")  # allow_na: true is every role
    assert not model.allows_na("cul_2") and not model.allows_na("out_cx", "manager")


def test_allow_na_roles_must_be_roles_of_the_model_and_each_named_once(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["roles"] = ["executive", "frontline"]
        for item in (i for dim in d["dimensions"] for f in dim["facets"] for i in f["items"]):
            item["text"].pop("manager")
        d["outcomes"]["recommend"]["text"].pop("manager")
        for item in d["outcomes"]["items"]:
            item["text"].pop("manager")
        d["dimensions"][0]["facets"][0]["items"][1]["allow_na"] = ["ceo", "manager", "ceo"]
        d["dimensions"][0]["facets"][0]["items"][2]["allow_na"] = ["frontline", "frontline"]

    assert inspect_model(_broken(tmp_path, edit)).problems == [
        "dimensions[0].facets[0].items[1].allow_na[0]: unknown role 'ceo'",
        "dimensions[0].facets[0].items[1].allow_na[1]: role 'manager' is not in roles",
        "dimensions[0].facets[0].items[1].allow_na[2]: unknown role 'ceo'",
        "dimensions[0].facets[0].items[2].allow_na[1]: duplicate role 'frontline'",
    ]


@pytest.mark.parametrize("value", ["executive", 1, None, [1], {"executive": True}])
def test_allow_na_must_be_true_false_or_a_list_of_roles(tmp_path: Path, value: object) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["dimensions"][1]["facets"][0]["items"][0]["allow_na"] = value

    assert inspect_model(_broken(tmp_path, edit)).problems == [
        "dimensions[1].facets[0].items[0].allow_na: must be true, false or a list of roles, "
        "such as [executive]"
    ]


def test_duplicate_yaml_keys_are_errors_that_name_their_lines(tmp_path: Path) -> None:
    text = _mini_text()
    assert "title: {en: Mini model, nl: Minimodel}\n" in text
    text = text.replace("title: {en: Mini model, nl: Minimodel}\n",
                        "title: {en: Mini model, nl: Minimodel, nl: Mini}\n")
    text = text.replace("            reverse: true\n",
                        "            reverse: true\n            reverse: false\n")
    path = tmp_path / "dupes.yaml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    second = next(i for i, line in enumerate(lines, 1) if line == "            reverse: false")
    with pytest.raises(ModelError) as err:
        load_model(path)
    assert err.value.problems == [
        "line 4: duplicate key 'nl' (first on line 4)",
        f"line {second}: duplicate key 'reverse' (first on line {second - 1})",
    ]


def test_yaml_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    text = _mini_text().replace(
        "title: {en: Mini model, nl: Minimodel}\n",
        "title:\n  <<: {en: Mini model, nl: Model}\n  nl: Minimodel\n",
    )
    path = tmp_path / "merge.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_model(path).title.get("nl") == "Minimodel"


def test_a_structural_error_does_not_hide_the_semantic_checks(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        item = d["dimensions"][0]["facets"][0]["items"][0]
        item["reverse"] = "sometimes"
        item["colour"] = "red"
        item["text"]["manager"]["nl"] = None
        d["dimensions"][0]["facets"][0]["items"][1]["id"] = "Cul-2"
        del d["dimensions"][1]["facets"][0]["items"][1]["text"]["frontline"]["nl"]
        d["dimensions"][1]["facets"][0]["items"][0]["id"] = "cul_1"

    problems = inspect_model(_broken(tmp_path, edit)).problems
    assert problems[:3] == [
        "dimensions[0].facets[0].items[0].text.manager.nl: Input should be a valid string",
        "dimensions[0].facets[0].items[0].reverse: Input should be a valid boolean, "
        "unable to interpret input",
        "dimensions[0].facets[0].items[0].colour: unknown field",
    ]
    assert problems[3].startswith("dimensions[0].facets[0].items[1].id: String should match")
    assert problems[4:] == [  # the semantic checks of the valid parts still ran
        "dimensions[1].facets[0].items[1].text.frontline.nl: missing",
        "dimensions[1].facets[0].items[0].id: duplicate id 'cul_1' "
        "(first at dimensions[0].facets[0].items[0].id)",
    ]


def test_a_structure_too_broken_to_stand_in_for_says_further_checks_follow(
    tmp_path: Path,
) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["dimensions"][0]["facets"] = "none yet"
        del d["dimensions"][1]["facets"][0]["items"][1]["text"]["frontline"]["nl"]

    problems = inspect_model(_broken(tmp_path, edit)).problems
    assert problems == ["dimensions[0].facets: Input should be a valid list", SKIPPED_CHECKS]


def test_an_empty_model_file_says_it_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert inspect_model(path).problems == ["(top level): the file is empty"]


def test_cited_sources_can_be_checked_against_a_folder(mini_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "004_6fdcfdb0826a6ba8.txt").write_text("article", encoding="utf-8")
    (tmp_path / "002_9c4d7999a43e87cd.txt").write_text("article", encoding="utf-8")
    assert source_problems(mini_model, tmp_path) == [
        f"dimensions[1].facets[0].sources[1]: no file '003_3e8d9bbc05271469.txt' in {tmp_path}"
    ]
    result = inspect_model(MINI_MODEL, sources=tmp_path)
    assert not result.ok and len(result.problems) == 1
    assert inspect_model(MINI_MODEL).ok  # without a folder, sources are not looked up


def test_a_cited_source_must_be_a_file_name_not_a_path(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["dimensions"][0]["facets"][0]["sources"] = ["../../etc/passwd"]

    model = load_model(_broken(tmp_path, edit))
    assert source_problems(model, tmp_path)[0] == (
        "dimensions[0].facets[0].sources[0]: '../../etc/passwd' must be a file name, not a path"
    )


def test_model_check_counts_not_applicable_items_per_role(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d["dimensions"][0]["facets"][0]["items"][0]["allow_na"] = ["executive"]

    result = CliRunner().invoke(cli, ["model", "check", str(_broken(tmp_path, edit))])
    assert result.exit_code == 0, result.output
    assert "not_applicable  {'executive': 2, 'manager': 1, 'frontline': 1}" in result.output
