"""The questionnaire server's page: one :class:`Questionnaire` per browser tab.

Solara runs this module (``SOLARA_APP``) in the questionnaire server (:mod:`._server`). Each
browser tab is a Solara *virtual kernel* in the one server process; :func:`Page` opens the
tab's own store connection and :class:`Questionnaire`, the very widget JupyterLab and Voilà
show, and registers it in :data:`SESSIONS`, where the server counts open sessions and ends
idle ones. When Solara closes the virtual kernel (tab closed, disconnected past the cull
time, server stop) the session leaves the registry and its store closes.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import solara
from solara.server import kernel_context

from .._store._workspace import WORKSPACE_ENV, Workspace
from ._questionnaire import ENGAGEMENT_ENV, Questionnaire

__all__ = ["CLOSED", "SESSIONS", "Layout", "Page", "Session", "live_sessions"]


@dataclass
class Session:
    """One respondent's tab: its questionnaire, Solara context and the time it opened."""

    questionnaire: Questionnaire
    context: Any  # solara.server.kernel_context.VirtualKernelContext
    opened: float = field(default_factory=time.monotonic)
    #: Set when the server ended the session for inactivity (the form shows why).
    ended: bool = False


#: Open sessions by Solara kernel id (the id in the tab's websocket path).
SESSIONS: dict[str, Session] = {}
#: How many sessions have closed since the server started.
CLOSED = [0]
_lock = threading.Lock()


def live_sessions() -> int:
    """The number of sessions a respondent is in (not ended for inactivity)."""
    with _lock:
        return sum(1 for s in SESSIONS.values() if not s.ended)


def _open() -> Questionnaire:
    """Open this tab's questionnaire on its own store connection and register the session."""
    context = kernel_context.get_current_context()
    # A session's messages are handled one at a time, but not always in the same thread.
    store = Workspace.find(os.environ.get(WORKSPACE_ENV) or None).store(check_same_thread=False)
    try:
        questionnaire = Questionnaire(store, os.environ[ENGAGEMENT_ENV])
    except BaseException:
        store.close()
        raise
    kernel_id = str(context.id)

    def closed() -> None:
        with _lock:
            SESSIONS.pop(kernel_id, None)
            CLOSED[0] += 1
        store.close()

    context.on_close(closed)
    with _lock:
        SESSIONS[kernel_id] = Session(questionnaire, context)
    return questionnaire


@solara.component  # type: ignore[untyped-decorator]
def Page() -> None:
    """The questionnaire of ``$ASSESSMENT_ENGAGEMENT``, one per tab."""
    questionnaire = solara.use_memo(_open, [])
    solara.display(questionnaire.widget)


@solara.component  # type: ignore[untyped-decorator]
def Layout(children: list[Any] | None = None) -> Any:
    """No app bar, no navigation: the page is the form."""
    return solara.Div(children=children or [])
