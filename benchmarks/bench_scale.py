"""Benchmark: a large organisation end to end, from its response file to every team's report.

    .venv/bin/python benchmarks/bench_scale.py --respondents 100000 [--teams 2500]
        [--executor local|dask] [--workers 2] [--naive 3] [--batch-teams N] [--keep DIR]
        [--renew-kernel-after N]

Runs the command line as a consultant does, each step a process of its own:

1. builds an organisation of ``--respondents`` people in ``--teams`` teams (about 40 each by
   default; ``generate_frames``) and writes it as a CSV file in the import layout;
2. ``assessment import`` (``import_seconds``);
3. ``assessment score --by team`` (``score_seconds``);
4. ``assessment batch --by team`` with ``--executor`` and ``--workers`` (``batch_seconds``;
   without a scheduler, ``dask`` starts a local cluster), sampling the batch process's
   memory (``peak_rss_mb_client``); each report records its worker's memory with its
   kernel (``peak_rss_mb_worker``; ``worker_rss_growth_mb``, the largest growth of one
   worker from its 10th report to its peak; ``worker_peak_growth_mb_per_100_reports``, the
   largest rise of one worker's peak memory from its first 100 reports to its last 100 (or
   ``--renew-kernel-after`` reports, if more), per 100 reports between them (``null`` below
   twice that per worker): about 0 when memory does not grow with the number of reports;
   and ``worker_kernels``, the most kernels one worker started, one per
   ``--renew-kernel-after`` reports); ``--batch-teams N`` reports on the organisation and N
   teams spread over the list instead of every team (each report still computed from the
   whole organisation's snapshot), and ``full_batch_seconds_estimate`` extrapolates the rate
   to every team;
5. the same batch of the 250-respondent demo (8 reports), for the per-report cost;
6. the naive way: ``assessment report`` for ``--naive`` teams, one process each.

The last line is one JSON object. ``report_cost_ratio`` is the large batch's worker-seconds
per report over the demo batch's (the target: at most 1.2); ``report_seconds_ratio`` compares
the median time of one report inside a worker; ``naive_ratio`` is the naive seconds per
report over the batch's wall-clock seconds per report.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment import (
    ResponseSet,
    Store,
    build_demo,
    generate_frames,
    load_model,
    models_dir,
    unit_slug,
)
from assessment._report._worker import RENEW_AFTER
from assessment._tabular import write_responses

MODEL = models_dir() / "service-maturity.yaml"
BIN = Path(sys.executable).parent


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _run(args: list[str], *, sample: bool = False) -> tuple[float, float]:
    """Run ``assessment ARGS``; return its seconds and (with ``sample``) its peak RSS in MB."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen([str(BIN / "assessment"), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = 0.0
    if sample:
        watched = psutil.Process(proc.pid)
        done = threading.Event()

        def watch() -> None:
            nonlocal peak
            while not done.wait(0.2):
                try:
                    peak = max(peak, watched.memory_info().rss / 2**20)
                except psutil.Error:
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if sample:
        done.set()
        watcher.join()
    if proc.returncode not in (0,):
        raise SystemExit(f"failed ({proc.returncode}): assessment {' '.join(args)}\n"
                         f"{out[-2000:]}\n{err[-3000:]}")
    return seconds, peak


def build(folder: Path, respondents: int, teams: int | None) -> tuple[Path, Path]:
    """The response file of the large organisation, and an empty workspace for it."""
    model = load_model(MODEL)
    csv = folder / f"organisation-{respondents}-{teams or 'auto'}.csv"
    if not csv.exists():
        people, answers, comments = generate_frames(model, respondents, seed=1, teams=teams)
        write_responses(ResponseSet(people, answers, answers.isna() & False, comments), model,
                        csv)
    workspace = folder / "large"
    with Store(workspace / "assessment.db") as store:
        store.create_organisation("Large Org")
        store.create_engagement("big", "Large Org", MODEL.read_text(encoding="utf-8"),
                                wave="bench")
    return csv, workspace


def _peak_growth(rss: list[float], window: int = 100) -> float | None:
    """MB per 100 reports by which the peak of the last ``window`` reports exceeds the first's."""
    if len(rss) < 2 * window:
        return None
    return (max(rss[-window:]) - max(rss[:window])) / ((len(rss) - window) / 100)


def batch(workspace: Path, engagement: str, out: Path, executor: str, workers: int,
          units: list[str] | None = None, renew_after: int | None = None) -> dict[str, Any]:
    """``assessment batch --by team`` (only ``units`` if given); its figures from the run and
    from ``reports.json``."""
    only = [arg for unit in units or [] for arg in ("--unit", unit)]
    if renew_after is not None:
        only += ["--renew-kernel-after", str(renew_after)]
    seconds, peak = _run(["--workspace", str(workspace), "batch", "--engagement", engagement,
                          "--by", "team", "--out", str(out), "--executor", executor,
                          "--workers", str(workers), "--force", *only], sample=True)
    records = json.loads((out / "reports.json").read_text(encoding="utf-8"))["reports"]
    by_worker: dict[str, list[tuple[int, float]]] = {}
    for r in records:
        if r.get("worker") and r.get("worker_rss_mb") is not None:
            by_worker.setdefault(r["worker"], []).append((r["worker_report"], r["worker_rss_mb"]))
    growth = [
        max(rss for _, rss in made) - sorted(made)[min(9, len(made) - 1)][1]
        for made in by_worker.values()
    ]
    # A window at least as long as a kernel's life: a renewed kernel's first reports are low.
    window = max(100, renew_after if renew_after is not None else RENEW_AFTER)
    peaks = [g for made in by_worker.values()
             if (g := _peak_growth([rss for _, rss in sorted(made)], window)) is not None]
    return {
        "seconds": seconds,
        "reports": len(records),
        "failed": sum(r["status"] == "failed" for r in records),
        "peak_rss_mb_client": peak,
        "peak_rss_mb_worker": max((r["worker_rss_mb"] or 0) for r in records),
        "worker_rss_growth_mb": max(growth, default=0.0),
        "worker_peak_growth_mb_per_100_reports": max(peaks, default=None),
        "worker_kernels": max((r.get("worker_kernel") or 0 for r in records), default=0),
        "median_report_seconds": statistics.median(r["seconds"] for r in records),
        "workers_seen": len(by_worker),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--teams", type=int, help="default: about one per 40 respondents")
    parser.add_argument("--executor", choices=["local", "dask"], default="local")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--naive", type=int, default=3, help="teams reported the naive way")
    parser.add_argument("--batch-teams", type=int,
                        help="report on the organisation and this many teams (default: all)")
    parser.add_argument("--keep", type=Path, help="keep the files and workspaces here")
    parser.add_argument("--renew-kernel-after", type=int, metavar="N",
                        help="reports per worker kernel (default: the batch's own)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        base = args.keep or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        for old in base.glob("large*"):
            subprocess.run(["rm", "-rf", str(old)], check=True)
        csv, workspace = build(base, args.respondents, args.teams)
        _log(f"{csv.name}: {csv.stat().st_size / 1e6:.1f} MB")
        ws = ["--workspace", str(workspace)]
        import_seconds, _ = _run([*ws, "import", str(csv), "--engagement", "big"])
        _log(f"import: {import_seconds:.1f} s")
        score_seconds, _ = _run([*ws, "score", "--engagement", "big", "--by", "team",
                                 "--format", "csv"])
        _log(f"score: {score_seconds:.1f} s")
        with Store(workspace / "assessment.db") as store:
            teams = sorted(set(store.team_departments("big")))
        from assessment._report._prepare import reportable_units

        published = reportable_units(str(workspace), "big", "team")  # what the batch plans
        units = None
        if args.batch_teams is not None and args.batch_teams < len(published):
            step = len(published) / max(1, args.batch_teams)
            units = ["organisation",
                     *(published[int(i * step)] for i in range(args.batch_teams))]
        large = batch(workspace, "big", base / "large-reports", args.executor, args.workers,
                      units, args.renew_kernel_after)
        _log(f"batch: {large}")
        demo_ws = base / "demo"
        with Store(demo_ws / "assessment.db") as store:
            build_demo(store, MODEL.read_text(encoding="utf-8"))
        demo = batch(demo_ws, "demo", base / "demo-reports", args.executor, args.workers)
        _log(f"demo batch: {demo}")
        sample = teams[:: max(1, len(teams) // max(1, args.naive))][: args.naive]
        naive = []
        for team in sample:
            seconds, _ = _run([*ws, "report", "--engagement", "big", "--unit", f"team:{team}",
                               "--out", str(base / "naive")])
            if not (base / "naive" / f"{unit_slug(f'team:{team}')}.en.html").is_file():
                raise SystemExit(f"naive: no report for {team}")
            naive.append(seconds)
            _log(f"naive report {team}: {seconds:.1f} s")

    cost = large["seconds"] * args.workers / large["reports"]
    demo_cost = demo["seconds"] * args.workers / demo["reports"]
    naive_each = statistics.mean(naive) if naive else float("nan")
    print(json.dumps({
        "respondents": args.respondents,
        "teams": len(teams),
        "executor": args.executor,
        "import_seconds": round(import_seconds, 1),
        "score_seconds": round(score_seconds, 1),
        "batch_seconds": round(large["seconds"], 1),
        "reports": large["reports"],
        "batch_sampled": units is not None,
        "full_batch_reports": len(published) + 1,
        "full_batch_seconds_estimate": round(large["seconds"] / large["reports"]
                                             * (len(published) + 1), 1),
        "failed": large["failed"],
        "reports_per_worker_second": round(large["reports"] / (large["seconds"] * args.workers),
                                           3),
        "peak_rss_mb_client": round(large["peak_rss_mb_client"]),
        "peak_rss_mb_worker": round(large["peak_rss_mb_worker"]),
        "worker_rss_growth_mb": round(large["worker_rss_growth_mb"], 1),
        "worker_peak_growth_mb_per_100_reports": (
            None if large["worker_peak_growth_mb_per_100_reports"] is None
            else round(large["worker_peak_growth_mb_per_100_reports"], 2)),
        "worker_kernels": large["worker_kernels"],
        "workers": args.workers,
        "median_report_seconds": round(large["median_report_seconds"], 2),
        "demo_reports": demo["reports"],
        "demo_batch_seconds": round(demo["seconds"], 1),
        "demo_median_report_seconds": round(demo["median_report_seconds"], 2),
        "report_cost_ratio": round(cost / demo_cost, 2),
        "report_seconds_ratio": round(
            large["median_report_seconds"] / demo["median_report_seconds"], 2),
        "naive_reports": len(naive),
        "naive_seconds_per_report": round(naive_each, 1),
        "naive_ratio": round(naive_each / (large["seconds"] / large["reports"]), 1),
    }))


if __name__ == "__main__":
    main()
