"""The anonymity rules: minimum group size, complementary suppression, release of comments.

Every number the package reports about a group of respondents passes through this module.

- A group with fewer respondents than the engagement's minimum group size (default 5, never
  below 3) gets no number at all (*primary suppression*).
- Complementary suppression hides further groups until nothing below the minimum can be
  worked out from what is published. The groups of all breakdowns (organisation, role, team,
  department and the role-by-team cross-tab) are linked: a role is the sum of its cross-tab
  row, a team the sum of its column, a department the sum of its teams, the organisation the
  sum of each breakdown. First, within every such relation whose one side is known, the
  withheld members of the other side must hold 0 or at least the minimum together (else the
  next-smallest published sibling is withheld too), repeated to a fixed point. Then an exact
  check: every total over a *set* of respondents that a reader can derive from the published
  numbers, by adding and subtracting them in any combination, covers 0 or at least the
  minimum respondents (a minimum-cut / maximum-flow test per withheld group).
- A department that shares a team with another department is withheld.
- Comments are released only for groups of at least ``min_comment_group_size`` (default 10,
  never below the score minimum), sorted by a hash of their text instead of submission order.

The algorithm, its guarantee and a worked example are in ``docs/scoring.md``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import breadth_first_order, connected_components, maximum_flow

from ._exceptions import ParameterError
from ._model import KNOWN_ROLES
from ._thresholds import (
    DEFAULT_MIN_COMMENT_GROUP_SIZE,
    DEFAULT_MIN_GROUP_SIZE,
    SMALLEST_MIN_GROUP_SIZE,
    check_min_group_size,
)

__all__ = [
    "BREAKDOWNS",
    "DEFAULT_MIN_COMMENT_GROUP_SIZE",
    "DEFAULT_MIN_GROUP_SIZE",
    "NOT_GIVEN",
    "ORGANISATION_GROUP",
    "SMALLEST_MIN_GROUP_SIZE",
    "GroupIndex",
    "check_breakdowns",
    "check_min_group_size",
    "releasable_comments",
    "split_missing",
    "suppress_breakdown",
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


# --- the protection engine -------------------------------------------------------------
#
# Groups are the edges of a directed graph whose vertices are linear relations between
# groups ("a parent equals the sum of its children"); every group takes part in exactly two
# relations. Orient each group from the relation where it counts +1 to the one where it
# counts -1 (after signing the relations consistently). Adding up the relations of a vertex
# set U then gives, from published numbers only, the total of the unknown groups that leave
# U minus those that enter it. So the aggregates over a *set* of respondents a reader can
# derive are exactly the totals of unknown groups leaving a set U that no unknown group
# enters (a "closed" cut), and unions of those. The rule enforced here: every such total is
# 0 or at least the minimum, for every measure. For a group e = (a -> b) below the minimum
# this is a maximum-flow question: the smallest closed cut separating a from b is the
# maximum flow from a to b when each unknown group carries its count forward and
# unlimited flow backward.
#
# "Lines" are the parent/children relations checked first, in bulk, by the classic rule
# (withhold the next-smallest sibling while the withheld children hold fewer than the
# minimum); the flow check then closes whatever the lines miss.


@dataclass(frozen=True)
class _Graph:
    n_vertices: int
    #: Every group's relation where it counts +1 (tail) and -1 (head).
    tail: IntArray
    head: IntArray
    #: One row per (line, group) membership: line id, group (edge) id, side (0 or 1).
    line: IntArray
    member: IntArray
    side: IntArray
    #: Lines with a lower priority are completed first (the most specific relations).
    priority: IntArray

    @property
    def n_edges(self) -> int:
        return len(self.tail)


def _first_per_key(keys: IntArray, order_by: FloatArray, edges: IntArray) -> IntArray:
    """Return, for every distinct key, the edge with the smallest ``order_by`` (then id)."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.intp)
    order = np.lexsort((edges, order_by, keys))
    sorted_keys = keys[order]
    first = np.concatenate([[True], sorted_keys[1:] != sorted_keys[:-1]])
    return np.asarray(edges[order][first], dtype=np.intp)


def _expand(matrix: sparse.csr_matrix, rows: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    """For every ``rows[i]``, its stored entries: (i, column, value) triples."""
    indptr = matrix.indptr
    deg = (indptr[rows + 1] - indptr[rows]).astype(np.intp)
    owner = np.repeat(np.arange(len(rows)), deg)
    first = np.repeat(indptr[rows] - np.concatenate([[0], np.cumsum(deg)[:-1]]), deg)
    pos = np.arange(len(owner)) + first
    return owner, matrix.indices[pos].astype(np.intp), np.asarray(matrix.data[pos], dtype=float)


def _lookup(matrix: sparse.csr_matrix, rows: IntArray, cols: IntArray) -> FloatArray:
    """``matrix[rows[i], cols[i]]`` for every i (0 where nothing is stored)."""
    if len(rows) == 0:
        return np.zeros(0)
    return np.asarray(matrix[rows, cols], dtype=float).ravel()


def _pair_dot(
    left: sparse.csr_matrix, rows_l: IntArray, right: sparse.csr_matrix, rows_r: IntArray
) -> FloatArray:
    """``sum(left[rows_l[i]] * right[rows_r[i]])`` for every i, computed once per pair."""
    if len(rows_l) == 0:
        return np.zeros(0)
    n = max(left.shape[0], 1)
    pairs, inverse = np.unique(rows_l * n + rows_r, return_inverse=True)
    ul, ur = pairs // n, pairs % n
    dots = np.asarray(left[ul].multiply(right[ur]).sum(axis=1), dtype=float).ravel()
    return dots[inverse.ravel()]


def _leaks(
    graph: _Graph, unknown: BoolArray, count: FloatArray, size: FloatArray, min_size: int
) -> IntArray:
    """Published groups to withhold so that no closed cut totals between 0 and the minimum.

    Checks one measure (``count`` per group); returns at most one group per violation found
    (empty when every derivable total is 0 or at least ``min_size``).
    """
    nv = graph.n_vertices
    live = unknown & (count > 0)  # groups known to be empty hide nothing
    candidates = np.flatnonzero(live & (count < min_size))
    if not len(candidates):
        return np.zeros(0, dtype=np.intp)
    idx = np.flatnonzero(live)
    t, h = graph.tail[idx], graph.head[idx]
    w = sparse.csr_matrix((np.minimum(count[idx], min_size), (t, h)), shape=(nv, nv))
    e = sparse.csr_matrix((np.ones(len(idx)), (t, h)), shape=(nv, nv))
    e.data[:] = 1.0
    wt, et = w.T.tocsr(), e.T.tocsr()
    a, b = graph.tail[candidates], graph.head[candidates]
    direct = np.asarray(w[a, b], dtype=float).ravel()
    # Cheap certificates (flows along short paths) settle most candidates; each path family
    # below is edge-disjoint from the direct groups a -> b.
    owner, z, _ = _expand(et, a)  # a <- z -> b
    back_forward = np.bincount(owner, weights=_lookup(w, z, b[owner]), minlength=len(a))
    pair, x, wax = _expand(w, a)  # a -> x, then x <- y -> b or x -> v <- b
    keep = x != b[pair]
    pair, x, wax = pair[keep], x[keep], wax[keep]
    via = _pair_dot(et, x, wt, b[pair]) - direct[pair]
    via += _pair_dot(w, x, e, b[pair])
    through = np.minimum(wax, via)
    best = np.zeros(len(a))
    np.maximum.at(best, pair, through)
    bound = direct + np.maximum(back_forward, best)
    open_ = np.flatnonzero(bound < min_size)
    if not len(open_):
        return np.zeros(0, dtype=np.intp)
    # The rest: exact maximum flow, capacities capped at the minimum (enough to decide).
    cap = np.minimum(count[idx], min_size).astype(np.int32)
    network = sparse.csr_array(
        (
            np.concatenate([cap, np.full(len(idx), min_size, dtype=np.int32)]),
            (np.concatenate([t, h]), np.concatenate([h, t])),
        ),
        shape=(nv, nv),
    )
    network.sum_duplicates()
    fixes: list[int] = []
    done = np.zeros(nv, dtype=bool)
    for i in open_:
        source, sink = int(a[i]), int(b[i])
        result = maximum_flow(network, source, sink)
        if result.flow_value >= min_size:
            continue
        residual = (network - result.flow).tocsr()
        residual.data[residual.data < 0] = 0
        residual.eliminate_zeros()
        inside = np.zeros(nv, dtype=bool)
        inside[breadth_first_order(residual, source, return_predecessors=False)] = True
        if done[inside].any():
            continue  # this cut is being fixed already
        crossing = inside[graph.tail] != inside[graph.head]
        pick = np.flatnonzero(crossing & ~unknown & (count > 0))
        if not len(pick):
            pick = np.flatnonzero(crossing & ~unknown)
        if not len(pick):
            return np.flatnonzero(~unknown)  # nothing closes it: withhold everything
        fixes.append(int(pick[np.lexsort((pick, size[pick]))[0]]))
        done |= inside
    return np.unique(np.asarray(fixes, dtype=np.intp))


def _reduced(counts: FloatArray) -> FloatArray:
    """Fewer measures to check, protecting at least as much as ``counts`` (groups x measures).

    Measures that are 0 in the same groups are replaced by their smallest count per group: a
    derivable total of that minimum is never larger than the measure's own, and the groups
    known to be empty are the same, so whatever the minimum's check allows, each measure's
    check allows too.
    """
    if counts.shape[1] < 2:
        return counts
    patterns: dict[bytes, list[int]] = {}
    for j, column in enumerate(np.packbits(counts == 0, axis=0).T):
        patterns.setdefault(column.tobytes(), []).append(j)
    return np.column_stack([counts[:, cols].min(axis=1) for cols in patterns.values()])


def _protect(
    graph: _Graph,
    counts: FloatArray,
    hidden: BoolArray,
    min_size: int,
) -> BoolArray:
    """Return which groups are unknown to a reader, given their counts (groups x measures).

    ``hidden`` groups are not published at all (withheld by an enclosing pattern, or forced
    out, like departments that share a team). Groups below the minimum are withheld, then
    more groups until every aggregate a reader can derive covers 0 or at least
    ``min_size`` respondents, for every measure.
    """
    ne = graph.n_edges
    zero = np.all(counts == 0, axis=1)
    small = np.any((counts > 0) & (counts < min_size), axis=1)
    size = counts.max(axis=1) if counts.shape[1] else np.zeros(ne)
    unknown: BoolArray = (hidden | small) & ~zero

    n_lines = int(graph.line.max()) + 1 if len(graph.line) else 0
    key = graph.line * 2 + graph.side
    n_keys = 2 * n_lines
    member_matrix = sparse.csr_matrix(
        (np.ones(len(key)), (key, graph.member)), shape=(n_keys, ne)
    )
    key_priority = np.repeat(graph.priority, 2)

    def rule_a() -> IntArray:
        """Lines whose known side leaves the other side's withheld total below the minimum."""
        eff = unknown.astype(float)
        hidden_count = member_matrix @ eff
        totals = member_matrix @ (counts * eff[:, None])
        other_known = hidden_count[np.arange(n_keys) ^ 1] == 0
        bad = other_known & np.any((totals > 0) & (totals < min_size), axis=1)
        if not bad.any():
            return np.zeros(0, dtype=np.intp)
        bad &= key_priority == key_priority[bad].min()
        published = ~unknown & ~zero
        rows = bad[key] & published[graph.member]
        picked = _first_per_key(key[rows], size[graph.member[rows]], graph.member[rows])
        # A side with nothing left to withhold: withhold on the other side instead.
        has_candidate = np.zeros(n_keys, dtype=bool)
        has_candidate[key[rows]] = True
        stuck = bad & ~has_candidate
        if stuck.any():
            rows = stuck[key ^ 1] & published[graph.member]
            picked = np.concatenate(
                [picked, _first_per_key(key[rows], size[graph.member[rows]], graph.member[rows])]
            )
        return np.unique(picked)

    distinct = _reduced(counts)
    for _ in range(ne + 2):
        add = rule_a()
        if not len(add):
            add = np.unique(
                np.concatenate(
                    [np.zeros(0, dtype=np.intp)]
                    + [
                        _leaks(graph, unknown, distinct[:, j], size, min_size)
                        for j in range(distinct.shape[1])
                    ]
                )
            )
        if not len(add):
            return unknown
        unknown[add] = True
    raise AssertionError("suppression did not converge")  # pragma: no cover


# --- groups of respondents ---------------------------------------------------------------


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
    def from_respondents(cls, respondents: pd.DataFrame) -> GroupIndex:
        """Index the groups of ``respondents`` (columns ``role``, ``team``, ``department``)."""
        missing = [c for c in ("role", "team") if c not in respondents.columns]
        if missing:
            raise ParameterError(f"respondents: missing column(s) {', '.join(missing)}")
        department = (
            respondents["department"]
            if "department" in respondents.columns
            else pd.Series(np.nan, index=respondents.index, dtype=object)
        )
        role, role_names = _labels(respondents["role"], KNOWN_ROLES)
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


def suppress_breakdown(
    counts: pd.Series | pd.DataFrame, min_group_size: int = DEFAULT_MIN_GROUP_SIZE
) -> pd.Series:
    """Return which children of a published parent group are withheld.

    ``counts`` holds the number of respondents of every child group (index: the group
    labels); a DataFrame holds one column per measure, protected by one pattern. Children
    below ``min_group_size`` are withheld; while the withheld children together hold fewer
    than ``min_group_size`` respondents (and more than none), the smallest published sibling
    is withheld too (ties: the first in ``counts``' order).
    """
    min_group_size = check_min_group_size(min_group_size)
    table = counts.to_frame() if isinstance(counts, pd.Series) else counts
    values = table.to_numpy(dtype=float).reshape(len(table), -1)
    k = len(values)
    # Vertex 0: parent = sum of children; vertex 1: a free end. The parent is published.
    graph = _Graph(
        n_vertices=2,
        tail=np.concatenate([[0], np.ones(k, dtype=np.intp)]).astype(np.intp),
        head=np.concatenate([[1], np.zeros(k, dtype=np.intp)]).astype(np.intp),
        line=np.zeros(k + 1, dtype=np.intp),
        member=np.arange(k + 1, dtype=np.intp),
        side=np.concatenate([[0], np.ones(k, dtype=np.intp)]),
        priority=np.zeros(1, dtype=np.intp),
    )
    parent = np.maximum(values.sum(axis=0), float(min_group_size))
    all_counts = np.vstack([parent[None, :], values])
    unknown = _protect(graph, all_counts, np.zeros(k + 1, dtype=bool), min_group_size)
    small = ((values > 0) & (values < min_group_size)).any(axis=1) | (values == 0).all(axis=1)
    withheld = unknown[1:] | small
    return pd.Series(withheld, index=table.index, name="suppressed")


# --- comments --------------------------------------------------------------------------


def releasable_comments(
    comments: pd.DataFrame,
    respondents: pd.DataFrame,
    *,
    by: str = "team",
    min_comment_group_size: int = DEFAULT_MIN_COMMENT_GROUP_SIZE,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> pd.DataFrame:
    """Return the comments that may be shown, attributed to a group, in a neutral order.

    Parameters
    ----------
    comments:
        Columns ``respondent_id``, ``dimension_id``, ``text``.
    respondents:
        The engagement's respondents (index ``respondent_id``; columns ``role``, ``team``,
        ``department``): a group's size counts all its respondents, with or without comment.
    by:
        One breakdown (``organisation``, ``role``, ``team``, ``department`` or
        ``role,team``). Show comments at one level per report: two levels side by side
        would let a reader tell which comments came from the withheld groups.
    min_comment_group_size:
        Comments of a group with fewer respondents are not released. Default 10; never below
        ``min_group_size``.

    Returns
    -------
    DataFrame with columns ``by``, ``group``, ``dimension_id``, ``text``, sorted by group and
    then by a SHA-256 hash of the text, so the order says nothing about who wrote first.
    Blank comments are dropped; respondent ids are not returned.
    """
    min_group_size = check_min_group_size(min_group_size)
    min_comment_group_size = check_min_group_size(min_comment_group_size, "min_comment_group_size")
    if min_comment_group_size < min_group_size:
        raise ParameterError(
            f"min_comment_group_size: must be at least min_group_size ({min_group_size}), "
            f"got {min_comment_group_size}"
        )
    if not isinstance(by, str):
        raise ParameterError(f"by: one breakdown expected, got {by!r}")
    (kind,) = check_breakdowns(by)
    columns = ["by", "group", "dimension_id", "text"]
    missing = [c for c in ("respondent_id", "dimension_id", "text") if c not in comments.columns]
    if missing:
        raise ParameterError(f"comments: missing column(s) {', '.join(missing)}")
    index = GroupIndex.from_respondents(respondents)
    k = _KINDS.index(kind)
    in_kind = np.flatnonzero(index.kind == k)
    # Group of every respondent under this breakdown, and every group's headcount.
    member = index.membership[in_kind]  # groups of this kind x atoms
    group_of_atom = np.asarray(member.argmax(axis=0)).ravel()
    group_of = group_of_atom[index.atom_of]
    headcount = np.bincount(group_of, minlength=len(in_kind))
    position = pd.Series(np.arange(len(respondents)), index=respondents.index)
    known = comments["respondent_id"].isin(position.index)
    if not known.all():
        unknown_ids = comments.loc[~known, "respondent_id"].astype(str).head(5).tolist()
        raise ParameterError(
            f"comments: respondent_id not among the respondents: {', '.join(unknown_ids)}"
        )
    text = comments["text"].astype("object").where(comments["text"].notna(), "").astype(str)
    keep = text.str.strip() != ""
    rows = position.loc[comments.loc[keep, "respondent_id"]].to_numpy()
    groups = group_of[rows]
    released = headcount[groups] >= min_comment_group_size
    labels = index.groups["group"].to_numpy()[in_kind]
    kept_text = text[keep].to_numpy()[released]
    out = pd.DataFrame(
        {
            "by": kind,
            "group": labels[groups[released]],
            "dimension_id": comments.loc[keep, "dimension_id"].astype(str).to_numpy()[released],
            "text": kept_text,
            "_order": [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in kept_text],
            "_group": groups[released],
        },
        columns=[*columns, "_order", "_group"],
    )
    out = out.sort_values(["_group", "_order", "dimension_id"], kind="stable")
    return out[columns].reset_index(drop=True)
