"""The report batch: plan the reports of an engagement and run them in parallel, locally or on Dask.

- :func:`plan_batch` picks the units that get a report: the organisation, and every team,
  role or department that the report itself may publish (``reportable_units``: at least the
  minimum group size, and not withheld by complementary suppression, so that no report can
  be subtracted from another to reveal a withheld group). It refuses an engagement whose
  organisation report could not be published, before any kernel starts.
- :func:`run_batch` reads the engagement once (its snapshot, :mod:`._snapshot`) and runs the
  reports in worker processes, each with its own warm kernel (papermill's ``cwd`` and
  ``os.chdir`` are process-global, so never threads), or on a Dask cluster; both executors
  run the same worker code (:mod:`._worker`), get the snapshot once per worker, and return
  each report's files as bytes, which the client writes. A failing report does not stop
  the others: its partial notebook is kept, and the failures are printed and written to
  ``failures.json`` and ``failures.txt`` (:mod:`._outputs`). A report whose worker dies is
  run again on another (at most :data:`MAX_ATTEMPTS` times).
- A report whose inputs (notebook, parameters, package code, the engagement's data) have
  not changed since it last succeeded is not run again, unless ``force`` is set.

File names come from the report's ``unit_slug``, never from the names users typed.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import asdict, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

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
    _index_groups,
    _index_title,
    _previous_successes,
    _write_failures,
    _write_manifest,
    write_index,
    write_report_files,
)
from ._pdf import chromium_executable
from ._render import ReportRenderer
from ._snapshot import take_snapshot, write_snapshot
from ._worker import (
    RENEW_AFTER,
    BatchInput,
    RenderedReport,
    dask_task,
    dask_teardown,
    local_task,
    start_local_worker,
)

if TYPE_CHECKING:
    from distributed import Client

    from .._store._store import Store

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


def _notes_state(store: Store, engagement: str, language: str) -> list[Any]:
    """What a report in ``language`` shows of the consultant's notes: the narrative in that
    language (and, when it has no executive summary, the languages that have one, which its
    note names), the previous wave (its numbers and label) and the actions agreed in it."""
    narratives = store.narratives(engagement)
    own = narratives[narratives["language"] == language]
    has_summary = bool(own["dimension"].isna().any())
    previous = store.previous_wave(engagement)
    return [
        own[["dimension", "text"]].values.tolist(),
        True if has_summary else sorted(set(narratives["language"])),
        None if previous is None else [
            asdict(previous), store.data_revision(previous.id),
            store.actions(previous.id)[["id", "dimension", "title", "owner", "due", "status"]]
            .values.tolist(),
        ],
    ]


def _data_digests(
    workspace: Workspace, reports: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """Digest of what each report (engagement, language) reads: the engagement's settings,
    its data revision, and its notes as that language's reports show them.

    The data revision changes with every write that can change the numbers (respondents,
    exclusions, teams, targets, ratings); the narrative and the actions count only where they
    are shown: a change to the German narrative rebuilds the German reports alone, a change
    to a wave's actions the next wave's reports (:func:`_notes_state`). The database file's
    bytes also change when SQLite merely checkpoints its log, which would rebuild unchanged
    reports.
    """
    wanted = sorted(set(reports))
    if not workspace.db_path.is_file():
        return dict.fromkeys(wanted, "")
    from .._store._store import Store  # here: the batch command starts without the store's imports

    digests: dict[tuple[str, str], str] = {}
    with Store(workspace.db_path) as store:
        known = {e.id: e for e in store.engagements()}
        for engagement, language in wanted:
            found = known.get(engagement)
            state: list[Any] = [str(workspace.db_path), engagement, language]
            state.append(
                None if found is None
                else [asdict(found), store.data_revision(engagement),
                      _notes_state(store, engagement, language)]
            )
            digests[engagement, language] = hashlib.sha256(
                json.dumps(state, sort_keys=True, default=str).encode()
            ).hexdigest()
    return digests


#: Attempts at a report whose worker process died under it (as Dask's allowed failures).
MAX_ATTEMPTS: Final = 3


#: Reports queued per local worker beyond the one it runs: enough to keep it busy, few
#: enough to know which reports a dying worker took with it.
_QUEUED_PER_WORKER: Final = 1


#: What an executor yields per report: the job and what its worker returned (or the error
#: that kept the worker from returning anything).
Finished = tuple[ReportJob, "RenderedReport | BaseException"]


def _local_pool(workers: int, batch: BatchInput) -> ProcessPoolExecutor:
    """Worker processes from a fork server that has the heavy imports done once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["assessment._report._worker", "papermill", "nbconvert"])
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=start_local_worker,
        initargs=(batch,),
    )


def _run_local(jobs: Sequence[ReportJob], batch: BatchInput, workers: int) -> Iterator[Finished]:
    """Run ``jobs`` in a process pool; a report whose worker died runs again in a new pool.

    A dead worker breaks the whole pool and every report in it; at most ``2 * workers`` are
    in it at once, so those are run again, each at most :data:`MAX_ATTEMPTS` times.
    """
    pending = deque(jobs)
    attempts: Counter[str] = Counter()
    pool = _local_pool(workers, batch)
    running: dict[Future[RenderedReport], ReportJob] = {}
    try:
        while pending or running:
            while pending and len(running) < workers * (1 + _QUEUED_PER_WORKER):
                job = pending.popleft()
                running[pool.submit(local_task, job)] = job
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                job = running.pop(future)
                error = future.exception()
                if isinstance(error, BrokenProcessPool):
                    broken = True
                    attempts[job.stem] += 1
                    if attempts[job.stem] < MAX_ATTEMPTS:
                        pending.appendleft(job)
                        continue
                    error = RuntimeError(
                        f"its worker process died {MAX_ATTEMPTS} times while it ran"
                    )
                yield job, (error if error is not None else future.result())
            if broken:  # the others in the pool are lost with it: run them again
                for job in running.values():
                    pending.appendleft(job)
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _local_pool(workers, batch)
    except BaseException:  # Ctrl-C, or the caller stopped early: do not run the rest
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


@contextmanager
def _dask_client(scheduler: str | Any, workers: int, say: Callable[[str], None]) -> Iterator[Any]:
    """A client of the cluster at ``scheduler`` (an address, or a client to use as it is);
    without one, of a new local cluster."""
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):  # the caller's (dask-gateway, KubeCluster): theirs to close
        yield scheduler
        return
    if scheduler:
        with Client(scheduler, set_as_default=False) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
        scheduler_kwargs={"dashboard_address": ":0"},  # its HTTP server: any free port
    ) as cluster:
        say(f"no scheduler given: started a local Dask cluster of {workers} worker "
            f"process{'es' if workers != 1 else ''} at {cluster.scheduler_address}, for trying "
            "it out (on a real cluster, pass its scheduler's address)")
        with Client(cluster, set_as_default=False) as client:  # type: ignore[no-untyped-call]
            yield client


def _run_dask(
    jobs: Sequence[ReportJob], batch: BatchInput, scheduler: str | Any, workers: int,
    say: Callable[[str], None],
) -> Iterator[Finished]:
    """Run ``jobs`` on a Dask cluster: the batch's input goes to every worker once.

    Dask runs a report again on another worker when its worker dies (up to the scheduler's
    ``allowed-failures``); each result arrives once, and is released as soon as it is read.
    """
    from distributed import as_completed as dask_completed

    with _dask_client(scheduler, workers, say) as client:
        shared = client.scatter(batch, broadcast=True, hash=False)
        futures = {
            client.submit(dask_task, job, shared, key=f"report-{job.stem}-{os.urandom(4).hex()}",
                          pure=False): job
            for job in jobs
        }
        finished = dask_completed(  # type: ignore[no-untyped-call]
            list(futures), loop=client.loop, with_results=True, raise_errors=False
        )
        try:
            for future, result in finished:
                job = futures.pop(future)
                future.release()
                yield job, result
        finally:
            finished.clear()  # type: ignore[no-untyped-call]
            for future in futures:
                future.cancel()
            del shared
            with suppress(Exception):  # a worker gone meanwhile has nothing to tear down
                client.run(dask_teardown)


def _outcome(job: ReportJob, out: Path, result: RenderedReport | BaseException) -> ReportOutcome:
    """Write a finished report's files into ``out``; a failure if the worker itself broke."""
    if isinstance(result, BaseException):
        return ReportOutcome(
            job=job, status="failed",
            error=f"worker failed: {type(result).__name__}: {str(result).strip() or 'no message'}",
        )
    return write_report_files(out, job, result)


def _batch_input(
    workspace: Workspace, engagements: Iterable[str], notebook: Path, pdf: bool,
    timeout: float | None, folder: Path | None, renew_after: int,
) -> tuple[BatchInput, dict[str, int]]:
    """Take each engagement's snapshot once: into ``folder`` (local workers read the files)
    or carried by the input itself (workers on other machines)."""
    from ..__version__ import __version__

    snapshots = {e: take_snapshot(workspace, e) for e in dict.fromkeys(engagements)}
    sizes = {e: s.size for e, s in snapshots.items()}
    source = notebook.read_text(encoding="utf-8")
    if folder is None:
        return BatchInput(source, __version__, pdf, timeout, snapshots=snapshots,
                          renew_after=renew_after), sizes
    files = {e: str(write_snapshot(s, folder)) for e, s in snapshots.items()}
    return BatchInput(source, __version__, pdf, timeout, snapshot_files=files,
                      renew_after=renew_after), sizes


def run_batch(
    jobs: Sequence[ReportJob],
    out_dir: str | Path,
    *,
    notebook: str | Path | None = None,
    workers: int | None = None,
    executor: Executor = "local",
    scheduler: str | Client | None = None,
    pdf: bool = False,
    force: bool = False,
    timeout: float | None = None,
    progress: bool | None = None,
    progress_file: TextIO | None = None,
    workspace: Workspace | None = None,
    renew_after: int = RENEW_AFTER,
) -> BatchResult:
    """Produce the reports of ``jobs`` in ``out_dir``, in parallel; never stop at a failure.

    The engagement is read once (its snapshot: :mod:`._snapshot`) and sent to every worker
    once; each report is rendered by a worker into a folder of its own and its files come
    back as bytes, which are written here atomically. So workers need this package, and
    neither the workspace nor the output folder.

    Parameters
    ----------
    jobs:
        From :func:`plan_batch`.
    out_dir:
        The folder of the reports, ``index.html``, ``reports.json`` and the failures files.
    notebook:
        The report notebook (default: :func:`report_notebook`); its text goes to the workers.
    workers:
        Worker processes of the local executor, or of the local Dask cluster started when
        no ``scheduler`` is given (default: the number of CPUs, at most one per report).
    executor:
        ``local`` (a process pool, the default) or ``dask``: the cluster at ``scheduler``,
        whose workers need the same version of this package; without ``scheduler``, a local
        Dask cluster is started for the batch (said on ``progress_file``).
    scheduler:
        The Dask scheduler's address (``tcp://host:8786``), or a ``distributed.Client`` of
        the cluster (``cluster.get_client()`` of dask-gateway, ``Client(KubeCluster(...))``),
        which the batch uses and leaves open.
    pdf:
        Also print every report to PDF with headless Chromium (on the workers).
    force:
        Produce every report, also those whose inputs did not change since they last
        succeeded (the default skips them).
    timeout:
        Seconds a notebook cell may run (default: no limit).
    progress:
        Show a progress bar (default: when ``progress_file`` is a terminal).
    progress_file:
        Where the progress bar and notices are written (default: standard error).
    workspace:
        The workspace of the jobs (default: the one the jobs name).
    renew_after:
        Reports a worker makes with one kernel before it starts a fresh one, which keeps its
        memory from growing with the batch (default :data:`RENEW_AFTER`; 0: never).
    """
    start = time.perf_counter()
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    nb_path = Path(notebook).resolve() if notebook else report_notebook()
    if not nb_path.is_file():
        raise ParameterError(f"notebook: {nb_path} does not exist")
    if executor not in ("local", "dask"):
        raise ParameterError(f"executor: must be 'local' or 'dask', got {executor!r}")
    if renew_after < 0:
        raise ParameterError(f"renew_after: must be 0 (never) or more, got {renew_after}")
    if (scheduler is not None and scheduler != "") and executor != "dask":
        raise ParameterError("scheduler: only the Dask executor has one")
    if pdf:
        chromium_executable()  # fail now, not once per report
    named = {j.parameters["workspace"] for j in jobs}
    if len(named) > 1:
        raise ParameterError(f"jobs: one batch reports on one workspace, got {sorted(named)}")
    if workspace is None and jobs:
        workspace = Workspace(Path(jobs[0].parameters["workspace"]))
    nb_digest = _file_digest(nb_path)
    def report_of(job: ReportJob) -> tuple[str, str]:
        return str(job.parameters.get("engagement", "")), job.language

    data_digests = _data_digests(workspace, map(report_of, jobs)) if workspace else {}
    jobs = [replace(j, fingerprint=_fingerprint(j, nb_digest, data_digests.get(report_of(j), ""),
                                                pdf)) for j in jobs]

    previous = {} if force else _previous_successes(out)
    done: dict[str, ReportOutcome] = {}
    todo: list[ReportJob] = []
    for job in jobs:
        before = previous.get(job.stem)
        if before is not None and before.job.fingerprint == job.fingerprint:
            done[job.stem] = replace(before, job=job, status="unchanged", seconds=0.0)
        else:
            todo.append(job)

    stream = sys.stderr if progress_file is None else progress_file
    bar = tqdm(
        total=len(jobs), initial=len(done), unit="report", file=stream,
        disable=None if progress is None else not progress, dynamic_ncols=True,
    )
    extra: dict[str, Any] = {"executor": executor}
    with bar, tempfile.TemporaryDirectory(prefix="assessment-batch-") as private:
        if todo:
            assert workspace is not None
            n = max(1, min(workers or os.cpu_count() or 1, len(todo)))
            engagements = (j.parameters["engagement"] for j in todo)
            finished: Iterator[Finished]
            if executor == "dask":
                batch, sizes = _batch_input(workspace, engagements, nb_path, pdf, timeout, None,
                                            renew_after)
                finished = _run_dask(todo, batch, scheduler, n,
                                     lambda s: tqdm.write(s, file=stream))
            else:
                batch, sizes = _batch_input(workspace, engagements, nb_path, pdf, timeout,
                                            Path(private), renew_after)
                finished = _run_local(todo, batch, n)
                extra["workers"] = n
            extra["snapshot_bytes"] = sizes
            for job, returned in finished:
                outcome = _outcome(job, out, returned)
                done[job.stem] = outcome
                failed = sum(o.status == "failed" for o in done.values())
                bar.set_postfix_str(f"{failed} failed")
                bar.update()

    outcomes = [done[job.stem] for job in jobs]
    result = BatchResult(out, outcomes, time.perf_counter() - start, out / "index.html",
                         extra=extra)
    _write_manifest(result)
    title, language = _index_title(workspace, jobs)
    write_index(result, title=title, language=language, groups=_index_groups(workspace, jobs))
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
