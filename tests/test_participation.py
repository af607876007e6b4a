"""Participation: rates against headcount, low-response and would-be-suppressed flags."""

from __future__ import annotations

import pandas as pd

from assessment._participation import participation


def test_rates_and_flags_per_team_and_role() -> None:
    respondents = pd.DataFrame(
        {"role": ["frontline"] * 9 + ["manager"] * 2 + ["frontline"],
         "team": ["A"] * 7 + ["B"] * 4 + ["C"]}
    )
    teams = pd.DataFrame({"team": ["A", "B", "D"], "department": None, "headcount": [10, 4, 6]})
    out = participation(respondents, teams, min_group_size=5).set_index(["by", "group"])
    assert out.loc[("team", "A"), ["responses", "rate", "low_response", "will_be_suppressed"]
                   ].tolist() == [7, 0.7, False, False]
    assert out.loc[("team", "B"), "will_be_suppressed"]  # 4 of 4, but under 5
    assert out.loc[("team", "D"), "responses"] == 0 and out.loc[("team", "D"), "low_response"]
    assert out.loc[("team", "C"), "note"] == "team not in the engagement's team list"
    assert out.loc[("role", "manager"), "will_be_suppressed"]
    assert out.loc[("role", "frontline"), "responses"] == 10
