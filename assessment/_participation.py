"""Participation during fieldwork: responses per team and role against headcount.

This is the consultant's monitor, not a client report: it shows response counts (never
answers) so the consultant can chase low-response teams before the survey closes. It flags
teams under :data:`LOW_RESPONSE` of their headcount, and groups that would be withheld from
reports at the current count (fewer respondents than the engagement's minimum group size).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LOW_RESPONSE", "participation"]

#: A response rate under this share of the headcount is flagged as low.
LOW_RESPONSE = 0.6


def participation(
    respondents: pd.DataFrame, teams: pd.DataFrame, min_group_size: int
) -> pd.DataFrame:
    """Return one row per team (and per role, ``by='role'``) with counts, rates and flags.

    Parameters
    ----------
    respondents:
        ``ResponseSet.respondents`` (columns ``role`` and ``team``).
    teams:
        ``Store.teams()``: ``team``, ``department``, ``headcount`` (may be empty).
    min_group_size:
        The engagement's minimum reporting group size.
    """
    counts = respondents.groupby("team").size().rename("responses")
    frame = teams.set_index("team")[["headcount"]].join(counts, how="outer")
    frame["responses"] = frame["responses"].fillna(0).astype(int)
    headcount = frame["headcount"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(headcount > 0, frame["responses"].to_numpy() / headcount, np.nan)
    frame["rate"] = np.round(rate, 3)
    frame["low_response"] = rate < LOW_RESPONSE
    frame["will_be_suppressed"] = frame["responses"] < min_group_size
    unlisted = frame["headcount"].isna()
    frame["note"] = np.where(unlisted, "team not in the engagement's team list", "")
    by_team = frame.reset_index().rename(columns={"index": "team"})
    by_team.insert(0, "by", "team")
    roles = respondents.groupby("role").size().rename("responses").reset_index()
    roles = roles.rename(columns={"role": "team"})
    roles.insert(0, "by", "role")
    roles["headcount"] = np.nan
    roles["rate"] = np.nan
    roles["low_response"] = False
    roles["will_be_suppressed"] = roles["responses"] < min_group_size
    roles["note"] = ""
    out = pd.concat([by_team, roles[by_team.columns]], ignore_index=True)
    out = out.rename(columns={"team": "group"})
    out["headcount"] = out["headcount"].astype("Int64")
    return out
