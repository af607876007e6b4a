"""Response files: validated all-or-nothing imports, exact round trips, inert exports."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from assessment import (
    ImportValidationError,
    Store,
    demo_responses,
    export_responses,
    import_responses,
    neutralise,
    read_responses,
)
from tests.conftest import DATA

RESPONSES = DATA / "responses"

BAD_FILES = [
    ("empty.csv", "the file is empty"),
    ("header_only.csv", "no respondents: the file has only a header"),
    ("no_header.csv", "row 1: missing header"),
    ("missing_column.csv", "row 1: missing column 'team'"),
    ("unknown_column.csv", "row 1, column 14: unknown column 'shoe_size'"),
    ("unknown_item.csv", "row 1, column 7: unknown column 'cul_9' (not an item id of model mini)"),
    ("unknown_comment_dimension.csv", "comment column 'comment_weather' names no dimension"),
    ("duplicate_column.csv", "row 1, column 7: duplicate column 'cul_2'"),
    ("off_scale.csv", "row 3, column 'cul_1': off the 1-5 scale (got '7')"),
    ("not_a_number.csv", "row 2, column 'cul_1': not a whole number, blank or NA (got 'four')"),
    ("unknown_role.csv", "row 2, column 'role': role must be one of executive, manager, frontline"),
    ("duplicate_ids.csv", "row 3, column 'respondent_id': duplicate respondent id (got 'a1')"),
    ("na_not_allowed.csv", "row 2, column 'cul_1': 'not applicable' is not allowed"),
    ("bad_recommend.csv", "row 2, column 'recommend': off the 0-10 scale (got '11')"),
    ("ragged_row.csv", "row 2: 15 cells, the header has 13"),
    ("blank_team.csv", "row 2, column 'team': must not be blank"),
    ("not_utf8.csv", "the file is not UTF-8 text"),
    ("team_in_two_departments.csv",
     "row 3, column 'department': team 'Team A' is in department 'Care' in row 2"),
]


@pytest.mark.parametrize(("name", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_rejected_with_its_place_and_nothing_is_stored(
    store: Store, engagement: str, name: str, message: str
) -> None:
    with pytest.raises(ImportValidationError) as err:
        import_responses(store, engagement, RESPONSES / name)
    assert any(message in p for p in err.value.problems), err.value.problems
    assert name in str(err.value) and "nothing was imported" in str(err.value)
    assert store.count_respondents(engagement, include_excluded=True) == 0


def test_off_scale_file_reports_every_bad_cell(mini_model) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportValidationError) as err:
        read_responses(RESPONSES / "off_scale.csv", mini_model)
    assert err.value.problems == [
        "row 3, column 'cul_1': off the 1-5 scale (got '7')",
        "row 3, column 'aut_1': off the 1-5 scale (got '0')",
    ]


def test_error_message_lists_fifty_problems_then_counts_the_rest(mini_model) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportValidationError) as err:
        read_responses(RESPONSES / "many_errors.csv", mini_model)
    assert len(err.value.problems) == 60
    text = str(err.value)
    assert "row 51, column 'cul_1'" in text and "row 52, column" not in text
    assert text.endswith("... and 10 more problems")


@pytest.mark.parametrize("name", ["good_bom_semicolon_crlf.csv", "good_lf.csv"])
def test_good_files_with_bom_semicolons_and_crlf_import(
    store: Store, engagement: str, name: str
) -> None:
    result = import_responses(store, engagement, RESPONSES / name)
    assert result.respondents == 3
    data = store.responses(engagement)
    assert data.respondents.loc["a1", "team"] == "Team A"
    assert pd.isna(data.respondents.loc["a3", "department"])
    assert data.answers.loc["a1", "cul_2"] == 2.0
    assert data.not_applicable.loc["a1", "cul_3"]
    assert pd.isna(data.answers.loc["a1", "cul_3"])
    assert pd.isna(data.respondents.loc["a3", "recommend"])
    assert data.comments.to_dict("records") == [
        {"respondent_id": "a2", "dimension_id": "culture", "text": "Good coaching"}
    ]


def test_respondent_ids_already_stored_are_rejected_whole(store: Store, engagement: str) -> None:
    import_responses(store, engagement, RESPONSES / "good_lf.csv")
    with pytest.raises(ImportValidationError, match="'a1' is already stored in 'e1'"):
        import_responses(store, engagement, RESPONSES / "good_bom_semicolon_crlf.csv")
    assert store.count_respondents(engagement) == 3


def test_the_same_file_twice_is_named_as_such_or_skipped(store: Store, engagement: str) -> None:
    import_responses(store, engagement, RESPONSES / "good_lf.csv")
    with pytest.raises(ImportValidationError, match="already imported into 'e1' on 20"):
        import_responses(store, engagement, RESPONSES / "good_lf.csv")
    again = import_responses(store, engagement, RESPONSES / "good_lf.csv", skip_if_imported=True)
    assert again.respondents == 0 and store.count_respondents(engagement) == 3


def test_xlsx_with_the_same_layout_imports_and_reports_cells(
    store: Store, engagement: str, tmp_path: Path
) -> None:
    rows = list(csv.reader((RESPONSES / "good_lf.csv").read_text().splitlines()))
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([int(c) if c.isdigit() else (c or None) for c in row])
    book.save(tmp_path / "good.xlsx")
    assert import_responses(store, engagement, tmp_path / "good.xlsx").respondents == 3
    sheet.cell(row=3, column=5, value=6)
    sheet.cell(row=4, column=6, value=2.5)
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(ImportValidationError) as err:
        read_responses(tmp_path / "bad.xlsx", store.model(engagement))
    assert err.value.problems == [
        "row 3, column 'cul_1': off the 1-5 scale (got '6')",
        "row 4, column 'cul_2': not a whole number, blank or NA (got '2.5')",
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_round_trips_exactly(
    store: Store, engagement: str, mini_model, tmp_path: Path, suffix: str  # type: ignore[no-untyped-def]
) -> None:
    data = demo_responses(mini_model)
    data.comments.loc[0, "text"] = "=HYPERLINK(\"http://evil\")"
    data.comments.loc[1, "text"] = "'=already quoted"
    data.respondents.iloc[0, data.respondents.columns.get_loc("team")] = "@team"
    store.add_responses(engagement, data, source="test")
    first = export_responses(store, engagement, tmp_path / f"first{suffix}")
    store.create_engagement("e2", "Org", (DATA / "models" / "mini.yaml").read_text())
    import_responses(store, "e2", first)
    again = store.responses("e2")
    original = store.responses(engagement)
    assert again.respondents.equals(original.respondents)
    assert again.answers.equals(original.answers)
    assert again.not_applicable.equals(original.not_applicable)
    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.sort_values(["respondent_id", "dimension_id"]).reset_index(drop=True)

    assert ordered(again.comments).equals(ordered(original.comments))
    second = export_responses(store, "e2", tmp_path / f"second{suffix}")
    if suffix == ".csv":
        assert first.read_bytes() == second.read_bytes()


def test_xlsx_export_has_no_formulas_and_numbers_stay_numbers(
    store: Store, engagement: str, mini_model, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    data = demo_responses(mini_model)
    data.comments.loc[0, "text"] = "=1+1"
    data.comments.loc[1, "text"] = "+cmd|' /C calc'!A0"
    store.add_responses(engagement, data, source="test")
    path = export_responses(store, engagement, tmp_path / "out.xlsx")
    sheet = load_workbook(path).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not any(c.data_type == "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'=1+1" in texts and "'+cmd|' /C calc'!A0" in texts
    header = [c.value for c in next(sheet.iter_rows())]
    values = [c.value for c in next(sheet.iter_rows(min_row=2))]
    assert isinstance(values[header.index("cul_1")], int)
    assert isinstance(values[header.index("recommend")], int)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("'=x", "''=x"), ("plain", "plain"), ("a=b", "a=b")],
)
def test_neutralise_prefixes_formula_triggers(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def test_export_refuses_unknown_suffix(store: Store, engagement: str, tmp_path: Path) -> None:
    from assessment import ParameterError

    with pytest.raises(ParameterError, match=r"\.csv or \.xlsx"):
        export_responses(store, engagement, tmp_path / "out.json")


def test_a_team_keeps_its_department_across_imports(store: Store, engagement: str,
                                                     tmp_path: Path) -> None:
    import_responses(store, engagement, RESPONSES / "good_lf.csv")
    moved = tmp_path / "moved.csv"
    moved.write_text("respondent_id,role,team,department,cul_1\nz1,frontline,Team A,Sales,4\n")
    with pytest.raises(ImportValidationError, match="team 'Team A' is in department 'Care' in "
                       "stored responses"):
        import_responses(store, engagement, moved)
