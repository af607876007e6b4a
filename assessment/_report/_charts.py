"""Altair chart builders for the reports, and their rendering to static SVG.

Every builder takes an *aggregated* frame (one row per group and dimension, per item and
answer, ...), never respondent rows, and returns an ``alt.Chart`` (or layer) that is titled,
labelled with the strings it is given (the report's language) and drawn with colour-blind-safe
colours. The builders neither save nor display anything.

:func:`to_svg` renders a chart to SVG with vl-convert, inside the Python process: the report
embeds the SVG inline, so it needs no JavaScript and no network to show its charts.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import altair as alt
import numpy as np
import pandas as pd

from .._i18n._locale import d3_format_locale

__all__ = [
    "ANSWER_COLOURS",
    "ENPS_COLOURS",
    "HIDDEN_COLOUR",
    "ROLE_COLOURS",
    "ScoreRange",
    "change_heatmap_chart",
    "distribution_chart",
    "drivers_chart",
    "enps_chart",
    "heatmap_chart",
    "iceberg_chart",
    "outcomes_chart",
    "scorecard_chart",
    "to_svg",
]

#: Okabe-Ito colours (distinguishable with every common colour-vision deficiency), by role.
ROLE_COLOURS: Final = {"executive": "#0072B2", "manager": "#E69F00", "frontline": "#009E73"}
#: Blue-orange diverging colours for the five agreement answers, disagree (orange) to agree.
ANSWER_COLOURS: Final = ("#b35806", "#f1a340", "#d4d4d4", "#6baed6", "#08519c")
#: A diverging ramp from unfavourable to favourable, sampled for scales of other lengths.
_ANSWER_RAMP: Final = (
    "#7f3b08", "#b35806", "#e08214", "#f1a340", "#fdb863", "#d4d4d4",
    "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b",
)


def answer_colours(count: int) -> list[str]:
    """Colours of ``count`` answer options, lowest first (the five-point palette for five)."""
    if count == len(ANSWER_COLOURS):
        return list(ANSWER_COLOURS)
    last = len(_ANSWER_RAMP) - 1
    picks = [round(i * last / (count - 1)) for i in range(count)] if count > 1 else [last]
    return [_ANSWER_RAMP[i] for i in picks]
#: Detractors, passives, promoters.
ENPS_COLOURS: Final = ("#e08214", "#bdbdbd", "#2166ac")
#: Fill of a heatmap cell whose group is withheld.
HIDDEN_COLOUR: Final = "#e5e5e5"
#: Outline of the heatmap row of the report's own group.
OUTLINE_COLOUR: Final = "#d55e00"
PRIMARY: Final = "#1f5a96"
ACCENT: Final = "#E69F00"
FONT: Final = "DejaVu Sans, Helvetica Neue, Arial, sans-serif"
#: Legend symbol of the scorecard's target ticks: a vertical stroke (an SVG path in -1..1).
TICK_SYMBOL: Final = "M0,-1L0,1"
#: Lower bounds of maturity levels 2-5 on the 1-5 scale, drawn as guides.
LEVEL_BOUNDS: Final = (1.8, 2.6, 3.4, 4.2)
WIDTH: Final = 580

_VL_VERSION: Final = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def _configured(chart: Any) -> Any:
    """Apply the house style: font, left-aligned titles, quiet axes, no view border."""
    return (
        chart.configure(font=FONT, background="white")
        .configure_title(anchor="start", fontSize=15, fontWeight="bold", color="#1d2733",
                         offset=12, subtitleColor="#5a6672")
        .configure_axis(labelFontSize=11, titleFontSize=12, titleColor="#1d2733",
                        labelColor="#3b4752", gridColor="#e6eaee", domainColor="#9aa5b1")
        .configure_legend(labelFontSize=11, titleFontSize=12, orient="top", labelLimit=0)
        .configure_view(stroke=None)
    )


@dataclass(frozen=True)
class ScoreRange:
    """The scale scores are drawn on: its lowest and highest value and the level bounds
    above the first level (the shipped model's 1-5 and 1.8 ... 4.2 by default)."""

    low: float = 1.0
    high: float = 5.0
    bounds: tuple[float, ...] = LEVEL_BOUNDS

    @property
    def domain(self) -> list[float]:
        return [self.low, self.high]

    def ticks(self) -> tuple[list[float], str]:
        """Axis values and their format: whole numbers on a wide scale, quarters on 0-1."""
        if self.high - self.low >= 2:
            return list(range(math.ceil(self.low), math.floor(self.high) + 1)), ".0f"
        step = (self.high - self.low) / 4
        return [self.low + i * step for i in range(5)], ".2f"

    def fraction(self, share: float) -> float:
        """The value ``share`` of the way from low to high."""
        return self.low + share * (self.high - self.low)


def _score_axis(title: str, score_range: ScoreRange) -> alt.Axis:
    values, fmt = score_range.ticks()
    return alt.Axis(title=title, values=values, grid=True, format=fmt)


def _guides(score_range: ScoreRange) -> Any:
    """Dashed vertical rules at the level boundaries."""
    return (
        alt.Chart(pd.DataFrame({"bound": list(score_range.bounds)}))
        .mark_rule(strokeDash=[3, 3], color="#9aa5b1", strokeWidth=1)
        .encode(x=alt.X("bound:Q", scale=alt.Scale(domain=score_range.domain)))
    )


def scorecard_chart(
    frame: pd.DataFrame, *, title: str, score_title: str,
    current_label: str, target_label: str,
    score_range: ScoreRange = ScoreRange(),
) -> Any:
    """Bars of the current mean per dimension on the score range, with target ticks if given.

    ``frame``: one row per dimension, columns ``dimension`` (label), ``mean`` and, optional,
    ``target`` (the lowest mean of the target level; NaN where no target).
    """
    data = frame.assign(base=score_range.low, series=current_label)
    order = list(data["dimension"])
    y = alt.Y("dimension:N", sort=order, title=None, axis=alt.Axis(labelLimit=0))
    x_scale = alt.Scale(domain=score_range.domain, nice=False)
    bars = alt.Chart(data).mark_bar(height=18, cornerRadiusEnd=2).encode(
        y=y,
        x=alt.X("base:Q", scale=x_scale, axis=_score_axis(score_title, score_range)),
        x2="mean:Q",
        color=alt.Color("series:N", scale=alt.Scale(range=[PRIMARY]), title=None,
                        legend=alt.Legend(symbolType="square")),
    )
    labels = alt.Chart(data).mark_text(align="left", dx=4, fontSize=11, color="#1d2733").encode(
        y=y, x=alt.X("mean:Q", scale=x_scale), text=alt.Text("mean:Q", format=".2f")
    )
    layers: list[Any] = [_guides(score_range), bars, labels]
    if "target" in data.columns and data["target"].notna().any():
        targets = data[data["target"].notna()].assign(series=target_label)
        layers.append(
            alt.Chart(targets).mark_tick(thickness=3, size=26, opacity=1).encode(
                y=y,
                x=alt.X("target:Q", scale=x_scale),
                color=alt.Color(
                    "series:N", scale=alt.Scale(range=[ACCENT]), title=None,
                    # the legend shows a tick, like the marks (not Vega-Lite's circle)
                    legend=alt.Legend(symbolType=TICK_SYMBOL, symbolStrokeColor=ACCENT,
                                      symbolStrokeWidth=3, symbolSize=120),
                ),
            )
        )
    chart = alt.layer(*layers).resolve_scale(color="independent").properties(
        title=title, width=WIDTH - 200, height=alt.Step(30)
    )
    return _configured(chart)


def iceberg_chart(
    frame: pd.DataFrame, *, title: str, score_title: str,
    layer_title: str, roles: Sequence[str],
    score_range: ScoreRange = ScoreRange(),
) -> Any:
    """A dot per layer and dimension, joined by a line: the perception gap at a glance.

    ``frame``: one row per dimension and published role, columns ``dimension`` (label),
    ``role`` (label), ``mean``. ``roles`` lists the role labels in order (executive, manager,
    frontline) so each keeps its colour and shape.
    """
    order = list(dict.fromkeys(frame["dimension"]))
    y = alt.Y("dimension:N", sort=order, title=None, axis=alt.Axis(labelLimit=0))
    x_scale = alt.Scale(domain=score_range.domain, nice=False)
    # Okabe-Ito colours by position (the shipped three keep theirs), and a shape each.
    palette = [*ROLE_COLOURS.values(), "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
    colours = [palette[i % len(palette)] for i in range(len(roles))]
    shapes = ["diamond", "square", "circle", "triangle-up", "cross", "triangle-down"]
    span = alt.Chart(frame).mark_rule(color="#9aa5b1", strokeWidth=2).encode(
        y=y, x=alt.X("min(mean):Q", scale=x_scale), x2="max(mean):Q"
    )
    dots = alt.Chart(frame).mark_point(filled=True, size=110, opacity=1).encode(
        y=y,
        x=alt.X("mean:Q", scale=x_scale, axis=_score_axis(score_title, score_range)),
        color=alt.Color("role:N", scale=alt.Scale(domain=list(roles), range=colours),
                        title=layer_title),
        shape=alt.Shape("role:N", scale=alt.Scale(domain=list(roles),
                                                  range=shapes[: len(roles)]),
                        title=layer_title),
    )
    chart = alt.layer(_guides(score_range), span, dots).properties(
        title=title, width=WIDTH - 200, height=alt.Step(30)
    )
    return _configured(chart)


def heatmap_chart(
    frame: pd.DataFrame, *, title: str, group_title: str,
    score_title: str, hidden_label: str,
    score_range: ScoreRange = ScoreRange(),
) -> Any:
    """Groups by dimensions, coloured by mean (viridis); withheld cells grey, marked hidden.

    ``frame``: one row per group and dimension, columns ``group`` (label), ``dimension``
    (label), ``mean`` (NaN where withheld), ``hidden`` (bool) and ``label`` (the text shown in
    the cell: the formatted mean, or ``hidden_label``); optional ``highlight`` (bool): the
    rows of the report's own group, drawn with a dark outline.
    """
    color = alt.Color("mean:Q", scale=alt.Scale(scheme="viridis", domain=score_range.domain),
                      title=score_title, legend=alt.Legend(orient="right", gradientLength=160))
    # Dark text on the light (high) end of viridis, white on the dark end.
    return _grid_heatmap(frame, color=color, white_text=f"datum.mean < "
                         f"{score_range.fraction(0.55)!r}", title=title, group_title=group_title)


def _grid_heatmap(
    frame: pd.DataFrame, *, color: Any, white_text: str, title: str, group_title: str
) -> Any:
    """The grid every heatmap draws: groups by dimensions, the published cells in ``color``
    with their ``label`` printed (white where the Vega expression ``white_text`` holds), the
    withheld cells grey and marked, and the rows with ``highlight`` (if the column is there)
    outlined."""
    groups = list(dict.fromkeys(frame["group"]))
    dims = list(dict.fromkeys(frame["dimension"]))
    x = alt.X("dimension:N", sort=dims, title=None,
              axis=alt.Axis(orient="bottom", labelAngle=0, labelLimit=0, labelPadding=6,
                            labelExpr="split(datum.label, ' ')", ticks=False, domain=False))
    y = alt.Y("group:N", sort=groups, title=group_title, axis=alt.Axis(labelLimit=0))
    base = alt.Chart(frame)
    shown = base.transform_filter("!datum.hidden").mark_rect(stroke="white", strokeWidth=1.5)
    shown = shown.encode(x=x, y=y, color=color)
    hidden = base.transform_filter("datum.hidden").mark_rect(
        fill=HIDDEN_COLOUR, stroke="#bdbdbd", strokeDash=[2, 2], strokeWidth=1
    ).encode(x=x, y=y)
    values = base.transform_filter("!datum.hidden").mark_text(fontSize=11).encode(
        x=x, y=y, text="label:N",
        color=alt.condition(white_text, alt.value("white"), alt.value("#1d2733")),
    )
    hidden_text = base.transform_filter("datum.hidden").mark_text(
        fontSize=10, fontStyle="italic", color="#5a6672"
    ).encode(x=x, y=y, text="label:N")
    layers: list[Any] = [shown, hidden, values, hidden_text]
    if "highlight" in frame.columns and frame["highlight"].any():
        outlined = frame.loc[frame["highlight"].astype(bool), ["group"]].drop_duplicates()
        layers.append(
            alt.Chart(outlined).mark_rect(
                fill=None, stroke=OUTLINE_COLOUR, strokeWidth=2.5, strokeJoin="round"
            ).encode(y=y)  # no x: the rectangle spans the whole row
        )
    width = min(WIDTH, 100 * len(dims))
    chart = alt.layer(*layers).properties(title=title, width=width, height=alt.Step(24))
    return _configured(chart)


def _diverging_heatmap(
    frame: pd.DataFrame, *, field: str, title: str, group_title: str, legend_title: str,
    limit: float, scheme: Literal["blueorange", "redblue"], reverse: bool = False,
) -> Any:
    """:func:`_grid_heatmap` coloured by ``field`` on a diverging scale centred on 0 (from
    ``-limit`` to ``limit``); ``frame`` has ``field`` (NaN where withheld) and ``label``."""
    color = alt.Color(f"{field}:Q",
                      scale=alt.Scale(scheme=scheme, reverse=reverse, domainMid=0,
                                      domain=[-limit, limit], clamp=True),
                      title=legend_title, legend=alt.Legend(orient="right", gradientLength=160))
    return _grid_heatmap(frame, color=color, white_text=f"abs(datum.{field}) >= "
                         f"{0.6 * limit!r}", title=title, group_title=group_title)


def relative_heatmap_chart(
    frame: pd.DataFrame, *, title: str, group_title: str, difference_title: str,
    limit: float,
) -> Any:
    """Groups by dimensions, coloured by the difference from the organisation's mean (orange
    below, blue above, clamped at ``limit``), the value printed; withheld cells hidden.

    ``frame``: as :func:`heatmap_chart`'s, with ``difference`` (NaN where withheld) instead
    of ``mean`` and ``label`` the signed difference.
    """
    return _diverging_heatmap(
        frame, field="difference", title=title, group_title=group_title,
        legend_title=difference_title, limit=limit, scheme="blueorange", reverse=True,
    )


def change_heatmap_chart(
    frame: pd.DataFrame, *, title: str, group_title: str, change_title: str
) -> Any:
    """Groups by dimensions, coloured by the change since the previous wave (red down, blue
    up, white none), the value printed; withheld cells grey, marked hidden.

    ``frame``: one row per group and dimension, columns ``group``, ``dimension`` (labels),
    ``change`` (NaN where withheld), ``hidden`` (bool) and ``label`` (the text in the cell).
    """
    largest = float(np.nanmax(np.abs(frame["change"].to_numpy(dtype=float)), initial=0.0))
    bound = max(0.5, float(np.ceil(largest * 4) / 4))
    return _diverging_heatmap(
        frame, field="change", title=title, group_title=group_title,
        legend_title=change_title, limit=bound, scheme="redblue",
    )


def distribution_chart(
    frame: pd.DataFrame, *, title: str, share_title: str,
    answer_title: str, answers: Sequence[str], question_title: str | None = None,
) -> Any:
    """Diverging stacked bars of the answer shares per question, centred on the neutral answer.

    ``frame``: one row per question and answer point, columns ``question`` (label),
    ``order`` (the question's position), ``answer`` (label), ``point`` (1-5), ``percent``,
    ``start`` and ``end`` (the bar's extent in percent, negative to the left of the centre).
    ``answers`` lists the answer labels from the lowest point to the highest. With
    ``question_title`` (an interactive chart), a tooltip quotes the ``text`` column whole.
    """
    tooltip = [] if question_title is None else [
        alt.Tooltip("text:N", title=question_title), alt.Tooltip("answer:N", title=answer_title),
        alt.Tooltip("percent:Q", title=share_title, format=".1f")]
    questions = list(dict.fromkeys(frame.sort_values("order", kind="stable")["question"]))
    chart = alt.Chart(frame).mark_bar(height=16).encode(
        y=alt.Y("question:N", sort=questions, title=None,
                axis=alt.Axis(labelLimit=0, labelFontSize=10.5)),
        x=alt.X("start:Q", title=share_title, scale=alt.Scale(domain=[-100, 100]),
                axis=alt.Axis(values=[-100, -50, 0, 50, 100], labelExpr="abs(datum.value)")),
        x2="end:Q",
        color=alt.Color("answer:N", scale=alt.Scale(domain=list(answers),
                                                    range=answer_colours(len(answers))),
                        title=answer_title, sort=list(answers),
                        legend=alt.Legend(columns=3, labelLimit=0, symbolType="square")),
        order=alt.Order("point:Q"),
        tooltip=tooltip,
    )
    centre = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#1d2733").encode(x="zero:Q")
    layered = alt.layer(chart, centre).properties(title=title, width=300, height=alt.Step(22))
    return _configured(layered)


def outcomes_chart(
    frame: pd.DataFrame, *, title: str, score_title: str,
    score_range: ScoreRange = ScoreRange(),
) -> Any:
    """Bars of the outcome ratings (trifecta and customer advocacy) on their scale.

    ``frame``: one row per measure, columns ``measure`` (label), ``mean``, ``trifecta`` (bool:
    one of the three balanced outcomes, drawn darker than customer advocacy).
    """
    data = frame.assign(base=score_range.low)
    order = list(data["measure"])
    y = alt.Y("measure:N", sort=order, title=None, axis=alt.Axis(labelLimit=0))
    x_scale = alt.Scale(domain=score_range.domain, nice=False)
    bars = alt.Chart(data).mark_bar(height=18, cornerRadiusEnd=2).encode(
        y=y,
        x=alt.X("base:Q", scale=x_scale, axis=_score_axis(score_title, score_range)),
        x2="mean:Q",
        color=alt.condition("datum.trifecta", alt.value(PRIMARY), alt.value("#6baed6")),
    )
    labels = alt.Chart(data).mark_text(align="left", dx=4, fontSize=11, color="#1d2733").encode(
        y=y, x=alt.X("mean:Q", scale=x_scale), text=alt.Text("mean:Q", format=".2f")
    )
    chart = alt.layer(_guides(score_range), bars, labels).properties(
        title=title, width=WIDTH - 200, height=alt.Step(30)
    )
    return _configured(chart)


def drivers_chart(
    frame: pd.DataFrame, *, title: str, importance_title: str, score_title: str,
    importance_rule: float, score_rule: float,
    score_range: ScoreRange = ScoreRange(),
) -> Any:
    """Quadrants of score against importance: a dot per facet, low score and high importance
    (bottom right) drawn in the accent colour, the most important facets named.

    ``frame``: one row per facet with a published score, columns ``facet`` (label),
    ``importance`` (percent of R²), ``score`` (1-5), ``first`` (bool: in the work-on-this-
    first quadrant) and ``named`` (bool: draw the facet's name). ``importance_rule`` and
    ``score_rule`` place the quadrants' dividing lines.
    """
    top = max(float(frame["importance"].max()), importance_rule) * 1.1
    x = alt.X("importance:Q", title=importance_title, scale=alt.Scale(domain=[0, top], nice=False))
    y = alt.Y("score:Q", scale=alt.Scale(domain=score_range.domain, nice=False),
              axis=_score_axis(score_title, score_range))
    dots = alt.Chart(frame).mark_point(filled=True, size=90, opacity=1).encode(
        x=x, y=y,
        color=alt.condition("datum.first", alt.value(ACCENT), alt.value(PRIMARY)),
        shape=alt.condition("datum.first", alt.value("diamond"), alt.value("circle")),
    )
    names = alt.Chart(frame).transform_filter("datum.named").mark_text(
        align="left", dx=7, fontSize=10.5, color="#1d2733"
    ).encode(x=x, y=y, text="facet:N")
    rules = pd.DataFrame({"importance": [importance_rule], "score": [score_rule]})
    vertical = alt.Chart(rules).mark_rule(strokeDash=[3, 3], color="#9aa5b1").encode(x=x)
    horizontal = alt.Chart(rules).mark_rule(strokeDash=[3, 3], color="#9aa5b1").encode(y=y)
    chart = alt.layer(vertical, horizontal, dots, names).properties(
        title=title, width=WIDTH - 180, height=300
    )
    return _configured(chart)


def enps_chart(frame: pd.DataFrame, *, title: str, share_title: str, category_title: str) -> Any:
    """One 100% bar split into detractors, passives and promoters.

    ``frame``: three rows in that order, columns ``category`` (label), ``point`` (0, 1, 2),
    ``percent``, ``start``, ``end`` (cumulative percent).
    """
    categories = list(frame.sort_values("point")["category"])
    bar = alt.Chart(frame).mark_bar(height=34).encode(
        x=alt.X("start:Q", title=share_title, scale=alt.Scale(domain=[0, 100])),
        x2="end:Q",
        color=alt.Color("category:N", scale=alt.Scale(domain=categories,
                                                      range=list(ENPS_COLOURS)),
                        title=category_title, sort=categories),
        order=alt.Order("point:Q"),
    )
    labels = alt.Chart(frame[frame["percent"] >= 6]).transform_calculate(
        middle="(datum.start + datum.end) / 2"
    ).mark_text(color="white", fontWeight="bold", fontSize=12).encode(
        x=alt.X("middle:Q", scale=alt.Scale(domain=[0, 100])),
        text=alt.Text("percent:Q", format=".0f"),
    )
    chart = alt.layer(bar, labels).properties(title=title, width=WIDTH - 60, height=40)
    return _configured(chart)


# --- rendering ---------------------------------------------------------------------------

_ID = re.compile(r'\bid="([^"]+)"')


def to_svg(chart: Any, *, language: str, uid: str, label: str | None = None) -> str:
    """Render ``chart`` to an SVG string with vl-convert, numbers formatted for ``language``.

    ``uid`` (letters, digits, ``-``) prefixes every ``id`` in the SVG, so several charts can
    sit inline in one HTML page without their gradients or clip paths clashing. Data is never
    fetched: the chart must carry its (aggregated) data inline. With a ``label``, the SVG is
    an image (``role="img"``) whose accessible name is the label, escaped.
    """
    import vl_convert

    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", uid):
        raise ValueError(f"uid: {uid!r} must be letters, digits and '-'")
    locale = d3_format_locale(language)
    # The builders' specifications are checked against the Vega-Lite schema by the tests
    # (tests/test_charts.py); a report skips the check (about 20 ms of each chart's 250).
    svg: str = vl_convert.vegalite_to_svg(
        chart.to_dict(validate=False), vl_version=_VL_VERSION, format_locale=locale,
        allowed_base_urls=[],
    )
    # vl-convert numbers gradients and clips with process-wide counters: renumber them in
    # order of appearance, so the same chart always gives the same SVG.
    names = {old: f"{uid}-{i}" for i, old in enumerate(dict.fromkeys(_ID.findall(svg)))}
    if names:
        pattern = re.compile(
            r'(id="|url\(#|href="#)(' + "|".join(map(re.escape, names)) + r')(?=[")])'
        )
        svg = pattern.sub(lambda m: m.group(1) + names[m.group(2)], svg)
    if label is not None:
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1)
    return svg
