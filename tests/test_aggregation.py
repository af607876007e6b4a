"""ICC(1), ICC(2) and the share of agreeing teams: against R's multilevel package, and only
ever from published teams."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assessment import Workspace
from assessment._report._tables import engagement_tables
from assessment._scoring._aggregation import aggregation, icc_one_way
from assessment._scoring._agreement import LOW_CONSENSUS

ICC_DATA = Path(__file__).parent / "data" / "icc"


def test_icc_equals_r_multilevel_on_unbalanced_groups_with_missing_scores() -> None:
    """Expected values made by ``tests/data/icc/icc.R`` with R 4.2 and multilevel 2.7."""
    data = pd.read_csv(ICC_DATA / "unbalanced.csv")
    expected = pd.read_csv(ICC_DATA / "expected.csv")
    assert len(expected) == 2
    for __, row in expected.iterrows():
        got = icc_one_way(data[row["variable"]], data["GRP"])
        assert got.icc1 == pytest.approx(row["icc1"], rel=1e-12, abs=1e-14)
        assert got.icc2 == pytest.approx(row["icc2"], rel=1e-12, abs=1e-14)
    a = icc_one_way(data["A"], data["GRP"])
    assert a.groups == 12 and a.n == data["A"].notna().sum() == 135


def _r_or_skip() -> str:
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip("R is not installed (Debian: r-base-core r-cran-multilevel)")
    check = subprocess.run([rscript, "-e", "library(multilevel)"], capture_output=True)
    if check.returncode:
        pytest.skip("R's multilevel package is not installed (Debian: r-cran-multilevel)")
    return rscript


def test_icc_equals_r_on_bliese_and_halverson_1996_when_r_is_installed(tmp_path: Path) -> None:
    """7,382 soldiers in 99 companies, read through R (the data set is not copied here).

    Bliese's manual ("Multilevel Modeling in R", 3.3.1) gives ICC(1) = .0434 and ICC(2) =
    .7717 for well-being by company."""
    rscript = _r_or_skip()
    out = tmp_path / "bh.csv"
    script = (
        "suppressMessages(library(multilevel)); data(bh1996); "
        f"write.csv(bh1996[, c('GRP', 'LEAD', 'WBEING')], '{out}', row.names = FALSE); "
        "for (v in c('LEAD', 'WBEING')) { m <- aov(bh1996[[v]] ~ as.factor(bh1996$GRP)); "
        "cat(v, sprintf('%.15g', ICC1(m)), sprintf('%.15g', ICC2(m)), '\\n') }"
    )
    run = subprocess.run([rscript, "-e", script], capture_output=True, text=True, check=True)
    data = pd.read_csv(out)
    results = {}
    for line in run.stdout.strip().splitlines():
        name, icc1, icc2 = line.split()
        got = icc_one_way(data[name], data["GRP"])
        assert got.icc1 == pytest.approx(float(icc1), rel=1e-9)
        assert got.icc2 == pytest.approx(float(icc2), rel=1e-9)
        results[name] = got
    assert round(results["WBEING"].icc1, 4) == 0.0434
    assert round(results["WBEING"].icc2, 4) == 0.7717
    assert results["WBEING"].groups == 99


def test_icc_by_hand_and_edge_cases() -> None:
    # Two groups of two: means 1 and 3, grand mean 2; SSB = 4, MSB = 4; SSW = 0.5 + 0.5 = 1,
    # MSW = 1 / 2; k = 2: ICC(1) = 3.5 / 4.5, ICC(2) = 3.5 / 4.
    got = icc_one_way([0.5, 1.5, 2.5, 3.5], ["a", "a", "b", "b"])
    assert got.icc1 == pytest.approx(3.5 / 4.5) and got.icc2 == pytest.approx(3.5 / 4)
    assert (got.msb, got.msw) == pytest.approx((4.0, 0.5))
    one_group = icc_one_way([1.0, 2.0, 3.0], ["a", "a", "a"])
    assert np.isnan(one_group.icc1) and np.isnan(one_group.icc2) and one_group.groups == 1
    singletons = icc_one_way([1.0, 2.0, np.nan], ["a", "b", "b"])
    assert np.isnan(singletons.icc1) and singletons.n == 2


def _icc_from_published(rows: pd.DataFrame) -> tuple[float, float]:
    """ICC(1) and ICC(2) from published team rows alone: n, mean and sd."""
    n, mean, sd = (rows[c].astype(float).to_numpy() for c in ("n", "mean", "sd"))
    total, groups = n.sum(), len(n)
    grand = (n * mean).sum() / total
    msb = (n * (mean - grand) ** 2).sum() / (groups - 1)
    msw = ((n - 1) * sd**2).sum() / (total - groups)
    size = total / groups
    return (msb - msw) / (msb + (size - 1) * msw), (msb - msw) / msb


def test_aggregation_uses_published_teams_only(demo_workspace: Workspace) -> None:
    tables = engagement_tables(demo_workspace, "demo")
    agg = tables.aggregation.set_index("dimension")
    assert list(agg.index) == [d.id for d in tables.model.dimensions]
    teams = tables.scores[tables.scores["by"] == "team"]
    assert teams["suppressed"].any()  # the demo withholds a team: it must not count
    for dim, row in agg.iterrows():
        shown = teams[(teams["dimension"] == dim) & ~teams["suppressed"]]
        assert row["teams"] == len(shown) and row["respondents"] == shown["n"].sum()
        icc1, icc2 = _icc_from_published(shown)
        assert row["icc1"] == pytest.approx(icc1, rel=1e-9)
        assert row["icc2"] == pytest.approx(icc2, rel=1e-9)
        rwg = shown["rwg"].astype(float)
        assert row["rwg_teams"] == rwg.notna().sum()
        assert row["rwg_share"] == pytest.approx((rwg >= LOW_CONSENSUS).sum() / rwg.notna().sum())


def test_a_withheld_teams_answers_do_not_move_the_iccs(demo_workspace: Workspace) -> None:
    """Answers of the withheld team changed to the extremes: the numbers stay the same."""
    tables = engagement_tables(demo_workspace, "demo")
    teams = tables.scores[tables.scores["by"] == "team"]
    team = str(teams[teams["suppressed"]]["group"].iloc[0])
    respondents = tables.respondents
    members = respondents.index[respondents["team"] == team]
    assert 0 < len(members) < tables.engagement.min_group_size
    answers = tables.answers.copy()
    answers.loc[members] = answers.loc[members].where(answers.loc[members].isna(), 1.0)
    after = aggregation(tables.model, respondents, answers, tables.scores)
    pd.testing.assert_frame_equal(after, tables.aggregation)
    # ... while the same change in a published team does move them.
    shown = str(teams[~teams["suppressed"]]["group"].iloc[0])
    members = respondents.index[respondents["team"] == shown]
    answers.loc[members] = answers.loc[members].where(answers.loc[members].isna(), 1.0)
    moved = aggregation(tables.model, respondents, answers, tables.scores)
    assert not np.allclose(moved["icc1"], tables.aggregation["icc1"])


def test_reliability_command_prints_the_appendix_numbers(demo_workspace: Workspace) -> None:
    from tests.test_cli import run

    rows = json.loads(run(demo_workspace.path, "reliability", "--engagement", "demo",
                          "--format", "json").stdout)
    tables = engagement_tables(demo_workspace, "demo")
    assert [r["dimension"] for r in rows] == [d.id for d in tables.model.dimensions]
    scales = tables.reliability.scales.set_index("dimension")
    agg = tables.aggregation.set_index("dimension")
    for row in rows:
        dim = row["dimension"]
        assert {"alpha", "ci_low", "ci_high", "icc1", "icc2", "teams", "rwg_share"} <= set(row)
        assert row["alpha"] == pytest.approx(scales.loc[dim, "alpha"])
        assert row["ci_low"] < row["alpha"] < row["ci_high"]
        assert row["icc1"] == pytest.approx(agg.loc[dim, "icc1"])
        assert row["icc2"] == pytest.approx(agg.loc[dim, "icc2"])
        assert row["teams"] == agg.loc[dim, "teams"]
        assert row["rwg_share"] == pytest.approx(agg.loc[dim, "rwg_share"])
