"""The in-memory form of an engagement's responses, shared by the store, files and scoring."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["RESPONDENT_COLUMNS", "ResponseSet"]

#: Columns of ``ResponseSet.respondents``, indexed by ``respondent_id``.
RESPONDENT_COLUMNS = ("role", "team", "department", "recommend")


@dataclass
class ResponseSet:
    """Responses of one engagement, as frames aligned on ``respondent_id``.

    - ``respondents``: index ``respondent_id`` (str); columns ``role``, ``team``,
      ``department`` (may be missing) and ``recommend`` (0-10 as float, NaN when unanswered).
    - ``answers``: same index; one float column per question id (dimension items, then
      outcome items), raw 1-5 values as answered; NaN when missing *or* not applicable.
    - ``not_applicable``: same shape as ``answers``; True where the answer was "not applicable".
    - ``comments``: columns ``respondent_id``, ``dimension_id``, ``text``.
    """

    respondents: pd.DataFrame
    answers: pd.DataFrame
    not_applicable: pd.DataFrame
    comments: pd.DataFrame

    def __len__(self) -> int:
        return len(self.respondents)

    @classmethod
    def empty(cls, question_ids: list[str]) -> ResponseSet:
        """Return a set with no respondents and the given question columns."""
        index = pd.Index([], dtype=str, name="respondent_id")
        respondents = pd.DataFrame(
            {"role": pd.Series(dtype=str), "team": pd.Series(dtype=str),
             "department": pd.Series(dtype=object), "recommend": pd.Series(dtype=float)},
            index=index,
        )
        answers = pd.DataFrame({q: pd.Series(dtype=float) for q in question_ids}, index=index)
        na = pd.DataFrame({q: pd.Series(dtype=bool) for q in question_ids}, index=index)
        comments = pd.DataFrame({"respondent_id": [], "dimension_id": [], "text": []}, dtype=str)
        return cls(respondents, answers, na, comments)
