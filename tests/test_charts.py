"""Chart builders: titled, colour-blind-safe, aggregated data only; SVG rendering."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest

from assessment import Workspace, prepare_report
from assessment._report import _charts as charts

HOSTILE = "</script><script>alert(1)</script>"


@pytest.fixture(scope="module")
def demo(demo_workspace: Workspace) -> Workspace:
    """The session's demo workspace: read-only."""
    return demo_workspace


def _datasets(chart: Any) -> list[pd.DataFrame]:
    spec = chart.to_dict()  # validates the specification against the Vega-Lite schema
    return [pd.DataFrame(rows) for rows in spec.get("datasets", {}).values()]


def _heatmap_frame(groups: list[str]) -> pd.DataFrame:
    dims = ["Culture", "Leadership"]
    rows = [(g, d) for g in groups for d in dims]
    hidden = [g == groups[-1] for g, _ in rows]
    mean = [np.nan if h else 2.5 + i / 10 for i, h in enumerate(hidden)]
    return pd.DataFrame(
        {
            "group": [g for g, _ in rows],
            "dimension": [d for _, d in rows],
            "mean": mean,
            "hidden": hidden,
            "label": ["hidden" if h else f"{m:.2f}" for h, m in zip(hidden, mean, strict=True)],
        }
    )


def _distribution_frame() -> pd.DataFrame:
    share = np.array([[10.0, 20.0, 30.0, 25.0, 15.0], [5.0, 5.0, 10.0, 40.0, 40.0]])
    offset = -(share[:, 0] + share[:, 1] + share[:, 2] / 2)
    start = offset[:, None] + np.concatenate([np.zeros((2, 1)), share.cumsum(1)[:, :-1]], 1)
    answers = ["SD", "D", "N", "A", "SA"]
    return pd.DataFrame(
        {
            "question": np.repeat(["Question one", "Question two"], 5),
            "order": np.repeat([0, 1], 5),
            "answer": answers * 2,
            "point": list(range(1, 6)) * 2,
            "percent": share.ravel(),
            "start": start.ravel(),
            "end": (start + share).ravel(),
        }
    )


def _all_charts() -> dict[str, Any]:
    dims = pd.DataFrame({"dimension": ["Culture", "Leadership"], "mean": [2.4, 3.1],
                         "target": [3.4, np.nan]})
    layers = pd.DataFrame({"dimension": ["Culture"] * 3, "role": ["Ex", "Ma", "Fr"],
                           "mean": [3.9, 3.2, 2.6]})
    return {
        "scorecard": charts.scorecard_chart(dims, title="Score", score_title="Mean",
                                            current_label="Now", target_label="Target"),
        "iceberg": charts.iceberg_chart(layers, title="Layers", score_title="Mean",
                                        layer_title="Layer", roles=["Ex", "Ma", "Fr"]),
        "heatmap": charts.heatmap_chart(_heatmap_frame(["A", "B", "C"]), title="Heat",
                                        group_title="Team", score_title="Mean",
                                        hidden_label="hidden"),
        "answers": charts.distribution_chart(_distribution_frame(), title="Answers",
                                             share_title="Share", answer_title="Answer",
                                             answers=["SD", "D", "N", "A", "SA"]),
        "outcomes": charts.outcomes_chart(
            pd.DataFrame({"measure": ["Ops", "CX"], "mean": [2.8, 3.1],
                          "trifecta": [True, True]}),
            title="Outcomes", score_title="Mean"),
        "enps": charts.enps_chart(
            pd.DataFrame({"category": ["Det", "Pas", "Pro"], "point": [0, 1, 2],
                          "percent": [50.0, 30.0, 20.0], "start": [0.0, 50.0, 80.0],
                          "end": [50.0, 80.0, 100.0]}),
            title="eNPS", share_title="Share", category_title="Group"),
    }


@pytest.mark.parametrize("name", list(_all_charts()))
def test_every_builder_returns_a_titled_valid_chart_of_its_input_rows(name: str) -> None:
    chart = _all_charts()[name]
    assert isinstance(chart.title, str) and chart.title
    frames = _datasets(chart)
    assert frames and max(len(f) for f in frames) <= 10
    assert all("respondent_id" not in f.columns for f in frames)


def test_palettes_are_colour_blind_safe_and_fixed() -> None:
    built = _all_charts()
    heat = str(built["heatmap"].to_dict())
    assert "'scheme': 'viridis'" in heat
    answers = str(built["answers"].to_dict())
    assert str(list(charts.ANSWER_COLOURS)) in answers  # blue-orange diverging
    iceberg = str(built["iceberg"].to_dict())
    assert str(list(charts.ROLE_COLOURS.values())) in iceberg  # Okabe-Ito, with shapes too
    assert "'shape'" in iceberg


def test_hidden_heatmap_cells_carry_no_value() -> None:
    frame = _datasets(_all_charts()["heatmap"])[0]
    hidden = frame[frame["hidden"]]
    assert len(hidden) == 2 and hidden["mean"].isna().all()
    assert set(hidden["label"]) == {"hidden"}


def test_the_heatmap_outlines_the_rows_of_the_reports_own_group() -> None:
    frame = _heatmap_frame(["A", "B", "C"]).assign(highlight=lambda f: f["group"] == "B")
    spec = charts.heatmap_chart(frame, title="Heat", group_title="Team", score_title="Mean",
                                hidden_label="hidden").to_dict()
    outlines = [layer for layer in spec["layer"]
                if layer["mark"].get("stroke") == charts.OUTLINE_COLOUR]
    assert len(outlines) == 1
    (rows,) = [spec["datasets"][outlines[0]["data"]["name"]]]
    assert rows == [{"group": "B"}] and "x" not in outlines[0]["encoding"]  # the whole row
    plain = charts.heatmap_chart(_heatmap_frame(["A"]), title="Heat", group_title="Team",
                                 score_title="Mean", hidden_label="hidden").to_dict()
    assert charts.OUTLINE_COLOUR not in str(plain)


def test_the_scorecard_legend_shows_a_bar_and_a_tick_like_the_marks() -> None:
    spec = _all_charts()["scorecard"].to_dict()
    legends = {layer["mark"]["type"]: layer["encoding"]["color"]["legend"]
               for layer in spec["layer"] if "color" in layer.get("encoding", {})}
    assert legends["bar"]["symbolType"] == "square"
    assert legends["tick"]["symbolType"] == charts.TICK_SYMBOL  # a vertical stroke, no circle
    svg = charts.to_svg(_all_charts()["scorecard"], language="en", uid="asmt-s")
    symbols = _legend_symbols(svg)
    assert set(symbols) == {"Now", "Target"}
    # The bar's entry: a square (M-a,-a h2a v2a h-2a Z).
    square = re.fullmatch(r"M-([\d.]+),-\1h([\d.]+)v\2h-\2Z", symbols["Now"].get("d", ""))
    assert square and float(square[2]) == 2 * float(square[1]) > 0
    # The target's entry: one vertical stroke from (0,-h) to (0,h), drawn in the accent colour.
    tick = symbols["Target"]
    stroke = re.fullmatch(r"M0,-([\d.]+)L0,\1", tick.get("d", ""))
    assert stroke and float(stroke[1]) > 0
    assert tick.get("stroke") == charts.ACCENT and float(tick.get("stroke-width", "0")) > 0


def _legend_symbols(svg: str) -> dict[str, ElementTree.Element]:
    """The symbol path of each legend entry of an SVG drawn by vl-convert, by its label."""

    def classes(element: ElementTree.Element) -> list[str]:
        return (element.get("class") or "").split()

    symbols = {}
    for entry in ElementTree.fromstring(svg).iter():
        if "role-legend-entry" in classes(entry):
            (symbol,) = [e for e in entry.iter() if "role-legend-symbol" in classes(e)]
            (label,) = [e for e in entry.iter() if "role-legend-label" in classes(e)]
            (path,) = [e for e in symbol.iter() if e.tag.endswith("}path")]
            symbols["".join(label.itertext())] = path
    return symbols


def test_svg_ids_are_prefixed_so_charts_can_share_a_page() -> None:
    built = _all_charts()
    first = charts.to_svg(built["heatmap"], language="en", uid="asmt-a")
    second = charts.to_svg(built["heatmap"], language="en", uid="asmt-b")
    ids = re.findall(r'\bid="([^"]+)"', first + second)
    assert ids and len(ids) == len(set(ids))
    assert all(i.startswith(("asmt-a-", "asmt-b-")) for i in ids)
    assert all(ref.startswith("asmt-a-") for ref in re.findall(r"url\(#([^)]+)\)", first))
    with pytest.raises(ValueError, match="uid"):
        charts.to_svg(built["heatmap"], language="en", uid='x" onload="alert(1)')


def test_svg_escapes_text_typed_by_users() -> None:
    chart = charts.heatmap_chart(_heatmap_frame([HOSTILE, "B"]), title=HOSTILE,
                                 group_title="Team", score_title="Mean", hidden_label="hidden")
    svg = charts.to_svg(chart, language="en", uid="asmt-x")
    assert "<script" not in svg.lower()
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_svg_numbers_follow_the_report_language() -> None:
    chart = _all_charts()["scorecard"]
    assert ">2.40<" in charts.to_svg(chart, language="en", uid="asmt-en")
    assert ">2,40<" in charts.to_svg(chart, language="nl", uid="asmt-nl")


@pytest.mark.parametrize(
    "unit", ["organisation", "team:Customer Care Amsterdam", "role:manager", "department:Support"]
)
def test_report_charts_hold_aggregated_rows_only(demo: Workspace, unit: str) -> None:
    report = prepare_report(str(demo.path), "demo", unit, "en", str(demo.path / "out"))
    model = report.model
    with demo.store() as store:
        respondents = store.count_respondents("demo")
        teams = len({*store.responses("demo").respondents["team"]})
    groups = 1 + len(model.roles) + teams * (1 + len(model.roles)) + 10
    bound = max(groups * (len(model.dimensions) + 1), len(model.items) * 5)
    data = report.chart_data()
    assert {"scorecard", "heatmap", "outcomes", "enps"} <= set(data)
    shown = {model.item_dimension[i] for i in report.distribution["item"]}  # published items
    assert {name.removeprefix("answers-") for name in data if name.startswith("answers-")} == shown
    for name, frames in data.items():
        for frame in frames:
            assert "respondent_id" not in frame.columns, name
            assert len(frame) <= bound, name
            assert len(frame) < respondents, name
    for frame in data["heatmap"]:
        if "hidden" in frame:
            assert frame.loc[frame["hidden"], "mean"].isna().all()


def test_a_chart_is_rendered_once_per_report(demo: Workspace, tmp_path: Path) -> None:
    report = prepare_report(str(demo.path), "demo", "organisation", "en", str(tmp_path))
    first = report.scorecard().html
    assert report.scorecard().html == first
    assert first.count("<svg") == 1 and 'aria-label="Current score and target' in first
