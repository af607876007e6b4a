"""The console script, run as users run it: a real process per command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assessment import Store
from tests.conftest import DATA, MINI_MODEL

EXE = shutil.which("assessment", path=str(Path(sys.executable).parent)) or "assessment"


def run(ws: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSESSMENT_WORKSPACE": str(ws)}
    result = subprocess.run([EXE, *args], capture_output=True, text=True, env=env, timeout=120)
    if ok:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0, result.stdout
    return result


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
    assert shown.splitlines()[1].split()[:4] == ["culture", "NaN", "<NA>", "4"]  # 3 people: hidden
    assert "level from 1 to 5" in run(ws, "target", "--engagement", "e", "culture=9",
                                      ok=False).stderr


@pytest.mark.slow
def test_the_workbook_sequence_end_to_end_from_the_shell(tmp_path: Path) -> None:
    """The consultant workbook's nine steps, as commands."""
    ws = tmp_path / "ws"
    samples = Path(__file__).parent.parent / "data" / "samples"
    run(ws, "org", "create", "Harbour Utilities")
    run(ws, "engagement", "create", "hu", "--org", "Harbour Utilities", "--wave", "2026-Q4",
        "--language", "en", "--language", "nl",
        "--teams", str(samples / "harbour-utilities-teams.csv"))
    codes = tmp_path / "codes.csv"
    run(ws, "invite", "create", "--engagement", "hu", "--team", "Billing", "--role",
        "frontline", "--uses", "28", "--out", str(codes))
    assert codes.read_text().count("\n") == 2  # header and one code
    before = json.loads(run(ws, "participation", "--engagement", "hu", "--format", "json").stdout)
    assert all(r["responses"] == 0 for r in before)
    run(ws, "import", str(samples / "harbour-utilities-2026.csv"), "--engagement", "hu")
    assert "0 of 118 responses flagged" in run(ws, "quality", "--engagement", "hu").stdout
    run(ws, "rate", "--engagement", "hu", "--facet", "autonomy_lines", "--level", "2",
        "--evidence", "Scripts for every call type")
    plan = run(ws, "target", "--engagement", "hu", "culture=4", "autonomy=3").stdout
    assert "roadmap:" in plan and "autonomy" in plan
    scores = json.loads(run(ws, "score", "--engagement", "hu", "--by", "role",
                            "--format", "json").stdout)
    assert {r["group"] for r in scores} == {"executive", "manager", "frontline"}
    out = tmp_path / "reports"
    result = run(ws, "batch", "--engagement", "hu", "--by", "role", "--workers", "2",
                 "--out", str(out))
    assert str(out / "index.html") in result.stdout
    assert (out / "organisation.en.html").is_file()
    compared = json.loads(run(ws, "compare", "--engagement", "hu", "--format", "json").stdout)
    assert compared["waves"] == [] and len(compared["portfolio"]) == 5
