"""Scores: respondents' dimension and facet scores, group scores, maturity levels, the score table.

Pure functions on the frames the store hands out (see ``docs/scoring.md`` for every rule):

- ``respondents``: index ``respondent_id``; columns ``role``, ``team``, ``department`` (may be
  missing) and ``recommend`` (0-10, NaN when unanswered).
- ``answers``: same index, one float column per question id, the raw codes of the model's
  scale (1-5 in the shipped model; not yet turned into values or reverse-coded), NaN when
  missing or not applicable.

Means, intervals, ``score_100`` and rwg(J) are on the scale's values (``model.score_scale``:
``low``, ``high``, ``null_variance``, ``classify`` for the favourable cut); levels follow the
model's bands (``model.levels``, ``model.level_bounds``, :func:`maturity_level`).

Nothing here loops over respondents in Python: respondent scores are matrix products, group
sums go through sparse membership matrices, and what may be published is decided by
:mod:`assessment._confidentiality`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from .._confidentiality._engine import suppress_breakdown
from .._confidentiality._groups import (
    BREAKDOWNS,
    NOT_GIVEN,
    check_breakdowns,
    split_missing,
)
from .._confidentiality._publication import Publication, _facet_dimension, _publication
from .._confidentiality._thresholds import DEFAULT_MIN_GROUP_SIZE, check_min_group_size
from .._exceptions import ParameterError
from .._model._coding import _aligned, _coded, _counts, _has_score, _units
from .._model._schema import MaturityModel, Scale
from ._agreement import LOW_CONSENSUS, rwg_from_moments
from ._favourable import SHARES, overall_shares, unit_shares

__all__ = [
    "LEVEL_THRESHOLDS",
    "OVERALL",
    "group_scores",
    "maturity_level",
    "respondent_scores",
    "score_breakdown",
]

FloatArray = npt.NDArray[np.float64]


BoolArray = npt.NDArray[np.bool_]


IntArray = npt.NDArray[np.intp]


#: Upper bounds (exclusive) of maturity levels 1-4 on the 1-5 scale; above the last is 5.
LEVEL_THRESHOLDS: Final = (1.8, 2.6, 3.4, 4.2)


#: The scale of scores whose model is not given: 1-5 points.
_DEFAULT_SCALE: Final = Scale(kind="agreement", min=1, max=5, labels={"en": list("12345")})


#: The ``dimension`` label of the weighted overall score.
OVERALL: Final = "overall"


#: Confidence level of every interval.
CONFIDENCE: Final = 0.95


def _unit_scores(
    model: MaturityModel, answered: FloatArray, filled: FloatArray, member: FloatArray
) -> FloatArray:
    """Item-weighted means per unit, NaN unless at least half the unit's items are answered.

    ``answered`` is the 1/0 mask of answered items, ``filled`` the coded answers with 0 for
    missing ones (see :func:`split_missing`).
    """
    weights = np.array([item.weight for item in model.items.values()])
    weighted = member * weights[:, None]
    out = np.full((len(filled), member.shape[1]), np.nan)
    # Item weights are positive: a unit with any answer has a positive denominator.
    np.divide(filled @ weighted, answered @ weighted, out=out, where=_has_score(answered, member))
    return out


def _overall(model: MaturityModel, dimension_scores: FloatArray) -> FloatArray:
    """Weighted mean of a respondent's dimension scores; NaN unless every one is present."""
    weights = np.array([d.weight for d in model.dimensions])
    result: FloatArray = (dimension_scores @ weights) / weights.sum()
    return result


def respondent_scores(
    model: MaturityModel,
    answers: pd.DataFrame,
    *,
    level: Literal["dimension", "facet"] = "dimension",
) -> pd.DataFrame:
    """Return every respondent's dimension (or facet) scores on the model's scale.

    A score is the item-weighted mean of the respondent's answered items of the dimension
    (reverse-coded items as ``6 - value``), provided at least half of its items were
    answered; otherwise it is NaN. At dimension level the last column, ``overall``, is the
    weighted mean of the dimension scores (model weights), NaN when any dimension is missing.

    Parameters
    ----------
    model:
        The maturity model the answers follow.
    answers:
        One row per respondent, one column per question id (extra columns are ignored).
    level:
        ``"dimension"`` (default) or ``"facet"``.
    """
    units, member = _units(model, level)
    scores = _unit_scores(model, *split_missing(_coded(model, answers)), member)
    frame = pd.DataFrame(scores, index=answers.index, columns=units)
    if level == "dimension":
        frame[OVERALL] = _overall(model, scores)
    return frame


def _levels(mean: FloatArray, model: MaturityModel | None = None) -> FloatArray:
    """Maturity level numbers of means (the model's bands), NaN where the mean is NaN."""
    if model is None:
        bounds, first = np.asarray(LEVEL_THRESHOLDS), 1.0
    else:
        bounds, first = np.asarray(model.level_bounds[1:]), float(model.levels[0])
    rounded = np.round(mean, 9)  # 1.8 computed as 1.7999999999999998 is still level 2
    level = np.searchsorted(bounds, rounded, side="right") + first
    return np.where(np.isnan(mean), np.nan, level)


def maturity_level(mean: float, model: MaturityModel | None = None) -> int:
    """Return the maturity level of a dimension mean under ``model``'s level bands.

    Without a model, the shipped bands on 1-5: below 1.8 is level 1, below 2.6 level 2,
    below 3.4 level 3, below 4.2 level 4, else 5.
    """
    if not np.isfinite(mean):
        raise ParameterError(f"mean: must be a number, got {mean!r}")
    return int(_levels(np.array([float(mean)]), model)[0])


def _stats(n: FloatArray, s1: FloatArray, s2: FloatArray) -> dict[str, FloatArray]:
    """Mean, standard deviation and t-based 95% interval from count, sum and sum of squares."""
    ok = n > 0
    two = n > 1
    mean = np.full(n.shape, np.nan)
    np.divide(s1, n, out=mean, where=ok)
    var = np.full(n.shape, np.nan)
    np.divide(s2 - s1 * np.where(ok, mean, 0.0), n - 1, out=var, where=two)
    sd = np.sqrt(np.maximum(var, 0.0), where=two, out=np.full(n.shape, np.nan))
    t = np.full(n.shape, np.nan)
    t[two] = stats.t.ppf(0.5 + CONFIDENCE / 2, n[two] - 1)
    half = np.full(n.shape, np.nan)
    half[two] = t[two] * sd[two] / np.sqrt(n[two])
    return {"mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half}


def _scale(model: MaturityModel | None) -> Scale:
    """The scale of the scores: the model's, or 1-5 points without a model."""
    return _DEFAULT_SCALE if model is None else model.score_scale


def score_100(mean: FloatArray, scale: Scale) -> FloatArray:
    """Means on the 0-100 form: ``(mean - low) / (high - low) * 100`` on the scale's values."""
    result: FloatArray = (mean - scale.low) / (scale.high - scale.low) * 100.0
    return result


def _score_columns(
    n: FloatArray,
    s1: FloatArray,
    s2: FloatArray,
    withheld: BoolArray,
    min_group_size: int,
    model: MaturityModel | None,
) -> dict[str, FloatArray]:
    """The published numbers of score rows (arrays of any shape), NaN where withheld."""
    hide = withheld | (n < min_group_size)
    st = _stats(n, s1, s2)
    for key in st:
        st[key] = np.where(hide, np.nan, st[key])
    mean = st["mean"]
    return {
        "n": np.where(hide, np.nan, n),
        "mean": mean,
        "sd": st["sd"],
        "ci_low": st["ci_low"],
        "ci_high": st["ci_high"],
        "score_100": score_100(mean, _scale(model)),
        "level": _levels(mean, model),
        "suppressed": hide,
    }


def _frame_columns(cols: dict[str, FloatArray]) -> dict[str, Any]:
    """:func:`_score_columns` flattened into table columns (``n`` and ``level`` as Int64)."""
    out: dict[str, Any] = {}
    for key, value in cols.items():
        flat = np.asarray(value).ravel()
        if key in ("n", "level"):
            out[key] = _counts(flat, np.isnan(flat))
        elif key == "suppressed":
            out[key] = flat.astype(bool)
        else:
            out[key] = flat
    return out


def group_scores(
    scores: pd.DataFrame,
    groups: pd.Series | None = None,
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    model: MaturityModel | None = None,
) -> pd.DataFrame:
    """Return group scores with n, sd, 95% CI, 0-100 form and level, small groups withheld.

    Parameters
    ----------
    scores:
        Respondent scores (rows: respondents; columns: dimensions or facets), e.g. from
        :func:`respondent_scores`.
    groups:
        The group label of every respondent (aligned with ``scores``); None for one group
        ``all``. Suppression treats the groups as one breakdown of a published parent
        (all rows of ``scores``); for linked breakdowns use :func:`score_breakdown`.
    min_group_size:
        A group with fewer respondents with a score in any column gets no numbers at all;
        one pattern protects every column. The columns are taken as separate measures: do
        not pass a respondent-level ``overall`` beside the dimensions it averages (the sets
        behind the two differ when scores are missing); :func:`score_breakdown` computes the
        overall score from the group's dimension means instead.
    model:
        The model the scores follow: its scale and levels give ``score_100`` and ``level``
        (default: a 1-5 scale with the shipped model's five bands).

    Returns
    -------
    One row per group and column of ``scores``: ``group``, ``dimension``, ``n``, ``mean``,
    ``sd``, ``ci_low``, ``ci_high``, ``score_100``, ``level``, ``suppressed``.
    """
    min_group_size = check_min_group_size(min_group_size)
    if groups is None:
        labels = pd.Series("all", index=scores.index)
    else:
        if not groups.index.equals(scores.index):
            raise ParameterError("groups: must have the same index as scores")
        labels = groups.astype("object").where(groups.notna(), NOT_GIVEN).astype(str)
    codes, names = pd.factorize(labels, sort=True)
    values = scores.to_numpy(dtype=float, na_value=np.nan)
    k = len(names)
    n = np.zeros((k, values.shape[1]))
    s1 = np.zeros_like(n)
    s2 = np.zeros_like(n)
    valid = ~np.isnan(values)
    filled = np.where(valid, values, 0.0)
    for j in range(values.shape[1]):
        n[:, j] = np.bincount(codes, weights=valid[:, j].astype(float), minlength=k)
        s1[:, j] = np.bincount(codes, weights=filled[:, j], minlength=k)
        s2[:, j] = np.bincount(codes, weights=filled[:, j] ** 2, minlength=k)
    joint = suppress_breakdown(pd.DataFrame(n), min_group_size).to_numpy()
    withheld = np.repeat(joint[:, None], values.shape[1], axis=1)
    cols = _frame_columns(_score_columns(n, s1, s2, withheld, min_group_size, model))
    frame = pd.DataFrame(
        {
            "group": np.repeat(np.asarray(names, dtype=object), values.shape[1]),
            "dimension": np.tile(np.asarray(scores.columns, dtype=object), k),
            **cols,
        }
    )
    return frame


def score_breakdown(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    by: str | Iterable[str] = BREAKDOWNS,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    level: Literal["dimension", "facet"] = "dimension",
    publication: Publication | None = None,
) -> pd.DataFrame:
    """Return the score table: one row per group and dimension (and ``overall``).

    Every rule is in ``docs/scoring.md``. A group's score is the mean of its respondents'
    scores, with n, standard deviation, t-based 95% CI, the 0-100 form ``(mean - low) /
    (high - low) * 100`` on the scale's values and the model's maturity level. The overall
    score is the weighted mean of the group's dimension means (model weights). Which groups
    are withheld is decided by the engagement-wide :func:`publication` pattern, whatever
    ``by`` asks for, so tables of different breakdowns can be put side by side without
    revealing a small group.

    Parameters
    ----------
    model:
        The maturity model.
    respondents:
        Index ``respondent_id``; columns ``role``, ``team``, ``department`` (optional).
    answers:
        Same respondents; one column per question id, raw codes, NaN when missing or
        not applicable.
    by:
        Breakdowns to report, any of ``organisation``, ``role``, ``team``, ``department``,
        ``role,team`` (default: all, in that order).
    min_group_size:
        The engagement's minimum reporting group size (default 5, at least 3).
    level:
        ``"dimension"`` (default: dimensions and ``overall``) or ``"facet"``.
    publication:
        The pattern from :func:`publication` for these respondents (computed when absent).

    Returns
    -------
    DataFrame with columns ``by``, ``group``, ``role``, ``team``, ``department`` (the group's
    keys), ``dimension`` (and ``facet`` at facet level), ``n``, ``mean``, ``sd``, ``ci_low``,
    ``ci_high``, ``score_100``, ``level``, ``suppressed``, ``favourable``, ``neutral``,
    ``unfavourable`` (percent of the members' answers, after reverse coding, by
    the scale's cut; the overall row: the weighted mean of the dimensions'), ``rwg``
    (within-group agreement rwg(J)) and ``consensus`` (``"low consensus"`` when rwg(J) <
    0.70). Withheld rows have
    ``suppressed`` True and every number missing, ``n`` included. The ``overall`` row has
    no ``sd``, interval or ``rwg``; its ``n`` counts the members with any dimension score.
    Facet scores and rwg(J) are item-level numbers (see :func:`publication`).
    """
    check_breakdowns(by)
    min_group_size = check_min_group_size(min_group_size)
    answers = _aligned(respondents, answers)
    pub = _publication(model, respondents, answers, min_group_size, publication)
    index = pub.index
    units, member = _units(model, level)
    coded = _coded(model, answers)
    answered, filled = split_missing(coded)
    unit_scores = _unit_scores(model, answered, filled, member)
    dim_of_unit = (
        np.arange(len(units)) if level == "dimension" else _facet_dimension(model, units)
    )
    rows = pub.rows(by)
    n, s1, s2 = (x[rows] for x in index.aggregate(unit_scores))
    item_withheld = pub.items_withheld[rows][:, dim_of_unit]
    withheld = (
        np.repeat(pub.withheld[rows][:, None], len(units), axis=1) if level == "dimension"
        else item_withheld
    )
    cols = _score_columns(n, s1, s2, withheld, min_group_size, model)
    # Favourable shares: the mean's people and suppression (withheld mean, withheld shares).
    shares = unit_shares(
        model, index, coded, answered, member, ~np.isnan(unit_scores), rows,
        cols["suppressed"].astype(bool),
    )
    # Within-group agreement of each unit's items (item-level numbers).
    item_n, item_s1, item_s2 = index.aggregate_filled(answered, filled)
    rwg = rwg_from_moments(
        item_n[rows], item_s1[rows], item_s2[rows], member, model.score_scale.null_variance
    )
    rwg = np.where(item_withheld | np.isnan(cols["mean"]), np.nan, rwg)
    labels = list(units)
    if level == "dimension":
        weights = np.array([d.weight for d in model.dimensions])
        overall = _overall_columns(
            cols, weights, pub.scored[rows], pub.withheld[rows], min_group_size, model
        )
        cols = {key: np.column_stack([cols[key], overall[key]]) for key in cols}
        whole = overall_shares(shares, weights)
        shares = {
            key: np.column_stack([shares[key], np.where(overall["suppressed"], np.nan, whole[key])])
            for key in shares
        }
        rwg = np.column_stack([rwg, np.full(len(rows), np.nan)])
        labels.append(OVERALL)
    m = len(labels)
    keys = index.groups.iloc[rows].reset_index(drop=True)
    frame = keys.loc[keys.index.repeat(m)].reset_index(drop=True)
    if level == "facet":
        frame["dimension"] = [pub.dimensions[j] for j in dim_of_unit] * len(rows)
        frame["facet"] = labels * len(rows)
    else:
        frame["dimension"] = labels * len(rows)
    for key, value in _frame_columns(cols).items():
        frame[key] = value
    for key in SHARES:
        frame[key] = shares[key].ravel()
    flat_rwg = rwg.ravel()
    frame["rwg"] = flat_rwg
    consensus = np.where(flat_rwg < LOW_CONSENSUS, "low consensus", "adequate").astype(object)
    consensus[np.isnan(flat_rwg)] = None
    frame["consensus"] = pd.array(consensus, dtype="string")
    return frame


def _overall_columns(
    cols: dict[str, FloatArray],
    weights: FloatArray,
    n_any: FloatArray,
    withheld: BoolArray,
    min_group_size: int,
    model: MaturityModel,
) -> dict[str, FloatArray]:
    """The overall row of every group: the weighted mean of its published dimension means."""
    means = cols["mean"]
    complete = ~np.isnan(means).any(axis=1) & ~withheld
    mean = np.full(len(means), np.nan)
    mean[complete] = (means[complete] @ weights) / weights.sum()
    hide = withheld | (n_any < min_group_size)
    nan = np.full(len(means), np.nan)
    return {
        "n": np.where(hide, np.nan, n_any),
        "mean": mean,
        "sd": nan,
        "ci_low": nan,
        "ci_high": nan,
        "score_100": score_100(mean, _scale(model)),
        "level": _levels(mean, model),
        "suppressed": hide,
    }
