"""The demo organisation: deterministic, and showing the patterns the analysis must reveal."""

from __future__ import annotations

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
from assessment._demo import DEMO_ENGAGEMENT
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
