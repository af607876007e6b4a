"""A batch's records: the report jobs, their outcomes and the batch result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from .._exceptions import ParameterError
from .._store._workspace import shipped
from ._render import FAILURES_DIR, RenderResult

__all__ = ["BY_KINDS", "BatchResult", "ReportJob", "ReportOutcome", "report_notebook"]

#: Kinds of unit a batch can report on, beside the organisation.
BY_KINDS: Final = ("team", "role", "department")


ORGANISATION: Final = "organisation"


Executor = Literal["local", "dask"]


Status = Literal["ok", "failed", "unchanged"]


def unit_label(unit: str, language: str = "en") -> str:
    """Return a reader's label for ``unit`` in ``language``: ``Whole organisation``,
    ``Team: NAME``, ``Rol: Managers`` (unescaped); the unit itself if it is not one.
    ``language`` must be a report language."""
    from ._units import parse_unit

    try:
        return parse_unit(unit).label(language)
    except ParameterError:
        return unit


def report_notebook() -> Path:
    """Return the report notebook: ``notebooks/report.ipynb`` of a checkout, or the shipped one."""
    return shipped("notebooks", "report.ipynb")


@dataclass(frozen=True)
class ReportJob:
    """One report to produce: a unit in a language, and the notebook's parameters."""

    unit: str
    language: str
    #: File stem of the report's files: ``<unit slug>.<language>``.
    stem: str
    parameters: dict[str, str]
    title: str
    #: Digest of everything the report depends on (see :func:`run_batch`).
    fingerprint: str = ""


@dataclass(frozen=True)
class ReportOutcome:
    """A report of the batch: its job, status, error and files (names inside the folder)."""

    job: ReportJob
    status: Status
    error: str | None = None
    cell: int | None = None
    seconds: float = 0.0
    html: str | None = None
    pdf: str | None = None
    notebook: str | None = None
    #: The published score rows (``<unit slug>.scores.csv``), when the report wrote them.
    data: str | None = None
    #: The worker that made it (``host:pid``), how many reports that worker had made with
    #: this one, which of its kernels (from 1) ran it, and its memory (with its kernel)
    #: after it, in MB.
    worker: str | None = None
    worker_report: int | None = None
    worker_kernel: int | None = None
    worker_rss_mb: float | None = None

    @classmethod
    def from_result(cls, job: ReportJob, result: RenderResult) -> ReportOutcome:
        """Build the outcome of ``job`` from what the renderer produced."""
        return cls(
            job=job,
            status="ok" if result.ok else "failed",
            error=result.error,
            cell=result.cell,
            seconds=round(result.seconds, 3),
            html=result.html.name if result.html else None,
            pdf=result.pdf.name if result.pdf else None,
            notebook=(
                None if result.notebook is None
                else f"{FAILURES_DIR}/{result.notebook.name}"
                if result.notebook.parent.name == FAILURES_DIR else result.notebook.name
            ),
        )


@dataclass
class BatchResult:
    """The outcome of a batch: one entry per report, in plan order, and the files written."""

    out_dir: Path
    outcomes: list[ReportOutcome]
    seconds: float
    index: Path
    failures_file: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def failures(self) -> list[ReportOutcome]:
        """The reports that failed."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def ok(self) -> bool:
        """Whether every report is there."""
        return not self.failures

    def summary(self) -> str:
        """One line: how many reports, how many failed or unchanged, and how long it took."""
        counts = {s: sum(o.status == s for o in self.outcomes) for s in ("ok", "unchanged")}
        return (
            f"{len(self.outcomes)} reports: {counts['ok']} produced, "
            f"{counts['unchanged']} unchanged, {len(self.failures)} failed "
            f"in {self.seconds:.1f} s"
        )
