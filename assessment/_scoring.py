"""Scores: respondents' dimension scores, group scores with suppression, eNPS, gaps, trifecta.

Pure functions on the frames the store hands out (see ``docs/scoring.md`` for every rule):

- ``respondents``: index ``respondent_id``; columns ``role``, ``team``, ``department`` (may be
  missing) and ``recommend`` (0-10, NaN when unanswered).
- ``answers``: same index, one float column per question id, raw 1-5 answers (not yet
  reverse-coded), NaN when missing or not applicable.

Nothing here loops over respondents in Python: respondent scores are matrix products, group
sums go through sparse membership matrices, and the anonymity rule lives in
:mod:`assessment._confidentiality`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from ._confidentiality import (
    BREAKDOWNS,
    DEFAULT_MIN_GROUP_SIZE,
    NOT_GIVEN,
    GroupIndex,
    check_breakdowns,
    check_min_group_size,
    split_missing,
    suppress_breakdown,
)
from ._exceptions import ParameterError
from ._model import OUTCOME_MEASURES, MaturityModel
from ._reliability import LOW_CONSENSUS, rwg_from_moments

__all__ = [
    "CX_EX_MARGIN",
    "LEVEL_THRESHOLDS",
    "OVERALL",
    "Publication",
    "coded_answers",
    "enps",
    "group_scores",
    "iceberg_index",
    "maturity_level",
    "perception_gaps",
    "publication",
    "respondent_scores",
    "score_breakdown",
    "trifecta",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

#: Upper bounds (exclusive) of maturity levels 1-4 on the 1-5 scale; above the last is 5.
LEVEL_THRESHOLDS: Final = (1.8, 2.6, 3.4, 4.2)
#: "CX outruns EX" when customer experience exceeds employee engagement by more than this.
CX_EX_MARGIN: Final = 0.25
#: The ``dimension`` label of the weighted overall score.
OVERALL: Final = "overall"
#: Confidence level of every interval.
CONFIDENCE: Final = 0.95

_SCALE_MIN, _SCALE_MAX = 1, 5


# --- answers -----------------------------------------------------------------------------


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


def _coded(model: MaturityModel, answers: pd.DataFrame) -> FloatArray:
    """Dimension items as respondents x items, reverse-coded items turned into ``6 - value``."""
    ids = list(model.items)
    values = _matrix(answers, ids, _SCALE_MIN, _SCALE_MAX, "answers")
    reverse = np.array([model.items[i].reverse for i in ids], dtype=bool)
    values[:, reverse] = (_SCALE_MIN + _SCALE_MAX) - values[:, reverse]
    return values


def coded_answers(model: MaturityModel, answers: pd.DataFrame) -> pd.DataFrame:
    """Return the dimension items' answers with reverse-coded items scored ``6 - value``.

    Not-applicable and missing answers stay NaN. Raises :class:`ParameterError` when a
    column is missing or a value is not a whole number from 1 to 5.
    """
    return pd.DataFrame(_coded(model, answers), index=answers.index, columns=list(model.items))


# --- respondent scores ----------------------------------------------------------------------


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
    """Return every respondent's dimension (or facet) scores on the 1-5 scale.

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


# --- group statistics ---------------------------------------------------------------------


def _levels(mean: FloatArray) -> FloatArray:
    """Maturity levels (1-5) of means, NaN where the mean is NaN."""
    rounded = np.round(mean, 9)  # 1.8 computed as 1.7999999999999998 is still level 2
    level = np.searchsorted(np.asarray(LEVEL_THRESHOLDS), rounded, side="right") + 1.0
    return np.where(np.isnan(mean), np.nan, level)


def maturity_level(mean: float) -> int:
    """Return the maturity level (1-5) of a mean score on the 1-5 scale.

    Below 1.8 is level 1, below 2.6 level 2, below 3.4 level 3, below 4.2 level 4, else 5.
    """
    if not np.isfinite(mean):
        raise ParameterError(f"mean: must be a number, got {mean!r}")
    return int(_levels(np.array([float(mean)]))[0])


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


def _counts(values: FloatArray, missing: BoolArray) -> pd.arrays.IntegerArray:
    """Whole numbers as a nullable ``Int64`` array, missing where ``missing``."""
    whole = np.where(missing | np.isnan(values), 0, values).astype(np.int64)
    return pd.arrays.IntegerArray(whole, np.asarray(missing | np.isnan(values), dtype=bool))


def _score_columns(
    n: FloatArray, s1: FloatArray, s2: FloatArray, withheld: BoolArray, min_group_size: int
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
        "score_100": (mean - _SCALE_MIN) / (_SCALE_MAX - _SCALE_MIN) * 100.0,
        "level": _levels(mean),
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
    cols = _frame_columns(_score_columns(n, s1, s2, withheld, min_group_size))
    frame = pd.DataFrame(
        {
            "group": np.repeat(np.asarray(names, dtype=object), values.shape[1]),
            "dimension": np.tile(np.asarray(scores.columns, dtype=object), k),
            **cols,
        }
    )
    return frame


# --- the engagement-wide publication pattern ------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """Which groups of an engagement's respondents may be published, decided once.

    Build it with :func:`publication`. Every table computed from the same respondents
    (scores, headcounts, eNPS, trifecta, strengths, answer distributions, facet scores)
    publishes a subset of the groups this pattern publishes, whichever breakdowns it is
    asked for, so any combination of tables reveals no group below the minimum (the rules
    are in ``docs/scoring.md``).
    """

    index: GroupIndex
    min_group_size: int
    #: The respondents it was computed for, in order.
    respondent_ids: pd.Index
    #: Dimension ids, in model order (the columns of :attr:`items_withheld`).
    dimensions: tuple[str, ...]
    #: Respondents per group (every group of every breakdown).
    headcount: FloatArray
    #: Respondents per group with a score in at least one dimension (``n`` of ``overall``).
    scored: FloatArray
    #: The main pattern: the group's headcount, dimension and overall scores are withheld.
    withheld: BoolArray
    #: Groups x dimensions: the item-level numbers of the dimension (answer distributions,
    #: item means, facet scores, within-group agreement) are withheld. Implies ``withheld``.
    items_withheld: BoolArray

    def check(self, respondents: pd.DataFrame, min_group_size: int) -> None:
        """Raise :class:`ParameterError` unless this pattern was made for these inputs."""
        if min_group_size != self.min_group_size:
            raise ParameterError(
                f"publication: made for min_group_size {self.min_group_size}, "
                f"got {min_group_size}"
            )
        if not respondents.index.equals(self.respondent_ids):
            raise ParameterError("publication: made for other respondents")

    def rows(self, by: str | Iterable[str]) -> IntArray:
        """Positions of the groups of the breakdowns ``by``, in table order."""
        kinds = check_breakdowns(by)
        return np.flatnonzero(np.isin(self.index.groups["by"].to_numpy(), kinds))

    def headcounts(self, by: str | Iterable[str] = BREAKDOWNS) -> pd.DataFrame:
        """Respondents per group: ``by``, ``group``, ``role``, ``team``, ``department``, ``n``,
        ``suppressed`` (withheld groups show no ``n``)."""
        rows = self.rows(by)
        hide = self.withheld[rows]
        frame = self.index.groups.iloc[rows].reset_index(drop=True)
        frame["n"] = _counts(self.headcount[rows], hide)
        frame["suppressed"] = hide
        return frame


def _facet_dimension(model: MaturityModel, facets: Sequence[str]) -> IntArray:
    """Position of every facet's dimension among the model's dimensions."""
    position = {d.id: j for j, d in enumerate(model.dimensions)}
    owner = {f.id: position[d.id] for d in model.dimensions for f in d.facets}
    return np.array([owner[f] for f in facets], dtype=np.intp)


def publication(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> Publication:
    """Decide, once for all tables, which groups of the respondents may be published.

    The main pattern protects, for every group of every breakdown at once, the headcount,
    the number of respondents with any dimension score and the number with a score in each
    dimension: a group is published whole or not at all.

    Item-level numbers of a dimension (answer distributions, item means, facet scores,
    rwg(J)) get a nested pattern: published only for groups the main pattern publishes,
    with each item's and facet's number of answers protected the same way. Every other
    table (eNPS, trifecta) nests its own counts in the main pattern likewise. Pass the
    result to the table functions of one report to compute it once; they compute the same
    pattern themselves when it is not given.

    Parameters
    ----------
    model, respondents, answers:
        As for :func:`score_breakdown`.
    min_group_size:
        The engagement's minimum reporting group size (default 5, at least 3).
    """
    min_group_size = check_min_group_size(min_group_size)
    answers = _aligned(respondents, answers)
    index = GroupIndex.from_respondents(respondents)
    answered, _ = split_missing(_coded(model, answers))
    dims, member = _units(model, "dimension")
    has = _has_score(answered, member)
    main = np.column_stack([np.ones(len(answers)), has.any(axis=1), has]).astype(float)
    counts = index.totals(main)
    withheld = index.protect(counts, min_group_size)

    facets, facet_member = _units(model, "facet")
    facet_has = _has_score(answered, facet_member)
    facet_dim = _facet_dimension(model, facets)
    items_withheld = np.zeros((len(index.groups), len(dims)), dtype=bool)
    for j in range(len(dims)):
        measures = np.column_stack(
            [answered[:, member[:, j] > 0], facet_has[:, facet_dim == j]]
        ).astype(float)
        items_withheld[:, j] = index.protect(
            index.totals(measures), min_group_size, withheld=withheld
        )
    return Publication(
        index=index,
        min_group_size=min_group_size,
        respondent_ids=respondents.index,
        dimensions=tuple(dims),
        headcount=counts[:, 0],
        scored=counts[:, 1],
        withheld=withheld,
        items_withheld=items_withheld | withheld[:, None],
    )


def _publication(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    min_group_size: int,
    given: Publication | None,
) -> Publication:
    """``given`` after checking it fits, else a new :func:`publication`."""
    if given is None:
        return publication(model, respondents, answers, min_group_size=min_group_size)
    given.check(respondents, min_group_size)
    return given


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
    scores, with n, standard deviation, t-based 95% CI, the 0-100 form ``(mean - 1) / 4 *
    100`` and the maturity level. The overall score is the weighted mean of the group's
    dimension means (model weights). Which groups are withheld is decided by the
    engagement-wide :func:`publication` pattern, whatever ``by`` asks for, so tables of
    different breakdowns can be put side by side without revealing a small group.

    Parameters
    ----------
    model:
        The maturity model.
    respondents:
        Index ``respondent_id``; columns ``role``, ``team``, ``department`` (optional).
    answers:
        Same respondents; one column per question id, raw 1-5 answers, NaN when missing or
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
    ``ci_high``, ``score_100``, ``level``, ``suppressed``, ``rwg`` (within-group agreement
    rwg(J)) and ``consensus`` (``"low consensus"`` when rwg(J) < 0.70). Withheld rows have
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
    answered, filled = split_missing(_coded(model, answers))
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
    cols = _score_columns(n, s1, s2, withheld, min_group_size)
    # Within-group agreement of each unit's items (item-level numbers).
    item_n, item_s1, item_s2 = index.aggregate_filled(answered, filled)
    rwg = rwg_from_moments(item_n[rows], item_s1[rows], item_s2[rows], member)
    rwg = np.where(item_withheld | np.isnan(cols["mean"]), np.nan, rwg)
    labels = list(units)
    if level == "dimension":
        weights = np.array([d.weight for d in model.dimensions])
        overall = _overall_columns(
            cols, weights, pub.scored[rows], pub.withheld[rows], min_group_size
        )
        cols = {key: np.column_stack([cols[key], overall[key]]) for key in cols}
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
        "score_100": (mean - _SCALE_MIN) / (_SCALE_MAX - _SCALE_MIN) * 100.0,
        "level": _levels(mean),
        "suppressed": hide,
    }


# --- gaps, eNPS, trifecta --------------------------------------------------------------------


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


def perception_gaps(scores: pd.DataFrame) -> pd.DataFrame:
    """Return the perception gaps between layers, from a :func:`score_breakdown` table.

    For every dimension (and ``overall``): executive mean minus frontline mean, and manager
    mean minus frontline mean, with a Welch 95% CI. A gap is computed only when both role
    groups are published (at least the minimum size and not withheld), so it never reveals
    a withheld group.

    Returns
    -------
    Columns ``dimension``, ``comparison`` (``"executive - frontline"``, ``"manager -
    frontline"``), ``gap``, ``ci_low``, ``ci_high``, ``suppressed``.
    """
    roles = scores[scores["by"] == "role"]
    dims = list(dict.fromkeys(scores["dimension"]))

    def column(role: str, name: str) -> FloatArray:
        values = roles[roles["group"] == role].set_index("dimension")[name].reindex(dims)
        return np.asarray(values.astype("Float64").to_numpy(dtype=float, na_value=np.nan))

    def shown(role: str) -> BoolArray:
        flags = roles[roles["group"] == role].set_index("dimension")["suppressed"].reindex(dims)
        return np.asarray(flags.eq(False).to_numpy(dtype=bool))

    out = []
    for higher in ("executive", "manager"):
        both = shown(higher) & shown("frontline")
        gap, lo, hi = _welch(
            column(higher, "mean"), column(higher, "sd"), column(higher, "n"),
            column("frontline", "mean"), column("frontline", "sd"), column("frontline", "n"),
        )
        out.append(
            pd.DataFrame(
                {
                    "dimension": dims,
                    "comparison": f"{higher} - frontline",
                    "gap": np.where(both, gap, np.nan),
                    "ci_low": np.where(both, lo, np.nan),
                    "ci_high": np.where(both, hi, np.nan),
                    "suppressed": ~both,
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def iceberg_index(gaps: pd.DataFrame) -> float:
    """Return the mean executive-minus-frontline gap over the dimensions (not ``overall``).

    NaN unless the gap is available for every dimension in ``gaps`` (see
    :func:`perception_gaps`).
    """
    rows = gaps[(gaps["comparison"] == "executive - frontline") & (gaps["dimension"] != OVERALL)]
    values = rows["gap"].to_numpy(dtype=float)
    if not len(values) or np.isnan(values).any():
        return float("nan")
    return float(values.mean())


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
    values = _matrix(answers, ids, _SCALE_MIN, _SCALE_MAX, "answers")
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
