"""Outcomes: the employee net promoter score (eNPS) and the trifecta (operations, customers, staff).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._confidentiality._groups import (
    check_breakdowns,
)
from .._confidentiality._publication import Publication, _publication
from .._confidentiality._thresholds import DEFAULT_MIN_GROUP_SIZE, check_min_group_size
from .._exceptions import ParameterError
from .._model._coding import _aligned, _counts, _matrix, _scale_values
from .._model._schema import OUTCOME_MEASURES, MaturityModel

__all__ = ["CX_EX_MARGIN", "enps", "trifecta"]

FloatArray = npt.NDArray[np.float64]


BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


#: "CX outruns EX" when customer experience exceeds employee engagement by more than this.
CX_EX_MARGIN: Final = 0.25


def _table(
    pub: Publication, rows: IntArray, columns: dict[str, Any]
) -> pd.DataFrame:
    """Group keys of ``rows`` plus ``columns`` (already restricted to them)."""
    frame = pub.index.groups.iloc[rows].reset_index(drop=True)
    for key, value in columns.items():
        frame[key] = value
    return frame


def enps(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    by: str | Iterable[str] = ("organisation",),
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    publication: Publication | None = None,
) -> pd.DataFrame:
    """Return the employee Net Promoter Score per group.

    eNPS = percent answering 9-10 (promoters) minus percent answering 0-6 (detractors), of
    those who answered the 0-10 recommendation question (``respondents["recommend"]``).
    Groups withheld by the engagement's :func:`publication` pattern are withheld here too,
    and more where too few answered the question.

    Returns
    -------
    Columns ``by``, ``group``, ``role``, ``team``, ``department``, ``n`` (who answered),
    ``promoters``, ``passives``, ``detractors`` (percent), ``enps``, ``suppressed``.
    """
    check_breakdowns(by)
    min_group_size = check_min_group_size(min_group_size)
    if "recommend" not in respondents.columns:
        raise ParameterError("respondents: missing column recommend")
    recommend = _matrix(respondents, ["recommend"], 0, 10, "respondents")[:, 0]
    pub = _publication(model, respondents, answers, min_group_size, publication)
    answered = ~np.isnan(recommend)
    indicators = np.column_stack(
        [
            np.where(answered, recommend >= 9, np.nan),
            np.where(answered, recommend <= 6, np.nan),
        ]
    ).astype(float)
    n, s1, _ = pub.index.aggregate(indicators)
    withheld = pub.index.protect(n[:, :1], min_group_size, withheld=pub.withheld)
    rows = pub.rows(by)
    count = n[rows, 0]
    hide = withheld[rows] | (count < min_group_size)
    share = np.full((len(rows), 2), np.nan)
    np.divide(100.0 * s1[rows], count[:, None], out=share, where=~hide[:, None])
    return _table(
        pub,
        rows,
        {
            "n": _counts(count, hide),
            "promoters": share[:, 0],
            "passives": 100.0 - share[:, 0] - share[:, 1],
            "detractors": share[:, 1],
            "enps": share[:, 0] - share[:, 1],
            "suppressed": hide,
        },
    )


def _outcome_scores(model: MaturityModel, answers: pd.DataFrame) -> FloatArray:
    """Respondents x outcome measures: mean of the answered items measuring it (half rule)."""
    ids = list(model.outcome_items)
    values = np.full((len(answers), len(ids)), np.nan)
    for name in dict.fromkeys(model.outcome_items[i].scale for i in ids):
        cols = [j for j, i in enumerate(ids) if model.outcome_items[i].scale == name]
        values[:, cols] = _scale_values(
            model.scales[name], answers, [ids[j] for j in cols], "answers"
        )
    member = np.zeros((len(ids), len(OUTCOME_MEASURES)))
    for i, item_id in enumerate(ids):
        member[i, OUTCOME_MEASURES.index(model.outcome_items[item_id].measures)] = 1.0
    answered = ~np.isnan(values)
    total = np.where(answered, values, 0.0) @ member
    count = answered.astype(float) @ member
    enough = (2 * count >= member.sum(axis=0)) & (count > 0)
    out = np.full(total.shape, np.nan)
    np.divide(total, count, out=out, where=enough)
    return out


def trifecta(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    by: str | Iterable[str] = ("organisation",),
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    margin: float = CX_EX_MARGIN,
    publication: Publication | None = None,
) -> pd.DataFrame:
    """Return the trifecta balance and customer advocacy per group.

    From the outcome questions: the mean rating of operational excellence, customer
    experience and employee engagement (the trifecta), their spread (highest minus lowest)
    and the weakest of the three, the customer advocacy mean, ``cx_minus_ex`` and the flag
    ``cx_outruns_ex``: customer experience rated more than ``margin`` (default 0.25 on the
    1-5 scale, see ``docs/scoring.md``) above employee engagement.

    Returns
    -------
    Columns ``by``, ``group``, ``role``, ``team``, ``department``, ``n`` (the largest number
    of answers behind any of the four means), the four measures, ``spread``, ``weakest``,
    ``cx_minus_ex``, ``cx_outruns_ex``, ``suppressed``.
    """
    check_breakdowns(by)
    min_group_size = check_min_group_size(min_group_size)
    if not np.isfinite(margin) or margin < 0:
        raise ParameterError(f"margin: must be a non-negative number, got {margin!r}")
    answers = _aligned(respondents, answers)
    pub = _publication(model, respondents, answers, min_group_size, publication)
    values = _outcome_scores(model, answers)
    n, s1, _ = pub.index.aggregate(values)
    withheld = pub.index.protect(n, min_group_size, withheld=pub.withheld)
    rows = pub.rows(by)
    count = n[rows]
    hide = withheld[rows] | (count.max(axis=1) < min_group_size)
    means = np.full(count.shape, np.nan)
    np.divide(s1[rows], count, out=means, where=(count >= min_group_size) & ~hide[:, None])
    three = means[:, :3]
    has_three = ~np.isnan(three).all(axis=1)
    spread = np.full(len(rows), np.nan)
    weakest: list[str | None] = [None] * len(rows)
    if has_three.any():
        chosen = three[has_three]
        spread[has_three] = np.nanmax(chosen, axis=1) - np.nanmin(chosen, axis=1)
        low = np.nanargmin(np.where(np.isnan(three[has_three]), np.inf, three[has_three]), axis=1)
        for i, j in zip(np.flatnonzero(has_three), low, strict=True):
            weakest[int(i)] = OUTCOME_MEASURES[int(j)]
    cx_minus_ex = means[:, 1] - means[:, 2]
    # Compared at 9 decimals: a difference of exactly the margin (0.25 computed as
    # 0.2500000000000002) does not "exceed" it.
    flag = pd.arrays.BooleanArray(np.round(cx_minus_ex, 9) > margin, np.isnan(cx_minus_ex))
    columns: dict[str, Any] = {"n": _counts(count.max(axis=1), hide)}
    for j, measure in enumerate(OUTCOME_MEASURES):
        columns[measure] = means[:, j]
    columns |= {
        "spread": spread,
        "weakest": pd.array(weakest, dtype="string"),
        "cx_minus_ex": cx_minus_ex,
        "cx_outruns_ex": flag,
        "suppressed": hide,
    }
    return _table(pub, rows, columns)
