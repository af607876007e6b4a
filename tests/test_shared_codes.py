"""Shared codes cannot be held hostage: sessions that stop counting and lapse, `invite list`,
`invite revoke`, `invite clear`, and the throttle on wrong codes."""

from __future__ import annotations

import html
import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assessment import InviteError, NotFoundError, ParameterError, Questionnaire, Store
from assessment import generate_invites as _generate
from assessment._cli._main import cli
from assessment._form import _throttle
from assessment._form._drafts import FormAnswers, FormSession, save_draft, start_session, submit
from assessment._form._invites import (
    LAPSE_DAYS,
    RECENT_HOURS,
    list_invites,
    select_invites,
)
from assessment._form._throttle import CodeAttempts, FailureBudget, delay_after
from assessment._i18n._form import form_translator
from assessment._store._schema import MIGRATIONS
from tests.conftest import MINI_MODEL

CODE_UNKNOWN = ("This code is not valid. Check it and try again, or ask the person who "
                "invited you.")
CODE_REVOKED = ("This code has been withdrawn by the person who invited you. Answers already "
                "submitted with it are kept. If you have not answered yet, ask them for a new "
                "code.")


def text(lang: str, message: str) -> str:
    """A form message in ``lang``, as the form shows it (HTML-escaped)."""
    return html.escape(form_translator(lang).gettext(message))


def wait(lang: str, seconds: int) -> str:
    """The form's "too many codes, wait" paragraph in ``lang``."""
    return "<p>" + html.escape(form_translator(lang).ngettext(
        "Too many codes were tried. Please wait %(seconds)s second, then try again.",
        "Too many codes were tried. Please wait %(seconds)s seconds, then try again.",
        seconds, seconds=seconds,
    )) + "</p>"

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class Clock:
    """The time the session rules go by (``_drafts._now``), moved by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    at = Clock()
    monkeypatch.setattr("assessment._form._drafts._now", at)
    return at


def _team_code(store: Store, engagement: str, uses: int = 2, team: str = "Billing") -> str:
    return _generate(store, engagement, role="frontline", team=team, uses=uses)[0].code


def _full() -> FormAnswers:
    return FormAnswers(answers={"cul_1": 4, "aut_1": 5, "out_cx": 4}, recommend=8)


def _refusal(attempt: Callable[[], object]) -> str:
    with pytest.raises(InviteError) as err:
        attempt()
    return err.value.reason


def _hostage(store: Store, engagement: str, code: str) -> list[FormSession]:
    """The issue's case: four sessions on a 2-use code, each saving one page."""
    sessions = [start_session(store, engagement, code) for _ in range(4)]
    for s in sessions:
        save_draft(store, s, FormAnswers(answers={"cul_1": 3}, page=1))
    assert _refusal(lambda: start_session(store, engagement, code)) == "busy"
    return sessions


def _drafts(store: Store) -> int:
    return int(store.connection.execute("SELECT count(*) FROM drafts").fetchone()[0])


def _listing(store: Store, engagement: str, now: datetime) -> list[list[object]]:
    frame = list_invites(store, engagement, now=now)
    columns = ["team", "uses", "revoked", "open_sessions", "active_sessions", "busy"]
    return frame[columns].values.tolist()


def test_inactive_sessions_stop_blocking_after_a_day_and_lapse_after_two_weeks(
    store: Store, engagement: str, clock: Clock
) -> None:
    code = _team_code(store, engagement)
    sessions = _hostage(store, engagement, code)
    assert _listing(store, engagement, clock.now) == [["Billing", 0, 0, 4, 4, 1]]
    clock.advance(hours=RECENT_HOURS - 1)
    assert _refusal(lambda: start_session(store, engagement, code)) == "busy"
    clock.advance(hours=2)  # a day without activity: they no longer count...
    assert _listing(store, engagement, clock.now) == [["Billing", 0, 0, 4, 0, 0]]
    fresh = start_session(store, engagement, code)
    assert fresh.continuation_code and _drafts(store) == 5
    # ...but each can still be resumed, which makes it count again.
    back = start_session(store, engagement, sessions[0].continuation_code or "")
    assert back.draft == FormAnswers(answers={"cul_1": 3}, page=1)
    assert _listing(store, engagement, clock.now) == [["Billing", 0, 0, 5, 2, 0]]
    clock.advance(days=LAPSE_DAYS - 1)
    save_draft(store, back, FormAnswers(answers={"cul_1": 4}, page=2))  # activity again
    clock.advance(days=1, hours=1)  # the others: two weeks and more without activity
    assert _listing(store, engagement, clock.now) == [["Billing", 0, 0, 1, 0, 0]]
    assert _refusal(
        lambda: start_session(store, engagement, sessions[1].continuation_code or "")
    ) == "lapsed"
    assert _drafts(store) == 1  # deleted with their saved pages, the fresh empty one too
    assert _refusal(lambda: save_draft(store, sessions[2], FormAnswers(page=2))) == "lapsed"
    assert _refusal(lambda: submit(store, sessions[3], _full())) == "lapsed"
    assert _drafts(store) == 1  # a late save does not bring a lapsed session back
    resumed = start_session(store, engagement, sessions[0].continuation_code or "")
    assert resumed.draft is not None and resumed.draft.answers == {"cul_1": 4}
    assert submit(store, resumed, _full())
    assert store.count_respondents(engagement) == 1


def test_activity_is_kept_by_the_hour_on_shared_sessions_only_and_goes_at_submission(
    store: Store, engagement: str, clock: Clock
) -> None:
    clock.now = START.replace(minute=47, second=13)
    shared = start_session(store, engagement, _team_code(store, engagement, uses=5))
    personal = start_session(store, engagement, _team_code(store, engagement, uses=1))
    save_draft(store, shared, FormAnswers(page=1))
    save_draft(store, personal, FormAnswers(page=1))
    rows = store.connection.execute(
        "SELECT session_hash != '', updated_at, active_at FROM drafts ORDER BY 1"
    ).fetchall()
    assert rows == [(0, "2026-03-02", None), (1, "2026-03-02", "2026-03-02T09:00:00+00:00")]
    assert submit(store, shared, _full()) and submit(store, personal, _full())
    assert _drafts(store) == 0
    (submitted,) = {r[0] for r in store.connection.execute("SELECT submitted_at FROM respondents")}
    assert submitted == "2026-03-02"
    columns = [r[1] for r in store.connection.execute("PRAGMA table_info(closed_sessions)")]
    assert columns == ["session_hash", "code_hash"]  # no time, no answers


def _cli(store: Store, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(
        cli, ["--workspace", str(store.path.parent), "invite", *args], input=input
    )


def test_the_hostage_is_freed_by_invite_clear_and_holders_learn_why(
    store: Store, engagement: str
) -> None:
    code = _team_code(store, engagement)
    other = _team_code(store, engagement, uses=3, team="Care")
    sessions = _hostage(store, engagement, code)
    kept = start_session(store, engagement, other)
    save_draft(store, kept, FormAnswers(answers={"cul_1": 1}))
    listed = _cli(store, "list", "--engagement", engagement, "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = {r["team"]: r for r in json.loads(listed.output)}
    assert (rows["Billing"]["open_sessions"], rows["Billing"]["active_sessions"],
            rows["Billing"]["busy"]) == (4, 4, 1)
    assert (rows["Care"]["open_sessions"], rows["Care"]["busy"]) == (1, 0)
    table = _cli(store, "list", "--engagement", engagement)
    assert "open_sessions" in table.output.splitlines()[0]

    refused = _cli(store, "clear", "--engagement", engagement, "--team", "Billing",
                   "--role", "frontline", input="n\n")
    assert refused.exit_code == 1 and "delete 4 unfinished session(s) (4 with saved" in (
        refused.output)
    assert _drafts(store) == 5  # nothing deleted without a yes
    done = _cli(store, "clear", "--engagement", engagement, "--team", "Billing",
                "--role", "frontline", input="y\n")
    assert done.exit_code == 0, done.output
    assert "deleted 4 unfinished session(s) of 1 code(s)" in done.output
    assert _drafts(store) == 1  # Care's session is untouched
    assert start_session(store, engagement, code).continuation_code  # free again
    for s in sessions[:2]:
        assert _refusal(
            lambda s=s: start_session(store, engagement, s.continuation_code or "")
        ) == "lapsed"
    # A tab still open on a cleared session cannot bring it back by saving.
    assert _refusal(lambda: save_draft(store, sessions[3], FormAnswers(page=2))) == "lapsed"
    assert _drafts(store) == 2
    again = _cli(store, "clear", "--engagement", engagement, "--code", code.lower(), "--yes")
    assert again.exit_code == 0 and "deleted 1 unfinished session(s)" in again.output
    nothing = _cli(store, "clear", "--engagement", engagement, "--code", code, "--yes")
    assert "nothing deleted" in nothing.output


def test_invite_revoke_refuses_starts_resumes_and_submits_and_keeps_the_answers(
    store: Store, engagement: str
) -> None:
    code = _team_code(store, engagement, uses=3)
    assert submit(store, start_session(store, engagement, code), _full())
    waiting = start_session(store, engagement, code)
    save_draft(store, waiting, FormAnswers(answers={"cul_1": 2}, page=1))
    personal = _generate(store, engagement, role="manager", team="Ops", count=2)
    asked = _cli(store, "revoke", "--engagement", engagement, "--code", code, input="n\n")
    assert asked.exit_code == 1 and "revoke 1 code(s)" in asked.output
    assert start_session(store, engagement, code).continuation_code  # not revoked yet
    result = _cli(store, "revoke", "--engagement", engagement, "--code", code, "--yes")
    assert result.exit_code == 0, result.output
    assert "revoked 1 code(s)" in result.output and "deleted 2 unfinished" in result.output
    assert _refusal(lambda: start_session(store, engagement, code)) == "revoked"
    assert _refusal(
        lambda: start_session(store, engagement, waiting.continuation_code or "")
    ) == "revoked"
    assert _refusal(lambda: save_draft(store, waiting, FormAnswers(page=2))) == "revoked"
    assert _refusal(lambda: submit(store, waiting, _full())) == "revoked"
    assert store.count_respondents(engagement) == 1  # the submitted answers stay
    assert _drafts(store) == 0
    # Personal codes by team and role; the respondent is told in their language.
    by_group = _cli(store, "revoke", "--engagement", engagement, "--team", "Ops",
                    "--role", "manager", "--yes")
    assert "revoked 2 code(s) and deleted 0" in by_group.output
    every = _cli(store, "revoke", "--engagement", engagement, "--all", "--yes")
    assert "revoked 0 code(s) (3 already were)" in every.output
    q = Questionnaire(store, engagement, lang="nl")
    q.buttons["continue"].click()
    q.code_input.value = personal[1].code
    q.buttons["continue"].click()
    assert q.page == "code" and q.session is None
    assert text("nl", CODE_REVOKED) in q.messages["code"].value
    frame = list_invites(store, engagement)
    assert frame[["team", "codes", "uses", "revoked"]].values.tolist() == [
        ["Billing", 1, 1, 1], ["Ops", 2, 0, 2]]


def test_revoking_is_one_transaction(
    store: Store, engagement: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessment._form._invites import revoke_invites

    code = _team_code(store, engagement)
    session = start_session(store, engagement, code)
    save_draft(store, session, FormAnswers(page=1))

    def fail(self: Store, hashes: list[str]) -> int:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "clear_sessions", fail)
    with pytest.raises(sqlite3.OperationalError):
        revoke_invites(store, select_invites(store, engagement, codes=[code]))
    assert start_session(store, engagement, session.continuation_code or "").draft is not None
    assert list_invites(store, engagement)["revoked"].tolist() == [0]


def test_codes_are_named_one_way_and_unknown_ones_are_refused(
    store: Store, engagement: str
) -> None:
    code = _team_code(store, engagement)
    with pytest.raises(ParameterError, match="one way"):
        select_invites(store, engagement)
    with pytest.raises(ParameterError, match="one way"):
        select_invites(store, engagement, codes=[code], team="Billing")
    with pytest.raises(ParameterError, match="not an invite code"):
        select_invites(store, engagement, codes=["nope"])
    with pytest.raises(NotFoundError, match="AAAA-BBBB-CCCC: not a code of engagement"):
        select_invites(store, engagement, codes=["aaaa bbbb cccc"])
    with pytest.raises(NotFoundError, match="no codes of team 'Sales'"):
        select_invites(store, engagement, team="Sales")
    assert select_invites(store, engagement, every=True) == select_invites(
        store, engagement, codes=[code, code])
    failed = _cli(store, "clear", "--engagement", engagement, "--team", "Sales", "--yes")
    assert failed.exit_code == 1 and "error: engagement 'e1' has no codes of team" in (
        failed.output)


def test_an_older_workspace_gains_revocation_activity_hours_and_closed_sessions(
    tmp_path: Path,
) -> None:
    # The workspace as it was before the session migration (later ones follow it).
    before = next(i for i, m in enumerate(MIGRATIONS) if any("revoked_at" in s for s in m))
    db = tmp_path / "assessment.db"
    conn = sqlite3.connect(db, isolation_level=None)
    for statements in MIGRATIONS[:before]:
        for statement in statements:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {before}")
    conn.execute("INSERT INTO organisations (id, name, created_at) VALUES (1, 'Org', 'x')")
    conn.execute("INSERT INTO models VALUES ('mini', '1.0', ?)", (MINI_MODEL.read_text(),))
    conn.execute("INSERT INTO engagements (id, organisation_id, wave, date, model_id, "
                 "model_version, min_group_size, created_at) VALUES "
                 "('e1', 1, 'w', '2026-01-01', 'mini', '1.0', 5, 'x')")
    for code_hash, uses in (("shared", 2), ("personal", 1)):
        conn.execute("INSERT INTO invite_codes (code_hash, engagement_id, role, team, "
                     "max_uses, created_at) VALUES (?, 'e1', 'manager', 'T', ?, 'x')",
                     (code_hash, uses))
    conn.execute("INSERT INTO drafts VALUES ('shared', 's1', 'x', '2026-02-03', randomblob(16))")
    conn.execute("INSERT INTO drafts VALUES ('personal', '', 'y', '2026-02-04', randomblob(16))")
    conn.close()
    with Store(db) as store:
        assert store.schema_version == len(MIGRATIONS)
        rows = store.connection.execute(
            "SELECT code_hash, updated_at, active_at FROM drafts ORDER BY code_hash").fetchall()
        assert rows == [("personal", "2026-02-04", None),
                        ("shared", "2026-02-03", "2026-02-03T00:00:00+00:00")]
        revoked = store.connection.execute("SELECT revoked_at FROM invite_codes").fetchall()
        assert revoked == [(None,), (None,)]
        sql = store.connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'closed_sessions'").fetchone()[0]
        assert "WITHOUT ROWID" in sql
        now = datetime(2026, 2, 3, 12, tzinfo=UTC)
        listing = list_invites(store, "e1", now=now)
        assert listing[["open_sessions", "active_sessions"]].values.tolist() == [[2, 1]]
        later = list_invites(store, "e1", now=now + timedelta(days=LAPSE_DAYS))
        assert later[["open_sessions", "active_sessions"]].values.tolist() == [[1, 0]]


# --- the throttle ---------------------------------------------------------------------------


def test_the_delay_grows_after_three_free_wrong_codes_and_is_capped() -> None:
    assert [delay_after(n) for n in range(1, 11)] == [0, 0, 0, 1, 2, 4, 8, 16, 30, 30]
    attempts = CodeAttempts(FailureBudget(capacity=100))
    for _ in range(4):
        attempts.failed(0.0)
    assert attempts.wait(0.0) == 1 and attempts.wait(0.5) == 1 and attempts.wait(1.0) == 0
    attempts.succeeded()
    assert attempts.failed(1.0) == 0 and attempts.wait(1.0) == 0  # free again after success


def test_the_process_budget_holds_back_sessions_that_already_failed() -> None:
    budget = FailureBudget(capacity=2, rate=0.5)
    first, second, fresh = (CodeAttempts(budget) for _ in range(3))
    first.failed(0.0)
    second.failed(0.0)  # the bucket is empty now
    assert first.wait(0.0) == 2  # its own delay is none, the process's budget is spent
    assert fresh.wait(0.0) == 0  # a first code is always checked
    assert first.wait(1.0) == 1 and first.wait(2.0) == 0  # one token back after 2 s


class FormClock:
    """The form's monotonic clock (``_questionnaire._clock``), moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_codes_slow_a_tab_down_and_a_right_code_after_the_wait_works(
    store: Store, engagement: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    form_clock = FormClock()
    monkeypatch.setattr("assessment._form._questionnaire._clock", form_clock)
    monkeypatch.setattr(_throttle, "SHARED_BUDGET", FailureBudget())
    checked: list[str] = []
    real_start = start_session

    def counting(store_: Store, engagement_id: str, code: str) -> FormSession:
        checked.append(code)
        return real_start(store_, engagement_id, code)

    monkeypatch.setattr("assessment._form._questionnaire.start_session", counting)
    right = _team_code(store, engagement, uses=5)
    q = Questionnaire(store, engagement, lang="nl")
    q.buttons["continue"].click()

    def enter(code: str) -> str:
        q.code_input.value = code
        q.buttons["continue"].click()
        return str(q.messages["code"].value) if q.page == "code" else q.page

    for n in range(3):
        assert enter(f"ZZZZ-ZZZZ-ZZZ{n}") == f"<p>{text('nl', CODE_UNKNOWN)}</p>"
    fourth = enter("ZZZZ-ZZZZ-ZZZ3")
    assert text("nl", CODE_UNKNOWN) in fourth
    assert wait("nl", 1) in fourth
    assert len(checked) == 4
    assert enter(right) == wait("nl", 1)  # not even checked
    assert len(checked) == 4 and q.session is None
    form_clock.now += 1.0
    assert enter("ZZZZ-ZZZZ-ZZZ4").endswith(wait("nl", 2))
    form_clock.now += 1.5
    assert enter(right) == wait("nl", 1)
    form_clock.now += 0.5
    assert enter(right) == "welcome" and q.session is not None
    assert len(checked) == 6 and q._attempts.failures == 0
