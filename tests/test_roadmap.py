"""The roadmap: dependencies set the phases, weighted gaps the order within a phase."""

from __future__ import annotations

import pandas as pd

from assessment import MaturityModel
from assessment._scoring._roadmap import roadmap


def _gaps(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"by": "organisation", "group": "all", "dimension": d, "level": 2,
             "target_level": 4, "gap": g, "weighted_gap": w, "suppressed": False}
            for d, g, w in rows
        ]
    )


def test_dependencies_come_first_even_with_a_smaller_gap(mini_model: MaturityModel) -> None:
    model = mini_model.model_copy(
        update={"dimensions": [
            mini_model.dimensions[0].model_copy(update={"depends_on": ["autonomy"]}),
            mini_model.dimensions[1],
        ]}
    )
    plan = roadmap(model, _gaps([("culture", 1.5, 1.5), ("autonomy", 0.4, 0.8)]))
    assert plan[["phase", "step", "dimension", "after"]].values.tolist() == [
        [1, 1, "autonomy", ""],
        [2, 2, "culture", "autonomy"],
    ]


def test_within_a_phase_the_largest_weighted_gap_leads_and_met_targets_drop_out(
    mini_model: MaturityModel,
) -> None:
    plan = roadmap(mini_model, _gaps([("culture", 1.0, 1.0), ("autonomy", 0.6, 1.2)]))
    assert plan["dimension"].tolist() == ["autonomy", "culture"]
    assert set(plan["phase"]) == {1}
    met = roadmap(mini_model, _gaps([("culture", 0.0, 0.0), ("autonomy", 0.0, 0.0)]))
    assert met.empty and "phase" in met.columns


def test_the_plan_table_puts_each_gap_at_its_step_and_says_what_is_met_or_withheld(
    mini_model: MaturityModel,
) -> None:
    from assessment._scoring._roadmap import plan_table

    gaps = _gaps([("culture", 0.0, 0.0), ("autonomy", 0.6, 1.2)])
    gaps["mean"] = [3.51234, 2.2]
    withheld = gaps.iloc[[0]].assign(dimension="outcomes", suppressed=True, gap=float("nan"))
    gaps = pd.concat([gaps, withheld], ignore_index=True)
    table = plan_table(gaps, roadmap(mini_model, gaps.iloc[:2]))
    assert table["dimension"].tolist() == ["autonomy", "culture", "outcomes"]
    assert table["status"].tolist() == ["open", "met", "withheld"]
    assert table["step"].tolist()[0] == 1 and table["step"].isna().tolist() == [False, True, True]
