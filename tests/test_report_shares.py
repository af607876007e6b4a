"""Favourable shares in the report (scorecard, answers) and the heatmap relative to the
organisation: the numbers shown are the scoring tables', withheld ones stay withheld."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assessment import Report, Workspace, prepare_report, reportable_units
from assessment._i18n._report import report_translator
from assessment._report._format import format_number, format_percent
from assessment._scoring._favourable import SHARES, item_scores


@pytest.fixture(scope="module")
def organisation(demo_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Report:
    out = tmp_path_factory.mktemp("shares")
    return prepare_report(str(demo_workspace.path), "demo", "organisation", "en", str(out))


def _shares_text(row: pd.Series, language: str = "en") -> str:
    return " · ".join(format_percent(float(row[key]), language) for key in SHARES)


def test_the_scorecard_shows_each_dimensions_shares(organisation: Report) -> None:
    page = organisation.scorecard().html
    assert "Favourable · neutral · unfavourable" in page
    rows = organisation.unit_scores.set_index("dimension")
    for dim in organisation.dimension_ids:
        assert not bool(rows.loc[dim, "suppressed"])
        assert html.escape(_shares_text(rows.loc[dim])) in page, dim
    # Which answers count, in the model's own labels.
    assert html.escape("“Agree” or “Strongly agree”") in page


def test_the_answers_section_gives_each_questions_mean_and_shares(
    organisation: Report, demo_workspace: Workspace
) -> None:
    from assessment._report._tables import engagement_tables

    tables = engagement_tables(demo_workspace, "demo")
    expected = item_scores(tables.model, tables.respondents, tables.answers,
                           by="organisation", publication=tables.publication,
                           min_group_size=tables.engagement.min_group_size)
    pd.testing.assert_frame_equal(organisation.item_shares, expected)
    page = organisation.answers().html
    shown = expected[~expected["suppressed"]]
    # The same questions as the answer charts: item-level suppression is one rule.
    assert set(shown["item"]) == set(organisation.distribution["item"])
    for row in shown.to_dict("records"):
        assert format_number(row["mean"], "en") in page
        assert html.escape(_shares_text(pd.Series(row))) in page, row["item"]
    assert page.count("<table") == len(set(shown["dimension"]))


def test_the_relative_heatmap_is_each_groups_difference_from_the_organisation(
    organisation: Report,
) -> None:
    (frame,) = organisation.chart_data()["heatmap-relative"][:1]
    rows = organisation.heatmap_rows
    org = organisation.unit_scores.set_index("dimension")["mean"]
    expected = (rows["mean"].to_numpy(float) - rows["dimension"].map(org).to_numpy(float))
    hidden = rows["suppressed"].to_numpy(bool)
    assert hidden.any() and not hidden.all()
    assert frame["hidden"].tolist() == hidden.tolist()  # withheld cells stay withheld
    shown = frame.loc[~frame["hidden"], "difference"].to_numpy(float)
    assert shown == pytest.approx(expected[~hidden].round(2), abs=1e-9)
    assert frame.loc[frame["hidden"], "difference"].isna().all()
    hidden_word = report_translator("en").gettext("hidden")
    assert set(frame.loc[frame["hidden"], "label"]) == {hidden_word}
    labels = frame.loc[~frame["hidden"], "label"].str.rstrip("*")
    assert labels.tolist() == [format_number(d, "en", sign=True) for d in shown]
    # Diverging colours centred on 0, symmetric, reaching the largest difference shown.
    spec = organisation.charts()["heatmap-relative"].to_dict()
    scale = next(layer["encoding"]["color"]["scale"] for layer in spec["layer"]
                 if "color" in layer.get("encoding", {})
                 and layer["encoding"]["color"].get("field") == "difference")
    assert scale["domainMid"] == 0 and scale["domain"][0] == -scale["domain"][1]
    assert scale["domain"][1] >= np.abs(shown).max()
    page = organisation.heatmap().html
    assert 'data-chart="heatmap"' in page and 'data-chart="heatmap-relative"' in page


def test_withheld_rows_carry_no_shares_in_the_reports_data(
    organisation: Report, tmp_path: Path
) -> None:
    published = organisation.published_scores()
    hidden = published["suppressed"].astype(bool)
    assert hidden.any()
    for key in SHARES:
        assert published.loc[hidden, key].isna().all()
        assert published.loc[~hidden, key].notna().all()


@pytest.mark.slow
def test_every_language_and_unit_shows_the_shares_and_the_relative_heatmap(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    units = ["organisation", *reportable_units(str(demo_workspace.path), "demo", "team")[:1],
             *reportable_units(str(demo_workspace.path), "demo", "role")[:1]]
    for language in ("nl", "ru", "uk", "de"):
        words = report_translator(language).gettext
        for unit in units:
            report = prepare_report(str(demo_workspace.path), "demo", unit, language,
                                    str(tmp_path))
            row = report.unit_scores.set_index("dimension").loc[report.dimension_ids[0]]
            assert html.escape(_shares_text(row, language)) in report.scorecard().html
            header = html.escape(words("Favourable · neutral · unfavourable"))
            assert header in report.scorecard().html and header in report.answers().html
            heat = report.heatmap().html
            if 'data-chart="heatmap"' in heat:
                assert 'data-chart="heatmap-relative"' in heat, (language, unit)
