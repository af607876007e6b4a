"""The report batch: plan the reports of an engagement and run them in parallel, locally or on Dask.

- :func:`plan_batch` picks the units that get a report: the organisation, and every team,
  role or department that the report itself may publish (``reportable_units``: at least the
  minimum group size, and not withheld by complementary suppression, so that no report can
  be subtracted from another to reveal a withheld group). It refuses an engagement whose
  organisation report could not be published, before any kernel starts.
- :func:`run_batch` runs them in worker processes, each with its own warm kernel (papermill's
  ``cwd`` and ``os.chdir`` are process-global, so never threads), or on a Dask cluster. A
  failing report does not stop the others: its partial notebook is kept, and the failures are
  printed and written to ``failures.json`` and ``failures.txt`` (:mod:`._outputs`).
- A report whose inputs (notebook, parameters, package code, the engagement's data) have
  not changed since it last succeeded is not run again, unless ``force`` is set.

File names come from the report's ``unit_slug``, never from the names users typed.
"""

from __future__ import annotations

import hashlib
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
from dataclasses import asdict, replace
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from .._exceptions import ParameterError
from .._i18n._report import REPORT_LANGUAGES, report_translator
from .._store._workspace import Workspace
from ._jobs import (
    BY_KINDS,
    ORGANISATION,
    BatchResult,
    Executor,
    ReportJob,
    ReportOutcome,
    report_notebook,
    unit_label,
)
from ._outputs import (
    _index_title,
    _previous_successes,
    _write_failures,
    _write_manifest,
    write_index,
)
from ._pdf import chromium_executable
from ._render import ReportRenderer

__all__ = ["plan_batch", "render_report", "run_batch"]

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
    from ._prepare import reportable_units

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
    from ._units import unit_slug

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
        title=(f"{report_translator(language).gettext('Service maturity report')} · "
               f"{unit_label(unit, language)} · {engagement}"
               if language in REPORT_LANGUAGES else f"{unit} · {engagement}"),
    )


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    if path.exists():
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


@cache
def _code_digest() -> str:
    """Digest of the package's code, templates and shipped models (a report depends on all)."""
    package = Path(__file__).resolve().parent.parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix != ".pyc")
    digest = hashlib.sha256()
    for path in files + sorted(package.parent.glob("data/models/*.yaml")):
        name = path.relative_to(package.parent).as_posix()
        digest.update(name.encode() + b"\0" + _file_digest(path).encode())
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
    from .._store._store import Store  # here: the batch command starts without the store's imports

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
    context.set_forkserver_preload(["assessment._report._batch", "papermill", "nbconvert"])
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
