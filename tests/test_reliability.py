"""Cronbach's alpha (cross-checked with pingouin), item analysis and rwg(J)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment._exceptions import ParameterError
from assessment._model._load import load_model
from assessment._model._schema import MaturityModel
from assessment._scoring._agreement import LOW_CONSENSUS, NULL_VARIANCE, rwg_from_moments
from assessment._scoring._reliability import cronbach_alpha, reliability, rwg_j

MINI = Path(__file__).parent / "data" / "models" / "mini.yaml"


@pytest.fixture(scope="module")
def model() -> MaturityModel:
    return load_model(MINI)


def _wide_cronbach() -> pd.DataFrame:
    long = pingouin.read_dataset("cronbach_alpha")  # shipped inside pingouin: no network
    return long.pivot(index="Subj", columns="Items", values="Scores")


# --- alpha against pingouin --------------------------------------------------------------------


def test_alpha_equals_pingouin_on_its_own_data_set() -> None:
    long = pingouin.read_dataset("cronbach_alpha")
    expected, ci = pingouin.cronbach_alpha(
        data=long, items="Items", scores="Scores", subject="Subj"
    )
    got = cronbach_alpha(_wide_cronbach())
    assert got.alpha == pytest.approx(expected, abs=1e-9)
    assert (got.n, got.k) == (15, 10)
    # pingouin rounds its interval to three decimals.
    assert round(got.ci_low, 3) == ci[0] and round(got.ci_high, 3) == ci[1]


@pytest.mark.parametrize("policy", ["listwise", "pairwise"])
def test_alpha_handles_missing_answers_as_pingouin_does(policy: str) -> None:
    data = pingouin.read_dataset("cronbach_wide_missing")
    expected, ci = pingouin.cronbach_alpha(data=data, nan_policy=policy)
    got = cronbach_alpha(data, nan_policy=policy)  # type: ignore[arg-type]
    assert got.alpha == pytest.approx(expected, abs=1e-9)
    if policy == "pairwise":
        assert round(got.ci_low, 3) == ci[0] and round(got.ci_high, 3) == ci[1]
    else:
        # Listwise: the interval rests on the 9 complete respondents (pingouin keeps 12).
        assert got.n == 9
        assert got.ci_high - got.ci_low > ci[1] - ci[0]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n=st.integers(3, 60),
    k=st.integers(2, 8),
    p_missing=st.sampled_from([0.0, 0.05, 0.2]),
    policy=st.sampled_from(["listwise", "pairwise"]),
)
def test_alpha_equals_pingouin_on_generated_answers(
    seed: int, n: int, k: int, p_missing: float, policy: str
) -> None:
    rng = np.random.default_rng(seed)
    latent = rng.normal(3, 1, size=(n, 1))
    values = np.clip(np.rint(latent + rng.normal(0, 0.8, size=(n, k))), 1, 5)
    values[rng.random(values.shape) < p_missing] = np.nan
    data = pd.DataFrame(values, columns=[f"q{i}" for i in range(k)])
    complete = data.dropna()
    usable = len(complete) >= 2 if policy == "listwise" else data.count().min() >= 2
    if not usable or (data.std() == 0).any() or (complete.std() == 0).any():
        return  # pingouin divides by zero there; nothing to compare
    with np.errstate(divide="ignore", invalid="ignore"):  # pingouin on degenerate data
        expected, _ = pingouin.cronbach_alpha(data=data, nan_policy=policy)
    got = cronbach_alpha(data, nan_policy=policy)  # type: ignore[arg-type]
    if not math.isfinite(expected):
        assert math.isnan(got.alpha)  # no variance in the total: alpha is undefined
    else:
        assert got.alpha == pytest.approx(expected, abs=1e-9)


def test_alpha_parameters_are_checked() -> None:
    with pytest.raises(ParameterError, match="two item"):
        cronbach_alpha(pd.DataFrame({"q": [1.0, 2.0]}))
    with pytest.raises(ParameterError, match="nan_policy"):
        cronbach_alpha(_wide_cronbach(), nan_policy="drop")  # type: ignore[arg-type]


# --- reliability per dimension ---------------------------------------------------------------


def _answers(model: MaturityModel, n: int, seed: int, flip: str | None = None) -> pd.DataFrame:
    """Answers driven by one latent trait per person; reverse items answered reversed."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(3, 1, size=n)
    columns = {}
    for item_id, item in model.items.items():
        value = np.clip(np.rint(latent + rng.normal(0, 0.6, n)), 1, 5)
        reverse = item.reverse != (item_id == flip)  # ``flip``: keyed the wrong way
        columns[item_id] = 6 - value if reverse else value
    for item_id in model.outcome_items:
        columns[item_id] = np.full(n, 3.0)
    index = pd.Index([f"r{i}" for i in range(n)], name="respondent_id")
    return pd.DataFrame(columns, index=index)


def test_reliability_scores_each_dimension_on_reverse_coded_answers(model: MaturityModel) -> None:
    answers = _answers(model, 200, seed=1)
    report = reliability(model, answers)
    culture = report.scales.set_index("dimension").loc["culture"]
    coded = answers[["cul_1", "cul_2", "cul_3"]].copy()
    coded["cul_2"] = 6 - coded["cul_2"]
    expected, _ = pingouin.cronbach_alpha(data=coded, nan_policy="listwise")
    assert culture["alpha"] == pytest.approx(expected, abs=1e-9)
    assert culture["k"] == 3 and culture["n"] == 200
    assert not culture["low_reliability"]
    items = report.items.set_index("item")
    assert not items["mis_keyed"].any()
    # Item-rest correlation and alpha if deleted, computed directly.
    rest = coded["cul_2"] + coded["cul_3"]
    assert items.loc["cul_1", "item_rest_r"] == pytest.approx(coded["cul_1"].corr(rest))
    dropped, _ = pingouin.cronbach_alpha(data=coded[["cul_2", "cul_3"]])
    assert items.loc["cul_1", "alpha_if_deleted"] == pytest.approx(dropped, abs=1e-9)
    # Two items: alpha if deleted is undefined.
    assert items.loc[["aut_1", "aut_2"], "alpha_if_deleted"].isna().all()


def test_a_mis_keyed_item_is_flagged(model: MaturityModel) -> None:
    answers = _answers(model, 200, seed=2, flip="cul_2")
    report = reliability(model, answers)
    items = report.items.set_index("item")
    assert items.loc["cul_2", "item_rest_r"] < 0
    assert bool(items.loc["cul_2", "mis_keyed"])
    assert not items.loc[["cul_1", "cul_3"], "mis_keyed"].any()
    culture = report.scales.set_index("dimension").loc["culture"]
    assert culture["alpha"] < 0.70 and bool(culture["low_reliability"])


def test_reliability_is_withheld_below_the_minimum(model: MaturityModel) -> None:
    report = reliability(model, _answers(model, 4, seed=3))
    assert report.scales["suppressed"].all()
    assert report.scales["alpha"].isna().all() and report.scales["n"].isna().all()
    assert report.items["item_rest_r"].isna().all()


# --- rwg(J) -----------------------------------------------------------------------------------


def _moments(groups: list[list[list[float]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group (list of respondents' item answers): counts, sums, sums of squares."""
    arrays = [np.asarray(g, dtype=float) for g in groups]
    n = np.array([(~np.isnan(a)).sum(axis=0) for a in arrays], dtype=float)
    s1 = np.array([np.nansum(a, axis=0) for a in arrays])
    s2 = np.array([np.nansum(a * a, axis=0) for a in arrays])
    return n, s1, s2


def test_rwg_j_by_hand() -> None:
    member = np.ones((2, 1))  # two items, one scale
    agree = [[3, 4], [3, 4], [3, 4]]  # no variance: complete agreement
    split = [[1, 1], [5, 5], [1, 1], [5, 5]]  # variance 5.33 > 2: no agreement beyond chance
    mid = [[2, 2], [4, 4], [3, 3]]  # item variances 1 and 1: mean 1, half the null variance
    rwg = rwg_from_moments(*_moments([agree, split, mid]), member)[:, 0]
    assert rwg[0] == 1.0
    assert rwg[1] == 0.0
    ratio = 1 / NULL_VARIANCE
    assert rwg[2] == pytest.approx(2 * (1 - ratio) / (2 * (1 - ratio) + ratio))
    assert rwg[2] == pytest.approx(2 / 3) and rwg[2] < LOW_CONSENSUS


def test_rwg_j_uses_the_items_with_a_variance() -> None:
    member = np.ones((3, 1))
    group = [[2, 2, np.nan], [3, 3, 3]]  # third item: one answer, no variance
    rwg = rwg_from_moments(*_moments([group]), member)[0, 0]
    ratio = 0.5 / NULL_VARIANCE  # item variances 0.5 and 0.5, J = 2
    assert rwg == pytest.approx(2 * (1 - ratio) / (2 * (1 - ratio) + ratio))


def test_teams_that_disagree_are_labelled_low_consensus(model: MaturityModel) -> None:
    index = pd.Index([f"r{i}" for i in range(10)], name="respondent_id")
    calm = [[4, 2, 4, 4, 4, 3, 3]] * 5
    torn = [[1, 5, 1, 1, 1, 3, 3], [5, 1, 5, 5, 5, 3, 3]] * 2 + [[3, 3, 3, 3, 3, 3, 3]]
    answers = pd.DataFrame(calm + torn, index=index, columns=model.question_ids, dtype=float)
    people = pd.DataFrame(
        {"role": "frontline", "team": ["Calm"] * 5 + ["Torn"] * 5, "department": "D",
         "recommend": 8.0},
        index=index,
    )
    table = rwg_j(model, people, answers, by="team").set_index(["group", "dimension"])
    assert table.loc[("Calm", "culture"), "rwg"] == 1.0
    assert table.loc[("Calm", "culture"), "consensus"] == "adequate"
    assert table.loc[("Torn", "culture"), "consensus"] == "low consensus"
    assert table.loc[("Torn", "autonomy"), "rwg"] == 0.0
