"""The committed notebooks as users run them: nbval top to bottom, and papermill."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from assessment import Store
from tests.conftest import ROOT, DemoFactory

NOTEBOOKS = ROOT / "notebooks"
EXE = shutil.which("assessment", path=str(Path(sys.executable).parent)) or "assessment"


def _nbval(notebook: Path, workspace: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSESSMENT_WORKSPACE": str(workspace)}
    env.pop("ASSESSMENT_ENGAGEMENT", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
         "-p", "no:cacheprovider", "-q", str(notebook)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )


@pytest.mark.slow
def test_the_consultant_workbook_runs_top_to_bottom_under_nbval_on_a_fresh_workspace(
    tmp_path: Path,
) -> None:
    proc = _nbval(NOTEBOOKS / "consultant.ipynb", tmp_path / "ws")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert (tmp_path / "ws" / "reports" / "harbour-2026" / "index.html").is_file()


@pytest.mark.slow
def test_the_questionnaire_notebook_runs_under_nbval(
    make_demo: DemoFactory, tmp_path: Path
) -> None:
    make_demo(tmp_path / "ws")
    proc = _nbval(NOTEBOOKS / "questionnaire.ipynb", tmp_path / "ws")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


def _html_outputs(nb: nbformat.NotebookNode) -> str:
    return "\n".join(str(o.get("data", {}).get("text/html", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def _outputs(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )


@pytest.mark.slow
def test_the_consultant_workbook_under_papermill_does_every_step_and_reruns_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from a checkout's notebooks/ folder with no workspace anywhere, as in JupyterLab:
    the workbook makes one beside notebooks/, and the command line run from the checkout
    and the report notebook's Run All then find the same workspace and engagement."""
    checkout = tmp_path / "checkout"
    notebooks = checkout / "notebooks"
    notebooks.mkdir(parents=True)
    for name in ("consultant.ipynb", "report.ipynb"):
        shutil.copy(NOTEBOOKS / name, notebooks / name)
    monkeypatch.delenv("ASSESSMENT_WORKSPACE", raising=False)
    monkeypatch.delenv("ASSESSMENT_ENGAGEMENT", raising=False)
    ws = checkout / "workspace"
    parameters = {"engagement": "hu-test", "report_by": "team", "min_group_size": 6}

    def execute(out: Path) -> str:
        papermill.execute_notebook(
            str(notebooks / "consultant.ipynb"), str(out), kernel_name="python3",
            cwd=str(notebooks), parameters=parameters, progress_bar=False,
        )
        return _outputs(out)

    text = execute(tmp_path / "first.ipynb")
    assert f"workspace: {ws} (none found here or above: a new one is made there" in text
    # The command line, run from the checkout, sees the workbook's engagement.
    env = {k: v for k, v in os.environ.items() if k != "ASSESSMENT_WORKSPACE"}
    listed = subprocess.run([EXE, "engagement", "list", "--format", "json"], cwd=checkout,
                            env=env, capture_output=True, text=True, timeout=120, check=True)
    assert [e["id"] for e in json.loads(listed.stdout)] == ["hu-test"]
    assert json.loads(listed.stdout)[0]["wave"] == "2026-Q4"  # the workbook's wave, applied
    # Run All on the report notebook right after: its default engagement is this one.
    papermill.execute_notebook(
        str(notebooks / "report.ipynb"), str(tmp_path / "report.ipynb"),
        kernel_name="python3", cwd=str(notebooks), progress_bar=False)
    report = nbformat.read(tmp_path / "report.ipynb", as_version=4)
    assert "hu-test" in _html_outputs(report)
    assert (ws / "reports" / "hu-test" / "organisation.scores.csv").is_file()
    nb = nbformat.read(tmp_path / "first.ipynb", as_version=4)
    assert nb.metadata["papermill"]["parameters"]["engagement"] == "hu-test"
    assert "9 codes written" in text
    assert "imported 118 respondents" in text
    assert "0 failed" in text
    codes = ws / "hu-test" / "invites.csv"
    written = codes.read_bytes()
    with Store(ws / "assessment.db") as store:
        assert store.count_respondents("hu-test") == 118
        assert store.targets("hu-test") == {"culture": 4, "leadership": 4, "coaching": 4,
                                            "autonomy": 3}
        assert len(store.ratings("hu-test")) == 2
        assert store.narratives("hu-test")["dimension"].tolist() == [None, "autonomy"]
        assert store.actions("hu-test")["owner"].tolist() == ["Head of Customer Care"]
        invites = store.connection.execute(
            "SELECT count(*), sum(max_uses) FROM invite_codes WHERE engagement_id = 'hu-test'"
        ).fetchone()
        revision = store.revision("hu-test")
    assert invites == (9, 138)  # one code per team and role; uses add up to the headcount
    index = (ws / "reports" / "hu-test" / "index.html").read_text(encoding="utf-8")
    assert "Contact Centre" in index and "Billing" in index

    # The same workbook again: no new codes, and nothing that counts as a change.
    again = execute(tmp_path / "second.ipynb")
    assert f"workspace: {ws}\n" in again  # found, not made again
    assert "no new codes: all 9 team/role pairs already have codes" in again
    assert str(codes) in again
    assert "imported 0 respondents" in again
    assert "0 failed" in again
    assert "0 produced" in again  # nothing changed: both batches leave every report as it is
    assert codes.read_bytes() == written
    with Store(ws / "assessment.db") as store:
        assert store.revision("hu-test") == revision
        assert store.count_respondents("hu-test") == 118
        assert len(store.actions("hu-test")) == 1  # the example action is added once
        assert store.connection.execute(
            "SELECT count(*) FROM invite_codes WHERE engagement_id = 'hu-test'"
        ).fetchone() == (9,)
