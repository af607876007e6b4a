"""``assessment explore``: the explore app as a local page for a workshop screen.

Voilà serves ``notebooks/explore.ipynb`` on 127.0.0.1 only, with a login token (random
unless given), the notebook's code stripped from the page and tracebacks hidden, in a
template of ours (``share/voila/templates/assessment-offline``: Voilà's lab template
without the two stylesheets it loads from a CDN), so the page makes no request that leaves
the machine. The token
goes to a private config file, not Voilà's command line, so other users of the machine
cannot read it from the process list. The page is for the consultant's screen, not for
respondents: it shows the engagement's results (with the reports' suppression).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from .._exceptions import ParameterError
from .._store._workspace import WORKSPACE_ENV, Workspace, shipped
from ._app import ENGAGEMENT_ENV

__all__ = ["EXPLORE_NOTEBOOK", "TOKEN_ENV", "ExploreServer", "explore_server", "serve_explore"]

EXPLORE_NOTEBOOK = "explore.ipynb"
#: The environment variable ``assessment explore`` reads the login token from.
TOKEN_ENV = "ASSESSMENT_EXPLORE_TOKEN"
HOST = "127.0.0.1"
#: The Voilà template of the page, and the folder (a ``JUPYTER_PATH`` entry) it lives in.
TEMPLATE = "assessment-offline"
SHARE = Path(__file__).resolve().parent / "share"


@dataclass(frozen=True)
class ExploreServer:
    """A ready-to-run Voilà command: ``argv``, its environment and the URL to open."""

    argv: list[str]
    env: dict[str, str]
    url: str
    token: str
    config_dir: Path
    notebook: Path


def explore_server(
    workspace: Workspace,
    engagement_id: str,
    *,
    port: int = 8867,
    token: str | None = None,
    notebook: str | Path | None = None,
) -> ExploreServer:
    """Prepare Voilà to serve the explore app of ``engagement_id`` on 127.0.0.1.

    ``token`` (at least 16 characters; default: a random one) is required in the URL. The
    caller runs it with :func:`serve_explore`, which also removes the private config folder.
    """
    with workspace.store() as store:
        store.engagement(engagement_id)  # fail now, not in the page's kernel
    if not 1 <= port <= 65535:
        raise ParameterError(f"port: {port} is not a TCP port (1-65535)")
    secret = secrets.token_urlsafe(24) if token is None else token
    if len(secret.strip()) < 16:
        raise ParameterError("token: use at least 16 characters (leave it out for a random one)")
    nb = Path(notebook).resolve() if notebook else shipped("notebooks", EXPLORE_NOTEBOOK)
    if not nb.is_file():
        raise ParameterError(f"{nb}: no such notebook")
    config_dir = Path(tempfile.mkdtemp(prefix="assessment-explore-"))  # mode 0700
    fd = os.open(config_dir / "voila.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"Voila": {"token": secret}}, fh)
    argv = [
        sys.executable, "-m", "voila", str(nb),
        f"--port={port}",
        "--no-browser",
        f"--template={TEMPLATE}",
        f"--Voila.ip={HOST}",
        "--show_tracebacks=False",
        "--strip_sources=True",
        f"--Voila.config_file_paths={config_dir}",
    ]
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    # Our template (Voilà's lab template without its CDN stylesheets) is found on this path.
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(SHARE), os.environ.get("JUPYTER_PATH", "")) if p)
    env[WORKSPACE_ENV] = str(workspace.path)
    env[ENGAGEMENT_ENV] = engagement_id
    return ExploreServer(argv, env, f"http://{HOST}:{port}/?token={secret}", secret,
                         config_dir, nb)


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def serve_explore(server: ExploreServer) -> int:
    """Run Voilà until it stops, or Ctrl-C or SIGTERM; return its exit code.

    However it stops, Voilà is terminated (killed after 10 s) and the token file removed.
    """
    proc: subprocess.Popen[bytes] | None = None
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None
    try:
        proc = subprocess.Popen(server.argv, env=server.env, cwd=server.notebook.parent)
        return proc.wait()
    except KeyboardInterrupt:
        if proc is None:
            return 1
        proc.terminate()
        try:
            return proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(server.config_dir, ignore_errors=True)
