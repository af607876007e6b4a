"""Participation during fieldwork: responses per group against headcount.

This is the consultant's monitor, not a client report: it shows response counts (never
answers) so the consultant can chase low-response groups before the survey closes. It flags
groups under :data:`LOW_RESPONSE` of their headcount, and groups the reports would withhold
at the current count. That verdict comes from the reports' own rule (:func:`publication`
over every breakdown, complementary suppression included), so a group that is large enough
but would let a smaller one be worked out is flagged too.

Headcounts come from the team list (a ``headcount`` per team), so role and role x team rows
show responses and suppression but no rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._confidentiality._groups import BREAKDOWNS, NOT_GIVEN
from .._confidentiality._publication import publication
from .._model._schema import MaturityModel
from .._responses import ResponseSet

__all__ = ["LOW_RESPONSE", "participation"]

#: A response rate under this share of the headcount is flagged as low.
LOW_RESPONSE = 0.6

COLUMNS = ["by", "group", "headcount", "responses", "rate", "low_response",
           "will_be_suppressed", "note"]
_KEYS = {"organisation": [], "role": ["role"], "team": ["team"], "department": ["department"],
         "role,team": ["role", "team"]}


def _label(values: pd.Series) -> pd.Series:
    return values.astype("object").where(values.notna(), NOT_GIVEN).astype(str)


def _headcounts(teams: pd.DataFrame) -> dict[tuple[str, tuple[str, ...]], int]:
    """Headcount per (breakdown, key) that the team list supports."""
    out: dict[tuple[str, tuple[str, ...]], int] = {}
    if teams.empty:
        return out
    listed = teams.assign(team=teams["team"].astype(str))
    out[("organisation", ())] = int(listed["headcount"].sum())
    for team, count in zip(listed["team"], listed["headcount"], strict=True):
        out[("team", (team,))] = int(count)
    if "department" in listed and listed["department"].notna().any():
        for dept, count in listed.groupby(_label(listed["department"]))["headcount"].sum().items():
            out[("department", (str(dept),))] = int(count)
    return out


def participation(
    model: MaturityModel, responses: ResponseSet, teams: pd.DataFrame, min_group_size: int
) -> pd.DataFrame:
    """Return one row per group of every report breakdown, with counts, rates and flags.

    Parameters
    ----------
    model:
        The engagement's model (the suppression rule scores answers to decide).
    responses:
        ``Store.responses()``: the respondents included in reports, with their answers.
    teams:
        ``Store.teams()``: ``team``, ``department``, ``headcount`` (may be empty).
    min_group_size:
        The engagement's minimum reporting group size.

    Returns
    -------
    Columns ``by`` (organisation, role, team, department, role,team), ``group``,
    ``headcount`` (missing when the team list does not give it), ``responses``, ``rate``,
    ``low_response`` (rate under 60%; missing without a headcount), ``will_be_suppressed``
    (the reports would withhold the group now) and ``note`` (why, and other remarks).
    Listed teams (and their departments) without a response appear with 0.
    """
    pub = publication(model, responses.respondents, responses.answers,
                      min_group_size=min_group_size)
    groups = pub.index.groups.assign(responses=pub.headcount.astype(int),
                                     suppressed=pub.withheld)
    headcount = _headcounts(teams)
    # Without any department, the department breakdown is the organisation again: left out.
    has_departments = bool(
        ((groups["by"] == "department") & (groups["group"] != NOT_GIVEN)).any()
    ) or bool("department" in teams and teams["department"].notna().any())
    rows: list[dict[str, object]] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for kind in BREAKDOWNS:
        if kind == "department" and not has_departments:
            continue
        for row in groups[groups["by"] == kind].to_dict("records"):
            key = tuple(str(row[c]) for c in _KEYS[kind])
            seen.add((kind, key))
            rows.append(_row(kind, str(row["group"]), headcount.get((kind, key)),
                             int(row["responses"]), bool(row["suppressed"]), min_group_size))
        for (hk, key), count in headcount.items():
            if hk == kind and (kind, key) not in seen:  # listed, but nobody answered yet
                group = "all" if kind == "organisation" else " / ".join(key)
                rows.append(_row(kind, group, count, 0, True, min_group_size))
                seen.add((kind, key))
    return pd.DataFrame(rows, columns=COLUMNS).astype(
        {"headcount": "Int64", "responses": int, "rate": float, "low_response": "boolean",
         "will_be_suppressed": bool}
    )


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _row(
    kind: str, group: str, headcount: int | None, responses: int, suppressed: bool, k: int
) -> dict[str, object]:
    rate = responses / headcount if headcount else np.nan
    notes = []
    if kind == "team" and headcount is None:
        notes.append("team not in the engagement's team list")
    if suppressed:
        notes.append(f"fewer than {k} respondents" if responses < k
                     else "withheld so that a smaller group cannot be worked out")
    if headcount is not None and responses > headcount:
        notes.append("more responses than the headcount")
    return {
        "by": kind,
        "group": group,
        "headcount": headcount,
        "responses": responses,
        "rate": round(rate, 3) if not np.isnan(rate) else np.nan,
        "low_response": None if np.isnan(rate) else bool(rate < LOW_RESPONSE),
        "will_be_suppressed": suppressed,
        "note": _join(*notes),
    }
