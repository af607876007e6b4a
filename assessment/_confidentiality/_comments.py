"""Release of comments: only for groups of at least the comment minimum, in a neutral order.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from .._exceptions import ParameterError
from ._groups import _KINDS, GroupIndex, check_breakdowns
from ._thresholds import (
    DEFAULT_MIN_COMMENT_GROUP_SIZE,
    DEFAULT_MIN_GROUP_SIZE,
    check_min_group_size,
)

__all__ = ["releasable_comments"]

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
