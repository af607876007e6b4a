"""Consultant actions over the store: scores, waves, portfolio, targets, ratings."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from assessment import (
    MaturityModel,
    ParameterError,
    Store,
    demo_responses,
    list_invites,
)
from assessment._cli._main import cli
from assessment._workbook import (
    compare_portfolio,
    compare_waves,
    create_engagement,
    create_invites,
    engagement_scores,
    invite_teams,
    ratings_against_survey,
    role_places,
    setup_engagement,
    target_plan,
)
from tests.conftest import MINI_MODEL


def _engagement(store: Store, org: str, eid: str, model: MaturityModel, seed: int,
                shift: float = 0.0, on: str = "2026-01-01") -> None:
    if org not in {o.name for o in store.organisations()}:
        store.create_organisation(org)
    store.create_engagement(eid, org, MINI_MODEL.read_text(), wave=eid,
                            on=pd.Timestamp(on).date())
    data = demo_responses(model, seed=seed)
    for item_id, item in model.items.items():  # higher maturity: reverse items go down
        moved = data.answers[item_id] + (-shift if item.reverse else shift)
        data.answers[item_id] = np.rint(np.clip(moved, 1, 5))
    store.add_responses(eid, data, source="test")


def test_scores_are_suppressed_for_the_small_team(store: Store, mini_model: MaturityModel) -> None:
    _engagement(store, "Org", "w1", mini_model, 1)
    table = engagement_scores(store, "w1", by="team")
    tiny = table[table["group"] == "Complaints Desk"]
    assert tiny["suppressed"].all() and tiny["mean"].isna().all() and tiny["n"].isna().all()


def test_waves_compare_in_date_order_and_flag_real_change(
    store: Store, mini_model: MaturityModel
) -> None:
    _engagement(store, "Org", "2025", mini_model, 1, on="2025-06-01")
    _engagement(store, "Org", "2026", mini_model, 2, shift=0.8, on="2026-06-01")
    out = compare_waves(store, "2026")
    org = out[(out["by"] == "organisation") & (out["dimension"] == "culture")].iloc[0]
    assert (org["wave_from"], org["wave_to"]) == ("2025", "2026")
    assert org["change"] > 0.3 and org["significant"]
    assert compare_waves(store, "2025").empty  # nothing before the first wave
    assert [e.id for e in store.waves("2026")] == ["2025", "2026"]
    previous = store.previous_wave("2026")
    assert previous is not None and previous.id == "2025"
    assert store.previous_wave("2025") is None


def test_portfolio_percentile_needs_five_organisations(
    store: Store, mini_model: MaturityModel
) -> None:
    for i in range(4):
        _engagement(store, f"Org {i}", f"e{i}", mini_model, i, shift=0.2 * i)
    assert math.isnan(compare_portfolio(store, "e3").iloc[0]["percentile"])
    _engagement(store, "Org 4", "e4", mini_model, 4, shift=-0.5)
    out = compare_portfolio(store, "e3").set_index("dimension")
    assert out.loc["culture", "organisations"] == 5
    assert out.loc["culture", "percentile"] == 90.0  # highest of five
    assert "mean" not in out.columns  # other organisations' scores never leave


def test_targets_give_gaps_and_a_roadmap(store: Store, mini_model: MaturityModel) -> None:
    _engagement(store, "Org", "w1", mini_model, 1)
    store.set_targets("w1", {"culture": 5, "autonomy": 5})
    gaps, plan = target_plan(store, "w1")
    assert set(gaps["dimension"]) == {"culture", "autonomy"}
    assert plan["dimension"].tolist()[0] == "autonomy"  # weight 2 in the mini model
    assert plan["step"].tolist() == [1, 2]


def test_ratings_sit_beside_the_survey_levels(store: Store, mini_model: MaturityModel) -> None:
    _engagement(store, "Org", "w1", mini_model, 1)
    survey = int(engagement_scores(store, "w1", by="organisation", level="facet")
                 .set_index("facet").loc["latitude", "level"])
    store.set_rating("w1", "latitude", survey, "observed")
    store.set_rating("w1", "customer_first", 1 if survey >= 3 else 5, "observed")
    out = ratings_against_survey(store, "w1").set_index("facet")
    assert out.loc["latitude", "agreement"] == "agree"
    assert out.loc["customer_first", "agreement"] == "disagree"


def test_score_command_json_has_the_documented_fields(
    store: Store, mini_model: MaturityModel
) -> None:
    _engagement(store, "Org", "w1", mini_model, 1)
    result = CliRunner().invoke(
        cli, ["--workspace", str(store.path.parent), "score", "--engagement", "w1",
              "--by", "role,team", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert {"by", "group", "dimension", "n", "mean", "score_100", "level", "suppressed"} <= set(
        records[0]
    )
    hidden = [r for r in records if r["suppressed"]]
    assert hidden and all(r["n"] is None and r["mean"] is None for r in hidden)


# --- set-up, invites and re-runs ------------------------------------------------------------

HARBOUR = pd.DataFrame({
    "team": ["Executive team", "Billing", "Planning"],
    "department": ["Management", "Customer Service", None],
    "headcount": [7, 28, 19],
})


def _harbour(store: Store) -> str:
    setup_engagement(store, "Harbour", "hu", MINI_MODEL.read_text(), teams=HARBOUR)
    return "hu"


def test_a_bad_team_list_leaves_no_engagement_behind(store: Store) -> None:
    bad = pd.DataFrame({"team": ["A", "A"], "department": None, "headcount": [3, 4]})
    with pytest.raises(ParameterError, match="duplicate team 'A'"):
        setup_engagement(store, "Org", "e1", MINI_MODEL.read_text(), teams=bad)
    assert store.engagements() == [] and store.organisations() == []
    store.create_organisation("Org")
    with pytest.raises(ParameterError, match="duplicate team 'A'"):
        create_engagement(store, "e1", "Org", MINI_MODEL.read_text(), teams=bad)
    assert store.engagements() == []


def test_team_codes_are_made_once_and_share_the_headcount_between_roles(
    store: Store, tmp_path: Path
) -> None:
    eid = _harbour(store)
    out = tmp_path / "codes" / "invites.csv"
    first = invite_teams(store, eid, out, executive_teams=["Executive team"])
    assert first.path == out and len(first.made) == 5
    uses = {(i.team, i.role): i.max_uses for i in first.made}
    assert uses == {("Executive team", "executive"): 7, ("Billing", "manager"): 3,
                    ("Billing", "frontline"): 25, ("Planning", "manager"): 2,
                    ("Planning", "frontline"): 17}
    assert "5 codes written to" in first.summary()
    written = out.read_bytes()
    again = invite_teams(store, eid, out, executive_teams=["Executive team"])
    assert again.made == [] and again.path is None and len(again.existing) == 5
    assert "no new codes" in again.summary() and str(out) in again.summary()
    assert out.read_bytes() == written  # the only copy of the codes is never overwritten
    assert list_invites(store, eid)["codes"].sum() == 5
    # A team added later gets its codes in a new file; the first file stays as it was.
    store.set_teams(eid, pd.concat([HARBOUR, pd.DataFrame(
        {"team": ["Field"], "department": [None], "headcount": [12]})], ignore_index=True))
    later = invite_teams(store, eid, out, executive_teams=["Executive team"])
    assert later.path == out.with_name("invites-2.csv") and len(later.made) == 2
    assert out.read_bytes() == written
    out.unlink()
    gone = invite_teams(store, eid, out, executive_teams=["Executive team"])
    assert "not there any more" in gone.summary()


def test_role_places_share_the_headcount_one_manager_place_per_started_ten() -> None:
    assert role_places(28, ["manager", "frontline"]) == {"manager": 3, "frontline": 25}
    assert role_places(30, ["executive", "manager", "frontline"]) == {
        "executive": 3, "manager": 3, "frontline": 24}
    assert role_places(7, ["executive"]) == {"executive": 7}
    assert role_places(0, ["manager", "frontline"]) == {"manager": 1, "frontline": 1}


def test_codes_are_stored_only_when_their_file_is_written(store: Store, tmp_path: Path) -> None:
    eid = _harbour(store)
    with pytest.raises(ParameterError, match=r"\.csv file"):
        create_invites(store, eid, tmp_path / "codes.xlsx", role="frontline", team="Billing")
    (tmp_path / "taken.csv").write_text("earlier codes")
    with pytest.raises(ParameterError, match="already exists"):
        create_invites(store, eid, tmp_path / "taken.csv", role="frontline", team="Billing")
    (tmp_path / "file").write_text("")
    with pytest.raises(ParameterError, match="is a file, not a folder"):
        create_invites(store, eid, tmp_path / "file" / "c.csv", role="frontline", team="Billing")
    with pytest.raises(OSError):  # the folder cannot be made: the write fails
        invite_teams(store, eid, tmp_path / "file" / "c.csv")
    assert list_invites(store, eid).empty
    made = create_invites(store, eid, tmp_path / "ok.csv", role="frontline", team="Billing",
                          uses=28)
    assert len(made) == 1 and list_invites(store, eid)["max_uses"].tolist() == [28]


def test_rerunning_the_set_up_ratings_and_targets_keeps_the_revision(store: Store) -> None:
    eid = _harbour(store)
    store.set_rating(eid, "latitude", 2, "Scripts")
    store.set_targets(eid, {"culture": 4})
    before = store.revision(eid)
    _harbour(store)
    store.set_rating(eid, "latitude", 2, "Scripts")
    store.set_targets(eid, {"culture": 4})
    assert store.revision(eid) == before
    store.set_rating(eid, "latitude", 2, "Scripts, and more")
    assert store.revision(eid) > before


def test_two_engagements_with_one_wave_label_still_compare(
    store: Store, mini_model: MaturityModel
) -> None:
    for eid, seed, shift, on in (("a", 1, 0.0, "2025-06-01"), ("b", 2, 0.8, "2026-06-01")):
        if not store.organisations():
            store.create_organisation("Org")
        store.create_engagement(eid, "Org", MINI_MODEL.read_text(), wave="Q4",
                                on=pd.Timestamp(on).date())
        data = demo_responses(mini_model, seed=seed)
        data.answers[:] = np.clip(data.answers + shift, 1, 5)
        store.add_responses(eid, data, source="test")
    out = compare_waves(store, "b")
    assert not out.empty
    assert set(zip(out["wave_from"], out["wave_to"], strict=True)) == {("Q4 (a)", "Q4 (b)")}


def test_comparing_an_engagement_without_responses_says_why_instead_of_failing(
    store: Store, engagement: str
) -> None:
    out = compare_portfolio(store, engagement)
    assert out["percentile"].isna().all() and len(out) == 3  # 2 dimensions and overall
    assert out["note"].str.startswith("no score for this organisation").all()


def test_a_not_applicable_rating_is_told_apart_from_no_rating(
    store: Store, engagement: str
) -> None:
    store.set_rating(engagement, "latitude", None, "Not observed")
    out = ratings_against_survey(store, engagement).set_index("facet")
    assert out.loc["latitude", "consultant_na"]
    assert not out.loc["customer_first", "consultant_na"]
