"""Scales of any length and start, answer sets with their own values, the favourable cut."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from assessment import ImportValidationError, Store, import_responses, inspect_model, load_model
from assessment._model._coding import coded_answers
from assessment._model._schema import MaturityModel
from assessment._scoring._scores import respondent_scores, score_breakdown
from tests.conftest import MINI_MODEL

SEVEN = {
    "kind": "agreement", "min": 0, "max": 6,
    "labels": {
        "en": ["Strongly disagree", "Disagree", "Somewhat disagree", "Neither", "Somewhat agree",
               "Agree", "Strongly agree"],
        "nl": ["Helemaal oneens", "Oneens", "Enigszins oneens", "Neutraal", "Enigszins eens",
               "Eens", "Helemaal eens"],
    },
}
SAMM = {
    "kind": "answer_set",
    "values": [0, 0.25, 0.5, 1],
    "labels": {
        "en": ["No", "Yes, for some", "Yes, for at least half", "Yes, for most or all"],
        "nl": ["Nee", "Ja, voor sommige", "Ja, voor minstens de helft", "Ja, voor de meeste"],
    },
}


def _variant(tmp_path: Path, scale: dict[str, Any], edit: Any = None) -> Path:
    """The mini model with every dimension item on ``scale``."""
    data = yaml.safe_load(MINI_MODEL.read_text(encoding="utf-8"))
    data["scales"]["items"] = scale
    for dim in data["dimensions"]:
        for facet in dim["facets"]:
            for item in facet["items"]:
                item["scale"] = "items"
    if edit:
        edit(data)
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _answers(model: MaturityModel, rows: list[list[float]]) -> pd.DataFrame:
    ids = list(model.items)
    frame = pd.DataFrame(rows, columns=ids, dtype=float)
    frame.index = pd.Index([f"r{i}" for i in range(len(rows))], name="respondent_id")
    return frame


def test_the_shipped_scale_keeps_its_meaning(mini_model: MaturityModel) -> None:
    scale = mini_model.score_scale
    assert list(scale.points) == [1, 2, 3, 4, 5]
    assert scale.option_values == (1.0, 2.0, 3.0, 4.0, 5.0)
    assert scale.null_variance == 2.0
    assert (scale.favourable_from, scale.unfavourable_to) == (4.0, 2.0)
    assert scale.classify(np.array([1, 2, 3, 4, 5, np.nan])).tolist()[:5] == [-1, -1, 0, 1, 1]
    assert mini_model.recommend_scale.favourable_from == 9.0  # promoters
    assert mini_model.recommend_scale.unfavourable_to == 6.0  # detractors


def test_a_seven_point_scale_from_zero(tmp_path: Path) -> None:
    model = load_model(_variant(tmp_path, SEVEN))
    scale = model.score_scale
    assert list(scale.points) == list(range(7)) and scale.null_variance == 4.0
    assert (scale.favourable_from, scale.unfavourable_to) == (5.0, 1.0)
    # cul_2 is reverse-coded: min + max - x = 6 - x.
    answers = _answers(model, [[6, 0, 6, 3, 3], [0, 6, 0, 3, np.nan]])
    coded = coded_answers(model, answers)
    assert coded.loc["r0"].tolist() == [6, 6, 6, 3, 3]
    assert coded.loc["r1", "cul_2"] == 0
    scores = respondent_scores(model, answers)
    assert scores.loc["r0", "culture"] == 6 and scores.loc["r1", "autonomy"] == 3
    with pytest.raises(Exception, match="whole number from 0 to 6"):
        coded_answers(model, _answers(model, [[7, 0, 0, 0, 0]]))


def test_an_answer_set_scores_its_values(tmp_path: Path) -> None:
    model = load_model(_variant(tmp_path, SAMM))
    scale = model.score_scale
    assert list(scale.points) == [0, 1, 2, 3]  # codes, stored and written in files
    assert scale.option_values == (0.0, 0.25, 0.5, 1.0)
    assert scale.value_of(2) == 0.5 and scale.reverse(0.25) == 0.75
    values = np.array([0, 0.25, 0.5, 1])
    assert scale.null_variance == pytest.approx(((values - values.mean()) ** 2).mean())
    assert (scale.favourable_from, scale.unfavourable_to) == (0.5, 0.25)
    assert scale.classify(np.array([0.0, 0.25, 0.5, 0.75, 1.0])).tolist() == [-1, -1, 1, 1, 1]
    answers = _answers(model, [[3, 3, 1, 2, 0], [0, 0, 0, 1, 1]])
    coded = coded_answers(model, answers)
    assert coded.loc["r0"].tolist() == [1.0, 0.0, 0.25, 0.5, 0.0]  # cul_2 reversed: 1 - 1
    assert coded.loc["r1"].tolist() == [0.0, 1.0, 0.0, 0.25, 0.25]
    scores = respondent_scores(model, answers)
    assert scores.loc["r0", "culture"] == pytest.approx(1.25 / 3)


def test_score_100_and_rwg_use_the_scale(tmp_path: Path) -> None:
    model = load_model(_variant(tmp_path, SEVEN))
    rng = np.random.default_rng(3)
    rows = rng.integers(0, 7, size=(8, 5)).astype(float).tolist()
    answers = _answers(model, rows)
    respondents = pd.DataFrame(
        {"role": "frontline", "team": "A", "department": "D", "recommend": 8.0},
        index=answers.index,
    )
    table = score_breakdown(model, respondents, answers, by="organisation", min_group_size=3)
    row = table[table["dimension"] == "culture"].iloc[0]
    assert row["score_100"] == pytest.approx(row["mean"] / 6 * 100)
    coded = coded_answers(model, answers)[["cul_1", "cul_2", "cul_3"]]
    v = coded.var(ddof=1).mean() / 4.0  # observed over the null variance (7**2 - 1) / 12
    expected = 0.0 if v >= 1 else 3 * (1 - v) / (3 * (1 - v) + v)
    assert row["rwg"] == pytest.approx(expected)


def test_import_checks_codes_on_the_scale(tmp_path: Path) -> None:
    model_path = _variant(tmp_path, SAMM)
    header = "respondent_id,role,team,cul_1,cul_2,cul_3,aut_1,aut_2,out_cx,out_ee,recommend\n"
    good = tmp_path / "good.csv"
    good.write_text(header + "a1,frontline,T,0,1,2,3,3,4,4,9\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "a1,frontline,T,0,1,4,3,3,4,4,9\n", encoding="utf-8")
    with Store(tmp_path / "ws" / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", model_path.read_text(encoding="utf-8"))
        refused = r"row 2, column 'cul_3': off the 0-3 scale"
        with pytest.raises(ImportValidationError, match=refused):
            import_responses(store, "e1", bad)
        assert import_responses(store, "e1", good).respondents == 1
        stored = store.responses("e1").answers
        assert stored.loc["a1", ["cul_1", "cul_2", "cul_3", "aut_1"]].tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("scale", "edit", "problem"),
    [
        ({**SEVEN, "max": 11, "labels": {"en": list("abcdefghijkl"), "nl": list("abcdefghijkl")}},
         None, "scales.items: 12 options, expected 2 to 11"),
        ({**SAMM, "values": [0, 0.5, 0.25, 1]}, None,
         "scales.items.values: must increase from the first option to the last"),
        ({**SAMM, "values": [0, 0.5, 1]}, None,
         "scales.items.labels.en: 4 labels, expected 3"),
        ({**SEVEN, "values": [1, 2, 3, 4, 5, 6, 7]}, None,
         "scales.items.values: only an answer_set gives its options values"),
        ({**SEVEN, "favourable": 4, "unfavourable": 4}, None,
         "scales.items: favourable (4) and unfavourable (4) options together exceed the 7 "
         "options"),
        (SEVEN, lambda d: d["dimensions"][1]["facets"][0]["items"][1].update(scale="agreement"),
         "dimensions[1].facets[0].items[1].scale: 'agreement' differs from 'items' "
         "(dimensions[0].facets[0].items[0].scale); every dimension item uses one scale, so "
         "that every mean, level bound and overall score has one meaning"),
    ],
)
def test_model_check_names_the_scale_problem(
    tmp_path: Path, scale: dict[str, Any], edit: Any, problem: str
) -> None:
    problems = inspect_model(_variant(tmp_path, scale, edit)).problems
    assert problem in problems, problems
