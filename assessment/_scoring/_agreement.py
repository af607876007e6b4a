"""Within-group agreement rwg(J) (James, Demaree & Wolf, 1984) from per-item moments.

Against the uniform null distribution of the model's scale (:attr:`Scale.null_variance`:
``(A**2 - 1) / 12`` for A points, 2 for five).
Below the score table (which labels low-consensus groups) and the reliability report.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = ["LOW_CONSENSUS", "NULL_VARIANCE", "rwg_from_moments"]

FloatArray = npt.NDArray[np.float64]


#: Groups with rwg(J) under this are labelled "low consensus".
LOW_CONSENSUS: Final = 0.70


#: Variance of the uniform ("no agreement") distribution over 5 answer points: (A^2 - 1) / 12
#: (the default; the model's scale gives its own, :attr:`Scale.null_variance`).
NULL_VARIANCE: Final = (5**2 - 1) / 12


def rwg_from_moments(
    n: FloatArray,
    s1: FloatArray,
    s2: FloatArray,
    member: FloatArray,
    null_variance: float = NULL_VARIANCE,
) -> FloatArray:
    """Return rwg(J) per group and scale from per-item answer counts, sums and sums of squares.

    ``n``, ``s1``, ``s2`` are groups x items; ``member`` is items x scales (1 where the item
    belongs to the scale). Each item's within-group variance uses the answers given (n - 1
    in the denominator, at least two answers); J is the number of items with a variance.
    rwg(J) = J (1 - v / s2E) / (J (1 - v / s2E) + v / s2E), with v the mean item variance
    and s2E = ``null_variance`` (2 for five points);
    when v >= s2E (no more agreement than chance) it is set to 0.
    """
    var = np.full(n.shape, np.nan)
    mean = np.zeros(n.shape)
    np.divide(s1, n, out=mean, where=n > 0)
    np.divide(s2 - s1 * mean, n - 1, out=var, where=n > 1)
    has = ~np.isnan(var)
    j = has.astype(float) @ member
    total = np.where(has, np.maximum(var, 0.0), 0.0) @ member
    ratio = np.full(j.shape, np.nan)
    np.divide(total, j * null_variance, out=ratio, where=j > 0)
    agreement = j * (1 - ratio)
    rwg = np.full(j.shape, np.nan)
    np.divide(agreement, agreement + ratio, out=rwg, where=(j > 0) & (agreement + ratio != 0))
    return np.where(ratio >= 1, 0.0, rwg)
