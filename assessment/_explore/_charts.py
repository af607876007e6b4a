"""Altair builders of the explore app: the report's look, with tooltips that carry the full text.

Each builder takes an aggregated frame of :class:`~._views.ExploreData` (published numbers
only) and returns an ``alt.Chart``; nothing is displayed or saved here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import altair as alt
import pandas as pd

from .._report._charts import (
    HIDDEN_COLOUR,
    OUTLINE_COLOUR,
    PRIMARY,
    ROLE_COLOURS,
    _configured,
    distribution_chart,
)

__all__ = ["answers_chart", "heatmap_chart", "layers_chart", "scorecard_chart"]

#: The colour of the unit beside the organisation in the scorecard.
UNIT_COLOUR: Final = "#E69F00"


def heatmap_chart(
    frame: pd.DataFrame, *, title: str, group_title: str, value_title: str,
    unit_title: str, hidden_label: str, relative: bool, highlight: str | None = None,
    respondents_title: str = "n",
) -> Any:
    """Groups by units, coloured by the mean (or its difference from the organisation).

    ``frame``: :meth:`ExploreData.heatmap` rows. Hidden cells are grey, marked
    ``hidden_label``, with no number; the tooltip gives the group, the full text of the unit
    (the whole question), the value and the respondents.
    """
    data = frame.assign(shown=[hidden_label if h else f"{v:+.2f}" if relative else f"{v:.2f}"
                               for h, v in zip(frame["hidden"], frame["value"], strict=True)])
    units = list(dict.fromkeys(data["label"]))
    groups = list(dict.fromkeys(data["group"]))
    x = alt.X("label:N", sort=units, title=unit_title,
              axis=alt.Axis(labelAngle=-40, labelLimit=260, labelAlign="right"))
    y = alt.Y("group:N", sort=groups, title=group_title, axis=alt.Axis(labelLimit=0))
    tooltip = [alt.Tooltip("group:N", title=group_title), alt.Tooltip("text:N", title=unit_title),
               alt.Tooltip("shown:N", title=value_title)]
    if data["n"].notna().any():
        tooltip.append(alt.Tooltip("n:Q", title=respondents_title, format=".0f"))
    scale = (alt.Scale(scheme="blueorange", domain=[-1.5, 1.5], reverse=True) if relative
             else alt.Scale(scheme="viridis", domain=[1, 5]))
    base = alt.Chart(data)
    cells = base.transform_filter("!datum.hidden").mark_rect(stroke="white", strokeWidth=1).encode(
        x=x, y=y, color=alt.Color("value:Q", scale=scale, title=value_title,
                                  legend=alt.Legend(titleLimit=0)), tooltip=tooltip)
    hidden = base.transform_filter("datum.hidden").mark_rect(
        fill=HIDDEN_COLOUR, stroke="#bdbdbd", strokeDash=[2, 2], strokeWidth=1
    ).encode(x=x, y=y, tooltip=[*tooltip[:2], alt.Tooltip("shown:N", title=value_title)])
    layers: list[Any] = [cells, hidden]
    if len(units) <= 12:
        dark = "true" if relative else "datum.value >= 3.2"
        layers.append(base.transform_calculate(
            ink=f"datum.hidden ? '#5a6672' : ({dark} ? '#1d2733' : 'white')"
        ).mark_text(fontSize=10).encode(
            x=x, y=y, text="shown:N", color=alt.Color("ink:N", scale=None), tooltip=tooltip))
    if highlight is not None and highlight in groups:
        layers.append(alt.Chart(pd.DataFrame({"group": [highlight]})).mark_rect(
            fill=None, stroke=OUTLINE_COLOUR, strokeWidth=2.5).encode(y=y))
    width = min(900, max(240, 34 * len(units)))
    # The cells' colour scale and the text's literal colours stay apart (Vega fails otherwise).
    chart = alt.layer(*layers).resolve_scale(color="independent").properties(
        title=title, width=width, height=alt.Step(22))
    return _configured(chart)


def layers_chart(
    frame: pd.DataFrame, *, title: str, score_title: str, layer_title: str,
    roles: Sequence[str], respondents_title: str = "n",
) -> Any:
    """A dot per role and dimension, joined by a line: the perception gap, with tooltips."""
    order = list(dict.fromkeys(frame["dimension"]))
    y = alt.Y("dimension:N", sort=order, title=None, axis=alt.Axis(labelLimit=0))
    x_scale = alt.Scale(domain=[1, 5], nice=False)
    colours = [ROLE_COLOURS[k] for k in ("executive", "manager", "frontline")][: len(roles)]
    span = alt.Chart(frame).mark_rule(color="#9aa5b1", strokeWidth=2).encode(
        y=y, x=alt.X("min(mean):Q", scale=x_scale), x2="max(mean):Q")
    dots = alt.Chart(frame).mark_point(filled=True, size=120, opacity=1).encode(
        y=y,
        x=alt.X("mean:Q", scale=x_scale, title=score_title),
        color=alt.Color("role:N", scale=alt.Scale(domain=list(roles), range=colours),
                        title=layer_title),
        shape=alt.Shape("role:N", scale=alt.Scale(domain=list(roles),
                                                  range=["diamond", "square", "circle"]),
                        title=layer_title),
        tooltip=[alt.Tooltip("dimension:N"), alt.Tooltip("role:N", title=layer_title),
                 alt.Tooltip("mean:Q", title=score_title, format=".2f"),
                 alt.Tooltip("n:Q", title=respondents_title, format=".0f")],
    )
    chart = alt.layer(span, dots).properties(title=title, width=420, height=alt.Step(30))
    return _configured(chart)


def scorecard_chart(
    frame: pd.DataFrame, *, title: str, score_title: str, group_title: str,
    respondents_title: str = "n", level_title: str = "level",
) -> Any:
    """Bars of the mean per dimension: the organisation, and the unit beside it."""
    groups = list(dict.fromkeys(frame["group"]))
    order = list(dict.fromkeys(frame["dimension"]))
    data = frame.assign(base=1.0)
    chart = alt.Chart(data).mark_bar(height=14, cornerRadiusEnd=2).encode(
        y=alt.Y("dimension:N", sort=order, title=None, axis=alt.Axis(labelLimit=0)),
        yOffset=alt.YOffset("group:N", sort=groups),
        x=alt.X("base:Q", scale=alt.Scale(domain=[1, 5], nice=False), title=score_title),
        x2="mean:Q",
        color=alt.Color("group:N", sort=groups, title=group_title,
                        scale=alt.Scale(domain=groups, range=[PRIMARY, UNIT_COLOUR][:len(groups)])),
        tooltip=[alt.Tooltip("group:N", title=group_title), alt.Tooltip("dimension:N"),
                 alt.Tooltip("mean:Q", title=score_title, format=".2f"),
                 alt.Tooltip("level:Q", title=level_title, format=".0f"),
                 alt.Tooltip("n:Q", title=respondents_title, format=".0f")],
    )
    return _configured(chart.properties(title=title, width=420,
                                        height=alt.Step(15 * max(1, len(groups)) + 6)))



def answers_chart(
    frame: pd.DataFrame, *, title: str, share_title: str, answer_title: str,
    question_title: str, answers: Sequence[str],
) -> Any:
    """The report's diverging bars of the answer shares, with a tooltip quoting each question."""
    return distribution_chart(frame, title=title, share_title=share_title,
                              answer_title=answer_title, answers=answers,
                              question_title=question_title)
