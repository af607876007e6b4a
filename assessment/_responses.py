"""The in-memory form of an engagement's responses, shared by the store, files and scoring."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["DURATION", "MAX_DURATION_SECONDS", "ResponseSet", "assemble_responses"]

#: The respondents' column with the seconds each took (NaN when unknown, e.g. imports).
DURATION = "duration_seconds"
#: The longest duration a response file may give (30 days).
MAX_DURATION_SECONDS = 30 * 24 * 3600


@dataclass
class ResponseSet:
    """Responses of one engagement, as frames aligned on ``respondent_id``.

    - ``respondents``: index ``respondent_id`` (str); columns ``role``, ``team``,
      ``department`` (may be missing), ``recommend`` (0-10 as float, NaN when unanswered)
      and ``duration_seconds`` (time spent in the form, as float; NaN when unknown, and
      added as NaN when the given frame lacks it).
    - ``answers``: same index; one float column per question id (dimension items, then
      outcome items), raw 1-5 values as answered; NaN when missing *or* not applicable.
    - ``not_applicable``: same shape as ``answers``; True where the answer was "not applicable".
    - ``comments``: columns ``respondent_id``, ``dimension_id``, ``text``.
    """

    respondents: pd.DataFrame
    answers: pd.DataFrame
    not_applicable: pd.DataFrame
    comments: pd.DataFrame

    def __post_init__(self) -> None:
        if DURATION not in self.respondents.columns:
            self.respondents = self.respondents.assign(**{DURATION: np.nan})

    def __len__(self) -> int:
        return len(self.respondents)

    @classmethod
    def empty(cls, question_ids: list[str]) -> ResponseSet:
        """Return a set with no respondents and the given question columns."""
        index = pd.Index([], dtype=str, name="respondent_id")
        respondents = pd.DataFrame(
            {"role": pd.Series(dtype=str), "team": pd.Series(dtype=str),
             "department": pd.Series(dtype=object), "recommend": pd.Series(dtype=float),
             DURATION: pd.Series(dtype=float)},
            index=index,
        )
        answers = pd.DataFrame({q: pd.Series(dtype=float) for q in question_ids}, index=index)
        na = pd.DataFrame({q: pd.Series(dtype=bool) for q in question_ids}, index=index)
        comments = pd.DataFrame({"respondent_id": [], "dimension_id": [], "text": []}, dtype=str)
        return cls(respondents, answers, na, comments)


def assemble_responses(
    keys: Sequence[Any],
    roles: Sequence[Any],
    teams: Sequence[Any],
    departments: Sequence[Any],
    recommend: Sequence[Any],
    seconds: Sequence[Any],
    values: np.ndarray,
    na: np.ndarray,
    comments: pd.DataFrame,
    questions: Sequence[str],
) -> ResponseSet:
    """Build a :class:`ResponseSet` from its columns (departments: None when missing)."""
    index = pd.Index(keys, name="respondent_id", dtype=object).astype(str)
    respondents = pd.DataFrame(
        {
            "role": np.asarray(roles, dtype=object).astype(str),
            "team": np.asarray(teams, dtype=object).astype(str),
            "department": np.asarray(departments, dtype=object),
            "recommend": np.asarray(recommend, dtype=float),
            DURATION: np.asarray(seconds, dtype=float),
        },
        index=index,
    )
    columns = pd.Index(list(questions))
    return ResponseSet(
        respondents,
        pd.DataFrame(values, index=index, columns=columns),
        pd.DataFrame(na, index=index, columns=columns),
        comments.astype(str),
    )
