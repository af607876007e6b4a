"""Benchmark: the report batch against the naive way, on the same reports of the demo.

    .venv/bin/python benchmarks/bench_batch.py [--workers 2] [--units 6] [--keep DIR]

Builds the demo organisation in a temporary workspace and produces the same reports (the
organisation and the first teams of the plan, in the four languages: 6 units x 4 languages
= 24 reports by default) three times:

- naive: for each report, the ``papermill`` command line, then
  ``jupyter nbconvert --to html --no-input``, one after the other;
- batch: ``assessment batch`` as a subprocess (worker processes with warm kernels);
- floor: ``assessment batch`` on an empty notebook (only the parameters cell): what the
  pipeline itself costs (worker and kernel start, papermill, export) with no report in it.

Progress goes to standard error; the last line of standard output is a JSON object with
``reports``, ``naive_seconds``, ``batch_seconds``, ``ratio`` and ``floor_seconds``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assessment import Workspace, build_demo, models_dir, plan_batch

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "report.ipynb"
EMPTY = ROOT / "tests" / "data" / "notebooks" / "empty.ipynb"
LANGUAGES = ("en", "nl", "ru", "uk")
BIN = Path(sys.executable).parent


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(args)}\n{done.stderr[-3000:]}")


def naive(ws: Workspace, units: list[str], out: Path) -> float:
    """The papermill CLI, then nbconvert's CLI, for each report in turn."""
    jobs = plan_batch(ws, "demo", out, languages=LANGUAGES, units=units)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i, job in enumerate(jobs, 1):
        executed = out / f"{job.stem}.ipynb"
        params = [a for k, v in job.parameters.items() for a in ("-p", k, v)]
        _run([str(BIN / "papermill"), str(NOTEBOOK), str(executed), *params,
              "-k", "python3", "--cwd", str(out), "--no-progress-bar"])
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
        if not executed.with_suffix(".html").is_file():
            raise SystemExit(f"naive: no HTML for {job.stem}")
        _log(f"  naive {i}/{len(jobs)} {time.perf_counter() - start:.1f} s")
    return time.perf_counter() - start


def batch(ws: Workspace, units: list[str], out: Path, workers: int, notebook: Path) -> float:
    """``assessment batch`` as a subprocess, from start to exit."""
    args = [str(BIN / "assessment"), "--workspace", str(ws.path), "batch", "--engagement", "demo",
            "--lang", ",".join(LANGUAGES), "--out", str(out), "--workers", str(workers),
            "--notebook", str(notebook), "--force"]
    for unit in units:
        args += ["--unit", unit]
    start = time.perf_counter()
    _run(args)
    seconds = time.perf_counter() - start
    report = json.loads((out / "reports.json").read_text(encoding="utf-8"))["reports"]
    if len(report) != len(units) * len(LANGUAGES) or any(r["status"] != "ok" for r in report):
        raise SystemExit(f"batch: not every report was produced in {out}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--units", type=int, default=6, help="units (x 4 languages)")
    parser.add_argument("--keep", type=Path, help="keep the workspace and reports here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        base = args.keep or Path(tmp)
        ws = Workspace(base / "ws")
        with ws.store() as store:
            build_demo(store, (models_dir() / "service-maturity.yaml").read_text("utf-8"))
        units = [j.unit for j in plan_batch(ws, "demo", base, by="team")][: args.units]
        n = len(units) * len(LANGUAGES)
        _log(f"{n} reports: {', '.join(units)} x {', '.join(LANGUAGES)}")

        floor = batch(ws, units, base / "floor", args.workers, EMPTY)
        _log(f"floor (empty notebook through the batch): {floor:.1f} s")
        batch_seconds = batch(ws, units, base / "batch", args.workers, NOTEBOOK)
        _log(f"batch: {batch_seconds:.1f} s")
        naive_seconds = naive(ws, units, base / "naive")
        _log(f"naive: {naive_seconds:.1f} s")

    print(json.dumps({
        "reports": n,
        "naive_seconds": round(naive_seconds, 1),
        "batch_seconds": round(batch_seconds, 1),
        "ratio": round(naive_seconds / batch_seconds, 2),
        "floor_seconds": round(floor, 1),
        "workers": args.workers,
    }))


if __name__ == "__main__":
    main()
