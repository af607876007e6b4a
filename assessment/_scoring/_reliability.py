"""Reliability and agreement: Cronbach's alpha per dimension, item analysis, rwg(J) per group.

- Cronbach's alpha with its Feldt 95% confidence interval, computed as ``pingouin`` does
  (``k / (k - 1) * (1 - trace(C) / sum(C))`` on the item covariance matrix ``C``).
- Item-rest correlations and alpha if an item is deleted; scales under 0.70 and items with
  a negative item-rest correlation (probably mis-keyed) are flagged.
- Within-group agreement rwg(J) per group, from the score table (:mod:`._agreement`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from .._confidentiality._thresholds import DEFAULT_MIN_GROUP_SIZE, check_min_group_size
from .._exceptions import ParameterError
from .._model._coding import coded_answers
from .._model._schema import MaturityModel
from ._scores import OVERALL, score_breakdown

__all__ = [
    "LOW_RELIABILITY",
    "CronbachAlpha",
    "ReliabilityReport",
    "cronbach_alpha",
    "reliability",
    "rwg_j",
]

FloatArray = npt.NDArray[np.float64]


#: Scales with alpha under this are flagged.
LOW_RELIABILITY: Final = 0.70


class CronbachAlpha(NamedTuple):
    """Cronbach's alpha with its confidence interval, and the data it rests on."""

    alpha: float
    ci_low: float
    ci_high: float
    #: Respondents used (after listwise deletion) and items.
    n: int
    k: int


def _alpha_from_cov(cov: FloatArray) -> float:
    k = cov.shape[0]
    total = float(np.nansum(cov))  # as pandas' sum in pingouin: pairs never answered together
    # (pairwise deletion) are left out of the total; a missing variance makes alpha missing
    if k < 2 or total == 0 or not np.isfinite(total):
        return float("nan")
    return float(k / (k - 1) * (1.0 - float(np.trace(cov)) / total))


def _feldt(alpha: float, n: int, k: int, ci: float) -> tuple[float, float]:
    """Feldt's confidence interval for alpha from n respondents and k items."""
    if n < 2 or k < 2 or not np.isfinite(alpha):
        return float("nan"), float("nan")
    df1 = n - 1
    df2 = df1 * (k - 1)
    tail = (1 - ci) / 2
    lower = 1 - (1 - alpha) * float(stats.f.isf(tail, df1, df2))
    upper = 1 - (1 - alpha) * float(stats.f.isf(1 - tail, df1, df2))
    return lower, upper


def _covariance(values: FloatArray, nan_policy: str) -> tuple[FloatArray, int]:
    """Item covariance matrix and the number of respondents behind it."""
    if nan_policy == "listwise":
        complete = values[~np.isnan(values).any(axis=1)]
        if len(complete) < 2:
            return np.full((values.shape[1],) * 2, np.nan), len(complete)
        return np.atleast_2d(np.cov(complete, rowvar=False, ddof=1)), len(complete)
    cov = pd.DataFrame(values).cov().to_numpy(dtype=float)
    return cov, len(values)


def _check_policy(nan_policy: str) -> None:
    if nan_policy not in ("listwise", "pairwise"):
        raise ParameterError(f"nan_policy: must be 'listwise' or 'pairwise', got {nan_policy!r}")


def cronbach_alpha(
    data: pd.DataFrame | FloatArray,
    *,
    nan_policy: Literal["listwise", "pairwise"] = "listwise",
    ci: float = 0.95,
) -> CronbachAlpha:
    """Return Cronbach's alpha of the columns of ``data`` and its Feldt confidence interval.

    Parameters
    ----------
    data:
        Respondents x items (at least two items), NaN for missing answers.
    nan_policy:
        ``"listwise"`` (default) drops every respondent with a missing answer;
        ``"pairwise"`` computes each covariance from the respondents who answered both
        items. Both give the same alpha as ``pingouin.cronbach_alpha`` with the same policy.
    ci:
        Confidence level of the interval.

    Notes
    -----
    The interval uses the number of respondents actually used: with listwise deletion
    ``pingouin`` keeps the number before deletion, so its interval is narrower there; with
    complete data or pairwise deletion the two agree.
    """
    _check_policy(nan_policy)
    if not 0 < ci < 1:
        raise ParameterError(f"ci: must be between 0 and 1, got {ci!r}")
    values = np.asarray(data, dtype=float)
    if values.ndim != 2 or values.shape[1] < 2:
        raise ParameterError("data: at least two item columns are required")
    cov, n = _covariance(values, nan_policy)
    alpha = _alpha_from_cov(cov)
    low, high = _feldt(alpha, n, values.shape[1], ci)
    return CronbachAlpha(alpha, low, high, n, values.shape[1])


@dataclass(frozen=True)
class ReliabilityReport:
    """Per-dimension reliability (``scales``) and item analysis (``items``)."""

    #: ``dimension``, ``k``, ``n``, ``alpha``, ``ci_low``, ``ci_high``, ``low_reliability``,
    #: ``suppressed``.
    scales: pd.DataFrame
    #: ``dimension``, ``item``, ``reverse``, ``item_rest_r``, ``alpha_if_deleted``,
    #: ``mis_keyed``, ``suppressed``.
    items: pd.DataFrame


def _item_analysis(cov: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Item-rest correlation and alpha-if-deleted of every item, from the covariance matrix."""
    k = cov.shape[0]
    total = cov.sum()
    row = cov.sum(axis=1)
    diag = np.diag(cov)
    rest_var = total - 2 * row + diag
    cov_rest = row - diag
    denom = np.sqrt(diag * rest_var)
    r = np.full(k, np.nan)
    np.divide(cov_rest, denom, out=r, where=denom > 0)
    if k < 3:
        return r, np.full(k, np.nan)
    dropped = np.full(k, np.nan)
    np.divide(np.trace(cov) - diag, rest_var, out=dropped, where=rest_var != 0)
    return r, (k - 1) / (k - 2) * (1 - dropped)


def reliability(
    model: MaturityModel,
    answers: pd.DataFrame,
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    nan_policy: Literal["listwise", "pairwise"] = "listwise",
) -> ReliabilityReport:
    """Return Cronbach's alpha, item-rest correlations and alpha-if-deleted per dimension.

    Computed on all respondents' reverse-coded answers. A scale with alpha under 0.70 is
    flagged ``low_reliability``; an item with a negative item-rest correlation is flagged
    ``mis_keyed`` (its reverse coding is probably wrong). With fewer than ``min_group_size``
    respondents behind a dimension, its numbers are withheld.
    """
    _check_policy(nan_policy)
    min_group_size = check_min_group_size(min_group_size)
    coded = coded_answers(model, answers).to_numpy(dtype=float)
    position = {item: j for j, item in enumerate(model.items)}
    scale_rows = []
    item_frames = []
    for dim in model.dimensions:
        ids = [item.id for item in dim.items]
        values = coded[:, [position[i] for i in ids]]
        cov, n = _covariance(values, nan_policy)
        hide = n < min_group_size
        alpha = _alpha_from_cov(cov) if len(ids) > 1 and not hide else float("nan")
        low, high = _feldt(alpha, n, len(ids), 0.95)
        r, dropped = _item_analysis(cov) if not hide else (np.full(len(ids), np.nan),) * 2
        scale_rows.append(
            {
                "dimension": dim.id,
                "k": len(ids),
                "n": pd.NA if hide else n,
                "alpha": alpha,
                "ci_low": low,
                "ci_high": high,
                "low_reliability": pd.NA if np.isnan(alpha) else bool(alpha < LOW_RELIABILITY),
                "suppressed": hide,
            }
        )
        item_frames.append(
            pd.DataFrame(
                {
                    "dimension": dim.id,
                    "item": ids,
                    "reverse": [item.reverse for item in dim.items],
                    "item_rest_r": r,
                    "alpha_if_deleted": dropped,
                    "mis_keyed": pd.arrays.BooleanArray(r < 0, np.isnan(r)),
                    "suppressed": hide,
                }
            )
        )
    scales = pd.DataFrame(scale_rows)
    scales["n"] = scales["n"].astype("Int64")
    scales["low_reliability"] = scales["low_reliability"].astype("boolean")
    return ReliabilityReport(scales, pd.concat(item_frames, ignore_index=True))


def rwg_j(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    by: str | Iterable[str] = ("team",),
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> pd.DataFrame:
    """Return within-group agreement rwg(J) per group and dimension, with its label.

    A group whose members disagree strongly (rwg(J) < 0.70) is labelled ``"low consensus"``
    so that its mean is not read as a shared view. The same columns are in
    :func:`score_breakdown`'s table, whose suppression they follow; prefer that table when
    a report shows several breakdowns.

    Returns
    -------
    Columns ``by``, ``group``, ``dimension``, ``n``, ``mean``, ``rwg``, ``consensus``,
    ``suppressed``.
    """
    table = score_breakdown(model, respondents, answers, by=by, min_group_size=min_group_size)
    table = table[table["dimension"] != OVERALL]
    columns = ["by", "group", "dimension", "n", "mean", "rwg", "consensus", "suppressed"]
    return table[columns].reset_index(drop=True)
