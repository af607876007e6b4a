"""The engagement's one publication pattern: which groups every table may publish, decided once.

Every table of an engagement (scores, headcounts, eNPS, trifecta, strengths, answer
distributions, facet scores) publishes a subset of the groups :func:`publication` allows,
so no combination of tables reveals a group below the minimum (``docs/scoring.md``). A group
gets a report of its own only if the pattern publishes it (:meth:`Publication.require_published`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._exceptions import ConfidentialityError, ParameterError
from .._model._coding import _aligned, _coded, _counts, _has_score, _units
from .._model._schema import MaturityModel
from ._groups import BREAKDOWNS, GroupIndex, check_breakdowns, split_missing
from ._thresholds import DEFAULT_MIN_GROUP_SIZE, check_min_group_size

__all__ = ["Publication", "publication"]

FloatArray = npt.NDArray[np.float64]


BoolArray = npt.NDArray[np.bool_]


IntArray = npt.NDArray[np.intp]


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

    def groups(self, by: str) -> list[str]:
        """Every group of the one breakdown ``by`` (``team``, ``role`` ...), in table order."""
        return [str(g) for g in self.index.groups["group"].to_numpy()[self.rows(by)]]

    def published_groups(self, by: str) -> list[str]:
        """The groups of the one breakdown ``by`` that this pattern publishes, in table order:
        the only ones that may be reported on their own (a report per team, role ...)."""
        rows = self.rows(by)
        names = self.index.groups["group"].to_numpy()[rows]
        return [str(g) for g in names[~self.withheld[rows]]]

    def require_published(self, by: str, group: str, *, label: str) -> None:
        """Refuse to report ``group`` of the breakdown ``by`` on its own unless it is published.

        A unit (the organisation, a team, role or department) may get a report only if this
        pattern publishes it: it has at least the minimum group size and is not withheld so
        that a smaller group cannot be worked out. ``label`` names the group in the message as
        its reader knows it (``unit: 'team:A'``).

        Raises
        ------
        ConfidentialityError
            The group is withheld.
        ParameterError
            ``by`` has no group ``group``.
        """
        rows = self.rows(by)
        found = np.flatnonzero(self.index.groups["group"].to_numpy()[rows] == group)
        if not len(found):
            raise ParameterError(f"{label}: {by!r} has no group {group!r}")
        if bool(self.withheld[rows[found[0]]]):
            raise ConfidentialityError(
                f"{label} cannot be reported: it has fewer respondents than the engagement's "
                f"minimum group size ({self.min_group_size}), or it is withheld so that a "
                "smaller group cannot be worked out"
            )


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
    index = GroupIndex.from_respondents(respondents, model.roles)
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
