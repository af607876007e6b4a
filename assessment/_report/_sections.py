"""The report's sections: each one's data, picked from a :class:`ReportData`, rendered by its
template (``templates/<section>.html.j2``) into a :class:`Section`.

Python prepares values only (formatted numbers, labels, table rows); the markup is in the
templates, which escape every value (:mod:`._templates`). A table cell is plain text, a
:class:`~._templates.Badge` (a maturity level) or a :class:`~._templates.Hidden` word.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from markupsafe import Markup

from ..__version__ import __version__
from .._i18n._catalogues import N_
from .._i18n._report import MEASURE_NAMES, report_translator, role_phrase
from .._model._schema import KNOWN_ROLES
from .._scoring._drivers import MIN_DRIVER_RESPONDENTS as _MIN_DRIVERS
from .._scoring._outcomes import CX_EX_MARGIN
from .._scoring._scores import OVERALL
from ._format import (
    MISSING,
    as_float,
    as_int,
    format_count,
    format_date,
    format_interval,
    format_number,
    format_percent,
)
from ._markdown import render_markdown
from ._report_data import ReportData
from ._templates import Badge, Hidden, Shares, render

__all__ = ["SECTIONS", "Figure", "Section"]

#: The three outcomes a trifecta balances (customer advocacy is reported beside them).
TRIFECTA: Final = ("operational_excellence", "customer_experience", "employee_engagement")

#: The report's sections in report order: method name and its title (an English msgid).
SECTIONS: Final = (
    ("summary", N_("Summary")),
    ("narrative", N_("Consultant's executive summary")),
    ("scorecard", N_("Scorecard: current level and target")),
    ("change", N_("Change since the previous wave")),
    ("assessment", N_("Consultant's assessment beside the survey")),
    ("perception_gap", N_("Perception gap between executives, managers and frontline")),
    ("heatmap", N_("Dimensions by team")),
    ("answers", N_("Answers per question")),
    ("outcomes", N_("Trifecta balance, customer versus employee experience, and eNPS")),
    ("drivers", N_("What drives the outcomes")),
    ("strengths", N_("Strengths and opportunities")),
    ("recommendations", N_("Next-level recommendations")),
    ("comments", N_("Comments")),
    ("appendix", N_("Appendix: participation, reliability and method")),
)
#: How the consultant's level compares with the survey's (the ratings' ``agreement``).
_AGREEMENT: Final = {
    # TRANSLATORS: the consultant's level and the survey's level agree (a table cell).
    "agree": N_("agree"),
    "differ": N_("one level apart"),
    "disagree": N_("disagree"),
}

#: The inline SVG of the report's chart of this name (None: the report has no such chart).
Figure = Callable[[str], Markup | None]
Cell = str | int | Badge | Hidden | Shares | None


@dataclass(frozen=True)
class Section:
    """One section of the report as HTML; Jupyter shows it through ``_repr_html_``."""

    name: str
    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<report section {self.name!r}>"


def _render(name: str, data: ReportData, **context: Any) -> Section:
    """Render the section ``name`` with its ``context`` (the style sheet goes with the first);
    a ``title`` in the context replaces the section's usual one."""
    title = context.pop("title", None) or report_translator(data.language).gettext(
        dict(SECTIONS)[name]
    )
    page = render(
        f"{name}.html.j2",
        data.language,
        name=name,
        title=title,
        first=name == SECTIONS[0][0],
        scale=_scale(data),
        **context,
    )
    return Section(name, page)


def _scale(data: ReportData) -> str:
    """The dimension items' scale as the report names it: its values' range (``1–5``)."""
    scale = data.model.score_scale
    return f"{scale.low:g}–{scale.high:g}"


def _level_rule(data: ReportData) -> str:
    """How a dimension's mean gives its level, band by band, in the report's language."""
    lang = data.language
    _ = report_translator(lang).gettext
    floors = list(data.model.level_bounds)
    levels = data.model.levels
    digits = 1 if all(round(b, 1) == b for b in floors) else 2
    bands = [
        # TRANSLATORS: one band of the level rule; the bands are joined as a list ("a, b and c").
        _("below %(bound)s is level %(level)s", bound=format_number(bound, lang, digits),
          level=level)
        for level, bound in zip(levels, floors[1:], strict=False)
    ]
    # TRANSLATORS: the last band of the level rule (after "and" in the list of bands).
    bands.append(_("%(bound)s or more is level %(level)s",
                   bound=format_number(floors[-1], lang, digits), level=levels[-1]))
    from babel.lists import format_list

    return _("The level of each dimension follows from the mean score of its questions on "
             "the %(scale)s scale: %(bands)s.", scale=_scale(data),
             bands=format_list(bands, locale=lang))


def _badge(data: ReportData, level: object) -> Badge:
    """The badge of a maturity level (``Level 3: Defined``); "not shown" without a level."""
    _ = report_translator(data.language).gettext
    value = as_int(level)
    if value is None:
        return Badge(0, _("not shown"))
    name = data.model.level_name(value, data.language)
    levels = data.model.levels
    step = 1 + round(4 * levels.index(value) / (len(levels) - 1))  # colours l1 to l5
    # TRANSLATORS: a maturity level with its name from the model ("Level 3: Defined").
    return Badge(step, _("Level %(level)s: %(name)s", level=value, name=name))


def _number(value: object, data: ReportData, digits: int = 2, *, sign: bool = False) -> str:
    return format_number(value, data.language, digits, sign=sign)


def _shares(data: ReportData, row: Any) -> Cell:
    """A row's favourable, neutral and unfavourable shares as a bar with the numbers;
    "not shown" where they are withheld (the row's mean is)."""
    _ = report_translator(data.language).gettext
    if row is None:
        return MISSING
    values = [as_float(row[key]) for key in ("favourable", "neutral", "unfavourable")]
    if any(np.isnan(v) for v in values):
        return MISSING
    labels = tuple(format_percent(v, data.language) for v in values)
    return Shares(
        widths=(round(values[0], 1), round(values[1], 1), round(values[2], 1)),
        labels=(labels[0], labels[1], labels[2]),
        # TRANSLATORS: the accessible text of a small bar of three shares (percentages).
        title=_("favourable %(favourable)s, neutral %(neutral)s, unfavourable %(unfavourable)s",
                favourable=labels[0], neutral=labels[1], unfavourable=labels[2]),
    )


def _shares_note(data: ReportData) -> str:
    """Which answers count as favourable and unfavourable (the model's cut), in words."""
    from babel.lists import format_list

    _ = report_translator(data.language).gettext
    scale = data.model.score_scale
    labels = scale.labels.get(data.language)
    kinds = scale.classify(np.asarray(scale.option_values))
    good = [f"“{label}”" for label, k in zip(labels, kinds, strict=True) if k == 1]
    bad = [f"“{label}”" for label, k in zip(labels, kinds, strict=True) if k == -1]
    return _("Favourable answers are %(favourable)s, unfavourable answers %(unfavourable)s, the "
             "rest neutral; a reverse-worded question counts the other way round. A "
             "dimension's shares pool the answers to its questions of the people with a "
             "score in it.",
             favourable=format_list(good, style="or", locale=data.language),
             unfavourable=format_list(bad, style="or", locale=data.language))


def summary(data: ReportData) -> Section:
    """The title block and one-page summary: overall level and each dimension's level."""
    lang = data.language
    _ = report_translator(lang).gettext
    eng = data.engagement
    meta = [
        (_("Engagement"), eng.id),
        (_("Wave"), eng.wave),
        (_("Date"), format_date(eng.date, lang)),
        (_("Model"), f"{data.model.title.get(lang)} {data.model.version}"),
        (_("Respondents"),
         format_count(data.respondents, lang) if data.respondents is not None else MISSING),
        (_("Minimum group size"), format_count(data.min_group_size, lang)),
    ]
    scores = data.unit_scores.set_index("dimension")
    row = scores.loc[OVERALL] if OVERALL in scores.index else None
    overall = None
    if row is not None and not bool(row["suppressed"]):
        overall = {"badge": _badge(data, row["level"]), "mean": _number(row["mean"], data),
                   "n": as_int(row["n"])}
    cards = []
    for dim in data.model.dimensions:
        row = scores.loc[dim.id] if dim.id in scores.index else None
        card: dict[str, object] = {"name": dim.name.get(lang), "published": False,
                                   "badge": _badge(data, None)}
        if row is not None and not bool(row["suppressed"]):
            level = as_int(row["level"])
            level = data.model.levels[0] if level is None else level
            current = dim.levels[data.model.levels.index(level)]
            card.update(published=True, badge=_badge(data, level),
                        mean=_number(row["mean"], data), n=as_int(row["n"]),
                        description=current.description.get(lang))
        cards.append(card)
    rated = not data.rated().empty
    absent = {
        "assessment": not rated,
        "perception_gap": len(data.model.roles) < 2,
        "outcomes": not data.model.has_outcome_page,
        "drivers": not data.driver_sets,
        "change": data.wave_change is None,
        "narrative": not data.narrative_languages(),
    }
    titles = {} if _interface_roles(data) else {
        "perception_gap": _("Perception gap between the layers")
    }
    if data.wave_change is not None:
        titles["change"] = _change_title(data)
    toc = [(name, titles.get(name) or _(title)) for name, title in SECTIONS[1:]
           if not absent.get(name)]
    return _render(
        "summary", data, organisation=eng.organisation, unit=data.unit.label(lang, data.model),
        meta=meta,
        min_group_size=data.min_group_size, overall=overall, cards=cards, toc=toc,
        level_rule=_level_rule(data),
    )


def scorecard(data: ReportData, figure: Figure) -> Section:
    """Current level per dimension against the target (or a note that none is set)."""
    rows = data.unit_scores.set_index("dimension")
    table: list[list[Cell]] = []
    if data.target_table is None:
        for d in [*data.dimension_ids, OVERALL]:
            table.append([
                data.dimension_name(d),
                _number(rows.loc[d, "mean"], data) if d in rows.index else MISSING,
                _shares(data, rows.loc[d] if d in rows.index else None),
                _badge(data, rows.loc[d, "level"] if d in rows.index else None),
            ])
    else:
        gaps = data.target_table.set_index("dimension")
        for d in data.dimension_ids:
            current = rows.loc[d] if d in rows.index else None
            gap = gaps.loc[d] if d in gaps.index else None
            target: Cell = _badge(data, gap["target_level"]) if gap is not None else MISSING
            gap_text: Cell = MISSING
            priority: Cell = MISSING
            if gap is not None and not bool(gap["suppressed"]):
                if not as_float(gap["gap"]) > 0:
                    # TRANSLATORS: in the "Gap to target" column: the target level is reached.
                    gap_text = report_translator(data.language).gettext("met")
                else:
                    gap_text = _number(gap["gap"], data)
                    priority = as_int(gap["priority"]) or MISSING
            table.append([
                data.dimension_name(d),
                _number(current["mean"], data) if current is not None else MISSING,
                _shares(data, current),
                _badge(data, current["level"] if current is not None else None),
                target, gap_text, priority,
            ])
    _ = report_translator(data.language).gettext
    note = None
    if data.rated().empty:  # where there is no assessment to show, the scorecard says why
        note = (
            _("The consultant has not rated any facet yet.") if data.unit.kind == "organisation"
            else _("The consultant's assessment covers the whole organisation: see the "
                   "organisation's report.")
        )
    steps = None
    if data.roadmap is not None and not data.roadmap.empty:
        steps = [
            [r["phase"], r["step"], data.dimension_name(str(r["dimension"])),
             _badge(data, r["level"]), _badge(data, r["target_level"]), _number(r["gap"], data),
             ", ".join(data.dimension_name(d) for d in str(r["after"]).split(", ") if d)]
            for r in data.roadmap.to_dict("records")
        ]
    return _render("scorecard", data, targets=data.target_table is not None,
                   figure=figure("scorecard"), rows=table, note=note, roadmap=steps,
                   shares_note=_shares_note(data))


def narrative(data: ReportData) -> Section | None:
    """The consultant's executive summary in the report's language; a note naming the
    languages it is written in when it is not in this one; None when nothing was written."""
    languages = data.narrative_languages()
    if not languages:
        return None
    lang = data.language
    text = data.narrative_text()
    note = None
    if text is None:
        from babel.lists import format_list

        from .._i18n._locale import language_name

        _ = report_translator(lang).gettext
        written = [language_name(code) for code in languages if code != lang]
        note = (
            _("The consultant has not written an executive summary in this language; the "
              "findings per dimension are in the next-level recommendations.")
            if lang in languages else
            # TRANSLATORS: %(languages)s lists language names in their own words.
            _("The consultant's summary and findings are written in %(languages)s, not in "
              "this language.", languages=format_list(written, locale=lang))
        )
    return _render("narrative", data, text=render_markdown(text) if text else None, note=note)


#: An agreed action's status as the report names it.
_ACTION_STATUS: Final = {
    # TRANSLATORS: the status of an action agreed in the previous wave (a table cell).
    "done": N_("done"),
    "open": N_("open"),
    # TRANSLATORS: an action still open after its due date (the date of this wave).
    "overdue": N_("open, overdue"),
}


def _agreed_actions(data: ReportData, dim: str) -> dict[str, object] | None:
    """The actions agreed for ``dim`` in the previous wave, as a table (None: no previous
    wave); each with owner, due date and status (open after the due date: overdue)."""
    previous = data.previous_wave
    if previous is None:
        return None
    lang = data.language
    _ = report_translator(lang).gettext
    rows = [
        [r["title"], r["owner"], format_date(r["due"], lang),
         _(_ACTION_STATUS["overdue" if r["status"] == "open" and r["due"] < data.engagement.date
                          else r["status"]])]
        for __, r in data.agreed_actions(dim).iterrows()
    ]
    return {
        "caption": _("Actions agreed in %(wave)s", wave=previous.wave),
        "headers": [(_("Action"), False), (_("Owner"), False), (_("Due"), False),
                    (_("Status"), False)],
        "rows": rows,
        "none": _("No actions were agreed for this dimension in %(wave)s.", wave=previous.wave),
    }


def assessment(data: ReportData) -> Section | None:
    """The consultant's evidence-based level per facet beside the survey's level.

    ``None`` (no section, so no page of its own) in a unit report and before the
    consultant rated a facet: the scorecard says so instead.
    """
    rated = data.rated()
    if rated.empty:
        return None
    lang = data.language
    _ = report_translator(lang).gettext
    facets = {f.id: f.name.get(lang) for d in data.model.dimensions for f in d.facets}
    rows = [
        [data.dimension_name(str(r.dimension)), facets[str(r.facet)],
         _badge(data, r.survey_level),
         # A rated facet without a level was rated "not applicable".
         Badge(0, _("not applicable")) if as_int(r.consultant_level) is None
         else _badge(data, r.consultant_level),
         _(_AGREEMENT[str(r.agreement)]) if r.agreement else MISSING, r.evidence]
        for r in rated.itertuples(index=False)
    ]
    return _render("assessment", data, rows=rows)


def _interface_roles(data: ReportData) -> bool:
    """Whether the model's roles are the interface's three, named by the catalogues (the
    shipped shape): the report then keeps its own words for them."""
    model = data.model
    return model.roles == list(KNOWN_ROLES) and all(r.name is None for r in model.role_defs)


def perception_gap(data: ReportData, figure: Figure) -> Section | None:
    """The iceberg chart: each layer's means and the gaps from the first and the middle
    layers to the last; ``None`` (no section) for a model of a single role."""
    lang = data.language
    _ = report_translator(lang).gettext
    roles = data.model.roles
    if len(roles) < 2:
        return None
    shipped = _interface_roles(data)
    contexts = {
        "role": _("This report covers one role; the layers below are those of the whole "
                  "organisation, for comparison."),
        "department": _("This report covers one department; the layers below are those of "
                        "the whole organisation, for comparison."),
        "team": _("The layers of this team are not shown separately: at least one of them is "
                  "too small. The layers below are those of the whole organisation, for "
                  "comparison."),
    }
    context = contexts.get(data.unit.kind) if data.layers_are_organisation else None
    gaps = data.gaps
    index: str | None = None
    rows: list[list[Cell]] | None = None
    if not gaps.empty and not gaps["suppressed"].all():
        dims = gaps[gaps["dimension"] != OVERALL]
        top = f"{roles[0]} - {roles[-1]}"
        values = dims[dims["comparison"] == top]["gap"].to_numpy(dtype=float)
        if len(values) and not np.isnan(values).any():
            index = _number(values.mean(), data, sign=True)
        rows = []
        for __, row in gaps.iterrows():
            higher = str(row["comparison"]).split(" - ")[0]
            if shipped:
                label = (_("Executives − frontline") if higher == "executive"
                         else _("Managers − frontline"))
            else:
                label = f"{data.role_name(higher)} − {data.role_name(roles[-1])}"
            cells: list[Cell] = (
                [Hidden(_("not computed (a group is too small)")), ""] if bool(row["suppressed"])
                else [_number(row["gap"], data, sign=True),
                      format_interval(row["ci_low"], row["ci_high"], lang, sign=True)]
            )
            rows.append([data.dimension_name(row["dimension"]), label, *cells])
    return _render("perception_gap", data, context=context, figure=figure("iceberg"),
                   index=index, rows=rows, shipped=shipped,
                   top=data.role_name(roles[0]), bottom=data.role_name(roles[-1]),
                   **({} if shipped else {"title": _("Perception gap between the layers")}))


def heatmap(data: ReportData, figure: Figure) -> Section:
    """Dimensions by team (or department), withheld cells marked hidden; a note instead of a
    chart whose cells would all be hidden."""
    rows = data.heatmap_rows
    low = not rows.empty and rows["consensus"].astype("object").eq("low consensus").any()
    return _render("heatmap", data, min_group_size=data.min_group_size, note=data.heatmap_note,
                   figure=figure("heatmap"), low_consensus=bool(low),
                   relative=figure("heatmap-relative"))


def answers(data: ReportData, figure: Figure) -> Section:
    """Diverging stacked bars of the answers to every question, per dimension."""
    names = [f"answers-{dim}" for dim in data.dimension_ids]
    return _render(
        "answers", data,
        role=(data.model.role_label(data.role_phrase, data.language)
              or role_phrase(data.language, data.role_phrase)),
        dropped=data.dropped_items, min_group_size=data.min_group_size,
        figures=[(name, figure(name)) for name in names],
        share_tables=_share_tables(data), shares_note=_shares_note(data),
    )


def _share_tables(data: ReportData) -> dict[str, list[list[Cell]]]:
    """Per dimension's chart: the dimension's and each shown question's mean and shares
    (reverse-coded: favourable is always good), the questions in questionnaire order."""
    units = data.unit_scores.set_index("dimension")
    items = data.item_shares
    out: dict[str, list[list[Cell]]] = {}
    for dim in data.dimension_ids:
        shown = items[(items["dimension"] == dim) & ~items["suppressed"]]
        if shown.empty:
            continue
        row = units.loc[dim] if dim in units.index else None
        rows: list[list[Cell]] = [[
            data.dimension_name(dim),
            _number(row["mean"], data) if row is not None else MISSING,
            _shares(data, row),
        ]]
        for item in shown.to_dict("records"):
            mark = "↺ " if bool(item["reverse"]) else ""
            rows.append([mark + data.item_text(str(item["item"])),
                         _number(item["mean"], data), _shares(data, item)])
        out[f"answers-{dim}"] = rows
    return out


def outcomes(data: ReportData, figure: Figure) -> Section | None:
    """Trifecta balance, the CX-outruns-EX flag and eNPS: each part only when the model asks
    what it needs, and no section when it asks none of them."""
    lang = data.language
    model = data.model
    if not model.has_outcome_page:
        return None
    measures = model.measures()
    show = {
        "ratings": bool(measures),
        "trifecta": set(TRIFECTA) <= measures,
        "cxex": {"customer_experience", "employee_engagement"} <= measures,
        "enps": model.has_recommend,
    }
    trifecta = None
    row = data.trifecta_row
    if show["ratings"] and row is not None and not bool(row["suppressed"]):
        flag = row["cx_outruns_ex"]
        outruns = None if flag is pd.NA or flag is None else bool(flag)
        trifecta = {
            "figure": figure("outcomes"),
            "balance": pd.notna(row["spread"]) and pd.notna(row["weakest"]),
            "spread": _number(row["spread"], data),
            "weakest": (report_translator(lang).gettext(MEASURE_NAMES[str(row["weakest"])])
                        if pd.notna(row["weakest"]) else ""),
            "outruns": outruns,
            "difference": _number(row["cx_minus_ex"], data, sign=not outruns),
            "margin": _number(CX_EX_MARGIN, data),
        }
    enps = None
    e = data.enps_row
    if show["enps"] and e is not None and not bool(e["suppressed"]):
        enps = {
            "value": _number(e["enps"], data, 0, sign=True),
            "promoters": format_percent(e["promoters"], data.language),
            "passives": format_percent(e["passives"], data.language),
            "detractors": format_percent(e["detractors"], data.language),
            "n": as_int(e["n"]),
            "figure": figure("enps"),
        }
    return _render("outcomes", data, trifecta=trifecta, enps=enps, show=show)


#: The quadrant of a facet in the drivers' chart, as the table names it.
_QUADRANTS: Final = {
    # TRANSLATORS: a facet that matters much for an outcome and scores low (a table cell).
    "first": N_("work on this first"),
    "strength": N_("important and relatively strong: keep it"),
    "watch": N_("low, but matters less"),
    "maintain": N_("fine as it is"),
}
#: Facets listed per outcome in the drivers' tables.
_TOP_DRIVERS: Final = 8


def drivers(data: ReportData, figure: Figure) -> Section | None:
    """Per outcome: the facets' relative importance against their score (a quadrant chart and
    the most important facets); None when the model has no outcomes to drive."""
    if not data.driver_sets:
        return None
    lang = data.language
    _ = report_translator(lang).gettext
    outcomes = []
    for driven in data.driver_sets:
        entry: dict[str, Any] = {"name": data.outcome_name(driven.outcome), "own": driven.own,
                                 "key": driven.outcome.replace("_", "-"),
                                 "table": None}
        table = driven.table
        if table is not None:
            top = table.sort_values("rank").head(_TOP_DRIVERS)
            entry.update(
                table=[[as_int(r["rank"]), data.facet_name(r["facet"]),
                        data.dimension_name(r["dimension"]),
                        format_percent(r["importance"], lang, 1), _number(r["score"], data),
                        _(_QUADRANTS[r["quadrant"]]) if r["quadrant"] else
                        Hidden(_("not shown"))]
                       for __, r in top.iterrows()],
                figure=figure(f"drivers-{driven.outcome.replace('_', '-')}"),
                r2=format_percent(100 * float(table["r2"].iloc[0]), lang),
                n=as_int(table["n"].iloc[0]),
            )
        outcomes.append(entry)
    return _render("drivers", data, outcomes=outcomes, minimum=_MIN_DRIVERS)


def strengths(data: ReportData) -> Section:
    """The highest- and lowest-scoring questions of the unit."""
    _ = report_translator(data.language).gettext
    rows = data.strengths_frame[~data.strengths_frame["suppressed"]]
    columns = None
    if not rows.empty:
        columns = []
        for kind, caption in (("strength", _("Strengths")), ("opportunity", _("Opportunities"))):
            part = rows[rows["kind"] == kind].sort_values("rank")
            columns.append((caption, [
                [as_int(r["rank"]),
                 ("↺ " if bool(r["reverse"]) else "") + data.item_text(r["item"]),
                 data.dimension_name(r["dimension"]), _number(r["mean"], data)]
                for __, r in part.iterrows()
            ]))
    return _render("strengths", data, columns=columns)


def recommendations(data: ReportData) -> Section:
    """For each dimension: the current level's description and the actions to the next."""
    lang = data.language
    _ = report_translator(lang).gettext
    levels = data.model.levels
    top = levels[-1]
    scores = data.unit_scores.set_index("dimension")
    cards = []
    for dim in data.model.dimensions:
        row = scores.loc[dim.id] if dim.id in scores.index else None
        card: dict[str, object] = {"name": dim.name.get(lang), "published": False}
        if row is not None and not bool(row["suppressed"]):
            level = as_int(row["level"])
            level = levels[0] if level is None else level
            current = dim.levels[levels.index(level)]
            card.update(
                published=True, badge=_badge(data, level),
                description=current.description.get(lang), actions=current.actions.get(lang),
                heading=(
                    _("Towards level %(level)s: %(name)s", level=level + 1,
                      name=data.model.level_name(level + 1, lang))
                    if level < top
                    else _("Sustaining level %(level)s: %(name)s", level=top,
                           name=data.model.level_name(top, lang))
                ),
            )
        card["change"] = change_line(data, dim.id)
        findings = data.narrative_text(dim.id)
        card.update(findings=render_markdown(findings, top=5) if findings else None,
                    agreed=_agreed_actions(data, dim.id))
        cards.append(card)
    return _render("recommendations", data, cards=cards)


def comments(data: ReportData) -> Section:
    """Released comments (teams of at least the comment minimum), grouped by team."""
    frame = data.comments_frame
    groups = None
    if frame is not None:
        groups = [
            (group, [
                (data.dimension_name(dim) if dim in data.dimension_ids else dim, comment)
                for dim, comment in zip(part["dimension_id"], part["text"], strict=True)
            ])
            for group, part in frame.groupby("group", sort=True)
        ]
    return _render("comments", data, comment_min=data.comment_min, groups=groups,
                   no_comments=frame is not None and frame.empty)


def _reliability_rows(data: ReportData) -> list[list[Cell]]:
    """Cronbach's alpha per dimension, with its interval and flags (or hidden)."""
    lang = data.language
    _ = report_translator(lang).gettext
    items = data.reliability.items
    rows: list[list[Cell]] = []
    for __, s in data.reliability.scales.iterrows():
        name = data.dimension_name(s["dimension"])
        if bool(s["suppressed"]) or pd.isna(s["alpha"]):
            rows.append([name, s["k"], MISSING, Hidden(_("not computed (too few respondents)")),
                         "", ""])
            continue
        flags = []
        if s["low_reliability"] is not pd.NA and bool(s["low_reliability"]):
            flags.append(_("low reliability"))
        bad = items[(items["dimension"] == s["dimension"])
                    & items["mis_keyed"].fillna(False).astype(bool)]
        if len(bad):
            flags.append(_("possibly mis-keyed: %(items)s", items=", ".join(bad["item"])))
        rows.append([name, s["k"], as_int(s["n"]), _number(s["alpha"], data),
                     format_interval(s["ci_low"], s["ci_high"], lang), "; ".join(flags)])
    return rows


#: ICC(2) and the share of agreeing teams from which team means may be read as the teams' view.
_RELIABLE_TEAM_MEANS: Final = 0.70


def _aggregation_rows(data: ReportData) -> list[list[Cell]]:
    """Per dimension: published teams, ICC(1), ICC(2), the share of teams that agree, and
    what that means for reading team scores (or "not computed" with fewer than two teams)."""
    lang = data.language
    _ = report_translator(lang).gettext
    rows: list[list[Cell]] = []
    for __, a in data.aggregation.iterrows():
        name = data.dimension_name(a["dimension"])
        if pd.isna(a["icc1"]) or pd.isna(a["icc2"]):
            rows.append([name, as_int(a["teams"]), MISSING, MISSING, MISSING,
                         Hidden(_("not computed (fewer than two published teams)"))])
            continue
        share = as_float(a["rwg_share"])
        if a["icc2"] < _RELIABLE_TEAM_MEANS:
            reading = _("teams differ little beyond chance: compare teams with care")
        elif np.isnan(share) or share < _RELIABLE_TEAM_MEANS:
            reading = _("teams differ, but in many teams members disagree: read a team's "
                        "mean with its spread")
        else:
            reading = _("team means are reliable and shared: teams can be compared")
        rows.append([name, as_int(a["teams"]), _number(a["icc1"], data),
                     _number(a["icc2"], data), format_percent(share * 100, lang), reading])
    return rows


def appendix(data: ReportData) -> Section:
    """Participation, reliability and method."""
    lang = data.language
    _ = report_translator(lang).gettext
    kinds = {"role": _("Layer"), "team": _("Team"), "department": _("Department")}
    participation: list[list[Cell]] = []
    for __, r in data.participation.iterrows():
        role = r["kind"] == "role"
        n = as_int(r["n"])
        participation.append([
            kinds[str(r["kind"])],
            data.role_name(r["label"]) if role else str(r["label"]),
            # TRANSLATORS: a withheld number (too small a group), in a table or chart cell.
            Hidden(_("hidden")) if n is None else format_count(n, lang),
        ])
    scale = data.model.score_scale
    roles = data.model.roles
    return _render(
        "appendix", data, participation=participation, reliability=_reliability_rows(data),
        aggregation=_aggregation_rows(data), drivers=bool(data.driver_sets),
        drivers_min=format_count(_MIN_DRIVERS, lang),
        min_group_size=data.min_group_size, comment_min=data.comment_min,
        margin=_number(CX_EX_MARGIN, data), model=data.model, package=__version__,
        level_rule=_level_rule(data), reverse=f"{scale.low + scale.high:g}",
        agreement=scale.kind == "agreement", shipped_roles=_interface_roles(data),
        top=data.role_name(roles[0]) if len(roles) > 1 else None,
        bottom=data.role_name(roles[-1]),
    )


# --- change since the previous wave ---------------------------------------------------
#: A change's label (``_scoring._change``) as the report says it.
_CHANGE_LABELS: Final = {
    # TRANSLATORS: a change since the previous wave that is clear (a table cell).
    "up": N_("up"),
    # TRANSLATORS: a change since the previous wave that is not clear either way.
    "no clear change": N_("no clear change"),
    "down": N_("down"),
    # TRANSLATORS: an item reworded between the waves, so its change is not computed.
    "not comparable": N_("not comparable (reworded)"),
    # TRANSLATORS: a question the previous wave did not ask, so its change is not computed.
    "new": N_("new question"),
}


def _change_title(data: ReportData) -> str:
    change = data.wave_change
    assert change is not None
    # TRANSLATORS: the section's title; %(wave)s is the previous wave's label ("2025-Q4").
    return report_translator(data.language).gettext("Change since %(wave)s", wave=change.wave)


def _change_cells(data: ReportData, row: pd.Series) -> list[Cell]:
    """Both means, the change, its interval and its label; hidden when withheld in a wave."""
    _ = report_translator(data.language).gettext
    if bool(row["suppressed"]):
        return [Hidden(_("hidden")), Hidden(_("hidden")), MISSING, MISSING, MISSING]
    return [
        _number(row["mean_from"], data), _number(row["mean_to"], data),
        _number(row["change"], data, sign=True),
        format_interval(row["ci_low"], row["ci_high"], data.language, sign=True),
        _(_CHANGE_LABELS[str(row["label"])]),
    ]


def change_line(data: ReportData, dimension: str) -> str | None:
    """One sentence with the unit's change in ``dimension`` since the previous wave; None
    without a previous wave or where either wave withholds the unit's score."""
    change = data.wave_change
    rows = data.change_unit
    if change is None or rows.empty:
        return None
    found = rows[rows["dimension"] == dimension]
    if found.empty or bool(found.iloc[0]["suppressed"]):
        return None
    row = found.iloc[0]
    _ = report_translator(data.language).gettext
    # TRANSLATORS: one line in a dimension's section: "Change since 2025-Q4: 3.10 → 3.62,
    # +0.52 (95% CI +0.31 … +0.73): up."
    return _("Change since %(wave)s: %(before)s → %(after)s, %(change)s (95%% CI %(ci)s): "
             "%(label)s.", wave=change.wave, before=_number(row["mean_from"], data),
             after=_number(row["mean_to"], data), change=_number(row["change"], data, sign=True),
             ci=format_interval(row["ci_low"], row["ci_high"], data.language, sign=True),
             label=_(_CHANGE_LABELS[str(row["label"])]))


def change(data: ReportData, figure: Figure) -> Section | None:
    """Change since the previous wave: the unit's and its groups' dimension and overall means
    in both waves, the change, its 95% CI and label; the change by team; the items' change.
    ``None`` (no section) in the organisation's first wave."""
    wave = data.wave_change
    if wave is None:
        return None
    lang = data.language
    _ = report_translator(lang).gettext
    order = [*data.dimension_ids, OVERALL]

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        rank = frame["dimension"].map({d: i for i, d in enumerate(order)})
        return frame.assign(_rank=rank).sort_values(["_rank"], kind="stable")

    unit_rows = [[data.dimension_name(r["dimension"]), *_change_cells(data, r)]
                 for __, r in ordered(data.change_unit).iterrows()]
    groups = data.change_groups
    shown = groups[~groups["suppressed"].astype(bool)] if not groups.empty else groups
    group_rows = [
        [str(r["group_label"]), data.dimension_name(r["dimension"]), *_change_cells(data, r)]
        for __, r in (ordered(shown).sort_values(["group_label", "_rank"], kind="stable")
                      .iterrows()
                      if not shown.empty else iter(()))
    ]
    n_groups = groups["group"].nunique() if not groups.empty else 0
    left_out = n_groups - (shown["group"].nunique() if not shown.empty else 0)
    items = data.change_items
    item_rows: list[list[Cell]] = []
    for __, r in items.iterrows():
        text = data.item_text(str(r["item"]))
        if not bool(r["comparable"]):
            item_rows.append([text, MISSING, MISSING, MISSING, MISSING,
                              _(_CHANGE_LABELS[str(r["label"])])])
        elif not bool(r["suppressed"]):
            item_rows.append([text, *_change_cells(data, r)])
    items_left_out = int((items["comparable"].astype(bool) & items["suppressed"].astype(bool))
                         .sum()) if not items.empty else 0
    return _render(
        "change", data, title=_change_title(data), wave=wave.wave,
        date=format_date(wave.date, lang), this_wave=data.engagement.wave,
        min_change=_number(wave.min_change, data, 1), unit_rows=unit_rows,
        group_kind=data.change_group_kind, group_rows=group_rows, left_out=left_out,
        figure=figure("change-heatmap"), item_rows=item_rows,
        items_left_out=items_left_out,
    )
