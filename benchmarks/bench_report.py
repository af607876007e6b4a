"""Time one organisation report for the 250-respondent demo and for 100,000 respondents.

    .venv/bin/python benchmarks/bench_report.py [--respondents 100000] [--keep DIR]

Builds both workspaces (the large one with ``generate_frames`` and ``Store.add_responses``;
``--keep DIR`` reuses them across runs), then produces each report twice:

- ``cli``: the ``assessment report`` command, a new process and kernel, as a consultant runs it;
- ``warm``: ``ReportRenderer.render`` in an already started kernel (as a batch worker does),
  first report of the engagement in that kernel, so the tables are computed, not cached.

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

from assessment import (  # noqa: E402
    ReportRenderer,
    ResponseSet,
    Store,
    build_demo,
    generate_frames,
    load_model_text,
    models_dir,
)

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


def warm(workspace: Path, engagement: str, out: Path) -> float:
    with ReportRenderer() as renderer:
        start = time.perf_counter()
        result = renderer.render(NOTEBOOK, out, "organisation.en",
                                 {"workspace": str(workspace), "engagement": engagement})
        seconds = time.perf_counter() - start
    if not result.ok:
        raise SystemExit(f"{engagement}: {result.error}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="reuse the workspaces in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        demo, large = build(folder, args.respondents)
        out = Path(tmp) / "out"
        figures = {
            "respondents": args.respondents,
            "demo_cli_seconds": cli(demo, "demo", out / "a"),
            "large_cli_seconds": cli(large, "big", out / "b"),
            "demo_warm_seconds": warm(demo, "demo", out / "c"),
            "large_warm_seconds": warm(large, "big", out / "d"),
        }
    figures = {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}
    figures["cli_ratio"] = round(figures["large_cli_seconds"] / figures["demo_cli_seconds"], 2)
    figures["warm_ratio"] = round(figures["large_warm_seconds"] / figures["demo_warm_seconds"], 2)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
