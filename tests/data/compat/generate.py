"""Freeze the compatibility data: a stored 1.2 engagement and the scores the old code gave.

Run once, on main at ea0423b (before issue 14's model format), with the 1.2 model beside
it as ``service-maturity-1.2.yaml`` and ``python tests/data/compat/generate.py``; the files
it writes are committed and
``tests/test_compat.py`` compares today's scores against them. Do not run it again: its
purpose is to hold the old code's answers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from assessment._demo import DEMO_ENGAGEMENT, build_demo, demo_responses, demo_teams  # noqa: E402
from assessment._model._load import load_model_text  # noqa: E402
from assessment._store._store import Store  # noqa: E402

#: The stored 1.2 engagement's id and the seed of its responses.
ENGAGEMENT, SEED = "acme-2026", 12


def tables(store: Store, engagement_id: str) -> dict[str, pd.DataFrame]:
    """Every score table the compatibility test compares."""
    sys.path.insert(0, str(HERE.parents[1]))
    from compat_tables import score_tables  # tests/compat_tables.py

    return score_tables(store, engagement_id)


def main() -> None:
    out = HERE
    db = out / "engagement-1.2.db"
    db.unlink(missing_ok=True)
    # The shipped model as released in 1.2 (git show 5673b5b:data/models/service-maturity.yaml).
    text = (out / "service-maturity-1.2.yaml").read_text(encoding="utf-8")
    with Store(db) as store:
        store.create_organisation("Acme Care")
        store.create_engagement(ENGAGEMENT, "Acme Care", text, wave="2025-Q4")
        model = load_model_text(text)
        store.add_responses(ENGAGEMENT, demo_responses(model, SEED), source="frozen 1.2")
        store.set_teams(ENGAGEMENT, demo_teams())
        for name, frame in tables(store, ENGAGEMENT).items():
            frame.to_csv(out / f"expected-1.2-{name}.csv")
    shipped = (HERE.parents[2] / "data" / "models" / "service-maturity.yaml").read_text("utf-8")
    demo_db = out / "demo.tmp.db"
    demo_db.unlink(missing_ok=True)
    with Store(demo_db) as store:
        build_demo(store, shipped)
        for name, frame in tables(store, DEMO_ENGAGEMENT).items():
            frame.to_csv(out / f"expected-demo-{name}.csv")
    demo_db.unlink()


if __name__ == "__main__":
    main()
