"""Shared fixtures: the small test model, a fresh store, and an engagement on it; the demo
workspace, built once per session (read-only) and copied for tests that change it."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from assessment import MaturityModel, Store, Workspace, build_demo, load_model

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
MINI_MODEL = DATA / "models" / "mini.yaml"
SHIPPED_MODEL = ROOT / "data" / "models" / "service-maturity.yaml"


@pytest.fixture(scope="session")
def mini_model() -> MaturityModel:
    return load_model(MINI_MODEL)


def answers_frame(rows: dict[str, list[float]], model: MaturityModel) -> pd.DataFrame:
    """Answers from {respondent: [one value per question, in the model's order]} (the mini
    model: cul_1, cul_2 (reverse), cul_3, aut_1, aut_2, out_cx, out_ee)."""
    index = pd.Index(list(rows), name="respondent_id")
    return pd.DataFrame(list(rows.values()), index=index, columns=model.question_ids, dtype=float)


@pytest.fixture(scope="session")
def shipped_model() -> MaturityModel:
    return load_model(SHIPPED_MODEL)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "ws" / "assessment.db") as s:
        yield s


@pytest.fixture
def engagement(store: Store) -> str:
    """An engagement 'e1' of organisation 'Org' on the mini model, with no responses yet."""
    store.create_organisation("Org")
    store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"))
    return "e1"


# --- the demo workspace ----------------------------------------------------------------------

#: Makes a fresh demo workspace in a folder that does not exist yet.
DemoFactory = Callable[[Path], Workspace]


@pytest.fixture(scope="session")
def make_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFactory:
    """Return ``make(folder)``: a workspace at ``folder`` exactly as ``build_demo`` leaves it.

    The demo is built once per session into a template nobody opens; each call copies that
    folder (the database is checkpointed and closed first, so the copy is whole: no WAL file
    and no ``.cache/`` beside it). Use it for a test that writes to the workspace: responses,
    ratings, targets, engagements, or reports into ``<workspace>/reports/``.
    """
    template = tmp_path_factory.mktemp("demo-template") / "ws"
    with Store(template / "assessment.db") as store:
        build_demo(store, SHIPPED_MODEL.read_text(encoding="utf-8"))
        assert store.checkpoint(), "the demo template's WAL could not be checkpointed"
    assert sorted(p.name for p in template.iterdir()) == ["assessment.db"]

    def make(folder: Path) -> Workspace:
        shutil.copytree(template, folder)
        return Workspace(folder)

    return make


def _contents(ws: Workspace) -> tuple[str, list[str]]:
    """A digest of the database's rows and schema, and the files outside ``.cache/``."""
    digest = hashlib.sha256()
    with sqlite3.connect(ws.db_path) as conn:
        for line in conn.iterdump():
            digest.update(line.encode())
    conn.close()
    files = sorted(
        str(p.relative_to(ws.path)) for p in ws.path.rglob("*")
        if p.relative_to(ws.path).parts[0] != ".cache"
        and p.name not in {"assessment.db-wal", "assessment.db-shm"}
    )
    return digest.hexdigest(), files


@pytest.fixture(scope="session")
def demo_workspace(
    make_demo: DemoFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    """The demo workspace shared by the whole session: READ-ONLY.

    Reading fills its ``.cache/`` (responses by revision), nothing else: a test that adds
    data or writes reports into it takes :func:`demo_copy` (or :func:`make_demo`) instead.
    At the end of the session the database and the files are checked unchanged.
    """
    ws = make_demo(tmp_path_factory.mktemp("demo-shared") / "ws")
    before = _contents(ws)
    yield ws
    after = _contents(ws)
    changed = ["its database"] if after[0] != before[0] else []
    changed += sorted(set(after[1]) ^ set(before[1]))
    assert after == before, (
        f"a test changed the shared, read-only demo workspace ({', '.join(changed)}): "
        "a test that writes to it takes demo_copy"
    )


@pytest.fixture
def demo_copy(make_demo: DemoFactory, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A fresh demo workspace of this test's own, free to change (a copy, not a rebuild)."""
    return make_demo(tmp_path_factory.mktemp("demo-copy") / "ws")
