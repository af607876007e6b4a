"""Data quality: each flag on a hand-made frame, and exclusions leaving scores and exports right."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment import MaturityModel, NotFoundError, ParameterError, ResponseSet, Store
from assessment._quality import quality_flags


def _set(model: MaturityModel, rows: dict[str, list[float]]) -> ResponseSet:
    questions = model.question_ids
    index = pd.Index(list(rows), name="respondent_id")
    answers = pd.DataFrame(
        [row + [np.nan] * (len(questions) - len(row)) for row in rows.values()],
        index=index, columns=questions,
    )
    respondents = pd.DataFrame(
        {"role": "frontline", "team": "T", "department": None, "recommend": np.nan}, index=index
    )
    na = pd.DataFrame(False, index=index, columns=questions)
    comments = pd.DataFrame(columns=["respondent_id", "dimension_id", "text"])
    return ResponseSet(respondents, answers, na, comments)


def test_each_flag_is_raised_by_its_own_pattern(mini_model: MaturityModel) -> None:
    data = _set(
        mini_model,
        {
            "ok": [4, 2, 4, 3, 4, 4, 4],
            "copy": [4, 2, 4, 3, 4, 4, 4],
            "same": [3, 3, 3, 3, 3, 3, 3],
            "sparse": [4, np.nan, np.nan, np.nan, 5],
        },
    )
    data.not_applicable.loc["ok", "cul_3"] = True
    data.answers.loc["ok", "cul_3"] = np.nan
    flags = quality_flags(data, mini_model, min_items=5,
                          durations=pd.Series({"ok": 300.0, "copy": 4.0}))
    assert flags.loc["ok", "flags"] == ""
    assert flags.loc["ok", "answered"] == 1.0  # not applicable is an answer
    assert flags.loc["copy", "flags"] == "too_fast"  # differs from 'ok' by its n/a mark
    assert flags.loc["same", "flags"] == "straight_lining"
    assert flags.loc["sparse", "flags"] == "incomplete"
    assert not flags.loc["same", "too_fast"]  # no duration known: never too fast


def test_identical_submissions_are_flagged_after_the_first(mini_model: MaturityModel) -> None:
    data = _set(mini_model, {"a": [4, 2, 4, 3, 4, 4, 4], "b": [4, 2, 4, 3, 4, 4, 4]})
    flags = quality_flags(data, mini_model)
    assert flags["duplicate"].tolist() == [False, True]


def test_excluded_respondents_leave_scores_but_stay_in_exports(
    store: Store, engagement: str, mini_model: MaturityModel
) -> None:
    from assessment import demo_responses

    data = demo_responses(mini_model)
    store.add_responses(engagement, data, source="test")
    victim = str(data.respondents.index[5])
    store.exclude(engagement, victim, "straight-lining, confirmed with the client")
    assert victim not in store.responses(engagement).respondents.index
    assert victim in store.responses(engagement, include_excluded=True).respondents.index
    assert store.exclusions(engagement)["reason"].tolist() == [
        "straight-lining, confirmed with the client"
    ]
    store.include(engagement, victim)
    assert store.exclusions(engagement).empty
    with pytest.raises(ParameterError, match="say why"):
        store.exclude(engagement, victim, "  ")
    with pytest.raises(NotFoundError, match="no respondent 'nobody'"):
        store.exclude(engagement, "nobody", "x")
