"""The report: parameters, sections, papermill runs per unit kind and language, confidentiality,
escaping in Chromium, offline rendering, and nbval over the committed notebook."""

from __future__ import annotations

import csv
import gettext
import html
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import papermill
import pytest

from assessment import (
    ConfidentialityError,
    ParameterError,
    ResponseSet,
    Store,
    Workspace,
    demo_responses,
    load_model_text,
    models_dir,
    plan_batch,
    prepare_report,
    publication,
    reportable_units,
    run_batch,
    unit_slug,
)
from assessment._i18n._report import REPORT_LANGUAGES, report_translator
from assessment._report._batch import _job
from assessment._report._figures import layer_frame
from assessment._report._pdf import PdfPrinter
from assessment._report._prepare import PARAMETERS, check_parameters
from assessment._report._render import ReportRenderer
from assessment._report._sections import SECTIONS
from assessment._report._tables import engagement_tables
from assessment._scoring._analytics import target_gaps
from tests.conftest import ROOT, DemoFactory
from tests.test_render import chromium_or_skip

NOTEBOOK = ROOT / "notebooks" / "report.ipynb"
MODEL_SOURCE = (models_dir() / "service-maturity.yaml").read_text(encoding="utf-8")
#: Every unit kind at least once and every language at least once.
MATRIX = [
    ("organisation", "en"),
    ("team:Customer Care Kyiv", "nl"),
    ("role:frontline", "ru"),
    ("department:Customer Care", "uk"),
    ("organisation", "de"),
]
#: Report messages the tests quote (English msgids of the ``report`` catalogues).
ALL_HIDDEN = (
    "No group of this heatmap can be shown: each has fewer than %(min)s respondent, or is "
    "withheld so that a smaller group cannot be worked out.",
    "No group of this heatmap can be shown: each has fewer than %(min)s respondents, or is "
    "withheld so that a smaller group cannot be worked out.",
)
GENERATED = "Model %(model)s %(version)s; report generated with assessment %(package)s."
HOSTILE_TEAM = "</script><script>alert(1)</script>"
HOSTILE_COMMENT = "<img src=x onerror=alert(1)>"
HOSTILE_ORG = "Acme <b>bold</b><script>alert(2)</script>"
TOKEN = "PLANTED7f3a"
#: The consultant's narrative and an action of the previous wave, hostile: raw HTML, a
#: script, an event handler, script links, a remote image and a spreadsheet formula.
HOSTILE_NARRATIVE = (
    "**Narrative for the board** <script>alert(3)</script> <b onmouseover=alert(4)>x</b> "
    "[run](javascript:alert(5)) <javascript:alert(6)> [doc](data:text/html,<script>alert(7)"
    "</script>) ![pixel](https://tracker.example/p.png)"
)
HOSTILE_ACTION = "<img src=y onerror=alert(8)> =cmd|' /C calc'!A0"


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_workspace: Workspace) -> Workspace:
    """The session's demo workspace: read-only (a test that writes takes ``demo_copy``)."""
    return demo_workspace


def _extra(base: ResponseSet, team: str, n: int, prefix: str, comment: str) -> ResponseSet:
    """``n`` frontline respondents of ``base`` moved into ``team``, the first with a comment."""
    pick = base.respondents[base.respondents["role"] == "frontline"].index[:n]
    ids = pd.Index([f"{prefix}-{i}" for i in range(n)], name="respondent_id")
    frames = [base.respondents.loc[pick], base.answers.loc[pick], base.not_applicable.loc[pick]]
    respondents, answers, na = (f.set_axis(ids, axis=0) for f in frames)
    respondents = respondents.assign(team=team, department="Support")
    comments = pd.DataFrame({"respondent_id": [ids[0]], "dimension_id": ["culture"],
                             "text": [comment]})
    return ResponseSet(respondents, answers, na, comments)


@pytest.fixture(scope="module")
def special(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A hostile organisation and team name, a hostile comment, and planted values: a team
    of 3 (withheld) and one of 6 (shown, but too small for comments), each with a comment
    and respondent ids holding :data:`TOKEN`. A hostile narrative and, from a previous wave,
    a hostile agreed action."""
    ws = Workspace(tmp_path_factory.mktemp("special") / "ws")
    base = demo_responses(load_model_text(MODEL_SOURCE), seed=11)
    with ws.store() as store:
        store.create_organisation(HOSTILE_ORG)
        store.create_engagement("x", HOSTILE_ORG, MODEL_SOURCE, wave="W1")
        store.set_narrative("x", HOSTILE_NARRATIVE, language="en")
        store.set_narrative("x", HOSTILE_NARRATIVE, language="en", dimension="culture")
        store.add_responses("x", base, source="test")
        for team, n, prefix, comment in (
            (HOSTILE_TEAM, 12, "hostile", HOSTILE_COMMENT),
            ("Tiny Team", 3, f"{TOKEN}-tiny", f"{TOKEN} tiny team comment"),
            ("Small Team", 6, f"{TOKEN}-small", f"{TOKEN} small team comment"),
        ):
            store.add_responses("x", _extra(base, team, n, prefix, comment), source="test")
        # The wave before: the Tiny Team was reportable then (8), the Small Team was not (3).
        earlier = demo_responses(load_model_text(MODEL_SOURCE), seed=12)
        store.create_engagement("x0", HOSTILE_ORG, MODEL_SOURCE, wave="W0", on=date(2020, 1, 1))
        store.add_responses("x0", earlier, source="test")
        for team, n, prefix in ((HOSTILE_TEAM, 12, "hostile0"),
                                ("Tiny Team", 8, f"{TOKEN}-tiny0"),
                                ("Small Team", 3, f"{TOKEN}-small0")):
            store.add_responses("x0", _extra(earlier, team, n, prefix, "earlier"), source="test")
        store.add_action("x0", dimension="culture", title=HOSTILE_ACTION, owner=HOSTILE_ACTION,
                         due="2020-06-30")
    return ws


@pytest.fixture(scope="module")
def renderer() -> Iterator[ReportRenderer]:
    with ReportRenderer() as r:
        yield r


def _params(ws: Workspace, engagement: str, unit: str, language: str, out: Path) -> dict[str, str]:
    return {"workspace": str(ws.path), "engagement": engagement, "unit": unit,
            "language": language, "output_dir": str(out)}


@pytest.fixture(scope="module")
def rendered(
    demo: Workspace, renderer: ReportRenderer, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], Any]:
    """The matrix of reports, each rendered once in one warm kernel."""
    out = tmp_path_factory.mktemp("matrix")
    results = {}
    for unit, language in MATRIX:
        stem = f"{unit_slug(unit)}.{language}"
        results[(unit, language)] = renderer.render(
            NOTEBOOK, out, stem, _params(demo, "demo", unit, language, out), language=language
        )
    return results


# --- parameters --------------------------------------------------------------------------


def test_the_notebook_documents_its_parameters_for_papermill() -> None:
    params = papermill.inspect_notebook(str(NOTEBOOK))
    assert list(params) == ["workspace", "engagement", "unit", "language", "output_dir",
                            "snapshot"]
    for p in params.values():
        assert p["inferred_type_name"] == "str" and p["help"]
    # Empty: the workspace's only or most recent engagement, so Run All works after the
    # consultant workbook made one.
    assert params["engagement"]["default"] == '""'
    assert "most recent" in params["engagement"]["help"]


@pytest.mark.parametrize(
    ("changes", "error", "names"),
    [
        ({"engagement": "nope"}, ParameterError, ["engagement", "'nope'", "demo"]),
        ({"language": "fr"}, ParameterError, ["language", "'fr'", "en, de, nl, ru, uk"]),
        ({"unit": "squad:A"}, ParameterError, ["unit", "'squad:A'"]),
        ({"unit": "team"}, ParameterError, ["unit", "'team'"]),
        ({"unit": "role:boss"}, ParameterError, ["unit", "'role:boss'", "executive"]),
        ({"unit": "team:Nobody"}, ParameterError, ["unit", "'team:Nobody'", "Billing Support"]),
        ({"unit": "department:Nowhere"}, ParameterError, ["unit", "'department:Nowhere'"]),
        ({"unit": "team:Complaints Desk"}, ConfidentialityError,
         ["unit", "'team:Complaints Desk'", "minimum group size (5)"]),
        # 12 respondents, but withheld so that the Complaints Desk cannot be worked out.
        ({"unit": "team:Social Media Care"}, ConfidentialityError,
         ["'team:Social Media Care'", "smaller group"]),
        ({"workspace": "/nonexistent/ws"}, ParameterError, ["workspace", "'/nonexistent/ws'"]),
        ({"engagement": 3}, ParameterError, ["engagement", "3"]),
    ],
)
def test_invalid_parameters_are_refused_naming_the_parameter_and_value(
    demo: Workspace, tmp_path: Path, changes: dict[str, Any], error: type[Exception],
    names: list[str],
) -> None:
    params: dict[str, Any] = {"workspace": str(demo.path), "engagement": "demo",
                              "unit": "organisation", "language": "en",
                              "output_dir": str(tmp_path)}
    with pytest.raises(error) as info:
        prepare_report(**(params | changes))
    for name in names:
        assert name in str(info.value)


def test_a_model_without_the_language_is_refused(tmp_path: Path) -> None:
    mini = (ROOT / "tests" / "data" / "models" / "mini.yaml").read_text(encoding="utf-8")
    model = load_model_text(mini)
    with Store(tmp_path / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("m", "Org", mini)
        store.add_responses("m", demo_responses(model), source="test")
    with pytest.raises(ParameterError, match=r"language: 'ru' is not a language of model 'mini'"):
        prepare_report(str(tmp_path), "m", "organisation", "ru")


def test_the_default_workspace_comes_from_the_environment(
    demo: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ASSESSMENT_WORKSPACE", str(demo.path))
    report = prepare_report()
    assert report.unit.kind == "organisation" and report.respondents == 251
    assert report.output_dir == demo.path / "reports" / "demo"


def test_an_empty_workspace_is_the_nearest_one_in_the_folder_or_above(
    demo: Workspace, make_demo: DemoFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """JupyterLab runs the notebook in ``notebooks/``: the checkout's ``workspace/`` is above."""
    checkout = tmp_path / "checkout"
    make_demo(checkout / "workspace")
    (checkout / "notebooks" / "deeper").mkdir(parents=True)
    monkeypatch.delenv("ASSESSMENT_WORKSPACE", raising=False)
    for cwd in (checkout, checkout / "notebooks", checkout / "notebooks" / "deeper"):
        monkeypatch.chdir(cwd)
        report = prepare_report()
        assert report.output_dir == (checkout / "workspace" / "reports" / "demo").resolve()
        assert Workspace.find().path == (checkout / "workspace").resolve()
    # The environment variable and an explicit folder still come first; the command line's
    # default (Workspace.resolve) stays ./workspace.
    monkeypatch.setenv("ASSESSMENT_WORKSPACE", str(demo.path))
    assert prepare_report().output_dir == (demo.path / "reports" / "demo").resolve()
    assert Workspace.resolve().path == demo.path.resolve()
    monkeypatch.delenv("ASSESSMENT_WORKSPACE")
    assert Workspace.resolve().path == (checkout / "notebooks" / "deeper" / "workspace").resolve()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match=r"no workspace/assessment\.db in .* or a parent"):
        prepare_report()


def test_a_parameter_the_notebook_does_not_have_is_refused() -> None:
    given: dict[str, object] = {name: "" for name in PARAMETERS}
    check_parameters({**given, "_": 1, "report": object(), "json": json})  # not parameters
    with pytest.raises(ParameterError) as info:
        check_parameters({**given, "bogus": 1, "langauge": "nl"})
    assert str(info.value) == (
        "bogus, langauge: not a parameter of this notebook (known: workspace, engagement, "
        "unit, language, output_dir, snapshot)"
    )


def test_unit_slugs_are_ascii_unique_and_stable() -> None:
    assert unit_slug("organisation") == "organisation"
    slug = unit_slug("team:Служба підтримки / Kyiv")
    assert re.fullmatch(r"team-[a-z0-9-]*-[0-9a-f]{8}", slug)
    assert unit_slug(f"team:{HOSTILE_TEAM}").startswith("team-script-script-alert-1-script-")
    assert unit_slug("team:A B") != unit_slug("team:A-B") != unit_slug("department:A B")
    assert unit_slug("team:A B") == unit_slug("team:A B")


def test_only_published_units_are_reportable(demo: Workspace) -> None:
    teams = reportable_units(str(demo.path), "demo", "team")
    assert "team:Customer Care Kyiv" in teams
    assert "team:Complaints Desk" not in teams and "team:Social Media Care" not in teams
    assert reportable_units(str(demo.path), "demo", "role") == [
        "role:executive", "role:manager", "role:frontline"
    ]
    with pytest.raises(ParameterError, match="by: 'squad'"):
        reportable_units(str(demo.path), "demo", "squad")


def text(language: str, message: str, **values: object) -> str:
    """A report message in ``language``, as the report shows it (before HTML escaping)."""
    return report_translator(language).gettext(message, **values)


def _messages(language: str) -> list[Any]:
    """The report catalogue's entries in ``language`` (the template's for English)."""
    from babel.messages.pofile import read_po

    from assessment._i18n._catalogues import LOCALE_DIR, catalogue_path

    path = LOCALE_DIR / "report.pot" if language == "en" else catalogue_path(language, "report")
    with path.open("rb") as fh:
        return [m for m in read_po(fh) if m.id]


def test_every_report_string_exists_in_every_language_with_the_same_placeholders() -> None:
    from assessment._i18n._check import placeholders

    keys = {m.id for m in _messages("en")}
    assert len(keys) > 150 and set(REPORT_LANGUAGES) >= {"en", "nl", "ru", "uk", "de"}
    for language in REPORT_LANGUAGES[1:]:
        strings = {m.id: m.string for m in _messages(language)}
        assert set(strings) == keys, language
        for key in keys:
            english = key[-1] if isinstance(key, tuple) else key
            forms = strings[key] if isinstance(strings[key], tuple) else (strings[key],)
            for form in forms:
                assert form.strip() and placeholders(form) == placeholders(english), key


# --- sections ------------------------------------------------------------------------------


def test_without_targets_the_scorecard_says_so_and_invents_none(
    demo: Workspace, tmp_path: Path
) -> None:
    report = prepare_report(str(demo.path), "demo", "organisation", "en", str(tmp_path),
                            targets={})
    page = report.scorecard().html
    assert html.escape(text(
        "en", "No targets have been set for this engagement yet, so the scorecard shows the "
        "current level only. Targets are agreed with the client per dimension.")) in page
    headers = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", page)
    assert headers == ["Dimension", "Mean", "Favourable · neutral · unfavourable",
                       "Level"]  # no target or gap columns
    assert "target" not in str(report.charts()["scorecard"].to_dict()["datasets"])


def test_with_targets_the_scorecard_shows_the_gaps_and_priorities(
    demo: Workspace, tmp_path: Path
) -> None:
    targets = {"culture": 4, "autonomy": 3}
    report = prepare_report(str(demo.path), "demo", "organisation", "en", str(tmp_path),
                            targets=targets)
    expected = target_gaps(report.model, report.unit_scores, targets)
    page = report.scorecard().html
    assert html.escape(text(
        "en", "The gap is the distance from the current mean to the lowest score of the target "
        "level. Priority is the roadmap's order: a dimension comes after the dimensions it "
        "builds on, then the largest gap weighted by the dimension's weight comes first.")) in page
    first = expected.loc[expected["priority"] == 1, "dimension"].item()
    assert report.model.dimension(first).name.get("en") in page
    assert "Level 4: Embedded" in page


def test_the_summary_gives_each_dimension_its_level_and_descriptor(
    demo: Workspace, tmp_path: Path
) -> None:
    report = prepare_report(str(demo.path), "demo", "organisation", "nl", str(tmp_path))
    page = report.summary().html
    assert page.count("<style>") == 1  # the style sheet, once per report
    rows = report.unit_scores.set_index("dimension")
    for dim in report.model.dimensions:
        level = int(rows.loc[dim.id, "level"])
        assert html.escape(dim.levels[level - 1].description.get("nl")) in page
        assert html.escape(f"Niveau {level}: {report.model.level_name(level, 'nl')}") in page
    assert "Lumen Care Services" in page and "Hele organisatie" in page
    assert all("<style>" not in s.html for s in report.sections()[1:])


def test_recommendations_are_the_actions_of_the_current_level(
    demo: Workspace, tmp_path: Path
) -> None:
    report = prepare_report(str(demo.path), "demo", "organisation", "uk", str(tmp_path))
    page = report.recommendations().html
    rows = report.unit_scores.set_index("dimension")
    for dim in report.model.dimensions:
        level = int(rows.loc[dim.id, "level"])
        for action in dim.levels[level - 1].actions.get("uk"):
            assert html.escape(action) in page
        assert html.escape(text("uk", "Towards level %(level)s: %(name)s", level=level + 1,
                                name=report.model.level_name(level + 1, "uk"))) in page


def test_comments_are_released_by_team_and_never_in_role_reports(
    demo: Workspace, tmp_path: Path
) -> None:
    org = prepare_report(str(demo.path), "demo", "organisation", "en", str(tmp_path))
    assert org.comments_frame is not None and len(org.comments_frame) == 10
    assert set(org.comments_frame["group"]) <= {
        u.removeprefix("team:") for u in reportable_units(str(demo.path), "demo", "team")
    } | {"Social Media Care"}  # 12 respondents: enough for comments, withheld for scores
    team = prepare_report(str(demo.path), "demo", "team:Customer Care Kyiv", "en", str(tmp_path))
    assert team.comments_frame is not None
    assert set(team.comments_frame["group"]) <= {"Customer Care Kyiv"}
    role = prepare_report(str(demo.path), "demo", "role:frontline", "en", str(tmp_path))
    assert role.comments_frame is None
    assert html.escape(text(
        "en", "Comments are not shown in role reports: read together with the team reports, "
        "they could point to individual people.")) in role.comments().html


def test_the_data_file_holds_published_rows_only(demo: Workspace, tmp_path: Path) -> None:
    report = prepare_report(str(demo.path), "demo", "organisation", "en", str(tmp_path))
    report.save_data()
    frame = pd.read_csv(report.data_path)
    assert report.data_path == tmp_path / "organisation.scores.csv"
    hidden = frame[frame["group"] == "Complaints Desk"]
    assert len(hidden) == 5 and hidden["suppressed"].all()
    assert hidden[["n", "mean", "sd", "ci_low", "ci_high", "level"]].isna().all().all()


FORMULA_TEAM = "=cmd|' /C calc'!A0"


def test_every_data_file_neutralises_spreadsheet_formulas(tmp_path: Path) -> None:
    """A team named like a spreadsheet formula is written with a leading apostrophe in the
    organisation's and the team's ``scores.csv``; numbers stay numbers."""
    ws = Workspace(tmp_path / "ws")
    base = demo_responses(load_model_text(MODEL_SOURCE), seed=5)
    with ws.store() as store:
        store.create_organisation("Acme")
        store.create_engagement("f", "Acme", MODEL_SOURCE, wave="W1")
        store.add_responses("f", base, source="test")
        extra = _extra(base, FORMULA_TEAM, 12, "formula", "fine")
        extra = ResponseSet(extra.respondents.assign(department="Lab"), extra.answers,
                            extra.not_applicable, extra.comments)
        store.add_responses("f", extra, source="test")
    for unit in ("organisation", f"team:{FORMULA_TEAM}"):
        report = prepare_report(str(ws.path), "f", unit, "en", str(tmp_path / "out"))
        report.save_data()
        with open(report.data_path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        cells = [c for row in rows for c in row]
        assert "'" + FORMULA_TEAM in cells, unit
        assert not any(c.startswith(("=", "+", "@")) for c in cells), unit
        frame = pd.read_csv(report.data_path)
        assert pd.api.types.is_float_dtype(frame["mean"].dtype)


def _every_demo_unit(ws: Workspace) -> list[str]:
    return ["organisation", *(u for by in ("team", "role", "department")
                              for u in reportable_units(str(ws.path), "demo", by))]


@pytest.mark.slow
def test_no_report_section_is_a_chart_of_hidden_cells_only(
    demo: Workspace, tmp_path: Path
) -> None:
    """Every demo report: a chart is drawn exactly when it has a published number, and a
    section without one says so in a line instead of showing a grid of "hidden" cells."""
    units = _every_demo_unit(demo)
    assert {u.split(":")[0] for u in units} == {"organisation", "team", "role", "department"}
    for unit in units:
        report = prepare_report(str(demo.path), "demo", unit, "en", str(tmp_path))
        for name, frames in report.chart_data().items():
            for frame in frames:
                if "hidden" in frame.columns:
                    assert not frame["hidden"].all(), (unit, name)
        heat = report.heatmap().html
        published = not report.heatmap_rows.empty and not report.heatmap_rows["suppressed"].all()
        assert ('data-chart="heatmap"' in heat) == published, unit
        if not published:
            hidden = report_translator("en").ngettext(*ALL_HIDDEN, 5, min=5)
            assert html.escape(hidden) in heat, unit
        layers = layer_frame(report)
        assert ('data-chart="iceberg"' in report.perception_gap().html) == (not layers.empty)


@pytest.mark.slow
def test_a_team_report_shows_the_organisations_heatmap_with_its_own_row_outlined(
    demo: Workspace, tmp_path: Path
) -> None:
    for unit in reportable_units(str(demo.path), "demo", "team"):
        team = unit.removeprefix("team:")
        report = prepare_report(str(demo.path), "demo", unit, "nl", str(tmp_path))
        assert report.heatmap_kind == "team" and report.heatmap_highlight == {team}
        assert set(report.heatmap_rows["group"]) == set(
            report.published_scores().query("by == 'team'")["group"]
        )
        (frame,) = report.chart_data()["heatmap"][:1]
        own = frame[frame["highlight"]]
        assert set(own["group"]) == {f"▶ {team}"} and not own["hidden"].any()
        heat = report.heatmap().html
        assert html.escape(text(
            "nl", "For comparison, the heatmap shows every team of the organisation; this team "
            "is marked ▶ and outlined.")) in heat
        gap = report.perception_gap().html
        assert 'data-chart="iceberg"' in gap
        if report.layers_are_organisation:  # the team's own layers are withheld
            assert html.escape(text(
                "nl", "The layers of this team are not shown separately: at least one of them "
                "is too small. The layers below are those of the whole organisation, for "
                "comparison.")) in gap
            assert html.escape(text(
                "nl", "The layers are not shown separately here: at least one of them is too "
                "small.")) not in gap


@pytest.mark.slow
def test_a_role_report_whose_cells_are_all_withheld_shows_the_teams_instead(
    demo: Workspace, tmp_path: Path
) -> None:
    scores = engagement_tables(demo, "demo").scores
    for unit in reportable_units(str(demo.path), "demo", "role"):
        role = unit.removeprefix("role:")
        report = prepare_report(str(demo.path), "demo", unit, "ru", str(tmp_path))
        cells = scores[(scores["by"] == "role,team") & (scores["role"] == role)]
        if cells["suppressed"].all():  # the role in each team: nothing to show
            assert set(report.heatmap_rows["by"]) == {"team"}
            assert report.heatmap_note == text(
                "ru", "This role is not shown team by team: in each team its group is too "
                "small, or withheld so that a smaller group cannot be worked out. For "
                "comparison, the heatmap shows whole teams (every layer).")
        else:
            assert set(report.heatmap_rows["by"]) == {"role,team"}
            assert report.heatmap_note == text("ru", "Each row is this role within one team.")
        assert 'data-chart="heatmap"' in report.heatmap().html


# --- papermill runs ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("unit", "language"), MATRIX)
def test_the_report_runs_under_papermill_for_every_unit_kind_and_language(
    rendered: dict[tuple[str, str], Any], demo: Workspace, tmp_path: Path, unit: str,
    language: str,
) -> None:
    result = rendered[(unit, language)]
    assert result.ok, result.error
    nb = json.loads(result.notebook.read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["unit"] == unit
    page = result.html.read_text(encoding="utf-8")
    expected = prepare_report(str(demo.path), "demo", unit, language, str(tmp_path))
    for name in ("summary", "appendix", "answers", "drivers"):
        title = text(language, dict(SECTIONS)[name])
        assert f'id="asmt-{name}"' in page and html.escape(title) in page
    assert page.count('class="asmt-chart"') == len(expected.charts())
    assert html.escape(expected.unit.label(language)) in page
    assert "import assessment" not in page  # no code in the page
    data = result.notebook.parent / f"{expected.unit.slug}.scores.csv"
    assert data.is_file()


def test_a_refused_unit_fails_the_notebook_with_a_clear_message(
    demo: Workspace, renderer: ReportRenderer, tmp_path: Path
) -> None:
    unit = "team:Complaints Desk"
    result = renderer.render(NOTEBOOK, tmp_path, "refused",
                             _params(demo, "demo", unit, "en", tmp_path))
    assert not result.ok and result.html is None
    assert "ConfidentialityError" in (result.error or "")
    assert "'team:Complaints Desk' cannot be reported" in (result.error or "")


@pytest.mark.slow
def test_a_report_run_twice_in_one_kernel_is_the_same(
    rendered: dict[tuple[str, str], Any], demo: Workspace, renderer: ReportRenderer
) -> None:
    first = rendered[("organisation", "en")]
    out = first.html.parent
    again = renderer.render(NOTEBOOK, out, "again", _params(demo, "demo", "organisation", "en",
                                                            out))
    assert again.ok, again.error

    def sections(path: Path) -> list[str]:
        return re.findall(r"<section .*?</section>", path.read_text(encoding="utf-8"), re.S)

    # Without consultant's ratings there is no assessment section (the scorecard says so),
    # and without a narrative no consultant's executive summary.
    assert len(sections(first.html)) == len(SECTIONS) - 2
    assert sections(again.html) == sections(first.html)
    nb = json.loads(again.notebook.read_text(encoding="utf-8"))
    streams = [o for c in nb["cells"] for o in c.get("outputs", [])
               if o.get("output_type") == "stream"]
    assert streams == []  # nothing printed, e.g. IPython's history "Session/line" error


def test_a_parameter_the_notebook_does_not_have_fails_the_papermill_run(
    demo: Workspace, renderer: ReportRenderer, tmp_path: Path
) -> None:
    params = {**_params(demo, "demo", "organisation", "en", tmp_path), "bogus": 1}
    result = renderer.render(NOTEBOOK, tmp_path, "bogus", params)
    assert not result.ok and result.html is None
    assert "ParameterError: bogus: not a parameter of this notebook (known: workspace, " \
        "engagement, unit, language, output_dir, snapshot)" in (result.error or "")
    assert list(tmp_path.glob("*.scores.csv")) == []


# --- confidentiality and escaping ----------------------------------------------------------


def test_the_templates_escape_every_value_and_refuse_an_undefined_name() -> None:
    from jinja2 import UndefinedError
    from markupsafe import Markup

    from assessment._report._templates import environment

    hostile = HOSTILE_COMMENT + "'\"&"
    page = environment().from_string('<p title="{{ v }}">{{ v }}</p>{{ svg }}').render(
        v=hostile, svg=Markup("<svg></svg>"))
    assert page == f'<p title="{html.escape(hostile)}">{html.escape(hostile)}</p><svg></svg>'
    with pytest.raises(UndefinedError):
        environment().get_template("heatmap.html.j2").render(t=str)


def test_report_strings_are_plain_text_the_templates_put_the_markup_around_them() -> None:
    for language in REPORT_LANGUAGES:
        for message in _messages(language):
            texts = [*message.string] if isinstance(message.string, tuple) else [message.string]
            texts += [*message.id] if isinstance(message.id, tuple) else [message.id]
            for value in texts:
                assert not re.search(r"<[A-Za-z/!]|&[#A-Za-z]", value), (language, message.id)


@pytest.fixture(scope="module")
def special_reports(special: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real batch, with PDFs, on the special engagement: the organisation, the hostile
    team, the small team, a role and the department of the planted teams, plus one report
    that fails (the withheld team of 3, asked for by hand), so the folder holds every kind
    of file a batch writes: pages, PDFs, notebooks, data files, index.html, reports.json,
    failures.json and failures.txt."""
    chromium_or_skip()
    out = tmp_path_factory.mktemp("special-out")
    wanted = {"organisation", f"team:{HOSTILE_TEAM}", "team:Small Team", "role:frontline",
              "department:Support"}
    jobs = {j.stem: j for by in ("team", "role", "department")
            for j in plan_batch(special, "x", out, by=by) if j.unit in wanted}
    assert {j.unit for j in jobs.values()} >= {"organisation", f"team:{HOSTILE_TEAM}"}
    failing = _job(special, "x", "team:Tiny Team", "en", out.resolve())
    result = run_batch([*jobs.values(), failing], out, workers=2, pdf=True, progress=False)
    assert [o.job.unit for o in result.failures] == ["team:Tiny Team"]
    assert "ConfidentialityError" in (result.failures[0].error or "")
    return out


def _file_text(path: Path) -> str:
    """Everything a reader of ``path`` can see: a PDF's text and metadata, else the file."""
    if path.suffix == ".pdf":
        import pypdf

        reader = pypdf.PdfReader(path)
        meta = " ".join(str(v) for v in (reader.metadata or {}).values())
        return meta + "\n" + "\n".join(page.extract_text() for page in reader.pages)
    return path.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.browser
def test_no_planted_value_reaches_any_output_file(
    special: Workspace, special_reports: Path
) -> None:
    with special.store() as store:
        keys = set(store.responses("x").respondents.index)
        keys |= set(store.responses("x0").respondents.index)  # the previous wave's too
    assert any(TOKEN in k for k in keys)
    files = sorted(p for p in special_reports.rglob("*") if p.is_file())
    names = {p.name for p in files}
    # Every kind of file the batch writes is there (and scanned below, whatever its type).
    assert {"index.html", "reports.json", "failures.json", "failures.txt"} <= names
    assert {p.suffix for p in files} >= {".html", ".pdf", ".ipynb", ".csv"}
    for path in files:
        content = _file_text(path)
        assert TOKEN not in content, path.name
        found = [k for k in keys if k in content]
        assert not found, (path.name, found[:3])
    pdf_text = _file_text(special_reports / "organisation.en.pdf")
    assert "Small Team" in pdf_text and "Tiny Team" in pdf_text  # the PDF text was read
    # The narrative and last wave's actions were in the files scanned: page, PDF, notebook.
    for name in ("organisation.en.pdf", "organisation.en.html", "organisation.en.ipynb"):
        content = _file_text(special_reports / name)
        assert "Narrative for the board" in content and "calc" in content, name
    tiny = pd.read_csv(special_reports / "organisation.scores.csv")
    tiny = tiny[tiny["group"] == "Tiny Team"]
    assert len(tiny) and tiny["suppressed"].all() and tiny["mean"].isna().all()
    # The favourable shares and the heatmap relative to the organisation are in the files
    # scanned above, and the withheld team has no shares either.
    assert tiny[["favourable", "neutral", "unfavourable"]].isna().all().all()
    page = _file_text(special_reports / "organisation.en.html")
    assert 'data-chart="heatmap-relative"' in page
    assert "Favourable · neutral · unfavourable" in page
    # The change since W0: a group withheld in either wave (the Tiny Team now, the Small
    # Team then) has no row in any table of the section, in the page and in the PDF.
    for unit in ("organisation", "department:Support"):
        name = f"{unit_slug(unit)}.en.html"
        page = _file_text(special_reports / name)
        section = page[page.index('id="asmt-change"'):]
        section = section[:section.index("</section>")]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", section)
        assert cells and "Overall" in cells, name
        assert not {"Tiny Team", "Small Team"} & set(cells), name
    assert "Change since W0" in pdf_text


@pytest.mark.slow
def test_a_group_withheld_in_either_wave_never_shows_in_the_change(
    special: Workspace, tmp_path: Path
) -> None:
    with special.store() as store:
        assert store.previous_wave("x") == store.engagement("x0")
    for unit in ("organisation", "department:Support"):
        report = prepare_report(str(special.path), "x", unit, "en", str(tmp_path))
        groups = report.change_groups
        assert report.wave_change is not None and report.wave_change.wave == "W0"
        # The hostile team is published in both waves: it has numbers.
        assert not groups.loc[groups["group"] == HOSTILE_TEAM, "suppressed"].any()
        for team in ("Tiny Team", "Small Team"):  # withheld now, withheld then
            rows = groups[groups["group"] == team]
            assert len(rows) and rows["suppressed"].all(), (unit, team)
            assert rows[["mean_from", "mean_to", "change", "ci_low", "ci_high"]].isna().all().all()
            assert rows["n_from"].isna().all() and rows["n_to"].isna().all()
        section = report.change()
        assert section is not None
        cells = re.findall(r"<td[^>]*>(.*?)</td>", section.html)
        assert html.escape(HOSTILE_TEAM) in cells
        assert not {"Tiny Team", "Small Team"} & set(cells)
        heat = report.chart_data()["change-heatmap"][0]
        hidden = heat[heat["group"].isin(["Tiny Team", "Small Team"])]
        assert len(hidden) and hidden["change"].isna().all() and hidden["hidden"].all()
    # The previous wave's own pattern published the Tiny Team (8 then, 3 now): its change
    # is still withheld, as a group is compared only where both waves publish it.
    with special.store() as store:
        assert "Tiny Team" in publication(
            store.model("x0"), *_frames(store.responses("x0")), min_group_size=5
        ).published_groups("team")


def _frames(data: ResponseSet) -> tuple[pd.DataFrame, pd.DataFrame]:
    return data.respondents, data.answers


@pytest.mark.slow
@pytest.mark.browser
def test_hostile_names_and_comments_are_shown_as_text_and_never_run(
    special_reports: Path,
) -> None:
    from playwright.sync_api import sync_playwright

    executable = chromium_or_skip()
    pages = [special_reports / "organisation.en.html",
             special_reports / f"{unit_slug(f'team:{HOSTILE_TEAM}')}.en.html"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(executable), args=_ARGS)
        dialogs: list[str] = []
        try:
            for path in pages:
                page = browser.new_page()
                dialogs.clear()
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                page.goto(path.as_uri())
                page.wait_for_timeout(300)
                assert dialogs == [], path.name
                assert page.locator("script").count() == 0
                assert page.locator('img[src="x"], [onerror]').count() == 0
                assert page.locator("img, [onmouseover], [src^='http']").count() == 0
                assert page.locator("a[href^='javascript'], a[href^='data']").count() == 0
                shown = page.inner_text("body")
                assert HOSTILE_TEAM in shown and HOSTILE_ORG in shown
                assert "<script>alert(3)</script>" in shown and HOSTILE_ACTION in shown
                assert "Narrative for the board" in shown and "tracker.example" not in shown
                if path.name == "organisation.en.html":
                    assert HOSTILE_COMMENT in shown
                page.close()
        finally:
            browser.close()


_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize(("unit", "language"), [MATRIX[0], MATRIX[1]])
def test_the_page_draws_every_chart_offline_without_a_request(
    rendered: dict[tuple[str, str], Any], demo: Workspace, tmp_path: Path, unit: str,
    language: str,
) -> None:
    from playwright.sync_api import Route, sync_playwright

    executable = chromium_or_skip()
    path = rendered[(unit, language)].html
    expected = prepare_report(str(demo.path), "demo", unit, language, str(tmp_path))
    titles = {name: chart.title for name, chart in expected.charts().items()}
    requests: list[str] = []
    blocked: list[str] = []

    def route(r: Route) -> None:
        url = r.request.url
        if url.startswith(("file://", "data:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(executable), args=_ARGS)
        try:
            page = browser.new_page(viewport={"width": 420, "height": 800})  # a narrow window
            page.route("**/*", route)
            page.on("request", lambda req: requests.append(req.url))
            page.goto(path.as_uri(), wait_until="networkidle")
            figures = page.locator("figure.asmt-chart")
            assert figures.count() == len(titles)
            for i in range(figures.count()):
                figure = figures.nth(i)
                name = figure.get_attribute("data-chart") or ""
                svg = figure.locator("svg")
                assert svg.count() == 1
                assert titles[name] in (svg.text_content() or "")
                box = svg.bounding_box()
                assert box is not None and 0 < box["width"] <= 420 and box["height"] > 40
                assert svg.locator("path, rect, text").count() > 5
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 420 + 40  # readable on a narrow window: no page-wide scrolling
        finally:
            browser.close()
    assert blocked == []
    assert requests == [path.as_uri()]


def _pdf_pages(path: Path) -> list[tuple[float, float, str]]:
    """Width, height (points) and text (whitespace and ligatures normalised) of every page."""
    import pypdf

    pages = []
    for page in pypdf.PdfReader(path).pages:
        words = unicodedata.normalize("NFKC", page.extract_text()).split()
        pages.append((float(page.mediabox.width), float(page.mediabox.height), " ".join(words)))
    return pages


@pytest.mark.slow
@pytest.mark.browser
def test_the_real_report_prints_on_a4_with_every_section_on_a_new_page_and_no_blank_page(
    rendered: dict[tuple[str, str], Any], demo: Workspace, tmp_path: Path
) -> None:
    """Every unit kind, every language: the report printed as the batch prints it."""
    chromium_or_skip()
    with PdfPrinter() as printer:
        for unit, language in MATRIX:
            result = rendered[(unit, language)]
            assert result.ok, result.error
            pdf = printer.print(result.html, tmp_path / f"{result.html.stem}.pdf")
            pages = _pdf_pages(pdf)
            where = f"{unit} ({language}): {len(pages)} pages"
            assert all(abs(w - 595.3) < 1 and abs(h - 841.9) < 1 for w, h, _ in pages), where
            report = prepare_report(str(demo.path), "demo", unit, language, str(tmp_path))
            footer = " ".join(text(language, GENERATED, model=report.model.id,
                                   version=report.model.version,
                                   package=__import__("assessment").__version__).split())
            for number, (_, _, content) in enumerate(pages, 1):
                # Text on every page, and more than the footer line (or a stray margin).
                assert len(content.replace(footer, "").strip()) > 40, (where, number, content)
            # The summary is page 1; every other section starts at the top of a page of its own.
            starts = []
            kicker = text(language, "Service maturity report").upper()
            assert pages[0][2].startswith(kicker), where
            for section in report.sections()[1:]:
                heading = (text(language, "Change since %(wave)s", wave="2025-Q4")
                           if section.name == "change"
                           else text(language, dict(SECTIONS)[section.name]))
                title = " ".join(unicodedata.normalize("NFKC", heading).split())
                first = [i for i, (_, _, c) in enumerate(pages) if c.startswith(title)]
                assert first, (where, title)
                starts.append(first[0])
            assert starts == sorted(set(starts)) and starts[0] == 1, (where, starts)


# --- the papermill command line -----------------------------------------------------------

PAPERMILL = Path(sys.executable).parent / "papermill"


@pytest.mark.slow
def test_the_papermill_command_runs_a_team_report_in_dutch(
    demo: Workspace, tmp_path: Path
) -> None:
    """The way a consultant scripts a report without our CLI: `papermill -p ...`."""
    out = tmp_path / "team.ipynb"
    proc = subprocess.run(
        [str(PAPERMILL), str(NOTEBOOK), str(out), "-p", "workspace", str(demo.path),
         "-p", "engagement", "demo", "-p", "unit", "team:Billing Support", "-p", "language", "nl",
         "-p", "output_dir", str(tmp_path), "--kernel", "python3"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = json.loads(out.read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["unit"] == "team:Billing Support"
    shown = "".join(
        "".join(o.get("data", {}).get("text/html", ""))
        for cell in nb["cells"] if cell["cell_type"] == "code" for o in cell.get("outputs", [])
    )
    assert "Billing Support" in shown and html.escape(text("nl", "Summary")) in shown
    assert not [o for c in nb["cells"] for o in c.get("outputs", [])
                if o.get("output_type") == "error"]
    assert (tmp_path / f"{unit_slug('team:Billing Support')}.scores.csv").is_file()


@pytest.mark.slow
def test_the_notebook_runs_as_is_from_its_own_folder_as_in_jupyterlab(
    make_demo: DemoFactory, tmp_path: Path
) -> None:
    """A JupyterLab kernel runs in ``notebooks/`` and knows no ASSESSMENT_WORKSPACE: the
    empty ``workspace`` parameter finds the checkout's ``workspace/`` one folder up."""
    checkout = tmp_path / "checkout"
    make_demo(checkout / "workspace")
    notebooks = checkout / "notebooks"
    notebooks.mkdir()
    (notebooks / "report.ipynb").write_bytes(NOTEBOOK.read_bytes())
    env = {k: v for k, v in os.environ.items() if k != "ASSESSMENT_WORKSPACE"}
    proc = subprocess.run(
        [str(PAPERMILL), "report.ipynb", "executed.ipynb", "--kernel", "python3"],
        cwd=notebooks, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (checkout / "workspace" / "reports" / "demo" / "organisation.scores.csv").is_file()
    assert not (notebooks / "workspace").exists()


@pytest.mark.slow
def test_the_papermill_command_fails_clearly_on_a_group_below_the_minimum(
    demo: Workspace, tmp_path: Path
) -> None:
    proc = subprocess.run(
        [str(PAPERMILL), str(NOTEBOOK), str(tmp_path / "x.ipynb"), "-p", "workspace",
         str(demo.path), "-p", "unit", "team:Complaints Desk", "-p", "output_dir",
         str(tmp_path), "--kernel", "python3"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode != 0
    assert "ConfidentialityError" in proc.stderr
    assert "'team:Complaints Desk' cannot be reported" in proc.stderr
    assert list(tmp_path.glob("*.scores.csv")) == []


# --- nbval ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_committed_notebook_runs_top_to_bottom_under_nbval(demo_copy: Workspace) -> None:
    demo = demo_copy  # the notebook writes its report into the workspace: a fresh one
    assert not (demo.path / "reports").exists()
    env = {**os.environ, "ASSESSMENT_WORKSPACE": str(demo.path)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
         "-p", "no:cacheprovider", "-q", str(NOTEBOOK)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert (demo.path / "reports" / "demo" / "organisation.scores.csv").is_file()


@pytest.mark.slow
def test_the_organisation_report_shows_the_roadmap_and_the_consultant_ratings(
    make_demo: DemoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_demo(tmp_path / "ws").path
    with Store(ws / "assessment.db") as store:
        store.set_rating("demo", "autonomy_lines", 5, "Evidence <b>typed</b> by a consultant")
        store.set_rating("demo", "culture_customer", None, "No customer stories collected")
    # A report string with a character HTML escapes is escaped once, not twice.
    monkeypatch.setattr(report_translator("en"), "translations",
                        _Replacing({"disagree": "disagree <strongly>"}))
    org = prepare_report(workspace=str(ws), engagement="demo", language="en")
    scorecard = org.scorecard()._repr_html_()
    assert "Roadmap" in scorecard and "Phase" in scorecard
    assessment = org.assessment()
    assert assessment is not None and "asmt-assessment" in _toc(org)
    page = assessment.html
    assert "Evidence &lt;b&gt;typed&lt;/b&gt; by a consultant" in page
    assert "disagree &lt;strongly&gt;" in page and "&amp;lt;" not in page
    row = re.search(r"<tr>(?:(?!</tr>).)*No customer stories collected.*?</tr>", page).group(0)
    assert html.escape(text("en", "not applicable")) in row  # a rating, not a hidden level
    assert text("en", "not shown") not in row
    team = prepare_report(workspace=str(ws), engagement="demo", unit="team:Billing Support")
    assert "Roadmap" not in team.scorecard()._repr_html_()
    # A unit report has no page of its own for the assessment: its scorecard says where it is.
    assert team.assessment() is None and "asmt-assessment" not in _toc(team)
    assert "see the organisation&#x27;s report" in team.scorecard()._repr_html_()
    # (and the demo has no consultant's narrative: no executive summary section either)
    assert [s.name for s in team.sections()] == [n for n, _ in SECTIONS
                                                 if n not in ("assessment", "narrative")]


class _Replacing(gettext.NullTranslations):
    """English, with the messages of ``replace`` replaced."""

    def __init__(self, replace: dict[str, str]) -> None:
        super().__init__()
        self.replace = replace

    def gettext(self, message: str) -> str:
        return self.replace.get(message, message)


def _toc(report: Any) -> str:
    return str(re.search(r'<nav class="asmt-toc">.*?</nav>', report.summary().html).group(0))
