"""The report batch: plan the reports of an engagement, run them in parallel, list them.

- :func:`plan_batch` picks the units that get a report: the organisation, and every team,
  role or department that the report itself may publish (``reportable_units``: at least the
  minimum group size, and not withheld by complementary suppression, so that no report can
  be subtracted from another to reveal a withheld group). It refuses an engagement whose
  organisation report could not be published, before any kernel starts.
- :func:`run_batch` runs them in worker processes, each with its own warm kernel (papermill's
  ``cwd`` and ``os.chdir`` are process-global, so never threads), or on a Dask cluster. A
  failing report does not stop the others: its partial notebook is kept, and the failures are
  printed and written to ``failures.json`` and ``failures.txt``.
- Every run writes ``index.html`` (every report, its status and links) and ``reports.json``.
  A report whose inputs (notebook, parameters, package code, the workspace database) have
  not changed since it last succeeded is not run again, unless ``force`` is set.

File names come from the report's ``unit_slug``, never from the names users typed.
"""

from __future__ import annotations

import hashlib
import html
import json
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal, TextIO
from urllib.parse import quote

from tqdm import tqdm

from ._atomic import write_text_atomic
from ._config import Workspace, shipped
from ._exceptions import AssessmentError, ParameterError
from ._i18n import LANGUAGE_NAMES
from ._render import RenderResult, ReportRenderer, chromium_executable
from ._report_text import REPORT_LANGUAGES, text

__all__ = [
    "BY_KINDS",
    "BatchResult",
    "ReportJob",
    "ReportOutcome",
    "failures_summary",
    "plan_batch",
    "render_report",
    "report_notebook",
    "run_batch",
    "write_index",
]

#: Kinds of unit a batch can report on, beside the organisation.
BY_KINDS: Final = ("team", "role", "department")
ORGANISATION: Final = "organisation"
Executor = Literal["local", "dask"]
Status = Literal["ok", "failed", "unchanged"]


def unit_label(unit: str, language: str = "en") -> str:
    """Return a reader's label for ``unit`` in ``language``: ``Whole organisation``,
    ``Team: NAME``, ``Rol: Managers`` (unescaped); the unit itself if it is not one.
    ``language`` must be a report language."""
    from ._report import parse_unit

    try:
        return parse_unit(unit).label(language)
    except ParameterError:
        return unit


def report_notebook() -> Path:
    """Return the report notebook: ``notebooks/report.ipynb`` of a checkout, or the shipped one."""
    return shipped("notebooks", "report.ipynb")


# --- planning --------------------------------------------------------------------------------


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


def plan_batch(
    workspace: Workspace,
    engagement: str,
    out_dir: str | Path,
    *,
    by: str = "team",
    languages: Sequence[str] | None = None,
    units: Sequence[str] | None = None,
) -> list[ReportJob]:
    """Return the jobs of a batch: the organisation and each publishable unit, per language.

    Parameters
    ----------
    workspace:
        The workspace holding the engagement.
    engagement:
        The engagement id.
    out_dir:
        Where the reports go (passed to the notebook as ``output_dir``).
    by:
        ``team``, ``role`` or ``department``: the kind of unit reported beside the
        organisation.
    languages:
        Report languages (default: the engagement's first language).
    units:
        Only these units (``organisation``, ``team:NAME``...; default: all of them); each
        must be one the batch would report on.

    Raises
    ------
    ParameterError
        A parameter is invalid (the message names it and its value).
    ConfidentialityError
        The engagement has no respondents yet, or too few for its organisation report.
    """
    if languages is None or not languages:
        with workspace.store() as store:
            languages = store.engagement(engagement).languages[:1]
    unknown = [lang for lang in languages if lang not in REPORT_LANGUAGES]
    if unknown:
        raise ParameterError(
            f"language: {', '.join(map(repr, unknown))} unknown; "
            f"choose from {', '.join(REPORT_LANGUAGES)}"
        )
    from ._report import reportable_units

    if by not in BY_KINDS:
        raise ParameterError(f"by: must be one of {', '.join(BY_KINDS)}, got {by!r}")
    # The report decides which units it may publish, and refuses them all when it would
    # refuse the organisation's; the batch asks it before any kernel starts.
    planned = [ORGANISATION, *reportable_units(str(workspace.path), engagement, by)]
    if units:
        missing = [u for u in units if u not in planned]
        if missing:
            raise ParameterError(
                f"unit: {', '.join(map(repr, missing))} cannot be reported (not a "
                f"{by}, or too small to publish); the batch reports on {', '.join(planned)}"
            )
        planned = [u for u in planned if u in units]
    out = Path(out_dir).resolve()
    return [
        _job(workspace, engagement, unit, lang, out)
        for unit in planned
        for lang in dict.fromkeys(languages)
    ]


def _job(workspace: Workspace, engagement: str, unit: str, language: str, out: Path) -> ReportJob:
    from ._report import unit_slug

    return ReportJob(
        unit=unit,
        language=language,
        stem=f"{unit_slug(unit)}.{language}",
        parameters={
            "workspace": str(workspace.path),
            "engagement": engagement,
            "unit": unit,
            "language": language,
            "output_dir": str(out),
        },
        # The page's <title> (browser tab, PDF title), in the report's language.
        title=(f"{text(language, 'report')} · {unit_label(unit, language)} · {engagement}"
               if language in REPORT_LANGUAGES else f"{unit} · {engagement}"),
    )


# --- what a report depends on ----------------------------------------------------------------


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    if path.exists():
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


@cache
def _code_digest() -> str:
    """Digest of the package's code and shipped models (a report depends on all of it)."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(here.rglob("*.py")) + sorted(here.parent.glob("data/models/*.yaml")):
        digest.update(path.name.encode() + b"\0" + _file_digest(path).encode())
    return digest.hexdigest()


def _fingerprint(job: ReportJob, notebook_digest: str, data_digest: str, pdf: bool) -> str:
    payload = json.dumps(
        [job.parameters, notebook_digest, data_digest, _code_digest(), pdf], sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _data_digest(workspace: Workspace, engagements: Iterable[str]) -> str:
    """Digest of what the reports read: each engagement's settings and revision.

    The revision changes with every write that can change a report (respondents,
    exclusions, teams, targets, ratings); the database file's bytes also change when SQLite
    merely checkpoints its log, which would rebuild unchanged reports.
    """
    if not workspace.db_path.is_file():
        return ""
    from ._store import Store  # here: the batch command starts without the store's imports

    state: list[Any] = [str(workspace.db_path)]
    with Store(workspace.db_path) as store:
        known = {e.id: e for e in store.engagements()}
        for engagement in sorted(set(engagements)):
            found = known.get(engagement)
            state.append(
                [engagement, None] if found is None
                else [engagement, asdict(found), store.revision(engagement)]
            )
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


# --- running ---------------------------------------------------------------------------------


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
            notebook=result.notebook.name if result.notebook else None,
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


# One renderer per worker process: a warm kernel (and Chromium) kept across reports. In a
# Dask worker, tasks run on several threads, so every report of the process runs on one
# thread of its own (kernel channels belong to the thread's event loop, and papermill's
# os.chdir to the whole process).
_renderer: ReportRenderer | None = None
_renderer_error: str | None = None
_report_thread: ThreadPoolExecutor | None = None
_report_thread_lock = threading.Lock()


def _start_renderer(pdf: bool, timeout: float | None) -> None:
    """Start this process's renderer; remember the error instead of raising it."""
    global _renderer, _renderer_error
    if _renderer is not None:
        return
    try:
        renderer = ReportRenderer(pdf=pdf, timeout=timeout)
        renderer.start()
    except Exception as exc:
        _renderer_error = f"worker could not start: {type(exc).__name__}: {exc}"
        return
    _renderer, _renderer_error = renderer, None
    # Shut the kernel down when the worker exits (multiprocessing runs these finalizers).
    multiprocessing.util.Finalize(None, _stop_renderer, exitpriority=10)


def _start_local_worker(pdf: bool, timeout: float | None) -> None:
    """Initialise a local worker process: Ctrl-C is for the parent, then warm up."""
    # The parent cancels the batch on Ctrl-C; a worker finishes its report and exits (its
    # kernel, in a session of its own, never sees the terminal's Ctrl-C either).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _start_renderer(pdf, timeout)


def _stop_renderer() -> None:
    global _renderer
    if _renderer is not None:
        renderer, _renderer = _renderer, None
        renderer.close()


def _render_in_worker(
    job: ReportJob, notebook: str, out_dir: str, pdf: bool, timeout: float | None
) -> ReportOutcome:
    """Produce one report in this process's warm kernel (started on first use)."""
    _start_renderer(pdf, timeout)
    if _renderer is None:
        return ReportOutcome(job=job, status="failed", error=_renderer_error)
    result = _renderer.render(
        notebook, out_dir, job.stem, job.parameters,
        title=job.title, language=job.language, pdf=pdf,
    )
    return ReportOutcome.from_result(job, result)


def _dask_task(
    job: ReportJob, notebook: str, out_dir: str, pdf: bool, timeout: float | None
) -> ReportOutcome:
    """Run :func:`_render_in_worker` on the process's single report thread (Dask)."""
    global _report_thread
    with _report_thread_lock:
        if _report_thread is None:
            _report_thread = ThreadPoolExecutor(1, thread_name_prefix="assessment-report")
        thread = _report_thread
    return thread.submit(_render_in_worker, job, notebook, out_dir, pdf, timeout).result()


def _dask_teardown() -> None:
    """Shut down the warm kernel of a Dask worker process, on its report thread."""
    global _report_thread
    with _report_thread_lock:
        thread, _report_thread = _report_thread, None
    if thread is not None:
        thread.submit(_stop_renderer).result()
        thread.shutdown()


def _local_pool(workers: int, pdf: bool, timeout: float | None) -> ProcessPoolExecutor:
    """Worker processes from a fork server that has the heavy imports done once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["assessment._batch", "papermill", "nbconvert"])
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_local_worker,
        initargs=(pdf, timeout),
    )


def _run_local(
    jobs: Sequence[ReportJob], args: tuple[str, str, bool, float | None], workers: int
) -> Iterator[ReportOutcome]:
    pool = _local_pool(workers, args[2], args[3])
    try:
        futures: dict[Future[ReportOutcome], ReportJob] = {
            pool.submit(_render_in_worker, job, *args): job for job in jobs
        }
        for future in as_completed(futures):
            yield _collect(futures[future], future.result, future.exception)
    except BaseException:  # Ctrl-C, or the caller stopped early: do not run the rest
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _run_dask(
    jobs: Sequence[ReportJob], args: tuple[str, str, bool, float | None], scheduler: str
) -> Iterator[ReportOutcome]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        futures = {
            client.submit(_dask_task, job, *args, key=f"report-{job.stem}-{os.urandom(4).hex()}",
                          pure=False): job
            for job in jobs
        }
        finished = dask_completed(list(futures), loop=client.loop)  # type: ignore[no-untyped-call]
        try:
            for future in finished:
                yield _collect(futures[future], future.result, future.exception)
        finally:
            client.run(_dask_teardown)


def _collect(
    job: ReportJob,
    result: Callable[[], ReportOutcome],
    exception: Callable[[], BaseException | None],
) -> ReportOutcome:
    """Return a finished task's outcome, or a failure if the worker itself broke."""
    error = exception()
    if error is not None:
        return ReportOutcome(
            job=job, status="failed", error=f"worker failed: {type(error).__name__}: {error}"
        )
    return result()


def run_batch(
    jobs: Sequence[ReportJob],
    out_dir: str | Path,
    *,
    notebook: str | Path | None = None,
    workers: int | None = None,
    executor: Executor = "local",
    scheduler: str | None = None,
    pdf: bool = False,
    force: bool = False,
    timeout: float | None = None,
    progress: bool | None = None,
    progress_file: TextIO | None = None,
    workspace: Workspace | None = None,
) -> BatchResult:
    """Produce the reports of ``jobs`` in ``out_dir``, in parallel; never stop at a failure.

    Parameters
    ----------
    jobs:
        From :func:`plan_batch`.
    out_dir:
        The folder of the reports, ``index.html``, ``reports.json`` and the failures files.
    notebook:
        The report notebook (default: :func:`report_notebook`).
    workers:
        Worker processes of the local executor (default: the number of CPUs, at most one
        per report).
    executor:
        ``local`` (a process pool, the default) or ``dask`` (the cluster at ``scheduler``;
        its workers need this package and the workspace and output folders at the same
        paths).
    pdf:
        Also print every report to PDF with headless Chromium.
    force:
        Produce every report, also those whose inputs did not change since they last
        succeeded (the default skips them).
    timeout:
        Seconds a notebook cell may run (default: no limit).
    progress:
        Show a progress bar (default: when ``progress_file`` is a terminal).
    progress_file:
        Where the progress bar is drawn (default: standard error).
    workspace:
        The workspace of the jobs, to notice changed data (default: the one the jobs name).
    """
    start = time.perf_counter()
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    nb_path = Path(notebook).resolve() if notebook else report_notebook()
    if not nb_path.is_file():
        raise ParameterError(f"notebook: {nb_path} does not exist")
    if executor not in ("local", "dask"):
        raise ParameterError(f"executor: must be 'local' or 'dask', got {executor!r}")
    if executor == "dask" and not scheduler:
        raise ParameterError("scheduler: the Dask executor needs a scheduler address")
    if pdf:
        chromium_executable()  # fail now, not once per report
    if workspace is None and jobs:
        workspace = Workspace(Path(jobs[0].parameters["workspace"]))
    nb_digest = _file_digest(nb_path)
    data_digest = (
        _data_digest(workspace, (str(j.parameters.get("engagement", "")) for j in jobs))
        if workspace else ""
    )
    jobs = [replace(j, fingerprint=_fingerprint(j, nb_digest, data_digest, pdf)) for j in jobs]

    previous = {} if force else _previous_successes(out)
    done: dict[str, ReportOutcome] = {}
    todo: list[ReportJob] = []
    for job in jobs:
        before = previous.get(job.stem)
        if before is not None and before.job.fingerprint == job.fingerprint:
            done[job.stem] = replace(before, job=job, status="unchanged", seconds=0.0)
        else:
            todo.append(job)

    args = (str(nb_path), str(out), pdf, timeout)
    bar = tqdm(
        total=len(jobs), initial=len(done), unit="report",
        file=sys.stderr if progress_file is None else progress_file,
        disable=None if progress is None else not progress, dynamic_ncols=True,
    )
    with bar:
        if todo:
            if executor == "dask":
                assert scheduler is not None
                stream = _run_dask(todo, args, scheduler)
            else:
                n = max(1, min(workers or os.cpu_count() or 1, len(todo)))
                stream = _run_local(todo, args, n)
            for outcome in stream:
                done[outcome.job.stem] = outcome
                failed = sum(o.status == "failed" for o in done.values())
                bar.set_postfix_str(f"{failed} failed")
                bar.update()

    outcomes = [done[job.stem] for job in jobs]
    result = BatchResult(out, outcomes, time.perf_counter() - start, out / "index.html")
    _write_manifest(result)
    title, language = _index_title(workspace, jobs)
    write_index(result, title=title, language=language)
    result.failures_file = _write_failures(result)
    return result


# --- outputs ---------------------------------------------------------------------------------


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


_INDEX_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933;
       max-width: 1100px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
p.lead { color: #52606d; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #e4e7eb;
         vertical-align: top; }
th { font-weight: 600; background: #f5f7fa; }
.status { font-weight: 600; white-space: nowrap; }
.status-ok, .status-unchanged { color: #1b7a3a; }
.status-failed { color: #b42318; }
td.error { color: #b42318; font-family: ui-monospace, monospace; font-size: .85rem; }
"""


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
    title = text(language, "index_title", organisation=eng.organisation, engagement=eng.id,
                 wave=eng.wave)
    return title, language


def _link(name: str | None, text: str) -> str:
    if not name:
        return ""
    return f'<a href="{html.escape(quote(name), quote=True)}">{html.escape(text)}</a>'


def write_index(result: BatchResult, *, title: str | None = None, language: str = "en") -> Path:
    """Write ``index.html``: every report with its status and links; no script, escaped.

    The page is in ``language`` (a report language); each report's language is named in
    its own words (``Nederlands``, ``Українська``).
    """
    esc = html.escape
    lang = language if language in REPORT_LANGUAGES else "en"

    def t(key: str, **values: object) -> str:
        return esc(text(lang, key, **values))

    pdfs = any(o.pdf for o in result.outcomes)
    errors = any(o.error for o in result.outcomes)
    rows = []
    for o in result.outcomes:
        rows.append(
            "<tr>"
            f"<td>{esc(unit_label(o.job.unit, lang))}</td>"
            f'<td lang="{esc(o.job.language)}">'
            f"{esc(LANGUAGE_NAMES.get(o.job.language, o.job.language))}</td>"
            f'<td class="status status-{o.status}">{t(f"status_{o.status}")}</td>'
            f"<td>{_link(o.html, 'HTML')}</td>"
            + (f"<td>{_link(o.pdf, 'PDF')}</td>" if pdfs else "")
            + f"<td>{_link(o.notebook, text(lang, 'index_notebook'))}</td>"
            + (f'<td class="error">{esc(o.error or "")}</td>' if errors else "")
            + "</tr>"
        )
    headers = [t("index_unit"), t("index_language"), t("index_status"), t("index_report"),
               *(["PDF"] if pdfs else []), t("index_audit"),
               *([t("index_error")] if errors else [])]
    n_failed = len(result.failures)
    engagement = result.outcomes[0].job.parameters["engagement"] if result.outcomes else ""
    heading = title or text(lang, "index_title_engagement", engagement=engagement)
    lead = t("index_lead", total=len(result.outcomes), ready=len(result.outcomes) - n_failed,
             failed=n_failed, when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    page = f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(heading)}</title>
<style>{_INDEX_CSS}</style>
</head>
<body>
<h1>{esc(heading)}</h1>
<p class="lead">{lead}</p>
<table>
<thead><tr>{"".join(f"<th>{h}</th>" for h in headers)}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""
    return write_text_atomic(result.index, page)


# --- one report ------------------------------------------------------------------------------


def render_report(
    workspace: Workspace,
    engagement: str,
    unit: str,
    language: str,
    out_dir: str | Path,
    *,
    notebook: str | Path | None = None,
    pdf: bool = False,
    timeout: float | None = None,
) -> ReportOutcome:
    """Produce one report in a kernel of its own (no batch, no index).

    The notebook validates ``unit`` and ``language`` and refuses groups too small to report.
    """
    out = Path(out_dir).resolve()
    job = _job(workspace, engagement, unit, language, out)
    nb_path = Path(notebook).resolve() if notebook else report_notebook()
    if pdf:
        chromium_executable()
    with ReportRenderer(pdf=pdf, timeout=timeout) as renderer:
        result = renderer.render(
            nb_path, out, job.stem, job.parameters, title=job.title, language=language, pdf=pdf
        )
    return ReportOutcome.from_result(job, result)
