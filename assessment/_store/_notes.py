"""The consultant's narrative (Markdown per language: an executive summary and findings per
dimension) and the actions agreed per dimension, stored with the engagement.

Every write bumps the engagement's revision (triggers in :mod:`._schema`) and its note
revision, so :meth:`NoteTables.data_revision` (the scores' revision) stays put when only the
narrative or the actions change. Writes that change nothing write nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

import pandas as pd

from .._exceptions import NotFoundError, ParameterError
from .._text import MAX_NAME, clean_text
from ._connection import _now
from ._engagements import EngagementTables

__all__ = ["ACTION_STATUSES", "MAX_ACTION_TITLE", "MAX_NARRATIVE", "Action", "NoteTables"]

#: The longest narrative text (one summary or one dimension's findings), in characters.
MAX_NARRATIVE: Final = 20_000
#: The longest action title, in characters (an owner is a name: :data:`MAX_NAME`).
MAX_ACTION_TITLE: Final = 200
ACTION_STATUSES: Final = ("open", "done")
_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ActionStatus = Literal["open", "done"]
_ACTION_COLUMNS: Final = ["id", "dimension", "title", "owner", "due", "status", "created_at",
                          "updated_at"]


@dataclass(frozen=True)
class Action:
    """An action agreed with the client for one dimension of an engagement."""

    id: int
    engagement: str
    dimension: str
    title: str
    owner: str
    due: str
    status: str


def _bounded(field: str, text: object, limit: int, *, multiline: bool = False) -> str:
    """``text`` cleaned (no control characters, no outer blanks); an error naming ``field``
    when it is not text, empty, longer than ``limit`` or (one-line fields) has line breaks."""
    if not isinstance(text, str):
        raise ParameterError(f"{field}: text expected, got {type(text).__name__}")
    clean = clean_text(text)
    if not clean:
        raise ParameterError(f"{field}: must not be empty")
    if len(clean) > limit:
        raise ParameterError(f"{field}: {len(clean)} characters, at most {limit}")
    if not multiline and "\n" in clean:
        raise ParameterError(f"{field}: one line expected")
    return clean


def _due(value: object) -> str:
    """The due date as ``YYYY-MM-DD`` (a :class:`date` or ISO text)."""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ParameterError(
            f"due: an ISO date (YYYY-MM-DD), got {str(value)[:40]!r}"
        ) from None


class NoteTables(EngagementTables):
    """The engagement's narrative and agreed actions."""

    # --- checks -------------------------------------------------------------------------
    def _dimension(self, engagement_id: str, dimension: str | None, field: str) -> str:
        """``dimension`` checked against the engagement's model ('' for the summary)."""
        if dimension is None:
            return ""
        dims = [d.id for d in self.model(engagement_id).dimensions]
        if dimension not in dims:
            raise ParameterError(
                f"{field}: {str(dimension)[:80]!r} is not a dimension of the engagement's "
                f"model ({', '.join(dims)})"
            )
        return dimension

    def _language(self, engagement_id: str, language: str) -> str:
        languages = self.engagement(engagement_id).languages
        if language not in languages:
            raise ParameterError(
                f"language: {str(language)[:20]!r} is not a language of engagement "
                f"{engagement_id} ({', '.join(languages)})"
            )
        return language

    # --- the narrative ------------------------------------------------------------------
    def set_narrative(
        self, engagement_id: str, text: str, *, language: str, dimension: str | None = None
    ) -> bool:
        """Store the consultant's Markdown ``text`` for the executive summary (no
        ``dimension``) or a dimension's findings, in ``language`` (one of the engagement's);
        return whether it changed. Control characters are dropped and outer blanks trimmed."""
        dim = self._dimension(engagement_id, dimension, "dimension")
        lang = self._language(engagement_id, language)
        clean = _bounded("narrative text", text, MAX_NARRATIVE, multiline=True)
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO narratives (engagement_id, dimension_id, language, text, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (engagement_id, dimension_id, language) "
                "DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at "
                "WHERE narratives.text IS NOT excluded.text",  # unchanged: keep the revision
                (engagement_id, dim, lang, clean, _now()),
            )
        return cur.rowcount > 0

    def clear_narrative(
        self, engagement_id: str, *, language: str, dimension: str | None = None
    ) -> bool:
        """Remove the summary (no ``dimension``) or a dimension's findings in ``language``;
        return whether there was one."""
        dim = self._dimension(engagement_id, dimension, "dimension")
        lang = self._language(engagement_id, language)
        with self.transaction() as conn:
            cur = conn.execute(
                "DELETE FROM narratives WHERE engagement_id = ? AND dimension_id = ? "
                "AND language = ?", (engagement_id, dim, lang),
            )
        return cur.rowcount > 0

    def narrative(
        self, engagement_id: str, *, language: str, dimension: str | None = None
    ) -> str | None:
        """The summary (no ``dimension``) or a dimension's findings in ``language``, if any."""
        self.engagement(engagement_id)
        row = self._conn.execute(
            "SELECT text FROM narratives WHERE engagement_id = ? AND dimension_id = ? "
            "AND language = ?", (engagement_id, dimension or "", language),
        ).fetchone()
        return None if row is None else str(row[0])

    def narratives(self, engagement_id: str) -> pd.DataFrame:
        """Every narrative text: ``dimension`` (None: the executive summary), ``language``,
        ``text``, ``updated_at``; the summary first, then by dimension and language."""
        self.engagement(engagement_id)
        rows = self._conn.execute(
            "SELECT dimension_id, language, text, updated_at FROM narratives "
            "WHERE engagement_id = ? ORDER BY dimension_id != '', dimension_id, language",
            (engagement_id,),
        ).fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
        return pd.DataFrame({
            "dimension": pd.Series([d or None for d in columns[0]], dtype="object"),
            **{name: pd.Series(list(values), dtype="object")
               for name, values in zip(("language", "text", "updated_at"), columns[1:],
                                       strict=True)},
        })

    # --- the actions --------------------------------------------------------------------
    def add_action(
        self, engagement_id: str, *, dimension: str, title: str, owner: str, due: date | str
    ) -> Action:
        """Record an action agreed for ``dimension``: its title, owner and due date (ISO);
        it starts ``open``."""
        dim = self._dimension(engagement_id, dimension, "dimension")
        clean_title = _bounded("title", title, MAX_ACTION_TITLE)
        clean_owner = _bounded("owner", owner, MAX_NAME)
        when = _due(due)
        now = _now()
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO actions (engagement_id, dimension_id, title, owner, due, status, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
                (engagement_id, dim, clean_title, clean_owner, when, now, now),
            )
        return Action(int(cur.lastrowid or 0), engagement_id, dim, clean_title, clean_owner,
                      when, "open")

    def set_action_status(
        self, engagement_id: str, action_id: int, status: ActionStatus = "done"
    ) -> bool:
        """Set an action's status (``open`` or ``done``); return whether it changed."""
        if status not in ACTION_STATUSES:
            raise ParameterError(f"status: {str(status)[:20]!r}; one of open, done")
        if isinstance(action_id, bool) or not isinstance(action_id, int):
            raise ParameterError(f"action: a whole number, got {action_id!r}")
        self.engagement(engagement_id)
        with self.transaction() as conn:
            found = conn.execute(
                "SELECT status FROM actions WHERE id = ? AND engagement_id = ?",
                (action_id, engagement_id),
            ).fetchone()
            if found is None:
                raise NotFoundError(
                    f"action: no action {action_id} in engagement {engagement_id} "
                    "(see `assessment action list`)"
                )
            if found[0] == status:
                return False
            conn.execute("UPDATE actions SET status = ?, updated_at = ? WHERE id = ?",
                         (status, _now(), action_id))
        return True

    def actions(self, engagement_id: str) -> pd.DataFrame:
        """The engagement's actions: ``id``, ``dimension``, ``title``, ``owner``, ``due``,
        ``status``, ``created_at``, ``updated_at``; by dimension (model order), due date, id."""
        order = {d.id: i for i, d in enumerate(self.model(engagement_id).dimensions)}
        rows = self._conn.execute(
            "SELECT id, dimension_id, title, owner, due, status, created_at, updated_at "
            "FROM actions WHERE engagement_id = ?", (engagement_id,),
        ).fetchall()
        rows.sort(key=lambda r: (order.get(r[1], len(order)), r[1], r[4], r[0]))
        return pd.DataFrame(rows, columns=_ACTION_COLUMNS).astype({"id": "int64"})

    # --- revisions ----------------------------------------------------------------------
    def note_revision(self, engagement_id: str) -> int:
        """How many writes to the engagement's narrative and actions there were."""
        row = self._conn.execute(
            "SELECT revision FROM note_revisions WHERE engagement_id = ?", (engagement_id,)
        ).fetchone()
        return int(row[0]) if row else 0

    def data_revision(self, engagement_id: str) -> int:
        """The revision without the narrative's and actions' writes: it changes whenever the
        engagement's scores may change (responses, exclusions, teams, targets, ratings)."""
        (value,) = self._conn.execute(  # one statement: one snapshot of both counters
            "SELECT coalesce((SELECT revision FROM revisions WHERE engagement_id = ?1), 0) - "
            "coalesce((SELECT revision FROM note_revisions WHERE engagement_id = ?1), 0)",
            (engagement_id,),
        ).fetchone()
        return int(value)
