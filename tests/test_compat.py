"""Compatibility: the model format's generalisation leaves every old score as it was.

``tests/data/compat`` holds a stored engagement on the shipped model 1.2 (its database,
frozen) and the score tables that the code before issue 14's model format computed for it
and for the demo (``generate.py`` ran once, on main at ea0423b). Today's code must give the
same tables to the last bit: respondent scores, every breakdown at dimension and facet
level with rwg(J), eNPS, the trifecta, reliability and the perception gaps.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from compat_tables import score_tables

from assessment._demo import DEMO_ENGAGEMENT
from assessment._store._store import Store
from assessment._store._workspace import Workspace

DATA = Path(__file__).parent / "data" / "compat"
TABLES = (
    "respondents", "respondent-facets", "scores", "facets", "enps", "trifecta",
    "reliability", "gaps",
)


def _same_text(store: Store, engagement_id: str, prefix: str) -> None:
    for name, frame in score_tables(store, engagement_id).items():
        expected = (DATA / f"expected-{prefix}-{name}.csv").read_text(encoding="utf-8")
        # Floats are written with repr (shortest round-trip form): equal text, equal bits.
        assert frame.to_csv() == expected, f"{prefix} {name}: scores changed"


def test_the_frozen_tables_are_all_there() -> None:
    for prefix in ("1.2", "demo"):
        for name in TABLES:
            text = (DATA / f"expected-{prefix}-{name}.csv").read_text(encoding="utf-8")
            assert text.count("\n") > 1, f"{prefix} {name} is empty"


def test_a_stored_1_2_engagement_scores_as_before(tmp_path: Path) -> None:
    db = tmp_path / "assessment.db"
    shutil.copy(DATA / "engagement-1.2.db", db)
    with Store(db) as store:
        assert store.model("acme-2026").version == "1.2"
        assert store.count_respondents("acme-2026") == 251
        _same_text(store, "acme-2026", "1.2")


def test_the_demo_scores_as_before(demo_workspace: Workspace) -> None:
    with Store(demo_workspace.db_path) as store:
        _same_text(store, DEMO_ENGAGEMENT, "demo")
