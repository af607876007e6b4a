"""Whose drivers a report shows: the unit's own, or the organisation's, labelled as such.

A unit's own relative weights (:mod:`.._scoring._drivers`) are shown only when

- the unit is published (its report exists at all),
- it has at least :data:`MIN_DRIVER_RESPONDENTS` complete respondents for the outcome, and
- every published group that contains it (the organisation; a team's department) has either
  the same complete respondents or at least that many more: weights of two nested groups
  then never describe a remainder smaller than the minimum.

Otherwise the report shows the organisation's drivers, and says so. The score beside each
facet's importance is the unit's published facet mean (none where the facet is withheld).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._confidentiality._groups import NOT_GIVEN
from .._scoring._drivers import (
    MIN_DRIVER_RESPONDENTS,
    driver_outcomes,
    drivers,
    outcome_values,
)
from .._scoring._scores import respondent_scores
from ._tables import EngagementTables
from ._units import Unit

__all__ = ["UnitDrivers", "unit_drivers"]

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class UnitDrivers:
    """The drivers of one outcome as a unit's report shows them."""

    outcome: str
    #: One row per facet (see :func:`drivers`) plus ``score``: the unit's published facet
    #: mean; None when not even the organisation has enough complete respondents.
    table: pd.DataFrame | None
    #: True: the unit's own drivers; False: the organisation's.
    own: bool


def _labels(column: pd.Series) -> pd.Series:
    return column.astype("object").where(column.notna(), NOT_GIVEN).astype(str)


def _mask(respondents: pd.DataFrame, kind: str, name: str) -> BoolArray:
    return (_labels(respondents[kind]) == name).to_numpy()


def _containers(respondents: pd.DataFrame, unit: Unit) -> list[BoolArray]:
    """The groups that contain the unit: the organisation, and a team's department(s)."""
    everyone = np.ones(len(respondents), dtype=bool)
    if unit.kind == "organisation":
        return []
    found = [everyone]
    if unit.kind == "team" and "department" in respondents.columns:
        own = _mask(respondents, "team", unit.name)
        for department in set(_labels(respondents["department"])[own]):
            found.append(_mask(respondents, "department", department))
    return found


def _complete(tables: EngagementTables, outcome: str) -> BoolArray:
    facets = respondent_scores(tables.model, tables.answers.reindex(tables.respondents.index),
                               level="facet").to_numpy(dtype=float)
    y = outcome_values(tables.model, tables.respondents, tables.answers, outcome)
    result: BoolArray = ~np.isnan(facets).any(axis=1) & ~np.isnan(y)
    return result


def _facet_scores(tables: EngagementTables, unit: Unit) -> pd.Series:
    """The unit's published facet means by facet id (NaN where withheld)."""
    rows = tables.facet_scores
    rows = rows[(rows["by"] == unit.kind) & (rows["group"] == unit.name)]
    means = rows["mean"].where(~rows["suppressed"].astype(bool))
    return pd.Series(means.to_numpy(dtype=float), index=rows["facet"].to_numpy())


def unit_drivers(tables: EngagementTables, unit: Unit) -> list[UnitDrivers]:
    """The drivers of every outcome of the model for ``unit``'s report (none without outcomes).

    ``unit`` must be a published unit (the report's own).
    """
    respondents = tables.respondents
    scores = _facet_scores(tables, unit)
    found = []
    for outcome in driver_outcomes(tables.model):
        complete = _complete(tables, outcome)
        own_table = None
        if unit.kind != "organisation":
            members = _mask(respondents, unit.kind, unit.name)
            count = int((complete & members).sum())
            nested_ok = all(
                (extra := int((complete & box).sum()) - count) == 0
                or extra >= MIN_DRIVER_RESPONDENTS
                for box in _containers(respondents, unit)
            )
            if count >= MIN_DRIVER_RESPONDENTS and nested_ok:
                own_table = drivers(tables.model, respondents, tables.answers, outcome,
                                    members=members)
        own = unit.kind == "organisation" or own_table is not None
        table = own_table if own_table is not None else drivers(
            tables.model, respondents, tables.answers, outcome)
        if table is not None:
            table = table.assign(score=table["facet"].map(scores).astype(float))
        found.append(UnitDrivers(outcome, table, own))
    return found
