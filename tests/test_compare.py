"""Portfolio percentiles: only with five organisations or more, never their scores."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from assessment import ParameterError
from assessment._scoring._compare import portfolio_percentiles


def _scores(means: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"organisation": o, "dimension": "culture", "mean": m} for o, m in means.items()]
    )


def test_percentile_rank_counts_ties_as_half() -> None:
    out = portfolio_percentiles(_scores({"A": 3.0, "B": 2.0, "C": 3.0, "D": 4.0, "E": 1.0}), "A")
    assert out.loc[0, "percentile"] == 100 * (2 + 1) / 5
    assert set(out.columns) == {"dimension", "organisations", "percentile", "note"}


def test_fewer_than_five_organisations_give_no_percentile() -> None:
    out = portfolio_percentiles(_scores({"A": 3.0, "B": 2.0, "C": 3.5, "D": 4.0}), "A")
    assert math.isnan(out.loc[0, "percentile"])
    assert "at least 5" in out.loc[0, "note"]


def test_unknown_organisation_is_an_error() -> None:
    with pytest.raises(ParameterError, match="'Z'"):
        portfolio_percentiles(_scores({"A": 3.0}), "Z")


def test_an_organisation_without_a_score_gets_a_note_not_a_missing_row() -> None:
    scores = _scores({"A": float("nan"), "B": 2.0, "C": 3.0, "D": 4.0, "E": 1.0, "F": 2.5})
    out = portfolio_percentiles(scores, "A")
    assert len(out) == 1 and math.isnan(out.loc[0, "percentile"])
    assert out.loc[0, "note"].startswith("no score for this organisation")
    assert out.loc[0, "organisations"] == 5
