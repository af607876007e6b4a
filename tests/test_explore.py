"""The explore app: widgets driven as a person drives them, and no suppressed number in any
widget's state or chart data; `assessment explore` in Chromium with no request leaving the
machine."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from assessment import ConfidentialityError, ParameterError, Store, Workspace, explore
from assessment._confidentiality._groups import BREAKDOWNS
from assessment._explore._app import Explorer
from assessment._i18n._check import DOMAIN_SOURCES
from assessment._i18n._report import role_name
from assessment._report._tables import engagement_tables
from assessment._scoring._analytics import strengths_and_opportunities
from assessment._scoring._scores import score_breakdown
from tests.conftest import MINI_MODEL

pytestmark = pytest.mark.slow  # Altair and the offline Vega bundle take seconds to load

KINDS = ("team", "role", "department", "role,team")


@pytest.fixture(scope="module")
def app(demo_workspace: Workspace) -> Explorer:
    return explore(demo_workspace, "demo")


def _label(group: str, by: str) -> str:
    """A group as the app's charts name it (role names in English)."""
    if by == "role":
        return role_name("en", group)
    if by == "role,team":
        role, _, team = group.partition(" / ")
        return f"{role_name('en', role)} / {team}"
    return group


@pytest.fixture(scope="module")
def withheld(demo_workspace: Workspace) -> dict[str, Any]:
    """What the engagement's pattern withholds, and the numbers it keeps hidden: the means
    the withheld cells would show with a smaller minimum group size (3)."""
    tables = engagement_tables(demo_workspace, "demo")
    model, respondents, answers = tables.model, tables.respondents, tables.answers
    published = tables.scores
    raw = score_breakdown(model, respondents, answers, by=BREAKDOWNS, min_group_size=3)
    hidden_rows = published[published["suppressed"]][["by", "group", "dimension"]]
    secret = hidden_rows.merge(raw, on=["by", "group", "dimension"])
    secret = secret[~secret["suppressed"]]
    assert len(secret) > 10, "the demo must withhold cells that a smaller minimum would show"
    facets = score_breakdown(model, respondents, answers, by=BREAKDOWNS, level="facet",
                             min_group_size=5, publication=tables.publication)
    raw_facets = score_breakdown(model, respondents, answers, by=BREAKDOWNS, level="facet",
                                 min_group_size=3)
    facet_hidden = facets[facets["suppressed"]][["by", "group", "facet"]].merge(
        raw_facets, on=["by", "group", "facet"])
    facet_hidden = facet_hidden[~facet_hidden["suppressed"]]
    items = strengths_and_opportunities(
        model, respondents, answers, by=BREAKDOWNS, k=len(model.items), min_group_size=5,
        publication=tables.publication)
    shown_means = {round(float(v), 2) for frame in (published, facets, items)
                   for v in frame["mean"].dropna()}
    secret_means = set(np.round(secret["mean"].to_numpy(dtype=float), 2)) | set(
        np.round(facet_hidden["mean"].to_numpy(dtype=float), 2))
    cells = {(_label(g, b), d) for b, g, d in published.loc[
        published["suppressed"], ["by", "group", "dimension"]].itertuples(index=False)}
    cells |= {(_label(g, b), f) for b, g, f in facets.loc[
        facets["suppressed"], ["by", "group", "facet"]].itertuples(index=False)}
    return {
        "cells": cells,
        # Hidden numbers no published number equals: none of them may appear anywhere.
        "distinct": secret_means - shown_means,
        "groups": {b: set(tables.publication.groups(b)) - set(
            tables.publication.published_groups(b)) for b in ("team", "role", "department")},
        "min": tables.engagement.min_group_size,
    }


def _states(app: Explorer) -> dict[str, Any]:
    """Every widget's state as the browser receives it (the charts' Vega code left out)."""
    out = {}
    for widget in app.widgets():
        state = widget.get_state()
        for key in ("_esm", "_css"):
            state.pop(key, None)
        out[widget.model_id] = state
    return out


def _numbers(values: Iterator[Any]) -> set[float]:
    found = set()
    for v in values:
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, int | float) and math.isfinite(v):
            found.add(round(float(v), 2))
    return found


def _check(app: Explorer, secret: dict[str, Any]) -> int:
    """Check the app as it is now; return how many chart rows were checked."""
    checked = 0
    for name, frames in app.chart_data().items():
        for frame in frames:
            if frame.empty or "group" not in frame.columns:
                continue
            checked += len(frame)
            if "hidden" in frame.columns:
                hidden = frame[frame["hidden"].astype(bool)]
                for column in ("mean", "value", "n"):
                    if column in hidden.columns:
                        assert hidden[column].isna().all(), (name, column)
                shown = frame[~frame["hidden"].astype(bool)]
                leaked = {(g, u) for g, u in zip(shown["group"], shown["unit"], strict=True)
                          } & secret["cells"]
                assert not leaked, (name, sorted(leaked)[:3])
            for kind, groups in secret["groups"].items():
                for g in groups:
                    label = _label(g, kind)
                    rows = frame[frame["group"] == label]
                    numeric = rows.select_dtypes("number").drop(columns=["order", "point"],
                                                                  errors="ignore")
                    assert numeric.isna().all().all() if "hidden" in frame else rows.empty, \
                        (name, label)
    states = _states(app)
    # Every mean any chart carries: none is a hidden mean (one no published mean equals).
    means = _numbers(iter(v for frames in app.chart_data().values() for f in frames
                          if "mean" in f.columns for v in f["mean"].tolist()))
    assert not means & secret["distinct"], sorted(means & secret["distinct"])[:5]
    # The gap table shows numbers for published gaps only.
    hidden_gap = "not computed (a group is too small)"
    for row in re.findall(r"<tr>(.*?)</tr>", app.gap_table.value):
        if hidden_gap in row:
            assert not re.search(r"\d\.\d", row), row
    # Units offered on their own are published ones only.
    for kind, groups in secret["groups"].items():
        if app.breakdown.value == kind:
            assert not set(v for _, v in app.unit.options) & groups
    json.dumps(states, default=str)  # the whole state is serialisable as sent
    return checked


def test_no_suppressed_number_reaches_any_widget_or_chart(
    app: Explorer, withheld: dict[str, Any]
) -> None:
    checked = 0
    app.scope.value = "organisation"
    for breakdown in KINDS:
        app.breakdown.value = breakdown
        for level in ("dimension", "facet", "item"):
            app.level.value = level
            for relative in (False, True):
                app.relative.value = relative
                checked += _check(app, withheld)
    # A unit against the organisation: every unit offered, its answers and comments.
    app.level.value = "dimension"
    app.relative.value = False
    app.scope.value = "unit"
    for breakdown in KINDS:
        app.breakdown.value = breakdown
        for _, unit in app.unit.options:
            app.unit.value = unit
            checked += _check(app, withheld)
    for dim, _ in zip(app.dimension.options, range(2), strict=False):
        app.dimension.value = dim[1]
        checked += _check(app, withheld)
    app.language.value = "nl"
    checked += _check(app, withheld)
    assert checked > 1000


def test_withheld_cells_are_drawn_hidden_and_the_note_says_why(
    app: Explorer, withheld: dict[str, Any]
) -> None:
    app.language.value = "en"
    app.scope.value = "organisation"
    app.breakdown.value = "team"
    app.level.value = "dimension"
    app.relative.value = False
    heat = app.chart_data()["heatmap"][0]
    tiny = heat[heat["group"] == "Complaints Desk"]
    assert len(tiny) == 5 and tiny["hidden"].all() and tiny["mean"].isna().all()
    assert set(tiny["shown"]) == {"hidden"}
    assert f"fewer than {withheld['min']} respondents" in app.heatmap_note.value
    published = heat[~heat["hidden"]]
    assert published["mean"].between(1, 5).all() and published["n"].ge(5).all()


def test_the_controls_change_the_views(app: Explorer) -> None:
    app.language.value = "en"
    app.scope.value = "organisation"
    app.breakdown.value = "department"
    app.level.value = "facet"
    app.relative.value = False
    heat = app.chart_data()["heatmap"][0]
    assert set(heat["group"]) == {"Customer Care", "Field Service", "Management", "Support"}
    assert heat["unit"].nunique() == sum(len(d.facets) for d in app.data.tables.model.dimensions)
    app.relative.value = True
    relative = app.chart_data()["heatmap"][0]
    assert relative["value"].abs().max() < 2 and (relative["value"] < 0).any()
    assert app.charts["heatmap"].title == "Difference from the organisation's mean, by group"
    # One unit against the organisation: two bars per dimension.
    app.relative.value = False
    app.breakdown.value = "team"
    app.scope.value = "unit"
    app.unit.value = "Billing Support"
    card = app.chart_data()["scorecard"][0]
    assert set(card["group"]) == {"Whole organisation", "Team: Billing Support"}
    assert app.heatmap_chart.spec["layer"][-1]["mark"]["stroke"]  # the unit is outlined
    # The language changes every label, the values stay.
    app.language.value = "nl"
    assert app.breakdown.options[0][0] == "Team" and app.scope.options[0][0] == "De organisatie"
    assert app.tabs.get_title(1) == "Verschil in beeld"
    assert app.unit.value == "Billing Support"


def test_tooltips_carry_the_full_question(app: Explorer) -> None:
    app.language.value = "en"
    app.scope.value = "organisation"
    app.breakdown.value = "team"
    app.level.value = "item"
    heat = app.chart_data()["heatmap"][0]
    model = app.data.tables.model
    long = [t for t in heat["text"] if len(t) > 60]
    assert long and all(t.rstrip() in {model.items[i].text.get("frontline", "en")
                                       for i in model.items} | {
        "↺ " + model.items[i].text.get("frontline", "en") for i in model.items} for t in long)
    assert any(label.endswith("…") for label in heat["label"])  # shortened on the axis only
    spec = json.dumps(app.heatmap_chart.spec)
    assert '"tooltip"' in spec and '"field": "text"' in spec
    answers = json.dumps(app.answers_chart.spec)
    assert '"field": "text"' in answers


def test_browser_values_outside_the_offered_choices_are_refused(app: Explorer) -> None:
    from traitlets import TraitError

    with pytest.raises(TraitError):
        app.breakdown.value = "respondent"  # a Dropdown refuses what it does not offer
    app.scope.value = "unit"
    app.breakdown.value = "team"
    with pytest.raises(TraitError):
        app.unit.value = "Complaints Desk"  # withheld: never offered


def test_explore_refuses_an_engagement_without_respondents(tmp_path: Path) -> None:
    with Store(tmp_path / "ws" / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"), wave="W")
        with pytest.raises(ConfidentialityError, match="has no respondents yet"):
            explore(store, "e1")
        with pytest.raises(ParameterError, match="'nope' is not an engagement"):
            explore(store, "nope")


def test_the_app_speaks_every_language_of_the_model(app: Explorer) -> None:
    """The app's words are in the report's catalogues (the catalogue check covers them) and
    every label changes with the language."""
    assert "assessment/_explore" in DOMAIN_SOURCES["report"]
    tabs = {"en": "Perception gap", "nl": "Verschil in beeld", "ru": "Разрыв восприятия",
            "uk": "Розрив сприйняття", "de": "Wahrnehmungslücke"}
    titles = {"en": "Results of", "nl": "Resultaten van", "ru": "Результаты",
              "uk": "Результати", "de": "Ergebnisse von"}
    app.scope.value = "organisation"
    app.breakdown.value = "team"
    assert set(app.languages) <= set(tabs) and len(app.languages) > 1
    for language in app.languages:
        app.language.value = language
        assert app.tabs.get_title(1) == tabs[language]
        assert titles[language] in app.title.value
        if language == "ru":  # the hidden cells' note takes the plural form of the minimum
            assert "меньше 5 респондентов" in app.heatmap_note.value
    app.language.value = "en"


def test_the_app_reads_the_same_published_frame_as_the_report(
    app: Explorer, demo_workspace: Workspace
) -> None:
    """The organisation's dimension heatmap is the report's heatmap, cell for cell."""
    from assessment import prepare_report
    from assessment._report._figures import heatmap_frame

    report = prepare_report(str(demo_workspace.path), "demo", "organisation", "en")
    theirs = heatmap_frame(report)
    app.language.value = "en"
    app.scope.value = "organisation"
    app.breakdown.value = "team"
    app.level.value = "dimension"
    app.relative.value = False
    ours = app.chart_data()["heatmap"][0]
    merged = pd.merge(
        ours.assign(dimension=[app.data.name(u, "en") for u in ours["unit"]]),
        theirs, on=["group", "dimension"], suffixes=("", "_report"))
    assert len(merged) == len(theirs) == len(ours)
    assert (merged["hidden"] == merged["hidden_report"]).all()
    both = merged[~merged["hidden"]]
    assert np.allclose(both["mean"], both["mean_report"])


# --- `assessment explore` in Chromium, offline ----------------------------------------------


@pytest.mark.browser
def test_the_explore_page_works_in_chromium_with_every_non_local_request_blocked(
    demo_copy: Workspace, tmp_path: Path
) -> None:
    import os
    import signal
    import subprocess
    import time

    from playwright.sync_api import Route, sync_playwright

    from tests.server import CHROMIUM_ARGS, EXE, free_port, http_get, require_chromium

    chromium = require_chromium()
    port = free_port()
    token = "explore-token-0123456789abcdef"
    env = {**os.environ, "ASSESSMENT_WORKSPACE": str(demo_copy.path),
           "ASSESSMENT_EXPLORE_TOKEN": token}
    log_path = tmp_path / "explore.log"
    blocked: list[str] = []
    local = (f"http://127.0.0.1:{port}/", f"ws://127.0.0.1:{port}/")

    def route(r: Route) -> None:
        url = r.request.url
        if url.startswith((*local, "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    with log_path.open("w") as log:
        proc = subprocess.Popen([EXE, "explore", "--engagement", "demo", "--port", str(port)],
                                env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    status, _, _ = http_get(port, "/")
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        pytest.fail("assessment explore did not start:\n" + log_path.read_text())
                    time.sleep(0.3)
            assert status in (302, 403)  # no token, no page
            status, _, body = http_get(port, f"/?token={token}")
            assert status == 200 and "from assessment import explore" not in body
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(chromium), headless=True,
                                             args=CHROMIUM_ARGS)
                try:
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.route("**/*", route)
                    page.goto(f"http://127.0.0.1:{port}/?token={token}", timeout=180_000,
                              wait_until="commit")
                    heatmap = page.locator(".vega-embed svg", has_text="Mean score by group")
                    try:
                        heatmap.wait_for(timeout=120_000)
                    finally:
                        page.screenshot(path=str(tmp_path / "explore-first.png"))
                    drawn = heatmap.text_content() or ""
                    assert "Complaints Desk" in drawn and "hidden" in drawn
                    # A tooltip with the group and the value, from Vega in the page.
                    cell = heatmap.locator(".mark-text text").first  # on top of its cell
                    cell.hover()
                    tip = page.locator("#vg-tooltip-element")
                    tip.wait_for(state="visible", timeout=10_000)
                    assert "Team" in (tip.text_content() or "")
                    # Another breakdown: the kernel redraws the chart.
                    page.locator(".widget-dropdown:has(label:text-is('Breakdown')) select"
                                 ).select_option(label="Department")
                    page.locator(".vega-embed svg", has_text="Management").wait_for(
                        timeout=60_000)  # a department, not a team
                    assert "Complaints Desk" not in (page.locator(
                        ".vega-embed svg", has_text="Mean score by group").text_content() or "")
                    page.screenshot(path=str(tmp_path / "explore.png"))
                finally:
                    browser.close()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    assert blocked == []
    assert "Traceback" not in log_path.read_text()
