"""What drives the outcomes: Johnson's relative weights against independent computations, and
whose drivers each report shows."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assessment import ParameterError, Workspace, prepare_report
from assessment._report._drivers import unit_drivers
from assessment._report._report import Report
from assessment._report._tables import engagement_tables
from assessment._report._units import parse_unit
from assessment._scoring._drivers import (
    MIN_DRIVER_RESPONDENTS,
    driver_outcomes,
    outcome_values,
    relative_weights,
)
from assessment._scoring._scores import respondent_scores


def _correlated(seed: int, n: int = 400, p: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    mix = rng.normal(size=(p, p)) + 2 * np.eye(p)
    x = rng.normal(size=(n, p)) @ mix + rng.normal(size=(n, 1))  # strongly correlated
    y = x @ rng.normal(size=p) + rng.normal(scale=3.0, size=n)
    return x, y


def _johnson_from_data(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson's (2000) original steps on the data, not on the correlation matrix: the
    singular value decomposition of the standardised predictors X = P D Q' gives their
    closest orthonormal counterparts Z = P Q'; y is regressed on Z, X on Z, and the
    squared weights are combined."""
    n = len(x)
    xs = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1) / np.sqrt(n - 1)
    ys = (y - y.mean()) / y.std(ddof=1) / np.sqrt(n - 1)
    p_, __, qt = np.linalg.svd(xs, full_matrices=False)
    z = p_ @ qt
    beta = np.linalg.lstsq(z, ys, rcond=None)[0]
    lam = np.linalg.lstsq(z, xs, rcond=None)[0]  # lam[k, j]: Z_k's weight on X_j
    return np.asarray((lam.T**2) @ (beta**2))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_relative_weights_equal_johnsons_steps_on_the_data(seed: int) -> None:
    x, y = _correlated(seed)
    got = relative_weights(x, y)
    assert got.raw == pytest.approx(_johnson_from_data(x, y), abs=1e-10)
    # They add up to the R² of the least-squares regression with an intercept.
    design = np.column_stack([np.ones(len(x)), x])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    r2 = 1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert got.r2 == pytest.approx(r2, abs=1e-10) and got.raw.sum() == pytest.approx(r2)
    assert got.importance.sum() == pytest.approx(100.0)
    assert got.r == pytest.approx([np.corrcoef(x[:, j], y)[0, 1] for j in range(x.shape[1])])


def test_uncorrelated_predictors_weigh_their_squared_correlations() -> None:
    """The textbook case: with orthogonal predictors each relative weight is r²."""
    rng = np.random.default_rng(7)
    raw = rng.normal(size=(200, 4))
    q, __ = np.linalg.qr(raw - raw.mean(axis=0))
    x = q * [3.0, 1.0, 0.5, 2.0]  # centred, uncorrelated, unequal spreads
    y = x @ [1.0, -2.0, 0.5, 0.2] + rng.normal(size=200)
    got = relative_weights(x, y)
    r = np.array([np.corrcoef(x[:, j], y)[0, 1] for j in range(4)])
    assert got.raw == pytest.approx(r**2, abs=1e-12)


def test_two_predictors_in_closed_form() -> None:
    """Two predictors correlated rho: R^(1/2) = [[a, b], [b, a]] with a, b = (sqrt(1 + rho)
    +- sqrt(1 - rho)) / 2 (the eigenvectors are (1, 1) and (1, -1) for any rho)."""
    x, y = _correlated(11, p=2)
    c = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    rho, r = c[0, 1], c[:2, 2]
    a = (np.sqrt(1 + rho) + np.sqrt(1 - rho)) / 2
    b = (np.sqrt(1 + rho) - np.sqrt(1 - rho)) / 2
    root = np.array([[a, b], [b, a]])
    beta = np.linalg.solve(root, r)
    expected = (root**2) @ (beta**2)
    assert relative_weights(x, y).raw == pytest.approx(expected, abs=1e-12)
    assert expected.sum() == pytest.approx((r[0]**2 + r[1]**2 - 2 * rho * r[0] * r[1])
                                           / (1 - rho**2))


def test_relative_weights_edge_cases() -> None:
    x, y = _correlated(5, n=50, p=3)
    x[:, 1] = 2.0  # no variance: weight 0, no correlation
    x[0, 0] = np.nan  # a missing row is left out
    got = relative_weights(x, y)
    assert got.raw[1] == 0 and np.isnan(got.r[1]) and got.n == 49
    assert got.raw[[0, 2]].sum() == pytest.approx(got.r2)
    with pytest.raises(ParameterError, match="at least 3"):
        relative_weights(x[:2], y[:2])


def test_each_report_shows_own_drivers_only_by_the_rules(demo_workspace: Workspace) -> None:
    tables = engagement_tables(demo_workspace, "demo")
    assert driver_outcomes(tables.model) == ["employee_engagement", "customer_experience",
                                             "recommend"]
    facets = respondent_scores(tables.model, tables.answers, level="facet")
    respondents = tables.respondents
    for outcome in driver_outcomes(tables.model):
        y = outcome_values(tables.model, respondents, tables.answers, outcome)
        complete = facets.notna().all(axis=1).to_numpy() & ~np.isnan(y)
        for unit, own in (("organisation", True), ("team:Customer Care Kyiv", True),
                          ("department:Customer Care", True), ("role:frontline", False)):
            parsed = parse_unit(unit)
            driven = next(d for d in unit_drivers(tables, parsed) if d.outcome == outcome)
            assert driven.own is own, (unit, outcome)
            assert driven.table is not None
            if parsed.kind == "organisation":
                members = np.ones(len(respondents), dtype=bool)
            else:
                members = (respondents[parsed.kind] == parsed.name).to_numpy()
            used = members if own else np.ones(len(respondents), dtype=bool)
            assert driven.table["n"].iloc[0] == (complete & used).sum()
            if unit == "role:frontline":  # enough respondents, but the rest of the
                # organisation (executives and managers) would be fewer than 30
                assert (complete & members).sum() >= MIN_DRIVER_RESPONDENTS
                assert 0 < (complete & ~members).sum() < MIN_DRIVER_RESPONDENTS
            x = facets.to_numpy(dtype=float)[used]
            expected = relative_weights(x, y[used])
            assert driven.table["importance"].to_numpy() == pytest.approx(expected.importance)
            # The score is the unit's published facet mean.
            shown = tables.facet_scores[(tables.facet_scores["by"] == parsed.kind)
                                        & (tables.facet_scores["group"] == parsed.name)]
            assert driven.table["score"].to_numpy() == pytest.approx(
                shown["mean"].to_numpy(dtype=float))


def test_a_small_team_shows_the_organisations_drivers_labelled(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    tables = engagement_tables(demo_workspace, "demo")
    teams = tables.respondents["team"].value_counts()
    small = next(t for t in teams.index if 5 <= teams[t] < MIN_DRIVER_RESPONDENTS
                 and f"team:{t}" in {f"team:{g}" for g in
                                     tables.publication.published_groups("team")})
    report = prepare_report(str(demo_workspace.path), "demo", f"team:{small}", "en",
                            str(tmp_path))
    assert all(not d.own for d in report.driver_sets)
    html = report.drivers().html  # type: ignore[union-attr]
    assert "These are the organisation&#x27;s drivers" in html
    org = prepare_report(str(demo_workspace.path), "demo", "organisation", "en", str(tmp_path))
    assert org.driver_sets[0].table is not None and report.driver_sets[0].table is not None
    assert (org.driver_sets[0].table["importance"].to_numpy()
            == pytest.approx(report.driver_sets[0].table["importance"].to_numpy()))
    # The chart carries aggregated rows only: facets, importance, score.
    data = org.chart_data()["drivers-employee-engagement"]
    assert all(set(frame.columns) <= {"facet", "importance", "score", "first", "named"}
               for frame in data if "facet" in frame.columns)
    assert "<svg" in (org.drivers().html)  # type: ignore[union-attr]


def test_no_drivers_section_for_a_model_without_outcomes(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    tables = engagement_tables(demo_workspace, "demo")
    bare = tables.model.model_copy(update={"outcomes": None})
    assert driver_outcomes(bare) == []
    report = Report(dataclasses.replace(tables, model=bare), parse_unit("organisation"), "en",
                    tmp_path, {})
    assert report.driver_sets == [] and report.drivers() is None
    assert not any(name.startswith("drivers") for name in report.charts())


def test_drivers_command_prints_the_table(demo_workspace: Workspace) -> None:
    from tests.test_cli import run

    rows = json.loads(run(demo_workspace.path, "drivers", "--engagement", "demo", "--unit",
                          "team:Customer Care Kyiv", "--outcome", "recommend",
                          "--format", "json").stdout)
    frame = pd.DataFrame(rows)
    assert set(frame["outcome"]) == {"recommend"} and frame["own"].all()
    assert list(frame["rank"]) == list(range(1, len(frame) + 1))
    assert frame["importance"].sum() == pytest.approx(100.0)
    assert (frame["n"] >= MIN_DRIVER_RESPONDENTS).all()
    every = json.loads(run(demo_workspace.path, "drivers", "--engagement", "demo",
                           "--format", "json").stdout)
    assert {r["outcome"] for r in every} == {"employee_engagement", "customer_experience",
                                             "recommend"}
    bad = run(demo_workspace.path, "drivers", "--engagement", "demo", "--outcome", "x", ok=False)
    assert "not an outcome of this model" in bad.stderr
    hidden = run(demo_workspace.path, "drivers", "--engagement", "demo", "--unit",
                 "team:Complaints Desk", ok=False)
    assert "cannot be reported" in hidden.stderr


def test_relative_weights_reproduce_a_published_example() -> None:
    """The documented example of the R package rwa (Tonidandel & LeBreton's relative weights,
    after Johnson 2000; README of github.com/martinctc/rwa): mtcars, ``mpg`` on ``cyl``,
    ``disp``, ``hp`` and ``gear``. The data is R's ``datasets::mtcars`` (Motor Trend, 1974),
    written out with ``write.csv``."""
    cars = pd.read_csv(Path(__file__).parent / "data" / "drivers" / "mtcars.csv", index_col=0)
    assert len(cars) == 32
    weights = relative_weights(cars[["cyl", "disp", "hp", "gear"]].to_numpy(),
                               cars["mpg"].to_numpy())
    assert weights.n == 32
    assert weights.r2 == pytest.approx(0.7791896, abs=5e-8)
    assert weights.raw == pytest.approx([0.2284797, 0.2221469, 0.2321744, 0.0963886], abs=5e-8)
    assert weights.importance == pytest.approx([29.32274, 28.50999, 29.79691, 12.37037],
                                               abs=5e-6)
