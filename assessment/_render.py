"""Run a report notebook and export it: papermill in a warm kernel, HTML without code, PDF.

One report is three files beside each other, each written atomically:

- ``<stem>.ipynb``: the executed notebook, the audit trail (papermill's metadata records the
  parameters). A report that fails keeps its partial notebook, with the error in it.
- ``<stem>.html``: the outputs only (nbconvert's lab template with ``exclude_input``), and no
  JavaScript at all: no require.js, MathJax, Mermaid or widget scripts, charts as inline SVG
  images. The page makes no network request and cannot run an injected script;
  :func:`html_problems` checks both before a page is written.
- ``<stem>.pdf`` (optional): the HTML printed on A4 by headless Chromium (Playwright driving
  Debian's ``chromium``), a new page for every section.

A :class:`WarmKernel` is one ``python3`` kernel kept across notebook runs: the imports, the
Vega runtime of vl-convert and anything else in :data:`WARMUP_CODE` are paid once, and every
run starts in a fresh namespace. papermill hands its extra keyword arguments to the engine,
and nbclient's ``NotebookClient`` given an existing kernel manager (``km``) does not own it
and never shuts it down; the small engine registered here as :data:`WARM_ENGINE` also hands
it the kernel client, so no run opens (or leaks) channels of its own.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from jupyter_core.utils import run_sync

from ._atomic import atomic_path
from ._exceptions import AssessmentError

__all__ = [
    "CHROMIUM_ARGS",
    "CHROMIUM_ENV",
    "WARMUP_CODE",
    "WARM_ENGINE",
    "PdfPrinter",
    "RenderError",
    "RenderResult",
    "ReportRenderer",
    "WarmKernel",
    "chromium_executable",
    "export_html",
    "html_problems",
]

if TYPE_CHECKING:
    from jupyter_client.manager import AsyncKernelManager
    from nbformat import NotebookNode

# papermill, nbformat (about a second: it compiles a URI grammar), nbconvert, jupyter_client
# and Playwright are imported where they are used, so ``import assessment`` stays quick.

#: Code run once when a warm kernel starts: everything a report needs that does not depend
#: on the report (imports, and one tiny chart to boot vl-convert's JavaScript runtime).
WARMUP_CODE = """\
import IPython.display, altair, pandas, vl_convert
import assessment, assessment._charts, assessment._report
vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{"x": 1}]},
                            "encoding": {"x": {"field": "x", "type": "quantitative"}}})
# Everything so far lives as long as the kernel: keep it out of the garbage collector's
# scans, so the full collections of the namespace reset between reports stay quick.
__import__("gc").freeze()
"""
#: Name of the papermill engine that runs notebooks in a :class:`WarmKernel`.
WARM_ENGINE = "assessment-warm"
#: Environment variable naming the Chromium executable (default ``/usr/bin/chromium``).
CHROMIUM_ENV = "ASSESSMENT_CHROMIUM"
#: Flags for headless Chromium: no sandbox (containers), and nothing that calls home.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
KERNEL_NAME = "python3"


class RenderError(AssessmentError):
    """A report could not be executed, exported or printed (kernel, Chromium, unsafe HTML)."""


# --- warm kernel ---------------------------------------------------------------------------


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


# --- execution -----------------------------------------------------------------------------


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


# --- HTML ------------------------------------------------------------------------------------

#: The lab template without any script: no require.js, MathJax, Mermaid, widgets or
#: JavaScript outputs; print rules for A4 and a new page for every section (every code cell
#: with output after the first, unless tagged ``no-page-break``).
_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block data_javascript scoped -%}{%- endblock data_javascript -%}
{%- block data_widget_view scoped -%}{%- endblock data_widget_view -%}
{%- block extra_css -%}
<style type="text/css">
body.jp-Notebook { max-width: 1080px; margin: 0 auto; padding: 24px 32px; }
.jp-mod-noOutputs.jp-mod-noInput { display: none; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html, body.jp-Notebook { max-width: none; margin: 0; padding: 0; }
  /* Nothing below the last line of a section: a trailing margin alone would spill onto an
     empty page before the next section's page break. */
  .jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-child,
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { margin: 0 !important; padding: 0 !important; }
  .jp-RenderedHTMLCommon > *:last-child { margin-bottom: 0 !important; }
  .jp-CodeCell:not(.jp-mod-noOutputs)
    ~ .jp-CodeCell:not(.jp-mod-noOutputs):not(.celltag_no-page-break),
  .page-break { break-before: page; }
  .jp-OutputArea-output img, figure, table { break-inside: avoid; }
}
</style>
{%- endblock extra_css -%}
{%- block footer %}
</html>
{% endblock footer -%}
"""

_exporter: Any = None


def _html_exporter() -> Any:
    """Return this process's HTML exporter (built once: template loading is not free)."""
    global _exporter
    if _exporter is None:
        from jinja2 import DictLoader
        from nbconvert import HTMLExporter

        _exporter = HTMLExporter(  # type: ignore[no-untyped-call]
            template_name="lab",
            template_file="assessment_report.html.j2",
            extra_loaders=[DictLoader({"assessment_report.html.j2": _TEMPLATE})],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,
            require_js_url="",
            mathjax_url="",
            mermaid_js_url="",
        )
    return _exporter


def export_html(nb: NotebookNode, *, title: str, language: str = "en") -> str:
    """Return the report page of an executed notebook: outputs only, no script, no CDN.

    Standard-error streams (warnings) stay in the notebook and are left out of the page.
    """
    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = [
                o for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    exporter = _html_exporter()
    exporter.language_code = language
    body, _ = exporter.from_notebook_node(clean, resources={"metadata": {"name": title}})
    return str(body)


_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_SAFE_SCHEME = re.compile(r"^\s*(?:data|#)", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?!data:|#)([^'\")\s]+)|@import", re.IGNORECASE)
_LOADING_ATTRS = {"src", "href", "xlink:href", "data", "srcset", "poster", "background", "action"}
_ACTIVE_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base"}


class _Auditor(HTMLParser):
    """Collect what would make a page run code or load anything from elsewhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def _problem(self, text: str) -> None:
        if len(self.problems) < 20:
            self.problems.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in _ACTIVE_TAGS:
            self._problem(f"line {line}: <{tag}> element")
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh"
                                 for k, v in attrs):
            self._problem(f"line {line}: <meta http-equiv=refresh>")
        self._in_style = tag == "style"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self._problem(f"line {line}: event handler {name}= on <{tag}>")
            elif name == "style" and _CSS_URL.search(value):
                self._problem(f"line {line}: external CSS resource on <{tag}>")
            elif name in _LOADING_ATTRS and value:
                if value.strip().lower().startswith(("javascript:", "vbscript:")):
                    self._problem(f"line {line}: script URL in {name}= on <{tag}>")
                elif tag != "a" and _EXTERNAL.match(value) and not _SAFE_SCHEME.match(value):
                    self._problem(f"line {line}: external resource {name}= on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and _CSS_URL.search(data):
            self._problem(f"line {self.getpos()[0]}: external CSS resource in <style>")


def html_problems(page: str) -> list[str]:
    """Return why ``page`` is not a safe, self-contained report (empty list: it is).

    A report page has no script, frame, object or event handler, and loads nothing that is
    not inside it (only ``data:`` URLs and in-page anchors); links (``<a href>``) are allowed.
    """
    auditor = _Auditor()
    auditor.feed(page)
    auditor.close()
    return auditor.problems


# --- PDF -------------------------------------------------------------------------------------


def chromium_executable() -> Path:
    """Return Chromium: ``$ASSESSMENT_CHROMIUM``, else Debian's ``chromium`` on the PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    candidates = [configured] if configured else [
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    raise RenderError(
        "Chromium is needed for PDF reports and was not found: install Debian's chromium "
        f"(apt-get install chromium) or set {CHROMIUM_ENV} to its path"
    )


class PdfPrinter:
    """Headless Chromium, started once, that prints report pages to A4 PDF, offline."""

    def __init__(self, executable: str | Path | None = None) -> None:
        self.executable = Path(executable) if executable else None
        self._playwright: Any = None
        self._browser: Any = None

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
        """Launch Chromium through Playwright."""
        from playwright.sync_api import sync_playwright

        executable = self.executable or chromium_executable()
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=str(executable), headless=True, args=list(CHROMIUM_ARGS)
            )
        except Exception:
            self._playwright.stop()
            self._playwright = None
            raise

    def print(self, page_path: Path, pdf_path: Path) -> Path:
        """Print the HTML file ``page_path`` to ``pdf_path`` (A4); no request leaves the page."""
        if self._browser is None:
            self.start()
        context = self._browser.new_context(offline=True, java_script_enabled=False)
        try:
            context.route(
                "**/*",
                lambda route: route.continue_()
                if route.request.url.startswith(("file:", "data:"))
                else route.abort(),
            )
            page = context.new_page()
            page.goto(page_path.resolve().as_uri(), wait_until="load")
            pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            context.close()
        with atomic_path(pdf_path) as tmp:
            tmp.write_bytes(pdf)
        return pdf_path

    def close(self) -> None:
        """Close Chromium and the Playwright driver."""
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None


# --- one report ------------------------------------------------------------------------------


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
            return result(error, cell)

        nb, error, cell = _execute(
            self.kernel, Path(notebook), paths["ipynb"], parameters, out, self.timeout
        )
        if error is not None or nb is None:
            return failed(error or "the notebook was not executed", cell)
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

