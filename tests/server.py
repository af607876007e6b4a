"""Helpers for the server tests: `assessment form` on a free port, Debian's chromium offline."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

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
LOCAL_HOSTS = ("127.0.0.1", "localhost")


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


def http_get(port: int, path: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
    """Return status, headers (lower-case names) and body of a plain GET (no redirects)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        resp = conn.getresponse()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        return resp.status, headers, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def form_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/?token={TOKEN}"


def login_cookie(port: int) -> str:
    """The login cookie the server sets for ``?token=`` (``name=value``)."""
    status, headers, _ = http_get(port, f"/?token={TOKEN}")
    assert status == 303, status
    return headers["set-cookie"].split(";")[0]


@dataclass
class Served:
    """A running `assessment form`: its port, workspace and process (the command's own)."""

    workspace: Path
    port: int
    proc: subprocess.Popen[bytes]
    log: Path
    codes: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return form_url(self.port)

    def status(self) -> dict[str, Any]:
        """The server's counters (sessions, contexts, memory...)."""
        code, _, body = http_get(self.port, f"/_assessment/status?token={TOKEN}")
        assert code == 200, (code, body)
        return dict(json.loads(body))

    def server_pid(self) -> int:
        """The pid of the server process (the child of `assessment form`)."""
        import psutil

        children = psutil.Process(self.proc.pid).children()
        assert len(children) == 1, children
        return int(children[0].pid)

    def tree_rss_mb(self) -> float:
        """Resident memory of `assessment form` and the server (MB)."""
        import psutil

        root = psutil.Process(self.proc.pid)
        procs = [root, *root.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs) / 2**20


def start_form(workspace: Path, engagement: str, *args: str, port: int = 0) -> Served:
    """Start `assessment form` on ``workspace`` and wait until it answers."""
    port = port or free_port()
    log_path = workspace / f"server-{port}.log"
    env = {**os.environ, "ASSESSMENT_WORKSPACE": str(workspace), "ASSESSMENT_FORM_TOKEN": TOKEN}
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [EXE, "form", "--engagement", engagement, "--port", str(port), *args],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    deadline = time.monotonic() + 120
    while True:
        try:
            http_get(port, "/")
            return Served(workspace, port, proc, log_path)
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop_form(Served(workspace, port, proc, log_path))
                pytest.fail("the form server did not start:\n" + log_path.read_text())
            time.sleep(0.2)


def stop_form(served: Served) -> None:
    with_children = served.proc.poll() is None
    if with_children:
        os.killpg(served.proc.pid, signal.SIGTERM)  # `assessment form` and its server
    try:
        served.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(served.proc.pid, signal.SIGKILL)
        served.proc.wait()


@contextmanager
def serve_form(workspace: Path, engagement: str, *args: str) -> Iterator[Served]:
    """Run `assessment form` on ``workspace`` until the block ends."""
    served = start_form(workspace, engagement, *args)
    try:
        yield served
    finally:
        stop_form(served)


@dataclass
class Offline:
    """Requests a browser context attempted to hosts other than the server (all blocked)."""

    blocked: list[str] = field(default_factory=list)


def offline(context: Any) -> Offline:
    """Let ``context`` (Playwright) reach only this machine; record every other attempt."""
    seen = Offline()

    def route(r: Any) -> None:
        if urlparse(r.request.url).hostname in LOCAL_HOSTS:
            r.continue_()
        else:
            seen.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return seen


async def offline_async(context: Any) -> Offline:
    """:func:`offline` for Playwright's async API."""
    seen = Offline()

    async def route(r: Any) -> None:
        if urlparse(r.request.url).hostname in LOCAL_HOSTS:
            await r.continue_()
        else:
            seen.blocked.append(r.request.url)
            await r.abort()

    await context.route("**/*", route)
    return seen
