"""Helpers for the browser tests: Debian's chromium and `assessment form` on a free port."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
EXE = shutil.which("assessment", path=str(Path(sys.executable).parent)) or "assessment"
TOKEN = "e2e-token-0123456789abcdef"


def require_chromium() -> Path:
    """Debian's chromium; skipped when missing, except under CI (``$CI`` set) where it fails."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message + " (required under CI)")
        pytest.skip(message)
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_get(port: int, path: str) -> tuple[int, str, str]:
    """Return status, Location header and body of a plain GET (no redirects followed)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Location") or "", resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def form_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/?token={TOKEN}"


@contextmanager
def serve_form(workspace: Path, engagement: str) -> Iterator[int]:
    """Run `assessment form` (Voilà) on ``workspace`` until the block ends; yield its port."""
    port = free_port()
    log_path = workspace / "voila.log"
    env = {**os.environ, "ASSESSMENT_WORKSPACE": str(workspace), "ASSESSMENT_FORM_TOKEN": TOKEN}
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [EXE, "form", "--engagement", engagement, "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    http_get(port, "/")
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        pytest.fail("Voilà did not start:\n" + log_path.read_text())
                    time.sleep(0.3)
            yield port
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # Voilà and the kernels it started
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
