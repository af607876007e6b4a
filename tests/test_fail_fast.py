"""Fail fast: one workspace everywhere, report requests checked before any kernel, imports
that refuse teams off the list and formula cells, a wave applied or refused, one ranking of
the dimensions, and short errors in notebooks."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook

from assessment import (
    ImportValidationError,
    ParameterError,
    Store,
    Workspace,
    import_responses,
    prepare_report,
    setup_engagement,
)
from assessment._cli._main import cli
from assessment._report._checks import check_request
from assessment._report._jobs import report_notebook
from assessment._report._render import ReportRenderer
from assessment._tabular import read_responses
from tests.conftest import DATA, MINI_MODEL, SHIPPED_MODEL

RESPONSES = DATA / "responses"


def run(ws: Path, *args: str, ok: bool = True) -> Result:
    result = CliRunner().invoke(cli, args, env={"ASSESSMENT_WORKSPACE": str(ws)},
                                catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.stderr
    return result


def _mini(store: Store, teams: pd.DataFrame | None = None) -> None:
    store.create_organisation("Org")
    store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"), wave="W1")
    if teams is not None:
        store.set_teams("e1", teams)


# --- one workspace -------------------------------------------------------------------------


def test_the_command_line_finds_the_workspace_above_it_like_the_notebooks(
    demo_workspace: Workspace, make_demo: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = tmp_path / "checkout"
    make_demo(checkout / "workspace")  # type: ignore[operator]
    (checkout / "notebooks").mkdir()
    monkeypatch.delenv("ASSESSMENT_WORKSPACE", raising=False)
    for cwd in (checkout, checkout / "notebooks"):
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(cli, ["workspace", "info"], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        assert f"workspace       {(checkout / 'workspace').resolve()}" in result.stdout
    # None anywhere: from a notebooks/ folder the new one is beside it, and says so.
    empty = tmp_path / "fresh" / "notebooks"
    empty.mkdir(parents=True)
    ws = Workspace.find(start=empty)
    assert ws.path == (tmp_path / "fresh" / "workspace").resolve() and not ws.exists
    assert "none found here or above: a new one is made there" in ws.describe()
    assert Workspace.find(start=tmp_path / "fresh").path == ws.path


def test_the_report_notebook_defaults_to_the_most_recent_engagement(
    demo_copy: Workspace,
) -> None:
    assert prepare_report(str(demo_copy.path)).engagement.id == "demo"
    with demo_copy.store() as store:
        store.create_engagement("later", "Lumen Care Services",
                                SHIPPED_MODEL.read_text(encoding="utf-8"), wave="2027-Q1",
                                on=date(2099, 1, 1))
        store.add_responses("later", store.responses("demo"), source="copy")
    assert prepare_report(str(demo_copy.path)).engagement.id == "later"


# --- report and batch: checked before any kernel -------------------------------------------


def test_an_unknown_unit_is_refused_at_once_listing_the_known_ones(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    start = time.perf_counter()
    result = run(demo_workspace.path, "report", "--engagement", "demo", "--unit",
                 "team:Bilingg Support", "--out", str(out), ok=False)
    assert time.perf_counter() - start < 10  # no kernel started
    assert result.exit_code == 1
    assert "unit: 'team:Bilingg Support' is not a team of engagement 'demo'" in result.stderr
    assert "'Billing Support'" in result.stderr and "'Technical Helpdesk'" in result.stderr
    assert "did you mean team:Billing Support?" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
    withheld = run(demo_workspace.path, "report", "--engagement", "demo", "--unit",
                   "team:Complaints Desk", "--out", str(out), ok=False)
    assert "cannot be reported" in withheld.stderr and not out.exists()
    batch = run(demo_workspace.path, "batch", "--engagement", "demo", "--lang", "fr",
                "--out", str(out), ok=False)
    assert "language: 'fr' is not a report language" in batch.stderr and not out.exists()
    typo = run(demo_workspace.path, "batch", "--engagement", "demo", "--unit",
               "team:Bilingg Support", "--out", str(out), ok=False)
    assert "is not a team of engagement 'demo'" in typo.stderr and not out.exists()


def test_a_language_the_model_lacks_is_refused_before_the_report_runs(
    tmp_path: Path,
) -> None:
    ws = Workspace(tmp_path / "ws")
    with ws.store() as store:
        _mini(store)
        import_responses(store, "e1", RESPONSES / "good_lf.csv")
    with pytest.raises(ParameterError, match=r"language: 'ru' is not a language of model 'mini'"):
        check_request(ws, "e1", languages=["ru"])
    with pytest.raises(ParameterError, match=r"engagement: 'nope' is not an engagement"):
        check_request(ws, "nope")


@pytest.mark.slow
def test_an_error_in_a_notebook_is_one_short_message_and_its_notebook_goes_to_failures(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    params = {"workspace": str(demo_workspace.path), "engagement": "demo",
              "unit": "team:Nobody", "language": "en", "output_dir": str(tmp_path)}
    with ReportRenderer() as renderer:
        result = renderer.render(report_notebook(), tmp_path, "bad", params)
    assert not result.ok and result.error is not None
    assert "ParameterError: unit: 'team:Nobody' is not a team" in result.error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["failures"]  # nothing among reports
    nb = nbformat.read(tmp_path / "failures" / "bad.ipynb", as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert len(errors) == 1
    assert errors[0].ename == "ParameterError"
    # One line that says what is wrong: no traceback, no frames of the library.
    assert len(errors[0].traceback) == 1
    assert errors[0].traceback[0].startswith("ParameterError: unit: 'team:Nobody' is not a team")
    assert "File " not in json.dumps(errors[0].traceback)


# --- import --------------------------------------------------------------------------------


def test_import_refuses_a_team_off_the_team_list_as_invite_create_does(
    store: Store, tmp_path: Path
) -> None:
    teams = pd.DataFrame({"team": ["Team A", "Support"], "department": ["Care", None],
                          "headcount": [10, 5]})
    _mini(store, teams)
    with pytest.raises(ImportValidationError) as err:
        import_responses(store, "e1", RESPONSES / "good_lf.csv")
    message = str(err.value)
    assert "nothing was imported" in message
    assert ("row 4, column 'team': 'Board' is not in the engagement's team list "
            "(Support, Team A)") in message
    assert "row 2" not in message  # Team A is listed
    assert store.count_respondents("e1") == 0
    from assessment import generate_invites

    with pytest.raises(ParameterError, match="'Board': not in the team list"):
        generate_invites(store, "e1", role="executive", team="Board")


def test_import_warns_when_a_team_has_more_responses_than_its_headcount(
    store: Store, tmp_path: Path
) -> None:
    teams = pd.DataFrame({"team": ["Team A", "Board"], "department": ["Care", None],
                          "headcount": [1, 5]})
    _mini(store, teams)
    result = import_responses(store, "e1", RESPONSES / "good_lf.csv")
    assert result.respondents == 3
    assert result.warnings == (
        "team 'Team A' now has 2 responses but a headcount of 1: check the team list "
        "(assessment engagement teams) or the file",
    )
    assert "warning: team 'Team A' now has 2 responses" in result.summary()


def test_the_import_command_prints_the_headcount_warning(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    teams = tmp_path / "teams.csv"
    teams.write_text("team,headcount\nTeam A,1\nBoard,5\n", encoding="utf-8")
    run(ws, "org", "create", "Org")
    run(ws, "engagement", "create", "e", "--org", "Org", "--model", str(MINI_MODEL),
        "--wave", "W1", "--teams", str(teams))
    result = run(ws, "import", str(RESPONSES / "good_lf.csv"), "--engagement", "e")
    assert "imported 3 respondents" in result.stdout
    assert "warning: team 'Team A' now has 2 responses but a headcount of 1" in result.stderr


def test_an_xlsx_with_formula_cells_is_refused_with_row_and_column(
    store: Store, tmp_path: Path
) -> None:
    _mini(store)
    rows = list(read_responses_rows())
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    sheet["E2"] = "=2+2"  # cul_1 of a1: a formula, with no cached value
    sheet["F3"] = "=SUM(E2:E3)"
    sheet["L2"] = '=CONCAT("Good ", "coaching")'  # a comment cell
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    with pytest.raises(ImportValidationError) as err:
        import_responses(store, "e1", path)
    problems = err.value.problems
    assert problems == [
        "row 2, column E ('cul_1'): a formula ('=2+2'), not a value; paste the values "
        "instead (Paste Special > Values)",
        "row 2, column L ('comment_culture'): a formula ('=CONCAT(\"Good \", \"coaching\")'), "
        "not a value; paste the values instead (Paste Special > Values)",
        "row 3, column F ('cul_2'): a formula ('=SUM(E2:E3)'), not a value; paste the values "
        "instead (Paste Special > Values)",
    ]
    assert store.count_respondents("e1") == 0
    # The same cells as values import (the check looks at the cell's type, not its text).
    sheet["E2"], sheet["F3"], sheet["L2"] = 4, 1, "=text typed as text"
    sheet["L2"].data_type = "s"
    book.save(path)
    assert import_responses(store, "e1", path).respondents == 3


def read_responses_rows() -> list[list[object]]:
    """The rows of good_lf.csv, numbers as numbers (as a spreadsheet holds them)."""
    import csv

    with open(RESPONSES / "good_lf.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return [rows[0], *([int(c) if c.isdigit() else c or None for c in r] for r in rows[1:])]


def test_read_responses_refuses_formulas_too(mini_model: object, tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["respondent_id", "role", "team"])
    book.active.append(["r1", "frontline", "=A1"])
    book.save(tmp_path / "f.xlsx")
    with pytest.raises(ImportValidationError, match=r"row 2, column C \('team'\): a formula"):
        read_responses(tmp_path / "f.xlsx", mini_model)  # type: ignore[arg-type]


# --- engagement set-up and ratings ---------------------------------------------------------


def test_engagement_create_without_wave_says_the_date_is_used(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run(ws, "org", "create", "Org")
    result = run(ws, "engagement", "create", "e", "--org", "Org", "--model", str(MINI_MODEL))
    today = date.today().isoformat()
    assert f"no --wave given, so the wave is labelled with the engagement's date, {today}" \
        in result.stderr
    assert f"(wave {today})" in result.stdout
    named = run(ws, "engagement", "create", "f", "--org", "Org", "--model", str(MINI_MODEL),
                "--wave", "2026-Q4")
    assert "no --wave" not in named.stderr and "(wave 2026-Q4)" in named.stdout


def test_the_workbooks_wave_is_applied_or_refused_never_ignored(store: Store) -> None:
    source = MINI_MODEL.read_text(encoding="utf-8")
    store.create_organisation("Org")
    store.create_engagement("e1", "Org", source)  # as `engagement create` without --wave
    with pytest.raises(ParameterError, match=r"wave: engagement 'e1' exists with wave '20"):
        setup_engagement(store, "Org", "e1", source, wave="2026-Q4")
    made = setup_engagement(store, "Org", "e2", source, wave="2026-Q4")
    assert made.wave == "2026-Q4"
    assert setup_engagement(store, "Org", "e2", source, wave="2026-Q4").wave == "2026-Q4"


# --- one ranking ---------------------------------------------------------------------------


def test_the_scorecards_priority_is_the_roadmaps_order(demo_workspace: Workspace) -> None:
    report = prepare_report(str(demo_workspace.path), "demo", "organisation", "en")
    gaps = report.target_table
    plan = report.roadmap
    assert gaps is not None and plan is not None and len(plan) >= 2
    priority = dict(zip(gaps["dimension"], gaps["priority"], strict=True))
    assert {d: priority[d] for d in plan["dimension"]} == dict(
        zip(plan["dimension"], plan["step"], strict=True))
    # The demo is a case where ranking by weighted gap alone would contradict the roadmap:
    # culture has the larger gap, but it builds on leadership, which has a gap too.
    by_gap = list(gaps[gaps["weighted_gap"] > 0].sort_values(
        "weighted_gap", ascending=False)["dimension"])
    assert by_gap != list(plan["dimension"])
    assert priority["leadership"] < priority["culture"]
    page = report.scorecard().html
    assert "Priority is the roadmap&#x27;s order" in page
