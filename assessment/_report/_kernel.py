"""A warm kernel: one ``python3`` kernel kept across notebook runs, and papermill's engine for it.

The imports, the Vega runtime of vl-convert and anything else in :data:`WARMUP_CODE` are
paid once, and every run starts in a fresh namespace. papermill hands its extra keyword
arguments to the engine, and nbclient's ``NotebookClient`` given an existing kernel manager
(``km``) does not own it and never shuts it down; the small engine registered here as
:data:`WARM_ENGINE` also hands it the kernel client, so no run opens (or leaks) channels of
its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbformat import NotebookNode

from .._exceptions import RenderError

__all__ = ["WARMUP_CODE", "WARM_ENGINE", "WarmKernel"]

#: Code run once when a warm kernel starts: everything a report needs that does not depend
#: on the report (imports, and one tiny chart to boot vl-convert's JavaScript runtime).
WARMUP_CODE = """\
import IPython.display, altair, pandas, vl_convert
import assessment, assessment._report._charts, assessment._report._prepare
vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{"x": 1}]},
                            "encoding": {"x": {"field": "x", "type": "quantitative"}}})
# Everything so far lives as long as the kernel: keep it out of the garbage collector's
# scans, so the full collections of the namespace reset between reports stay quick.
__import__("gc").freeze()
"""


#: Name of the papermill engine that runs notebooks in a :class:`WarmKernel`.
WARM_ENGINE = "assessment-warm"


KERNEL_NAME = "python3"


class WarmKernel:
    """A started ``python3`` kernel that runs many notebooks, one after another.

    Use it as a context manager. :meth:`reset` gives the next notebook a fresh namespace
    (modules stay imported) in the working directory it asks for.
    """

    def __init__(self, warmup: str = WARMUP_CODE, *, startup_timeout: float = 60) -> None:
        self.warmup = warmup
        self.startup_timeout = startup_timeout
        self.km: AsyncKernelManager | None = None
        self.kc: Any = None
        self._ipc_dir: str | None = None
        #: The notebook of the last run, also when it failed (set by the engine).
        self.last_notebook: NotebookNode | None = None
        #: Kernel processes started so far, and runs begun (:meth:`reset`) in the current one.
        self.starts = 0
        self.runs = 0

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()

    def start(self) -> None:
        """Start the kernel and run the warm-up code in it."""
        from jupyter_client.manager import AsyncKernelManager

        # IPC sockets in a private folder: local, nothing listens on the network.
        self._ipc_dir = tempfile.mkdtemp(prefix="assessment-kernel-")
        self.km = AsyncKernelManager(
            kernel_name=KERNEL_NAME, transport="ipc", ip=os.path.join(self._ipc_dir, "k")
        )
        # No history database: runs restart the execution counter at 1, which the database
        # would refuse ("Session/line number was not unique") in the middle of a report.
        run_sync(self.km.start_kernel)(extra_arguments=["--HistoryManager.enabled=False"])
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
        except RuntimeError as exc:
            self.shutdown()
            raise RenderError(f"the {KERNEL_NAME} kernel did not start: {exc}") from exc
        self.kc.allow_stdin = False
        if self.warmup:
            self.run(self.warmup)
        self.starts += 1
        self.runs = 0

    def alive(self) -> bool:
        """Return whether the kernel process is running."""
        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def run(self, code: str, timeout: float | None = 120) -> None:
        """Execute ``code`` in the kernel, quietly; raise :class:`RenderError` if it fails."""
        if self.kc is None:
            raise RenderError("the kernel is not running")
        reply = run_sync(self.kc.execute_interactive)(
            code, store_history=False, timeout=timeout, output_hook=lambda msg: None
        )
        content = reply["content"]
        if content["status"] != "ok":
            name, value = content.get("ename", "Error"), content.get("evalue", "")
            raise RenderError(f"kernel code failed: {name}: {value}")

    def reset(self, cwd: str | Path | None = None) -> None:
        """Forget every variable of the previous run and move to ``cwd``; keep the imports."""
        if not self.alive():
            self.restart()
        self.runs += 1
        lines = []
        if cwd is not None:
            lines.append(f"__import__('os').chdir({str(Path(cwd).resolve())!r})")
        lines += [
            "get_ipython().reset(new_session=False)",
            "get_ipython().execution_count = 1",
        ]
        self.run("\n".join(lines))

    def restart(self) -> None:
        """Replace the kernel with a new warm one (after it died or hung)."""
        self.shutdown()
        self.start()

    def shutdown(self) -> None:
        """Stop the channels and the kernel process."""
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            km, self.km = self.km, None
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)  # also removes its connection files
        if self._ipc_dir is not None:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            self._ipc_dir = None


def _register_engine() -> None:
    """Register :data:`WARM_ENGINE` with papermill (once per process)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class WarmEngine(NBClientEngine):  # type: ignore[misc]
        """papermill's nbclient engine, in the kernel and client of a :class:`WarmKernel`."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            *,
            warm_kernel: WarmKernel,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: float = 60,
            execution_timeout: float | None = None,
            **kwargs: Any,
        ) -> Any:
            client = PapermillNotebookClient(
                nb_man,
                km=warm_kernel.km,  # not owned: nbclient leaves the kernel running
                kernel_name=kernel_name,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client.kc = warm_kernel.kc  # reuse the channels: setup_kernel starts none
            warm_kernel.last_notebook = nb_man.nb
            return client.execute()

    papermill_engines.register(WARM_ENGINE, WarmEngine)
