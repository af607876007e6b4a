"""The groups of every breakdown of one set of respondents, and the relations that link them.

:class:`GroupIndex` sums respondents' values per group and asks the engine
(:mod:`._engine`) which groups to withhold. A department that shares a team with another
department is always withheld.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .._exceptions import ParameterError
from .._model._schema import KNOWN_ROLES
from ._engine import _Graph, _protect
from ._thresholds import (
    DEFAULT_MIN_GROUP_SIZE,
)

__all__ = [
    "BREAKDOWNS",
    "NOT_GIVEN",
    "ORGANISATION_GROUP",
    "GroupIndex",
    "check_breakdowns",
    "split_missing",
]

#: Every breakdown, in report order: ``by`` values of the score tables.
BREAKDOWNS: Final = ("organisation", "role", "team", "department", "role,team")


#: Group label of a respondent whose role, team or department is missing.
NOT_GIVEN: Final = "(not given)"


#: Group label of the whole organisation (``by == "organisation"``).
ORGANISATION_GROUP: Final = "all"


IntArray = npt.NDArray[np.intp]


BoolArray = npt.NDArray[np.bool_]


FloatArray = npt.NDArray[np.float64]


_KINDS = BREAKDOWNS


_ORG, _ROLE, _TEAM, _DEPT, _CELL = range(5)


def check_breakdowns(by: str | Iterable[str]) -> tuple[str, ...]:
    """Return the requested breakdowns in report order, or raise :class:`ParameterError`."""
    wanted = [by] if isinstance(by, str) else list(by)
    unknown = [b for b in wanted if b not in _KINDS]
    if unknown or not wanted:
        raise ParameterError(
            f"by: {', '.join(map(repr, unknown)) or 'nothing'} is not a breakdown; "
            f"choose from {', '.join(_KINDS)}"
        )
    return tuple(k for k in _KINDS if k in wanted)


def split_missing(values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return a 1/0 mask of the non-missing values and the values with missing set to 0."""
    filled = np.array(values, dtype=float, copy=True)
    missing = np.isnan(filled)
    filled[missing] = 0.0
    return (~missing).astype(float), filled


def _labels(values: pd.Series, first: Sequence[str] = ()) -> tuple[IntArray, list[str]]:
    """Codes and labels of a grouping column; missing values become :data:`NOT_GIVEN`."""
    text = values.astype("object").where(values.notna(), NOT_GIVEN).astype(str)
    codes, uniques = pd.factorize(text, sort=True)
    labels = [str(u) for u in uniques]
    rank = {name: i for i, name in enumerate(first)}
    order = sorted(
        range(len(labels)),
        key=lambda i: (labels[i] == NOT_GIVEN, rank.get(labels[i], len(rank)), labels[i]),
    )
    remap = np.empty(len(labels), dtype=np.intp)
    remap[order] = np.arange(len(labels))
    return remap[codes], [labels[i] for i in order]


def _components(n_left: int, n_right: int, left: IntArray, right: IntArray) -> IntArray:
    """Component id of every left and right node of a bipartite graph."""
    size = n_left + n_right
    if size == 0:
        return np.zeros(0, dtype=np.intp)
    adj = sparse.csr_matrix(
        (np.ones(len(left)), (left, right + n_left)), shape=(size, size)
    )
    _, labels = connected_components(adj, directed=False)
    return np.asarray(labels, dtype=np.intp)


@dataclass(frozen=True)
class GroupIndex:
    """The groups of every breakdown of one set of respondents, and how they are linked.

    Build it with :meth:`from_respondents`; then :meth:`aggregate` sums respondent values
    per group and :meth:`protect` decides which groups must be withheld.
    """

    #: One row per group: ``by``, ``group``, ``role``, ``team``, ``department``.
    groups: pd.DataFrame
    #: The breakdown (index into :data:`BREAKDOWNS`) of every group.
    kind: IntArray
    #: Respondent -> atom (respondents sharing role, team and department).
    atom_of: IntArray
    #: Groups x atoms membership.
    membership: sparse.csr_matrix
    #: Atoms x respondents membership.
    atoms: sparse.csr_matrix
    #: Departments withheld whatever their size: those sharing a team with another
    #: department (see ``docs/scoring.md``).
    forced: BoolArray
    graph: _Graph

    @classmethod
    def from_respondents(
        cls, respondents: pd.DataFrame, roles: Sequence[str] = KNOWN_ROLES
    ) -> GroupIndex:
        """Index the groups of ``respondents`` (columns ``role``, ``team``, ``department``);
        role groups in the order of ``roles`` (the model's, top to frontline)."""
        missing = [c for c in ("role", "team") if c not in respondents.columns]
        if missing:
            raise ParameterError(f"respondents: missing column(s) {', '.join(missing)}")
        department = (
            respondents["department"]
            if "department" in respondents.columns
            else pd.Series(np.nan, index=respondents.index, dtype=object)
        )
        role, role_names = _labels(respondents["role"], roles)
        team, team_names = _labels(respondents["team"])
        dept, dept_names = _labels(department)
        n_role, n_team, n_dept = len(role_names), len(team_names), len(dept_names)
        combined = (role * max(n_team, 1) + team) * max(n_dept, 1) + dept
        atom_keys, atom_of = np.unique(combined, return_inverse=True)
        atom_of = atom_of.astype(np.intp)
        n_atoms = len(atom_keys)
        a_dept = atom_keys % max(n_dept, 1)
        a_team = (atom_keys // max(n_dept, 1)) % max(n_team, 1)
        a_role = atom_keys // (max(n_dept, 1) * max(n_team, 1))
        cell_keys, a_cell = np.unique(a_role * max(n_team, 1) + a_team, return_inverse=True)
        a_cell = a_cell.astype(np.intp)
        n_cell = len(cell_keys)
        c_role = cell_keys // max(n_team, 1)
        c_team = cell_keys % max(n_team, 1)

        # Groups: organisation, roles, teams, departments, cells (in report order).
        has = n_atoms > 0
        counts = [int(has), n_role, n_team, n_dept, n_cell]
        offset = np.concatenate([[0], np.cumsum(counts)]).astype(np.intp)
        kind = np.repeat(np.arange(5), counts).astype(np.intp)
        a_group = [np.zeros(n_atoms, dtype=np.intp), a_role, a_team, a_dept, a_cell]
        rows = np.concatenate([g + offset[k] for k, g in enumerate(a_group)])
        cols = np.tile(np.arange(n_atoms), 5)
        n_groups = int(offset[-1])
        membership = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(n_groups, n_atoms)
        )
        atoms = sparse.csr_matrix(
            (np.ones(len(atom_of)), (atom_of, np.arange(len(atom_of)))),
            shape=(n_atoms, len(atom_of)),
        )
        none: list[str | None] = [None]
        label = (
            [ORGANISATION_GROUP] * int(has)
            + role_names
            + team_names
            + dept_names
            + [f"{role_names[r]} / {team_names[t]}" for r, t in zip(c_role, c_team, strict=True)]
        )
        groups = pd.DataFrame(
            {
                "by": [_KINDS[k] for k in kind],
                "group": label,
                "role": none * int(has)
                + role_names
                + none * (n_team + n_dept)
                + [role_names[r] for r in c_role],
                "team": none * (int(has) + n_role)
                + team_names
                + none * n_dept
                + [team_names[t] for t in c_team],
                "department": none * (int(has) + n_role + n_team) + dept_names + none * n_cell,
            }
        )

        # Departments and teams linked through shared respondents: each component is a
        # relation "sum of its departments = sum of its teams".
        pair_keys = np.unique(a_team * max(n_dept, 1) + a_dept)
        comp = _components(
            n_team, n_dept, pair_keys // max(n_dept, 1), pair_keys % max(n_dept, 1)
        )
        _, comp_id = np.unique(comp, return_inverse=True)
        n_comp = int(comp_id.max()) + 1 if len(comp_id) else 0
        team_comp, dept_comp = comp_id[:n_team], comp_id[n_team:]
        # A department that shares a team with another department is withheld: its
        # published total minus the parts of it that are published (the cells of a team
        # inside it) would reveal respondents the relations above cannot see.
        depts_per_comp = np.bincount(dept_comp, minlength=n_comp)
        forced = np.zeros(n_groups, dtype=bool)
        forced[offset[_DEPT] : offset[_DEPT + 1]] = depts_per_comp[dept_comp] > 1

        graph = _hierarchy_graph(
            offset, n_role, n_team, n_dept, n_comp, c_role, c_team, team_comp, dept_comp, has
        )
        return cls(groups, kind, atom_of, membership, atoms, forced, graph)

    def totals(self, values: FloatArray) -> FloatArray:
        """Return the sum of ``values`` (respondents x measures, no NaN) per group."""
        return np.asarray(self.membership @ (self.atoms @ values), dtype=float)

    def aggregate(self, values: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Return count, sum and sum of squares of the non-missing values per group.

        ``values`` is respondents x measures, in the respondents' order.
        """
        return self.aggregate_filled(*split_missing(values))

    def aggregate_filled(
        self, answered: FloatArray, filled: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """:meth:`aggregate` from :func:`split_missing`'s 1/0 answered mask and filled values."""
        s1 = self.totals(filled)
        s2 = np.empty_like(s1)
        step = 16  # squares a few columns at a time: no second respondents-sized copy
        for j in range(0, filled.shape[1], step):
            part = filled[:, j : j + step]
            s2[:, j : j + step] = self.totals(part * part)
        return self.totals(answered), s1, s2

    def protect(
        self,
        counts: FloatArray,
        min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
        *,
        withheld: BoolArray | None = None,
    ) -> BoolArray:
        """Return which groups are withheld when every breakdown is published.

        ``counts`` is groups x measures (the ``n`` behind each published number); one
        pattern protects all the measures together: a group is withheld for all of them or
        for none. ``withheld`` marks groups already withheld by an enclosing pattern (a
        nested table publishes a subset of the groups of the main one).
        """
        hidden = self.forced if withheld is None else self.forced | withheld
        unknown = _protect(self.graph, counts, hidden, min_group_size)
        if withheld is not None:
            unknown |= withheld  # also where the measure has no answers at all
        return unknown | self.forced


def _hierarchy_graph(
    offset: IntArray,
    n_role: int,
    n_team: int,
    n_dept: int,
    n_comp: int,
    c_role: IntArray,
    c_team: IntArray,
    team_comp: IntArray,
    dept_comp: IntArray,
    has_org: bool,
) -> _Graph:
    """The relations between the groups of the five breakdowns.

    Vertices: 0 = organisation by roles, 1 = organisation by departments, one per role
    (role = its cells), one per team (team = its cells), one per team/department component.
    """
    n_cell = len(c_role)
    v_role = 2 + np.arange(n_role)
    v_team = 2 + n_role + np.arange(n_team)
    v_comp = 2 + n_role + n_team + np.arange(n_comp)
    n_vertices = 2 + n_role + n_team + n_comp
    # Orientation (see the engine's notes): organisation -> departments' relation,
    # department -> its component, team <- component, cell team -> role, role -> roles'.
    tail = np.concatenate(
        [
            np.zeros(int(has_org), dtype=np.intp),
            v_role,
            v_comp[team_comp],
            np.ones(n_dept, dtype=np.intp),
            v_team[c_team],
        ]
    )
    head = np.concatenate(
        [
            np.ones(int(has_org), dtype=np.intp),
            np.zeros(n_role, dtype=np.intp),
            v_team,
            v_comp[dept_comp],
            v_role[c_role],
        ]
    )
    org = np.zeros(int(has_org), dtype=np.intp)
    roles = offset[_ROLE] + np.arange(n_role)
    teams = offset[_TEAM] + np.arange(n_team)
    depts = offset[_DEPT] + np.arange(n_dept)
    cells = offset[_CELL] + np.arange(n_cell)

    lines: list[IntArray] = []
    members: list[IntArray] = []
    sides: list[IntArray] = []
    priorities: list[int] = []

    def relation(n_lines: int, priority: int) -> int:
        base = len(priorities)
        priorities.extend([priority] * n_lines)
        return base

    def add(line_of: IntArray, member: IntArray, side: int) -> None:
        lines.append(line_of)
        members.append(member)
        sides.append(np.full(len(member), side, dtype=np.intp))

    # The organisation split by each breakdown.
    if has_org:
        for children in (roles, depts, teams, cells):
            base = relation(1, 2)
            add(np.full(1, base, dtype=np.intp), org, 0)
            add(np.full(len(children), base, dtype=np.intp), children, 1)
    # A role is the sum of its cross-tab row, a team of its column.
    for parents, cell_parent in ((roles, c_role), (teams, c_team)):
        base = relation(len(parents), 0)
        add(base + np.arange(len(parents)), parents, 0)
        add(base + cell_parent, cells, 1)
    # Departments and teams (and the cells of those teams) of one component.
    cell_comp = team_comp[c_team]
    for right, right_comp in ((teams, team_comp), (cells, cell_comp)):
        base = relation(n_comp, 1)
        add(base + dept_comp, depts, 0)
        add(base + right_comp, right, 1)
    return _Graph(
        n_vertices=n_vertices,
        tail=tail.astype(np.intp),
        head=head.astype(np.intp),
        line=np.concatenate(lines).astype(np.intp),
        member=np.concatenate(members).astype(np.intp),
        side=np.concatenate(sides).astype(np.intp),
        priority=np.asarray(priorities, dtype=np.intp),
    )
