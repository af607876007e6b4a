"""Rendering one report: papermill in a warm kernel, then its HTML page and PDF, written atomically.

One report is three files beside each other, each written atomically:

- ``<stem>.ipynb``: the executed notebook, the audit trail (papermill's metadata records the
  parameters). A report that fails keeps its partial notebook, with the error in it, in
  ``failures/<stem>.ipynb``: never among the finished reports.
- ``<stem>.html``: the outputs only, no JavaScript (:mod:`._html`).
- ``<stem>.pdf`` (optional): the page printed on A4 (:mod:`._pdf`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from nbformat import NotebookNode

from .._atomic import atomic_path
from ._html import export_html, html_problems
from ._kernel import KERNEL_NAME, WARM_ENGINE, WARMUP_CODE, WarmKernel, _register_engine
from ._pdf import PdfPrinter

__all__ = ["FAILURES_DIR", "RenderResult", "ReportRenderer"]

#: The folder, inside a report folder, that keeps the partial notebooks of failed reports.
FAILURES_DIR = "failures"



@dataclass(frozen=True)
class RenderResult:
    """What became of one report: its files, or the error that stopped it."""

    stem: str
    notebook: Path | None = None
    html: Path | None = None
    pdf: Path | None = None
    #: ``None`` when the report is complete; else "where: ExceptionName: message".
    error: str | None = None
    #: Index of the failing cell in the executed notebook, when a cell failed.
    cell: int | None = None
    seconds: float = 0.0
    files: tuple[Path, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Whether the report was produced completely."""
        return self.error is None


def _cell_error(exc: Any, nb: NotebookNode | None) -> tuple[str, int | None]:
    """Describe a ``PapermillExecutionError``: cell (its index in ``nb``), exception, message."""
    index = exc.cell_index
    if nb is not None:  # papermill has inserted error-marker cells: find the cell in the file
        index = next(
            (
                i for i, cell in enumerate(nb.cells)
                if cell.get("cell_type") == "code"
                and (
                    any(o.get("output_type") == "error" for o in cell.get("outputs", []))
                    or cell.get("metadata", {}).get("papermill", {}).get("exception")
                )
            ),
            index,
        )
    count = f" (In [{exc.exec_count}])" if exc.exec_count is not None else ""
    message = str(exc.evalue).strip().splitlines()
    first = message[0] if message else ""
    return f"cell {index}{count}: {exc.ename}: {first}".rstrip(": "), index


def _execute(
    kernel: WarmKernel,
    notebook: Path,
    output: Path,
    parameters: Mapping[str, Any],
    cwd: Path,
    timeout: float | None,
) -> tuple[NotebookNode | None, str | None, int | None]:
    """Run ``notebook`` with papermill in ``kernel``; write the executed notebook to ``output``.

    Return the executed notebook, and the error and failing cell when it failed.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    kernel.last_notebook = None
    kernel.reset(cwd)
    error: str | None = None
    cell: int | None = None
    try:
        nb = papermill.execute_notebook(
            str(notebook),
            None,  # written below, atomically, also when a cell fails
            parameters=dict(parameters),
            engine_name=WARM_ENGINE,
            kernel_name=KERNEL_NAME,
            cwd=str(cwd),
            progress_bar=False,
            request_save_on_cell_execute=False,
            warm_kernel=kernel,
            execution_timeout=timeout,
        )
    except PapermillExecutionError as exc:
        nb = kernel.last_notebook  # papermill has added its error banner to it
        error, cell = _cell_error(exc, nb)
    except Exception as exc:  # the kernel died, timed out, or papermill itself failed
        nb = kernel.last_notebook
        error = f"{type(exc).__name__}: {str(exc).strip() or 'no message'}"
        kernel.restart()
    if nb is not None:
        import nbformat

        with atomic_path(output) as tmp:
            nbformat.write(nb, str(tmp))  # type: ignore[no-untyped-call]
    return nb, error, cell


class ReportRenderer:
    """Produce reports one after another in one warm kernel (and one Chromium, for PDF).

    >>> with ReportRenderer() as renderer:                       # doctest: +SKIP
    ...     renderer.render(notebook, out, "organisation.en", {"engagement": "demo"})
    """

    def __init__(
        self,
        *,
        warmup: str = WARMUP_CODE,
        pdf: bool = False,
        timeout: float | None = None,
    ) -> None:
        self.kernel = WarmKernel(warmup)
        #: Whether :meth:`render` prints a PDF unless told otherwise.
        self.pdf = pdf
        self.printer: PdfPrinter | None = None
        self.timeout = timeout
        _register_engine()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start (and warm) the kernel, and Chromium when PDFs are wanted."""
        self.kernel.start()
        if self.pdf:
            self._printer()

    def _printer(self) -> PdfPrinter:
        """Return the running Chromium, starting it on first use."""
        if self.printer is None:
            printer = PdfPrinter()
            printer.start()
            self.printer = printer
        return self.printer

    def close(self) -> None:
        """Shut the kernel and Chromium down."""
        try:
            if self.printer is not None:
                self.printer.close()
                self.printer = None
        finally:
            self.kernel.shutdown()

    def render(
        self,
        notebook: str | Path,
        out_dir: str | Path,
        stem: str,
        parameters: Mapping[str, Any],
        *,
        title: str | None = None,
        language: str = "en",
        pdf: bool | None = None,
    ) -> RenderResult:
        """Execute ``notebook`` with ``parameters``; write ``out_dir/<stem>.{ipynb,html[,pdf]}``.

        A failing cell does not raise: the partial notebook is written, the page and PDF of
        an earlier run are removed (they would be stale), and the result carries the error.
        """
        start = time.perf_counter()
        out = Path(out_dir).resolve()
        out.mkdir(parents=True, exist_ok=True)
        paths = {ext: out / f"{stem}.{ext}" for ext in ("ipynb", "html", "pdf")}
        kept = out / FAILURES_DIR / f"{stem}.ipynb"

        def result(error: str | None = None, cell: int | None = None) -> RenderResult:
            made = {ext: p for ext, p in paths.items() if p.exists()}
            return RenderResult(
                stem=stem,
                notebook=made.get("ipynb"),
                html=made.get("html"),
                pdf=made.get("pdf"),
                error=error,
                cell=cell,
                seconds=time.perf_counter() - start,
                files=tuple(made.values()),
            )

        def failed(error: str, cell: int | None = None) -> RenderResult:
            paths["html"].unlink(missing_ok=True)
            paths["pdf"].unlink(missing_ok=True)
            # The partial notebook goes to the failures folder, never among finished reports.
            if paths["ipynb"].exists():
                kept.parent.mkdir(exist_ok=True)
                paths["ipynb"].replace(kept)
            made = result(error, cell)
            return replace(made, notebook=kept if kept.exists() else None,
                           files=(*made.files, *([kept] if kept.exists() else [])))

        nb, error, cell = _execute(
            self.kernel, Path(notebook), paths["ipynb"], parameters, out, self.timeout
        )
        if error is not None or nb is None:
            return failed(error or "the notebook was not executed", cell)
        kept.unlink(missing_ok=True)  # the failure of an earlier run is over
        page = export_html(nb, title=title or stem, language=language)
        problems = html_problems(page)
        if problems:
            return failed("unsafe HTML, not published: " + "; ".join(problems[:3]))
        with atomic_path(paths["html"]) as tmp:
            tmp.write_text(page, encoding="utf-8")
        if self.pdf if pdf is None else pdf:
            try:
                self._printer().print(paths["html"], paths["pdf"])
            except Exception as exc:
                paths["pdf"].unlink(missing_ok=True)
                return result(f"PDF: {type(exc).__name__}: {exc}")
        else:
            paths["pdf"].unlink(missing_ok=True)
        return result()
