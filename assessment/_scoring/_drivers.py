"""What drives the outcomes: Johnson's relative weights of the facets on each outcome.

Johnson (2000): with R the facets' correlation matrix and r their correlations with the
outcome, R = V diag(l) V' (eigendecomposition) and L = V diag(sqrt l) V' (the correlations
of the facets with their closest orthogonal counterparts), the outcome's regression weights
on those counterparts are b = L^-1 r, and facet j's raw weight is sum_k L_jk^2 b_k^2. The raw
weights add up to the R^2 of the regression of the outcome on every facet; each facet's
importance is its share of R^2, in percent. Unlike regression weights, they share the
variance that correlated facets explain together instead of giving it to one of them.

Computed on respondent-level scores, from the respondents with every facet score and the
outcome ("complete"), and only for a group of at least :data:`MIN_DRIVER_RESPONDENTS` of them.
"""

from __future__ import annotations

from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._exceptions import ParameterError
from .._model._schema import OUTCOME_MEASURES, MaturityModel
from ._outcomes import _outcome_scores
from ._scores import respondent_scores

__all__ = [
    "DRIVER_OUTCOMES",
    "MIN_DRIVER_RESPONDENTS",
    "RelativeWeights",
    "driver_outcomes",
    "drivers",
    "outcome_values",
    "relative_weights",
]

FloatArray = npt.NDArray[np.float64]

#: The outcomes whose drivers are computed, in report order: two outcome ratings and the 0-10
#: recommendation question of the eNPS.
DRIVER_OUTCOMES: Final = ("employee_engagement", "customer_experience", "recommend")
#: The fewest complete respondents a group's drivers are computed from.
MIN_DRIVER_RESPONDENTS: Final = 30


class RelativeWeights(NamedTuple):
    """Johnson's relative weights of the predictors on one outcome."""

    #: Raw weights (they add up to ``r2``) and the share of R^2 in percent.
    raw: FloatArray
    importance: FloatArray
    #: Correlation of each predictor with the outcome, R^2, and the respondents used.
    r: FloatArray
    r2: float
    n: int


def relative_weights(predictors: npt.ArrayLike, outcome: npt.ArrayLike) -> RelativeWeights:
    """Return Johnson's (2000) relative weights of the columns of ``predictors`` on ``outcome``.

    Rows with a missing value are left out. A predictor without variance has weight 0 (and
    no correlation). Raises :class:`ParameterError` with fewer than three complete rows.
    """
    x = np.asarray(predictors, dtype=float)
    y = np.asarray(outcome, dtype=float)
    if x.ndim != 2 or y.ndim != 1 or len(x) != len(y):
        raise ParameterError("predictors: respondents x predictors, outcome: one per respondent")
    keep = ~np.isnan(x).any(axis=1) & ~np.isnan(y)
    x, y = x[keep], y[keep]
    n, p = x.shape
    if n < 3:
        raise ParameterError(f"relative weights need at least 3 complete rows, got {n}")
    sd = x.std(axis=0, ddof=1)
    varies = sd > 1e-12
    raw = np.zeros(p)
    r = np.full(p, np.nan)
    if y.std(ddof=1) <= 1e-12 or not varies.any():
        return RelativeWeights(raw, np.full(p, np.nan), r, float("nan"), n)
    corr = np.corrcoef(np.column_stack([x[:, varies], y]), rowvar=False)
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    values, vectors = np.linalg.eigh(rxx)
    root = vectors @ np.diag(np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    beta = np.linalg.pinv(root) @ rxy
    eps = (root**2) @ (beta**2)
    raw[varies], r[varies] = eps, rxy
    r2 = float(eps.sum())
    importance = 100.0 * raw / r2 if r2 > 0 else np.full(p, np.nan)
    return RelativeWeights(raw, importance, r, r2, n)


def driver_outcomes(model: MaturityModel) -> list[str]:
    """The outcomes of :data:`DRIVER_OUTCOMES` the model asks about (none without outcomes)."""
    outcomes = getattr(model, "outcomes", None)
    if outcomes is None:
        return []
    measured = {item.measures for item in getattr(outcomes, "items", [])}
    found = [m for m in DRIVER_OUTCOMES[:2] if m in measured]
    if getattr(outcomes, "recommend", None) is not None:
        found.append("recommend")
    return found


def outcome_values(
    model: MaturityModel, respondents: pd.DataFrame, answers: pd.DataFrame, outcome: str
) -> FloatArray:
    """Every respondent's value of ``outcome`` (NaN where not answered)."""
    if outcome not in driver_outcomes(model):
        known = ", ".join(driver_outcomes(model)) or "none"
        raise ParameterError(f"outcome: {outcome!r} is not an outcome of this model "
                             f"(known: {known})")
    if outcome == "recommend":
        if "recommend" not in respondents.columns:
            return np.full(len(respondents), np.nan)
        return pd.to_numeric(respondents["recommend"], errors="coerce").to_numpy(dtype=float)
    scores = _outcome_scores(model, answers.reindex(respondents.index))
    return scores[:, OUTCOME_MEASURES.index(outcome)]


def drivers(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    outcome: str,
    *,
    members: npt.ArrayLike | None = None,
) -> pd.DataFrame | None:
    """Return the facets' relative weights on ``outcome`` for a group, or None when it has
    fewer than :data:`MIN_DRIVER_RESPONDENTS` complete respondents.

    ``members`` is a boolean mask over ``respondents`` (default: everyone). Respondent-level
    data goes in; only aggregated numbers come out.

    Returns
    -------
    One row per facet, in model order: ``outcome``, ``dimension``, ``facet``, ``r`` (its
    correlation with the outcome), ``raw_weight``, ``importance`` (percent of ``r2``),
    ``rank`` (1 = most important), ``r2`` and ``n`` (complete respondents).
    """
    mask = (np.ones(len(respondents), dtype=bool) if members is None
            else np.asarray(members, dtype=bool))
    facets = respondent_scores(model, answers.reindex(respondents.index), level="facet")
    y = outcome_values(model, respondents, answers, outcome)
    x = facets.to_numpy(dtype=float)[mask]
    y = y[mask]
    complete = int((~np.isnan(x).any(axis=1) & ~np.isnan(y)).sum())
    if complete < MIN_DRIVER_RESPONDENTS:
        return None
    weights = relative_weights(x, y)
    facet_dimension = {f.id: d.id for d in model.dimensions for f in d.facets}
    frame = pd.DataFrame({
        "outcome": outcome,
        "dimension": [facet_dimension[f] for f in facets.columns],
        "facet": list(facets.columns),
        "r": weights.r,
        "raw_weight": weights.raw,
        "importance": weights.importance,
    })
    frame["rank"] = frame["importance"].rank(ascending=False, method="first").astype("Int64")
    frame["r2"] = weights.r2
    frame["n"] = weights.n
    return frame
