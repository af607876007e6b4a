"""The committed notebooks as users run them: nbval top to bottom, and papermill."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from assessment import Store, build_demo
from assessment._config import models_dir
from tests.conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"


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


def test_the_questionnaire_notebook_runs_under_nbval(tmp_path: Path) -> None:
    with Store(tmp_path / "ws" / "assessment.db") as store:
        build_demo(store, (models_dir() / "service-maturity.yaml").read_text(encoding="utf-8"))
    proc = _nbval(NOTEBOOKS / "questionnaire.ipynb", tmp_path / "ws")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


@pytest.mark.slow
def test_the_consultant_workbook_under_papermill_does_every_step(tmp_path: Path) -> None:
    out = tmp_path / "consultant.out.ipynb"
    ws = tmp_path / "ws"
    papermill.execute_notebook(
        str(NOTEBOOKS / "consultant.ipynb"), str(out), kernel_name="python3",
        cwd=str(NOTEBOOKS),
        parameters={"workspace": str(ws), "engagement": "hu-test", "report_by": "team",
                    "min_group_size": 6},
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    assert nb.metadata["papermill"]["parameters"]["engagement"] == "hu-test"
    text = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "9 codes written" in text
    assert "imported 118 respondents" in text
    assert "0 failed" in text
    with Store(ws / "assessment.db") as store:
        assert store.count_respondents("hu-test") == 118
        assert store.targets("hu-test") == {"culture": 4, "leadership": 4, "coaching": 4,
                                            "autonomy": 3}
        assert len(store.ratings("hu-test")) == 2
    index = (ws / "reports" / "hu-test" / "index.html").read_text(encoding="utf-8")
    assert "Contact Centre" in index and "Billing" in index
