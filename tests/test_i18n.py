"""The interface's languages: gettext catalogues (complete, in step with the code), plural
forms, numbers and dates by locale, the German interface, and languages as data."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from assessment import Questionnaire, Store, Workspace, generate_invites, prepare_report
from assessment._cli._main import cli
from assessment._i18n import _catalogues
from assessment._i18n._catalogues import LOCALE_DIR, interface_languages, translator
from assessment._i18n._check import check_catalogues
from assessment._i18n._form import form_translator, language_name
from assessment._i18n._locale import d3_format_locale
from assessment._i18n._report import report_translator
from assessment._model._load import inspect_model
from assessment._report._format import (
    format_count,
    format_date,
    format_datetime,
    format_number,
    format_percent,
)
from assessment._report._jobs import BatchResult, ReportJob, ReportOutcome
from assessment._report._outputs import write_index
from assessment._report._report_data import ReportData
from assessment._report._sections import SECTIONS
from assessment._report._templates import render
from tests.conftest import MINI_MODEL, ROOT, SHIPPED_MODEL
from tests.test_form import widget_text

NOT_SHOWN = ("Not shown: %(count)s question.", "Not shown: %(count)s questions.")


# --- the catalogues and the code ------------------------------------------------------------


def test_the_catalogues_agree_with_the_code_and_are_complete() -> None:
    assert check_catalogues(ROOT) == []
    assert interface_languages() == ("en", "de", "nl", "ru", "uk")


def _copy_of_the_sources(tmp_path: Path) -> Path:
    """The files the check reads (babel.cfg, the form's, the report's and the explore app's
    sources, and the catalogues)."""
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    for part in ("_form", "_report", "_explore", "_i18n"):
        shutil.copytree(ROOT / "assessment" / part, tmp_path / "assessment" / part, ignore=ignore)
    return tmp_path


def _edit_po(path: Path, edit: Any) -> None:
    from babel.messages.pofile import read_po, write_po

    with path.open("rb") as fh:
        catalog = read_po(fh, locale=path.parent.parent.name)
    edit(catalog)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100)


def test_the_catalogue_check_finds_every_kind_of_drift(tmp_path: Path) -> None:
    root = _copy_of_the_sources(tmp_path)
    assert check_catalogues(root) == []
    locale = root / "assessment/_i18n/locale"
    # The code says something new; a catalogue lost a message and keeps one no longer used.
    template = root / "assessment/_report/templates/comments.html.j2"
    template.write_text(template.read_text(encoding="utf-8").replace(
        '{%- block body -%}', '{%- block body -%}{{ _("A planted new message") }}'),
        encoding="utf-8")
    _edit_po(locale / "de/LC_MESSAGES/form.po", lambda c: c.delete("Thank you!"))
    _edit_po(locale / "nl/LC_MESSAGES/report.po",
             lambda c: c.add("A message nobody uses", "Een bericht"))

    def damage(catalog: Any) -> None:
        catalog["Role: %(name)s"].string = "Роль: %(role)s"  # another placeholder
        catalog["Group"].flags.add("fuzzy")
        catalog["Share (%%)"].string = "Доля (%)"  # a bare percent sign
        catalog[NOT_SHOWN[0]].string = ("Не показан %(count)s вопрос.", "",
                                        "Не показано %(count)s вопросов.")

    _edit_po(locale / "ru/LC_MESSAGES/report.po", damage)
    _edit_po(locale / "uk/LC_MESSAGES/report.po", lambda c: setattr(
        c[NOT_SHOWN[0]], "string", ("Не показано %(count)s питання.",) * 2))
    problems = "\n".join(check_catalogues(root))
    assert "report.pot: missing 'A planted new message'" in problems
    assert "de/LC_MESSAGES/form.po: missing 'Thank you!'" in problems
    assert "nl/LC_MESSAGES/report.po: 'A message nobody uses' is no longer used" in problems
    assert ("ru/LC_MESSAGES/report.po: 'Role: %(name)s' has the placeholders ['role'], the "
            "English ['name']") in problems
    assert "ru/LC_MESSAGES/report.po: 'Group' is fuzzy" in problems
    assert "ru/LC_MESSAGES/report.po: 'Share (%%)' is not a valid %-format" in problems
    assert f"ru/LC_MESSAGES/report.po: {NOT_SHOWN[0]!r} (plural form 1) is not translated" in (
        problems
    )
    assert f"uk/LC_MESSAGES/report.po: {NOT_SHOWN[0]!r} (plural form 2) is not translated" in (
        problems
    )
    # An entry dropped from the code is reported in the template too.
    template.write_text(template.read_text(encoding="utf-8").replace(
        '_("No comments can be shown in this report.")', '"x"'), encoding="utf-8")
    assert ("report.pot: 'No comments can be shown in this report.' is no longer in the code"
            in "\n".join(check_catalogues(root)))


def test_make_translations_extracts_with_pybabel_as_the_check_does(tmp_path: Path) -> None:
    """The template `pybabel extract -F babel.cfg` writes holds the messages the check finds."""
    from babel.messages.pofile import read_po

    pot = tmp_path / "report.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "-F", "babel.cfg",
         "--no-location", "-c", "TRANSLATORS:", "-o", str(pot), "assessment/_report",
         "assessment/_explore", "assessment/_i18n/_report.py"], cwd=ROOT, check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        extracted = {m.id for m in read_po(fh) if m.id}
    with (LOCALE_DIR / "report.pot").open("rb") as fh:
        committed = read_po(fh)
    assert extracted == {m.id for m in committed if m.id}
    notes = {m.id: m.auto_comments for m in committed if m.auto_comments}
    assert any("Questions are quoted as put to" in " ".join(n) for n in notes.values())


# --- plural forms ------------------------------------------------------------------------------


def test_russian_and_ukrainian_have_three_plural_forms_and_use_them() -> None:
    from babel.messages.pofile import read_po

    for language, forms in (("ru", 3), ("uk", 3), ("nl", 2), ("de", 2)):
        for domain in ("form", "report"):
            with (LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as fh:
                catalog = read_po(fh)
            assert catalog.num_plurals == forms, (language, domain)
            plurals = [m for m in catalog if isinstance(m.id, tuple)]
            assert plurals and all(len(m.string) == forms for m in plurals)
    ru = report_translator("ru")
    shown = {n: ru.ngettext(*NOT_SHOWN, n, count=n) for n in (1, 2, 5, 11, 21, 22, 25)}
    assert shown == {
        1: "Не показан 1 вопрос.", 2: "Не показаны 2 вопроса.", 5: "Не показано 5 вопросов.",
        11: "Не показано 11 вопросов.", 21: "Не показан 21 вопрос.",
        22: "Не показаны 22 вопроса.", 25: "Не показано 25 вопросов.",
    }


def _answers_section(language: str, dropped: int) -> str:
    return render("answers.html.j2", language, name="answers", title="", first=False,
                  scale="1–5", role="", dropped=dropped, min_group_size=5, figures=[])


def test_one_hidden_question_is_one_question_not_one_questions() -> None:
    assert "Not shown: 1 question." in _answers_section("en", 1)
    assert "Not shown: 2 questions." in _answers_section("en", 2)
    assert "Niet getoond: 1 vraag." in _answers_section("nl", 1)  # not "1 vragen"
    assert "Niet getoond: 3 vragen." in _answers_section("nl", 3)
    assert "Nicht gezeigt: 1 Frage." in _answers_section("de", 1)
    assert "at least 5 people answered it" in _answers_section("en", 1)


def _index(tmp_path: Path, outcomes: int, language: str) -> str:
    job = ReportJob(unit="organisation", language="en", stem="organisation.en",
                    parameters={"engagement": "e1"}, title="t")
    done = [ReportOutcome(job=job, status="ok", html="a.html", notebook="a.ipynb")] * outcomes
    result = BatchResult(tmp_path, done, 1.0, tmp_path / "index.html")
    return write_index(result, language=language).read_text(encoding="utf-8")


def test_an_index_of_one_report_says_one_report(tmp_path: Path) -> None:
    assert "1 report: 1 ready, 0 failed." in _index(tmp_path, 1, "en")
    assert "2 reports: 2 ready, 0 failed." in _index(tmp_path, 2, "en")
    assert "1 Bericht: 1 fertig, 0 fehlgeschlagen." in _index(tmp_path, 1, "de")
    assert "1 отчёт: готово 1" in _index(tmp_path, 1, "ru")
    assert "3 звіти: готово 3" in _index(tmp_path, 3, "uk")


def test_sixty_one_teams_take_the_singular_in_russian_and_ukrainian() -> None:
    """The heatmap's note for an organisation with too many teams (was "61 команд")."""
    teams = [f"T{i}" for i in range(61)]
    scores = pd.DataFrame({"by": ["team"] * 61 + ["department"] * 2,
                           "group": [*teams, "D1", "D2"]})
    notes = {}
    for language in ("ru", "uk", "en", "de"):
        fake = SimpleNamespace(language=language)
        rows, kind, note = ReportData._organisation_heatmap(fake, scores)  # type: ignore[arg-type]
        assert kind == "department" and set(rows["group"]) == {"D1", "D2"}
        notes[language] = note
    assert notes["ru"].startswith("В организации 61 команда —")
    assert notes["uk"].startswith("В організації 61 команда —")
    assert notes["en"].startswith("The organisation has 61 teams,")
    assert notes["de"].startswith("Die Organisation hat 61 Teams,")
    words = {n: report_translator("uk").ngettext(
        "The organisation has %(count)s team, too many for one readable chart: the heatmap "
        "shows departments, and each department report shows its teams.",
        "The organisation has %(count)s teams, too many for one readable chart: the heatmap "
        "shows departments, and each department report shows its teams.", n, count=n,
    ).split(" —")[0] for n in (62, 65, 111)}
    assert words == {62: "В організації 62 команди", 65: "В організації 65 команд",
                     111: "В організації 111 команд"}


def test_the_form_counts_people_and_characters_in_the_right_form() -> None:
    who = ("Who sees what: the consultants running this assessment see answers without names. "
           "Your organisation sees only results of groups of at least %(min_group_size)s person, "
           "never individual answers or invitation codes.")
    who_plural = who.replace("%(min_group_size)s person", "%(min_group_size)s people")
    assert "at least 1 person," in form_translator("en").ngettext(who, who_plural, 1,
                                                                   min_group_size=1)
    assert "от 3 человек " in form_translator("ru").ngettext(who, who_plural, 3,
                                                              min_group_size=3)
    assert "от 21 человека " in form_translator("ru").ngettext(who, who_plural, 21,
                                                                min_group_size=21)
    assert "з 5 осіб " in form_translator("uk").ngettext(who, who_plural, 5, min_group_size=5)


# --- numbers, dates and charts by locale -----------------------------------------------------


def test_numbers_are_formatted_by_the_reports_locale() -> None:
    assert [format_number(2.4, lang) for lang in ("en", "nl", "de", "ru")] == [
        "2.40", "2,40", "2,40", "2,40"]
    # Grouping is the language's, not a "." swapped for a ",": 1,234.50 / 1.234,50 / 1 234,50.
    assert format_number(1234.5, "en") == "1,234.50"
    assert format_number(1234.5, "nl") == "1.234,50"
    assert format_number(1234.5, "ru") == "1\u00a0234,50"
    assert format_number(-0.25, "de", sign=True) == "\u22120,25"  # the true minus sign
    # A change that rounds to nothing has no sign either way.
    assert format_number(-0.004, "en", sign=True) == format_number(0.001, "en", sign=True) == "0.00"
    assert format_number(0.25, "uk", sign=True) == "+0,25"
    assert format_number(None, "de") == "–"
    assert format_count(12345, "de") == "12.345" and format_count(12345, "en") == "12,345"
    assert format_percent(45.4, "en") == "45%" and format_percent(45.4, "de") == "45\u00a0%"
    assert format_date("2026-03-01", "de") == "1. März 2026"
    assert format_date("2026-03-01", "en") == "March 1, 2026"
    assert format_date("Q4", "de") == "Q4"  # not a date: as typed
    moment = datetime(2026, 3, 1, 14, 5, tzinfo=UTC)
    assert format_datetime(moment, "de") == "01.03.2026, 14:05 UTC"
    assert format_datetime(moment, "en") == "Mar 1, 2026, 2:05\u202fPM UTC"


def test_charts_use_the_same_locale() -> None:
    from assessment._report import _charts as charts

    assert d3_format_locale("de")["decimal"] == "," and d3_format_locale("de")["thousands"] == "."
    assert d3_format_locale("en")["decimal"] == "." and d3_format_locale("ru")["thousands"] == (
        "\u00a0")
    frame = pd.DataFrame({"measure": ["A", "B"], "mean": [2.4, 3.1],
                          "trifecta": [True, True]})
    chart = charts.outcomes_chart(frame, title="T", score_title="S")
    assert ">2,40<" in charts.to_svg(chart, language="de", uid="asmt-de")
    assert ">2.40<" in charts.to_svg(chart, language="en", uid="asmt-en")


# --- the German interface ---------------------------------------------------------------------


def test_language_names_are_in_their_own_language() -> None:
    names = {lang: language_name(lang) for lang in interface_languages()}
    assert names == {"en": "English", "de": "Deutsch", "nl": "Nederlands", "ru": "Русский",
                     "uk": "Українська"}


def test_the_german_form_speaks_formally(tmp_path: Path) -> None:
    """Survey German says "Sie": no informal "du/dein" anywhere in the form's catalogue."""
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / "de/LC_MESSAGES/form.po").open("rb") as fh:
        texts = [s for m in read_po(fh) if m.id
                 for s in (m.string if isinstance(m.string, tuple) else (m.string,))]
    informal = re.compile(r"\b(du|dich|dir|dein\w*)\b", re.IGNORECASE)
    assert not [t for t in texts if informal.search(t)]
    assert sum("Sie" in t or "Ihr" in t for t in texts) > 15
    with Store(tmp_path / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("s1", "Org", SHIPPED_MODEL.read_text(encoding="utf-8"),
                                languages=["de", "en"])
        q = Questionnaire(store, "s1")
        assert q.lang == "de"
        assert "Wählen Sie Ihre Sprache" in q.language_input.description
        assert ("Deutsch", "de") in q.language_input.options
        assert q.buttons["continue"].description == "Weiter"
        code = generate_invites(store, "s1", role="manager", team="Nord",
                                department="Vertrieb")[0].code
        q.buttons["continue"].click()
        q.code_input.value = code
        q.buttons["continue"].click()
        assert q.page == "welcome"
        welcome = widget_text(q)
        assert "Sie antworten in der Rolle „Führungskraft“, Team Nord." in welcome
        assert "mindestens 5 Personen" in welcome and "Willkommen" in welcome


@pytest.mark.slow
def test_a_german_report_renders_with_german_headings(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    report = prepare_report(str(demo_workspace.path), "demo", "organisation", "de",
                            str(tmp_path))
    sections = report.sections()
    page = "".join(s.html for s in sections)
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    words = report_translator("de")
    change = report.wave_change  # its title names the previous wave
    assert change is not None
    assert headings == [words.gettext("Change since %(wave)s", wave=change.wave)
                        if s.name == "change" else words.gettext(dict(SECTIONS)[s.name])
                        for s in sections]
    assert "Veränderung seit 2025-Q4" in headings
    assert headings[0] == "Zusammenfassung" and "Anhang: Beteiligung, Reliabilität und Methode" in (
        headings)
    english = {dict(SECTIONS)[s.name] for s in sections}
    assert not english & set(headings)
    assert 'lang="de"' in page and "Bericht zum Service-Reifegrad" in page
    assert "Stufe " in page and "Mittelwert" in page
    assert re.search(r"Mittelwert \d,\d\d auf der Skala 1–5, [\d.]+ Befragte", page)
    charts = re.findall(r"<svg.*?</svg>", page, re.DOTALL)
    assert len(charts) == len(report.charts())
    assert "Mittelwert (1–5)" in page and any(re.search(r">\d,\d+<", svg) for svg in charts)


def test_the_demo_can_report_in_german(workspace_plan: Any) -> None:
    jobs = workspace_plan(["de"])
    assert {j.language for j in jobs} == {"de"}
    assert all(j.title.startswith("Bericht zum Service-Reifegrad · ") for j in jobs)


@pytest.fixture
def workspace_plan(demo_workspace: Workspace, tmp_path: Path) -> Any:
    from assessment import plan_batch

    return lambda languages: plan_batch(demo_workspace, "demo", tmp_path, languages=languages)


# --- a language is data -------------------------------------------------------------------------


def _model_in(tmp_path: Path, language: str) -> Path:
    """The mini model with one more language (its texts copied from English)."""
    data = yaml.safe_load(MINI_MODEL.read_text(encoding="utf-8"))

    def add(node: Any) -> None:
        if isinstance(node, dict):
            if "en" in node and "nl" in node:
                node[language] = node["en"]
            for value in node.values():
                add(value)
        elif isinstance(node, list):
            for value in node:
                add(value)

    add(data)
    data["languages"] = [*data["languages"], language]
    path = tmp_path / f"mini-{language}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_model_check_refuses_a_language_without_a_catalogue_and_names_the_files(
    tmp_path: Path
) -> None:
    path = _model_in(tmp_path, "fr")
    assert inspect_model(path).problems == [
        "languages[2]: 'fr' has no interface catalogue; add "
        "assessment/_i18n/locale/fr/LC_MESSAGES/form.po and report.po (see docs/translating.md)"
    ]
    result = CliRunner().invoke(cli, ["model", "check", str(path)])
    assert result.exit_code != 0
    assert "'fr' has no interface catalogue" in result.output
    assert "'fr-FR' is not a language code" in inspect_model(
        _model_in(tmp_path, "fr-FR")).problems[0]


def test_a_language_is_added_by_adding_its_catalogues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, locale)
    (locale / "fr" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(locale / "de/LC_MESSAGES/form.po", locale / "fr/LC_MESSAGES/form.po")
    path = _model_in(tmp_path, "fr")
    monkeypatch.setattr(_catalogues, "LOCALE_DIR", locale)
    for cached in (interface_languages, translator):
        cached.cache_clear()
    try:
        assert inspect_model(path).problems == [
            "languages[2]: 'fr' has no interface catalogue; add "
            "assessment/_i18n/locale/fr/LC_MESSAGES/report.po (see docs/translating.md)"
        ]
        shutil.copy(locale / "de/LC_MESSAGES/report.po", locale / "fr/LC_MESSAGES/report.po")
        interface_languages.cache_clear()
        assert "fr" in interface_languages()
        assert inspect_model(path).problems == []
        assert translator("form", "fr").gettext("Thank you!") == "Vielen Dank!"  # copied
    finally:
        monkeypatch.undo()
        interface_languages.cache_clear()
        translator.cache_clear()
    assert "fr" not in interface_languages()


def test_opening_the_form_loads_no_catalogue_and_no_babel() -> None:
    probe = ("import sys; from assessment import open_questionnaire; "
             "print(' '.join(m for m in ('babel', 'jinja2') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True).stdout.split()
    assert loaded == []
