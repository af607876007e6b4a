"""The command line: arguments, output and errors in-process with click's ``CliRunner``, and a
few real processes of the installed ``assessment`` script (start-up, a whole fieldwork
sequence, an error exit code) as users run it."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assessment import Store, Workspace, __version__
from assessment._cli._main import cli
from tests.conftest import DATA, MINI_MODEL

EXE = shutil.which("assessment", path=str(Path(sys.executable).parent)) or "assessment"


def run(ws: Path, *args: str, ok: bool = True) -> Result:
    """Run ``assessment ARGS`` in this process, on the workspace ``ws`` (as the environment's)."""
    result = CliRunner().invoke(cli, args, env={"ASSESSMENT_WORKSPACE": str(ws)},
                                catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code != 0, result.stdout
    return result


def shell(ws: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the installed ``assessment`` script as a real process, as users run it."""
    env = {**os.environ, "ASSESSMENT_WORKSPACE": str(ws)}
    result = subprocess.run([EXE, *args], capture_output=True, text=True, env=env, timeout=120)
    if ok:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0, result.stdout
    return result


# --- real processes ------------------------------------------------------------------------

HEAVY = ("pandas", "numpy", "scipy", "pandera", "altair", "papermill")


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["engagement", "--help"],
                                  ["batch", "--help"]])
def test_help_and_version_start_without_the_analysis_stack(args: list[str]) -> None:
    """``assessment --help`` must start at once: no pandas, numpy, scipy, pandera, Altair."""
    probe = (
        "import sys\n"
        f"sys.argv = ['assessment', *{args!r}]\n"
        "from assessment._cli._main import main\n"
        "code = None\n"
        "try:\n    main()\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        f"print(code, *(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    assert "Usage: assessment" in done.stdout or "version" in done.stdout
    assert done.stderr.split() == ["0"]  # exit code 0, and none of HEAVY imported


def test_version_from_the_installed_script() -> None:
    done = subprocess.run([EXE, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == f"assessment, version {__version__}\n"


# --- in this process, with CliRunner -------------------------------------------------------


def test_a_consultant_sets_up_imports_exports_and_backs_up(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run(ws, "org", "create", "Acme Care")
    out = run(ws, "engagement", "create", "acme-2026", "--org", "Acme Care",
              "--model", str(MINI_MODEL), "--wave", "2026-Q4", "--min-group-size", "6").stdout
    assert "minimum group size 6" in out
    assert "imported 3 respondents" in run(
        ws, "import", str(DATA / "responses" / "good_lf.csv"), "--engagement", "acme-2026"
    ).stdout
    run(ws, "export", "--engagement", "acme-2026", "--out", str(tmp_path / "out.xlsx"))
    assert (tmp_path / "out.xlsx").stat().st_size > 0
    listing = run(ws, "engagement", "list", "--format", "json").stdout
    (row,) = json.loads(listing)
    assert (row["id"], row["min_group_size"], row["languages"], row["respondents"]) == (
        "acme-2026", 6, "en nl", 3
    )
    run(ws, "workspace", "backup", str(tmp_path / "b.db"))
    with Store(tmp_path / "b.db") as copy:
        assert copy.count_respondents("acme-2026") == 3


def test_bad_input_gets_a_clear_error_and_a_non_zero_exit(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run(ws, "org", "create", "Acme")
    run(ws, "engagement", "create", "e", "--org", "Acme", "--model", str(MINI_MODEL))
    result = run(ws, "import", str(DATA / "responses" / "off_scale.csv"), "--engagement", "e",
                 ok=False)
    assert "row 3, column 'cul_1': off the 1-5 scale (got '7')" in result.stderr
    assert "Traceback" not in result.stderr
    result = run(ws, "import", str(DATA / "responses" / "good_lf.csv"), "--engagement", "nope",
                 ok=False)
    assert "no engagement 'nope'" in result.stderr
    result = run(ws, "engagement", "create", "e2", "--org", "Acme", "--min-group-size", "2",
                 ok=False)
    assert "2 is not in the range x>=3" in result.stderr


def test_workspace_option_overrides_the_environment(tmp_path: Path) -> None:
    run(tmp_path / "env-ws", "--workspace", str(tmp_path / "opt-ws"), "org", "create", "A")
    assert (tmp_path / "opt-ws" / "assessment.db").exists()
    assert not (tmp_path / "env-ws").exists()


@pytest.mark.slow
def test_demo_builds_the_demo_engagement_once(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    first = run(ws, "demo").stdout
    second = run(ws, "demo").stdout
    assert "Lumen Care Services" in first
    with Store(ws / "assessment.db") as store:
        assert 230 < store.count_respondents("demo") < 270
    assert first == second


def test_fieldwork_commands_monitor_flag_rate_and_target(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run(ws, "org", "create", "Acme")
    run(ws, "engagement", "create", "e", "--org", "Acme", "--model", str(MINI_MODEL),
        "--language", "nl", "--teams", str(DATA / "teams.csv"))
    run(ws, "import", str(DATA / "responses" / "good_lf.csv"), "--engagement", "e")
    monitor = json.loads(run(ws, "participation", "--engagement", "e", "--format", "json").stdout)
    rows = {(r["by"], r["group"]): r for r in monitor}
    assert rows[("team", "Billing Support")]["responses"] == 0
    assert rows[("team", "Team A")]["will_be_suppressed"] is True
    flagged = run(ws, "quality", "--engagement", "e", "--all", "--format", "csv").stdout
    assert flagged.splitlines()[0].startswith("respondent_id,role,team,answered")
    run(ws, "quality", "--engagement", "e", "--exclude", "a2", ok=False)
    run(ws, "quality", "--engagement", "e", "--exclude", "a2", "--reason", "test entry")
    assert "1 excluded" in run(ws, "quality", "--engagement", "e").stdout
    run(ws, "rate", "--engagement", "e", "--facet", "latitude", "--level", "2",
        "--evidence", "Scripts everywhere")
    assert "Scripts everywhere" in run(ws, "rate", "--engagement", "e").stdout
    run(ws, "rate", "--engagement", "e", "--facet", "latitude", "--level", "7", ok=False)
    shown = run(ws, "target", "--engagement", "e", "culture=4").stdout
    assert shown.splitlines()[1].split() == ["culture", "-", "-", "4", "-", "-", "-", "-",
                                             "withheld"]  # 3 people: hidden
    assert "level from 1 to 5" in run(ws, "target", "--engagement", "e", "culture=9",
                                      ok=False).stderr


@pytest.mark.slow
def test_the_workbook_sequence_end_to_end_from_the_shell(tmp_path: Path) -> None:
    """The consultant workbook's nine steps, as commands."""
    ws = tmp_path / "ws"
    samples = Path(__file__).parent.parent / "data" / "samples"
    shell(ws, "org", "create", "Harbour Utilities")
    shell(ws, "engagement", "create", "hu", "--org", "Harbour Utilities", "--wave", "2026-Q4",
        "--language", "en", "--language", "nl",
        "--teams", str(samples / "harbour-utilities-teams.csv"))
    codes = tmp_path / "codes.csv"
    shell(ws, "invite", "create", "--engagement", "hu", "--team", "Billing", "--role",
        "frontline", "--uses", "28", "--out", str(codes))
    assert codes.read_text().count("\n") == 2  # header and one code
    before = json.loads(shell(ws, "participation", "--engagement", "hu", "--format",
                              "json").stdout)
    assert all(r["responses"] == 0 for r in before)
    shell(ws, "import", str(samples / "harbour-utilities-2026.csv"), "--engagement", "hu")
    assert "0 of 118 responses flagged" in shell(ws, "quality", "--engagement", "hu").stdout
    shell(ws, "rate", "--engagement", "hu", "--facet", "autonomy_lines", "--level", "2",
        "--evidence", "Scripts for every call type")
    plan = shell(ws, "target", "--engagement", "hu", "culture=4", "autonomy=3").stdout
    assert plan.splitlines()[0].split()[-4:] == ["phase", "step", "after", "status"]
    assert "autonomy" in plan
    scores = json.loads(shell(ws, "score", "--engagement", "hu", "--by", "role",
                            "--format", "json").stdout)
    assert {r["group"] for r in scores} == {"executive", "manager", "frontline"}
    out = tmp_path / "reports"
    result = shell(ws, "batch", "--engagement", "hu", "--by", "role", "--workers", "2",
                 "--out", str(out))
    assert str(out / "index.html") in result.stdout
    assert (out / "organisation.en.html").is_file()
    compared = json.loads(shell(ws, "compare", "--engagement", "hu", "--format", "json").stdout)
    assert {r["kind"] for r in compared} == {"portfolio"} and len(compared) == 5  # no waves
    shell(ws, "export", "--engagement", "hu", "--out", str(tmp_path / "hu.xlsx"))
    assert (tmp_path / "hu.xlsx").stat().st_size > 0


# --- robustness: clear errors, nothing half-done -------------------------------------------


def _mini(ws: Path, *extra: str) -> None:
    run(ws, "org", "create", "Acme")
    run(ws, "engagement", "create", "e", "--org", "Acme", "--model", str(MINI_MODEL), *extra)


def test_operating_system_errors_name_the_path_without_a_traceback(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _mini(ws)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    failed = [  # real processes: the message and exit code users see
        shell(ws, "export", "--engagement", "e", "--out", str(blocker / "x.csv"), ok=False),
        shell(ws, "--workspace", str(blocker / "ws"), "org", "create", "X", ok=False),
    ]
    for result in failed:
        assert result.stderr.startswith(f"error: {blocker}"), result.stderr
        assert ("Not a directory" in result.stderr or "File exists" in result.stderr)
        assert "Traceback" not in result.stderr
        assert result.returncode == 1 and len(result.stderr.splitlines()) == 1


def test_ctrl_c_in_a_command_prints_aborted_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = tmp_path / "ws"
    _mini(ws)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("assessment._workbook.engagement_scores", interrupted)
    result = run(ws, "score", "--engagement", "e", ok=False)
    assert result.exit_code == 1 and result.stderr.splitlines()[-1] == "aborted"
    assert result.stdout == ""


def test_commands_before_any_response_explain_instead_of_crashing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _mini(ws)
    result = run(ws, "compare", "--engagement", "e")
    assert "no score for this organisation" in result.stdout and "Traceback" not in result.stderr
    run(ws, "target", "--engagement", "e", "culture=4")
    assert json.loads(run(ws, "target", "--engagement", "e", "--format", "json").stdout) == []
    assert len(json.loads(run(ws, "rate", "--engagement", "e", "--format", "json").stdout)) == 2


def test_a_bad_team_file_creates_no_engagement(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run(ws, "org", "create", "Acme")
    teams = tmp_path / "teams.csv"
    teams.write_text("team,headcount\nA,3\nA,4\n")
    result = run(ws, "engagement", "create", "e", "--org", "Acme", "--model", str(MINI_MODEL),
                 "--teams", str(teams), ok=False)
    assert "duplicate team 'A'" in result.stderr
    assert json.loads(run(ws, "engagement", "list", "--format", "json").stdout) == []
    teams.write_text("team,headcount\nA,3\nB,4\n")
    out = run(ws, "engagement", "create", "e", "--org", "Acme", "--model", str(MINI_MODEL),
              "--teams", str(teams)).stdout
    assert "2 teams" in out


def test_invite_codes_are_not_made_when_their_file_cannot_be(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _mini(ws)
    args = ["invite", "create", "--engagement", "e", "--team", "T", "--role", "frontline"]
    assert ".csv file" in run(ws, *args, "--out", str(tmp_path / "c.xlsx"), ok=False).stderr
    run(ws, *args, "--out", str(tmp_path / "c.csv"))
    assert "already exists" in run(ws, *args, "--out", str(tmp_path / "c.csv"), ok=False).stderr
    listed = json.loads(run(ws, "invite", "list", "--engagement", "e", "--format", "json").stdout)
    assert [r["codes"] for r in listed] == [1]


def test_contradictory_or_orphan_options_are_refused(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _mini(ws)
    cases = [
        (["quality", "--exclude", "a1", "--include", "a1"], "contradict each other"),
        (["quality", "--reason", "why"], "--reason goes with --exclude"),
        (["rate", "--level", "3"], "give --facet too"),
        (["rate", "--evidence", "seen"], "give --facet too"),
    ]
    for args, message in cases:
        result = run(ws, *args, "--engagement", "e", ok=False)
        assert result.exit_code == 2 and message in result.stderr, args
    result = run(ws, "rate", "--engagement", "e", "--facet", "nosuch", "--level", "3",
                 "--evidence", "seen", ok=False)
    assert "known facets: customer_first, latitude" in result.stderr


def test_batch_without_respondents_fails_before_starting_any_kernel(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _mini(ws)
    start = time.perf_counter()
    result = run(ws, "batch", "--engagement", "e", "--out", str(tmp_path / "r"), ok=False)
    assert time.perf_counter() - start < 15
    assert "has no respondents yet" in result.stderr and "assessment import" in result.stderr
    assert not (tmp_path / "r").exists()


def test_exclusions_are_listed_with_reasons_and_never_silently_replaced(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _mini(ws)
    run(ws, "import", str(DATA / "responses" / "good_lf.csv"), "--engagement", "e")
    run(ws, "quality", "--engagement", "e", "--exclude", "a2", "--reason", "test entry")
    result = run(ws, "quality", "--engagement", "e", "--exclude", "a2", "--reason", "other",
                 ok=False)
    assert "already excluded (reason: 'test entry')" in result.stderr
    listed = json.loads(run(ws, "quality", "--engagement", "e", "--exclusions",
                            "--format", "json").stdout)
    assert [(r["respondent_id"], r["reason"]) for r in listed] == [("a2", "test entry")]
    assert "was not excluded" in run(ws, "quality", "--engagement", "e", "--include", "a1").stdout


# --- tables --------------------------------------------------------------------------------

RAW = re.compile(r"\bNaN\b|\bNone\b|<NA>|\d\.\d{3,}")


def test_tables_show_rounded_numbers_and_dashes_never_nan_none_or_na(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _mini(ws, "--teams", str(DATA / "teams.csv"))
    run(ws, "import", str(DATA / "responses" / "good_lf.csv"), "--engagement", "e")
    run(ws, "target", "--engagement", "e", "culture=4")
    run(ws, "rate", "--engagement", "e", "--facet", "latitude", "--level", "na",
        "--evidence", "No guidelines apply here")
    run(ws, "invite", "create", "--engagement", "e", "--team", "Billing Support", "--role",
        "manager", "--out", str(tmp_path / "c.csv"))
    for args in (["participation"], ["quality", "--all"], ["rate"], ["target"],
                 ["score", "--by", "role,team"], ["compare"], ["invite", "list"]):
        out = run(ws, *args, "--engagement", "e").stdout
        assert not RAW.search(out), (args, out)
    rated = run(ws, "rate", "--engagement", "e").stdout
    assert rated.splitlines()[0].split() == ["dimension", "facet", "name", "survey_level",
                                             "consultant_level", "agreement", "evidence"]
    assert "n/a" in rated
    assert "Latitude" in rated  # the facet's name beside its id


def test_target_rate_and_compare_give_one_machine_readable_table(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    samples = Path(__file__).parent.parent / "data" / "samples"
    run(ws, "org", "create", "Harbour")
    run(ws, "engagement", "create", "hu", "--org", "Harbour")
    run(ws, "import", str(samples / "harbour-utilities-2026.csv"), "--engagement", "hu")
    plan = json.loads(run(ws, "target", "--engagement", "hu", "culture=5", "autonomy=4",
                          "--format", "json").stdout)
    assert [r["step"] for r in plan] == [1, 2] and {r["status"] for r in plan} == {"open"}
    header = run(ws, "target", "--engagement", "hu", "--format", "csv").stdout.splitlines()[0]
    assert header.split(",")[:3] == ["dimension", "mean", "level"]
    refused = run(ws, "rate", "--engagement", "hu", "--facet", "autonomy_lines", "--level", "2",
                  ok=False)
    assert refused.exit_code == 2 and "--evidence is required with --facet" in refused.stderr
    run(ws, "rate", "--engagement", "hu", "--facet", "autonomy_lines", "--level", "2",
        "--evidence", "Scripts for every call type")
    rated = {r["facet"]: r for r in json.loads(run(ws, "rate", "--engagement", "hu",
                                                   "--format", "json").stdout)}
    lines = rated["autonomy_lines"]
    assert lines["consultant_level"] == 2 and lines["survey_level"] in range(1, 6)
    assert lines["agreement"] in ("agree", "differ", "disagree")
    rows = list(csv.reader(io.StringIO(run(ws, "compare", "--engagement", "hu", "--format",
                                           "csv").stdout)))
    assert rows[0][0] == "kind" and all(len(r) == len(rows[0]) for r in rows)
    assert sum(r == rows[0] for r in rows) == 1  # one header: one table
    only = json.loads(run(ws, "compare", "--engagement", "hu", "--what", "portfolio",
                          "--format", "json").stdout)
    assert "kind" not in only[0] and {"dimension", "percentile", "note"} <= set(only[0])


def test_csv_output_neutralises_spreadsheet_formulas_in_text(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _mini(ws)
    header = "respondent_id,role,team,cul_1,cul_2,cul_3,aut_1,aut_2"
    rows = [f"r{i},frontline,=HYPERLINK(\"http://x\"),3,3,3,3,3" for i in range(6)]
    responses = tmp_path / "formula.csv"
    responses.write_text("\n".join([header, *rows]) + "\n")
    run(ws, "import", str(responses), "--engagement", "e")
    for args in (["score", "--by", "team"], ["participation"], ["quality", "--all"]):
        out = run(ws, *args, "--engagement", "e", "--format", "csv").stdout
        cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
        assert "'=HYPERLINK(\"http://x\")" in cells, args
        assert not any(c.startswith(("=", "+", "@")) for c in cells), args


def test_backups_on_the_same_day_get_their_own_files(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _mini(ws)
    first = run(ws, "workspace", "backup").stdout.split()[-1]
    second = run(ws, "workspace", "backup").stdout.split()[-1]
    assert first != second and Path(first).is_file() and Path(second).is_file()


def test_the_comment_threshold_is_set_per_engagement_and_never_below_the_minimum(
    tmp_path: Path,
) -> None:
    ws = tmp_path / "ws"
    run(ws, "org", "create", "Acme")
    out = run(ws, "engagement", "create", "e", "--org", "Acme", "--model", str(MINI_MODEL),
              "--min-group-size", "6", "--min-comment-group-size", "12").stdout
    assert "comments from groups of 12" in out
    with Store(ws / "assessment.db") as store:
        assert store.engagement("e").min_comment_group_size == 12
    bad = run(ws, "engagement", "create", "f", "--org", "Acme", "--model", str(MINI_MODEL),
              "--min-group-size", "6", "--min-comment-group-size", "4", ok=False)
    assert "min_comment_group_size" in bad.stderr and "Traceback" not in bad.stderr
    default = run(ws, "engagement", "create", "g", "--org", "Acme", "--model", str(MINI_MODEL),
                  "--min-group-size", "11").stdout
    assert "comments from groups of 11" in default


def test_model_check_can_insist_that_every_cited_source_exists(tmp_path: Path) -> None:
    sources = tmp_path / "seeds"
    sources.mkdir()
    result = run(tmp_path, "model", "check", str(MINI_MODEL), "--sources", str(sources),
                 ok=False)
    assert "004_6fdcfdb0826a6ba8.txt" in result.stderr
    for name in ("002_9c4d7999a43e87cd.txt", "003_3e8d9bbc05271469.txt",
                 "004_6fdcfdb0826a6ba8.txt"):
        (sources / name).write_text("article", encoding="utf-8")
    assert run(tmp_path, "model", "check", str(MINI_MODEL), "--sources", str(sources)).stdout


def test_compare_waves_by_item_prints_the_reports_numbers(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    from assessment import prepare_report

    rows = json.loads(run(demo_workspace.path, "compare", "--engagement", "demo", "--what",
                          "waves", "--level", "item", "--format", "json").output)
    by_item = {r["item"]: r for r in rows}
    assert {r["wave_from"] for r in rows} == {"2025-Q4"} and len(by_item) == len(rows)
    reworded = by_item["cul_customer_2"]  # text version 2 now, 1 in the earlier wave
    assert not reworded["comparable"] and reworded["label"] == "not comparable"
    assert reworded["change"] is None and reworded["mean_from"] is None
    assert by_item["lead_example_1"]["label"] == "up" and by_item["lead_example_1"]["change"] > 0.2
    report = prepare_report(str(demo_workspace.path), "demo", "organisation", "en",
                            str(tmp_path))
    shown = report.change_items[~report.change_items["suppressed"]]
    for _, row in shown.iterrows():
        assert by_item[row["item"]]["change"] == pytest.approx(row["change"])
        assert by_item[row["item"]]["ci_low"] == pytest.approx(row["ci_low"])
    teams = list(csv.DictReader(io.StringIO(run(
        demo_workspace.path, "compare", "--engagement", "demo", "--what", "waves", "--level",
        "item", "--by", "team", "--format", "csv").output)))
    tiny = [r for r in teams if r["group"] == "Complaints Desk"]  # 8 last wave, 3 now
    assert tiny and all(r["mean_from"] == r["mean_to"] == r["change"] == "" for r in tiny)
    bad = run(demo_workspace.path, "compare", "--engagement", "demo", "--level", "item", ok=False)
    assert bad.exit_code != 0 and "--what waves" in bad.output
