"""Analytics on top of the scores: strengths and opportunities, trends across waves, targets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any, Final

import numpy as np
import pandas as pd

from .._confidentiality._groups import check_breakdowns, split_missing
from .._confidentiality._publication import Publication, _publication
from .._confidentiality._thresholds import DEFAULT_MIN_GROUP_SIZE, check_min_group_size
from .._exceptions import ParameterError
from .._model._coding import _aligned, _coded
from .._model._schema import MaturityModel
from ._gaps import _welch
from ._roadmap import phases
from ._scores import LEVEL_THRESHOLDS

__all__ = [
    "LEVEL_FLOORS",
    "answer_distribution",
    "check_level",
    "rating_agreement",
    "strengths_and_opportunities",
    "target_gaps",
    "trends",
]

#: The lowest mean of each maturity level 1-5 in the shipped model (a model's own:
#: :attr:`MaturityModel.level_bounds`).
LEVEL_FLOORS: Final = (1.0, *LEVEL_THRESHOLDS)


def check_level(model: MaturityModel, level: object, what: str) -> int:
    """Return ``level`` if it is one of the model's level numbers; else raise naming ``what``."""
    if isinstance(level, int | np.integer) and not isinstance(level, bool) and (
        int(level) in model.levels
    ):
        return int(level)
    raise ParameterError(
        f"{what}: must be a level from {model.levels[0]} to {model.levels[-1]}, got {level!r}"
    )

_KEYS = ("by", "group", "dimension")


def strengths_and_opportunities(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    by: str | Iterable[str] = ("organisation", "role", "team", "department"),
    k: int = 3,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    publication: Publication | None = None,
) -> pd.DataFrame:
    """Return the ``k`` highest and ``k`` lowest items per group, by reverse-coded mean.

    Item means use the reverse-coded answers, so a high mean is always good. Ties keep the
    questionnaire order. Opportunities are chosen among the items that are not strengths.
    Item means are item-level numbers: a group's items of a dimension take part only where
    the engagement's :func:`~assessment.publication` pattern publishes them; a group withheld
    altogether gets a single row with ``suppressed`` True and nothing else.

    Returns
    -------
    Columns ``by``, ``group``, ``role``, ``team``, ``department``, ``kind`` (``"strength"``
    or ``"opportunity"``), ``rank`` (1 = highest strength / lowest opportunity), ``item``,
    ``dimension``, ``reverse``, ``mean``, ``n``, ``suppressed``.
    """
    check_breakdowns(by)
    min_group_size = check_min_group_size(min_group_size)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ParameterError(f"k: must be a whole number of at least 1, got {k!r}")
    answers = _aligned(respondents, answers)
    pub = _publication(model, respondents, answers, min_group_size, publication)
    coded = _coded(model, answers)
    ids = np.asarray(list(model.items), dtype=object)
    index = pub.index
    answered, filled = split_missing(coded)
    n, s1 = index.totals(answered), index.totals(filled)  # no sums of squares needed
    rows = pub.rows(by)
    n, s1, withheld = n[rows], s1[rows], pub.withheld[rows]
    shown = ~_item_withheld(model, pub)[rows]
    mean = np.full(n.shape, np.nan)
    np.divide(s1, n, out=mean, where=(n >= min_group_size) & shown)
    valid = ~np.isnan(mean)
    count = valid.sum(axis=1)
    # Rank within each group: descending for strengths, ascending for opportunities.
    down = np.argsort(np.where(valid, -mean, np.inf), axis=1, kind="stable")
    top_rank = np.empty_like(down)
    np.put_along_axis(top_rank, down, np.arange(len(ids))[None, :], axis=1)
    n_strong = np.minimum(k, count)
    strong = valid & (top_rank < n_strong[:, None])
    rest = valid & ~strong
    up = np.argsort(np.where(rest, mean, np.inf), axis=1, kind="stable")
    low_rank = np.empty_like(up)
    np.put_along_axis(low_rank, up, np.arange(len(ids))[None, :], axis=1)
    weak = rest & (low_rank < np.minimum(k, count - n_strong)[:, None])

    keys = index.groups.iloc[rows].reset_index(drop=True)
    dims = np.asarray([model.item_dimension[i] for i in ids], dtype=object)
    reverse = np.asarray([model.items[i].reverse for i in ids], dtype=bool)
    parts = []
    for label, mask, rank in (("strength", strong, top_rank), ("opportunity", weak, low_rank)):
        g, j = np.nonzero(mask)
        part = keys.iloc[g].reset_index(drop=True)
        part["kind"] = label
        part["rank"] = rank[g, j] + 1
        part["item"] = ids[j]
        part["dimension"] = dims[j]
        part["reverse"] = reverse[j]
        part["mean"] = mean[g, j]
        part["n"] = n[g, j]
        part["suppressed"] = False
        part["_group"] = g
        parts.append(part)
    hidden = keys.iloc[np.flatnonzero(withheld)].reset_index(drop=True)
    hidden["_group"] = np.flatnonzero(withheld)
    hidden["suppressed"] = True
    out = pd.concat([*parts, hidden], ignore_index=True)
    out["_kind"] = out["kind"].map({"strength": 0, "opportunity": 1}).fillna(2)
    out = out.sort_values(["_group", "_kind", "rank"], kind="stable")
    columns = [
        "by", "group", "role", "team", "department", "kind", "rank", "item", "dimension",
        "reverse", "mean", "n", "suppressed",
    ]
    out = out.reindex(columns=columns).reset_index(drop=True)
    out["rank"] = out["rank"].astype("Int64")
    out["n"] = out["n"].astype("Int64")
    out["reverse"] = out["reverse"].astype("boolean")
    out["suppressed"] = out["suppressed"].astype(bool)
    return out


def _item_columns(model: MaturityModel, pub: Publication) -> list[int]:
    position = {d: j for j, d in enumerate(pub.dimensions)}
    return [position[model.item_dimension[i]] for i in model.items]


def _item_withheld(model: MaturityModel, pub: Publication) -> np.ndarray:
    """Groups x items: whether the item's numbers are withheld for the group."""
    return np.asarray(pub.items_withheld[:, _item_columns(model, pub)])


def answer_distribution(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    by: str = "organisation",
    group: str = "all",
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    publication: Publication | None = None,
) -> pd.DataFrame:
    """Return how one group answered every item: counts and percentages per answer point.

    Answers as given (the scale's codes, not reverse-coded);
    missing and not applicable are left out.
    Only the items whose dimension the engagement's :func:`~assessment.publication`
    pattern publishes at item level for the group are returned (none for a withheld group).

    Parameters
    ----------
    by, group:
        The group: a breakdown and a group label of the score table, e.g. ``"team"`` and
        ``"Billing"``, or ``"role,team"`` and ``"frontline / Billing"``.

    Returns
    -------
    One row per item and answer point: ``item``, ``dimension``, ``point`` (the code),
    ``count``,
    ``percent`` (of ``answered``) and ``answered`` (answers to the item), in questionnaire
    order.
    """
    if not isinstance(by, str):
        raise ParameterError(f"by: one breakdown expected, got {by!r}")
    min_group_size = check_min_group_size(min_group_size)
    answers = _aligned(respondents, answers)
    pub = _publication(model, respondents, answers, min_group_size, publication)
    rows = pub.rows(by)
    labels = pub.index.groups["group"].to_numpy()[rows]
    found = np.flatnonzero(labels == group)
    if not len(found):
        known = ", ".join(map(repr, labels[:20])) or "none"
        raise ParameterError(f"group: {group!r} is not a {by} group (known: {known})")
    g = int(rows[found[0]])
    ids = list(model.items)
    shown = ~_item_withheld(model, pub)[g]
    members = pub.index.atoms[np.flatnonzero(pub.index.membership[g].toarray().ravel())]
    mask = np.asarray(members.sum(axis=0)).ravel() > 0
    values = answers.loc[mask, ids].to_numpy(dtype=float, na_value=np.nan)
    points = np.asarray(model.score_scale.points)
    a = len(points)
    counts = np.column_stack([(values == p).sum(axis=0) for p in points])  # items x points
    answered = counts.sum(axis=1)
    keep = shown & (answered >= min_group_size)
    share = np.zeros(counts.shape)
    np.divide(100.0 * counts, answered[:, None], out=share, where=answered[:, None] > 0)
    frame = pd.DataFrame(
        {
            "item": np.repeat(ids, a),
            "dimension": np.repeat([model.item_dimension[i] for i in ids], a),
            "point": np.tile(points, len(ids)),
            "count": counts.ravel(),
            "percent": share.ravel(),
            "answered": np.repeat(answered, a),
        }
    )
    return frame[np.repeat(keep, a)].reset_index(drop=True)


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    return np.asarray(frame[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan))


def trends(waves: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Return the change of every group score between consecutive waves.

    Parameters
    ----------
    waves:
        Wave label -> score table of that wave (:func:`score_breakdown`), in chronological
        order (the mapping's order).

    Returns
    -------
    One row per group and dimension present in either wave of each consecutive pair:
    ``by``, ``group``, ``dimension``, ``wave_from``, ``wave_to``, ``mean_from``,
    ``mean_to``, ``change``, ``ci_low``, ``ci_high`` (Welch 95% CI of the difference),
    ``significant`` (the interval excludes 0) and ``suppressed``: True when the group is
    withheld or absent in either wave, in which case there is no difference.
    """
    labels = list(waves)
    columns = [
        *_KEYS, "wave_from", "wave_to", "mean_from", "mean_to", "change", "ci_low", "ci_high",
        "significant", "suppressed",
    ]
    parts = []
    for before, after in pairwise(labels):
        a, b = waves[before], waves[after]
        keys = [c for c in (*_KEYS, "facet") if c in a.columns and c in b.columns]
        for name, frame in ((before, a), (after, b)):
            missing = [c for c in (*_KEYS, "n", "mean", "sd", "suppressed") if c not in frame]
            if missing:
                raise ParameterError(f"waves[{name!r}]: missing column(s) {', '.join(missing)}")
        wanted = [*keys, "n", "mean", "sd", "suppressed"]
        left = a[wanted].assign(_pos_a=np.arange(len(a)))
        right = b[wanted].assign(_pos_b=np.arange(len(b)))
        merged = left.merge(right, on=keys, how="outer", suffixes=("_a", "_b"))
        merged = merged.sort_values(["_pos_a", "_pos_b"], kind="stable", na_position="last")
        merged = merged.reset_index(drop=True)
        shown = merged["suppressed_a"].eq(False) & merged["suppressed_b"].eq(False)
        shown_arr = shown.to_numpy(dtype=bool)
        diff, lo, hi = _welch(
            _numbers(merged, "mean_b"), _numbers(merged, "sd_b"), _numbers(merged, "n_b"),
            _numbers(merged, "mean_a"), _numbers(merged, "sd_a"), _numbers(merged, "n_a"),
        )
        diff, lo, hi = (np.where(shown_arr, x, np.nan) for x in (diff, lo, hi))
        significant = pd.arrays.BooleanArray((lo > 0) | (hi < 0), np.isnan(lo))
        part = merged[keys].copy()
        part["wave_from"] = before
        part["wave_to"] = after
        part["mean_from"] = np.where(shown_arr, _numbers(merged, "mean_a"), np.nan)
        part["mean_to"] = np.where(shown_arr, _numbers(merged, "mean_b"), np.nan)
        part["change"] = diff
        part["ci_low"] = lo
        part["ci_high"] = hi
        part["significant"] = significant
        part["suppressed"] = ~shown_arr
        parts.append(part)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    out = pd.concat(parts, ignore_index=True)
    return out[[c for c in [*_KEYS, "facet", *columns[3:]] if c in out.columns]]


def target_gaps(
    model: MaturityModel, scores: pd.DataFrame, targets: Mapping[str, int]
) -> pd.DataFrame:
    """Return the gap from each group's dimension scores to the client's target levels.

    Parameters
    ----------
    model:
        The maturity model (for the dimensions' weights).
    scores:
        A :func:`score_breakdown` table (dimension level).
    targets:
        Dimension id -> target maturity level (one of the model's level numbers).

    Returns
    -------
    One row per group and targeted dimension: ``by``, ``group``, ``dimension``, ``weight``,
    ``mean``, ``level``, ``target_level``, ``target_score`` (the lowest mean of the target
    level), ``gap`` (``max(0, target_score - mean)``), ``level_gap`` (levels to climb),
    ``weighted_gap`` (``gap * weight``) and ``priority``: 1 for the dimension to work on
    first within the group, in the roadmap's order (:func:`~assessment.roadmap`): a
    dimension comes after the dimensions it depends on that also have a gap, then the
    largest weighted gap first (ties: larger gap, then questionnaire order); missing when
    the target is met or the group is withheld.
    """
    weights = {d.id: d.weight for d in model.dimensions}
    for dim, level in targets.items():
        if dim not in weights:
            raise ParameterError(f"targets[{dim!r}]: not a dimension of model {model.id!r}")
        check_level(model, level, f"targets[{dim!r}]")
    rows = scores[scores["dimension"].isin(list(targets))].copy()
    order = {d: i for i, d in enumerate(weights)}
    rows["_order"] = rows["dimension"].map(order)
    mean = _numbers(rows, "mean")
    target = rows["dimension"].map(targets).to_numpy(dtype=int)
    floor = np.asarray(model.level_bounds)[target - model.levels[0]]
    weight = rows["dimension"].map(weights).to_numpy(dtype=float)
    # From the mean at 9 decimals, as levels are: a mean of exactly 3.4 (computed as
    # 3.3999999999999995) meets a level-4 target and has no gap.
    gap = np.maximum(floor - np.round(mean, 9), 0.0)
    current = _numbers(rows, "level")
    out = rows[["by", "group", "dimension"]].copy()
    out["weight"] = weight
    out["mean"] = mean
    out["level"] = pd.arrays.IntegerArray(
        np.nan_to_num(current).astype(np.int64), np.isnan(current)
    )
    out["target_level"] = target
    out["target_score"] = floor
    out["gap"] = gap
    level_gap = np.maximum(target - current, 0)
    out["level_gap"] = pd.arrays.IntegerArray(
        np.nan_to_num(level_gap).astype(np.int64), np.isnan(level_gap)
    )
    out["weighted_gap"] = gap * weight
    out["_order"] = rows["_order"].to_numpy()
    out["_row"] = np.arange(len(out))
    opened = out[out["weighted_gap"] > 0]
    phase = np.zeros(len(opened), dtype=int)
    for _, part in opened.groupby(["by", "group"], sort=False):
        of = phases(model, part["dimension"])
        phase[opened.index.get_indexer(part.index)] = [of[d] for d in part["dimension"]]
    open_gap = opened.assign(_phase=phase).sort_values(
        ["by", "group", "_phase", "weighted_gap", "gap", "_order"],
        ascending=[True, True, True, False, False, True],
        kind="stable",
    )
    priority = np.full(len(out), np.nan)
    priority[open_gap["_row"].to_numpy()] = (
        open_gap.groupby(["by", "group"], sort=False).cumcount().to_numpy() + 1
    )
    out["priority"] = pd.array(priority, dtype="Int64")
    out["suppressed"] = np.isnan(mean)
    return out.drop(columns=["_order", "_row"]).reset_index(drop=True)


def rating_agreement(
    model: MaturityModel, facet_scores: pd.DataFrame, ratings: pd.DataFrame
) -> pd.DataFrame:
    """Put the consultant's evidence-based facet levels beside the survey's.

    Parameters
    ----------
    model:
        The maturity model (its facets, in questionnaire order).
    facet_scores:
        An organisation-level :func:`score_breakdown` table with ``level="facet"``.
    ratings:
        ``Store.ratings()``: ``facet``, ``level`` (missing = not applicable), ``evidence``.

    Returns
    -------
    One row per facet: ``dimension``, ``facet``, ``survey_level`` (missing when withheld),
    ``consultant_level`` (missing when not rated or not applicable), ``consultant_na`` (True
    where the consultant rated the facet "not applicable"), ``evidence`` and ``agreement``:
    ``agree`` (same level), ``differ`` (one level apart), ``disagree`` (two or more), or
    empty when either side is missing.
    """
    org = facet_scores[facet_scores["by"] == "organisation"]
    survey: dict[str, Any] = dict(zip(org["facet"], org["level"], strict=True))
    rated: dict[str, tuple[Any, Any]] = {
        f: (lvl, ev)
        for f, lvl, ev in zip(ratings["facet"], ratings["level"], ratings["evidence"], strict=True)
    }
    rows = []
    for dim in model.dimensions:
        for facet in dim.facets:
            s_level = survey.get(facet.id)
            c_level, evidence = rated.get(facet.id, (None, ""))
            s_val = _whole_or_none(s_level)
            c_val = _whole_or_none(c_level)
            na = facet.id in rated and c_val is None
            agreement = ""
            if s_val is not None and c_val is not None:
                diff = abs(s_val - c_val)
                agreement = "agree" if diff == 0 else "differ" if diff == 1 else "disagree"
            rows.append({
                "dimension": dim.id, "facet": facet.id, "survey_level": s_val,
                "consultant_level": c_val, "consultant_na": na, "evidence": evidence or "",
                "agreement": agreement,
            })
    out = pd.DataFrame(rows)
    return out.astype({"survey_level": "Int64", "consultant_level": "Int64"})


def _whole_or_none(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
