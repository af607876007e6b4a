"""The model's own levels: 2 to 10, numbered from 0 or 1, equal bands or given bounds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from assessment import ParameterError, Store, inspect_model, load_model
from assessment._scoring._analytics import target_gaps
from assessment._scoring._scores import maturity_level, score_breakdown
from tests.conftest import MINI_MODEL
from tests.test_scales import SAMM, SEVEN, _answers, _variant

SAMM_LEVELS = [
    {"level": 0, "name": {"en": "None", "nl": "Geen"}},
    {"level": 1, "name": {"en": "Initial", "nl": "Initieel"}, "from": 0.25},
    {"level": 2, "name": {"en": "Managed", "nl": "Beheerd"}, "from": 0.5},
    {"level": 3, "name": {"en": "Optimised", "nl": "Geoptimaliseerd"}, "from": 0.85},
]


def _levels(data: dict[str, Any], names: list[dict[str, Any]]) -> None:
    data["level_names"] = names
    for dim in data["dimensions"]:
        dim["levels"] = [
            {"level": n["level"],
             "description": {"en": f"At {n['level']}.", "nl": f"Op {n['level']}."},
             "actions": {"en": ["Act."], "nl": ["Doe."]}}
            for n in names
        ]


def test_the_shipped_bands_are_equal_bands(mini_model: Any) -> None:
    assert mini_model.levels == [1, 2, 3, 4, 5]
    assert mini_model.level_bounds == (1.0, 1.8, 2.6, 3.4, 4.2)
    for mean in (1.0, 1.7999999999999998, 2.6, 3.3999999999999995, 4.2, 5.0):
        assert mini_model.level_of(mean) == maturity_level(mean) == maturity_level(mean, mini_model)


def test_samm_levels_from_zero_with_bounds(tmp_path: Path) -> None:
    model = load_model(_variant(tmp_path, SAMM, lambda d: _levels(d, SAMM_LEVELS)))
    assert model.levels == [0, 1, 2, 3]
    assert model.level_bounds == (0.0, 0.25, 0.5, 0.85)
    means = (0.0, 0.2, 0.25, 0.6, 0.85, 1.0)
    assert [maturity_level(m, model) for m in means] == [0, 0, 1, 2, 3, 3]
    answers = _answers(model, [[3, 0, 3, 3, 3]] * 3 + [[0, 3, 0, 0, 0]] * 3)
    respondents = pd.DataFrame(
        {"role": ["frontline"] * 3 + ["manager"] * 3, "team": "A", "department": "D",
         "recommend": 7.0}, index=answers.index,
    )
    table = score_breakdown(model, respondents, answers, by="role", min_group_size=3)
    table = table.set_index(["group", "dimension"])
    assert table.loc[("frontline", "culture"), "mean"] == 1.0
    assert table.loc[("frontline", "culture"), "level"] == 3
    assert table.loc[("manager", "culture"), "level"] == 0
    assert table.loc[("frontline", "culture"), "score_100"] == 100.0
    gaps = target_gaps(model, table.reset_index(), {"culture": 2})
    manager = gaps[gaps["group"] == "manager"].iloc[0]
    assert (manager["target_score"], manager["gap"], manager["level_gap"]) == (0.5, 0.5, 2)
    with pytest.raises(ParameterError, match=r"must be a level from 0 to 3, got 4"):
        target_gaps(model, table.reset_index(), {"culture": 4})


def test_cmmi_levels_on_a_seven_point_scale_in_equal_bands(tmp_path: Path) -> None:
    names = [{"level": i, "name": {"en": f"L{i}", "nl": f"N{i}"}} for i in range(1, 6)]
    model = load_model(_variant(tmp_path, SEVEN, lambda d: _levels(d, names)))
    assert model.level_bounds == (0.0, 1.2, 2.4, 3.6, 4.8)
    assert [model.level_of(m) for m in (0, 1.19, 1.2, 4.8, 6)] == [1, 1, 2, 5, 5]


def test_targets_and_ratings_take_the_models_levels(tmp_path: Path) -> None:
    path = _variant(tmp_path, SAMM, lambda d: _levels(d, SAMM_LEVELS))
    with Store(tmp_path / "ws" / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", path.read_text(encoding="utf-8"))
        store.set_targets("e1", {"culture": 0, "autonomy": 3})
        assert store.targets("e1") == {"culture": 0, "autonomy": 3}
        store.set_rating("e1", "latitude", 0, "no mandate yet")
        with pytest.raises(ParameterError, match="a level from 0 to 3, got 4"):
            store.set_targets("e1", {"culture": 4})
        with pytest.raises(ParameterError, match="a level from 0 to 3, got 5"):
            store.set_rating("e1", "latitude", 5)


def test_ten_levels_fit_targets(tmp_path: Path) -> None:
    names = [{"level": i, "name": {"en": f"L{i}", "nl": f"N{i}"}} for i in range(1, 11)]
    data = yaml.safe_load(MINI_MODEL.read_text(encoding="utf-8"))
    _levels(data, names)
    path = tmp_path / "ten.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    model = load_model(path)
    assert np.allclose(model.level_bounds, np.arange(10) * 0.4 + 1)
    with Store(tmp_path / "ws" / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", path.read_text(encoding="utf-8"))
        store.set_targets("e1", {"culture": 10})
        assert store.targets("e1") == {"culture": 10}


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        ([{**n, "level": n["level"] + 2} for n in SAMM_LEVELS],
         "level_names: must number the levels in order from 0 or 1, one apart (such as 1, 2, 3, "
         "4, 5 or 0, 1, 2, 3)"),
        ([SAMM_LEVELS[0], SAMM_LEVELS[1], {**SAMM_LEVELS[2], "from": 0.2}, SAMM_LEVELS[3]],
         "level_names[2].from: 0.2 must be above the previous level's bound (0.25) and at most "
         "the scale's highest value (1)"),
        ([SAMM_LEVELS[0], SAMM_LEVELS[1], {k: v for k, v in SAMM_LEVELS[2].items() if k != "from"},
          SAMM_LEVELS[3]],
         "level_names[2].from: missing (give every level above the first a bound, or none for "
         "equal bands)"),
        ([SAMM_LEVELS[0]], "level_names: List should have at least 2 items after validation, "
         "not 1"),
    ],
)
def test_model_check_names_the_level_problem(
    tmp_path: Path, names: list[dict[str, Any]], problem: str
) -> None:
    problems = inspect_model(_variant(tmp_path, SAMM, lambda d: _levels(d, names))).problems
    assert problem in problems, problems


def test_dimension_levels_follow_the_level_names(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _levels(data, SAMM_LEVELS)
        data["dimensions"][1]["levels"].pop()

    problems = inspect_model(_variant(tmp_path, SAMM, edit)).problems
    assert "dimensions[1].levels: must list levels 0, 1, 2, 3 in order" in problems


def test_an_older_store_keeps_its_targets_and_ratings(tmp_path: Path) -> None:
    import shutil
    import sqlite3

    db = tmp_path / "assessment.db"
    shutil.copy(Path(__file__).parent / "data" / "compat" / "engagement-1.2.db", db)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO targets VALUES ('acme-2026', 'culture', 4, '2025-12-01')")
        conn.execute("INSERT INTO ratings VALUES ('acme-2026', 'cul_safety', 2, 'seen', '2025')")
    conn.close()
    with Store(db) as store:
        assert store.targets("acme-2026") == {"culture": 4}
        assert store.ratings("acme-2026").set_index("facet").loc["cul_safety", "level"] == 2
        before = store.revision("acme-2026")
        store.set_targets("acme-2026", {"culture": 5})
        assert store.revision("acme-2026") == before + 1  # the revision triggers are back
        with pytest.raises(ParameterError, match="a level from 1 to 5, got 0"):
            store.set_targets("acme-2026", {"culture": 0})
