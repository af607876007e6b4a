"""Time one organisation report for the 250-respondent demo and for 100,000 respondents.

    .venv/bin/python benchmarks/bench_report.py [--respondents 100000] [--keep DIR]

Builds both workspaces (the large one with ``generate_frames`` and ``Store.add_responses``;
``--keep DIR`` reuses them across runs), then produces each report twice:

- ``cli``: the ``assessment report`` command, a new process and kernel, as a consultant runs it
  right after new responses came in (no copy of this revision's responses yet, see
  ``Store.responses``);
- ``warm``: ``ReportRenderer.render`` in an already started kernel, first report of the
  engagement in that kernel, so the tables are computed, not cached, as a batch worker does
  it: the batch has read the responses once while planning, so the worker loads the copy;
- ``warm_cold``: the same with no copy yet (the first read of a revision anywhere);
- ``cached``: the next report in that kernel (every later report of a batch worker), whose
  tables come from the process's cache.

It also times the two steps whose cost grows with the respondents, in this process:
``store_read`` (``Store.responses`` from SQLite, with no copy) and ``tables`` (every other
part of computing the engagement's tables: scoring, suppression, comments).

The last line is a JSON object with the seconds of each and the ratios large / small. The
target: the large report takes at most twice as long as the demo's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment import (
    ReportRenderer,
    ResponseSet,
    Store,
    build_demo,
    generate_frames,
    load_model_text,
    models_dir,
)
from assessment._store._cache import CACHE_DIR

NOTEBOOK = ROOT / "notebooks" / "report.ipynb"


def build(folder: Path, respondents: int) -> tuple[Path, Path]:
    """Return the demo and the large workspace (engagement ``big``), building what is missing."""
    source = (models_dir() / "service-maturity.yaml").read_text(encoding="utf-8")
    demo, large = folder / "demo", folder / f"large-{respondents}"
    with Store(demo / "assessment.db") as store:
        build_demo(store, source)
    if not (large / "assessment.db").exists():
        model = load_model_text(source)
        with Store(large / "assessment.db") as store:
            store.create_organisation("Large Org")
            store.create_engagement("big", "Large Org", source, wave="bench")
            people, answers, comments = generate_frames(model, respondents, seed=1)
            na = answers.isna() & False
            store.add_responses("big", ResponseSet(people, answers, na, comments), source="bench")
    return demo, large


def cli(workspace: Path, engagement: str, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "assessment"), "--workspace", str(workspace),
         "report", "--engagement", engagement, "--out", str(out)],
        check=True, capture_output=True,
    )
    return time.perf_counter() - start


def warm(workspace: Path, engagement: str, out: Path) -> tuple[float, float]:
    """Seconds of the first report of the engagement in a warm kernel, and of the next one."""
    seconds = []
    with ReportRenderer() as renderer:
        for stem in ("organisation.en", "again.en"):
            start = time.perf_counter()
            result = renderer.render(NOTEBOOK, out, stem,
                                     {"workspace": str(workspace), "engagement": engagement})
            seconds.append(time.perf_counter() - start)
            if not result.ok:
                raise SystemExit(f"{engagement}: {result.error}")
    return seconds[0], seconds[1]


def steps(workspace: Path, engagement: str, repeat: int = 3) -> tuple[float, float]:
    """Seconds of ``Store.responses`` and of the rest of computing the engagement's tables,
    in-process: the fastest of ``repeat`` runs, each split into the store read and the rest."""
    from assessment._report import _tables

    runs = []
    spent: list[float] = []
    with Store(workspace / "assessment.db") as store:
        eng = store.engagement(engagement)
        read = store.responses

        def timed(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return read(*args, **kwargs)  # type: ignore[arg-type]
            finally:
                spent.append(time.perf_counter() - start)

        store.responses = timed  # type: ignore[method-assign]
        for _ in range(repeat):
            forget_copies(workspace)  # the read from SQLite, not from the copy
            spent.clear()
            start = time.perf_counter()
            _tables.compute_tables(store, eng)
            total = time.perf_counter() - start
            runs.append((total, sum(spent)))
    total, reading = min(runs)
    return reading, total - reading


def forget_copies(workspace: Path) -> None:
    """Remove the store's copies of responses read before (``Store.responses``)."""
    for copy in (workspace / CACHE_DIR).glob("responses-*.npz"):
        copy.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="reuse the workspaces in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        demo, large = build(folder, args.respondents)
        out = Path(tmp) / "out"
        figures: dict[str, float] = {"respondents": args.respondents}
        for ws in (demo, large):
            forget_copies(ws)
        figures["demo_cli_seconds"] = cli(demo, "demo", out / "a")
        figures["large_cli_seconds"] = cli(large, "big", out / "b")
        figures["demo_warm_seconds"], figures["demo_cached_seconds"] = warm(demo, "demo",
                                                                           out / "c")
        figures["large_warm_seconds"], figures["large_cached_seconds"] = warm(large, "big",
                                                                             out / "d")
        for ws in (demo, large):
            forget_copies(ws)
        figures["demo_warm_cold_seconds"], _ = warm(demo, "demo", out / "e")
        figures["large_warm_cold_seconds"], _ = warm(large, "big", out / "f")
        figures["demo_store_read_seconds"], figures["demo_tables_seconds"] = steps(demo, "demo")
        figures["large_store_read_seconds"], figures["large_tables_seconds"] = steps(large, "big")
    figures = {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}
    for kind in ("cli", "warm", "warm_cold", "cached"):
        figures[f"{kind}_ratio"] = round(
            figures[f"large_{kind}_seconds"] / figures[f"demo_{kind}_seconds"], 2
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
