"""The questionnaire's tables: invite codes (hashes only), form sessions with their drafts, and
submissions.

Only SQL lives here; what a code grants, how drafts are encrypted and when a session may
start are the form's rules (``assessment._form``). Methods that write are called inside the
caller's :meth:`~StoreBase.transaction`, so a check and its write are one transaction.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pandas as pd

from ._engagements import EngagementTables

__all__ = ["InviteRow", "InviteTables"]

#: ``code_hash, engagement_id, role, team, department, max_uses, uses, expires_at``.
InviteRow = tuple[Any, ...]

_CODE_SQL = (
    "SELECT code_hash, engagement_id, role, team, department, max_uses, uses, expires_at "
    "FROM invite_codes WHERE code_hash = ? AND engagement_id = ?"
)


class InviteTables(EngagementTables):
    """Invite codes, form sessions (drafts) and submissions."""

    def add_invite(
        self, code_hash: str, engagement_id: str, role: str, team: str,
        department: str | None, max_uses: int, expires_at: str | None, created_at: str,
    ) -> bool:
        """Store a code's hash and what it grants; False if the hash exists (draw again)."""
        try:
            self._conn.execute(
                "INSERT INTO invite_codes (code_hash, engagement_id, role, team, department, "
                "max_uses, uses, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
                (code_hash, engagement_id, role, team, department, max_uses, expires_at,
                 created_at),
            )
        except sqlite3.IntegrityError:
            return False
        return True

    def invite_summary(self, engagement_id: str) -> pd.DataFrame:
        """Codes grouped by team, department, role and expiry, with uses summed."""
        return pd.read_sql_query(
            "SELECT team, department, role, expires_at AS expires, count(*) AS codes, "
            "sum(max_uses) AS max_uses, sum(uses) AS uses FROM invite_codes "
            "WHERE engagement_id = ? GROUP BY team, department, role, expires_at "
            "ORDER BY team, role, expires_at",
            self._conn,
            params=(engagement_id,),
        )

    def invite(self, engagement_id: str, code_hash: str) -> InviteRow | None:
        """The stored code with this hash in this engagement, or None."""
        row: InviteRow | None = self._conn.execute(
            _CODE_SQL, (code_hash, engagement_id)
        ).fetchone()
        return row

    def count_invite_use(self, code_hash: str) -> None:
        """Add one use to a code."""
        self._conn.execute(
            "UPDATE invite_codes SET uses = uses + 1 WHERE code_hash = ?", (code_hash,)
        )

    def submitted(self, submission_key: str) -> bool:
        """Whether a submission with this key is stored."""
        row = self._conn.execute(
            "SELECT 1 FROM submissions WHERE submission_key = ?", (submission_key,)
        ).fetchone()
        return row is not None

    def add_submission(self, submission_key: str, engagement_id: str) -> None:
        """Record that the session with this key submitted (never twice: the key is unique)."""
        self._conn.execute(
            "INSERT INTO submissions (submission_key, engagement_id) VALUES (?, ?)",
            (submission_key, engagement_id),
        )

    def draft(self, code_hash: str, session_hash: str) -> tuple[Any, Any] | None:
        """A session's stored ``(data, salt)``, or None when nothing is stored."""
        row = self._conn.execute(
            "SELECT data, salt FROM drafts WHERE code_hash = ? AND session_hash = ?",
            (code_hash, session_hash),
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def session_draft(
        self, engagement_id: str, session_hash: str
    ) -> tuple[str, Any, Any] | None:
        """A shared code's session by its continuation hash: ``(code_hash, data, salt)``."""
        row = self._conn.execute(
            "SELECT d.code_hash, d.data, d.salt FROM drafts d JOIN invite_codes i "
            "ON i.code_hash = d.code_hash WHERE d.session_hash = ? AND i.engagement_id = ?",
            (session_hash, engagement_id),
        ).fetchone()
        return None if row is None else (str(row[0]), row[1], row[2])

    def drop_empty_sessions(self, code_hash: str, before: str) -> None:
        """Delete a code's sessions that saved nothing and were opened before ``before``."""
        self._conn.execute(
            "DELETE FROM drafts WHERE code_hash = ? AND data = '' AND updated_at < ?",
            (code_hash, before),
        )

    def count_sessions(self, code_hash: str) -> int:
        """The number of open sessions (drafts) of a code."""
        (n,) = self._conn.execute(
            "SELECT count(*) FROM drafts WHERE code_hash = ?", (code_hash,)
        ).fetchone()
        return int(n)

    def save_draft(
        self, code_hash: str, session_hash: str, data: str, updated_at: str, salt: bytes
    ) -> None:
        """Insert or replace a session's draft (``data`` empty: a session that saved nothing)."""
        self._conn.execute(
            "INSERT INTO drafts (code_hash, session_hash, data, updated_at, salt) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (code_hash, session_hash) DO UPDATE SET "
            "data = excluded.data, updated_at = excluded.updated_at, salt = excluded.salt",
            (code_hash, session_hash, data, updated_at, salt),
        )

    def delete_draft(self, code_hash: str, session_hash: str) -> None:
        """Delete a session's draft."""
        self._conn.execute(
            "DELETE FROM drafts WHERE code_hash = ? AND session_hash = ?",
            (code_hash, session_hash),
        )

    def overwrite_deleted(self) -> None:
        """Make deletions overwrite the deleted content on disk (drafts must not linger)."""
        self._conn.execute("PRAGMA secure_delete = ON")
