"""Change since the previous wave: each group's means in two waves, the difference with its
95% confidence interval, and a label (up, no clear change, down) by a rule that depends on
the group's size.

Each wave's numbers come from that wave's own score table, under that wave's own
publication pattern: a group takes part only where it is published in both waves, so every
number shown is one that each wave publishes on its own (``docs/scoring.md``, "Across
waves").
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._model._schema import MaturityModel
from ._analytics import trends
from ._gaps import _welch
from ._scores import OVERALL

__all__ = [
    "CHANGE_LABELS",
    "MIN_MEANINGFUL_CHANGE",
    "change_label",
    "item_change",
    "min_meaningful_change",
    "wave_change",
    "with_overall_sd",
]

#: The smallest change a report calls up or down, as a share of the scale's range: 0.2
#: points on a 1–5 scale.
MIN_MEANINGFUL_CHANGE: Final = 0.05
#: The labels of a change, in the order up, none, down.
CHANGE_LABELS: Final = ("up", "no clear change", "down")
#: An item reworded between the waves (another text version): listed, never differenced.
NOT_COMPARABLE: Final = "not comparable"
#: An item the previous wave did not ask at all: listed, never differenced.
NEW_ITEM: Final = "new"


def min_meaningful_change(model: MaturityModel) -> float:
    """The smallest change called up or down on the model's score scale (0.2 on 1–5)."""
    scale = model.score_scale
    return MIN_MEANINGFUL_CHANGE * float(scale.high - scale.low)


def change_label(
    change: ArrayLike, ci_low: ArrayLike, ci_high: ArrayLike, min_change: float
) -> np.ndarray:
    """``up`` / ``down`` where the 95% interval excludes 0 AND the change is at least
    ``min_change`` that way; ``no clear change`` otherwise; None without a change.

    The interval carries the group size: the same change is clear for 100 people and not
    for 8. The minimum keeps a tiny change of a very large group from being called a change.
    """
    change, lo, hi = (np.asarray(x, dtype=float) for x in (change, ci_low, ci_high))
    up = (lo > 0) & (change >= min_change)
    down = (hi < 0) & (change <= -min_change)
    out = np.where(up, CHANGE_LABELS[0], np.where(down, CHANGE_LABELS[2], CHANGE_LABELS[1]))
    labels: np.ndarray = out.astype(object)
    labels[np.isnan(change)] = None
    return labels


def with_overall_sd(model: MaturityModel, scores: pd.DataFrame) -> pd.DataFrame:
    """``scores`` with an ``sd`` for each published group's ``overall`` row, from the
    group's published dimension rows only, so the overall change has an interval too.

    The overall score is the weighted mean of the dimension means; its standard error is at
    most the weighted mean of theirs (the dimensions correlate at most perfectly), so the
    interval is conservative (never narrower than the true one) and is made of published
    numbers alone: ``sd = sqrt(n) * sum(w_d * sd_d / sqrt(n_d)) / sum(w_d)``, missing when
    any dimension of the group is withheld.
    """
    weights = {d.id: d.weight for d in model.dimensions}
    out = scores.copy()
    keys = [c for c in ("by", "group") if c in out.columns]
    dims = out[out["dimension"].isin(list(weights)) & ~out["suppressed"].astype(bool)]
    n = dims["n"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    sd = dims["sd"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    weight = dims["dimension"].map(weights).to_numpy(dtype=float)
    part = dims[keys].assign(_se=weight * sd / np.sqrt(n), _dims=1)
    per_group = part.groupby(keys, sort=False).agg(_se=("_se", "sum"), _dims=("_dims", "sum"),
                                                  _nan=("_se", lambda x: x.isna().any()))
    total = float(sum(weights.values()))
    overall = (out["dimension"] == OVERALL) & ~out["suppressed"].astype(bool)
    rows = out.loc[overall, keys].merge(per_group.reset_index(), on=keys, how="left")
    complete = (rows["_dims"] == len(weights)) & ~rows["_nan"].astype("boolean").fillna(True)
    n_all = out.loc[overall, "n"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    se = rows["_se"].to_numpy(dtype=float) / total
    out.loc[overall, "sd"] = np.where(complete.to_numpy(dtype=bool), se * np.sqrt(n_all), np.nan)
    return out


def wave_change(
    previous: pd.DataFrame, current: pd.DataFrame, *, min_change: float
) -> pd.DataFrame:
    """Return each group's change between two waves' :func:`score_breakdown` tables.

    Each table must be published under its own wave's pattern. A group missing or
    withheld in either wave has no numbers at all (``suppressed`` True).

    Returns
    -------
    :func:`trends`'s columns (``by``, ``group``, ``dimension``, ``mean_from``, ``mean_to``,
    ``change``, ``ci_low``, ``ci_high``, ``significant``, ``suppressed``) and ``n_from``,
    ``n_to`` and ``label`` (:func:`change_label`).
    """
    out = trends({"previous": previous, "current": current}).drop(
        columns=["wave_from", "wave_to"]
    )
    keys = [c for c in ("by", "group", "dimension", "facet") if c in out.columns]
    shown = ~out["suppressed"].to_numpy(dtype=bool)
    for name, frame in (("n_from", previous), ("n_to", current)):
        n = out[keys].merge(frame[[*keys, "n"]].drop_duplicates(keys), on=keys, how="left")["n"]
        values = n.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        out[name] = pd.array(np.where(shown, values, np.nan), dtype="Float64").astype("Int64")
    out["label"] = change_label(out["change"], out["ci_low"], out["ci_high"], min_change)
    return out


def item_change(
    previous: pd.DataFrame, current: pd.DataFrame, *, min_change: float
) -> pd.DataFrame:
    """Return each group's item change between two waves' item tables
    (:func:`~._favourable.item_scores`, each under its wave's own publication pattern).

    Only an item with the same id and the same text version in both waves is compared; one
    reworded in between (another text version) is listed with ``comparable`` False, label
    ``not comparable`` and no numbers, and one the previous wave did not ask with label
    ``new``. A group the previous wave did not have is comparable but has no numbers. The
    current wave's items, in its questionnaire order.

    Returns
    -------
    ``by``, ``group``, ``item``, ``dimension``, ``comparable``, ``n_from``, ``n_to``,
    ``mean_from``, ``mean_to``, ``change``, ``ci_low``, ``ci_high``, ``label``,
    ``suppressed`` (True: not published in either wave, or not comparable).
    """
    keys = ["by", "group", "item"]
    right = previous[[*keys, "text_version", "n", "mean", "sd", "suppressed"]]
    merged = current.merge(right, on=keys, how="left", suffixes=("_b", "_a"))
    # An item's wording in the previous wave (whatever the group): absent, it is new.
    versions = previous.drop_duplicates("item").set_index("item")["text_version"]
    before = merged["item"].map(versions)
    comparable = (before == merged["text_version_b"]).to_numpy(dtype=bool)
    new = before.isna().to_numpy(dtype=bool)
    in_both = merged["suppressed_a"].eq(False).to_numpy(bool) & ~merged["suppressed_b"].to_numpy(
        bool
    )
    shown = comparable & in_both

    def num(column: str) -> np.ndarray:
        values = merged[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        return np.where(shown, values, np.nan)

    diff, lo, hi = _welch(num("mean_b"), num("sd_b"), num("n_b"), num("mean_a"), num("sd_a"),
                          num("n_a"))
    out = merged[[*keys, "dimension"]].copy()
    out["comparable"] = comparable
    out["n_from"] = pd.array(num("n_a"), dtype="Float64").astype("Int64")
    out["n_to"] = pd.array(num("n_b"), dtype="Float64").astype("Int64")
    out["mean_from"] = num("mean_a")
    out["mean_to"] = num("mean_b")
    out["change"] = diff
    out["ci_low"] = lo
    out["ci_high"] = hi
    label = change_label(diff, lo, hi, min_change)
    out["label"] = np.where(comparable, label,
                            np.where(new, NEW_ITEM, NOT_COMPARABLE)).astype(object)
    out.loc[comparable & ~in_both, "label"] = None
    out["suppressed"] = ~shown
    return out
