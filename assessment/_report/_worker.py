"""A batch worker: renders one report from the batch's shared input and returns its files' bytes.

Both executors run this code (:mod:`._batch`): a local worker process gets the
:class:`BatchInput` once, from the pool's initializer; a Dask worker once per cluster, as
broadcast data. Nothing comes from the client's disk: the notebook's text and the
engagement's snapshot arrive with the input, and each report is rendered into a private
temporary folder of the worker and returned as bytes (:class:`RenderedReport`), which the
client writes into the output folder.

Each worker process keeps one warm kernel (and one Chromium for PDFs) for its reports; the
kernel is a process of its own, and reads the snapshot from a file the worker writes once
into its private folder (mode 0700), named by the notebook's ``snapshot`` parameter. After
:attr:`BatchInput.renew_after` reports the worker starts a fresh kernel (and Chromium), so
its memory does not grow with the number of reports it makes: a long-lived kernel keeps
what every report leaves behind (the JavaScript heap of vl-convert, compiled cells, the
message digests of its session).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import multiprocessing.util
import os
import shutil
import signal
import socket
import tempfile
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from ._jobs import ReportJob
from ._render import RenderResult, ReportRenderer
from ._snapshot import Snapshot, write_snapshot
from ._units import unit_slug

__all__ = ["RENEW_AFTER", "BatchInput", "RenderedReport", "dask_task", "dask_teardown",
           "local_task", "start_local_worker"]

#: The kinds of file a report returns, by suffix after its stem.
FILE_KINDS: Final = ("ipynb", "html", "pdf", "scores.csv")

#: Reports a worker makes with one kernel before it starts a fresh one (each renewal costs
#: a kernel's start and warm-up, a few seconds).
RENEW_AFTER: Final = 100


@dataclass(frozen=True)
class BatchInput:
    """What every report of a batch shares; sent to each worker once.

    ``snapshots`` holds the engagements' snapshots (for workers on other machines);
    ``snapshot_files`` instead names files the client wrote on this machine (the local
    pool), by engagement.
    """

    notebook: str
    version: str
    pdf: bool = False
    timeout: float | None = None
    snapshots: Mapping[str, Snapshot] = field(default_factory=dict)
    snapshot_files: Mapping[str, str] = field(default_factory=dict)
    #: Reports per kernel: a worker starts a fresh one after so many (0: never).
    renew_after: int = RENEW_AFTER


@dataclass(frozen=True)
class RenderedReport:
    """One report as a worker made it: its outcome and its files' bytes, by kind."""

    stem: str
    status: Literal["ok", "failed"]
    error: str | None = None
    cell: int | None = None
    seconds: float = 0.0
    #: ``ipynb``, ``html``, ``pdf``, ``scores.csv``: only the files this run produced.
    files: Mapping[str, bytes] = field(default_factory=dict)
    #: ``host:pid`` of the worker process, how many reports it has made with this one, and
    #: which of its kernels (counted from 1) ran it.
    worker: str = ""
    sequence: int = 0
    kernel: int = 0
    #: Resident memory of the worker process and its kernel after this report, in MB.
    rss_mb: float | None = None


# --- per-process state ---------------------------------------------------------------------

_renderer: ReportRenderer | None = None
_renderer_error: str | None = None
_kernels_before = 0  # kernel processes of this process's earlier renderers
_finalizer = False
_private: Path | None = None
_written: dict[str, Path] = {}
_batch: BatchInput | None = None
_made = 0
# A Dask worker runs tasks on several threads: every report of the process runs on one
# thread of its own (kernel channels belong to the thread's event loop, and papermill's
# os.chdir to the whole process).
_report_thread: ThreadPoolExecutor | None = None
_report_thread_lock = threading.Lock()


def _private_dir() -> Path:
    """This process's private folder (mode 0700), removed when the process exits."""
    global _private
    if _private is None or not _private.is_dir():
        _private = Path(tempfile.mkdtemp(prefix="assessment-worker-"))
        _written.clear()
        atexit.register(shutil.rmtree, _private, True)
    return _private


def _start_renderer(pdf: bool, timeout: float | None) -> None:
    """Start this process's renderer; remember the error instead of raising it."""
    global _renderer, _renderer_error, _finalizer
    if _renderer is not None:
        return
    for _ in range(2):  # a second try: a kernel may miss its start-up time on a busy host
        renderer = ReportRenderer(pdf=pdf, timeout=timeout)
        try:
            renderer.start()
        except Exception as exc:
            _renderer_error = f"worker could not start: {type(exc).__name__}: {exc}"
            with contextlib.suppress(Exception):
                renderer.close()  # a kernel that did start, when Chromium did not
            continue
        _renderer, _renderer_error = renderer, None
        break
    if _renderer is not None and not _finalizer:
        # Shut the kernel down when the worker exits (multiprocessing runs these finalizers).
        multiprocessing.util.Finalize(None, _stop_renderer, exitpriority=10)
        _finalizer = True


def _stop_renderer() -> None:
    global _renderer, _kernels_before
    if _renderer is not None:
        renderer, _renderer = _renderer, None
        _kernels_before += renderer.kernel.starts
        renderer.close()


def _file_once(name: str, data: bytes) -> Path:
    """Write ``data`` into the private folder once per content; return its path."""
    if name not in _written or not _written[name].is_file():
        path = _private_dir() / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        _written[name] = path
    return _written[name]


def _snapshot_path(batch: BatchInput, engagement: str) -> str:
    """The snapshot file of ``engagement`` on this machine (written once per worker)."""
    if engagement in batch.snapshot_files:
        return batch.snapshot_files[engagement]
    snapshot = batch.snapshots.get(engagement)
    if snapshot is None:
        raise KeyError(f"the batch carries no snapshot of engagement {engagement!r}")
    key = f"snapshot-{snapshot.digest}"
    if key not in _written or not _written[key].is_file():
        _written[key] = write_snapshot(snapshot, _private_dir())
    return str(_written[key])


def _rss_mb() -> float | None:
    """Resident memory of this process and its children (the kernel, Chromium), in MB."""
    try:
        import psutil

        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                continue
        return round(float(total) / 2**20, 1)
    except Exception:  # memory figures are a diagnostic: never fail a report for them
        return None


def render_job(job: ReportJob, batch: BatchInput) -> RenderedReport:
    """Render ``job`` in this process's warm kernel into a private folder; return its bytes."""
    from ..__version__ import __version__

    worker = f"{socket.gethostname()}:{os.getpid()}"
    if batch.version != __version__:
        return RenderedReport(
            job.stem, "failed", worker=worker,
            error=f"worker runs assessment {__version__}, the batch client {batch.version}: "
                  "install the same version on the workers",
        )
    if _renderer is not None and 0 < batch.renew_after <= _renderer.kernel.runs:
        # A fresh kernel: what the old one kept goes with its process. It is discarded, so a
        # failing shutdown is no error of this report.
        with contextlib.suppress(Exception):
            _stop_renderer()
    _start_renderer(batch.pdf, batch.timeout)
    if _renderer is None:
        return RenderedReport(job.stem, "failed", error=_renderer_error, worker=worker)
    engagement = job.parameters["engagement"]
    notebook = _file_once(
        f"notebook-{hashlib.sha256(batch.notebook.encode()).hexdigest()[:32]}.ipynb",
        batch.notebook.encode(),
    )
    try:
        snapshot = _snapshot_path(batch, engagement)
    except (KeyError, OSError) as exc:
        return RenderedReport(job.stem, "failed", error=f"snapshot: {exc}", worker=worker)
    out = Path(tempfile.mkdtemp(prefix="report-", dir=_private_dir()))
    try:
        result = _renderer.render(
            notebook, out, job.stem,
            {"workspace": "", "engagement": engagement, "unit": job.unit,
             "language": job.language, "output_dir": str(out), "snapshot": snapshot},
            title=job.title, language=job.language, pdf=batch.pdf,
        )
        return _rendered(job, result, out, worker)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _rendered(job: ReportJob, result: RenderResult, out: Path, worker: str) -> RenderedReport:
    files = {kind: path.read_bytes() for kind, path in
             (("ipynb", result.notebook), ("html", result.html), ("pdf", result.pdf))
             if path is not None}
    scores = out / f"{unit_slug(job.unit)}.scores.csv"
    if result.ok and scores.is_file():
        files["scores.csv"] = scores.read_bytes()
    global _made
    _made += 1
    return RenderedReport(
        job.stem, "ok" if result.ok else "failed", error=result.error, cell=result.cell,
        seconds=round(result.seconds, 3), files=files, worker=worker, sequence=_made,
        kernel=_kernel_number(), rss_mb=_rss_mb(),
    )


def _kernel_number() -> int:
    """Which of this process's kernel processes (from 1) ran the last report."""
    if _renderer is None:
        return 0
    kernel = _renderer.kernel
    # No run begun in the current kernel: it replaced the one that ran (and failed) it.
    return _kernels_before + kernel.starts - (1 if kernel.runs == 0 else 0)


# --- the local pool ----------------------------------------------------------------------------


def start_local_worker(batch: BatchInput) -> None:
    """Initialise a local worker process: keep the batch's input, Ctrl-C is for the parent,
    then warm up."""
    global _batch
    # The parent cancels the batch on Ctrl-C; a worker finishes its report and exits (its
    # kernel, in a session of its own, never sees the terminal's Ctrl-C either).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _batch = batch
    _start_renderer(batch.pdf, batch.timeout)


def local_task(job: ReportJob) -> RenderedReport:
    """Render ``job`` with the input this worker was started with."""
    if _batch is None:
        raise RuntimeError("the worker was started without the batch's input")
    return render_job(job, _batch)


# --- Dask ----------------------------------------------------------------------------------------


def dask_task(job: ReportJob, batch: BatchInput) -> RenderedReport:
    """Run :func:`render_job` on the process's single report thread (Dask)."""
    global _report_thread
    with _report_thread_lock:
        if _report_thread is None:
            _report_thread = ThreadPoolExecutor(1, thread_name_prefix="assessment-report")
        thread = _report_thread
    return thread.submit(render_job, job, batch).result()


def dask_teardown() -> None:
    """Shut down a Dask worker's warm kernel (on its report thread) and remove its files."""
    global _report_thread, _private
    with _report_thread_lock:
        thread, _report_thread = _report_thread, None
    if thread is not None:
        thread.submit(_stop_renderer).result()
        thread.shutdown()
    if _private is not None:
        shutil.rmtree(_private, ignore_errors=True)
        _private = None
        _written.clear()
