"""PDF: the report page printed on A4 by headless Chromium (Playwright, Debian's ``chromium``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from .._atomic import atomic_path
from .._exceptions import RenderError

__all__ = ["CHROMIUM_ARGS", "CHROMIUM_ENV", "PdfPrinter", "chromium_executable"]

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
