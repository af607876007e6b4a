"""Favourable shares: hand-computed values, reverse coding, the model's cut, suppression."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from assessment._cli._main import cli
from assessment._confidentiality._publication import publication
from assessment._exceptions import ParameterError
from assessment._model._load import load_model, load_model_text
from assessment._model._schema import MaturityModel
from assessment._scoring._analytics import strengths_and_opportunities
from assessment._scoring._favourable import SHARES, item_scores
from assessment._scoring._scores import OVERALL, score_breakdown
from tests.conftest import answers_frame

MINI = Path(__file__).parent / "data" / "models" / "mini.yaml"
NA = np.nan


@pytest.fixture(scope="module")
def model() -> MaturityModel:
    return load_model(MINI)


def _org(model: MaturityModel) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Five executives, five managers, ten frontline in two teams; a sixth manager in Care
    answers one culture question only (no culture score) and both autonomy questions."""
    rows: dict[str, list[float]] = {}
    for i in range(5):
        rows[f"e{i}"] = [5, 1, 4, 5, 4, 5, 5]  # culture 5, 5 (cul_2 reversed), 4; autonomy 5, 4
        rows[f"m{i}"] = [3, 2, 4, 3, 2, 4, 3]  # culture 3, 4, 4; autonomy 3, 2
    for i in range(10):
        rows[f"f{i}"] = [2, 4, NA, 1 + i % 2, 3, 4, 3]  # culture 2, 2 (n/a); autonomy 1|2, 3
    rows["m5"] = [5, NA, NA, 5, 5, 4, 3]
    answers = answers_frame(rows, model)
    roles = ["executive", "manager"] * 5 + ["frontline"] * 10 + ["manager"]
    teams = ["Board", "Care"] * 5 + ["Care"] * 5 + ["Field"] * 5 + ["Care"]
    people = pd.DataFrame(
        {"role": roles, "team": teams, "department": "D", "recommend": 8.0}, index=answers.index
    )
    return people, answers


def _row(table: pd.DataFrame, by: str, group: str, dimension: str) -> pd.Series:
    rows = table[(table["by"] == by) & (table["group"] == group)]
    return cast(pd.Series, rows.set_index("dimension").loc[dimension])


def test_shares_pool_the_answers_after_reverse_coding_by_hand(model: MaturityModel) -> None:
    respondents, answers = _org(model)
    table = score_breakdown(model, respondents, answers, by=["organisation", "role"])
    # Culture: 5 executives x 3 favourable (cul_2 answered 1 is reversed to 5); managers 1
    # neutral (3) + 2 favourable; frontline 2 unfavourable answers each (cul_3 not
    # applicable). m5 answered one of three: no culture score, so no culture answer counts.
    # Answers: 15 + 15 + 20 = 50; favourable 15 + 10 = 25, neutral 5, unfavourable 20.
    culture = _row(table, "organisation", "all", "culture")
    assert culture[list(SHARES)].tolist() == pytest.approx([50.0, 10.0, 40.0])
    # Autonomy: executives 10 favourable; managers 5 neutral (3) + 5 unfavourable (2), m5 2
    # favourable; frontline 10 unfavourable (1 or 2) + 10 neutral (3). 42 answers.
    autonomy = _row(table, "organisation", "all", "autonomy")
    assert autonomy[list(SHARES)].tolist() == pytest.approx(
        [100 * 12 / 42, 100 * 15 / 42, 100 * 15 / 42]
    )
    # Overall: weighted by the dimension weights (culture 1, autonomy 2), like the mean.
    overall = _row(table, "organisation", "all", OVERALL)
    expected = (culture[list(SHARES)].to_numpy(float) + 2 * autonomy[list(SHARES)].to_numpy(
        float)) / 3
    assert overall[list(SHARES)].tolist() == pytest.approx(expected.tolist())
    managers = _row(table, "role", "manager", "culture")
    assert managers[list(SHARES)].tolist() == pytest.approx([100 * 10 / 15, 100 * 5 / 15, 0.0])
    published = table[~table["suppressed"]]
    assert published[list(SHARES)].sum(axis=1).to_numpy() == pytest.approx(100.0)


def test_facet_shares_use_the_facet_items(model: MaturityModel) -> None:
    respondents, answers = _org(model)
    facets = score_breakdown(model, respondents, answers, by="organisation", level="facet")
    latitude = facets.set_index("facet").loc["latitude"]
    assert latitude["favourable"] == pytest.approx(100 * 12 / 42)


def test_item_shares_and_means_by_hand(model: MaturityModel) -> None:
    respondents, answers = _org(model)
    items = item_scores(model, respondents, answers, by="organisation").set_index("item")
    # cul_2 is reverse-worded: executives' 1 is favourable, frontline's 4 unfavourable,
    # managers' 2 favourable (4 after reversing).
    assert items.loc["cul_2", "reverse"]
    assert items.loc["cul_2", "n"] == 20
    assert items.loc["cul_2", "mean"] == pytest.approx((5 * 5 + 5 * 4 + 10 * 2) / 20)
    assert items.loc["cul_2", list(SHARES)].to_numpy(float) == pytest.approx([50.0, 0.0, 50.0])
    # Item numbers count every answer (m5's cul_1 too), as the item means do.
    assert items.loc["cul_1", "n"] == 21
    assert items.loc["cul_1", list(SHARES)].to_numpy(float) == pytest.approx(
        [100 * 6 / 21, 100 * 5 / 21, 100 * 10 / 21]
    )
    strengths = strengths_and_opportunities(model, respondents, answers, by="organisation",
                                            k=2).set_index("item")
    for item in strengths.index:
        assert strengths.loc[item, "mean"] == pytest.approx(items.loc[item, "mean"])


def test_a_models_own_cut_decides_what_is_favourable(model: MaturityModel) -> None:
    text = MINI.read_text(encoding="utf-8").replace(
        "    kind: agreement\n", "    kind: agreement\n    favourable: 1\n    unfavourable: 1\n", 1
    )
    strict = load_model_text(text)
    assert strict.score_scale.favourable_from == 5 and strict.score_scale.unfavourable_to == 1
    respondents, answers = _org(strict)
    table = score_breakdown(strict, respondents, answers, by="organisation")
    # Only 5 is favourable and only 1 unfavourable: culture has 15 fives (executives' 5, 5
    # and reversed 1), no ones; autonomy 5 fives (executives' aut_1) + 2 (m5), 5 ones.
    culture = _row(table, "organisation", "all", "culture")
    assert culture[list(SHARES)].tolist() == pytest.approx([100 * 10 / 50, 100 * 40 / 50, 0.0])
    autonomy = _row(table, "organisation", "all", "autonomy")
    assert autonomy[list(SHARES)].tolist() == pytest.approx(
        [100 * 7 / 42, 100 * 30 / 42, 100 * 5 / 42]
    )


def test_a_four_point_scale_has_no_neutral_answer() -> None:
    text = MINI.read_text(encoding="utf-8")
    text = text.replace("    max: 5\n    labels:\n      en: [Strongly disagree, Disagree, "
                        "Neutral, Agree, Strongly agree]\n      nl: [Helemaal oneens, Oneens, "
                        "Neutraal, Eens, Helemaal eens]",
                        "    max: 4\n    labels:\n      en: [Strongly disagree, Disagree, "
                        "Agree, Strongly agree]\n      nl: [Helemaal oneens, Oneens, "
                        "Eens, Helemaal eens]", 1)
    four = load_model_text(text)
    assert len(four.score_scale.points) == 4
    rng = np.random.default_rng(4)
    index = pd.Index([f"r{i}" for i in range(30)], name="respondent_id")
    answers = pd.DataFrame(rng.integers(1, 5, size=(30, 7)).astype(float), index=index,
                           columns=four.question_ids)
    answers[["out_cx", "out_ee"]] = 3.0
    people = pd.DataFrame({"role": "frontline", "team": "T", "department": "D",
                           "recommend": 8.0}, index=index)
    table = score_breakdown(four, people, answers, by="organisation")
    assert (table["neutral"] == 0).all()
    coded = answers[["aut_1", "aut_2"]].to_numpy()
    assert _row(table, "organisation", "all", "autonomy")["favourable"] == pytest.approx(
        100 * (coded >= 3).mean()
    )


def _random_org(model: MaturityModel, n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    index = pd.Index([f"r{i}" for i in range(n)], name="respondent_id")
    values = rng.integers(1, 6, size=(n, len(model.question_ids))).astype(float)
    values[rng.random(values.shape) < 0.15] = np.nan
    answers = pd.DataFrame(values, index=index, columns=model.question_ids)
    people = pd.DataFrame(
        {
            "role": rng.choice(["executive", "manager", "frontline"], n, p=[0.1, 0.2, 0.7]),
            "team": rng.choice(["A", "B", "C", "D", "E"], n, p=[0.4, 0.3, 0.2, 0.07, 0.03]),
            "department": "D",
            "recommend": 7.0,
        },
        index=index,
    )
    return people, answers


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_withheld_mean_means_withheld_shares_in_every_table(
    model: MaturityModel, seed: int
) -> None:
    respondents, answers = _random_org(model, 60, seed)
    pub = publication(model, respondents, answers, min_group_size=5)
    for level in ("dimension", "facet"):
        table = score_breakdown(model, respondents, answers, publication=pub, level=level)
        assert table["suppressed"].any()  # small teams and their complements
        hidden = table["mean"].isna()
        for key in SHARES:
            assert table[key].isna().equals(hidden), (level, key)
    items = item_scores(model, respondents, answers, by=["organisation", "role", "team"],
                        publication=pub)
    assert items["suppressed"].any()
    for key in ("mean", *SHARES):
        assert items[key].isna().equals(items["suppressed"]), key
    assert items["n"].isna().equals(items["suppressed"])
    # A team withheld as a complement (it has at least the minimum) has no shares either.
    teams = score_breakdown(model, respondents, answers, by="team", publication=pub)
    counts = respondents["team"].value_counts()
    complements = [t for t in teams.loc[teams["suppressed"], "group"].unique()
                   if counts.get(t, 0) >= 5]
    for team in complements:
        rows = teams[teams["group"] == team]
        assert rows[list(SHARES)].isna().all().all()


def test_shares_of_a_withheld_group_do_not_depend_on_its_answers(model: MaturityModel) -> None:
    respondents, answers = _random_org(model, 60, 1)
    small = respondents.index[respondents["team"] == "E"]
    assert 0 < len(small) < 5
    before = score_breakdown(model, respondents, answers)
    changed = answers.copy()
    changed.loc[small, [c for c in model.items]] = 5.0
    after = score_breakdown(model, respondents, changed)
    hidden = before["suppressed"].to_numpy()
    assert after["suppressed"].to_numpy().tolist() == hidden.tolist()
    for key in SHARES:
        assert after.loc[hidden, key].isna().all()
    # The organisation's shares move (its own answers changed), the withheld team's stay out.
    org = (before["by"] == "organisation") & (before["dimension"] == "culture")
    assert not math.isclose(before.loc[org, "favourable"].iloc[0],
                            after.loc[org, "favourable"].iloc[0])


def test_the_score_command_prints_the_shares_under_the_means_suppression(
    tmp_path: Path, model: MaturityModel
) -> None:
    from assessment._store._store import Store

    respondents, answers = _random_org(model, 60, 2)
    ws = tmp_path / "ws"
    runner = CliRunner()
    for args in (["org", "create", "Acme"],
                 ["engagement", "create", "e", "--org", "Acme", "--model", str(MINI)]):
        result = runner.invoke(cli, ["--workspace", str(ws), *args])
        assert result.exit_code == 0, result.output
    from assessment._responses import ResponseSet

    data = ResponseSet(
        respondents=respondents, answers=answers,
        not_applicable=pd.DataFrame(False, index=answers.index, columns=answers.columns),
        comments=pd.DataFrame(columns=["respondent_id", "dimension_id", "text"]),
    )
    with Store(ws / "assessment.db") as store:
        store.add_responses("e", data, source="test")
    expected = score_breakdown(model, respondents, answers, by="team")
    for fmt in ("json", "csv"):
        result = runner.invoke(cli, ["--workspace", str(ws), "score", "--engagement", "e",
                                     "--by", "team", "--format", fmt])
        assert result.exit_code == 0, result.output
        if fmt == "json":
            records = pd.DataFrame(json.loads(result.output))
        else:
            from io import StringIO

            records = pd.read_csv(StringIO(result.output))
        assert {"favourable", "neutral", "unfavourable"} <= set(records.columns)
        hidden = records["suppressed"].astype(bool)
        assert hidden.any() and (~hidden).any()
        for key in SHARES:
            assert records.loc[hidden, key].isna().all()
            assert records.loc[~hidden, key].to_numpy(float) == pytest.approx(
                expected.loc[~expected["suppressed"], key].to_numpy(float)
            )


def test_one_groups_item_scores_are_its_rows_of_the_whole_table(model: MaturityModel) -> None:
    respondents, answers = _random_org(model, 60, 3)
    pub = publication(model, respondents, answers, min_group_size=5)
    whole = item_scores(model, respondents, answers, by="team", publication=pub)
    for team in whole["group"].unique():
        one = item_scores(model, respondents, answers, by="team", group=team, publication=pub)
        expected = whole[whole["group"] == team].reset_index(drop=True)
        pd.testing.assert_frame_equal(one, expected)
    with pytest.raises(ParameterError, match="'Nowhere' is not a team group"):
        item_scores(model, respondents, answers, by="team", group="Nowhere", publication=pub)


def test_the_classes_are_the_scales_own_classify(model: MaturityModel) -> None:
    from assessment._scoring._favourable import _classes

    rng = np.random.default_rng(0)
    values = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, 3.0 - 1e-12, np.nan], size=(200, 5))
    fav, unf = _classes(model, values)
    classes = model.score_scale.classify(values)
    assert fav.tolist() == (classes == 1).tolist()
    assert unf.tolist() == (classes == -1).tolist()
