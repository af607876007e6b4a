"""Invite codes: how respondents get into the questionnaire without saying who they are.

A consultant generates codes for an engagement, per team and role: one code a team shares
(usable ``uses`` times) or one code per person (``uses=1``, ``count`` of them). The code
decides the respondent's role, team and department, so nobody has to pick them.

Codes are 12 characters of Crockford base32 (60 random bits), shown as ``XXXX-XXXX-XXXX``;
reading is forgiving (case, spaces, dashes, ``O``/``I``/``L`` for ``0``/``1``). The store
keeps only their sha256 hash, so the clear codes exist only in the CSV written when they are
generated. A code's use is counted when answers are submitted with it (see ``_drafts.py``),
in the same transaction, so a code never admits more submissions than it allows.

**Shared codes cannot be held hostage.** A shared code opens a new session each time it is
entered; it holds at most :data:`SESSIONS_PER_USE` sessions per remaining use that were
active (started, resumed or saved a page) in the last :data:`RECENT_HOURS` hours. Older
unfinished sessions no longer count, but can still be resumed until they lapse: after
:data:`LAPSE_DAYS` days without activity (after :data:`EMPTY_SESSION_DAYS` day(s) for one
that never saved a page) a session is deleted with its saved pages. The consultant can also
revoke codes (:func:`revoke_invites`: new starts, resumes and submissions are refused,
submitted answers stay) or delete their unfinished sessions (:func:`clear_sessions`), naming
the codes by their clear text (the store finds them by hash) or by team and role
(:func:`select_invites`).
"""

from __future__ import annotations

import csv
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal

import pandas as pd

from .._atomic import atomic_path
from .._exceptions import AssessmentError, NotFoundError, ParameterError
from .._store._invites import InviteRow
from .._store._store import Store
from .._text import MAX_NAME, clean_text, neutralise

__all__ = [
    "Invite",
    "InviteCode",
    "InviteError",
    "SessionBounds",
    "clear_sessions",
    "codes_path",
    "format_code",
    "generate_invites",
    "hash_code",
    "list_invites",
    "lookup_invite",
    "normalise_code",
    "open_sessions",
    "revoke_invites",
    "select_invites",
    "sweep_sessions",
    "write_invites",
]

#: Crockford's base32 alphabet: no I, L, O or U, so codes survive being read aloud.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
MAX_CODES = 10_000
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
#: Open sessions a shared code may hold per remaining use; only recently active ones count.
SESSIONS_PER_USE = 2
#: A shared-code session counts against its code's limit for this many hours after its last
#: activity (a start, a resume or a saved page; counted by the hour).
RECENT_HOURS = 24
#: An unfinished shared-code session lapses after this many days without activity: it is
#: deleted with its saved pages, and its continuation code no longer works.
LAPSE_DAYS = 14
#: A shared-code session that never saved a page lapses once this many days have passed
#: since the day it was opened (so after one to two days).
EMPTY_SESSION_DAYS = 1

InviteProblem = Literal[
    "unknown", "expired", "used_up", "submitted", "busy", "revoked", "lapsed"
]


class InviteError(AssessmentError):
    """An invite code gives no access: unknown, expired, used up, already submitted, revoked
    by the consultant, (a shared code) too many sessions in progress (``busy``), or (a
    continuation code) its unfinished session was deleted, after inactivity or by the
    consultant (``lapsed``).

    ``reason`` says which, so the form can answer in the respondent's language.
    """

    def __init__(self, reason: InviteProblem, message: str) -> None:
        self.reason: InviteProblem = reason
        super().__init__(message)


@dataclass(frozen=True)
class Invite:
    """A newly generated code, in clear: hand it out, it is not stored anywhere."""

    code: str
    engagement_id: str
    role: str
    team: str
    department: str | None
    max_uses: int
    expires: date | None


@dataclass(frozen=True)
class InviteCode:
    """A stored code (known only by its hash) and what it grants."""

    code_hash: str
    engagement_id: str
    role: str
    team: str
    department: str | None
    max_uses: int
    uses: int
    expires: date | None
    #: The day the consultant revoked the code, or None.
    revoked: date | None = None

    @property
    def personal(self) -> bool:
        """True for a one-person code: entering it again resumes that person's answers."""
        return self.max_uses == 1


def normalise_code(text: str) -> str:
    """Return the canonical form of a typed code, or ``""`` if it cannot be one."""
    raw = "".join(ch for ch in text.upper() if ch not in " -_\t\r\n").translate(_READ_AS)
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return ""
    return raw


def format_code(code: str) -> str:
    """Return a canonical code grouped for reading: ``XXXX-XXXX-XXXX``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_code() -> str:
    """Return a fresh random code in canonical form."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def hash_code(code: str, *, purpose: str = "invite") -> str:
    """Return the sha256 hex digest under which a canonical code is stored."""
    return hashlib.sha256(f"{purpose}:{code}".encode()).hexdigest()


def _name(value: str | None, what: str, *, required: bool) -> str | None:
    clean = clean_text(value or "")
    if not clean:
        if required:
            raise ParameterError(f"{what}: must not be empty")
        return None
    if len(clean) > MAX_NAME:
        raise ParameterError(f"{what}: longer than {MAX_NAME} characters")
    return clean


def generate_invites(
    store: Store,
    engagement_id: str,
    *,
    role: str,
    team: str,
    department: str | None = None,
    uses: int = 1,
    count: int = 1,
    expires: date | None = None,
) -> list[Invite]:
    """Create ``count`` codes for one team and role, each usable ``uses`` times.

    Parameters
    ----------
    store:
        The workspace store.
    engagement_id:
        The engagement the codes open.
    role:
        A role of the engagement's model; respondents answer the questions phrased for it.
    team, department:
        Where the respondents work. When the engagement has a team list, ``team`` must be on
        it and ``department`` defaults to the list's.
    uses:
        How many submissions each code admits: the team size for a shared code, 1 for
        personal codes (one per person).
    count:
        How many codes to make.
    expires:
        The last day (server's local date) on which the codes work; ``None`` for no limit.

    The returned codes are the only copy in clear: write them out with :func:`write_invites`.
    """
    model = store.model(engagement_id)
    if role not in model.roles:
        raise ParameterError(f"role {role!r}: use one of {', '.join(model.roles)}")
    team_name = _name(team, "team", required=True)
    assert team_name is not None
    dept = _name(department, "department", required=False)
    known = store.teams(engagement_id)
    if not known.empty:
        match = known[known["team"] == team_name]
        if match.empty:
            raise ParameterError(
                f"team {team_name!r}: not in the team list of engagement {engagement_id!r} "
                f"({', '.join(known['team'].astype(str))})"
            )
        listed = match["department"].iloc[0]
        if dept is None and isinstance(listed, str) and listed:
            dept = listed
    if isinstance(uses, bool) or not isinstance(uses, int) or uses < 1:
        raise ParameterError(f"uses: a whole number of at least 1, got {uses!r}")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_CODES:
        raise ParameterError(f"count: a whole number from 1 to {MAX_CODES}, got {count!r}")
    if expires is not None and expires < date.today():
        raise ParameterError(f"expires: {expires.isoformat()} is in the past")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    made: list[Invite] = []
    with store.transaction():
        while len(made) < count:
            code = new_code()
            if not store.add_invite(
                hash_code(code), engagement_id, role, team_name, dept, uses,
                expires.isoformat() if expires else None, now,
            ):
                continue  # a 1 in 2**60 clash: draw again
            made.append(
                Invite(format_code(code), engagement_id, role, team_name, dept, uses, expires)
            )
    return made


def codes_path(path: str | Path) -> Path:
    """Return ``path`` as the codes file; refuse one that is not ``.csv``."""
    dest = Path(path)
    if dest.suffix.lower() != ".csv":
        raise ParameterError(f"{dest}: write the codes to a .csv file")
    return dest


def write_invites(invites: list[Invite], path: str | Path) -> Path:
    """Write codes to a CSV file for distribution (UTF-8 with BOM, formulas neutralised)."""
    dest = codes_path(path)
    # The codes open the questionnaire: the file is private from its first byte on.
    with (
        atomic_path(dest, mode=0o600) as tmp,
        open(tmp, "w", encoding="utf-8-sig", newline="") as fh,
    ):
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(["code", "engagement", "role", "team", "department", "uses",
                         "expires"])
        for inv in invites:
            writer.writerow([
                inv.code,
                neutralise(inv.engagement_id),
                inv.role,
                neutralise(inv.team),
                neutralise(inv.department or ""),
                inv.max_uses,
                inv.expires.isoformat() if inv.expires else "",
            ])
    return dest


@dataclass(frozen=True)
class SessionBounds:
    """The moments (as stored, UTC) that decide which shared-code sessions count and live."""

    #: Sessions active at or after this hour count against their code's limit.
    recent: str
    #: Sessions not active since this hour have lapsed.
    lapse: str
    #: Sessions that saved nothing and were opened before this day have lapsed.
    empty: str

    @classmethod
    def at(cls, now: datetime) -> SessionBounds:
        """The bounds at ``now`` (an aware UTC datetime)."""
        return cls(
            activity_hour(now - timedelta(hours=RECENT_HOURS)),
            activity_hour(now - timedelta(days=LAPSE_DAYS)),
            (now.date() - timedelta(days=EMPTY_SESSION_DAYS)).isoformat(),
        )


def activity_hour(now: datetime) -> str:
    """The hour (UTC, ISO 8601) a shared-code session's activity is stored as."""
    return now.astimezone(UTC).replace(minute=0, second=0, microsecond=0).isoformat()


def _utcnow() -> datetime:
    return datetime.now(UTC)


def list_invites(
    store: Store, engagement_id: str, *, now: datetime | None = None
) -> pd.DataFrame:
    """Return the engagement's codes grouped by team, role and expiry, with their use.

    Columns: ``team``, ``department``, ``role``, ``expires``, ``codes``, ``max_uses`` (summed),
    ``uses`` (submissions so far), ``revoked`` (codes revoked), ``open_sessions`` (unfinished
    sessions that have not lapsed, personal codes' included), ``active_sessions`` (of those,
    shared-code sessions active in the last :data:`RECENT_HOURS` hours: they count against
    the code's limit) and ``busy`` (shared codes refusing new starts because of them). Clear
    codes are not stored, so they cannot be listed.
    """
    store.engagement(engagement_id)
    bounds = SessionBounds.at(now or _utcnow())
    return store.invite_summary(
        engagement_id, recent=bounds.recent, lapse=bounds.lapse, empty=bounds.empty,
        per_use=SESSIONS_PER_USE,
    )


def sweep_sessions(store: Store, engagement_id: str, now: datetime) -> int:
    """Delete the engagement's lapsed shared-code sessions; return how many.

    Reads first, so the write lock is taken only when something has lapsed.
    """
    bounds = SessionBounds.at(now)
    if not store.lapsed_sessions(engagement_id, lapse=bounds.lapse, empty=bounds.empty):
        return 0
    store.overwrite_deleted()
    with store.transaction():
        return store.sweep_sessions(engagement_id, lapse=bounds.lapse, empty=bounds.empty)


def select_invites(
    store: Store,
    engagement_id: str,
    *,
    codes: Sequence[str] = (),
    team: str | None = None,
    role: str | None = None,
    every: bool = False,
) -> list[str]:
    """Return the hashes of the codes a consultant names, for revoking or clearing.

    Name them one way: by their clear ``codes`` (from the CSV they were written to; the
    store finds each by its hash), by ``team`` and/or ``role`` (every code of that group),
    or ``every`` code of the engagement. Raises :class:`ParameterError` for no or mixed
    ways and :class:`NotFoundError` when a named code or group has no code.
    """
    store.engagement(engagement_id)
    ways = sum((bool(codes), team is not None or role is not None, every))
    if ways != 1:
        raise ParameterError(
            "name the codes one way: by code, by team and/or role, or every code"
        )
    if codes:
        found: list[str] = []
        for typed in codes:
            canonical = normalise_code(typed)
            if not canonical:
                raise ParameterError(
                    f"code {typed[:40]!r}: not an invite code (12 letters and digits)"
                )
            if store.invite(engagement_id, hash_code(canonical)) is None:
                raise NotFoundError(
                    f"code {format_code(canonical)}: not a code of engagement {engagement_id!r}"
                )
            found.append(hash_code(canonical))
        return list(dict.fromkeys(found))
    hashes = store.invite_hashes(engagement_id, team=team, role=role)
    if not hashes:
        group = ", ".join(f"{what} {value!r}" for what, value in (("team", team), ("role", role))
                          if value is not None)
        where = f" of {group}" if group else ""
        raise NotFoundError(f"engagement {engagement_id!r} has no codes{where}")
    return hashes


def open_sessions(store: Store, code_hashes: list[str]) -> tuple[int, int]:
    """``(sessions, with saved answers)``: the unfinished sessions these codes hold."""
    return store.open_sessions(code_hashes)


def clear_sessions(store: Store, code_hashes: list[str]) -> int:
    """Delete every unfinished session (draft) of these codes, in one transaction; return how
    many. Their holders start again with the code; submitted answers stay.

    The deleted drafts are overwritten on disk and the write-ahead log is checkpointed (best
    effort), as after a submission.
    """
    store.overwrite_deleted()
    with store.transaction():
        removed = store.clear_sessions(code_hashes)
    store.checkpoint()
    return removed


def revoke_invites(store: Store, code_hashes: list[str]) -> tuple[int, int]:
    """Revoke codes and delete their unfinished sessions, in one transaction.

    A revoked code refuses new starts, resumes and submissions (``reason="revoked"``);
    answers already submitted with it stay. Returns ``(codes newly revoked, sessions
    deleted)``.
    """
    store.overwrite_deleted()
    with store.transaction():
        revoked = store.revoke_invites(code_hashes, _utcnow().date().isoformat())
        removed = store.clear_sessions(code_hashes)
    store.checkpoint()
    return revoked, removed


def _check_open(code: InviteCode, today: date) -> None:
    if code.revoked is not None:
        raise InviteError("revoked", f"the code was revoked on {code.revoked.isoformat()}")
    if code.expires is not None and today > code.expires:
        raise InviteError("expired", f"the code expired on {code.expires.isoformat()}")
    if code.uses >= code.max_uses:
        raise InviteError("used_up", f"the code has been used {code.uses} time(s), its limit")


def _row_to_code(row: InviteRow) -> InviteCode:
    code_hash, engagement_id, role, team, dept, max_uses, uses, expires, revoked = row
    return InviteCode(
        str(code_hash), str(engagement_id), str(role), str(team),
        None if dept is None else str(dept), int(str(max_uses)), int(str(uses)),
        None if expires is None else date.fromisoformat(str(expires)),
        None if revoked is None else date.fromisoformat(str(revoked)),
    )


def lookup_invite(
    store: Store, engagement_id: str, code: str, *, check: bool = True
) -> InviteCode | None:
    """Return the stored code matching a typed ``code`` in this engagement, or ``None``.

    With ``check`` (the default), raise :class:`InviteError` when the code is revoked, has
    expired or is used up.
    """
    canonical = normalise_code(code)
    if not canonical:
        return None
    row = store.invite(engagement_id, hash_code(canonical))
    if row is None:
        return None
    found = _row_to_code(row)
    if check:
        _check_open(found, date.today())
    return found


def code_by_hash(store: Store, engagement_id: str, code_hash: str) -> InviteCode:
    """Return the stored code with this hash (raise ``unknown`` if it is gone)."""
    row = store.invite(engagement_id, code_hash)
    if row is None:
        raise InviteError("unknown", "the code is no longer valid")
    return _row_to_code(row)


def use_invite(store: Store, engagement_id: str, code_hash: str) -> None:
    """Count one use of a code inside the caller's transaction; raise if it may not be used."""
    _check_open(code_by_hash(store, engagement_id, code_hash), date.today())
    store.count_invite_use(code_hash)
