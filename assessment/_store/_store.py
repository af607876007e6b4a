"""The response store: one SQLite database (``assessment.db``) per workspace.

:class:`Store` joins the store's parts, each in its own module: the connection and its
transaction rules (:mod:`._connection`), the schema (:mod:`._schema`), organisations and
engagements (:mod:`._engagements`), responses and exclusions (:mod:`._answers`, with the copy
per revision in :mod:`._cache`), the fieldwork tables (:mod:`._tables`) and the invite codes,
form sessions and submissions of the questionnaire (:mod:`._invites`), and the consultant's
narrative and agreed actions (:mod:`._notes`).
"""

from __future__ import annotations

from ._answers import ResponseTables
from ._invites import InviteTables
from ._notes import NoteTables
from ._tables import FieldworkTables

__all__ = ["Store"]


class Store(ResponseTables, FieldworkTables, InviteTables, NoteTables):
    """The SQLite store of one workspace. Open it with ``Store(path)``; close it when done.

    Parameters
    ----------
    path:
        The database file (created with its folder when missing).
    check_same_thread:
        Keep SQLite's check that only the opening thread uses the connection (default).
        Pass ``False`` to hand the store from thread to thread, never to two at once.
    """
