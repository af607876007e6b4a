"""Favourable shares: how many answers are favourable, neutral and unfavourable.

An answer is classified after reverse coding by the model's scale cut
(:meth:`~assessment._model._schema.Scale.classify`: the top two and bottom two options of a
5-point scale unless the model's scale sets ``favourable`` / ``unfavourable``). A group's
share for a dimension or facet pools the answers to its items of the members who have a
score there (the same people as the mean), each answer counted with its item's weight;
see ``docs/scoring.md``. The score table (:func:`~._scores.score_breakdown`) carries the
shares of dimensions, facets and the overall row; :func:`item_scores` those of items.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._confidentiality._groups import GroupIndex, check_breakdowns, split_missing
from .._confidentiality._publication import Publication, _publication
from .._confidentiality._thresholds import DEFAULT_MIN_GROUP_SIZE, check_min_group_size
from .._exceptions import ParameterError
from .._model._coding import _aligned, _coded
from .._model._schema import _EPS, MaturityModel

__all__ = ["SHARES", "item_scores"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: The share columns, in the order every table shows them.
SHARES: Final = ("favourable", "neutral", "unfavourable")
#: Respondents classified at once (bounds the memory of the score table's shares).
_CHUNK: Final = 32768


def _classes(model: MaturityModel, coded: FloatArray) -> tuple[BoolArray, BoolArray]:
    """Respondents x items: favourable and unfavourable answers (False where unanswered).

    Exactly :meth:`Scale.classify`'s cut (its thresholds, with its tolerance), compared
    directly (NaN compares False): two boolean masks instead of a float array of classes.
    """
    scale = model.score_scale
    return coded >= scale.favourable_from - _EPS, coded <= scale.unfavourable_to + _EPS


def unit_shares(
    model: MaturityModel,
    index: GroupIndex,
    coded: FloatArray,
    answered: FloatArray,
    member: FloatArray,
    scored: BoolArray,
    rows: npt.NDArray[np.intp],
    hide: BoolArray,
) -> dict[str, FloatArray]:
    """Groups (``rows``) x units: the favourable, neutral and unfavourable shares (percent).

    A unit's answers count for a respondent who has a score in it (``scored``: respondents x
    units, the half rule); each answer weighs its item's weight. NaN where ``hide`` (the mean
    is withheld) or nothing counts.
    """
    weights = np.array([item.weight for item in model.items.values()])
    weighted = member * weights[:, None]
    total = np.where(scored, answered @ weighted, 0.0)
    good = np.empty_like(total)
    bad = np.empty_like(total)
    for start in range(0, len(coded), _CHUNK):  # classes a block of respondents at a time
        block = slice(start, start + _CHUNK)
        fav, unf = (x.astype(float) for x in _classes(model, coded[block]))  # BLAS: floats
        good[block] = np.where(scored[block], fav @ weighted, 0.0)
        bad[block] = np.where(scored[block], unf @ weighted, 0.0)
    k = member.shape[1]
    sums = index.totals(np.hstack([total, good, bad]))[rows]
    t, g, b = sums[:, :k], sums[:, k : 2 * k], sums[:, 2 * k :]
    return _ratios(t, g, b, hide)


def _ratios(t: FloatArray, g: FloatArray, b: FloatArray, hide: BoolArray) -> dict[str, FloatArray]:
    """Shares in percent from weighted totals: all, favourable, unfavourable; NaN where
    hidden or empty."""
    ok = (t > 0) & ~hide
    out = {}
    for key, part in zip(SHARES, (g, t - g - b, b), strict=True):
        share = np.full(t.shape, np.nan)
        np.divide(100.0 * part, t, out=share, where=ok)
        out[key] = share
    return out


def overall_shares(shares: dict[str, FloatArray], weights: FloatArray) -> dict[str, FloatArray]:
    """The overall row's shares: the weighted mean of the dimension shares (like its mean),
    NaN unless every dimension has them."""
    out = {}
    for key, value in shares.items():
        complete = ~np.isnan(value).any(axis=1)
        mean = np.full(len(value), np.nan)
        mean[complete] = (value[complete] @ weights) / weights.sum()
        out[key] = mean
    return out


def item_scores(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    by: str | Iterable[str] = ("organisation", "role", "team", "department"),
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    publication: Publication | None = None,
    group: str | None = None,
) -> pd.DataFrame:
    """Return every item's mean and favourable shares per group (item-level numbers).

    Means and shares use reverse-coded answers (favourable is always good). An item's
    numbers are published for a group when the engagement's :func:`~assessment.publication`
    pattern publishes its dimension's item-level numbers for the group and at least
    ``min_group_size`` answered it, as the item means of :func:`strengths_and_opportunities`
    and the answer distributions; otherwise the row has ``suppressed`` True and no numbers.
    With ``group`` (a group label of the one breakdown ``by``, e.g. ``"team"`` and
    ``"Billing"``), only that group's rows, reading only its members' answers.

    Returns
    -------
    One row per group and item, in questionnaire order: ``by``, ``group``, ``role``,
    ``team``, ``department``, ``item``, ``dimension``, ``reverse``, ``text_version`` (the
    wording's version: waves compare an item only on the same one), ``n`` (answers),
    ``mean``, ``sd``, ``favourable``, ``neutral``, ``unfavourable`` (percent of the answers),
    ``suppressed``.
    """
    check_breakdowns(by)
    min_group_size = check_min_group_size(min_group_size)
    answers = _aligned(respondents, answers)
    pub = _publication(model, respondents, answers, min_group_size, publication)
    index = pub.index
    rows = pub.rows(by)
    if group is None:
        coded = _coded(model, answers)
        totals = index.totals
    else:
        # One group: only its members' answers are read (a report of one unit).
        if not isinstance(by, str):
            raise ParameterError(f"by: one breakdown expected with a group, got {by!r}")
        labels = index.groups["group"].to_numpy()[rows]
        found = np.flatnonzero(labels == group)
        if not len(found):
            known = ", ".join(map(repr, labels[:20])) or "none"
            raise ParameterError(f"group: {group!r} is not a {by} group (known: {known})")
        rows = rows[found[:1]]
        atoms = index.atoms[np.flatnonzero(index.membership[rows[0]].toarray().ravel())]
        mask = np.asarray(atoms.sum(axis=0)).ravel() > 0
        coded = _coded(model, answers.loc[mask])

        def totals(values: FloatArray) -> FloatArray:
            return np.asarray(values.sum(axis=0), dtype=float)[None, :]

    answered, filled = split_missing(coded)
    fav, unf = (x.astype(float) for x in _classes(model, coded))
    del coded
    ids = list(model.items)
    m = len(ids)
    # Column by column group totals: no respondents-sized copy of all five at once.
    n, s1, g, b = (totals(x) for x in (answered, filled, fav, unf))
    del fav, unf
    s2 = totals(filled**2)
    if group is None:
        n, s1, s2, g, b = n[rows], s1[rows], s2[rows], g[rows], b[rows]
    position = {d: j for j, d in enumerate(pub.dimensions)}
    item_dim = [position[model.item_dimension[i]] for i in ids]
    hide = pub.items_withheld[rows][:, item_dim] | (n < min_group_size)
    mean = np.full(n.shape, np.nan)
    np.divide(s1, n, out=mean, where=~hide)
    var = np.full(n.shape, np.nan)
    np.divide(s2 - n * mean**2, n - 1, out=var, where=~hide & (n > 1))
    sd = np.sqrt(np.clip(var, 0.0, None))
    shares = _ratios(n, g, b, hide)
    keys = index.groups.iloc[rows].reset_index(drop=True)
    frame = keys.loc[keys.index.repeat(m)].reset_index(drop=True)
    frame["item"] = ids * len(rows)
    frame["dimension"] = [model.item_dimension[i] for i in ids] * len(rows)
    frame["reverse"] = [model.items[i].reverse for i in ids] * len(rows)
    frame["text_version"] = [model.items[i].text_version for i in ids] * len(rows)
    flat_hide = hide.ravel()
    frame["n"] = pd.array(np.where(flat_hide, 0, n.ravel()).astype(np.int64), dtype="Int64")
    frame.loc[flat_hide, "n"] = pd.NA
    frame["mean"] = mean.ravel()
    frame["sd"] = sd.ravel()
    for key in SHARES:
        frame[key] = shares[key].ravel()
    frame["suppressed"] = flat_hide
    return frame
