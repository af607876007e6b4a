"""What a batch writes: each report's files as its worker returned them, ``reports.json``, the
failures files and ``index.html`` (from the template ``templates/index.html.j2``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .._atomic import atomic_path, write_text_atomic
from .._exceptions import AssessmentError
from .._i18n._catalogues import N_
from .._i18n._locale import language_name
from .._i18n._report import REPORT_LANGUAGES, report_translator
from .._store._workspace import Workspace
from ._format import format_count, format_datetime
from ._jobs import BatchResult, ReportJob, ReportOutcome, unit_label
from ._render import FAILURES_DIR
from ._templates import render
from ._units import unit_slug

if TYPE_CHECKING:
    from ._worker import RenderedReport

__all__ = ["failures_summary", "write_index", "write_report_files"]


def write_report_files(out: Path, job: ReportJob, report: RenderedReport) -> ReportOutcome:
    """Write the files a worker returned for ``job`` into ``out``, each atomically; a failed
    report's partial notebook into ``failures/``.

    A kind of file the run did not produce (the page and PDF of a failed report, a PDF
    not asked for) is removed, so no file of an earlier run is left beside the new ones.
    """
    names = {kind: f"{job.stem}.{kind}" for kind in ("ipynb", "html", "pdf")}
    names["scores.csv"] = f"{unit_slug(job.unit)}.scores.csv"
    kept = f"{FAILURES_DIR}/{job.stem}.ipynb"
    if report.status == "ok":
        (out / kept).unlink(missing_ok=True)  # the failure of an earlier run is over
    else:  # a failed report's partial notebook goes to failures/, never among the reports
        (out / names["ipynb"]).unlink(missing_ok=True)
        names["ipynb"] = kept
        if "ipynb" in report.files:
            (out / FAILURES_DIR).mkdir(exist_ok=True)
    for kind, name in names.items():
        data = report.files.get(kind)
        if data is None:
            if kind in ("html", "pdf"):
                (out / name).unlink(missing_ok=True)
            continue
        with atomic_path(out / name) as tmp:
            tmp.write_bytes(data)
    made = {kind: names[kind] if kind in report.files else None for kind in names}
    return ReportOutcome(
        job=job, status=report.status, error=report.error, cell=report.cell,
        seconds=report.seconds, html=made["html"], pdf=made["pdf"], notebook=made["ipynb"],
        data=made["scores.csv"], worker=report.worker or None,
        worker_report=report.sequence or None, worker_kernel=report.kernel or None,
        worker_rss_mb=report.rss_mb,
    )


#: A report's status as the index names it.
_STATUS: Final = {"ok": N_("ready"), "unchanged": N_("ready (unchanged)"), "failed": N_("failed")}


def _outcome_record(outcome: ReportOutcome) -> dict[str, Any]:
    record = asdict(outcome)
    record.update(record.pop("job"))
    return record


def _write_manifest(result: BatchResult) -> None:
    payload = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(result.seconds, 3),
        "reports": [_outcome_record(o) for o in result.outcomes],
    }
    write_text_atomic(result.out_dir / "reports.json", json.dumps(payload, indent=1) + "\n")


def _previous_successes(out: Path) -> dict[str, ReportOutcome]:
    """The reports of the last run in ``out`` that succeeded and whose files are all there."""
    try:
        records = json.loads((out / "reports.json").read_text(encoding="utf-8"))["reports"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    found: dict[str, ReportOutcome] = {}
    job_fields = set(ReportJob.__dataclass_fields__)
    for record in records:
        try:
            job = ReportJob(**{k: record[k] for k in job_fields})
            outcome = ReportOutcome(
                job=job,
                status=record["status"],
                error=record.get("error"),
                cell=record.get("cell"),
                seconds=record.get("seconds", 0.0),
                html=record.get("html"),
                pdf=record.get("pdf"),
                notebook=record.get("notebook"),
                data=record.get("data"),
                worker=record.get("worker"),
                worker_report=record.get("worker_report"),
                worker_kernel=record.get("worker_kernel"),
                worker_rss_mb=record.get("worker_rss_mb"),
            )
        except (KeyError, TypeError):
            continue
        files = [outcome.html, outcome.notebook, *([outcome.pdf] if outcome.pdf else [])]
        if outcome.status in ("ok", "unchanged") and all(f and (out / f).is_file() for f in files):
            found[job.stem] = outcome
    return found


def failures_summary(outcomes: Iterable[ReportOutcome]) -> str:
    """Return a readable list of the failed reports: unit, language, error, notebook."""
    failed = [o for o in outcomes if o.status == "failed"]
    if not failed:
        return ""
    lines = [f"{len(failed)} report{'s' if len(failed) != 1 else ''} failed:"]
    for o in failed:
        lines.append(f"- {o.job.unit} ({o.job.language}): {o.error}")
        if o.notebook:
            lines.append(f"  partial notebook: {o.notebook}")
    return "\n".join(lines)


def _write_failures(result: BatchResult) -> Path | None:
    """Write ``failures.json`` and ``failures.txt`` (or remove stale ones); return the JSON."""
    json_path, text_path = result.out_dir / "failures.json", result.out_dir / "failures.txt"
    if result.ok:
        json_path.unlink(missing_ok=True)
        text_path.unlink(missing_ok=True)
        return None
    records = [
        {k: v for k, v in _outcome_record(o).items() if k not in ("parameters", "fingerprint")}
        for o in result.failures
    ]
    write_text_atomic(json_path, json.dumps(records, indent=1, ensure_ascii=False) + "\n")
    write_text_atomic(text_path, failures_summary(result.outcomes) + "\n")
    return json_path


def _index_title(workspace: Workspace | None, jobs: Sequence[ReportJob]) -> tuple[str | None, str]:
    """The index's title and language: the engagement's first language (when it is a report
    language, else that of the first report, else English)."""
    fallback = next((j.language for j in jobs if j.language in REPORT_LANGUAGES), "en")
    if workspace is None or not jobs:
        return None, fallback
    engagement = jobs[0].parameters["engagement"]
    try:
        with workspace.store() as store:
            eng = store.engagement(engagement)
    except AssessmentError:
        return None, fallback
    language = next((lang for lang in eng.languages[:1] if lang in REPORT_LANGUAGES), fallback)
    title = report_translator(language).gettext(
        "%(organisation)s: reports of engagement %(engagement)s (%(wave)s)",
        organisation=eng.organisation, engagement=eng.id, wave=eng.wave,
    )
    return title, language


def _index_groups(workspace: Workspace | None, jobs: Sequence[ReportJob]) -> dict[str, str | None]:
    """The department of every team unit of ``jobs`` (None: the team has none), for the index."""
    teams = [j for j in jobs if j.unit.startswith("team:")]
    if workspace is None or not teams:
        return {}
    found: dict[str, str | None] = {}
    try:
        with workspace.store() as store:
            for engagement in dict.fromkeys(j.parameters["engagement"] for j in teams):
                departments = store.team_departments(engagement)
                for job in teams:
                    if job.parameters["engagement"] == engagement:
                        found[job.unit] = departments.get(job.unit.removeprefix("team:"))
    except AssessmentError:
        return {}
    return found


def _grouped(
    outcomes: Sequence[ReportOutcome], departments: Mapping[str, str | None], lang: str
) -> list[tuple[str | None, list[ReportOutcome]]]:
    """The reports in the index's order: the organisation first, then team reports by
    department, each part sorted by unit; a heading per department."""
    _ = report_translator(lang).gettext
    languages = {o.job.language: i for i, o in reversed(list(enumerate(outcomes)))}

    def order(o: ReportOutcome) -> tuple[str, int]:
        return unit_label(o.job.unit, lang).casefold(), languages[o.job.language]

    parts: dict[tuple[int, str], tuple[str | None, list[ReportOutcome]]] = {}
    for o in outcomes:
        kind = o.job.unit.split(":", 1)[0]
        if kind == "team" and departments:
            department = departments.get(o.job.unit)
            heading = (_("Department: %(name)s", name=department) if department
                       else _("Teams without a department"))
            key = (2 if department else 3, (department or "").casefold())
        else:
            heading, key = None, (0 if kind == "organisation" else 1, kind)
        parts.setdefault(key, (heading, []))[1].append(o)
    return [(heading, sorted(rows, key=order)) for _, (heading, rows) in sorted(parts.items())]


def write_index(
    result: BatchResult,
    *,
    title: str | None = None,
    language: str = "en",
    groups: Mapping[str, str | None] | None = None,
) -> Path:
    """Write ``index.html``: every report with its status and links; no script, escaped.

    The page is in ``language`` (a report language); each report's language is named in
    its own words (``Nederlands``, ``Українська``). Reports are listed in one table, the
    organisation first, then sorted by unit; ``groups`` gives a team unit's department,
    and team reports are then grouped under their department, with links to each group.
    """
    lang = language if language in REPORT_LANGUAGES else "en"
    words = report_translator(lang)
    _ = words.gettext
    pdfs = any(o.pdf for o in result.outcomes)
    errors = any(o.error for o in result.outcomes)
    sections = [
        {
            "heading": heading,
            "id": f"group-{i}",
            "rows": [
                {
                    "unit": unit_label(o.job.unit, lang),
                    "language": o.job.language,
                    "language_name": (language_name(o.job.language)
                                      if o.job.language in REPORT_LANGUAGES else o.job.language),
                    "status": o.status,
                    "status_label": _(_STATUS[o.status]) if o.status in _STATUS else o.status,
                    "html": o.html,
                    "pdf": o.pdf,
                    "notebook": o.notebook,
                    "error": o.error or "",
                }
                for o in rows
            ],
        }
        for i, (heading, rows) in enumerate(_grouped(result.outcomes, groups or {}, lang), 1)
    ]
    headers = [_("Unit"), _("Language"), _("Status"), _("Report"), *(["PDF"] if pdfs else []),
               _("Audit trail"), *([_("Error")] if errors else [])]
    n_failed = len(result.failures)
    engagement = result.outcomes[0].job.parameters["engagement"] if result.outcomes else ""
    total = len(result.outcomes)
    lead = words.ngettext(
        "%(total)s report: %(ready)s ready, %(failed)s failed. Generated %(when)s.",
        "%(total)s reports: %(ready)s ready, %(failed)s failed. Generated %(when)s.",
        total, total=format_count(total, lang), ready=format_count(total - n_failed, lang),
        failed=format_count(n_failed, lang), when=format_datetime(datetime.now(UTC), lang),
    )
    page = render(
        "index.html.j2", lang, lead=lead, headers=headers, sections=sections, pdfs=pdfs,
        errors=errors, notebook=_("notebook"),
        heading=title or _("Reports of engagement %(engagement)s", engagement=engagement),
    )
    return write_text_atomic(result.index, page)
