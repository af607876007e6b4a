"""The benchmarks run (small) in the suite, so they cannot rot: each prints one JSON line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def _last_json(args: list[str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=True,
        timeout=600,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    assert isinstance(figures, dict)
    return figures


def test_the_scoring_benchmark_runs_small() -> None:
    figures = _last_json(["benchmarks/bench_scoring.py", "--respondents", "3000"])
    assert figures["respondents"] == 3000
    assert float(figures["seconds"]) > 0  # type: ignore[arg-type]


def test_the_cli_benchmark_runs_small() -> None:
    figures = _last_json(["benchmarks/bench_cli.py", "--runs", "2"])
    ratios = figures["ratio_to_import_click"]
    assert isinstance(ratios, dict)
    assert set(ratios) >= {"assessment_version", "assessment_help"}
    assert all(float(v) > 0 for v in ratios.values())


def test_the_scale_benchmark_runs_small() -> None:
    figures = _last_json(["benchmarks/bench_scale.py", "--respondents", "400", "--teams", "10",
                          "--batch-teams", "2", "--naive", "1"])
    named = {"respondents", "teams", "import_seconds", "score_seconds", "batch_seconds",
             "reports", "failed", "reports_per_worker_second", "peak_rss_mb_client",
             "peak_rss_mb_worker", "workers", "report_cost_ratio", "naive_ratio"}
    assert named <= set(figures)
    assert figures["respondents"] == 400 and int(figures["teams"]) >= 10  # type: ignore[call-overload]
    assert figures["reports"] == 3 and figures["failed"] == 0  # the organisation and 2 teams
    assert figures["batch_sampled"] is True
    assert 3 < int(figures["full_batch_reports"]) <= int(figures["teams"]) + 1  # type: ignore[call-overload]
    assert figures["demo_reports"] == 8 and figures["naive_reports"] == 1
    for name in ("import_seconds", "score_seconds", "batch_seconds", "peak_rss_mb_client",
                 "peak_rss_mb_worker", "report_cost_ratio", "naive_ratio"):
        assert float(figures[name]) > 0, name  # type: ignore[arg-type]


def test_the_code_guessing_benchmark_runs_small() -> None:
    figures = _last_json(["benchmarks/bench_code_guessing.py", "--seconds", "1.5", "--tabs", "5"])
    rates = figures["checked_per_s"]
    assert isinstance(rates, dict)
    assert set(rates) == {"unthrottled", "one_tab", "many_tabs", "new_tab_per_guess"}
    # One tab gets 4 codes checked at once, then waits 1 s: at most 5 in 1.5 s.
    assert 0 < float(rates["one_tab"]) * 1.5 <= 5.5
    assert float(rates["unthrottled"]) > 10 * float(rates["one_tab"])


@pytest.mark.browser
def test_the_form_load_benchmark_runs_small_against_the_baseline() -> None:
    from tests.server import require_chromium

    require_chromium()
    figures = _last_json(["benchmarks/bench_form.py", "--respondents", "2", "--concurrency",
                          "2", "--think", "0", "--idle-timeout", "2", "--baseline"])
    for run in (figures, figures["baseline"]):
        assert isinstance(run, dict)
        assert (run["submitted"], run["lost"], run["duplicates"]) == (3, 0, 0)  # 2 + browser
        assert run["integrity"] == "ok" and run["failed"] == 0
        assert float(run["first_screen_p95_s"]) > 0 and float(run["page_p95_s"]) > 0
        assert float(run["peak_rss_mb"]) >= float(run["rss_start_mb"]) > 0
        assert float(run["server_cpu_s_per_respondent"]) > 0
        assert run["browser"] == {**run["browser"], "ok": True}
    assert figures["sessions_after_idle"] == 0  # the server let every session go
    assert isinstance(figures["server_replacements"], int)
    assert figures["browser"]["blocked"] == []  # and served every file itself
    assert figures["baseline"]["refused_tab_closes"] == 2  # plain Voilà keeps the kernels
    ratios = figures["ratios"]
    assert isinstance(ratios, dict) and set(ratios) >= {"first_screen_p95_s", "mb_per_session"}
