"""Data quality of responses: incomplete, straight-lined, too fast and duplicated submissions.

Pure functions on a :class:`ResponseSet`; the consultant decides what to exclude, and the
store records the reason (:meth:`Store.exclude`). Rules:

- **incomplete**: fewer than half of the dimension items answered (not-applicable counts as
  answered: it is a deliberate answer);
- **straight-lining**: at least ``min_items`` dimension items answered and every one of them
  with the same raw value. Because some items are reverse-coded, the same raw answer to all
  of them is inconsistent by construction;
- **too fast**: when a duration is known, under ``seconds_per_item`` per answered item. The
  form records each submission's time (``duration_seconds``: page times summed, each page
  capped, rounded to 10 s); imported responses have one only if their file gives it;
- **duplicate**: the same answers (values and not-applicable marks, over all questions) as an
  earlier respondent, with at least half the items answered.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._model._schema import MaturityModel
from .._responses import DURATION, ResponseSet

__all__ = ["QUALITY_FLAGS", "quality_flags"]

QUALITY_FLAGS = ("incomplete", "straight_lining", "too_fast", "duplicate")


def quality_flags(
    data: ResponseSet,
    model: MaturityModel,
    *,
    durations: pd.Series | None = None,
    min_items: int = 10,
    seconds_per_item: float = 1.5,
) -> pd.DataFrame:
    """Return one row per respondent: ``answered`` (share), a column per flag, and ``flags``.

    Parameters
    ----------
    data:
        The engagement's responses.
    model:
        The model they were collected with.
    durations:
        Seconds each respondent took, indexed by respondent id; default: the respondents'
        ``duration_seconds`` (recorded by the form). Missing durations never raise the
        ``too_fast`` flag.
    min_items:
        The fewest answered items that make a run of identical answers suspicious.
    seconds_per_item:
        Below this many seconds per answered item a submission is flagged as too fast.
    """
    items = list(model.items)
    values = data.answers.reindex(columns=items).to_numpy(dtype=float)
    na = data.not_applicable.reindex(columns=items, fill_value=False).to_numpy(dtype=bool)
    scored = ~np.isnan(values)
    answered = (scored | na).sum(axis=1)
    share = answered / max(len(items), 1)

    counts = scored.sum(axis=1)
    lo = np.where(scored, values, np.inf).min(axis=1)
    hi = np.where(scored, values, -np.inf).max(axis=1)
    straight = (counts >= min_items) & (lo == hi)

    if durations is None:
        durations = data.respondents[DURATION]
    seconds = durations.reindex(data.answers.index).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        too_fast = seconds < seconds_per_item * np.maximum(answered, 1)

    every = data.answers.reindex(columns=model.question_ids)
    marks = data.not_applicable.reindex(columns=model.question_ids, fill_value=False)
    signature = every.fillna(-1).where(~marks, -2)
    duplicate = signature.duplicated(keep="first").to_numpy() & (share >= 0.5)

    frame = pd.DataFrame(
        {
            "role": data.respondents["role"].to_numpy(),
            "team": data.respondents["team"].to_numpy(),
            "answered": np.round(share, 3),
            "incomplete": share < 0.5,
            "straight_lining": straight,
            "too_fast": too_fast,
            "duplicate": duplicate,
        },
        index=data.answers.index,
    )
    flag_matrix = frame[list(QUALITY_FLAGS)].to_numpy()
    frame["flags"] = [
        ", ".join(f for f, on in zip(QUALITY_FLAGS, row, strict=True) if on) for row in flag_matrix
    ]
    return frame
