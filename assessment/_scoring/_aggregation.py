"""Can team scores be aggregated? ICC(1), ICC(2) and the share of teams that agree.

- ICC(1) and ICC(2) from a one-way ANOVA of respondents' scores by group, as R's
  ``multilevel::ICC1`` and ``ICC2`` (Bliese, 2000): ICC(1) = (MSB - MSW) / (MSB + (k - 1)
  MSW), with k the mean group size (respondents / groups), and ICC(2) = (MSB - MSW) / MSB.
  Neither is clipped at 0, as in R.
- The share of teams whose members agree (rwg(J) >= 0.70, :mod:`._agreement`).

Only published teams count (:func:`aggregation`): every input is then a published number (a
team's n, mean and standard deviation give its sums of squares), so the ICCs reveal nothing a
reader could not compute from the report's own tables. Over withheld teams they would: with
the published teams' numbers and the organisation's, the between-team sum of squares of the
withheld ones, and from it a withheld team's mean, could be worked out.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._confidentiality._groups import NOT_GIVEN
from .._model._schema import MaturityModel
from ._agreement import LOW_CONSENSUS
from ._scores import respondent_scores

__all__ = ["OneWayIcc", "aggregation", "icc_one_way"]


class OneWayIcc(NamedTuple):
    """ICC(1) and ICC(2) of a one-way ANOVA, and what they rest on."""

    icc1: float
    icc2: float
    #: Groups and respondents (with a score) used, and the mean squares.
    groups: int
    n: int
    msb: float
    msw: float


def icc_one_way(values: npt.ArrayLike, groups: npt.ArrayLike) -> OneWayIcc:
    """Return ICC(1) and ICC(2) of ``values`` grouped by ``groups`` (NaN values left out).

    As R: ``ICC1(aov(values ~ as.factor(groups)))`` and ``ICC2(...)``. Missing (NaN) with
    fewer than two groups or no within-group degrees of freedom.
    """
    v = np.asarray(values, dtype=float)
    g = np.asarray(groups)
    keep = ~np.isnan(v)
    v, g = v[keep], g[keep]
    codes, counts = np.unique(g, return_inverse=True, return_counts=True)[1:]
    n, k = len(v), len(counts)
    if k < 2 or n - k < 1:
        return OneWayIcc(float("nan"), float("nan"), k, n, float("nan"), float("nan"))
    sums = np.bincount(codes, weights=v, minlength=k)
    means = sums / counts
    grand = v.mean()
    ssb = float(np.sum(counts * (means - grand) ** 2))
    ssw = float(np.sum((v - means[codes]) ** 2))
    msb, msw = ssb / (k - 1), ssw / (n - k)
    size = n / k
    icc1 = (msb - msw) / (msb + (size - 1) * msw) if msb + (size - 1) * msw else float("nan")
    icc2 = (msb - msw) / msb if msb else float("nan")
    return OneWayIcc(icc1, icc2, k, n, msb, msw)


def aggregation(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    scores: pd.DataFrame,
) -> pd.DataFrame:
    """Return per dimension ICC(1), ICC(2) by team and the share of teams with rwg(J) >= 0.70.

    ``scores`` is the engagement's score table (:func:`score_breakdown` with the ``team``
    breakdown); its published team rows decide which teams count, per dimension. Respondents
    without a team are not a team and are left out.

    Returns
    -------
    Columns ``dimension``, ``teams`` (published teams with a score), ``respondents`` (their
    members with a score), ``icc1``, ``icc2``, ``rwg_teams`` (of those teams, with an
    rwg(J)), ``rwg_share`` (the share of them with rwg(J) >= 0.70).
    """
    own = respondent_scores(model, answers.reindex(respondents.index))
    team = respondents["team"].astype("object").where(respondents["team"].notna(), NOT_GIVEN)
    rows = []
    for dim in model.dimensions:
        shown = scores[(scores["by"] == "team") & (scores["dimension"] == dim.id)
                       & ~scores["suppressed"].astype(bool) & scores["mean"].notna()
                       & (scores["group"] != NOT_GIVEN)]
        members = team.isin(set(shown["group"].astype(str))).to_numpy()
        icc = icc_one_way(own[dim.id].to_numpy(dtype=float)[members],
                          team.to_numpy(dtype=str)[members])
        rwg = shown["rwg"].astype(float).dropna()
        rows.append({
            "dimension": dim.id,
            "teams": icc.groups,
            "respondents": icc.n,
            "icc1": icc.icc1,
            "icc2": icc.icc2,
            "rwg_teams": len(rwg),
            "rwg_share": float((rwg >= LOW_CONSENSUS).mean()) if len(rwg) else float("nan"),
        })
    return pd.DataFrame(rows)
