"""Form sessions: enter with a code, save each page as a draft, resume, submit exactly once.

- A **personal code** (usable once) is its own key: entering it again resumes the draft.
- A **shared code** (a team's, usable several times) starts a new session each time and hands
  the respondent a *personal continuation code*; entering that one resumes the session. The
  store keeps only its hash, so nobody else holding the team code can reach the draft.
- **Submitting** stores the answers under a random respondent id, counts the code's use,
  records a submission key and deletes the draft, all in one ``BEGIN IMMEDIATE``
  transaction. The submission key (a hash of the session) makes a second submission of the
  same session a no-op; it lives in a table without rowid and without a timestamp, so it
  cannot be matched to the respondent row it produced.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeGuard

import numpy as np
import pandas as pd

from ._invites import (
    InviteCode,
    InviteError,
    _check_open,
    code_by_hash,
    format_code,
    hash_code,
    lookup_invite,
    new_code,
    normalise_code,
    use_invite,
)
from ._model import MaturityModel
from ._responses import ResponseSet
from ._store import Store
from ._text import CONTROL, MAX_COMMENT

__all__ = ["FormAnswers", "FormSession", "clean_comment", "save_draft", "start_session", "submit"]

Answer = int | Literal["na"]
_RESUME = "resume"


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def clean_comment(text: str) -> str:
    """Return a comment without control characters or outer blanks, capped in length."""
    return CONTROL.sub("", text).strip()[:MAX_COMMENT]


@dataclass
class FormAnswers:
    """What a respondent has answered so far (the draft), and where they are in the form."""

    answers: dict[str, Answer] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    recommend: int | None = None
    page: int = 0

    def to_json(self) -> str:
        """Serialise for the drafts table (comments cleaned as they will be stored)."""
        comments = {d: clean_comment(t) for d, t in self.comments.items() if clean_comment(t)}
        return json.dumps(
            {"answers": self.answers, "comments": comments, "recommend": self.recommend,
             "page": self.page},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str, model: MaturityModel) -> FormAnswers:
        """Read a draft back, keeping only what is still valid for ``model``."""
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
            if value == "na" and model.allows_na(qid):
                out.answers[qid] = "na"
            elif _whole(value) and value in model.scale_of(qid).points:
                out.answers[qid] = value
        dims = {d.id for d in model.dimensions}
        for dim, text_ in dict(raw.get("comments") or {}).items():
            if dim in dims and isinstance(text_, str) and clean_comment(text_):
                out.comments[dim] = clean_comment(text_)
        rec = raw.get("recommend")
        if _whole(rec) and rec in model.recommend_scale.points:
            out.recommend = rec
        page = raw.get("page")
        out.page = page if _whole(page) and page >= 0 else 0
        return out

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
             "recommend": [np.nan if self.recommend is None else float(self.recommend)]},
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

    @property
    def submission_key(self) -> str:
        """The key that makes a second submission of this session a no-op."""
        return _submission_key(self.session_hash or self.code_hash)


def _submission_key(session: str) -> str:
    return hashlib.sha256(f"submission:{session}".encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _submitted(store: Store, key: str) -> bool:
    row = store.connection.execute(
        "SELECT 1 FROM submissions WHERE submission_key = ?", (key,)
    ).fetchone()
    return row is not None


def _session(code: InviteCode, session_hash: str, **extra: Any) -> FormSession:
    return FormSession(
        code.engagement_id, code.code_hash, session_hash, code.role, code.team, code.department,
        **extra,
    )


def start_session(store: Store, engagement_id: str, code: str) -> FormSession:
    """Open the questionnaire for a typed invite or continuation code.

    Raises :class:`InviteError` (``reason`` ``unknown``, ``expired``, ``used_up`` or
    ``submitted``) when the code gives no access.
    """
    model = store.model(engagement_id)
    invite = lookup_invite(store, engagement_id, code, check=False)
    if invite is not None:
        if invite.personal:
            if _submitted(store, _submission_key(invite.code_hash)):
                raise InviteError("submitted", "the answers for this code were submitted")
            _check_open(invite, date.today())
            row = store.connection.execute(
                "SELECT data FROM drafts WHERE code_hash = ? AND session_hash = ''",
                (invite.code_hash,),
            ).fetchone()
            draft = None if row is None else FormAnswers.from_json(str(row[0]), model)
            return _session(invite, "", draft=draft)
        _check_open(invite, date.today())
        continuation = new_code()
        session_hash = hash_code(continuation, purpose=_RESUME)
        with store.transaction() as conn:  # so the continuation code works at once
            conn.execute(
                "INSERT INTO drafts (code_hash, session_hash, data, updated_at) "
                "VALUES (?, ?, ?, ?)",
                (invite.code_hash, session_hash, FormAnswers().to_json(), _now()),
            )
        return _session(invite, session_hash, continuation_code=format_code(continuation))
    canonical = normalise_code(code)
    if not canonical:
        raise InviteError("unknown", "not an invite code")
    session_hash = hash_code(canonical, purpose=_RESUME)
    if _submitted(store, _submission_key(session_hash)):
        raise InviteError("submitted", "the answers for this code were submitted")
    row = store.connection.execute(
        "SELECT d.code_hash, d.data FROM drafts d JOIN invite_codes i "
        "ON i.code_hash = d.code_hash WHERE d.session_hash = ? AND i.engagement_id = ?",
        (session_hash, engagement_id),
    ).fetchone()
    if row is None:
        raise InviteError("unknown", "no invite or continuation code matches")
    shared = code_by_hash(store.connection, engagement_id, str(row[0]))
    if shared.expires is not None and date.today() > shared.expires:
        raise InviteError("expired", f"the code expired on {shared.expires.isoformat()}")
    return _session(shared, session_hash, draft=FormAnswers.from_json(str(row[1]), model))


def save_draft(store: Store, session: FormSession, answers: FormAnswers) -> None:
    """Save the answers so far; the respondent can close the window and resume later."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO drafts (code_hash, session_hash, data, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (code_hash, session_hash) DO UPDATE SET data = excluded.data, "
            "updated_at = excluded.updated_at",
            (session.code_hash, session.session_hash, answers.to_json(), _now()),
        )


def submit(store: Store, session: FormSession, answers: FormAnswers) -> bool:
    """Store the answers as one anonymous respondent; return False if already submitted.

    In one transaction: check the submission key, count the code's use (raising
    :class:`InviteError` if it expired or is used up meanwhile), store the respondent under
    a random id with ``source="form"``, and delete the draft.
    """
    model = store.model(session.engagement_id)
    data = answers.to_response_set(
        model, secrets.token_hex(16), session.role, session.team, session.department
    )
    with store.transaction() as conn:
        conn.execute("PRAGMA secure_delete = ON")  # the deleted draft is overwritten on disk
        if conn.execute(
            "SELECT 1 FROM submissions WHERE submission_key = ?", (session.submission_key,)
        ).fetchone():
            return False
        use_invite(conn, session.engagement_id, session.code_hash)
        conn.execute(
            "INSERT INTO submissions (submission_key, engagement_id) VALUES (?, ?)",
            (session.submission_key, session.engagement_id),
        )
        store.add_responses(session.engagement_id, data, source="form", conn=conn)
        conn.execute(
            "DELETE FROM drafts WHERE code_hash = ? AND session_hash = ?",
            (session.code_hash, session.session_hash),
        )
    return True
