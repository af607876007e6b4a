"""The anonymity engine: complementary suppression, so nothing below the minimum can be derived.

The rules (``docs/scoring.md`` has the algorithm, its guarantee and a worked example):

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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from ._thresholds import (
    DEFAULT_MIN_GROUP_SIZE,
    check_min_group_size,
)

__all__ = ["suppress_breakdown"]

IntArray = npt.NDArray[np.intp]


BoolArray = npt.NDArray[np.bool_]


FloatArray = npt.NDArray[np.float64]


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
