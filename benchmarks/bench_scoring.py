"""Time the full scoring of a large synthetic engagement.

Generates respondents on the shipped model (``data/models/service-maturity.yaml``) with
:func:`assessment._demo.generate_frames` (not timed), then times everything a report computes:
the score table with every breakdown and its suppression, perception gaps, eNPS, trifecta,
strengths and opportunities, reliability, rwg(J) (part of the score table) and the comments
that may be released. The last line printed is a JSON object with ``respondents``,
``seconds``, ``answers_per_second`` and ``peak_rss_mb``.

    .venv/bin/python benchmarks/bench_scoring.py [--respondents 100000] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment._confidentiality._comments import releasable_comments
from assessment._confidentiality._groups import BREAKDOWNS
from assessment._confidentiality._publication import publication
from assessment._demo import generate_frames
from assessment._model._load import load_model
from assessment._scoring._analytics import answer_distribution, strengths_and_opportunities
from assessment._scoring._gaps import iceberg_index, perception_gaps
from assessment._scoring._outcomes import enps, trifecta
from assessment._scoring._reliability import reliability
from assessment._scoring._scores import score_breakdown

MODEL = ROOT / "data" / "models" / "service-maturity.yaml"
GROUPINGS = ("organisation", "role", "team", "department")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--min-group-size", type=int, default=5)
    args = parser.parse_args()

    model = load_model(args.model)
    respondents, answers, comments = generate_frames(model, args.respondents, seed=args.seed)
    k = args.min_group_size
    steps: dict[str, float] = {}

    def timed(name: str, func, *a, **kw):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = func(*a, **kw)
        steps[name] = time.perf_counter() - start
        return result

    start = time.perf_counter()
    # The engagement-wide suppression pattern, once, shared by every table (as reports do).
    pub = timed("publication", publication, model, respondents, answers, min_group_size=k)
    shared = {"min_group_size": k, "publication": pub}
    scores = timed(
        "score_breakdown", score_breakdown, model, respondents, answers, by=BREAKDOWNS,
        **shared,
    )
    gaps = timed("perception_gaps", perception_gaps, scores)
    timed("iceberg_index", iceberg_index, gaps)
    timed("enps", enps, model, respondents, answers, by=GROUPINGS, **shared)
    timed("trifecta", trifecta, model, respondents, answers, by=GROUPINGS, **shared)
    timed(
        "strengths", strengths_and_opportunities, model, respondents, answers, by=GROUPINGS,
        **shared,
    )
    timed(
        "distribution", answer_distribution, model, respondents, answers, **shared,
    )
    timed("reliability", reliability, model, answers, min_group_size=k)
    timed("comments", releasable_comments, comments, respondents, by="team", min_group_size=k)
    seconds = time.perf_counter() - start

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    suppressed = scores.groupby("by", sort=False)["suppressed"].mean().round(3).to_dict()
    print(f"model: {model.id} {model.version}, {len(model.items)} items, "
          f"{len(model.question_ids)} questions")
    print(f"groups: {scores[['by', 'group']].drop_duplicates().groupby('by').size().to_dict()}")
    print(f"share of rows suppressed: {suppressed}")
    for name, value in steps.items():
        print(f"  {name:<16} {value:8.3f} s")
    answered = int(answers.notna().to_numpy().sum())
    print(
        json.dumps(
            {
                "respondents": len(respondents),
                "seconds": round(seconds, 3),
                "answers_per_second": round(answered / seconds),
                "peak_rss_mb": round(peak_kb / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
