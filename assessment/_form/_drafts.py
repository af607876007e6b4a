"""Form sessions: enter with a code, save each page as a draft, resume, submit exactly once.

- A **personal code** (usable once) is its own key: entering it again resumes the draft.
- A **shared code** (a team's, usable several times) starts a new session each time and hands
  the respondent a *personal continuation code*; entering that one resumes the session. The
  store keeps only its hash, so nobody else holding the team code can reach the draft.
- **Drafts are encrypted** (AES-GCM, from the ``cryptography`` package) with a key derived by
  scrypt from the clear code that reaches them (the personal code, or the continuation code)
  and a random salt kept with the draft. Clear codes are never stored, so the database alone
  does not show anyone's unfinished answers; whoever holds the list of personal codes still
  can, so the consultant hands that list out and then deletes it. Drafts record the day of
  their last save; a shared-code session also records the hour (UTC) of its last activity,
  see below.
- **Shared codes are bounded, not held hostage**: a shared code holds at most
  :data:`SESSIONS_PER_USE` sessions per remaining use that were active in the last
  :data:`RECENT_HOURS` hours; beyond that a new session is refused (``reason="busy"``) until
  one submits or goes quiet. Older unfinished sessions still resume with their continuation
  code until they lapse: after :data:`LAPSE_DAYS` days without a start, resume or saved page
  (:data:`EMPTY_SESSION_DAYS` day(s) for one that never saved a page) a session is deleted
  with its saved pages, whenever anyone next enters a code of the engagement; its holder
  then learns so (``reason="lapsed"``) and enters the team code again. A code that is
  revoked, used up or expired is refused at once: when a session starts, when it resumes,
  and on every page saved, not only at Submit.
- **The activity hour is not a trace**: it lives only on a shared-code session's draft, which
  the submission deletes (overwritten on disk, the log checkpointed), and the respondent row
  keeps only the day. It says that someone holding the team's code was active in that hour,
  not who, and a copy of the database taken before a submission and one after link the
  deleted draft to the new respondent of that day whether the draft holds an hour or not.
- **Submitting** stores the answers under a random respondent id, counts the code's use,
  records a submission key and deletes the draft, all in one ``BEGIN IMMEDIATE``
  transaction. The submission key (a hash of the session) makes a second submission of the
  same session a no-op; it lives in a table without rowid and without a timestamp, so it
  cannot be matched to the respondent row it produced. The respondent row records only the
  day, and the write-ahead log is then checkpointed (best effort), so a file copy of the
  workspace does not keep the deleted draft beside the new respondent in one log.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeGuard

import numpy as np
import pandas as pd
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .._model._schema import MaturityModel
from .._responses import DURATION, ResponseSet
from .._store._store import Store
from .._text import MAX_COMMENT, clean_text
from ._invites import (
    EMPTY_SESSION_DAYS,
    LAPSE_DAYS,
    RECENT_HOURS,
    SESSIONS_PER_USE,
    InviteCode,
    InviteError,
    SessionBounds,
    _check_open,
    activity_hour,
    code_by_hash,
    format_code,
    hash_code,
    lookup_invite,
    new_code,
    normalise_code,
    sweep_sessions,
    use_invite,
)

__all__ = [
    "EMPTY_SESSION_DAYS", "LAPSE_DAYS", "RECENT_HOURS", "SESSIONS_PER_USE", "FormAnswers",
    "FormSession", "clean_comment", "save_draft", "start_session", "submit",
]

Answer = int | Literal["na"]
_RESUME = "resume"
#: Durations are stored rounded to this many seconds.
DURATION_STEP = 10
_SALT_BYTES, _NONCE_BYTES = 16, 12
log = logging.getLogger("assessment.form")


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def clean_comment(text: str) -> str:
    """Return a comment without control characters or outer blanks, capped in length."""
    return clean_text(text)[:MAX_COMMENT]


@dataclass
class FormAnswers:
    """What a respondent has answered so far (the draft), and where they are in the form."""

    answers: dict[str, Answer] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    recommend: int | None = None
    page: int = 0
    #: Seconds spent in the form so far (page times, each capped by the form); None if unknown.
    seconds: float | None = None

    def to_json(self) -> str:
        """Serialise for the drafts table (comments cleaned as they will be stored)."""
        comments = {d: clean_comment(t) for d, t in self.comments.items() if clean_comment(t)}
        return json.dumps(
            {"answers": self.answers, "comments": comments, "recommend": self.recommend,
             "page": self.page, "seconds": self.seconds},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(
        cls, text: str, model: MaturityModel, role: str | None = None
    ) -> FormAnswers:
        """Read a draft back, keeping only what is still valid for ``model`` (and ``role``:
        "not applicable" only where that role may give it)."""
        try:
            raw = json.loads(text)
        except ValueError:
            return cls()
        if not isinstance(raw, dict):
            return cls()
        out = cls()
        for qid, value in dict(raw.get("answers") or {}).items():
            if qid not in model.question_ids:
                continue
            if value == "na" and model.allows_na(qid, role):
                out.answers[qid] = "na"
            elif _whole(value) and value in model.scale_of(qid).points:
                out.answers[qid] = value
        dims = {d.id for d in model.dimensions}
        for dim, text_ in dict(raw.get("comments") or {}).items():
            if dim in dims and isinstance(text_, str) and clean_comment(text_):
                out.comments[dim] = clean_comment(text_)
        rec = raw.get("recommend")
        if model.has_recommend and _whole(rec) and rec in model.recommend_scale.points:
            out.recommend = rec
        page = raw.get("page")
        out.page = page if _whole(page) and page >= 0 else 0
        seconds = raw.get("seconds")
        if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds >= 0:
            out.seconds = float(seconds)
        return out

    @property
    def duration(self) -> float:
        """The time spent, rounded to :data:`DURATION_STEP` seconds (NaN when unknown)."""
        if self.seconds is None:
            return float("nan")
        return float(DURATION_STEP * round(self.seconds / DURATION_STEP))

    def to_response_set(
        self, model: MaturityModel, respondent_id: str, role: str, team: str,
        department: str | None,
    ) -> ResponseSet:
        """Return the answers as a one-respondent :class:`ResponseSet`."""
        questions = model.question_ids
        index = pd.Index([respondent_id], name="respondent_id")
        values = np.full((1, len(questions)), np.nan)
        na = np.zeros((1, len(questions)), dtype=bool)
        for j, qid in enumerate(questions):
            value = self.answers.get(qid)
            if value == "na":
                na[0, j] = True
            elif isinstance(value, int):
                values[0, j] = value
        respondents = pd.DataFrame(
            {"role": [role], "team": [team], "department": np.array([department], dtype=object),
             "recommend": [np.nan if self.recommend is None else float(self.recommend)],
             DURATION: [self.duration]},
            index=index,
        )
        comments = pd.DataFrame(
            [(respondent_id, dim, clean_comment(t)) for dim, t in self.comments.items()
             if clean_comment(t)],
            columns=["respondent_id", "dimension_id", "text"],
            dtype=object,
        )
        return ResponseSet(
            respondents,
            pd.DataFrame(values, index=index, columns=questions),
            pd.DataFrame(na, index=index, columns=questions),
            comments,
        )


@dataclass(frozen=True)
class FormSession:
    """An open questionnaire: what the code grants, and the draft found for it."""

    engagement_id: str
    code_hash: str
    #: ``""`` for a personal code; the hash of the continuation code for a shared one.
    session_hash: str
    role: str
    team: str
    department: str | None
    #: The continuation code to show, when a shared code has just opened a new session.
    continuation_code: str | None = None
    #: The saved draft, when the session is resumed.
    draft: FormAnswers | None = None
    #: The draft's encryption key, derived from the clear code; held in memory only.
    key: bytes = field(default=b"", repr=False)
    #: The salt the key was derived with, stored beside the draft.
    salt: bytes = field(default=b"", repr=False)

    @property
    def submission_key(self) -> str:
        """The key that makes a second submission of this session a no-op."""
        return _submission_key(self.session_hash or self.code_hash)


def _submission_key(session: str) -> str:
    return hashlib.sha256(f"submission:{session}".encode()).hexdigest()


def _now() -> datetime:
    """The time (UTC) the session rules go by; tests replace this clock."""
    return datetime.now(UTC)


def _today() -> str:
    """The day (UTC) recorded with drafts and submissions: never the time of day."""
    return _now().date().isoformat()


def _lapsed(code: InviteCode) -> InviteError:
    """The refusal for a shared-code session that is gone; the code's own state comes first
    (a revoked code says so, not "lapsed")."""
    _check_open(code, date.today())
    return InviteError(
        "lapsed", f"the unfinished session was deleted (after {LAPSE_DAYS} days without "
        "activity, or by the consultant)"
    )


def _derive_key(code: str, salt: bytes) -> bytes:
    """Derive a draft's 256-bit key from a clear canonical code (scrypt, 16 MiB, ~50 ms)."""
    return Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(f"draft:{code}".encode())


def _bound(code_hash: str, session_hash: str) -> bytes:
    """Authenticated data: a draft decrypts only in the row it was written to."""
    return f"{code_hash}/{session_hash}".encode()


def _seal(session: FormSession, answers: FormAnswers) -> str:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(session.key).encrypt(
        nonce, answers.to_json().encode(), _bound(session.code_hash, session.session_hash)
    )
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def _unseal(session: FormSession, token: str, model: MaturityModel) -> FormAnswers:
    """Decrypt a draft :func:`_seal` stored; an empty or unreadable one gives empty answers."""
    if not token:
        return FormAnswers()
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
        plain = AESGCM(session.key).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:],
            _bound(session.code_hash, session.session_hash),
        )
    except (ValueError, InvalidTag):
        log.warning("questionnaire: a draft could not be decrypted; starting it afresh")
        return FormAnswers()
    return FormAnswers.from_json(plain.decode("utf-8", "replace"), model, session.role)


def _salt(value: object) -> bytes:
    return bytes(value) if isinstance(value, bytes) and value else secrets.token_bytes(_SALT_BYTES)


def _session(code: InviteCode, session_hash: str, **extra: Any) -> FormSession:
    return FormSession(
        code.engagement_id, code.code_hash, session_hash, code.role, code.team, code.department,
        **extra,
    )


def _resumed(
    code: InviteCode, session_hash: str, canonical: str, draft: Sequence[Any] | None,
    model: MaturityModel,
) -> FormSession:
    """Open a session with the key of the clear ``canonical`` code that reaches it.

    ``draft`` is the stored ``(data, salt)``, or None when nothing is stored yet.
    """
    data, stored_salt = (None, None) if draft is None else draft
    salt = _salt(stored_salt)
    session = _session(code, session_hash, key=_derive_key(canonical, salt), salt=salt)
    return session if data is None else replace(session, draft=_unseal(session, str(data), model))


def start_session(store: Store, engagement_id: str, code: str) -> FormSession:
    """Open the questionnaire for a typed invite or continuation code.

    Raises :class:`InviteError` (``reason`` ``unknown``, ``expired``, ``used_up``,
    ``submitted``, ``busy``, ``revoked`` or ``lapsed``) when the code gives no access.
    Lapsed shared-code sessions of the engagement are deleted first.
    """
    model = store.model(engagement_id)
    now = _now()
    sweep_sessions(store, engagement_id, now)
    canonical = normalise_code(code)
    invite = lookup_invite(store, engagement_id, code, check=False)
    if invite is not None and not invite.personal:
        _check_open(invite, date.today())
        return _new_shared_session(store, invite)
    if invite is not None:
        if store.submitted(_submission_key(invite.code_hash)):
            raise InviteError("submitted", "the answers for this code were submitted")
        _check_open(invite, date.today())
        return _resumed(invite, "", canonical, store.draft(invite.code_hash, ""), model)
    if not canonical:
        raise InviteError("unknown", "not an invite code")
    session_hash = hash_code(canonical, purpose=_RESUME)
    if store.submitted(_submission_key(session_hash)):
        raise InviteError("submitted", "the answers for this code were submitted")
    row = store.session_draft(engagement_id, session_hash)
    if row is None:
        closed = store.closed_session(engagement_id, session_hash)
        if closed is None:
            raise InviteError("unknown", "no invite or continuation code matches")
        raise _lapsed(code_by_hash(store, engagement_id, closed))
    shared = code_by_hash(store, engagement_id, row[0])
    _check_open(shared, date.today())  # used up meanwhile: say so now, not at Submit
    with store.transaction():  # a resume is activity: the session counts as recent again
        store.touch_session(shared.code_hash, session_hash, activity_hour(now))
    return _resumed(shared, session_hash, canonical, row[1:], model)


def _new_shared_session(store: Store, invite: InviteCode) -> FormSession:
    """Open a session on a shared code, within the code's bound on recently active sessions."""
    continuation = new_code()
    session_hash = hash_code(continuation, purpose=_RESUME)
    salt = _salt(None)
    key = _derive_key(continuation, salt)
    now = _now()
    with store.transaction():  # so the continuation code works at once
        current = code_by_hash(store, invite.engagement_id, invite.code_hash)
        _check_open(current, date.today())
        sessions = store.count_sessions(invite.code_hash, SessionBounds.at(now).recent)
        if sessions >= SESSIONS_PER_USE * (current.max_uses - current.uses):
            raise InviteError(
                "busy", f"the code already has {sessions} sessions active in the last "
                f"{RECENT_HOURS} hours, its limit"
            )
        store.save_draft(invite.code_hash, session_hash, "", _today(), salt,
                         activity_hour(now))
    return _session(invite, session_hash, continuation_code=format_code(continuation),
                    key=key, salt=salt)


def _check_submittable(store: Store, session: FormSession) -> None:
    """Raise :class:`InviteError` if this session can no longer be submitted: a shared-code
    session must still have its draft (it lapsed, or the consultant cleared it)."""
    if store.submitted(session.submission_key):
        raise InviteError("submitted", "the answers for this code were submitted")
    code = code_by_hash(store, session.engagement_id, session.code_hash)
    _check_open(code, date.today())
    if session.session_hash and store.draft(session.code_hash, session.session_hash) is None:
        raise _lapsed(code)


def save_draft(store: Store, session: FormSession, answers: FormAnswers) -> None:
    """Save the answers so far, encrypted; the respondent can close the window and resume.

    Raises :class:`InviteError` when the session can no longer be submitted (submitted in
    another window, revoked, expired, a shared code used up by others, or the session
    lapsed or was cleared), so the respondent learns it on this page rather than after the
    last one.
    """
    if not session.key:
        raise ValueError("the session has no draft key; open it with start_session()")
    token = _seal(session, answers)
    active = activity_hour(_now()) if session.session_hash else None
    store.overwrite_deleted()
    with store.transaction():
        _check_submittable(store, session)
        store.save_draft(session.code_hash, session.session_hash, token, _today(), session.salt,
                         active)


def submit(store: Store, session: FormSession, answers: FormAnswers) -> bool:
    """Store the answers as one anonymous respondent; return False if already submitted.

    In one transaction: check the submission key, count the code's use (raising
    :class:`InviteError` if it was revoked, expired or is used up meanwhile, or if a
    shared-code session lapsed or was cleared), store the respondent under
    a random id with ``source="form"`` (with the day, not the time, and the rounded
    duration), and delete the draft. Then checkpoint the write-ahead log.
    """
    model = store.model(session.engagement_id)
    data = answers.to_response_set(
        model, secrets.token_hex(16), session.role, session.team, session.department
    )
    store.overwrite_deleted()
    with store.transaction():
        if store.submitted(session.submission_key):
            return False
        if session.session_hash and store.draft(session.code_hash, session.session_hash) is None:
            raise _lapsed(code_by_hash(store, session.engagement_id, session.code_hash))
        use_invite(store, session.engagement_id, session.code_hash)
        store.add_submission(session.submission_key, session.engagement_id)
        store.add_responses(session.engagement_id, data, source="form", submitted_at=_today())
        store.delete_draft(session.code_hash, session.session_hash)
    if not store.checkpoint():
        log.info("questionnaire: the write-ahead log is busy; it is checkpointed later")
    return True
