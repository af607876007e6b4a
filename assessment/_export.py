"""Every table of the organisation's report in one spreadsheet, a sheet per table.

``assessment export-tables`` and :func:`export_tables` write what SAMM-toolbox users hand
over: the organisation report's published scores, perception gaps, targets and roadmap,
participation, reliability, strengths, the consultant's ratings and the change since the
last wave where there is one. Every number is one the report itself shows (the engagement's
one suppression pattern: a withheld group's row is there, marked, with no number); every
text cell is made inert for spreadsheets (:func:`~assessment._text.neutralise`), and the
file is written atomically.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from ._atomic import atomic_path
from ._exceptions import ParameterError
from ._report._prepare import prepare_report
from ._report._report import Report
from ._scoring._scores import OVERALL
from ._store._workspace import Workspace
from ._text import neutralise
from ._workbook import compare_waves

__all__ = ["export_tables", "report_tables"]

#: Columns holding model ids, each followed in the export by a column of their names.
_NAMED: Final = ("dimension", "facet", "item")
#: Helper columns of the report's frames that are not part of a table.
_DROP: Final = ("label", "kind_order")


def _with_names(frame: pd.DataFrame, report: Report) -> pd.DataFrame:
    """``frame`` with a ``<column>_name`` after each id column (dimension, facet, item)."""
    out = frame.drop(columns=[c for c in _DROP if c in frame.columns]).reset_index(drop=True)
    model = report.model
    facets = {f.id: f.name.get(report.language) for d in model.dimensions for f in d.facets}
    def name(column: str, value: str) -> str:
        if column == "dimension":
            return report.dimension_name(value) if value in ids or value == OVERALL else value
        if column == "facet":
            return facets.get(value, value)
        return report.item_text(value) if value in model.items else value

    ids = {d.id for d in model.dimensions}
    for column in _NAMED:
        if column in out.columns:
            names = [None if pd.isna(v) else name(column, str(v)) for v in out[column]]
            out.insert(list(out.columns).index(column) + 1, f"{column}_name", names)
    return out


def report_tables(report: Report, waves: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The tables of an organisation report, by sheet name, as exported."""
    if report.unit.kind != "organisation":
        raise ParameterError("export: the tables of the organisation's report only")
    tables: dict[str, pd.DataFrame] = {
        "scores": report.published_scores(),
        "perception gaps": report.gaps,
    }
    if report.target_table is not None:
        tables["targets"] = report.target_table
    if report.roadmap is not None:
        tables["roadmap"] = report.roadmap
    participation = report.participation
    tables["participation"] = participation[
        [c for c in ("kind", "group", "n", "suppressed") if c in participation.columns]
    ]
    tables["reliability"] = report.reliability.scales
    tables["strengths"] = report.strengths_frame
    rated = report.rated()
    if not rated.empty:
        tables["consultant ratings"] = rated
    if waves is not None and not waves.empty:
        tables["change since last wave"] = waves
    return {name: _with_names(frame, report) for name, frame in tables.items()}


def _cell(value: Any) -> Any:
    """A value as a worksheet cell: numbers stay numbers, text is made inert, no value blank."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | float) or hasattr(value, "dtype"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return neutralise(str(value))
        if math.isnan(number) or math.isinf(number):
            return None
        return int(number) if float(number).is_integer() and not isinstance(value, float) \
            else number
    return neutralise(str(value))


def export_tables(
    workspace: Workspace | str | Path,
    engagement: str,
    out: str | Path,
    *,
    language: str = "en",
) -> Path:
    """Write every table of the organisation's report to one ``.xlsx``, a sheet per table.

    Parameters
    ----------
    workspace:
        The workspace (or its folder).
    engagement:
        The engagement id.
    out:
        The ``.xlsx`` file, written atomically (replaced if it exists).
    language:
        The language of the names beside the ids (a report language of the model).

    Raises
    ------
    ParameterError
        A bad engagement, language or file name.
    ConfidentialityError
        The organisation's report itself may not be published (too few respondents).
    """
    dest = Path(out)
    if dest.suffix.lower() != ".xlsx":
        raise ParameterError(f"{dest}: export the tables to an .xlsx file")
    ws = workspace if isinstance(workspace, Workspace) else Workspace.find(workspace)
    report = prepare_report(str(ws.path), engagement, "organisation", language,
                            output_dir=str(dest.parent))
    with ws.store() as store:
        waves = compare_waves(store, report.engagement.id)
    tables = report_tables(report, waves)
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, frame in tables.items():
        sheet = book.create_sheet(name[:31])
        sheet.append([neutralise(str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:
        book.save(tmp)
    return dest
