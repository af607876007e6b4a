"""Time the command line's start-up against ``python -c "import click"``.

Runs, as real processes and in the same run, ``python -c "import click"`` (the floor: an
interpreter that loads click), ``assessment --version``, ``assessment --help`` and, for
context, ``papermill --version``, interleaved round by round so that a busy machine slows
them alike. Each is timed with ``time.perf_counter`` around ``subprocess.run``; the figure
kept is the median of the runs (the minimum is printed too). The last line printed is a JSON
object with the seconds and each command's ratio to ``import click`` (the target for
``--version`` and ``--help`` is at most 3).

    .venv/bin/python benchmarks/bench_cli.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _exe(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name}: not installed (run from the project's venv)")
    return found


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="Runs of each command.")
    args = parser.parse_args()

    commands = {
        "import_click": [sys.executable, "-c", "import click"],
        "assessment_version": [_exe("assessment"), "--version"],
        "assessment_help": [_exe("assessment"), "--help"],
        "papermill_version": [_exe("papermill"), "--version"],
    }
    for command in commands.values():  # warm the file cache; not counted
        _time(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(_time(command))

    median = {name: statistics.median(t) for name, t in times.items()}
    floor = median["import_click"]
    for name, t in times.items():
        print(f"{name:20} median {median[name]:.3f} s  min {min(t):.3f} s  "
              f"x{median[name] / floor:.1f} of import click")
    result = {
        "runs": args.runs,
        "seconds": {name: round(m, 4) for name, m in median.items()},
        "ratio_to_import_click": {
            name: round(m / floor, 2) for name, m in median.items() if name != "import_click"
        },
        "target_met": all(median[n] <= 3 * floor
                          for n in ("assessment_version", "assessment_help")),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
