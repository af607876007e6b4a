"""Answers on the model's scales: aligned, range-checked, reverse-coded; items per unit.

Shared by the anonymity rule and the scores, below both: nothing here decides what is published.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._exceptions import ParameterError
from ._schema import MaturityModel, Scale

__all__ = ["coded_answers"]

FloatArray = npt.NDArray[np.float64]


BoolArray = npt.NDArray[np.bool_]


IntArray = npt.NDArray[np.intp]


def _aligned(respondents: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """Return ``answers`` in the respondents' order, or raise if they are not the same people."""
    if respondents.index.has_duplicates:
        dup = respondents.index[respondents.index.duplicated()][0]
        raise ParameterError(f"respondents: respondent_id {dup!r} appears more than once")
    if answers.index.equals(respondents.index):
        return answers
    if answers.index.has_duplicates or len(answers) != len(respondents):
        raise ParameterError("answers: must hold exactly one row per respondent")
    missing = respondents.index.difference(answers.index)
    if len(missing):
        raise ParameterError(f"answers: no row for respondent_id {missing[0]!r}")
    return answers.reindex(respondents.index)


def _matrix(
    answers: pd.DataFrame, ids: Sequence[str], low: float, high: float, what: str
) -> FloatArray:
    """Return the columns ``ids`` as floats, checking every value is a whole number in range."""
    absent = [i for i in ids if i not in answers.columns]
    if absent:
        raise ParameterError(f"{what}: missing column(s) {', '.join(absent)}")
    try:
        values = answers.loc[:, list(ids)].to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{what}: values must be numbers ({exc})") from exc
    values = np.array(values, dtype=float, copy=True)
    answered = ~np.isnan(values)
    bad = answered & ((values < low) | (values > high) | (values != np.round(values)))
    if bad.any():
        row, col = (int(x[0]) for x in np.nonzero(bad))
        raise ParameterError(
            f"{what}[{ids[col]!r}]: respondent {answers.index[row]!r} has {values[row, col]!r}, "
            f"expected a whole number from {low:g} to {high:g}"
        )
    return values


def _values(scale: Scale, codes: FloatArray) -> FloatArray:
    """Codes (checked to be in range) turned into the scale's values; NaN stays NaN."""
    if scale.values is None:
        return codes  # an agreement or frequency scale: the code is the value
    lookup = np.asarray(scale.option_values, dtype=float)
    index = np.where(np.isnan(codes), scale.min, codes).astype(np.intp) - scale.min
    out: FloatArray = np.where(np.isnan(codes), np.nan, lookup[index])
    return out


def _scale_values(scale: Scale, answers: pd.DataFrame, ids: Sequence[str], what: str) -> FloatArray:
    """The columns ``ids``, whole-number codes of ``scale``, as the scale's values."""
    return _values(scale, _matrix(answers, ids, scale.min, scale.max, what))


def _coded(model: MaturityModel, answers: pd.DataFrame) -> FloatArray:
    """Dimension items as respondents x items of values, reverse-coded items as min + max - x."""
    ids = list(model.items)
    scale = model.score_scale
    values = _scale_values(scale, answers, ids, "answers")
    reverse = np.array([model.items[i].reverse for i in ids], dtype=bool)
    if scale.values is None:  # whole numbers, as before answer sets: bit for bit the same
        values[:, reverse] = (scale.min + scale.max) - values[:, reverse]
    else:
        values[:, reverse] = (scale.low + scale.high) - values[:, reverse]
    return values


def coded_answers(model: MaturityModel, answers: pd.DataFrame) -> pd.DataFrame:
    """Return the dimension items' values, reverse-coded items scored ``min + max - value``.

    Answers are codes (whole numbers from the scale's ``min`` to ``max``); the result holds
    the scale's values (for an answer set, each option's ``values`` entry). Not-applicable
    and missing answers stay NaN. Raises :class:`ParameterError` when a column is missing or
    a code is not a whole number on the scale.
    """
    return pd.DataFrame(_coded(model, answers), index=answers.index, columns=list(model.items))


def _units(model: MaturityModel, level: str) -> tuple[list[str], FloatArray]:
    """Unit ids (dimensions or facets) and the items x units membership matrix."""
    ids = list(model.items)
    if level == "dimension":
        units = [d.id for d in model.dimensions]
        unit_of = model.item_dimension
    elif level == "facet":
        units = [f.id for d in model.dimensions for f in d.facets]
        unit_of = model.item_facet
    else:
        raise ParameterError(f"level: must be 'dimension' or 'facet', got {level!r}")
    member = np.zeros((len(ids), len(units)))
    position = {u: j for j, u in enumerate(units)}
    for i, item in enumerate(ids):
        member[i, position[unit_of[item]]] = 1.0
    return units, member


def _has_score(answered: FloatArray, member: FloatArray) -> BoolArray:
    """Respondents x units: whether the respondent has a score (at least half answered)."""
    count = answered @ member
    result: BoolArray = (2 * count >= member.sum(axis=0)) & (count > 0)
    return result


def _counts(values: FloatArray, missing: BoolArray) -> pd.arrays.IntegerArray:
    """Whole numbers as a nullable ``Int64`` array, missing where ``missing``."""
    whole = np.where(missing | np.isnan(values), 0, values).astype(np.int64)
    return pd.arrays.IntegerArray(whole, np.asarray(missing | np.isnan(values), dtype=bool))
