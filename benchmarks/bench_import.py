"""Benchmark: `assessment import` at scale, against the import of an earlier commit.

    .venv/bin/python benchmarks/bench_import.py [--rows 115000] [--big-rows 1150000]
        [--columns 100000] [--before 42748cc] [--keep DIR]

Builds three files in the import layout of the shipped model (respondents from
``generate_frames``) and imports each with ``assessment import`` in a fresh workspace:

- ``valid``: ``--rows`` respondents (115,000 make about 20 MB), imported whole;
- ``bad``: ``--big-rows`` respondents (about 200 MB) with one bad cell in the last row,
  refused with that row and column;
- ``wide``: ``--columns`` columns (about 2 MB) and three rows, refused.

Each import runs in a process of its own: the figures are its wall-clock seconds, CPU
seconds and peak resident memory. ``--before REV`` runs the same imports with the package
as it was at commit ``REV`` (its files from ``git archive``; empty: skip), and the ratios
before / after are printed. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment import ResponseSet, Store, generate_frames, load_model, models_dir
from assessment._tabular import write_responses

MODEL = models_dir() / "service-maturity.yaml"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_files(folder: Path, rows: int, big_rows: int, columns: int) -> dict[str, Path]:
    """Write the three files (once: an existing file is reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    model = load_model(MODEL)
    valid = folder / f"valid-{rows}.csv"
    if not valid.exists():
        people, answers, comments = generate_frames(model, rows, seed=7)
        write_responses(ResponseSet(people, answers, answers.isna() & False, comments), model,
                        valid)
    bad = folder / f"bad-{big_rows}.csv"
    if not bad.exists():
        lines = valid.read_text(encoding="utf-8-sig").splitlines()
        header, body = lines[0], lines[1:]
        column = header.split(",").index(model.question_ids[3])
        written = 0
        with open(bad, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write(header + "\r\n")
            copy = 0
            while written < big_rows:
                for line in body:
                    if written == big_rows:
                        break
                    cells = line.split(",")
                    cells[0] = f"{cells[0]}-{copy}"
                    written += 1
                    if written == big_rows:  # the last row: one cell off the scale
                        cells[column] = "9"
                    fh.write(",".join(cells) + "\r\n")
                copy += 1
    wide = folder / f"wide-{columns}.csv"
    if not wide.exists():
        names = ["respondent_id", "role", "team",
                 *(f"question_{i:06d}" for i in range(columns - 3))]
        with open(wide, "w", encoding="utf-8", newline="") as fh:
            fh.write(",".join(names) + "\n")
            for i in range(3):
                fh.write(",".join([f"w{i}", "frontline", "Team A", *["3"] * (columns - 3)]) + "\n")
    return {"valid": valid, "bad": bad, "wide": wide}


def _workspace(folder: Path) -> Path:
    with Store(folder / "assessment.db") as store:
        store.create_organisation("Bench Org")
        store.create_engagement("big", "Bench Org", MODEL.read_text(encoding="utf-8"))
    return folder


def run_import(file: Path, workspace: Path, package: Path | None) -> dict[str, object]:
    """``assessment import`` in a process of its own: seconds, CPU seconds, peak memory."""
    env = dict(os.environ)
    if package is not None:  # the package of an earlier commit, ahead of the installed one
        env["PYTHONPATH"] = str(package)
    args = [sys.executable, "-c", "from assessment._cli._main import main; main()",
            "--workspace", str(workspace), "import", str(file), "--engagement", "big"]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        # In the workspace's folder: the current directory comes first on ``sys.path``.
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env, cwd=workspace)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "exit": proc.returncode,
        "message": (stdout + stderr).strip().splitlines()[:3],
    }


def _checkout(rev: str, folder: Path) -> Path:
    """The package's files at commit ``rev`` (``git archive``: no worktree, no checkout)."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "assessment"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=115_000)
    parser.add_argument("--big-rows", type=int, default=1_150_000)
    parser.add_argument("--columns", type=int, default=100_000)
    parser.add_argument("--before", default="",
                        help="also import with the package at this commit (e.g. 42748cc)")
    parser.add_argument("--cases", default="valid,bad,wide")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the files here")
    args = parser.parse_args()
    cases = [c for c in args.cases.split(",") if c]

    figures: dict[str, object] = {"rows": args.rows, "big_rows": args.big_rows,
                                  "columns": args.columns}
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        base = Path(tmp)
        files = build_files(args.keep or base / "files", args.rows, args.big_rows, args.columns)
        for case in cases:
            figures[f"{case}_mb"] = round(files[case].stat().st_size / 1e6, 1)
        versions: list[tuple[str, Path | None]] = [("after", None)]
        if args.before:
            versions.insert(0, ("before", _checkout(args.before, base / "before")))
        for label, package in versions:
            for case in cases:
                result = run_import(files[case], _workspace(base / f"ws-{label}-{case}"),
                                    package)
                _log(f"{label} {case}: {result}")
                for key in ("seconds", "cpu_seconds", "peak_mb", "exit"):
                    figures[f"{label}_{case}_{key}"] = result[key]
                figures[f"{label}_{case}_message"] = " | ".join(result["message"])[:300]  # type: ignore[arg-type]
    if args.before:
        for case in cases:
            for key in ("seconds", "cpu_seconds", "peak_mb"):
                after = float(figures[f"after_{case}_{key}"])  # type: ignore[arg-type]
                before = float(figures[f"before_{case}_{key}"])  # type: ignore[arg-type]
                figures[f"{case}_{key}_ratio"] = round(before / after, 1) if after else None
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
