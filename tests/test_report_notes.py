"""The consultant's narrative and agreed actions: Markdown without raw HTML, where the report
shows them, the command line, and which reports a change rebuilds."""

from __future__ import annotations

import csv
import io
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment import (
    Workspace,
    demo_responses,
    load_model_text,
    prepare_report,
)
from assessment._cli._main import cli
from assessment._report._batch import _data_digests
from assessment._report._html import html_problems
from assessment._report._markdown import render_markdown
from assessment._report._snapshot import read_snapshot, take_snapshot, write_snapshot
from tests.conftest import MINI_MODEL

MINI = MINI_MODEL.read_text(encoding="utf-8")
HOSTILE_MARKDOWN = (
    "# Findings\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
    '<a href="#" onclick="alert(3)">click</a> [run](javascript:alert(4)) '
    "[page](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox) [file](file:///etc/passwd) "
    "<javascript:alert(5)> [ok](https://example.org/a?b=1&c=2)\n\n"
    "![remote](https://evil.example/pixel.png) ![inline](data:image/png;base64,iVBORw0KGgo=)\n"
)


# --- Markdown -------------------------------------------------------------------------------


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every element of ``page`` with its attributes, as a browser would parse them."""
    found: list[tuple[str, dict[str, str | None]]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Parser().feed(page)
    return found


def test_markdown_keeps_no_raw_html_no_script_links_and_loads_no_image() -> None:
    page = str(render_markdown(HOSTILE_MARKDOWN))
    tags = _tags(page)
    assert {tag for tag, __ in tags} == {"h3", "p", "a", "span"}  # no script, img, iframe...
    assert not [name for __, attrs in tags for name in attrs if name.startswith("on")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert [attrs.get("href") for tag, attrs in tags if tag == "a"] == [
        "https://example.org/a?b=1&c=2"]
    assert 'rel="noopener noreferrer nofollow"' in page
    assert "evil.example" not in page  # an image is its alt text, its address is dropped
    assert '<span class="asmt-image-alt">[remote]</span>' in page
    assert page.startswith("<h3>Findings</h3>")
    assert str(render_markdown("# A\n## B", top=5)) == "<h5>A</h5>\n<h6>B</h6>\n"
    assert html_problems(f"<html><body>{page}</body></html>") == []


# --- the report -----------------------------------------------------------------------------


@pytest.fixture
def waves(tmp_path: Path) -> Workspace:
    """Two waves on the mini model (en, nl): w1 with two agreed actions for culture (one
    done, one still open after w2's date), w2 with an English narrative only."""
    ws = Workspace(tmp_path / "ws")
    model = load_model_text(MINI)
    with ws.store() as store:
        store.create_organisation("Org")
        store.create_engagement("w1", "Org", MINI, wave="Spring 2025", on=date(2025, 4, 1))
        store.create_engagement("w2", "Org", MINI, wave="Spring 2026", on=date(2026, 4, 1))
        for eid, seed in (("w1", 1), ("w2", 2)):
            store.add_responses(eid, demo_responses(model, seed=seed), source="test")
        done = store.add_action("w1", dimension="culture", title="Customer days <b>monthly</b>",
                                owner="=HYPERLINK(\"http://x\")", due="2025-09-30")
        store.set_action_status("w1", done.id)
        store.add_action("w1", dimension="culture", title="Coach the leads", owner="HR",
                         due="2026-01-31")
        store.set_narrative("w2", "**Board summary** with <script>alert(1)</script>",
                            language="en")
        store.set_narrative("w2", HOSTILE_MARKDOWN, language="en", dimension="culture")
    return ws


def test_the_report_shows_the_summary_findings_and_last_waves_actions(
    waves: Workspace, tmp_path: Path
) -> None:
    report = prepare_report(str(waves.path), "w2", "organisation", "en", str(tmp_path))
    summary = report.narrative()
    assert summary is not None
    assert "<strong>Board summary</strong>" in summary.html
    assert "&lt;script&gt;" in summary.html and "<script" not in summary.html
    cards = report.recommendations().html
    assert "The consultant&#x27;s findings" in cards and "<h5>Findings</h5>" in cards
    assert "Actions agreed in Spring 2025" in cards
    assert "Customer days &lt;b&gt;monthly&lt;/b&gt;" in cards
    assert "=HYPERLINK(&quot;http://x&quot;)" in cards  # shown as text (a page, not a sheet)
    assert ">done<" in cards and ">open, overdue<" in cards and "January 31, 2026" in cards
    # autonomy: no action was agreed for it
    assert "No actions were agreed for this dimension in Spring 2025." in cards
    for section in report.sections():
        assert html_problems(f"<html><body>{section.html}</body></html>") == [], section.name
    toc = report.summary().html
    assert "#asmt-narrative" in toc


def test_a_language_without_narrative_names_the_languages_it_is_in(
    waves: Workspace, tmp_path: Path
) -> None:
    dutch = prepare_report(str(waves.path), "w2", "team:" + _a_team(waves), "nl", str(tmp_path))
    section = dutch.narrative()
    assert section is not None and "Board summary" not in section.html
    assert "English" in section.html
    assert "Board summary" not in dutch.recommendations().html
    first = prepare_report(str(waves.path), "w1", "organisation", "en", str(tmp_path))
    assert first.narrative() is None  # nothing written: no section, no entry in the contents
    assert "#asmt-narrative" not in first.summary().html
    assert "agreed in" not in first.recommendations().html  # w1 has no previous wave


def _a_team(ws: Workspace) -> str:
    from assessment import reportable_units

    return next(u for u in reportable_units(str(ws.path), "w2") if u.startswith("team:"))[5:]


def test_the_notes_travel_in_the_snapshot(waves: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    path = write_snapshot(take_snapshot(waves, "w2"), folder)
    tables = read_snapshot(path, "w2")
    assert tables.previous_wave is not None and tables.previous_wave.id == "w1"
    assert tables.previous_actions["title"].tolist() == ["Customer days <b>monthly</b>",
                                                         "Coach the leads"]
    assert sorted(tables.narratives["dimension"].fillna("summary")) == ["culture", "summary"]


# --- what a change rebuilds -------------------------------------------------------------------


def test_a_change_rebuilds_only_the_reports_that_show_it(waves: Workspace) -> None:
    reports = [(e, lang) for e in ("w1", "w2") for lang in ("en", "nl")]

    def digests() -> dict[tuple[str, str], str]:
        return _data_digests(waves, reports)

    def changed(before: dict[tuple[str, str], str]) -> set[tuple[str, str]]:
        after = digests()
        return {r for r in reports if after[r] != before[r]}

    with waves.store() as store:
        before = digests()
        store.set_narrative("w2", "Nieuw", language="nl", dimension="autonomy")
        assert changed(before) == {("w2", "nl")}  # English w2 reports do not show it
        before = digests()
        store.set_narrative("w2", "Nieuw, herzien", language="nl", dimension="autonomy")
        assert changed(before) == {("w2", "nl")}
        before = digests()
        store.set_narrative("w2", "Same again", language="en", dimension="autonomy")
        assert changed(before) == {("w2", "en")}
        before = digests()
        action = store.add_action("w1", dimension="autonomy", title="T", owner="O",
                                  due="2026-03-01")
        assert changed(before) == {("w2", "en"), ("w2", "nl")}  # w1's own reports do not
        before = digests()
        store.set_action_status("w1", action.id)
        assert changed(before) == {("w2", "en"), ("w2", "nl")}
        before = digests()
        store.add_action("w2", dimension="autonomy", title="T", owner="O", due="2027-03-01")
        assert changed(before) == set()  # shown by the next wave's reports, not w2's
        before = digests()
        store.set_targets("w2", {"culture": 4})
        assert changed(before) == {("w2", "en"), ("w2", "nl")}
        revision = store.revision("w2")
        store.clear_narrative("w2", language="nl", dimension="autonomy")
        assert store.revision("w2") == revision + 1  # the engagement's revision moves on


def test_a_first_narrative_in_one_language_rebuilds_the_others_for_their_note(
    waves: Workspace,
) -> None:
    reports = [("w1", "en"), ("w1", "nl")]
    before = _data_digests(waves, reports)
    with waves.store() as store:
        store.set_narrative("w1", "Samenvatting", language="nl")
    after = _data_digests(waves, reports)
    assert after[("w1", "en")] != before[("w1", "en")]  # it now names the Dutch narrative
    assert after[("w1", "nl")] != before[("w1", "nl")]


# --- the command line -------------------------------------------------------------------------


def _run(ws: Workspace, *args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(cli, args, env={"ASSESSMENT_WORKSPACE": str(ws.path)},
                                catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def test_the_command_line_sets_shows_lists_and_clears_the_narrative(
    waves: Workspace, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Autonomie\n\nTeams *kiezen* zelf.\n", encoding="utf-8")
    base = ("narrative", "--engagement", "w2", "--dimension", "autonomy", "--lang", "nl")
    assert "stored: findings on autonomy (nl)" in _run(waves, *base, "--file", str(notes))
    assert "unchanged" in _run(waves, *base, "--file", str(notes))
    assert _run(waves, *base, "--show") == "# Autonomie\n\nTeams *kiezen* zelf.\n"
    listed = list(csv.DictReader(io.StringIO(_run(waves, "narrative", "--engagement", "w2",
                                                  "--list", "--format", "csv"))))
    assert [(r["part"], r["language"]) for r in listed] == [
        ("summary", "en"), ("autonomy", "nl"), ("culture", "en")]
    assert "removed" in _run(waves, *base, "--clear")
    bad = _run(waves, "narrative", "--engagement", "w2", "--lang", "de", "--file", str(notes),
               ok=False)
    assert "language: 'de' is not a language of engagement w2 (en, nl)" in bad
    notes.write_bytes(b"ok\n\xff")
    assert f"{notes}, line 2: not UTF-8 text" in _run(waves, *base, "--file", str(notes),
                                                      ok=False)
    assert "exactly one of" in _run(waves, *base, "--show", "--clear", ok=False)


def test_the_command_line_adds_lists_and_closes_actions(waves: Workspace) -> None:
    added = _run(waves, "action", "add", "--engagement", "w2", "--dimension", "culture",
                 "--title", "=cmd|' /C calc'!A0", "--owner", "@owner", "--due", "2026-12-31")
    action_id = added.split()[2]
    assert "due 2026-12-31" in added
    rows = list(csv.DictReader(io.StringIO(
        _run(waves, "action", "list", "--engagement", "w2", "--format", "csv"))))
    assert [(r["title"], r["owner"], r["status"]) for r in rows] == [
        ("'=cmd|' /C calc'!A0", "'@owner", "open")]  # formulas neutralised
    assert "action " + action_id + ": done" in _run(
        waves, "action", "done", "--engagement", "w2", action_id)
    assert _run(waves, "action", "list", "--engagement", "w2", "--status", "open") == (
        "(nothing to show)\n")
    bad = _run(waves, "action", "add", "--engagement", "w2", "--dimension", "culture",
               "--title", "T", "--owner", "O", "--due", "31.12.2026", ok=False)
    assert "due: an ISO date (YYYY-MM-DD), got '31.12.2026'" in bad
    assert "no action 999" in _run(waves, "action", "done", "--engagement", "w2", "999",
                                   ok=False)


@pytest.mark.slow
def test_every_report_language_shows_the_notes_in_its_own_words(tmp_path: Path) -> None:
    from assessment._i18n._report import REPORT_LANGUAGES, report_translator
    from tests.conftest import SHIPPED_MODEL

    source = SHIPPED_MODEL.read_text(encoding="utf-8")
    ws = Workspace(tmp_path / "ws")
    model = load_model_text(source)
    with ws.store() as store:
        store.create_organisation("Org")
        store.create_engagement("a", "Org", source, wave="W-a", on=date(2025, 1, 1))
        store.create_engagement("b", "Org", source, wave="W-b", on=date(2026, 1, 1))
        for eid in ("a", "b"):
            store.add_responses(eid, demo_responses(model, seed=3), source="test")
        store.add_action("a", dimension="culture", title="Kundentage", owner="Personal",
                         due="2025-06-30")
        store.set_narrative("b", "Zusammenfassung **fett**", language="de")
    for language in REPORT_LANGUAGES:
        _ = report_translator(language).gettext
        report = prepare_report(str(ws.path), "b", "organisation", language, str(tmp_path))
        summary = report.narrative()
        assert summary is not None
        cards = report.recommendations().html
        assert _("Actions agreed in %(wave)s", wave="W-a") in cards
        assert _("Owner") in cards and _("open, overdue") in cards and "Kundentage" in cards
        if language == "de":
            assert "Zusammenfassung <strong>fett</strong>" in summary.html
        else:
            assert "Zusammenfassung" not in summary.html and "Deutsch" in summary.html
            assert _("Action") != "Action" or language == "en"


@pytest.mark.slow
def test_the_batch_runs_again_only_the_reports_a_note_changed(
    waves: Workspace, tmp_path: Path
) -> None:
    """End to end through run_batch (the digests per report are tested above, quickly)."""
    from assessment import plan_batch, run_batch
    from tests.conftest import DATA

    jobs = plan_batch(waves, "w2", tmp_path, languages=["en", "nl"], units=["organisation"])

    def batch() -> dict[str, str]:
        result = run_batch(jobs, tmp_path, notebook=DATA / "notebooks" / "trivial.ipynb",
                           workers=1, progress=False)
        return {o.job.language: o.status for o in result.outcomes}

    assert batch() == {"en": "ok", "nl": "ok"}
    with waves.store() as store:
        store.set_narrative("w2", "Herzien", language="nl", dimension="culture")
    assert batch() == {"en": "unchanged", "nl": "ok"}
