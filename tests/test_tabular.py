"""Response files: validated all-or-nothing imports, exact round trips, inert exports."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import Workbook, load_workbook

from assessment import (
    ImportValidationError,
    ParameterError,
    Store,
    demo_responses,
    export_responses,
    import_responses,
    neutralise,
    read_responses,
)
from tests.conftest import DATA, MINI_MODEL

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
    ("not_utf8.csv", "line 2 (byte 118): the file is not UTF-8 text"),
    ("broken.xlsx", "not a readable .xlsx workbook"),
    ("wrong_header.csv",
     "row 1, column 1: unknown column 'Respondent ID' (not an item id of model mini); "
     "did you mean 'respondent_id'?"),
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


GOOD_FILES = [
    "good_bom_semicolon_crlf.csv",
    "good_lf.csv",
    "good_trailing_blank_lines.csv",
    "good_trailing_delimiters.csv",
]


@pytest.mark.parametrize("name", GOOD_FILES)
def test_good_files_with_bom_semicolons_crlf_and_trailing_blanks_import(
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


def test_header_cell_ragged_and_department_problems_are_reported_together(mini_model) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportValidationError) as err:
        read_responses(RESPONSES / "header_cell_and_department_problems.csv", mini_model)
    assert err.value.problems == [
        "row 1, column 14: unknown column 'shoe_size' (not an item id of model mini)",
        "row 2, column 'cul_1': off the 1-5 scale (got '7')",
        "row 3, column 'department': team 'Team A' is in department 'Care' in row 2; "
        "a team belongs to one department",
        "row 4: 15 cells, the header has 14",
    ]


def test_a_header_without_any_known_column_says_so_before_listing_them(
    mini_model, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "foreign.csv"
    path.write_text("id,function,group\nx,y,z\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as err:
        read_responses(path, mini_model)
    first, *rest = err.value.problems
    assert first.startswith("row 1: none of the 3 column names is a column of model mini")
    assert "row 1, column 2: unknown column 'function' (not an item id of model mini)" in rest
    assert "missing header" not in str(err.value)


def _mini_with(edit) -> str:  # type: ignore[no-untyped-def]
    """The mini model's YAML text after ``edit`` (a function changing the parsed data)."""
    data = yaml.safe_load(MINI_MODEL.read_text(encoding="utf-8"))
    edit(data)
    data["version"] = "1.0.1"
    return yaml.safe_dump(data, allow_unicode=True)


def test_not_applicable_is_refused_for_a_role_the_item_does_not_allow_it_for(
    store: Store, tmp_path: Path
) -> None:
    def only_executives(d):  # type: ignore[no-untyped-def]
        d["dimensions"][0]["facets"][0]["items"][2]["allow_na"] = ["executive"]  # cul_3

    store.create_organisation("Org")
    store.create_engagement("e1", "Org", _mini_with(only_executives))
    header = "respondent_id,role,team,cul_1,cul_2,cul_3,aut_1,aut_2\n"
    path = tmp_path / "na.csv"
    path.write_text(header + "x1,executive,T,4,2,NA,3,4\nx2,frontline,T,4,2,NA,3,NA\n"
                    "x3,manager,T,4,2,na,3,4\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as err:
        import_responses(store, "e1", path)
    assert err.value.problems == [
        "row 3, column 'cul_3': 'not applicable' is not allowed for role frontline (got 'NA')",
        "row 3, column 'aut_2': 'not applicable' is not allowed (got 'NA')",
        "row 4, column 'cul_3': 'not applicable' is not allowed for role manager (got 'NA')",
    ]
    path.write_text(header + "x1,executive,T,4,2,NA,3,4\nx2,frontline,T,4,2,3,3,4\n",
                    encoding="utf-8")
    assert import_responses(store, "e1", path).respondents == 2
    assert store.responses("e1").not_applicable.loc["x1", "cul_3"]


#: Comments as stored through the library (demo, notebooks, API), and as they are kept.
TRICKY_COMMENTS = {
    "=HYPERLINK(\"http://evil\")": "=HYPERLINK(\"http://evil\")",
    "'=already quoted": "'=already quoted",
    "-1 is a formula to a spreadsheet": "-1 is a formula to a spreadsheet",
    "+31 20 555 0100": "+31 20 555 0100",
    "\tled by a tab": "led by a tab",
    "\rled by a carriage return": "led by a carriage return",
    "   leading and trailing spaces   ": "leading and trailing spaces",
    "a tab\tinside stays": "a tab\tinside stays",
    "two lines\r\nwith CRLF": "two lines\nwith CRLF",
    "a bell\x07 inside": "a bell inside",
}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_round_trips_exactly(
    store: Store, engagement: str, mini_model, tmp_path: Path, suffix: str  # type: ignore[no-untyped-def]
) -> None:
    data = demo_responses(mini_model)
    data.comments = data.comments.iloc[: len(TRICKY_COMMENTS)].copy()
    data.comments["text"] = list(TRICKY_COMMENTS)
    data.comments.loc[len(data.comments)] = [data.comments.iloc[0, 0], "autonomy", " \r\n\t "]
    teams = data.respondents["team"].unique()
    tricky_teams = dict(zip(teams, ["@team", "-Team minus", "+Team plus", "\tTeam tab"],
                            strict=False))
    data.respondents["team"] = data.respondents["team"].replace(tricky_teams)
    store.add_responses(engagement, data, source="api")
    original = store.responses(engagement)
    # Stored text is canonical, as import and the form make it; the blank comment is dropped.
    assert sorted(original.comments["text"]) == sorted(TRICKY_COMMENTS.values())
    first = export_responses(store, engagement, tmp_path / f"first{suffix}")
    store.create_engagement("e2", "Org", MINI_MODEL.read_text(encoding="utf-8"))
    import_responses(store, "e2", first)
    again = store.responses("e2")
    assert again.respondents.equals(original.respondents)
    assert set(again.respondents["team"]) >= set(tricky_teams.values())
    assert again.answers.equals(original.answers)
    assert again.not_applicable.equals(original.not_applicable)

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.sort_values(["respondent_id", "dimension_id"]).reset_index(drop=True)

    assert ordered(again.comments).equals(ordered(original.comments))
    second = export_responses(store, "e2", tmp_path / f"second{suffix}")
    if suffix == ".csv":
        assert first.read_bytes() == second.read_bytes()


def test_xlsx_export_refuses_a_control_character_it_cannot_hold_and_writes_nothing(
    store: Store, engagement: str, mini_model, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    data = demo_responses(mini_model)
    first = data.respondents.index[0]
    store.add_responses(engagement, data, source="api")
    # The store refuses such a name now; a workspace from an older version may hold one.
    with store.transaction() as conn:
        conn.execute("UPDATE respondents SET team = 'Team' || char(7) || 'Bell' "
                     "WHERE respondent_key = ?", (first,))
    out = tmp_path / "out"
    with pytest.raises(ParameterError, match=r"row 2, column 'team' contains the control "
                       r"character U\+0007"):
        export_responses(store, engagement, out / "responses.xlsx")
    assert not out.exists() or list(out.iterdir()) == []
    assert export_responses(store, engagement, out / "responses.csv").is_file()


# --- at scale --------------------------------------------------------------------------------


def _big_file(path: Path, rows: int, bad_row: int | None = None) -> Path:
    """A valid file of the mini model with ``rows`` respondents; with ``bad_row``, the cell
    'aut_1' of that (spreadsheet) row is off the scale."""
    header = "respondent_id,role,team,department,cul_1,cul_2,cul_3,aut_1,aut_2,out_cx,out_ee," \
             "comment_culture,recommend\n"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(header)
        for i in range(rows):
            aut = "9" if i + 2 == bad_row else str(i % 5 + 1)
            fh.write(f"r{i},frontline,Team {i % 250},Dept {i % 250 % 12},4,2,3,{aut},4,4,3,,"
                     f"{i % 11}\n")
    return path


@pytest.mark.slow
def test_a_bad_cell_in_row_99999_is_reported_with_its_row_and_column_and_nothing_is_stored(
    store: Store, engagement: str, tmp_path: Path
) -> None:
    path = _big_file(tmp_path / "big.csv", 100_000, bad_row=99_999)
    with pytest.raises(ImportValidationError) as err:
        import_responses(store, engagement, path)
    assert err.value.problems == ["row 99999, column 'aut_1': off the 1-5 scale (got '9')"]
    assert store.count_respondents(engagement, include_excluded=True) == 0
    good = import_responses(store, engagement, _big_file(tmp_path / "good.csv", 100_000))
    assert good.respondents == 100_000 == store.count_respondents(engagement)
    stored = store.responses(engagement)
    assert stored.answers.loc["r99997", "aut_1"] == 99_997 % 5 + 1
    assert stored.respondents.loc["r12345", "department"] == f"Dept {12345 % 250 % 12}"


def test_a_file_of_absurd_width_is_refused_at_once_naming_the_limit(
    store: Store, engagement: str, tmp_path: Path
) -> None:
    path = tmp_path / "wide.csv"
    names = ["respondent_id", "role", "team", *(f"question_{i:06d}" for i in range(99_997))]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(",".join(names) + "\n")
        for i in range(3):
            fh.write(",".join([f"w{i}", "frontline", "Team A", *["3"] * 99_997]) + "\n")
    start = time.perf_counter()
    with pytest.raises(ImportValidationError) as err:
        import_responses(store, engagement, path)
    assert time.perf_counter() - start < 1.0
    assert err.value.problems == [
        "row 1 has more than 2,000 columns (65,538 in its first 1,048,576 bytes); a file has at "
        "most 2,000 columns"
    ]
    short = tmp_path / "short-names.csv"
    short.write_text(",".join(f"q{i}" for i in range(5_000)) + "\n1\n", encoding="utf-8")
    with pytest.raises(ImportValidationError, match="row 1 has 5,000 columns; a file has at "
                                                    "most 2,000 columns"):
        read_responses(short, store.model(engagement))


def test_only_the_problems_shown_get_a_did_you_mean_hint(  # type: ignore[no-untyped-def]
    mini_model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessment import _response_file

    names = ["respondent_id", "role", "team", *(f"cul_{i}x" for i in range(1_500))]
    path = tmp_path / "typos.csv"
    path.write_text(",".join(names) + "\n" + ",".join(["a1", "frontline", "T"] + ["1"] * 1_500)
                    + "\n", encoding="utf-8")
    hint = _response_file._did_you_mean
    asked: list[str] = []
    monkeypatch.setattr(_response_file, "_did_you_mean",
                        lambda name, known: asked.append(name) or hint(name, known))
    with pytest.raises(ImportValidationError) as err:
        read_responses(path, mini_model)
    hinted = [p for p in err.value.problems if "did you mean" in p]
    assert err.value.total == 1_500 and len(err.value.problems) == 1_000
    assert asked == names[3:53]  # a hint is worked out for the 50 problems shown, no other
    assert hinted and set(hinted) <= set(err.value.problems[:50])
    assert hinted[0] == ("row 1, column 5: unknown column 'cul_1x' (not an item id of model "
                         "mini); did you mean 'cul_1'?")
    assert "1,500 problems, nothing was imported" in str(err.value)


def test_a_large_import_draws_a_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    ws = tmp_path / "ws"
    with Store(ws / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"))
    path = _big_file(tmp_path / "big.csv", 3_000)
    command = [sys.executable, "-m", "assessment._cli._main", "--workspace", str(ws),
               "import", str(path), "--engagement", "e1"]
    piped = subprocess.run(command, capture_output=True, text=True, check=True)
    assert piped.stderr == "" and "imported 3000 respondents" in piped.stdout
    (ws / "assessment.db").unlink()
    with Store(ws / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"))
    main, terminal = pty.openpty()
    # A terminal of 100 columns (a new pseudo-terminal has none, and tqdm draws to its width).
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(command, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    assert proc.wait(60) == 0
    text = seen.decode("utf-8", "replace")
    # Both steps drew a bar of their own total (a fast import may end before the bar redraws
    # at 100%: tqdm draws at most every 0.1 s, and the bar is cleared when done).
    assert "checking big.csv" in text and "/142k" in text, text
    assert "storing big.csv" in text and "/3.00k" in text, text
    assert "imported 3000 respondents" in text
