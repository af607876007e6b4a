"""``assessment form``: the questionnaire server as a child process, with a token.

:func:`form_server` checks the settings and prepares the server (:mod:`._server`: Solara's
server in our Starlette app, one process for every respondent); :func:`serve_form` runs it
until it stops or is stopped, and :func:`exit_reason` says why it stopped.

The login token is written to a private config file (mode 0600 in a 0700 folder) rather than
the server's command line, so other users of the machine cannot read it from the process list
(``--token`` on ``assessment form``'s own command line is visible there: prefer
``$ASSESSMENT_FORM_TOKEN``). Without a token the server only starts when asked explicitly,
and then only on a loopback address. Stopped by Ctrl-C, SIGTERM (systemd, ``kill``) or
SIGHUP, :func:`serve_form` stops the server and removes the config folder.

Capacity: ``max_sessions`` defaults to :func:`default_max_sessions`, from the machine's
memory; ``idle_timeout`` (20 minutes) ends a session nobody has touched for that long; once
all have ended, ``recycle_memory`` decides when a fresh process takes over
(:mod:`._supervisor`).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from .._exceptions import ParameterError
from .._store._workspace import WORKSPACE_ENV, Workspace
from ._server import ServerConfig
from ._supervisor import Supervisor, bind

__all__ = [
    "DEFAULT_IDLE_TIMEOUT",
    "DEFAULT_RECYCLE_MEMORY",
    "SESSION_MB",
    "TOKEN_ENV",
    "FormServer",
    "default_max_sessions",
    "exit_reason",
    "form_server",
    "serve_form",
]

#: The environment variable ``assessment form`` reads the login token from.
TOKEN_ENV = "ASSESSMENT_FORM_TOKEN"
DEFAULT_PORT = 8866
#: Seconds without a message from a respondent's tab before the server ends the session.
DEFAULT_IDLE_TIMEOUT = 20 * 60
#: Replace the idle server process when its memory is above this many times its start.
DEFAULT_RECYCLE_MEMORY = 1.15
#: Memory budgeted per open session (MB): over twice the measured cost (README, "Serving
#: many respondents").
SESSION_MB = 16
#: The share of the machine's memory the default session limit budgets for sessions.
MEMORY_SHARE = 0.5
CONFIG_NAME = "server.json"


def _is_loopback(ip: str) -> bool:
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def _total_memory_mb() -> float:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (ValueError, OSError, AttributeError):
        return 4096.0  # unknown: assume a small machine


def default_max_sessions(total_mb: float | None = None) -> int:
    """Sessions that fit in :data:`MEMORY_SHARE` of the memory at :data:`SESSION_MB` each."""
    total = _total_memory_mb() if total_mb is None else total_mb
    return max(10, int(total * MEMORY_SHARE / SESSION_MB))


@dataclass(frozen=True)
class FormServer:
    """A ready-to-run server: ``argv``, its environment, the URL to hand out and its config."""

    argv: list[str]
    env: dict[str, str]
    url: str
    token: str
    config_dir: Path
    config: ServerConfig


def form_server(
    workspace: Workspace,
    engagement_id: str,
    *,
    port: int = DEFAULT_PORT,
    ip: str = "127.0.0.1",
    token: str | None = None,
    open_access: bool = False,
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    max_sessions: int | None = None,
    recycle_memory: float = DEFAULT_RECYCLE_MEMORY,
) -> FormServer:
    """Prepare the server of ``engagement_id``'s questionnaire.

    Parameters
    ----------
    workspace:
        The workspace whose store receives the answers.
    engagement_id:
        The engagement (it must exist).
    port, ip:
        Where the server listens; keep ``127.0.0.1`` behind an HTTPS reverse proxy.
    token:
        The login token respondents' URL carries; ``None`` makes a random one. An empty
        token is refused unless ``open_access`` is set and ``ip`` is a loopback address.
    open_access:
        Run without a token (local testing only).
    idle_timeout:
        Seconds without activity after which a respondent's session ends (their saved pages
        stay; they continue with their code).
    max_sessions:
        Open sessions beyond which new visitors get the "busy" page; ``None``:
        :func:`default_max_sessions`; ``0``: no limit.
    recycle_memory:
        Once every session has ended, a fresh server process replaces the running one if its
        memory is above this many times its memory at start (``0``: never).

    The caller runs it with :func:`serve_form`, which also removes the private config folder.
    """
    with workspace.store() as store:
        store.engagement(engagement_id)  # fail now, not in every respondent's session
    if not 1 <= port <= 65535:
        raise ParameterError(f"port: {port} is not a TCP port (1-65535)")
    if not idle_timeout >= 1:
        raise ParameterError(f"idle timeout: {idle_timeout} s; give at least 1 second")
    if max_sessions is None:
        max_sessions = default_max_sessions()
    if max_sessions < 0:
        raise ParameterError(f"max sessions: {max_sessions}; give 0 (no limit) or more")
    if not recycle_memory >= 0:
        raise ParameterError(f"recycle memory: {recycle_memory}; give 0 (never) or more")
    if open_access:
        if not _is_loopback(ip):
            raise ParameterError(
                f"ip {ip!r}: running without a token is allowed only on localhost"
            )
        if token:
            raise ParameterError("token: give a token or run open, not both")
        secret = ""
    else:
        secret = secrets.token_urlsafe(24) if token is None else token
        if not secret.strip():
            raise ParameterError(
                "token: the questionnaire needs a login token; leave it out to get a random "
                "one, or run open on localhost explicitly"
            )
        if len(secret) < 16:
            raise ParameterError("token: use at least 16 characters")
    config = ServerConfig(
        workspace=str(workspace.path), engagement=engagement_id, host=ip, port=port,
        token=secret, idle_timeout=float(idle_timeout), max_sessions=max_sessions,
        recycle_memory=float(recycle_memory),
    )
    config_dir = Path(tempfile.mkdtemp(prefix="assessment-form-"))  # mode 0700
    config.write(config_dir / CONFIG_NAME)
    argv = [sys.executable, "-m", "assessment._form._server",
            "--config", str(config_dir / CONFIG_NAME)]
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    # Each tab's messages run in a thread of their own: without a cap glibc gives threads
    # heaps of their own, which hold freed memory; two keep a session at about 3 MB and let
    # the memory of closed sessions go back to the system.
    env.setdefault("MALLOC_ARENA_MAX", "2")
    env[WORKSPACE_ENV] = str(workspace.path)
    env["ASSESSMENT_ENGAGEMENT"] = engagement_id  # ENGAGEMENT_ENV (the form not imported)
    host = f"[{ip}]" if ":" in ip else ip
    url = f"http://{host}:{port}/" + (f"?token={secret}" if secret else "")
    return FormServer(argv, env, url, secret, config_dir, config)


class _Stop(Exception):
    """Raised in the main thread when the server is asked to stop by a signal."""


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`_Stop` (once), like Ctrl-C into KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set in the main thread
        return
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            raise _Stop(signal.Signals(signum).name)

    wanted = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {sig: signal.signal(sig, stop) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve_form(server: FormServer) -> int:
    """Run the server until it stops, or is stopped by Ctrl-C, SIGTERM or SIGHUP.

    This process binds the port and runs the server as a child process on it, replaced by a
    fresh one when it is idle and holds memory its sessions left (:mod:`._supervisor`).
    Return 0 when it was stopped on request, else the serving process's exit status as
    :mod:`subprocess` reports it: positive for an error, ``-N`` when signal N killed it (the
    OOM killer's SIGKILL, say); :func:`exit_reason` puts that into words. However it stops,
    the server is terminated (killed after 10 s) and the private config folder with the
    token removed. A port already in use raises :class:`ParameterError`.
    """
    try:
        listener = bind(server.config.host, server.config.port)
    except ParameterError:
        shutil.rmtree(server.config_dir, ignore_errors=True)
        raise
    supervisor = Supervisor(server.argv, server.env, str(server.config_dir), listener)
    try:
        with _stop_on_signals():
            try:
                return supervisor.run()
            except (KeyboardInterrupt, _Stop):
                code = supervisor.stop()
                return code if code is not None and code > 0 else 0  # we asked it to stop
    finally:
        supervisor.close()
        listener.close()
        shutil.rmtree(server.config_dir, ignore_errors=True)


def exit_reason(code: int) -> tuple[int, str]:
    """The exit status for ``assessment form`` and why, from :func:`serve_form`'s result.

    A server killed by signal N gives 128 + N, as a shell reports it.
    """
    if code == 0:
        return 0, "the questionnaire server stopped"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (out of memory? see the system log)" if -code == signal.SIGKILL else ""
        return 128 - code, f"the questionnaire server was killed by {name}{hint}"
    return code, (f"the questionnaire server stopped with an error (exit status {code}); "
                  "see its messages above")
