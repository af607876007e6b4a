"""The report's charts: the aggregated frame each one draws, the Altair chart, its inline SVG.

Every frame is built from a :class:`ReportData`'s aggregated slices (one row per group and
dimension, per question and answer, per measure), rounded to two decimals: the data a chart
embeds in the page holds no respondent row. The chart builders and the SVG rendering are in
:mod:`._charts`, imported only when a report draws (Altair takes seconds to import).
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd
from markupsafe import Markup

from .._i18n._report import MEASURE_NAMES, report_translator
from .._model._schema import OUTCOME_MEASURES
from .._scoring._scores import OVERALL
from ._format import format_number
from ._report_data import ReportData

__all__ = [
    "HIGHLIGHT_MARK",
    "build_charts",
    "change_heatmap_frame",
    "distribution_frames",
    "drivers_frame",
    "enps_frame",
    "heatmap_frame",
    "layer_frame",
    "outcomes_frame",
    "relative_heatmap_frame",
    "scorecard_frame",
    "svg",
]

#: Put before the heatmap label of the report's own group (which is also outlined).
HIGHLIGHT_MARK: Final = "▶"
#: Questions longer than this are shortened in the answers' charts.
MAX_QUESTION: Final = 72


# --- frames (aggregated) -------------------------------------------------------------------
def scorecard_frame(data: ReportData) -> pd.DataFrame:
    """Published dimension means of the unit, with the floor of the target level if set."""
    rows = data.unit_scores[data.unit_scores["dimension"].isin(data.dimension_ids)]
    rows = rows[~rows["suppressed"]]
    frame = pd.DataFrame(
        {
            "dimension": [data.dimension_name(d) for d in rows["dimension"]],
            "mean": rows["mean"].to_numpy(dtype=float).round(2),
        }
    )
    if data.targets:
        floors = [
            data.model.level_bounds[data.model.levels.index(data.targets[d])]
            if d in data.targets and data.targets[d] in data.model.levels else np.nan
            for d in rows["dimension"]
        ]
        frame["target"] = floors
    return frame


def layer_frame(data: ReportData) -> pd.DataFrame:
    """Published means per role (layer) and dimension, and overall."""
    rows = data.layers[~data.layers["suppressed"]]
    rows = rows[rows["dimension"].isin([*data.dimension_ids, OVERALL])]
    return pd.DataFrame(
        {
            "dimension": [data.dimension_name(d) for d in rows["dimension"]],
            "role": [data.role_name(r) for r in rows["group"]],
            "mean": rows["mean"].to_numpy(dtype=float).round(2),
        }
    )


def heatmap_frame(data: ReportData) -> pd.DataFrame:
    """The heatmap's cells: withheld cells carry no mean, only the word "hidden"."""
    rows = data.heatmap_rows
    if rows.empty:
        return pd.DataFrame()
    hidden = rows["suppressed"].to_numpy(dtype=bool)
    mean = rows["mean"].to_numpy(dtype=float).round(2)
    low = rows["consensus"].astype("object").eq("low consensus").to_numpy(dtype=bool)
    labels = [
        report_translator(data.language).gettext("hidden") if h
        else format_number(m, data.language) + ("*" if lo else "")
        for h, m, lo in zip(hidden, mean, low, strict=True)
    ]
    highlight = [str(g) in data.heatmap_highlight for g in rows["label"]]
    group_labels = [
        f"{HIGHLIGHT_MARK} {g}" if h else str(g)
        for g, h in zip(rows["label"], highlight, strict=True)
    ]
    return pd.DataFrame(
        {
            "group": group_labels,
            "dimension": [data.dimension_name(d) for d in rows["dimension"]],
            "mean": np.where(hidden, np.nan, mean),
            "hidden": hidden,
            "label": labels,
            "highlight": highlight,
        }
    )


def change_heatmap_frame(data: ReportData) -> pd.DataFrame:
    """The change heatmap's cells (group x dimension and overall): a group withheld in
    either wave carries no change, only the word "hidden"."""
    rows = data.change_groups
    if rows.empty:
        return pd.DataFrame()
    hidden = rows["suppressed"].to_numpy(dtype=bool)
    change = rows["change"].to_numpy(dtype=float).round(2)
    hide = report_translator(data.language).gettext("hidden")
    labels = [hide if h else format_number(c, data.language, sign=True)
              for h, c in zip(hidden, change, strict=True)]
    return pd.DataFrame(
        {
            "group": [str(g) for g in rows["group_label"]],
            "dimension": [data.dimension_name(d) for d in rows["dimension"]],
            "change": np.where(hidden, np.nan, change),
            "hidden": hidden,
            "label": labels,
        }
    )


def relative_heatmap_frame(data: ReportData) -> pd.DataFrame:
    """The heatmap's cells as differences from the organisation's mean of the same dimension
    (both published numbers); withheld cells, or any without the organisation's mean, are
    hidden."""
    cells = heatmap_frame(data)
    if cells.empty:
        return cells
    rows = data.heatmap_rows
    organisation = data.organisation_scores
    reference = organisation[~organisation["suppressed"]].set_index("dimension")["mean"]
    base = rows["dimension"].map(reference).to_numpy(dtype=float)
    mean = rows["mean"].to_numpy(dtype=float)
    hidden = cells["hidden"].to_numpy(dtype=bool) | np.isnan(base)
    difference = np.where(hidden, np.nan, (mean - base).round(2))
    low = rows["consensus"].astype("object").eq("low consensus").to_numpy(dtype=bool)
    labels = [
        report_translator(data.language).gettext("hidden") if h
        else format_number(d, data.language, sign=True) + ("*" if lo else "")
        for h, d, lo in zip(hidden, difference, low, strict=True)
    ]
    return cells.drop(columns="mean").assign(difference=difference, hidden=hidden,
                                             label=labels)


def relative_limit(frame: pd.DataFrame) -> float:
    """The colour scale's reach: the largest difference shown, rounded up to 0.25 (at least
    0.5, so that small differences stay pale)."""
    largest = float(np.nanmax(np.abs(frame["difference"].to_numpy(dtype=float))))
    return max(0.5, float(np.ceil(largest * 4) / 4))


def distribution_frames(data: ReportData) -> dict[str, pd.DataFrame]:
    """Per dimension: the share of every answer to each published question, as bar spans."""
    frame = data.distribution
    if frame.empty:
        return {}
    answers = data.model.score_scale.labels.get(data.language)
    a = len(answers)
    share = frame["percent"].to_numpy(dtype=float).reshape(-1, a)
    # Centred on the middle: the neutral answer's midpoint, or between the two middle ones.
    offset = -(share[:, : a // 2].sum(axis=1) + (share[:, a // 2] / 2 if a % 2 else 0.0))
    start = offset[:, None] + np.concatenate(
        [np.zeros((len(share), 1)), np.cumsum(share, axis=1)[:, :-1]], axis=1
    )
    items = frame["item"].to_numpy()[::a]
    order = {item: i for i, item in enumerate(data.model.items)}
    labels = []
    for item in items:
        label = data.item_text(item)
        if len(label) > MAX_QUESTION:
            label = label[:MAX_QUESTION - 1].rstrip() + "…"
        labels.append(("↺ " if data.model.items[item].reverse else "") + label)
    out = pd.DataFrame(
        {
            "question": np.repeat(labels, a),
            "order": np.repeat([order[i] for i in items], a),
            "answer": np.tile(answers, len(items)),
            "point": frame["point"].to_numpy(),
            "percent": share.ravel().round(1),
            "start": start.ravel().round(2),
            "end": (start + share).ravel().round(2),
            "dimension": frame["dimension"].to_numpy(),
        }
    )
    return {
        dim: part.drop(columns="dimension").reset_index(drop=True)
        for dim in data.dimension_ids
        if not (part := out[out["dimension"] == dim]).empty
    }


def outcomes_frame(data: ReportData) -> pd.DataFrame:
    """The unit's outcome measures (none when its trifecta is withheld)."""
    row = data.trifecta_row
    if row is None or bool(row["suppressed"]):
        return pd.DataFrame()
    present = {m for m in (o.measures for o in data.model.outcome_items.values())}
    measures = [m for m in OUTCOME_MEASURES if m in present and pd.notna(row[m])]
    return pd.DataFrame(
        {
            "measure": [report_translator(data.language).gettext(MEASURE_NAMES[m])
                        for m in measures],
            "mean": [round(float(row[m]), 2) for m in measures],
            "trifecta": [m != "customer_advocacy" for m in measures],
        }
    )


def enps_frame(data: ReportData) -> pd.DataFrame:
    """Shares of detractors, passives and promoters (none when the unit's eNPS is withheld)."""
    row = data.enps_row
    if row is None or bool(row["suppressed"]):
        return pd.DataFrame()
    _ = report_translator(data.language).gettext
    share = [float(row["detractors"]), float(row["passives"]), float(row["promoters"])]
    ends = np.cumsum(share)
    return pd.DataFrame(
        {
            "category": [_("Detractors"), _("Passives"), _("Promoters")],
            "point": [0, 1, 2],
            "percent": np.round(share, 1),
            "start": np.round(ends - share, 2),
            "end": np.round(ends, 2),
        }
    )


def drivers_frame(data: ReportData, outcome: str) -> pd.DataFrame:
    """The quadrant chart's dots: facets with a published score, their importance (percent of
    R², aggregated over at least 30 respondents) and whether they are to be worked on first."""
    table = data.driver_table(outcome)
    if table is None:
        return pd.DataFrame()
    shown = table[table["score"].notna() & table["importance"].notna()]
    rank = shown["importance"].rank(ascending=False, method="first")
    return pd.DataFrame({
        "facet": [data.facet_name(f) for f in shown["facet"]],
        "importance": shown["importance"].to_numpy(dtype=float).round(2),
        "score": shown["score"].to_numpy(dtype=float).round(2),
        "first": (shown["quadrant"] == "first").to_numpy(),
        "named": (rank <= 5).to_numpy(),
    })


# --- charts --------------------------------------------------------------------------------
def build_charts(data: ReportData) -> dict[str, Any]:
    """Every chart of the report by name, from the aggregated frames above only."""
    # Altair (and jsonschema's format checkers) take seconds to import: only reports
    # that draw pay for them, not the batch planning an unchanged folder.
    from . import _charts as charts

    lang = data.language
    _ = report_translator(lang).gettext
    agreement = data.model.score_scale
    scale = f"{agreement.low:g}–{agreement.high:g}"
    score_title = _("Mean score (%(scale)s)", scale=scale)
    score_range = charts.ScoreRange(
        agreement.low, agreement.high, tuple(data.model.level_bounds[1:])
    )
    built: dict[str, Any] = {}
    scorecard = scorecard_frame(data)
    if not scorecard.empty:
        has_targets = "target" in scorecard.columns and scorecard["target"].notna().any()
        built["scorecard"] = charts.scorecard_chart(
            scorecard,
            title=(_("Current score and target by dimension") if has_targets
                   else _("Current score by dimension")),
            score_title=score_title,
            current_label=_("Current"),
            target_label=_("Target"),
            score_range=score_range,
        )
    layers = layer_frame(data)
    if not layers.empty and len(data.model.roles) > 1:  # one role: no perception gap
        built["iceberg"] = charts.iceberg_chart(
            layers,
            title=_("Mean score by layer"),
            score_title=score_title,
            layer_title=_("Layer"),
            roles=[data.role_name(r) for r in data.model.roles],
            score_range=score_range,
        )
    heat = heatmap_frame(data)
    if not heat.empty and not heat["hidden"].all():  # never a chart of hidden cells only
        titles = {
            "team": (_("Mean score by team and dimension"), _("Team")),
            "department": (_("Mean score by department and dimension"), _("Department")),
        }
        title, group_title = titles[data.heatmap_kind]
        built["heatmap"] = charts.heatmap_chart(
            heat,
            title=title,
            group_title=group_title,
            score_title=score_title,
            hidden_label=_("hidden"),
            score_range=score_range,
        )
        relative = relative_heatmap_frame(data)
        if not relative["hidden"].all():
            relative_titles = {
                "team": _("Difference from the organisation by team and dimension"),
                "department": _("Difference from the organisation by department and dimension"),
            }
            built["heatmap-relative"] = charts.relative_heatmap_chart(
                relative,
                title=relative_titles[data.heatmap_kind],
                group_title=group_title,
                # TRANSLATORS: the legend of the heatmap of differences from the organisation.
                difference_title=_("Difference"),
                limit=relative_limit(relative),
            )
    moved = change_heatmap_frame(data)
    if not moved.empty and not moved["hidden"].all() and data.wave_change is not None:
        group_titles = {"team": _("Team"), "department": _("Department"), "role": _("Layer")}
        built["change-heatmap"] = charts.change_heatmap_chart(
            moved,
            title=_("Change since %(wave)s by group and dimension", wave=data.wave_change.wave),
            group_title=group_titles[data.change_group_kind],
            change_title=_("Change (points)"),
        )
    answers = agreement.labels.get(lang)
    for dim, frame in distribution_frames(data).items():
        built[f"answers-{dim}"] = charts.distribution_chart(
            frame,
            title=_("Answers: %(dimension)s", dimension=data.dimension_name(dim)),
            share_title=_("Share of answers (%%)"),
            answer_title=_("Answer"),
            answers=answers,
        )
    outcomes = outcomes_frame(data)
    if not outcomes.empty:
        outcome_scale = data.model.scale_of(next(iter(data.model.outcome_items)))
        outcome_range = f"{outcome_scale.low:g}–{outcome_scale.high:g}"
        built["outcomes"] = charts.outcomes_chart(
            outcomes,
            title=_("Outcome ratings"),
            score_title=_("Mean score (%(scale)s)", scale=outcome_range),
            score_range=charts.ScoreRange(outcome_scale.low, outcome_scale.high, ()),
        )
    for driven in data.driver_sets:
        dots = drivers_frame(data, driven.outcome)
        if not dots.empty:
            built[f"drivers-{driven.outcome.replace('_', '-')}"] = charts.drivers_chart(
                dots,
                title=_("What drives %(outcome)s", outcome=data.outcome_name(driven.outcome)),
                importance_title=_("Importance (share of explained variance, %%)"),
                score_title=score_title,
                importance_rule=data.driver_rules(driven.outcome)[0],
                score_rule=data.driver_rules(driven.outcome)[1],
                score_range=score_range,
            )
    promoters = enps_frame(data)
    if not promoters.empty:
        built["enps"] = charts.enps_chart(
            promoters,
            title=_("Would recommend the organisation as a place to work"),
            share_title=_("Share (%%)"),
            category_title="eNPS",
        )
    return built


def svg(name: str, chart: Any, language: str) -> Markup:
    """The chart ``name`` as inline SVG: an image named by the chart's title.

    Trusted markup: vl-convert escapes every text it draws, and ``to_svg`` the title in
    the accessible name.
    """
    from ._charts import to_svg

    title = chart.title if isinstance(chart.title, str) else ""
    return Markup(to_svg(chart, language=language, uid=f"asmt-{name}", label=title))
