"""The report: :func:`~._prepare.prepare_report` returns a :class:`Report`, which shows one
section per call, as HTML, and keeps its charts.

How the numbers stay confidential (``docs/reports.md`` has the whole story):

- Every number comes from the engagement's tables (:mod:`._tables`), computed once over the
  *whole* organisation with every breakdown, so one suppression pattern covers the
  organisation report and every unit report: a unit report is a slice of the same tables
  (:class:`ReportData`) and can never be subtracted from another report to reveal a
  withheld group.
- A unit (team, role, department) that is withheld in that pattern gets no report at all
  (:class:`ConfidentialityError`, :meth:`Publication.require_published`).
- Charts are drawn from those aggregated tables only (:mod:`._figures`), rendered to SVG
  inside the kernel and embedded inline; the sections' templates escape everything a user
  typed (organisation, team, department names, comments) before it is put into the page
  (:mod:`._sections`, :mod:`._templates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from .._atomic import write_text_atomic
from .._text import neutralise_frame
from . import _figures, _sections
from ._report_data import ReportData
from ._sections import SECTIONS, Section
from ._tables import EngagementTables
from ._units import Unit

__all__ = ["Report"]


class Report(ReportData):
    """One report: a unit of an engagement in one language. Build it with :func:`prepare_report`.

    What it shows is its :class:`ReportData` (aggregated, suppressed tables only); each
    section method returns a :class:`Section` (HTML, shown by Jupyter).
    """

    def __init__(
        self,
        tables: EngagementTables,
        unit: Unit,
        language: str,
        output_dir: Path,
        targets: Mapping[str, int],
    ) -> None:
        super().__init__(tables, unit, language, output_dir, targets)
        self._charts: dict[str, Any] | None = None
        self._svg: dict[str, Markup] = {}

    # --- charts -----------------------------------------------------------------------------
    def charts(self) -> dict[str, Any]:
        """Every chart of the report by name (built once), from aggregated frames only."""
        if self._charts is None:
            self._charts = _figures.build_charts(self)
        return self._charts

    def chart_data(self) -> dict[str, list[pd.DataFrame]]:
        """The data sets embedded in every chart's specification, by chart name.

        This is everything a chart carries into the page: aggregated rows only.
        """
        return {
            name: [pd.DataFrame(rows) for rows in chart.to_dict().get("datasets", {}).values()]
            for name, chart in self.charts().items()
        }

    def _figure(self, name: str) -> Markup | None:
        """The chart ``name`` as inline SVG (rendered once), None if the report has none."""
        chart = self.charts().get(name)
        if chart is None:
            return None
        if name not in self._svg:
            self._svg[name] = _figures.svg(name, chart, self.language)
        return self._svg[name]

    # --- sections -----------------------------------------------------------------------------
    def summary(self) -> Section:
        """The title block and one-page summary: overall level and each dimension's level."""
        return _sections.summary(self)

    def narrative(self) -> Section | None:
        """The consultant's executive summary in the report's language (Markdown, no raw
        HTML); ``None`` (no section) when the consultant wrote no narrative at all."""
        return _sections.narrative(self)

    def scorecard(self) -> Section:
        """Current level per dimension against the target (or a note that none is set)."""
        return _sections.scorecard(self, self._figure)

    def change(self) -> Section | None:
        """Change since the previous wave: both means, the change, its 95% CI and label, for
        the unit and its groups; the change by team; the questions' change. ``None`` (no
        section) in the organisation's first wave on the model."""
        return _sections.change(self, self._figure)

    def assessment(self) -> Section | None:
        """The consultant's evidence-based level per facet beside the survey's level.

        ``None`` (no section, so no page of its own) in a unit report and before the
        consultant rated a facet: the scorecard says so instead.
        """
        return _sections.assessment(self)

    def perception_gap(self) -> Section | None:
        """The iceberg chart: each layer's means and the gaps; ``None`` (no section) for a
        model of a single role."""
        return _sections.perception_gap(self, self._figure)

    def heatmap(self) -> Section:
        """Dimensions by team (or department), withheld cells marked hidden; a note instead
        of a chart whose cells would all be hidden."""
        return _sections.heatmap(self, self._figure)

    def answers(self) -> Section:
        """Diverging stacked bars of the answers to every question, per dimension."""
        return _sections.answers(self, self._figure)

    def outcomes(self) -> Section | None:
        """Trifecta balance, the CX-outruns-EX flag and eNPS; ``None`` (no section) when the
        model asks neither the recommendation question nor outcome items."""
        return _sections.outcomes(self, self._figure)

    def drivers(self) -> Section | None:
        """What drives each outcome: the facets' relative importance against their scores."""
        return _sections.drivers(self, self._figure)

    def strengths(self) -> Section:
        """The highest- and lowest-scoring questions of the unit."""
        return _sections.strengths(self)

    def recommendations(self) -> Section:
        """For each dimension: the current level's description and the actions to the next."""
        return _sections.recommendations(self)

    def comments(self) -> Section:
        """Released comments (teams of at least the comment minimum), grouped by team."""
        return _sections.comments(self)

    def appendix(self) -> Section:
        """Participation, reliability and method."""
        return _sections.appendix(self)

    def sections(self) -> list[Section]:
        """Every section the report shows, in report order."""
        return [s for name, _ in SECTIONS if (s := getattr(self, name)()) is not None]

    # --- data file ---------------------------------------------------------------------------
    def save_data(self) -> None:
        """Write the report's published score rows to :attr:`data_path` (CSV, atomically)."""
        write_text_atomic(self.data_path,
                          neutralise_frame(self.published_scores()).to_csv(index=False))
