"""The explore app: the engagement's results to explore with widgets, in JupyterLab or Voilà.

:func:`explore` returns an :class:`Explorer`: controls for the breakdown (team, role,
department, role × team), the level (dimension, facet, question), the unit, the language and
the scope (the organisation, or one unit against it), and five views: the heatmap (absolute
or relative to the organisation), the perception gap, the scorecard, the answers and the
comments. Every number comes from :class:`~._views.ExploreData`: the engagement's one
suppression pattern, exactly as in the reports.

Charts are Altair ``JupyterChart`` widgets with tooltips; their Vega runtime is the bundle
that ships inside ``vl-convert`` (``JupyterChart.enable_offline``), so nothing is loaded from
the network, in JupyterLab or under ``assessment explore``. Widget values from a browser are
untrusted: every choice is checked against the options the app offers.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from .._exceptions import ParameterError
from .._i18n._catalogues import N_
from .._i18n._locale import language_name
from .._i18n._report import REPORT_LANGUAGES, report_translator, role_name
from .._model._schema import KNOWN_ROLES
from .._notebook import short_errors
from .._report._format import format_count, format_interval, format_number
from .._report._prepare import _check_unit, default_engagement
from .._report._tables import EngagementTables, compute_tables, engagement_tables
from .._report._units import Unit
from .._store._store import Store
from .._store._workspace import Workspace
from ._views import BREAKDOWN_KINDS, LEVELS, ExploreData, Level, unit_kind

__all__ = ["ENGAGEMENT_ENV", "Explorer", "explore"]

#: The environment variable through which ``assessment explore`` names the engagement.
ENGAGEMENT_ENV = "ASSESSMENT_ENGAGEMENT"
#: The views, in the order of their tabs.
VIEWS = ("heatmap", "gap", "scorecard", "answers", "comments")
#: The breakdowns, the levels and the scopes as the controls name them (translated when shown).
_BREAKDOWN_LABELS = {"team": N_("Team"), "role": N_("Role"), "department": N_("Department"),
                     "role,team": N_("Role × team")}
_LEVEL_LABELS = {"dimension": N_("Dimension"), "facet": N_("Facet"), "item": N_("Question")}
_SCOPE_LABELS = {"organisation": N_("The organisation"),
                 "unit": N_("Unit against the organisation")}
_TAB_TITLES = (N_("Heatmap"), N_("Perception gap"), N_("Scorecard"), N_("Answers"),
               N_("Comments"))
_CSS = """<style>
.asmt-explore { font-size: 0.95rem; }
.asmt-explore .widget-html-content { white-space: normal; line-height: 1.45; }
.asmt-explore .asmt-note { color: #4a5560; font-style: italic; margin: 0.25rem 0; }
.asmt-explore table.asmt-gaps { border-collapse: collapse; margin: 0.5rem 0; }
.asmt-explore table.asmt-gaps th, .asmt-explore table.asmt-gaps td {
  padding: 0.2rem 0.6rem; border-bottom: 1px solid #e6eaee; text-align: left; }
.asmt-explore table.asmt-gaps td.num { text-align: right; }
.asmt-explore .asmt-comment { border-left: 3px solid #1f5a96; padding: 0.2rem 0.6rem;
  margin: 0.35rem 0; }
</style>"""


def _chart_widget() -> Any:
    """An empty Altair chart widget whose Vega runtime is local (never a CDN)."""
    import altair as alt

    alt.JupyterChart.enable_offline()  # vl-convert's bundled Vega; once per process
    # SVG: crisp on a workshop screen; no actions menu (its links leave the machine).
    return alt.JupyterChart(alt.Chart(pd.DataFrame({"x": []})).mark_point(),
                            embed_options={"renderer": "svg", "actions": False})


def _note(body: str) -> str:
    return f'<p class="asmt-note">{html.escape(body)}</p>' if body else ""


class Explorer:
    """The results of one engagement to explore: controls, charts and notes as widgets.

    Display it (the last expression of a cell) in JupyterLab or under Voilà. Tests drive it
    as a person does: set ``.value`` on :attr:`breakdown`, :attr:`level`, :attr:`unit`,
    :attr:`language`, :attr:`scope`, :attr:`relative` or :attr:`dimension`.
    """

    def __init__(self, tables: EngagementTables, language: str | None = None) -> None:
        _check_unit(tables, Unit("organisation"))  # nothing to explore: say why, now
        self.data = ExploreData(tables)
        model = tables.model
        self.languages = [lang for lang in model.languages if lang in REPORT_LANGUAGES]
        if not self.languages:
            raise ParameterError(f"model {model.id!r} has no report language")
        first = next((lang for lang in tables.engagement.languages if lang in self.languages),
                     self.languages[0])
        lang = language or first
        if lang not in self.languages:
            raise ParameterError(
                f"language: {lang!r} is not one of {', '.join(self.languages)}")
        self._busy = True  # no redrawing while the controls are made
        self.title = widgets.HTML()
        self.language = widgets.Dropdown(
            options=[(language_name(x), x) for x in self.languages], value=lang)
        self.breakdown = widgets.Dropdown(options=[("", b) for b in BREAKDOWN_KINDS],
                                          value="team")
        self.level = widgets.ToggleButtons(options=[("", x) for x in LEVELS], value="dimension")
        self.scope = widgets.ToggleButtons(options=[("", "organisation"), ("", "unit")],
                                           value="organisation",
                                           style={"button_width": "auto"})
        self.unit = widgets.Dropdown(options=[])
        self.relative = widgets.Checkbox(value=False, indent=False)
        self.dimension = widgets.Dropdown(options=[(d.name.get(lang), d.id)
                                                   for d in model.dimensions])
        self.heatmap_chart = _chart_widget()
        self.heatmap_note = widgets.HTML()
        self.gap_chart = _chart_widget()
        self.gap_table = widgets.HTML()
        self.scorecard_chart = _chart_widget()
        self.scorecard_note = widgets.HTML()
        self.answers_chart = _chart_widget()
        self.answers_note = widgets.HTML()
        self.comments = widgets.HTML()
        self.tabs = widgets.Tab(children=[
            widgets.VBox([self.relative, self.heatmap_note, self.heatmap_chart]),
            widgets.VBox([self.gap_chart, self.gap_table]),
            widgets.VBox([self.scorecard_note, self.scorecard_chart]),
            widgets.VBox([self.dimension, self.answers_note, self.answers_chart]),
            widgets.VBox([self.comments]),
        ])
        controls = widgets.VBox([
            widgets.HBox([self.breakdown, self.unit, self.language]),
            widgets.HBox([self.level]),
            widgets.HBox([self.scope]),
        ])
        self.widget = widgets.VBox([widgets.HTML(_CSS), self.title, controls, self.tabs])
        self.widget.add_class("asmt-explore")
        #: The Altair chart each chart widget shows now, by name.
        self.charts: dict[str, Any] = {}
        for control in (self.language, self.breakdown, self.level, self.scope, self.unit,
                        self.relative, self.dimension):
            control.observe(self._changed, names="value")
        self._labels()
        self._units()
        self._busy = False
        self.refresh()

    # --- display --------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def widgets(self) -> Iterator[widgets.Widget]:
        """Every widget of the app (controls, charts, notes), depth first."""
        stack: list[Any] = [self.widget]
        while stack:
            widget = stack.pop()
            yield widget
            stack.extend(getattr(widget, "children", ()))

    # --- reacting to the controls ---------------------------------------------------------
    def _changed(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        owner = change["owner"]
        self._busy = True
        try:
            if owner is self.language:
                self._labels()
            if owner in (self.language, self.breakdown):
                self._units()
        finally:
            self._busy = False
        unit_scope = self.scope.value == "unit"
        if owner is self.dimension:
            self.refresh(("answers",))
        elif owner in (self.level, self.relative) or (
            owner in (self.breakdown, self.unit) and not unit_scope
        ):
            self.refresh(("heatmap",))  # the other views are the organisation's
        else:
            self.refresh()

    def _labels(self) -> None:
        """Put every label in the chosen language (the values stay)."""
        lang = self._lang()
        eng = self.data.tables.engagement
        _ = report_translator(lang).gettext
        # TRANSLATORS: the explore app's title, e.g. "Results of Harbour Bank: harbour-2026".
        title = _("Results of %(organisation)s: %(engagement)s",
                  organisation=eng.organisation, engagement=eng.id)
        self.title.value = f"<h3>{html.escape(title)}</h3>"
        self.language.description = _("Language")
        # TRANSLATORS: the explore app's control: by team, role, department or role × team.
        self.breakdown.description = _("Breakdown")
        self.unit.description = _("Unit")
        # TRANSLATORS: the explore app's control: scores by dimension, facet or question.
        self.level.description = _("Level of detail")
        # TRANSLATORS: the explore app's control: the organisation, or a unit against it.
        self.scope.description = _("Show")
        self.relative.description = _("Relative to the organisation")
        self.dimension.description = _("Dimension")
        self._relabel(self.breakdown, {b: _(_BREAKDOWN_LABELS[b]) for b in BREAKDOWN_KINDS})
        self._relabel(self.level, {x: _(_LEVEL_LABELS[x]) for x in LEVELS})
        self._relabel(self.scope, {x: _(label) for x, label in _SCOPE_LABELS.items()})
        model = self.data.tables.model
        self._relabel(self.dimension, {d.id: d.name.get(lang) for d in model.dimensions})
        for i, label in enumerate(_TAB_TITLES):
            self.tabs.set_title(i, _(label))

    @staticmethod
    def _relabel(control: Any, labels: dict[str, str]) -> None:
        value = control.value
        control.options = [(labels[v], v) for _, v in control.options]
        control.value = value

    def _units(self) -> None:
        """Offer the units of the breakdown's kind that may be shown on their own."""
        kind = unit_kind(self._choice(self.breakdown, BREAKDOWN_KINDS))
        lang = self._lang()
        names = self.data.unit_choices(kind)
        current = self.unit.value
        self.unit.options = [
            (role_name(lang, n) if kind == "role" and n in KNOWN_ROLES else n, n)
            for n in names
        ]
        self.unit.value = current if current in names else (names[0] if names else None)

    # --- the checked choices ---------------------------------------------------------------
    @staticmethod
    def _choice(control: Any, allowed: Any) -> Any:
        value = control.value
        if value not in allowed:  # a browser may send anything: only the offered choices
            raise ParameterError(f"{control.description or 'choice'}: {value!r} is not offered")
        return value

    def _lang(self) -> str:
        return str(self._choice(self.language, self.languages))

    def selected_unit(self) -> Unit:
        """The unit the views are about: the organisation, or the chosen unit."""
        if self._choice(self.scope, ("organisation", "unit")) == "organisation":
            return Unit("organisation")
        kind = unit_kind(self._choice(self.breakdown, BREAKDOWN_KINDS))
        name = self.unit.value
        if name is None:
            return Unit("organisation")
        if name not in self.data.unit_choices(kind):
            raise ParameterError(f"unit: {name!r} is not offered")
        return Unit(kind, name)  # type: ignore[arg-type]

    # --- the views -----------------------------------------------------------------------
    def refresh(self, views: tuple[str, ...] = VIEWS) -> None:
        """Draw the ``views`` (default: all of them) for the current choices."""
        lang = self._lang()
        unit = self.selected_unit()
        for view in views:
            getattr(self, f"_draw_{view}")(lang, unit)

    def _draw_heatmap(self, lang: str, unit: Unit) -> None:
        from . import _charts

        breakdown = str(self._choice(self.breakdown, BREAKDOWN_KINDS))
        level: Level = self._choice(self.level, LEVELS)
        data = self.data
        tr = report_translator(lang)
        _ = tr.gettext
        k = data.tables.engagement.min_group_size
        respondents = _("Respondents")
        relative = bool(self.relative.value)
        heat = data.heatmap(breakdown, level, lang, relative=relative)
        highlight = None
        if unit.kind != "organisation":
            highlight = data.group_label(unit.name, unit.kind, lang)
        notes = [tr.ngettext(
            "Grey cells are hidden: fewer than %(min)s respondent, or withheld so that a "
            "smaller group cannot be worked out. The same cells are hidden in every report.",
            "Grey cells are hidden: fewer than %(min)s respondents, or withheld so that a "
            "smaller group cannot be worked out. The same cells are hidden in every report.",
            k, min=format_count(k, lang))] if heat["hidden"].any() else []
        if heat.empty or heat["hidden"].all():
            self._show("heatmap", None)
            notes = [_("Nothing can be shown here: every group of this view is hidden.")]
        else:
            self._show("heatmap", _charts.heatmap_chart(
                heat,
                title=_("Difference from the organisation's mean, by group") if relative
                else _("Mean score by group"),
                group_title=_(_BREAKDOWN_LABELS[breakdown]),
                value_title=_("Difference from the organisation") if relative
                else self._score_title(lang),
                unit_title=_(_LEVEL_LABELS[level]),
                hidden_label=_("hidden"), relative=relative, highlight=highlight,
                respondents_title=respondents,
            ))
        self.heatmap_note.value = "".join(_note(n) for n in notes)

    def _draw_gap(self, lang: str, unit: Unit) -> None:
        from . import _charts

        _ = report_translator(lang).gettext
        layers, gaps, organisation_layers = self.data.layers(unit, lang)
        if layers.empty:
            self._show("gap", None)
        else:
            self._show("gap", _charts.layers_chart(
                layers, title=_("Mean score by layer"), score_title=self._score_title(lang),
                layer_title=_("Layer"),
                roles=[role_name(lang, r) for r in KNOWN_ROLES],
                respondents_title=_("Respondents"),
            ))
        contexts = {  # as the report's perception gap says it
            "role": _("This report covers one role; the layers below are those of the whole "
                      "organisation, for comparison."),
            "department": _("This report covers one department; the layers below are those "
                            "of the whole organisation, for comparison."),
            "team": _("The layers of this team are not shown separately: at least one of them "
                      "is too small. The layers below are those of the whole organisation, for "
                      "comparison."),
        }
        context = contexts.get(unit.kind, "") if organisation_layers else ""
        self.gap_table.value = _note(context) + self._gap_table(gaps, lang)

    def _draw_scorecard(self, lang: str, unit: Unit) -> None:
        """The unit against the organisation."""
        from . import _charts

        _ = report_translator(lang).gettext
        card = self.data.scorecard(unit, lang)
        self._show("scorecard", None if card.empty else _charts.scorecard_chart(
            card, title=_("Mean score by dimension"),
            score_title=self._score_title(lang), group_title=_("Group"),
            respondents_title=_("Respondents"), level_title=_("Level"),
        ))
        self.scorecard_note.value = "" if not card.empty else _note(
            _("Nothing can be shown here: every group of this view is hidden."))

    def _draw_answers(self, lang: str, unit: Unit) -> None:
        from . import _charts

        _ = report_translator(lang).gettext
        data = self.data
        dimension = self._choice(self.dimension, [d.id for d in data.tables.model.dimensions])
        answers = data.answers(unit, lang, dimension)
        scale = data.tables.model.scales["agreement"].labels.get(lang)
        self._show("answers", None if answers.empty else _charts.answers_chart(
            answers, title=_("Answers: %(dimension)s", dimension=data.name(dimension, lang)),
            share_title=_("Share of answers (%%)"), answer_title=_("Answer"),
            question_title=_("Question"), answers=scale,
        ))
        self.answers_note.value = "" if not answers.empty else _note(
            _("Nothing can be shown here: every group of this view is hidden."))

    def _draw_comments(self, lang: str, unit: Unit) -> None:
        self.comments.value = self._comments(self.data.comments(unit, lang), lang)

    def _score_title(self, lang: str) -> str:
        """The score axis's title, with the agreement scale's range (as in the reports)."""
        agreement = self.data.tables.model.scales["agreement"]
        scale = f"{agreement.min}–{agreement.max}"
        return report_translator(lang).gettext("Mean score (%(scale)s)", scale=scale)

    def _show(self, name: str, chart: Any | None) -> None:
        """Put ``chart`` in the widget ``name`` (hidden when there is none)."""
        widget = getattr(self, f"{name}_chart")
        if chart is None:
            self.charts.pop(name, None)
            widget.layout.display = "none"
            import altair as alt

            widget.chart = alt.Chart(pd.DataFrame({"x": []})).mark_point()
            return
        self.charts[name] = chart
        widget.chart = chart
        widget.layout.display = None

    @staticmethod
    def _gap_table(gaps: pd.DataFrame, lang: str) -> str:
        if gaps.empty:
            return ""
        _ = report_translator(lang).gettext
        head = "".join(f"<th>{html.escape(h)}</th>" for h in (
            _("Dimension"), _("Comparison"), _("Gap"), _("95%% confidence interval")))
        body = []
        for r in gaps.itertuples(index=False):
            if bool(r.hidden):
                hidden = html.escape(_("not computed (a group is too small)"))
                cells = f'<td colspan="2">{hidden}</td>'
            else:
                gap = html.escape(format_number(r.gap, lang, sign=True))
                interval = html.escape(format_interval(r.ci_low, r.ci_high, lang, sign=True))
                cells = f'<td class="num">{gap}</td><td class="num">{interval}</td>'
            body.append(f"<tr><td>{html.escape(str(r.dimension))}</td>"
                        f"<td>{html.escape(str(r.comparison))}</td>{cells}</tr>")
        return (f'<table class="asmt-gaps"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table>")

    @staticmethod
    def _comments(comments: list[tuple[str, str, str]] | None, lang: str) -> str:
        _ = report_translator(lang).gettext
        if comments is None:
            return _note(_("Comments are not shown in role reports: read together with the "
                           "team reports, they could point to individual people."))
        if not comments:
            return _note(_("No comments can be shown for this selection."))
        return "".join(
            f'<div class="asmt-comment"><strong>{html.escape(team)}</strong> · '
            f"{html.escape(dim)}<br>{html.escape(body)}</div>"
            for team, dim, body in comments
        )

    def chart_data(self) -> dict[str, list[pd.DataFrame]]:
        """The data sets every chart widget carries to the browser now, by chart name."""
        return {
            name: [pd.DataFrame(rows) for rows in
                   getattr(self, f"{name}_chart").spec.get("datasets", {}).values()]
            for name in ("heatmap", "gap", "scorecard", "answers")
        }


def explore(
    source: Store | Workspace | str | Path | None = None,
    engagement: str = "",
    *,
    language: str | None = None,
) -> Explorer:
    """Return the app to explore an engagement's results (display it in a notebook).

    Parameters
    ----------
    source:
        An open :class:`Store`, a :class:`Workspace` or its folder; ``None``: the workspace
        found by the one rule (``$ASSESSMENT_WORKSPACE``, else the nearest ``workspace/``).
    engagement:
        The engagement id; empty: ``$ASSESSMENT_ENGAGEMENT`` (set by ``assessment explore``),
        else the workspace's only or most recent engagement.
    language:
        The first language shown (default: the engagement's first report language).

    Raises
    ------
    ParameterError
        An unknown engagement or language.
    ConfidentialityError
        The organisation itself may not be reported (no respondents yet, or too few).
    """
    short_errors()
    engagement = engagement.strip() or os.environ.get(ENGAGEMENT_ENV, "").strip()
    if isinstance(source, Store):
        found = source.engagements()
        if not engagement:
            if not found:
                raise ParameterError(f"engagement: {source.path} has no engagement yet")
            engagement = found[-1].id
        if engagement not in {e.id for e in found}:
            raise ParameterError(
                f"engagement: {engagement!r} is not an engagement of {source.path} (known: "
                f"{', '.join(e.id for e in found) or 'none'})")
        tables = compute_tables(source, source.engagement(engagement))
    else:
        ws = source if isinstance(source, Workspace) else Workspace.find(source or None)
        if not ws.exists:
            raise ParameterError(f"workspace: {ws.path} holds no {ws.db_path.name}")
        tables = engagement_tables(ws, engagement or default_engagement(ws))
    return Explorer(tables, language)
