"""Rendering one report: papermill in a warm kernel, HTML without code or script, PDF."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import nbformat
import pytest

from assessment import RenderError
from assessment._report._html import html_problems
from assessment._report._pdf import PdfPrinter, chromium_executable
from assessment._report._render import ReportRenderer
from tests.conftest import DATA

NOTEBOOKS = DATA / "notebooks"
TRIVIAL = NOTEBOOKS / "trivial.ipynb"
FAILING = NOTEBOOKS / "failing.ipynb"
HOSTILE_UNIT = (
    'team:</title></script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
)


def chromium_or_skip() -> Path:
    """Return Chromium; skip without it, but fail in CI, where it must be installed."""
    try:
        return chromium_executable()
    except RenderError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {exc}")
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def renderer() -> Iterator[ReportRenderer]:
    with ReportRenderer() as r:
        yield r


def _params(unit: str = "organisation", **extra: str) -> dict[str, str]:
    return {"workspace": "/nonexistent", "engagement": "e1", "unit": unit, **extra}


def test_a_warm_kernel_gives_every_run_a_fresh_namespace(
    renderer: ReportRenderer, tmp_path: Path
) -> None:
    # The notebook fails if a variable of the previous run is still defined.
    first = renderer.render(TRIVIAL, tmp_path, "first", _params("team:A"))
    second = renderer.render(TRIVIAL, tmp_path, "second", _params("team:B"))
    assert first.ok and second.ok, (first.error, second.error)
    nb = nbformat.read(tmp_path / "second.ipynb", as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # numbered as in a fresh kernel
    # Numbering from 1 again would clash with IPython's history database, which then prints
    # "ERROR! Session/line number was not unique" into a report: the kernel keeps none.
    renderer.kernel.run("assert not get_ipython().history_manager.enabled")
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert "Session/line" not in json.dumps(outputs)


def test_executed_notebook_records_the_parameters(renderer: ReportRenderer, tmp_path: Path) -> None:
    result = renderer.render(TRIVIAL, tmp_path, "r", _params("team:X", language="nl"))
    assert result.ok and result.notebook == tmp_path / "r.ipynb"
    nb = json.loads((tmp_path / "r.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"] == _params("team:X", language="nl")
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in nb["cells"])


def test_the_page_has_outputs_only_no_script_and_nothing_external(
    renderer: ReportRenderer, tmp_path: Path
) -> None:
    params = _params("team:X", language="nl")
    result = renderer.render(TRIVIAL, tmp_path, "r", params, language="nl")
    assert result.html is not None
    page = result.html.read_text(encoding="utf-8")
    assert html_problems(page) == []
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "vegalite_to_svg" not in page and "import html" not in page  # no code
    assert "e1: team:X (nl)" in page  # the outputs are there
    assert page.count('data-mime-type="image/svg+xml"') == 1  # the chart, as an SVG image
    assert '<html lang="nl">' in page


def test_a_failing_cell_keeps_the_partial_notebook_and_names_the_error(
    renderer: ReportRenderer, tmp_path: Path
) -> None:
    (tmp_path / "r.html").write_text("stale page of an earlier run")
    result = renderer.render(FAILING, tmp_path, "r", _params("team:Billing Support"))
    assert not result.ok
    assert result.error is not None
    assert "RuntimeError: planted failure for team:Billing Support" in result.error
    assert result.error.startswith(f"cell {result.cell} (In [")
    assert result.html is None and not (tmp_path / "r.html").exists()
    # The partial notebook is kept in failures/, never among the finished reports.
    assert not (tmp_path / "r.ipynb").exists()
    assert result.notebook == tmp_path / "failures" / "r.ipynb"
    nb = nbformat.read(tmp_path / "failures" / "r.ipynb", as_version=4)
    assert result.cell is not None
    assert nb.cells[result.cell].outputs[-1].output_type == "error"
    assert "first section" in json.dumps(nb.cells[result.cell - 2].outputs)  # the partial output
    assert "papermill-error-cell-tag" in nb.cells[0].metadata.tags  # papermill's error banner


@pytest.mark.slow
def test_a_dead_kernel_fails_its_report_and_the_next_one_gets_a_new_kernel(
    renderer: ReportRenderer, tmp_path: Path
) -> None:
    nb = nbformat.read(TRIVIAL, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    crashing = tmp_path / "crash.ipynb"
    nbformat.write(nb, crashing)
    result = renderer.render(crashing, tmp_path, "crash", _params())
    assert not result.ok and result.error is not None and "DeadKernel" in result.error
    assert renderer.render(TRIVIAL, tmp_path, "after", _params()).ok


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<img src="x" onerror="alert(1)">', "event handler"),
        ('<svg><a onclick="x()"></a></svg>', "event handler"),
        ('<link rel="stylesheet" href="https://cdn.example/x.css">', "external resource"),
        ('<img src="//cdn.example/x.png">', "external resource"),
        ('<image xlink:href="http://x/y.png"/>', "external resource"),
        ('<a href="javascript:alert(1)">x</a>', "script URL"),
        ("<style>@import url(https://x/y.css);</style>", "external CSS"),
        ('<div style="background:url(https://x/y.png)"></div>', "external CSS"),
        ("<iframe></iframe>", "<iframe>"),
        ('<meta http-equiv="refresh" content="0;url=https://x">', "refresh"),
    ],
)
def test_unsafe_pages_are_recognised(page: str, problem: str) -> None:
    problems = html_problems(page)
    assert problems and problem in problems[0]


def test_self_contained_pages_pass() -> None:
    page = (
        '<html><head><style>.a{background:url(data:image/png;base64,AAAA)}</style></head>'
        '<body><img src="data:image/svg+xml;base64,PHN2Zy8+"><a href="https://example.org">'
        'a link is not a request</a><a href="#s2">in page</a><p>&lt;script&gt;</p></body></html>'
    )
    assert html_problems(page) == []


# --- Chromium ----------------------------------------------------------------------------


def _open_offline(page_path: Path) -> dict[str, Any]:
    """Open ``page_path`` in headless Chromium with the network blocked; report what happened."""
    from playwright.sync_api import sync_playwright

    from assessment._report._pdf import CHROMIUM_ARGS

    requests: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium_or_skip()), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            context = browser.new_context(offline=True)
            context.route(
                "**/*",
                lambda route: route.continue_()
                if route.request.url.startswith("file:")
                else route.abort(),
            )
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(page_path.resolve().as_uri(), wait_until="load")
            info = page.evaluate(
                """() => ({
                    images: [...document.images].map(i => i.complete && i.naturalWidth > 0),
                    scripts: document.scripts.length,
                    pwned: window.__pwned === undefined ? null : window.__pwned,
                    title: document.title,
                    text: document.body.innerText,
                })"""
            )
        finally:
            browser.close()
    return {**info, "requests": requests, "dialogs": dialogs}


@pytest.mark.slow
@pytest.mark.browser
def test_the_page_renders_offline_in_chromium_and_runs_no_injected_script(
    renderer: ReportRenderer, tmp_path: Path
) -> None:
    result = renderer.render(TRIVIAL, tmp_path, "r", _params(HOSTILE_UNIT), title=HOSTILE_UNIT)
    assert result.html is not None, result.error
    seen = _open_offline(result.html)
    assert seen["requests"] == [result.html.resolve().as_uri()]  # nothing else was fetched
    assert seen["images"] == [True]  # the chart is drawn
    assert seen["scripts"] == 0 and seen["pwned"] is None and seen["dialogs"] == []
    assert seen["title"] == HOSTILE_UNIT  # shown as text, not markup
    assert "<script>window.__pwned=1</script>" in seen["text"]


@pytest.mark.browser
def test_pdf_is_printed_on_a4(renderer: ReportRenderer, tmp_path: Path) -> None:
    chromium_or_skip()
    result = renderer.render(TRIVIAL, tmp_path, "r", _params())
    assert result.html is not None, result.error
    # One Playwright per thread: the renderer's own printer is exercised by the batch tests.
    with PdfPrinter() as printer:
        pdf = printer.print(result.html, tmp_path / "r.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes and all(
        abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes
    )


@contextmanager
def _local_server() -> Iterator[tuple[int, list[str]]]:
    """An HTTP server on 127.0.0.1 (any free port) that answers every GET and logs its path."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = b"p { color: red }" if self.path.endswith(".css") else b"x"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test's output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.slow
@pytest.mark.browser
def test_the_printer_makes_no_network_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page asking for a style sheet, a font, an image and a frame from a server on this
    machine (by name and by address) and an image from the internet: the printer's route
    refuses every request before it leaves Chromium, so the server is never asked; the same
    page in a Chromium without the printer's blocking does reach the server."""
    from playwright.sync_api import Browser, BrowserContext, Request, Response, sync_playwright

    from assessment._report._pdf import CHROMIUM_ARGS

    executable = chromium_or_skip()
    failed: dict[str, str | None] = {}
    answered: list[str] = []
    original = Browser.new_context

    def observed(self: Browser, *args: Any, **kwargs: Any) -> BrowserContext:
        """The printer's own context, with listeners that see every request it makes."""
        context = original(self, *args, **kwargs)

        def on_failed(r: Request) -> None:
            failed[r.url] = r.failure

        def on_response(r: Response) -> None:
            answered.append(r.url)

        context.on("requestfailed", on_failed)
        context.on("response", on_response)
        return context

    with _local_server() as (port, hits):
        local = f"http://127.0.0.1:{port}"
        external = {f"http://localhost:{port}/style.css", f"{local}/font.woff2",
                    f"{local}/img.png", f"{local}/frame.html", "https://example.invalid/x.png"}
        page = tmp_path / "p.html"
        page.write_text(
            f'<html><head><link rel="stylesheet" href="http://localhost:{port}/style.css">'
            f"<style>@font-face {{ font-family: far; src: url({local}/font.woff2) }}"
            " p { font-family: far }</style></head>"
            f'<body><img src="https://example.invalid/x.png"><img src="{local}/img.png">'
            f'<p>hi</p><iframe src="{local}/frame.html"></iframe></body></html>'
        )
        monkeypatch.setattr(Browser, "new_context", observed)
        with PdfPrinter() as printer:
            printer.print(page, tmp_path / "p.pdf")  # every request is refused, printing goes on
        monkeypatch.undo()
        assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF-")
        assert hits == []  # nothing reached the server
        assert answered == [page.resolve().as_uri()]  # the page itself was the only answer
        # Each resource was asked for, and aborted by the printer's route (Playwright's
        # route.abort() is net::ERR_FAILED; the offline context behind it would say
        # net::ERR_INTERNET_DISCONNECTED, an attempted lookup net::ERR_NAME_NOT_RESOLVED).
        assert failed == dict.fromkeys(external, "net::ERR_FAILED")
        # The check can fail: a Chromium without the printer's route and offline context
        # fetches the very same resources from the server (the internet image stays blocked:
        # the test itself sends nothing off the machine, not even a name lookup).
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(executable), headless=True,
                                        args=list(CHROMIUM_ARGS))
            try:
                plain = browser.new_page()
                plain.route("https://example.invalid/**", lambda route: route.abort())
                plain.goto(page.resolve().as_uri(), wait_until="load")
            finally:
                browser.close()
        assert sorted(hits) == ["/font.woff2", "/frame.html", "/img.png", "/style.css"]
