"""The demo organisation: deterministic, and showing the patterns the analysis must reveal."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from assessment import (
    MaturityModel,
    Store,
    Workspace,
    build_demo,
    demo_responses,
    generate_frames,
)
from assessment._demo import DEMO_ENGAGEMENT, DEMO_PREVIOUS_ENGAGEMENT, earlier_model_source
from assessment._report._tables import engagement_tables
from tests.conftest import ROOT, SHIPPED_MODEL


def _dimension_means(model: MaturityModel, answers: pd.DataFrame) -> pd.Series:
    items = answers[list(model.items)]
    reverse = [i for i, item in model.items.items() if item.reverse]
    items = items.copy()
    items[reverse] = 6 - items[reverse]
    return items.mean(axis=1)


def test_demo_is_deterministic(shipped_model: MaturityModel) -> None:
    a, b = demo_responses(shipped_model), demo_responses(shipped_model)
    assert a.respondents.equals(b.respondents) and a.answers.equals(b.answers)
    assert not demo_responses(shipped_model, seed=1).answers.equals(a.answers)


def test_demo_has_three_layers_eight_teams_and_about_250_people(
    shipped_model: MaturityModel,
) -> None:
    data = demo_responses(shipped_model)
    assert 230 <= len(data) <= 270
    assert set(data.respondents["role"]) == {"executive", "manager", "frontline"}
    teams = data.respondents.loc[data.respondents["role"] != "executive", "team"].nunique()
    assert teams == 8
    sizes = data.respondents.groupby("team").size()
    assert sizes.min() < 5  # one team under the default minimum group size


def test_demo_executives_see_a_rosier_picture_than_the_frontline(
    shipped_model: MaturityModel,
) -> None:
    data = demo_responses(shipped_model)
    mean = _dimension_means(shipped_model, data.answers).groupby(data.respondents["role"]).mean()
    assert mean["executive"] - mean["frontline"] > 0.6
    assert mean["executive"] > mean["manager"] > mean["frontline"]


def test_demo_has_one_strong_and_one_struggling_team(shipped_model: MaturityModel) -> None:
    data = demo_responses(shipped_model)
    front = data.respondents["role"] == "frontline"
    by_team = _dimension_means(shipped_model, data.answers)[front].groupby(
        data.respondents.loc[front, "team"]
    ).mean()
    big = by_team[data.respondents[front].groupby("team").size() >= 10]
    assert big.idxmax() == "Customer Care Amsterdam"
    assert big.idxmin() == "Billing Support"


def test_demo_has_missing_and_not_applicable_answers_and_comments_in_four_languages(
    shipped_model: MaturityModel,
) -> None:
    data = demo_responses(shipped_model)
    assert data.not_applicable.to_numpy().sum() > 0
    assert (data.answers.isna() & ~data.not_applicable).to_numpy().sum() > 0
    texts = " ".join(data.comments["text"])
    assert "shift" in texts and "klant" in texts and "клиент" in texts and "керівництва" in texts
    assert set(data.comments["dimension_id"]) <= {d.id for d in shipped_model.dimensions}


def test_build_demo_is_idempotent(store: Store) -> None:
    source = SHIPPED_MODEL.read_text(encoding="utf-8")
    build_demo(store, source)
    n = store.count_respondents(DEMO_ENGAGEMENT)
    build_demo(store, source)
    assert store.count_respondents(DEMO_ENGAGEMENT) == n > 200


def test_generate_frames_scales_and_follows_the_input_contract(
    shipped_model: MaturityModel,
) -> None:
    respondents, answers, comments = generate_frames(shipped_model, 5000, seed=3)
    assert len(respondents) == len(answers) == 5000
    assert respondents.index.is_unique and respondents.index.equals(answers.index)
    assert list(answers.columns) == shipped_model.question_ids
    values = answers.to_numpy()
    assert set(pd.unique(values[~pd.isna(values)])) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert comments.empty


def test_demo_has_a_team_list_and_targets(demo_workspace: Workspace) -> None:
    with demo_workspace.store() as store:  # the session's demo, as build_demo made it
        teams = store.teams(DEMO_ENGAGEMENT).set_index("team")
        counts = store.responses(DEMO_ENGAGEMENT).respondents.groupby("team").size()
        assert (teams.loc[counts.index, "headcount"] >= counts).all()
        assert teams.loc["Billing Support", "headcount"] * 0.6 > counts["Billing Support"]
        assert store.targets(DEMO_ENGAGEMENT) == {
            "culture": 4, "leadership": 4, "coaching": 3, "autonomy": 4
        }


KILLED_BUILD = """
import os, signal, sys
from assessment import Store, build_demo
from assessment._store._store import Store as S

def die(*args, **kwargs):  # the last write of the build: the process is killed here
    os.kill(os.getpid(), signal.SIGKILL)

S.set_targets = die
with Store(sys.argv[1]) as store:
    build_demo(store, open(sys.argv[2], encoding="utf-8").read())
"""


@pytest.mark.slow
def test_a_build_killed_halfway_leaves_nothing_and_the_next_one_completes(
    store: Store, tmp_path: Path
) -> None:
    script = tmp_path / "killed.py"
    script.write_text(KILLED_BUILD)
    proc = subprocess.run([sys.executable, str(script), str(store.path), str(SHIPPED_MODEL)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with Store(store.path) as after:
        assert after.integrity_check() == "ok"
        assert after.engagements() == [] and after.organisations() == []
    build_demo(store, SHIPPED_MODEL.read_text(encoding="utf-8"))
    assert store.count_respondents(DEMO_ENGAGEMENT) > 200
    assert len(store.teams(DEMO_ENGAGEMENT)) == 9 and store.targets(DEMO_ENGAGEMENT)


#: SHA-256 of the shipped model 1.3 as it was released (before 1.4 reworded one item).
MODEL_1_3 = "d5c45b5512f549a81464d47b26ae3fc220f2e3002e5cfb41d64f0d4dbc95561a"


def test_the_earlier_wave_runs_on_the_released_model_1_3_byte_for_byte() -> None:
    source = earlier_model_source(SHIPPED_MODEL.read_text(encoding="utf-8"))
    assert hashlib.sha256(source.encode()).hexdigest() == MODEL_1_3
    assert earlier_model_source("id: other\n") == "id: other\n"  # another model: itself


def test_the_demo_has_two_waves_with_the_planted_changes(demo_workspace: Workspace) -> None:
    with demo_workspace.store() as store:
        waves = store.waves(DEMO_ENGAGEMENT)
        assert [e.id for e in waves] == [DEMO_PREVIOUS_ENGAGEMENT, DEMO_ENGAGEMENT]
        assert [e.model_version for e in waves] == ["1.3", "1.4"]
        assert waves[0].date < waves[1].date and waves[0].wave == "2025-Q4"
        item = "cul_customer_2"
        assert store.model(DEMO_PREVIOUS_ENGAGEMENT).items[item].text_version == 1
        assert store.model(DEMO_ENGAGEMENT).items[item].text_version == 2
        earlier = store.responses(DEMO_PREVIOUS_ENGAGEMENT).respondents
        assert (earlier["team"] == "Complaints Desk").sum() == 8
        previous_teams = store.teams(DEMO_PREVIOUS_ENGAGEMENT)
        assert "Complaints Desk" in set(previous_teams["team"])
    change = engagement_tables(demo_workspace, DEMO_ENGAGEMENT).change
    assert change is not None and change.engagement == DEMO_PREVIOUS_ENGAGEMENT
    scores = change.scores
    # Leadership clearly up for the organisation; nothing else moves clearly.
    org = scores[scores["by"] == "organisation"].set_index("dimension")
    assert org.loc["leadership", "label"] == "up" and org.loc["leadership", "change"] > 0.4
    assert set(org.drop(index="leadership")["label"]) == {"no clear change"}
    # Field Service South's frontline lost autonomy; the other teams did not.
    autonomy = change.scores[(change.scores["by"] == "team")
                             & (change.scores["dimension"] == "autonomy")]
    assert set(autonomy.loc[autonomy["label"] == "down", "group"]) == {"Field Service South"}
    # The Complaints Desk: reportable last wave (8), below the minimum now (3): no change.
    desk = change.scores[(change.scores["by"] == "team")
                         & (change.scores["group"] == "Complaints Desk")]
    assert len(desk) and desk["suppressed"].all() and desk["mean_from"].isna().all()
    # The reworded item is listed, not differenced; the others are compared.
    items = change.items[change.items["by"] == "organisation"].set_index("item")
    assert not items.loc["cul_customer_2", "comparable"]
    assert items.loc["cul_customer_2", "label"] == "not comparable"
    assert items.drop(index="cul_customer_2")["comparable"].all()
