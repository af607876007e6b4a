"""The roadmap: in which order to close the gaps between current and target levels.

A dimension with an open gap goes into phase ``1 + the latest phase of the dimensions it
depends on that also have an open gap`` (``depends_on`` in the model: leadership before
coaching, for example). Within a phase, the largest weighted gap comes first (see
``target_gaps`` for the gap and its weight). Met targets and withheld groups get no phase.

This is the one ranking of the dimensions: ``target_gaps``' ``priority`` is the roadmap's
``step``, so the scorecard and the roadmap never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._exceptions import ParameterError
from .._model._schema import MaturityModel

__all__ = ["phases", "plan_table", "roadmap"]


def phases(model: MaturityModel, open_dimensions: Iterable[str]) -> dict[str, int]:
    """The roadmap phase of each dimension with an open gap.

    ``1 + the latest phase of the dimensions it depends on that also have an open gap``.
    """
    opened = set(open_dimensions)
    depends = {d.id: [x for x in d.depends_on if x in opened] for d in model.dimensions}
    phase: dict[str, int] = {}

    def phase_of(dim: str) -> int:
        if dim not in phase:
            phase[dim] = 1 + max((phase_of(dep) for dep in depends[dim]), default=0)
        return phase[dim]

    return {dim: phase_of(dim) for dim in depends if dim in opened}


def roadmap(model: MaturityModel, gaps: pd.DataFrame) -> pd.DataFrame:
    """Return the phased roadmap of one group from its :func:`target_gaps` rows.

    Columns: ``phase``, ``step`` (1, 2, ... across phases), ``dimension``, ``level``,
    ``target_level``, ``gap``, ``weighted_gap`` and ``after`` (the dimensions with open gaps
    that must move first, comma-separated).
    """
    groups = gaps[["by", "group"]].drop_duplicates()
    if len(groups) > 1:
        raise ParameterError("gaps: pass the target gaps of one group at a time")
    open_rows = gaps[(gaps["gap"] > 0) & ~gaps["suppressed"]].set_index("dimension")
    depends = {d.id: [x for x in d.depends_on if x in open_rows.index] for d in model.dimensions}
    phase = phases(model, open_rows.index)
    rows = [
        {
            "phase": phase[dim],
            "dimension": dim,
            "level": open_rows.at[dim, "level"],
            "target_level": open_rows.at[dim, "target_level"],
            "gap": open_rows.at[dim, "gap"],
            "weighted_gap": open_rows.at[dim, "weighted_gap"],
            "after": ", ".join(depends[dim]),
        }
        for dim in open_rows.index
    ]
    columns = ["phase", "step", "dimension", "level", "target_level", "gap", "weighted_gap",
               "after"]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(rows)
    if "priority" in open_rows.columns:  # the one ranking (target_gaps orders by phase too)
        out = out.assign(_rank=open_rows["priority"].reindex(out["dimension"]).to_numpy())
        out = out.sort_values("_rank", kind="stable").drop(columns="_rank")
    else:
        out = out.sort_values(
            ["phase", "weighted_gap", "gap"], ascending=[True, False, False], kind="stable"
        )
    out.insert(1, "step", range(1, len(out) + 1))
    return out[columns].reset_index(drop=True)


def plan_table(gaps: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """Return one row per targeted dimension of one group: its gap and its place in the plan.

    Columns: ``dimension``, ``mean``, ``level``, ``target_level``, ``gap``, ``weighted_gap``,
    ``phase``, ``step``, ``after`` and ``status`` (``open``, ``met`` or ``withheld``), in
    roadmap order, then the met and withheld dimensions in questionnaire order.
    """
    out = gaps[["dimension", "mean", "level", "target_level", "gap", "weighted_gap"]].copy()
    for column in ("phase", "step", "after"):
        out[column] = out["dimension"].map(dict(zip(plan["dimension"], plan[column],
                                                    strict=True)))
    out["status"] = np.where(
        gaps["suppressed"].to_numpy(dtype=bool), "withheld",
        np.where(out["step"].notna().to_numpy(), "open", "met"),
    )
    out["after"] = out["after"].astype(object).fillna("").astype(str)
    out = out.astype({"phase": "Int64", "step": "Int64"})
    return out.sort_values("step", kind="stable", na_position="last").reset_index(drop=True)
