"""Participation: rates against headcount, and the reports' own suppression, per group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assessment import MaturityModel, ResponseSet
from assessment._confidentiality._groups import BREAKDOWNS
from assessment._confidentiality._publication import publication
from assessment._scoring._participation import participation
from assessment._scoring._scores import score_breakdown


def _responses(model: MaturityModel, people: list[tuple[str, str, int]]) -> ResponseSet:
    """``people``: (role, team, how many); everyone answers every item."""
    rows = [(role, team) for role, team, n in people for _ in range(n)]
    index = pd.Index([f"r{i}" for i in range(len(rows))], name="respondent_id")
    respondents = pd.DataFrame(rows, columns=["role", "team"], index=index)
    respondents["department"] = None
    respondents["recommend"] = np.nan
    questions = model.question_ids
    rng = np.random.default_rng(0)
    answers = pd.DataFrame(rng.integers(1, 6, size=(len(rows), len(questions))).astype(float),
                           index=index, columns=questions)
    na = pd.DataFrame(False, index=index, columns=questions)
    return ResponseSet(respondents, answers, na,
                       pd.DataFrame(columns=["respondent_id", "dimension_id", "text"]))


TEAMS = pd.DataFrame({"team": ["A", "B", "D"], "department": None, "headcount": [10, 12, 6]})


def test_a_large_cell_that_would_give_away_a_small_one_is_flagged_as_suppressed(
    mini_model: MaturityModel,
) -> None:
    # Team A: 2 managers and 6 frontline. Publishing frontline/A (6) and team A (8) would
    # give away the 2 managers by subtraction, so the reports withhold frontline/A too.
    data = _responses(mini_model, [("manager", "A", 2), ("frontline", "A", 6),
                                   ("manager", "B", 5), ("frontline", "B", 6)])
    out = participation(mini_model, data, TEAMS, min_group_size=5).set_index(["by", "group"])
    cell = out.loc[("role,team", "frontline / A")]
    assert cell["responses"] == 6 and cell["will_be_suppressed"]
    assert "smaller group" in cell["note"]
    assert out.loc[("role,team", "manager / A"), "note"] == "fewer than 5 respondents"
    # Every verdict is the reports' own: the headcounts the batch publishes units by, and
    # the overall rows of the score table.
    pub = publication(mini_model, data.respondents, data.answers, min_group_size=5)
    heads = pub.headcounts()
    heads = heads[heads["by"] != "department"].set_index(["by", "group"])["suppressed"]
    assert out.loc[heads.index, "will_be_suppressed"].tolist() == heads.tolist()
    table = score_breakdown(mini_model, data.respondents, data.answers, by=BREAKDOWNS,
                            min_group_size=5)
    shown = (table["dimension"] == "overall") & (table["by"] != "department")  # none given
    reports = table[shown].set_index(["by", "group"])["suppressed"]
    assert out.loc[reports.index, "will_be_suppressed"].tolist() == reports.tolist()


def test_rates_against_the_team_list_flag_low_response_and_list_silent_teams(
    mini_model: MaturityModel,
) -> None:
    data = _responses(mini_model, [("frontline", "A", 7), ("frontline", "B", 6),
                                   ("manager", "B", 1), ("frontline", "C", 1)])
    out = participation(mini_model, data, TEAMS, min_group_size=5).set_index(["by", "group"])
    a, b, d = (out.loc[("team", t)] for t in "ABD")
    assert (a["headcount"], a["responses"], a["rate"], a["low_response"]) == (10, 7, 0.7, False)
    assert (b["rate"], b["low_response"]) == (0.583, True)  # 7 of 12: under 60%
    assert (d["responses"], d["low_response"], d["will_be_suppressed"]) == (0, True, True)
    assert out.loc[("team", "C"), "note"].startswith("team not in the engagement's team list")
    assert pd.isna(out.loc[("team", "C"), "headcount"])
    org = out.loc[("organisation", "all")]
    assert (org["headcount"], org["responses"]) == (28, 15)
    # The team list has no headcount per role: roles and cells have counts but no rate.
    assert out.loc[("role", "frontline"), "responses"] == 14
    assert pd.isna(out.loc[("role", "frontline"), "rate"])
    assert pd.isna(out.loc[("role,team", "frontline / A"), "low_response"])


def test_role_rows_have_no_headcount_and_silent_cells_are_not_listed(
    mini_model: MaturityModel,
) -> None:
    # Columns beyond the team list's own (headcount per role) are not read.
    teams = TEAMS.assign(headcount_manager=[2, 2, 1], headcount_frontline=[8, 10, 5])
    data = _responses(mini_model, [("manager", "A", 2), ("frontline", "A", 4)])
    out = participation(mini_model, data, teams, min_group_size=5).set_index(["by", "group"])
    cell = out.loc[("role,team", "frontline / A")]
    assert pd.isna(cell["headcount"]) and pd.isna(cell["rate"]) and pd.isna(cell["low_response"])
    assert cell["responses"] == 4
    manager = out.loc[("role", "manager")]
    assert pd.isna(manager["headcount"]) and manager["responses"] == 2
    assert ("role,team", "frontline / D") not in out.index  # only listed groups show 0
    silent = out.loc[("team", "D")]
    assert (silent["headcount"], silent["responses"], silent["will_be_suppressed"]) == (6, 0, True)


def test_before_any_response_every_listed_group_shows_zero_and_suppressed(
    mini_model: MaturityModel,
) -> None:
    out = participation(mini_model, ResponseSet.empty(mini_model.question_ids), TEAMS, 5)
    assert set(out["by"]) == {"organisation", "team"}
    assert (out["responses"] == 0).all() and out["will_be_suppressed"].all()
    assert out["low_response"].all()
