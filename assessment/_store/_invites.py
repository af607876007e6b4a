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

#: ``code_hash, engagement_id, role, team, department, max_uses, uses, expires_at,
#: revoked_at``.
InviteRow = tuple[Any, ...]

_CODE_SQL = (
    "SELECT code_hash, engagement_id, role, team, department, max_uses, uses, expires_at, "
    "revoked_at FROM invite_codes WHERE code_hash = ? AND engagement_id = ?"
)
#: A shared-code session (draft ``d``) that has lapsed: no activity since ``:lapse``, or
#: nothing saved and opened before ``:empty`` (the form's rules, in ``_form/_invites.py``).
_LAPSED = (
    "(d.session_hash != '' AND (coalesce(d.active_at, '') < :lapse "
    "OR (d.data = '' AND d.updated_at < :empty)))"
)
_OF_ENGAGEMENT = "d.code_hash IN (SELECT code_hash FROM invite_codes WHERE engagement_id = :e)"
# The queries below are built from the two constants above only (S608), never user input.
_SUMMARY_SQL = (
    "SELECT i.team, i.department, i.role, i.expires_at AS expires, count(*) AS codes, "  # noqa: S608
    "sum(i.max_uses) AS max_uses, sum(i.uses) AS uses, "
    "sum(i.revoked_at IS NOT NULL) AS revoked, "
    "coalesce(sum(s.open), 0) AS open_sessions, "
    "coalesce(sum(s.active), 0) AS active_sessions, "
    "sum(i.max_uses > 1 AND i.revoked_at IS NULL AND i.uses < i.max_uses "
    "AND coalesce(s.active, 0) >= :per_use * (i.max_uses - i.uses)) AS busy "
    "FROM invite_codes i LEFT JOIN (SELECT d.code_hash, count(*) AS open, "
    "sum(d.session_hash != '' AND d.active_at >= :recent) AS active FROM drafts d "
    f"WHERE NOT {_LAPSED} GROUP BY d.code_hash) s ON s.code_hash = i.code_hash "
    "WHERE i.engagement_id = :e GROUP BY i.team, i.department, i.role, i.expires_at "
    "ORDER BY i.team, i.role, i.expires_at"
)
_COUNT_LAPSED_SQL = f"SELECT count(*) FROM drafts d WHERE {_OF_ENGAGEMENT} AND {_LAPSED}"  # noqa: S608
_CLOSE_LAPSED_SQL = (
    "INSERT OR IGNORE INTO closed_sessions (session_hash, code_hash) "  # noqa: S608
    f"SELECT d.session_hash, d.code_hash FROM drafts d WHERE {_OF_ENGAGEMENT} AND {_LAPSED} "
    "AND d.data != ''"
)
_DELETE_LAPSED_SQL = f"DELETE FROM drafts AS d WHERE {_OF_ENGAGEMENT} AND {_LAPSED}"  # noqa: S608


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

    def invite_summary(
        self, engagement_id: str, *, recent: str, lapse: str, empty: str, per_use: int
    ) -> pd.DataFrame:
        """Codes grouped by team, department, role and expiry, with uses summed, revoked
        codes, open sessions (not lapsed), those active since ``recent``, and the shared
        codes that refuse new starts because ``per_use`` active sessions per remaining use
        are open (``busy``)."""
        return pd.read_sql_query(
            _SUMMARY_SQL,
            self._conn,
            params={"e": engagement_id, "recent": recent, "lapse": lapse, "empty": empty,
                    "per_use": per_use},
        )

    def invite_hashes(
        self, engagement_id: str, *, team: str | None = None, role: str | None = None
    ) -> list[str]:
        """The hashes of the engagement's codes, of one team and/or role when given."""
        rows = self._conn.execute(
            "SELECT code_hash FROM invite_codes WHERE engagement_id = ? "
            "AND (? IS NULL OR team = ?) AND (? IS NULL OR role = ?) ORDER BY code_hash",
            (engagement_id, team, team, role, role),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def revoke_invites(self, code_hashes: list[str], day: str) -> int:
        """Mark codes revoked on ``day`` (those not revoked yet); return how many."""
        done = 0
        for code_hash in code_hashes:
            done += self._conn.execute(
                "UPDATE invite_codes SET revoked_at = ? WHERE code_hash = ? "
                "AND revoked_at IS NULL",
                (day, code_hash),
            ).rowcount
        return done

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

    def lapsed_sessions(self, engagement_id: str, *, lapse: str, empty: str) -> int:
        """How many of the engagement's shared-code sessions have lapsed (see ``_LAPSED``)."""
        (n,) = self._conn.execute(
            _COUNT_LAPSED_SQL,
            {"e": engagement_id, "lapse": lapse, "empty": empty},
        ).fetchone()
        return int(n)

    def sweep_sessions(self, engagement_id: str, *, lapse: str, empty: str) -> int:
        """Delete the engagement's lapsed shared-code sessions; return how many.

        Those that had saved answers leave their continuation hash in ``closed_sessions``.
        """
        params = {"e": engagement_id, "lapse": lapse, "empty": empty}
        self._conn.execute(_CLOSE_LAPSED_SQL, params)
        return int(self._conn.execute(_DELETE_LAPSED_SQL, params).rowcount)

    def open_sessions(self, code_hashes: list[str]) -> tuple[int, int]:
        """``(sessions, with saved answers)``: the drafts these codes hold, lapsed or not."""
        total = saved = 0
        for code_hash in code_hashes:
            n, with_data = self._conn.execute(
                "SELECT count(*), coalesce(sum(data != ''), 0) FROM drafts WHERE code_hash = ?",
                (code_hash,),
            ).fetchone()
            total, saved = total + int(n), saved + int(with_data)
        return total, saved

    def clear_sessions(self, code_hashes: list[str]) -> int:
        """Delete every draft of these codes; return how many.

        Shared-code sessions with saved answers leave their continuation hash in
        ``closed_sessions``.
        """
        removed = 0
        for code_hash in code_hashes:
            self._conn.execute(
                "INSERT OR IGNORE INTO closed_sessions (session_hash, code_hash) "
                "SELECT session_hash, code_hash FROM drafts WHERE code_hash = ? "
                "AND session_hash != '' AND data != ''",
                (code_hash,),
            )
            removed += self._conn.execute(
                "DELETE FROM drafts WHERE code_hash = ?", (code_hash,)
            ).rowcount
        return removed

    def closed_session(self, engagement_id: str, session_hash: str) -> str | None:
        """The code hash of a deleted shared-code session (by continuation hash), or None."""
        row = self._conn.execute(
            "SELECT c.code_hash FROM closed_sessions c JOIN invite_codes i "
            "ON i.code_hash = c.code_hash WHERE c.session_hash = ? AND i.engagement_id = ?",
            (session_hash, engagement_id),
        ).fetchone()
        return None if row is None else str(row[0])

    def count_sessions(self, code_hash: str, since: str) -> int:
        """The number of a shared code's sessions active at or after ``since``."""
        (n,) = self._conn.execute(
            "SELECT count(*) FROM drafts WHERE code_hash = ? AND session_hash != '' "
            "AND active_at >= ?",
            (code_hash, since),
        ).fetchone()
        return int(n)

    def touch_session(self, code_hash: str, session_hash: str, active_at: str) -> None:
        """Record a shared-code session's activity (a resume) at the hour ``active_at``."""
        self._conn.execute(
            "UPDATE drafts SET active_at = ? WHERE code_hash = ? AND session_hash = ?",
            (active_at, code_hash, session_hash),
        )

    def save_draft(
        self, code_hash: str, session_hash: str, data: str, updated_at: str, salt: bytes,
        active_at: str | None = None,
    ) -> None:
        """Insert or replace a session's draft (``data`` empty: a session that saved nothing).

        ``active_at`` is the hour of a shared-code session's activity (None for a personal
        code, whose draft keeps only the day).
        """
        self._conn.execute(
            "INSERT INTO drafts (code_hash, session_hash, data, updated_at, salt, active_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code_hash, session_hash) DO UPDATE SET "
            "data = excluded.data, updated_at = excluded.updated_at, salt = excluded.salt, "
            "active_at = excluded.active_at",
            (code_hash, session_hash, data, updated_at, salt, active_at),
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
