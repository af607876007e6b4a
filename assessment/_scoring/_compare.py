"""Comparing an organisation with the rest of the workspace (its portfolio percentile).

Only percentile ranks leave this module, never another organisation's scores, and only when
at least :data:`MIN_ORGANISATIONS` organisations have a score for the dimension.
"""

from __future__ import annotations

import pandas as pd

from .._exceptions import ParameterError

__all__ = ["MIN_ORGANISATIONS", "portfolio_percentiles"]

#: The fewest organisations a percentile may be computed among.
MIN_ORGANISATIONS = 5


def portfolio_percentiles(scores: pd.DataFrame, organisation: str) -> pd.DataFrame:
    """Return ``organisation``'s percentile rank per dimension among the workspace's organisations.

    ``scores`` has one row per organisation and dimension with ``organisation``, ``dimension``
    and ``mean`` (each organisation's latest wave, suppression already applied: withheld
    means are NaN). The percentile rank is ``100 * (below + equal / 2) / n`` over the
    organisations with a score, itself included. Dimensions with fewer than
    ``MIN_ORGANISATIONS`` scored organisations, or without a score of ``organisation``
    (none yet, or withheld), get no percentile (``NaN``) and say why.
    """
    if organisation not in set(scores["organisation"]):
        raise ParameterError(f"organisation {organisation!r}: has no scores in the workspace")
    rows = []
    for dimension, every in scores.groupby("dimension", sort=False):
        group = every.dropna(subset=["mean"])
        own = group.loc[group["organisation"] == organisation, "mean"]
        n = group["organisation"].nunique()
        if own.empty or n < MIN_ORGANISATIONS:
            rows.append({"dimension": dimension, "organisations": n, "percentile": float("nan"),
                         "note": "no score for this organisation (no responses yet, or "
                         "withheld)" if own.empty
                         else f"needs at least {MIN_ORGANISATIONS} organisations"})
            continue
        value = float(own.iloc[0])
        below = int((group["mean"] < value).sum())
        equal = int((group["mean"] == value).sum())
        rows.append({"dimension": dimension, "organisations": n,
                     "percentile": round(100 * (below + equal / 2) / n, 1), "note": ""})
    return pd.DataFrame(rows, columns=["dimension", "organisations", "percentile", "note"])
