"""The questionnaire server: Solara's server in our own Starlette app, run by uvicorn.

One process hosts every respondent: each browser tab is a Solara virtual kernel running the
same :class:`~._questionnaire.Questionnaire` as JupyterLab (see :mod:`._app`), so a visit
costs a few megabytes and no kernel start. :class:`Gate`, in front of Solara's app, adds what
a survey server needs and Solara does not do:

- the login token: ``?token=`` once, then an HttpOnly, SameSite=Lax cookie, checked on every
  request, the websocket upgrade and Solara's tab-close beacon;
- ``--max-sessions``: past it a new visitor gets a short "busy, try again in a minute" page
  (503, ``Retry-After``, reloading itself) in the engagement's languages, while everyone
  inside goes on;
- activity stamps per tab, from which :func:`sweep` ends a session idle for
  ``--idle-timeout``: the form is replaced by "this session ended; your answers up to the last
  page are saved; reload and enter your code", then the tab's connection and session close.

Everything is served from this process: Solara's front end from the ``solara-assets``
package, the widgets' scripts from the installed packages; Solara's telemetry is off. The
``assessment form`` command (:mod:`._serve`) runs this module as a child process:
``python -m assessment._form._server --config FILE --fd N --notify-fd M``. The file holds the
token, ``N`` is the listening socket the command bound, ``M`` the pipe on which this process
says ``ready`` and ``recycle``; SIGUSR1 tells it to stop listening and to exit once its
sessions have ended (see :mod:`._supervisor`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import hashlib
import hmac
import html
import json
import logging
import os
import secrets
import signal
import socket
import sys
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from .._i18n._form import form_translator
from .._store._workspace import WORKSPACE_ENV, Workspace
from ._supervisor import READY, RECYCLE
from ._warm import warm_up

__all__ = ["COOKIE", "STATUS_PATH", "ServerConfig", "main", "solara_environment"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The cookie that carries the login after the first visit with ``?token=``.
COOKIE = "assessment-form"
#: Counters of the running server (JSON), behind the login like every path.
STATUS_PATH = "/_assessment/status"
_KERNELS = "/jupyter/api/kernels/"
#: Seconds a visitor let in by the page keeps a place until their tab connects.
_ADMISSION_SECONDS = 60.0
#: Seconds between "session ended" and closing the tab's connection (the message must arrive).
_ENDED_GRACE = 2.0
#: Seconds before an idle process asks again to be replaced (the last try failed).
_ASK_AGAIN_SECONDS = 600.0
log = logging.getLogger("assessment.form")


@dataclass(frozen=True)
class ServerConfig:
    """What the server needs; written by ``assessment form`` to a private file."""

    workspace: str
    engagement: str
    host: str = "127.0.0.1"
    port: int = 8866
    token: str = ""  # empty: open (loopback only, checked by the caller)
    idle_timeout: float = 1200.0
    max_sessions: int = 0  # 0: no limit
    recycle_memory: float = 0.0  # 0: never ask to be replaced

    @classmethod
    def read(cls, path: Path) -> ServerConfig:
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def write(self, path: Path) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh)


def solara_environment(config: ServerConfig) -> dict[str, str]:
    """Solara's settings for the form (read when Solara is imported): offline and private."""
    cull = max(1.0, min(config.idle_timeout, 120.0))
    return {
        "SOLARA_APP": "assessment._form._app",
        "SOLARA_MODE": "production",
        # No request leaves the server: no telemetry, and the front end from solara-assets;
        # a file missing there fails at once instead of being fetched from a CDN.
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_ASSETS_PROXY": "True",
        "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",
        "SOLARA_ASSETS_FONTAWESOME_ENABLED": "False",
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_THEME_LOADER": "plain",
        # A tab that disconnected without closing (a phone's browser) is let go after this.
        "SOLARA_KERNEL_CULL_TIMEOUT": f"{cull:.0f}s",
        "SOLARA_SESSION_SECRET_KEY": secrets.token_hex(32),
        # A session's thread queues its messages and the server's loop sends them every 50 ms,
        # instead of the thread waiting on the loop for each one: under load page turns are
        # 2-3 times faster (benchmarks/bench_form.py, 60 respondents 30 at a time).
        "SOLARA_EXPERIMENTAL_PERFORMANCE": "True",
        # One view per widget (the respondent's tab): ipywidgets need not echo every choice
        # back to the browser, which halves the messages of a page of questions.
        "JUPYTER_WIDGETS_ECHO": "0",
    }


def _memory_mb() -> float:
    """This process's resident memory in MB (Linux; 0 where unknown)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _busy(language: str) -> str:
    """The busy page's sentence in ``language``."""
    return form_translator(language).gettext(
        "Many people are answering right now. Please try again in a minute; this page tries "
        "again by itself."
    )


def busy_page(title: str, languages: list[str]) -> bytes:
    """The page a visitor gets past ``--max-sessions``: one paragraph per language."""
    paragraphs = "".join(
        f'<p lang="{html.escape(lang)}">{html.escape(_busy(lang))}</p>' for lang in languages
    )
    page = (
        f'<!doctype html><html lang="{html.escape(languages[0])}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="refresh" content="60">'
        f"<title>{html.escape(title)}</title><style>body{{font-family:system-ui,sans-serif;"
        "max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{paragraphs}</body></html>"
    )
    return page.encode("utf-8")


async def _respond(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]],
                   content_type: bytes = b"text/html; charset=utf-8") -> None:
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", content_type), (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"), (b"referrer-policy", b"no-referrer"), *headers]})
    await send({"type": "http.response.body", "body": body})


class Gate:
    """ASGI middleware in front of Solara: login, busy page, activity stamps, counters."""

    def __init__(self, app: ASGIApp, config: ServerConfig, busy: bytes) -> None:
        self.app = app
        self.config = config
        self.busy = busy
        secret = config.token.encode("utf-8")
        self._cookie = hmac.new(secret, b"assessment-form-login", hashlib.sha256).hexdigest()
        #: Kernel id -> monotonic time of the tab's last message.
        self.activity: dict[str, float] = {}
        #: Kernel id -> the ASGI send of the tab's open websocket (to close it).
        self.sockets: dict[str, Send] = {}
        #: Kernel ids of sessions ended for inactivity: their tab may not reconnect.
        self.ended: set[str] = set()
        self._admitted: deque[float] = deque()
        self.counts = {"pages": 0, "busy": 0, "refused": 0, "idle_ended": 0,
                       "ended_reconnects": 0, "warm_up_ms": 0}
        #: Memory (MB) once warmed up, the measure of :meth:`due_for_replacement`.
        self.start_rss_mb = 0.0
        #: Set by SIGUSR1: a fresh process took over; this one exits when its sessions end.
        self.draining = False
        self._asked_at = -_ASK_AGAIN_SECONDS

    # --- login --------------------------------------------------------------------------
    def _token_ok(self, scope: Scope) -> tuple[bool, bool]:
        """Return (allowed, came with a valid ``?token=``)."""
        if not self.config.token:
            return True, False
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token", [""])[0]
        if given and hmac.compare_digest(given.encode(), self.config.token.encode()):
            return True, True
        for name, value in scope.get("headers", ()):
            if name == b"cookie":
                for part in value.decode("latin-1").split(";"):
                    key, _, val = part.strip().partition("=")
                    if key == COOKIE and hmac.compare_digest(val.encode(), self._cookie.encode()):
                        return True, False
        return False, False

    def _set_cookie(self, scope: Scope) -> tuple[bytes, bytes]:
        secure = "; Secure" if scope.get("scheme") == "https" or any(
            k == b"x-forwarded-proto" and v == b"https" for k, v in scope.get("headers", ())
        ) else ""
        value = f"{COOKIE}={self._cookie}; Path=/; HttpOnly; SameSite=Lax{secure}"
        return (b"set-cookie", value.encode("latin-1"))

    # --- capacity -----------------------------------------------------------------------
    def _waiting(self) -> int:
        """Visitors let in by the page whose tab has not connected yet."""
        now = time.monotonic()
        while self._admitted and now - self._admitted[0] > _ADMISSION_SECONDS:
            self._admitted.popleft()
        return len(self._admitted)

    def _full(self, *, new_visitor: bool) -> bool:
        from ._app import live_sessions

        cap = self.config.max_sessions
        if not cap:
            return False
        waiting = self._waiting() if new_visitor else 0
        return live_sessions() + waiting >= cap

    def due_for_replacement(self) -> bool:
        """Whether to ask for a fresh process: it served visitors, every session has ended,
        nobody is arriving, and its memory is above ``recycle_memory`` times its start (asked
        at most once in 10 minutes)."""
        from ._app import live_sessions

        factor = self.config.recycle_memory
        now = time.monotonic()
        if (not factor or self.draining or not self.start_rss_mb or not self.counts["pages"]
                or now - self._asked_at < _ASK_AGAIN_SECONDS or live_sessions()
                or self.sockets or self._waiting()
                or _memory_mb() <= factor * self.start_rss_mb):
            return False
        self._asked_at = now
        return True

    # --- ASGI ---------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":  # warm up once Solara has started, before the port opens
            await self.app(scope, receive, self._warm_before_ready(send))
            return
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        allowed, with_token = self._token_ok(scope)
        path = scope.get("path", "")
        if not allowed:
            self.counts["refused"] += 1
            if kind == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await _respond(send, 403, b"This address needs the link you were sent, "
                               b"with its token.\n", [], b"text/plain; charset=utf-8")
            return
        if kind == "websocket":
            if path.startswith(_KERNELS):
                await self._kernel_socket(scope, receive, send, path.split("/")[4])
            else:
                await self.app(scope, receive, send)
            return
        if with_token and path == "/":  # keep the token out of the address bar and history
            await _respond(send, 303, b"", [(b"location", b"/"), self._set_cookie(scope)])
            return
        if path == STATUS_PATH:
            await _respond(send, 200, json.dumps(self.status()).encode(), [],
                           b"application/json")
            return
        if path == "/" and scope.get("method") == "GET":
            if self._full(new_visitor=True):
                self.counts["busy"] += 1
                await _respond(send, 503, self.busy, [(b"retry-after", b"60")])
                return
            self.counts["pages"] += 1
            self._admitted.append(time.monotonic())
        await self.app(scope, receive, send)

    async def _kernel_socket(self, scope: Scope, receive: Receive, send: Send, kid: str) -> None:
        from solara.server import kernel_context

        if kid in self.ended:  # ended for inactivity: the page says so; no silent restart
            self.counts["ended_reconnects"] += 1
            await send({"type": "websocket.close", "code": 4000})
            return
        if kid not in kernel_context.contexts:
            if self._admitted:
                self._admitted.popleft()
            if self._full(new_visitor=False):
                self.counts["busy"] += 1
                await send({"type": "websocket.close", "code": 1013})  # try again later
                return
        self.activity[kid] = time.monotonic()
        self.sockets[kid] = send

        async def stamped() -> Message:
            message = await receive()
            if message["type"] == "websocket.receive":
                self.activity[kid] = time.monotonic()
            return message

        try:
            await self.app(scope, stamped, send)
        finally:
            if self.sockets.get(kid) is send:
                del self.sockets[kid]

    def _warm_before_ready(self, send: Send) -> Send:
        async def forward(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                try:
                    seconds = await warm_up(self.app)
                except Exception as exc:  # a cold server still serves; its first visitor waits
                    log.warning("warming up failed (%r); the first visitor waits longer", exc)
                else:
                    self.counts["warm_up_ms"] = max(1, round(seconds * 1000))
                    log.info("warmed up in %.1f s", seconds)
                await asyncio.to_thread(release_memory)
                self.start_rss_mb = _memory_mb()
            await send(message)

        return forward

    def status(self) -> dict[str, Any]:
        """Counters for operators and tests: sessions, contexts, refusals, memory."""
        from ipywidgets.widgets.widget import _instances
        from solara.server import kernel_context

        from ._app import SESSIONS, live_sessions

        return {
            "sessions": live_sessions(),
            "ended": sum(1 for s in list(SESSIONS.values()) if s.ended),
            "contexts": len(kernel_context.contexts),
            "widgets": len(_instances),
            "max_sessions": self.config.max_sessions,
            "idle_timeout": self.config.idle_timeout,
            "rss_mb": round(_memory_mb(), 1),
            "start_rss_mb": round(self.start_rss_mb, 1),
            "pid": os.getpid(),
            "draining": self.draining,
            **self.counts,
        }


def _end(session: Any, minutes: int) -> None:
    """Show "session ended" in the tab, in the session's own context and lock."""
    context = session.context
    with context, context.lock:
        session.questionnaire.end(minutes)


def _close_context(context: Any) -> None:
    if not context.closed_event.is_set():
        context.close("idle")


def release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the system (glibc), after sessions
    closed: the process's memory returns to what it was, not its high-water mark."""
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused, not returned
        pass


async def sweep(gate: Gate, config: ServerConfig, interval: float,
                notify: Callable[[str], None] = lambda word: None) -> None:
    """End the sessions idle for ``config.idle_timeout``; forget what closed sessions left;
    once all have ended, ``notify`` :data:`RECYCLE` if the process is due for replacement."""
    from ._app import CLOSED, SESSIONS

    minutes = max(1, round(config.idle_timeout / 60))
    closed = 0
    while True:
        await asyncio.sleep(interval)
        now = time.monotonic()
        idle = [(kid, session) for kid, session in list(SESSIONS.items()) if not session.ended
                and now - gate.activity.get(kid, session.opened) >= config.idle_timeout]
        for kid, session in idle:
            session.ended = True
            gate.ended.add(kid)
        gate.counts["idle_ended"] += len(idle)
        results = await asyncio.gather(
            *(asyncio.to_thread(_end, session, minutes) for _, session in idle),
            return_exceptions=True)
        if idle:
            await asyncio.sleep(_ENDED_GRACE)  # let "session ended" reach the tabs
        for (kid, session), result in zip(idle, results, strict=True):
            if isinstance(result, BaseException):
                log.error("ending idle session %s failed: %r", kid[:8], result)
            socket = gate.sockets.pop(kid, None)
            if socket is not None:
                with contextlib.suppress(Exception):  # the browser closed it already
                    await socket({"type": "websocket.close", "code": 4000})
            try:
                await asyncio.to_thread(_close_context, session.context)
            except Exception:
                log.exception("closing idle session %s failed", kid[:8])
        if idle:
            log.info("ended %d session(s) idle for %g s", len(idle), config.idle_timeout)
        live = set(SESSIONS)
        for kid in [k for k in gate.activity if k not in live and k not in gate.sockets]:
            del gate.activity[kid]
        if len(gate.ended) > 10_000:  # reconnects of long-ended tabs no longer matter
            gate.ended.clear()
        if CLOSED[0] != closed:  # sessions closed (idle, tab closed, culled) since last time
            closed = CLOSED[0]
            await asyncio.to_thread(release_memory)
        if gate.due_for_replacement():
            log.info("idle at %.0f MB (%.0f MB at start): asking for a fresh process",
                     _memory_mb(), gate.start_rss_mb)
            notify(RECYCLE)


def build_app(config: ServerConfig) -> Gate:
    """Set Solara up for ``config`` and return the app: the gate in front of Solara's app."""
    os.environ.update(solara_environment(config))  # before Solara or ipywidgets load
    import solara.server.starlette as solara_app

    from ._questionnaire import ENGAGEMENT_ENV

    os.environ[WORKSPACE_ENV] = config.workspace
    os.environ[ENGAGEMENT_ENV] = config.engagement

    from . import _app  # noqa: F401  (imports the form's modules now, not at the first visit)

    # Parse the engagement's model now (shared by every session) and check the store opens.
    with Workspace(Path(config.workspace)).store() as store:
        engagement = store.engagement(config.engagement)
        model = store.model(config.engagement)
    languages = [str(lg) for lg in engagement.languages if lg in model.languages]
    languages = languages or [str(lg) for lg in model.languages]
    busy = busy_page(model.title.get(languages[0]), languages)
    return Gate(solara_app.app, config, busy)


def _notifier(fd: int | None) -> Callable[[str], None]:
    """Write a word a line to the supervisor's pipe (nothing when run on its own)."""

    def notify(word: str) -> None:
        if fd is not None:
            with contextlib.suppress(OSError):  # the supervisor is gone: it stops us anyway
                os.write(fd, f"{word}\n".encode("ascii"))

    return notify


async def _handover(gate: Gate, server: Any, notify: Callable[[str], None]) -> None:
    """Say ``ready`` once listening; on SIGUSR1 stop listening, and exit when the sessions
    (visitors who came in during the handover) have ended."""
    from ._app import live_sessions

    loop = asyncio.get_running_loop()

    def drain() -> None:
        if not gate.draining:
            gate.draining = True
            for listening in getattr(server, "servers", []):
                listening.close()  # our copy of the socket: the fresh process accepts now
            log.info("a fresh process took over; exiting when %d session(s) end",
                     live_sessions())

    loop.add_signal_handler(signal.SIGUSR1, drain)
    while not server.started:
        await asyncio.sleep(0.05)
    notify(READY)
    while not (gate.draining and not live_sessions() and not gate.sockets):
        await asyncio.sleep(0.5)
    server.should_exit = True


async def serve(config: ServerConfig, fd: int | None = None,
                notify_fd: int | None = None) -> None:
    """Run the server until SIGINT or SIGTERM, on the listening socket ``fd`` if given (else
    it binds ``config``'s address), reporting on ``notify_fd`` (:mod:`._supervisor`)."""
    import uvicorn

    gate = build_app(config)
    server = uvicorn.Server(uvicorn.Config(
        gate, host=config.host, port=config.port, log_level="warning", lifespan="on",
        ws="websockets-sansio", timeout_graceful_shutdown=5, access_log=False,
    ))
    notify = _notifier(notify_fd)
    interval = max(0.5, min(30.0, config.idle_timeout / 4))
    tasks = [asyncio.create_task(sweep(gate, config, interval, notify)),
             asyncio.create_task(_handover(gate, server, notify))]
    sockets = None if fd is None else [socket.socket(fileno=fd)]
    try:
        await server.serve(sockets=sockets)
    finally:
        for task in tasks:
            task.cancel()
    if not server.started:
        raise SystemExit(1)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the server process (``python -m assessment._form._server``)."""
    parser = argparse.ArgumentParser(prog="python -m assessment._form._server")
    parser.add_argument("--config", type=Path, required=True, help="the server's JSON file")
    parser.add_argument("--fd", type=int, help="the listening socket to accept on")
    parser.add_argument("--notify-fd", type=int, help="the pipe to say ready and recycle on")
    args = parser.parse_args(argv)
    config = ServerConfig.read(args.config)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s",
                        stream=sys.stderr)
    log.setLevel(logging.INFO)
    # Solara warns on every plain-http page that its own cookie falls back to SameSite=Lax:
    # expected behind the HTTPS proxy, which forwards X-Forwarded-Proto.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    asyncio.run(serve(config, args.fd, args.notify_fd))


if __name__ == "__main__":
    main()
