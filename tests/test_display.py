"""Tables fit to show people, records as cards, and every report table in one spreadsheet."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from assessment import (
    ConfidentialityError,
    Store,
    Workspace,
    compare_waves,
    engagement_participation,
    export_tables,
    fit_table,
    prepare_report,
    ratings_against_survey,
    target_plan,
)
from assessment._cli._main import cli
from tests.conftest import MINI_MODEL

RAW = re.compile(r"\bNaN\b|\bNone\b|<NA>|\bTrue\b|\bFalse\b|\d\.\d{3,}")


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)


def test_tables_show_percentages_rounded_scores_dashes_yes_no_and_no_index(
    demo_workspace: Workspace,
) -> None:
    with demo_workspace.store() as store:
        frame = engagement_participation(store, "demo")
        gaps, plan = target_plan(store, "demo")
        model = store.model("demo")
    assert frame["rate"].notna().any() and frame["headcount"].isna().any()
    html = fit_table(frame, model=model).to_html()
    cells = _cells(html)
    assert not RAW.search(" ".join(cells))  # no NaN, <NA>, True/False or 0.857
    assert "75%" in cells and "–" in cells and "yes" in cells and "no" in cells
    assert "row_heading" not in html and "index_name" not in html  # no index column
    assert '<th id="T_' in html and ">Will be suppressed<" in html
    shown = _cells(fit_table(gaps, model=model).to_html())
    assert "Culture" in shown and "culture" not in shown  # names, not ids
    assert f"{gaps['mean'].iloc[0]:.2f}" in shown
    after = _cells(fit_table(plan, model=model).to_html())
    assert "Leadership" in after  # the 'after' column names the dimensions too
    # The frame itself is unchanged: code keeps using it.
    assert frame["rate"].dtype == float and 0 < frame["rate"].max() <= 1


def test_an_empty_table_says_why_in_one_line(demo_workspace: Workspace) -> None:
    with demo_workspace.store() as store:
        waves = compare_waves(store, "demo-2025")  # the demo's first wave
        assert not compare_waves(store, "demo").empty
    assert waves.empty
    html = fit_table(waves).to_html()
    assert "<caption>no earlier wave of this organisation with the same model</caption>" in html
    assert "nothing to show" in fit_table(pd.DataFrame({"a": []})).to_html()
    assert "no flags" in fit_table(pd.DataFrame({"a": []}), empty="no flags").to_html()


def test_cells_and_headers_are_escaped(store: Store) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    html = fit_table(pd.DataFrame({hostile: [hostile], "note": ["a & b"]})).to_html()
    assert hostile not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "a &amp; b" in html


def test_records_show_as_a_small_card(demo_workspace: Workspace) -> None:
    with demo_workspace.store() as store:
        eng = store.engagement("demo")
        ratings = ratings_against_survey(store, "demo")
    card = eng._repr_html_()
    assert "Engagement demo" in card and "Lumen Care Services" in card
    assert "Minimum group size" in card and "en, nl, ru, uk" in card
    assert "Engagement(" not in card
    assert not RAW.search(" ".join(_cells(fit_table(ratings).to_html())))


def test_export_tables_writes_every_report_table_with_formulas_neutralised(
    demo_copy: Workspace, tmp_path: Path
) -> None:
    with demo_copy.store() as store:
        store.set_rating("demo", "autonomy_lines", 2, "=HYPERLINK(\"http://x\")")
    out = tmp_path / "tables.xlsx"
    result = CliRunner().invoke(
        cli, ["export-tables", "--engagement", "demo", "--out", str(out)],
        env={"ASSESSMENT_WORKSPACE": str(demo_copy.path)}, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["scores", "perception gaps", "targets", "roadmap",
                               "participation", "reliability", "strengths",
                               "consultant ratings", "change since last wave"]
    values = {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    for name, rows in values.items():
        for row in rows:
            for cell in row:
                assert not (isinstance(cell, str) and cell[:1] in "=+-@"), (name, cell)
    ratings = values["consultant ratings"]
    evidence = ratings[0].index("evidence")
    assert ratings[1][evidence] == "'=HYPERLINK(\"http://x\")"
    # The same published numbers as the report: withheld rows are there with no number.
    report = prepare_report(str(demo_copy.path), "demo", "organisation", "en")
    scores = values["scores"]
    header = scores[0]
    rows = [dict(zip(header, r, strict=True)) for r in scores[1:]]
    assert len(rows) == len(report.published_scores())
    hidden = [r for r in rows if r["suppressed"] == "yes"]
    assert hidden and all(r["mean"] is None and r["n"] is None for r in hidden)
    assert {r["dimension_name"] for r in rows} >= {"Culture", "Overall"}
    roadmap = values["roadmap"]
    targets = values["targets"]
    step = {r[roadmap[0].index("dimension")]: r[roadmap[0].index("step")] for r in roadmap[1:]}
    priority = {r[targets[0].index("dimension")]: r[targets[0].index("priority")]
                for r in targets[1:] if r[targets[0].index("priority")] is not None}
    assert step == priority  # one ranking


def test_export_tables_adds_the_change_since_the_last_wave_and_refuses_other_files(
    store: Store, tmp_path: Path
) -> None:
    from assessment import demo_responses, load_model

    model = load_model(MINI_MODEL)
    store.create_organisation("Org")
    for eid, wave, seed, on in (("w1", "2025", 1, date(2025, 6, 1)),
                                ("w2", "2026", 2, date(2026, 6, 1))):
        store.create_engagement(eid, "Org", MINI_MODEL.read_text(encoding="utf-8"), wave=wave,
                                on=on)
        store.add_responses(eid, demo_responses(model, seed=seed), source="test")
    ws = Workspace(store.path.parent)
    out = export_tables(ws, "w2", tmp_path / "t.xlsx")
    assert "change since last wave" in load_workbook(out).sheetnames
    with pytest.raises(Exception, match=r"export the tables to an \.xlsx file"):
        export_tables(ws, "w2", tmp_path / "t.csv")


def test_export_tables_refuses_an_engagement_without_respondents(
    store: Store, tmp_path: Path
) -> None:
    store.create_organisation("Org")
    store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"), wave="W")
    with pytest.raises(ConfidentialityError, match="has no respondents yet"):
        export_tables(Workspace(store.path.parent), "e1", tmp_path / "t.xlsx")
    assert not (tmp_path / "t.xlsx").exists()
