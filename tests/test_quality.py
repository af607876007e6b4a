"""Data quality: each flag on a hand-made frame, and exclusions leaving scores and exports right."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assessment import (
    ImportValidationError,
    MaturityModel,
    NotFoundError,
    ParameterError,
    ResponseSet,
    Store,
    export_responses,
    read_responses,
)
from assessment._scoring._quality import quality_flags


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


def test_too_fast_comes_from_the_durations_stored_with_the_responses(
    store: Store, engagement: str, mini_model: MaturityModel, tmp_path: Path
) -> None:
    data = _set(mini_model, {"quick": [4, 2, 4, 3, 4, 4, 4], "calm": [2, 4, 2, 4, 3, 2, 3],
                             "imported": [3, 4, 2, 3, 4, 4, 5]})
    data.respondents["duration_seconds"] = [5.0, 240.0, np.nan]
    store.add_responses(engagement, data, source="test")
    stored = store.responses(engagement)
    assert stored.respondents["duration_seconds"].tolist()[:2] == [5.0, 240.0]
    flags = quality_flags(stored, mini_model)  # no durations passed: the stored ones count
    assert flags["too_fast"].to_dict() == {"quick": True, "calm": False, "imported": False}
    # The durations travel through an export and back.
    path = export_responses(store, engagement, tmp_path / "out.csv")
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[-1] == "duration_seconds"
    back = read_responses(path, mini_model)
    assert back.respondents["duration_seconds"].tolist()[:2] == [5.0, 240.0]
    assert np.isnan(back.respondents["duration_seconds"].iloc[2])


def test_a_response_file_may_give_durations_and_bad_ones_are_named(
    mini_model: MaturityModel, tmp_path: Path
) -> None:
    good = tmp_path / "timed.csv"
    good.write_text("respondent_id,role,team,cul_1,duration_seconds\n"
                    "a,frontline,T,4,95\nb,manager,T,3,\n")
    assert read_responses(good, mini_model).respondents["duration_seconds"].tolist()[0] == 95.0
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent_id,role,team,cul_1,duration_seconds\n"
                   "a,frontline,T,4,-5\nb,manager,T,3,1.5\n")
    with pytest.raises(ImportValidationError) as err:
        read_responses(bad, mini_model)
    assert err.value.problems == [
        "row 2, column 'duration_seconds': off the 0-2592000 scale (got '-5')",
        "row 3, column 'duration_seconds': not a whole number, blank or NA (got '1.5')",
    ]
    untimed = tmp_path / "untimed.csv"
    untimed.write_text("respondent_id,role,team,cul_1\na,frontline,T,4\n")
    assert read_responses(untimed, mini_model).respondents["duration_seconds"].isna().all()
