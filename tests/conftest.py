"""Shared fixtures: the small test model, a fresh store, and an engagement on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assessment import MaturityModel, Store, load_model

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
MINI_MODEL = DATA / "models" / "mini.yaml"
SHIPPED_MODEL = ROOT / "data" / "models" / "service-maturity.yaml"


@pytest.fixture(scope="session")
def mini_model() -> MaturityModel:
    return load_model(MINI_MODEL)


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
