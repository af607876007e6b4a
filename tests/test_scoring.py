"""Scoring rules on small hand-computed frames, and properties on generated ones."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from assessment._confidentiality._groups import BREAKDOWNS
from assessment._confidentiality._publication import publication
from assessment._exceptions import ParameterError
from assessment._model._coding import coded_answers
from assessment._model._load import load_model, load_model_text
from assessment._model._schema import MaturityModel
from assessment._scoring._analytics import (
    answer_distribution,
    rating_agreement,
    strengths_and_opportunities,
    target_gaps,
    trends,
)
from assessment._scoring._gaps import iceberg_index, perception_gaps
from assessment._scoring._outcomes import CX_EX_MARGIN, enps, trifecta
from assessment._scoring._scores import (
    OVERALL,
    group_scores,
    maturity_level,
    respondent_scores,
    score_breakdown,
)
from tests.conftest import answers_frame

DATA = Path(__file__).parent / "data" / "models"
MINI = DATA / "mini.yaml"
SHIPPED = Path(__file__).parent.parent / "data" / "models" / "service-maturity.yaml"
T_975_4 = 2.7764451051977987  # Student t, 97.5th percentile, 4 degrees of freedom
T_975_9 = 2.2621571627409915  # ... and 9
NA = np.nan


@pytest.fixture(scope="module")
def model() -> MaturityModel:
    return load_model(MINI)


def _random_answers(model: MaturityModel, n: int, *, seed: int) -> pd.DataFrame:
    """``n`` respondents answering every question of ``model`` at random (1-5)."""
    rng = np.random.default_rng(seed)
    index = pd.Index([f"r{i}" for i in range(n)], name="respondent_id")
    values = rng.integers(1, 6, size=(n, len(model.question_ids))).astype(float)
    return pd.DataFrame(values, index=index, columns=model.question_ids)


def _people(index: pd.Index, roles: list[str], teams: list[str] | None = None) -> pd.DataFrame:
    n = len(index)
    return pd.DataFrame(
        {
            "role": roles,
            "team": teams or ["T"] * n,
            "department": ["D"] * n,
            "recommend": np.full(n, 8.0),
        },
        index=index,
    )


# --- respondent scores ----------------------------------------------------------------------


def test_reverse_coded_items_score_six_minus_the_answer(model: MaturityModel) -> None:
    answers = answers_frame({"r1": [4, 2, 5, 3, 5, 4, 4], "r2": [1, 5, NA, 2, 2, 3, 3]}, model)
    coded = coded_answers(model, answers)
    assert coded.loc["r1", "cul_2"] == 4 and coded.loc["r2", "cul_2"] == 1
    assert coded.loc["r1", "cul_1"] == 4  # not reversed
    assert math.isnan(coded.loc["r2", "cul_3"])  # not applicable stays out
    assert list(coded.columns) == ["cul_1", "cul_2", "cul_3", "aut_1", "aut_2"]


def test_a_dimension_score_needs_at_least_half_of_its_items(model: MaturityModel) -> None:
    answers = answers_frame(
        {
            "r1": [4, 2, 5, 3, 5, 4, 4],  # culture (4 + 4 + 5) / 3, autonomy (3 + 5) / 2
            "r2": [2, NA, NA, 2, NA, 3, 3],  # culture 1 of 3: missing; autonomy 1 of 2: ok
            "r3": [1, 5, NA, NA, NA, 3, 3],  # culture 2 of 3: (1 + 1) / 2; autonomy missing
        },
        model,
    )
    scores = respondent_scores(model, answers)
    assert scores.loc["r1", "culture"] == pytest.approx(13 / 3)
    assert scores.loc["r1", "autonomy"] == 4
    assert math.isnan(scores.loc["r2", "culture"]) and scores.loc["r2", "autonomy"] == 2
    assert scores.loc["r3", "culture"] == 1 and math.isnan(scores.loc["r3", "autonomy"])
    # Overall: weighted by the model's dimension weights (culture 1, autonomy 2).
    assert scores.loc["r1", OVERALL] == pytest.approx((13 / 3 + 2 * 4) / 3)
    assert scores[OVERALL].isna().tolist() == [False, True, True]


def test_facet_scores_follow_the_same_rule(model: MaturityModel) -> None:
    answers = answers_frame({"r1": [4, 2, 5, 3, 5, 4, 4], "r2": [2, NA, NA, 2, NA, 3, 3]}, model)
    facets = respondent_scores(model, answers, level="facet")
    assert list(facets.columns) == ["customer_first", "latitude"]
    assert facets.loc["r1", "customer_first"] == pytest.approx(13 / 3)
    assert math.isnan(facets.loc["r2", "customer_first"])


def test_item_weights_give_an_item_weighted_mean() -> None:
    text = MINI.read_text(encoding="utf-8").replace(
        "          - id: cul_1\n", "          - id: cul_1\n            weight: 2\n"
    )
    weighted = load_model_text(text)
    answers = answers_frame({"r1": [4, 2, 5, 3, 5, 4, 4]}, weighted)
    assert respondent_scores(weighted, answers).loc["r1", "culture"] == pytest.approx(
        (2 * 4 + 4 + 5) / 4
    )


def test_answers_off_the_scale_are_refused_with_their_place(model: MaturityModel) -> None:
    answers = answers_frame({"r1": [4, 2, 5, 3, 5, 4, 4], "r2": [6, 2, 5, 3, 5, 4, 4]}, model)
    with pytest.raises(ParameterError, match=r"cul_1.*'r2'.*6"):
        respondent_scores(model, answers)
    with pytest.raises(ParameterError, match="aut_2"):
        respondent_scores(model, answers.drop(columns="aut_2"))
    answers.loc["r2", "cul_1"] = 2.5
    with pytest.raises(ParameterError, match="whole number"):
        coded_answers(model, answers)


# --- group scores -----------------------------------------------------------------------------


def test_group_score_has_n_sd_t_interval_score_100_and_level() -> None:
    scores = pd.DataFrame({"culture": [1.0, 2.0, 3.0, 4.0, 5.0]})
    row = group_scores(scores).iloc[0]
    assert row["n"] == 5 and row["mean"] == 3
    assert row["sd"] == pytest.approx(math.sqrt(2.5))
    half = T_975_4 * math.sqrt(2.5) / math.sqrt(5)
    assert row["ci_low"] == pytest.approx(3 - half) and row["ci_high"] == pytest.approx(3 + half)
    assert row["score_100"] == 50 and row["level"] == 3 and not row["suppressed"]


def test_missing_respondent_scores_do_not_count_in_n() -> None:
    scores = pd.DataFrame({"culture": [1.0, 2.0, NA, 3.0, 4.0, 5.0]})
    row = group_scores(scores).iloc[0]
    assert row["n"] == 5 and row["mean"] == 3


@pytest.mark.parametrize(
    ("mean", "level"),
    [(1.0, 1), (1.79, 1), (1.8, 2), (2.59, 2), (2.6, 3), (3.39, 3), (3.4, 4), (4.19, 4),
     (4.2, 5), (5.0, 5), ((1.7 + 1.9) / 2, 2)],
)
def test_maturity_level_thresholds(mean: float, level: int) -> None:
    assert maturity_level(mean) == level


def test_small_groups_are_withheld_in_group_scores() -> None:
    scores = pd.DataFrame({"culture": np.arange(24, dtype=float) % 5 + 1})
    groups = pd.Series(["A"] * 12 + ["B"] * 9 + ["C"] * 3)
    table = group_scores(scores, groups, min_group_size=5).set_index("group")
    assert table.loc["C", "suppressed"] and table.loc["B", "suppressed"]  # C, and B with it
    assert not table.loc["A", "suppressed"] and table.loc["A", "n"] == 12
    assert pd.isna(table.loc["C", "n"]) and math.isnan(table.loc["C", "mean"])


def _org(model: MaturityModel) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Five executives, five managers, ten frontline in two teams, with known scores."""
    rows = {}
    for i in range(5):
        rows[f"e{i}"] = [5, 1, 5, 5, 5, 5, 5]  # culture 5, autonomy 5
        rows[f"m{i}"] = [4, 2, 4, 3, 3, 4, 3]  # culture 4, autonomy 3
    for i in range(10):
        rows[f"f{i}"] = [2, 4, 2, 1 + i % 2, 1 + i % 2, 4, 3]  # culture 2, autonomy 1 or 2
    answers = answers_frame(rows, model)
    roles = ["executive", "manager"] * 5 + ["frontline"] * 10
    teams = ["Board", "Care"] * 5 + ["Care"] * 5 + ["Field"] * 5
    return _people(answers.index, roles, teams), answers


def test_score_breakdown_has_every_breakdown_and_the_overall_row(model: MaturityModel) -> None:
    respondents, answers = _org(model)
    table = score_breakdown(model, respondents, answers)
    for column in ("by", "group", "dimension", "n", "mean", "sd", "ci_low", "ci_high",
                   "score_100", "level", "suppressed"):
        assert column in table.columns
    assert list(dict.fromkeys(table["by"])) == [
        "organisation", "role", "team", "department", "role,team"
    ]
    org = table[table["by"] == "organisation"].set_index("dimension")
    assert org.loc["culture", "mean"] == pytest.approx((5 * 5 + 5 * 4 + 10 * 2) / 20)
    assert org.loc["culture", "n"] == 20
    # Every respondent has both dimensions: overall = weighted mean of dimension means.
    expected = (org.loc["culture", "mean"] + 2 * org.loc["autonomy", "mean"]) / 3
    assert org.loc[OVERALL, "mean"] == pytest.approx(expected)
    assert org.loc["culture", "score_100"] == pytest.approx((3.25 - 1) / 4 * 100)
    assert org.loc["culture", "level"] == 3
    cells = table[(table["by"] == "role,team") & (table["dimension"] == "culture")]
    assert "frontline / Care" in set(cells["group"])


def test_facet_level_breakdown_names_the_dimension_and_the_facet(model: MaturityModel) -> None:
    respondents, answers = _org(model)
    table = score_breakdown(model, respondents, answers, by=["organisation"], level="facet")
    assert table[["dimension", "facet"]].values.tolist() == [
        ["culture", "customer_first"], ["autonomy", "latitude"]
    ]
    assert table["mean"].tolist() == pytest.approx([3.25, (5 * 5 + 5 * 3 + 10 * 1.5) / 20])


def test_an_organisation_below_the_minimum_gets_no_numbers(model: MaturityModel) -> None:
    respondents, answers = _org(model)
    small = respondents.index[:4]
    table = score_breakdown(model, respondents.loc[small], answers.loc[small])
    assert table["suppressed"].all() and table["n"].isna().all()


def test_perception_gaps_and_iceberg_index(model: MaturityModel) -> None:
    respondents, answers = _org(model)
    gaps = perception_gaps(score_breakdown(model, respondents, answers))
    by = gaps.set_index(["comparison", "dimension"])
    assert by.loc[("executive - frontline", "culture"), "gap"] == pytest.approx(3)
    assert by.loc[("executive - frontline", "autonomy"), "gap"] == pytest.approx(5 - 1.5)
    assert by.loc[("manager - frontline", "culture"), "gap"] == pytest.approx(2)
    assert iceberg_index(gaps) == pytest.approx((3 + 3.5) / 2)
    # Managers' autonomy is 3 for all five (sd 0); the frontline's is 1 or 2 (mean 1.5,
    # variance 2.5 / 9), so Welch's interval has 9 degrees of freedom.
    row = by.loc[("manager - frontline", "autonomy")]
    half = T_975_9 * math.sqrt(2.5 / 9 / 10)
    assert row["gap"] == pytest.approx(1.5)
    assert row["ci_low"] == pytest.approx(1.5 - half)
    assert row["ci_high"] == pytest.approx(1.5 + half)


def test_perception_gaps_need_both_groups_published(model: MaturityModel) -> None:
    respondents, answers = _org(model)
    keep = ~respondents.index.isin(["e0"])  # four executives: below the minimum
    table = score_breakdown(model, respondents[keep], answers[keep])
    gaps = perception_gaps(table)
    exec_rows = gaps[gaps["comparison"] == "executive - frontline"]
    assert exec_rows["suppressed"].all() and exec_rows["gap"].isna().all()
    assert math.isnan(iceberg_index(gaps))


def test_enps_is_promoters_minus_detractors_of_those_who_answered(
    model: MaturityModel,
) -> None:
    answers = answers_frame({f"r{i}": [3] * 7 for i in range(7)}, model)
    people = _people(answers.index, ["frontline"] * 7)
    people["recommend"] = [10, 9, 8, 7, 6, 0, NA]
    row = enps(model, people, answers).iloc[0]
    assert row["n"] == 6
    assert row["promoters"] == pytest.approx(100 * 2 / 6)
    assert row["detractors"] == pytest.approx(100 * 2 / 6)
    assert row["passives"] == pytest.approx(100 * 2 / 6)
    assert row["enps"] == pytest.approx(0)
    people["recommend"] = [10, 10, 10, 9, 5, NA, NA]
    assert enps(model, people, answers).iloc[0]["enps"] == pytest.approx(60)
    people["recommend"] = [10, 10, 11, 9, 5, NA, NA]
    with pytest.raises(ParameterError, match="recommend"):
        enps(model, people, answers)


def test_trifecta_flags_cx_outrunning_ex(model: MaturityModel) -> None:
    rows = {f"r{i}": [3, 3, 3, 3, 3, 4, ee] for i, ee in enumerate([3, 3, 3, 4, 4])}
    answers = answers_frame(rows, model)
    people = _people(answers.index, ["frontline"] * 5)
    row = trifecta(model, people, answers).iloc[0]
    assert row["customer_experience"] == 4 and row["employee_engagement"] == pytest.approx(3.4)
    assert row["cx_minus_ex"] == pytest.approx(0.6) and bool(row["cx_outruns_ex"])
    assert row["spread"] == pytest.approx(0.6) and row["weakest"] == "employee_engagement"
    assert math.isnan(row["operational_excellence"])  # the mini model does not ask it
    answers["out_ee"] = [4, 4, 4, 4, 3]  # 3.8: within the margin
    calm = trifecta(model, people, answers).iloc[0]
    assert calm["cx_minus_ex"] == pytest.approx(0.2)
    assert calm["cx_minus_ex"] < CX_EX_MARGIN
    assert not bool(calm["cx_outruns_ex"])


@pytest.mark.skipif(not SHIPPED.exists(), reason="shipped model not written yet")
def test_trifecta_on_the_shipped_model_reads_all_four_measures() -> None:
    shipped = load_model(SHIPPED)
    answers = _random_answers(shipped, 8, seed=0)
    row = trifecta(shipped, _people(answers.index, ["manager"] * 8), answers).iloc[0]
    for item in shipped.outcome_items.values():
        assert row[item.measures] == pytest.approx(answers[item.id].mean())


# --- analytics --------------------------------------------------------------------------------


def test_strengths_and_opportunities_use_reverse_coded_means(model: MaturityModel) -> None:
    rows = {f"r{i}": [4, 1, 3, 2, 2, 3, 3] for i in range(5)}  # cul_2 answered 1 -> scores 5
    answers = answers_frame(rows, model)
    people = _people(answers.index, ["frontline"] * 5)
    table = strengths_and_opportunities(model, people, answers, by="organisation", k=2)
    strong = table[table["kind"] == "strength"]
    weak = table[table["kind"] == "opportunity"]
    assert strong["item"].tolist() == ["cul_2", "cul_1"]
    assert strong["mean"].tolist() == [5, 4]
    assert weak["item"].tolist() == ["aut_1", "aut_2"]  # tie: questionnaire order
    assert bool(strong.iloc[0]["reverse"])


def test_strengths_respect_suppression(model: MaturityModel) -> None:
    respondents, answers = _org(model)
    keep = ~respondents.index.isin(["e0"])  # four executives on the board
    table = strengths_and_opportunities(
        model, respondents[keep], answers[keep], by=["role", "team"], k=2
    )
    hidden = table[table["suppressed"]]
    assert {"executive", "Board"} <= set(hidden["group"])
    assert hidden[["kind", "item", "mean", "n"]].isna().all().all()
    assert not hidden["group"].duplicated().any()  # one row per withheld group
    shown = table[~table["suppressed"]]
    assert (shown["n"] >= 5).all()
    assert shown.groupby("group")["kind"].value_counts().eq(2).all()


def test_trends_report_change_and_its_welch_interval(model: MaturityModel) -> None:
    respondents, answers = _org(model)
    first = score_breakdown(model, respondents, answers, by=["organisation", "role"])
    later = answers.copy()
    later.loc[later.index.str.startswith("f"), "cul_1"] = 4  # frontline culture 2 -> 8/3
    second = score_breakdown(model, respondents, later, by=["organisation", "role"])
    table = trends({"2025": first, "2026": second})
    row = table[(table["group"] == "frontline") & (table["dimension"] == "culture")].iloc[0]
    assert row["change"] == pytest.approx(8 / 3 - 2)
    assert row["wave_from"] == "2025" and row["wave_to"] == "2026"
    # Both waves have sd 0 for frontline culture: the interval is the change itself.
    assert row["ci_low"] == pytest.approx(row["change"]) and bool(row["significant"])
    org = table[(table["by"] == "organisation") & (table["dimension"] == "culture")].iloc[0]
    a = respondent_scores(model, answers)["culture"]
    b = respondent_scores(model, later)["culture"]
    welch = stats.ttest_ind(b, a, equal_var=False).confidence_interval()
    assert org["ci_low"] == pytest.approx(welch.low) and org["ci_high"] == pytest.approx(welch.high)


def test_trends_give_no_difference_when_a_wave_is_suppressed(model: MaturityModel) -> None:
    respondents, answers = _org(model)
    first = score_breakdown(model, respondents, answers, by=["role"])
    keep = ~respondents.index.isin(["e0", "e1"])
    second = score_breakdown(model, respondents[keep], answers[keep], by=["role"])
    table = trends({"w1": first, "w2": second})
    execs = table[table["group"] == "executive"]
    assert execs["suppressed"].all() and execs["change"].isna().all()
    assert execs["significant"].isna().all()


def test_target_gaps_put_the_largest_weighted_gap_first(model: MaturityModel) -> None:
    respondents, answers = _org(model)
    table = score_breakdown(model, respondents, answers, by=["organisation"])
    org = table.set_index("dimension")
    gaps = target_gaps(model, table, {"culture": 4, "autonomy": 4}).set_index("dimension")
    assert gaps.loc["culture", "target_score"] == 3.4
    assert gaps.loc["culture", "gap"] == pytest.approx(3.4 - org.loc["culture", "mean"])
    assert gaps.loc["autonomy", "gap"] == pytest.approx(3.4 - org.loc["autonomy", "mean"])
    assert gaps.loc["autonomy", "weighted_gap"] == pytest.approx(2 * gaps.loc["autonomy", "gap"])
    assert gaps.loc["autonomy", "priority"] == 1 and gaps.loc["culture", "priority"] == 2
    met = target_gaps(model, table, {"culture": 2}).iloc[0]
    assert met["gap"] == 0 and pd.isna(met["priority"])
    with pytest.raises(ParameterError, match="targets"):
        target_gaps(model, table, {"culture": 6})
    with pytest.raises(ParameterError, match="not a dimension"):
        target_gaps(model, table, {"speed": 3})


# --- properties -------------------------------------------------------------------------------


def _random_org(model: MaturityModel, seed: int, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, size=(n, len(model.question_ids))).astype(float)
    values[rng.random(values.shape) < 0.15] = np.nan
    index = pd.Index([f"p{i:03d}" for i in range(n)], name="respondent_id")
    answers = pd.DataFrame(values, index=index, columns=model.question_ids)
    people = pd.DataFrame(
        {
            "role": rng.choice(["executive", "manager", "frontline"], size=n),
            "team": rng.choice(["A", "B", "C", "D"], size=n),
            "department": rng.choice(["X", "Y", None], size=n),
            "recommend": rng.integers(0, 11, size=n).astype(float),
        },
        index=index,
    )
    return people, answers


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n=st.integers(1, 80))
def test_published_scores_are_in_range_and_consistent(
    model: MaturityModel, seed: int, n: int
) -> None:
    people, answers = _random_org(model, seed, n)
    table = score_breakdown(model, people, answers, min_group_size=3)
    shown = table[~table["suppressed"]]
    assert ((shown["mean"] >= 1) & (shown["mean"] <= 5)).all()
    assert ((shown["score_100"] >= 0) & (shown["score_100"] <= 100)).all()
    dims = shown[shown["dimension"] != OVERALL]
    assert (dims["ci_low"] <= dims["mean"] + 1e-12).all()
    assert (dims["mean"] <= dims["ci_high"] + 1e-12).all()
    assert (shown["n"] >= 3).all()
    for _, row in shown.iterrows():
        assert row["level"] == maturity_level(row["mean"])
    hidden = table[table["suppressed"]]
    assert hidden[["n", "mean", "sd", "level"]].isna().all().all()


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n=st.integers(1, 60), shuffle=st.integers(0, 2**31))
def test_the_order_of_respondents_does_not_matter(
    model: MaturityModel, seed: int, n: int, shuffle: int
) -> None:
    people, answers = _random_org(model, seed, n)
    order = np.random.default_rng(shuffle).permutation(n)
    first = score_breakdown(model, people, answers)
    second = score_breakdown(model, people.iloc[order], answers.iloc[order])
    pd.testing.assert_frame_equal(first, second, check_exact=False, rtol=1e-9, atol=1e-12)
    pd.testing.assert_frame_equal(
        enps(model, people, answers, by=["team"]),
        enps(model, people.iloc[order], answers.iloc[order], by=["team"]),
        check_exact=False, rtol=1e-9,
    )


def test_answers_are_matched_to_respondents_by_id(model: MaturityModel) -> None:
    people, answers = _random_org(model, 1, 30)
    aligned = score_breakdown(model, people, answers)
    shuffled = score_breakdown(model, people, answers.iloc[::-1])
    pd.testing.assert_frame_equal(aligned, shuffled)
    with pytest.raises(ParameterError, match="answers"):
        score_breakdown(model, people, answers.iloc[1:])


def test_breakdown_parameters_are_checked(model: MaturityModel) -> None:
    people, answers = _random_org(model, 2, 10)
    with pytest.raises(ParameterError, match="by"):
        score_breakdown(model, people, answers, by=["division"])
    with pytest.raises(ParameterError, match="min_group_size"):
        score_breakdown(model, people, answers, min_group_size=2)


# --- one pattern, whatever is asked -----------------------------------------------------------


def test_the_suppression_pattern_does_not_depend_on_the_breakdowns_asked_for(
    model: MaturityModel,
) -> None:
    # Team A's 3 managers are withheld; asked for alone, the team breakdown would publish
    # every team, and `--by team` beside `--by role,team` would give A's managers as A minus
    # its frontline cell. Every call uses the engagement's one pattern instead.
    people, answers = _random_org(model, 7, 70)
    full = score_breakdown(model, people, answers)
    for by in ("organisation", "role", "team", "department", "role,team"):
        alone = score_breakdown(model, people, answers, by=by)
        expected = full[full["by"] == by].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone, expected)
    shown = {by: enps(model, people, answers, by=by) for by in ("team", "role,team")}
    both = enps(model, people, answers, by=["team", "role,team"])
    pd.testing.assert_frame_equal(
        pd.concat(shown.values(), ignore_index=True), both, check_dtype=False
    )


def test_the_overall_score_is_the_weighted_mean_of_the_group_dimension_means(
    model: MaturityModel,
) -> None:
    # Six people, one of whom skipped autonomy. Averaging respondents' own overall scores
    # would cover five people, beside a culture mean over six: the sixth person's culture
    # score would be 6 * culture - (3 * 5 * overall - 2 * 5 * autonomy).
    rows = {f"r{i}": [c, c, c, a, a, 3, 3] for i, (c, a) in
            enumerate([(4, 4), (3, 2), (5, 4), (2, 3), (4, 5), (1, NA)])}
    answers = answers_frame(rows, model)
    answers.loc["r0", "cul_2"] = 2  # reverse-coded: scores 4, like the others of r0
    people = _people(answers.index, ["frontline"] * 6)
    table = score_breakdown(model, people, answers, by="organisation").set_index("dimension")
    culture, autonomy = table.loc["culture", "mean"], table.loc["autonomy", "mean"]
    assert table.loc["culture", "n"] == 6 and table.loc["autonomy", "n"] == 5
    assert table.loc[OVERALL, "mean"] == pytest.approx((1 * culture + 2 * autonomy) / 3)
    assert table.loc[OVERALL, "n"] == 6
    assert table.loc[OVERALL, ["sd", "ci_low", "ci_high", "rwg"]].isna().all()
    sixth = respondent_scores(model, answers).loc["r5", "culture"]
    attack = 6 * culture - (3 * 5 * table.loc[OVERALL, "mean"] - 2 * 5 * autonomy)
    assert attack != pytest.approx(sixth)


def test_a_difference_of_exactly_the_margin_does_not_outrun(model: MaturityModel) -> None:
    # CX 25/12 and EE 22/12: 3/12 = 0.25 exactly, computed as 0.2500000000000002.
    cx = [3] * 1 + [2] * 11
    ee = [2] * 10 + [1] * 2
    rows = {f"r{i}": [3, 3, 3, 3, 3, c, e] for i, (c, e) in enumerate(zip(cx, ee, strict=True))}
    answers = answers_frame(rows, model)
    people = _people(answers.index, ["frontline"] * 12)
    row = trifecta(model, people, answers).iloc[0]
    assert row["cx_minus_ex"] > CX_EX_MARGIN  # the floating-point difference...
    assert not bool(row["cx_outruns_ex"])  # ...is not "more than" the margin


def test_a_mean_exactly_at_the_target_floor_has_no_gap(model: MaturityModel) -> None:
    table = pd.DataFrame(
        {"by": ["organisation"], "group": ["all"], "dimension": ["culture"],
         "mean": [3.3999999999999995], "level": pd.array([4], dtype="Int64")}
    )
    row = target_gaps(model, table, {"culture": 4}).iloc[0]
    assert row["level"] == row["target_level"] == 4
    assert row["gap"] == 0 and pd.isna(row["priority"])


def test_nested_tables_publish_no_group_the_scores_withhold(model: MaturityModel) -> None:
    people, answers = _random_org(model, 11, 60)
    people.loc[people.index[:8], "recommend"] = NA
    pub = publication(model, people, answers, min_group_size=4)
    shared = {"min_group_size": 4, "publication": pub}
    scores = score_breakdown(model, people, answers, **shared)
    main = scores[scores["dimension"] == OVERALL].set_index(["by", "group"])["suppressed"]
    for table in (
        enps(model, people, answers, by=BREAKDOWNS, **shared),
        trifecta(model, people, answers, by=BREAKDOWNS, **shared),
        pub.headcounts(),
        strengths_and_opportunities(model, people, answers, by=BREAKDOWNS, **shared),
    ):
        shown = table[~table["suppressed"]].set_index(["by", "group"]).index.unique()
        assert not main.loc[shown].any()
    with pytest.raises(ParameterError, match="min_group_size"):
        enps(model, people, answers, min_group_size=5, publication=pub)
    with pytest.raises(ParameterError, match="other respondents"):
        enps(model, people.iloc[1:], answers.iloc[1:], min_group_size=4, publication=pub)


def test_answer_distribution_counts_each_point_of_a_published_group(
    model: MaturityModel,
) -> None:
    rows = {f"r{i}": [v, 5 - v + 1, NA if i == 0 else 3, 2, 4, 3, 3]
            for i, v in enumerate([1, 1, 2, 5, 5, 5])}
    answers = answers_frame(rows, model)
    people = _people(answers.index, ["frontline"] * 6)
    dist = answer_distribution(model, people, answers, min_group_size=5)
    cul_1 = dist[dist["item"] == "cul_1"].set_index("point")
    assert cul_1["count"].tolist() == [2, 1, 0, 0, 3]
    assert cul_1["percent"].tolist() == pytest.approx([100 * 2 / 6, 100 / 6, 0, 0, 50])
    assert (cul_1["answered"] == 6).all() and (cul_1["dimension"] == "culture").all()
    assert dist[dist["item"] == "cul_3"]["answered"].iloc[0] == 5  # not applicable left out
    # With a minimum of 6, cul_3's 5 answers withhold culture's item-level numbers: one
    # pattern for all items of a dimension.
    stricter = answer_distribution(model, people, answers, min_group_size=6)
    assert set(stricter["item"]) == {"aut_1", "aut_2"}
    with pytest.raises(ParameterError, match="not a team group"):
        answer_distribution(model, people, answers, by="team", group="Nobody")
    small = answer_distribution(model, people.iloc[:4], answers.iloc[:4], min_group_size=5)
    assert small.empty


def test_a_facet_rated_not_applicable_is_told_apart_from_one_not_rated(
    model: MaturityModel,
) -> None:
    people, answers = _random_org(model, 3, 40)
    facets = score_breakdown(model, people, answers, by="organisation", level="facet")
    ratings = pd.DataFrame({"facet": ["latitude"], "level": [np.nan], "evidence": [""]})
    out = rating_agreement(model, facets, ratings).set_index("facet")
    assert bool(out.loc["latitude", "consultant_na"])
    assert not bool(out.loc["customer_first", "consultant_na"])  # not rated at all
    assert pd.isna(out.loc["latitude", "consultant_level"]) and out.loc["latitude",
                                                                        "agreement"] == ""


@pytest.mark.skipif(not SHIPPED.exists(), reason="shipped model not written yet")
def test_each_facet_has_its_own_within_group_agreement() -> None:
    shipped = load_model(SHIPPED)
    answers = _random_answers(shipped, 40, seed=4)
    table = score_breakdown(shipped, _people(answers.index, ["frontline"] * 40), answers,
                            by="organisation", level="facet").set_index("facet")
    coded = coded_answers(shipped, answers)
    for dim in shipped.dimensions:
        for facet in dim.facets:
            items = [i.id for i in facet.items]
            j, ratio = len(items), coded[items].var(ddof=1).mean() / 2.0
            expected = 0.0 if ratio >= 1 else j * (1 - ratio) / (j * (1 - ratio) + ratio)
            assert table.loc[facet.id, "rwg"] == pytest.approx(expected)
