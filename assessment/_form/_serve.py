"""Serving the questionnaire: Voilà on ``notebooks/questionnaire.ipynb``, with a token.

``assessment form`` builds the command with :func:`form_server` and runs it with
:func:`serve_form`. Voilà strips the notebook's code from the page (``strip_sources``),
hides tracebacks from respondents and runs one kernel per visitor with the notebook folder
as working directory; the workspace and the engagement reach the kernel through
``$ASSESSMENT_WORKSPACE`` and ``$ASSESSMENT_ENGAGEMENT``.

The login token is written to a private Voilà config file rather than Voilà's command line,
so other users of the machine cannot read it from the process list (``--token`` on
``assessment form``'s own command line is visible there: prefer ``$ASSESSMENT_FORM_TOKEN``).
Without a token the server only starts when asked explicitly, and then only on a loopback
address. Stopped by Ctrl-C, SIGTERM (systemd, ``kill``) or SIGHUP, :func:`serve_form` stops
Voilà and removes the config file.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from .._exceptions import ParameterError
from .._store._workspace import WORKSPACE_ENV, Workspace, shipped
from ._questionnaire import ENGAGEMENT_ENV

__all__ = ["FORM_NOTEBOOK", "TOKEN_ENV", "FormServer", "form_server", "serve_form"]

FORM_NOTEBOOK = "questionnaire.ipynb"
#: The environment variable ``assessment form`` reads the login token from.
TOKEN_ENV = "ASSESSMENT_FORM_TOKEN"
DEFAULT_PORT = 8866


def form_notebook() -> Path:
    """Return the questionnaire notebook of this checkout or installed package."""
    try:
        return shipped("notebooks", FORM_NOTEBOOK)
    except FileNotFoundError as exc:
        raise ParameterError(
            f"{FORM_NOTEBOOK}: not found next to the package; pass --notebook PATH"
        ) from exc


def _is_loopback(ip: str) -> bool:
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class FormServer:
    """A ready-to-run Voilà command: ``argv``, its environment and the URL to hand out."""

    argv: list[str]
    env: dict[str, str]
    url: str
    token: str
    config_dir: Path
    notebook: Path


def form_server(
    workspace: Workspace,
    engagement_id: str,
    *,
    port: int = DEFAULT_PORT,
    ip: str = "127.0.0.1",
    token: str | None = None,
    open_access: bool = False,
    notebook: str | Path | None = None,
) -> FormServer:
    """Prepare Voilà to serve the questionnaire of ``engagement_id``.

    Parameters
    ----------
    workspace:
        The workspace whose store receives the answers.
    engagement_id:
        The engagement (it must exist).
    port, ip:
        Where Voilà listens; keep ``127.0.0.1`` behind an HTTPS reverse proxy.
    token:
        The login token respondents' URL carries; ``None`` makes a random one. An empty
        token is refused unless ``open_access`` is set and ``ip`` is a loopback address.
    open_access:
        Run without a token (local testing only).
    notebook:
        The questionnaire notebook (default: ``notebooks/questionnaire.ipynb``).

    The caller runs it with :func:`serve_form`, which also removes the private config folder.
    """
    with workspace.store() as store:
        store.engagement(engagement_id)  # fail now, not in every respondent's kernel
    if not 1 <= port <= 65535:
        raise ParameterError(f"port: {port} is not a TCP port (1-65535)")
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
    nb = Path(notebook).resolve() if notebook else form_notebook()
    if not nb.is_file():
        raise ParameterError(f"{nb}: no such notebook")
    config_dir = Path(tempfile.mkdtemp(prefix="assessment-form-"))  # mode 0700
    config = config_dir / "voila.json"
    fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"Voila": {"token": secret}}, fh)
    argv = [
        sys.executable, "-m", "voila", str(nb),
        f"--port={port}",
        "--no-browser",
        f"--Voila.ip={ip}",
        "--show_tracebacks=False",
        "--strip_sources=True",
        f"--Voila.config_file_paths={config_dir}",
    ]
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    env[WORKSPACE_ENV] = str(workspace.path)
    env[ENGAGEMENT_ENV] = engagement_id
    host = f"[{ip}]" if ":" in ip else ip
    url = f"http://{host}:{port}/" + (f"?token={secret}" if secret else "")
    return FormServer(argv, env, url, secret, config_dir, nb)


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
    """Run Voilà until it stops, or is stopped by Ctrl-C, SIGTERM or SIGHUP; return its code.

    However it stops, Voilà is terminated (killed after 10 s) and the private config folder
    with the token is removed.
    """
    proc: subprocess.Popen[bytes] | None = None
    try:
        with _stop_on_signals():
            try:
                proc = subprocess.Popen(server.argv, env=server.env, cwd=server.notebook.parent)
                return proc.wait()
            except (KeyboardInterrupt, _Stop):
                if proc is None:
                    return 1
                proc.terminate()
                try:
                    return proc.wait(timeout=10)
                except (subprocess.TimeoutExpired, KeyboardInterrupt):
                    proc.kill()
                    return proc.wait()
    finally:
        if proc is not None and proc.poll() is None:  # a second signal cut the stop short
            proc.kill()
            proc.wait()
        shutil.rmtree(server.config_dir, ignore_errors=True)
