"""Perception gaps between the layers of the organisation, and the iceberg index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from .._model._schema import KNOWN_ROLES
from ._scores import CONFIDENCE, OVERALL

__all__ = ["iceberg_index", "perception_gaps"]

FloatArray = npt.NDArray[np.float64]


BoolArray = npt.NDArray[np.bool_]


def _welch(
    mean_a: FloatArray, sd_a: FloatArray, n_a: FloatArray,
    mean_b: FloatArray, sd_b: FloatArray, n_b: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Difference a - b and its Welch 95% confidence interval."""
    diff = mean_a - mean_b
    va = np.where(n_a > 0, sd_a**2 / np.where(n_a > 0, n_a, 1.0), np.nan)
    vb = np.where(n_b > 0, sd_b**2 / np.where(n_b > 0, n_b, 1.0), np.nan)
    se2 = va + vb
    denom = va**2 / np.where(n_a > 1, n_a - 1, np.nan) + vb**2 / np.where(n_b > 1, n_b - 1, np.nan)
    df = np.full(diff.shape, np.nan)
    np.divide(se2**2, denom, out=df, where=np.isfinite(denom) & (denom > 0))
    half = np.where(se2 == 0, 0.0, np.nan)
    ok = np.isfinite(df) & (se2 > 0)
    half[ok] = stats.t.ppf(0.5 + CONFIDENCE / 2, df[ok]) * np.sqrt(se2[ok])
    return diff, diff - half, diff + half


def perception_gaps(
    scores: pd.DataFrame, roles: Sequence[str] = KNOWN_ROLES
) -> pd.DataFrame:
    """Return the perception gaps between layers, from a :func:`score_breakdown` table.

    ``roles`` are the model's roles from the top of the organisation to the frontline
    (``model.roles``; default the shipped three). For every dimension (and ``overall``): the
    first layer's mean minus the last layer's, then each middle layer's mean minus the last
    layer's (executive - frontline, manager - frontline), with a Welch 95% CI; none for a
    single role. A gap is computed only when both role
    groups are published (at least the minimum size and not withheld), so it never reveals
    a withheld group.

    Returns
    -------
    Columns ``dimension``, ``comparison`` (``"executive - frontline"``, ``"manager -
    frontline"``), ``gap``, ``ci_low``, ``ci_high``, ``suppressed``.
    """
    layer_rows = scores[scores["by"] == "role"]
    dims = list(dict.fromkeys(scores["dimension"]))

    def column(role: str, name: str) -> FloatArray:
        values = layer_rows[layer_rows["group"] == role].set_index("dimension")[name].reindex(dims)
        return np.asarray(values.astype("Float64").to_numpy(dtype=float, na_value=np.nan))

    def shown(role: str) -> BoolArray:
        mine = layer_rows[layer_rows["group"] == role]
        flags = mine.set_index("dimension")["suppressed"].reindex(dims)
        return np.asarray(flags.eq(False).to_numpy(dtype=bool))

    out = []
    last = roles[-1] if roles else ""
    for higher in roles[:-1]:
        both = shown(higher) & shown(last)
        gap, lo, hi = _welch(
            column(higher, "mean"), column(higher, "sd"), column(higher, "n"),
            column(last, "mean"), column(last, "sd"), column(last, "n"),
        )
        out.append(
            pd.DataFrame(
                {
                    "dimension": dims,
                    "comparison": f"{higher} - {last}",
                    "gap": np.where(both, gap, np.nan),
                    "ci_low": np.where(both, lo, np.nan),
                    "ci_high": np.where(both, hi, np.nan),
                    "suppressed": ~both,
                }
            )
        )
    if not out:
        return pd.DataFrame(columns=["dimension", "comparison", "gap", "ci_low", "ci_high",
                                     "suppressed"])
    return pd.concat(out, ignore_index=True)


def iceberg_index(gaps: pd.DataFrame) -> float:
    """Return the mean gap between the first and the last layer over the dimensions (not
    ``overall``): executive minus frontline in the shipped model.

    NaN unless the gap is available for every dimension in ``gaps`` (see
    :func:`perception_gaps`), and for a model of a single role.
    """
    if gaps.empty:
        return float("nan")
    top = gaps["comparison"].iloc[0]  # the first comparison: first layer - last layer
    rows = gaps[(gaps["comparison"] == top) & (gaps["dimension"] != OVERALL)]
    values = rows["gap"].to_numpy(dtype=float)
    if not len(values) or np.isnan(values).any():
        return float("nan")
    return float(values.mean())
