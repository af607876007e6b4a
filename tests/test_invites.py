"""Invite codes, drafts and submissions: access, usage limits, expiry, resume, anonymity."""

from __future__ import annotations

import csv
import os
import re
import stat
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from assessment import (
    InviteError,
    MaturityModel,
    NotFoundError,
    ParameterError,
    Store,
    generate_invites,
    list_invites,
    write_invites,
)
from assessment._cli._main import cli
from assessment._form._drafts import FormAnswers, save_draft, start_session, submit
from assessment._form._invites import format_code, hash_code, normalise_code
from assessment._store._schema import SCHEMA_VERSION
from tests.conftest import MINI_MODEL


def _code(store: Store, engagement: str, **kw: object) -> str:
    params: dict[str, object] = {"role": "frontline", "team": "Billing", **kw}
    return generate_invites(store, engagement, **params)[0].code  # type: ignore[arg-type]


def _full_answers() -> FormAnswers:
    return FormAnswers(
        answers={"cul_1": 4, "cul_2": 2, "cul_3": "na", "aut_1": 5, "aut_2": 3, "out_cx": 4},
        comments={"culture": "Fine\x00 here"},
        recommend=8,
    )


def test_codes_are_readable_and_forgiving_to_type() -> None:
    code = "7K3M-Q9XA-2BCD"
    canonical = normalise_code(code)
    assert canonical == "7K3MQ9XA2BCD" and format_code(canonical) == code
    assert normalise_code(" 7k3m q9xa 2bcd ") == canonical
    assert normalise_code("OIL0-0000-0000") == "011000000000"  # O->0, I/L->1
    for bad in ("", "7K3M", "7K3M-Q9XA-2BCU", "7K3M-Q9XA-2BCD-1", "'; DROP TABLE x"):
        assert normalise_code(bad) == ""


def test_codes_are_stored_only_as_hashes(store: Store, engagement: str) -> None:
    made = generate_invites(store, engagement, role="manager", team="Billing", count=5)
    assert len({m.code for m in made}) == 5
    assert all(re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", m.code) for m in made)
    dump = "\n".join(store.connection.iterdump())
    for m in made:
        assert m.code not in dump and normalise_code(m.code) not in dump
        assert hash_code(normalise_code(m.code)) in dump


def test_generating_codes_checks_every_parameter(store: Store, engagement: str) -> None:
    with pytest.raises(ParameterError, match="role 'boss'"):
        generate_invites(store, engagement, role="boss", team="T")
    with pytest.raises(ParameterError, match="team: must not be empty"):
        generate_invites(store, engagement, role="manager", team=" \x07 ")
    with pytest.raises(ParameterError, match="uses"):
        generate_invites(store, engagement, role="manager", team="T", uses=0)
    with pytest.raises(ParameterError, match="count"):
        generate_invites(store, engagement, role="manager", team="T", count=0)
    with pytest.raises(ParameterError, match="in the past"):
        generate_invites(store, engagement, role="manager", team="T",
                         expires=date.today() - timedelta(days=1))
    with pytest.raises(NotFoundError):
        generate_invites(store, "nope", role="manager", team="T")


def test_codes_follow_the_engagement_team_list(store: Store, engagement: str) -> None:
    store.set_teams(engagement, pd.DataFrame(
        {"team": ["Billing", "Care"], "department": ["Finance", "Service"], "headcount": [8, 9]}
    ))
    with pytest.raises(ParameterError, match="not in the team list"):
        generate_invites(store, engagement, role="manager", team="Sales")
    made = generate_invites(store, engagement, role="manager", team="Care")
    assert made[0].department == "Service"


def test_code_csv_is_private_and_neutralises_formulas(
    store: Store, engagement: str, tmp_path: Path
) -> None:
    made = generate_invites(store, engagement, role="frontline", team="=HYPERLINK(1)",
                            department="@dept", uses=3, count=2,
                            expires=date.today() + timedelta(days=30))
    out = write_invites(made, tmp_path / "out" / "codes.csv")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["code", "engagement", "role", "team", "department", "uses", "expires"]
    assert [r[0] for r in rows[1:]] == [m.code for m in made]
    assert rows[1][3:6] == ["'=HYPERLINK(1)", "'@dept", "3"]
    assert list(out.parent.iterdir()) == [out]  # no temporary file left behind
    with pytest.raises(ParameterError, match=r"\.csv"):
        write_invites(made, tmp_path / "codes.xlsx")


def test_unknown_expired_and_used_up_codes_give_no_access(store: Store, engagement: str) -> None:
    with pytest.raises(InviteError) as err:
        start_session(store, engagement, "AAAA-BBBB-CCCC")
    assert err.value.reason == "unknown"
    with pytest.raises(InviteError) as err:
        start_session(store, engagement, "not a code at all")
    assert err.value.reason == "unknown"

    expired = _code(store, engagement, uses=5)
    with store.transaction() as conn:
        conn.execute("UPDATE invite_codes SET expires_at = '2020-01-01'")
    with pytest.raises(InviteError) as err:
        start_session(store, engagement, expired)
    assert err.value.reason == "expired"

    shared = _code(store, engagement, team="Care", uses=2)
    for _ in range(2):
        session = start_session(store, engagement, shared)
        assert submit(store, session, _full_answers())
    with pytest.raises(InviteError) as err:
        start_session(store, engagement, shared)
    assert err.value.reason == "used_up"
    assert store.count_respondents(engagement) == 2


def test_a_code_of_another_engagement_is_unknown(store: Store, engagement: str) -> None:
    store.create_engagement("e2", "Org", MINI_MODEL.read_text(encoding="utf-8"))
    other = _code(store, "e2")
    with pytest.raises(InviteError) as err:
        start_session(store, engagement, other)
    assert err.value.reason == "unknown"


def test_a_personal_code_resumes_and_submits_once(store: Store, engagement: str) -> None:
    code = _code(store, engagement, role="manager", team="Ops", department="North")
    first = start_session(store, engagement, code)
    assert first.draft is None and first.continuation_code is None
    save_draft(store, first, FormAnswers(answers={"cul_1": 2}, comments={"culture": "x"}, page=1))
    again = start_session(store, engagement, code.lower().replace("-", " "))
    assert again.draft is not None
    assert again.draft.answers == {"cul_1": 2} and again.draft.page == 1
    assert submit(store, again, _full_answers()) is True
    assert submit(store, first, _full_answers()) is False  # a second tab: no duplicate
    assert store.count_respondents(engagement) == 1
    with pytest.raises(InviteError) as err:
        start_session(store, engagement, code)
    assert err.value.reason == "submitted"
    resp = store.responses(engagement)
    row = resp.respondents.iloc[0]
    assert (row["role"], row["team"], row["department"], row["recommend"]) == (
        "manager", "Ops", "North", 8.0)
    assert resp.not_applicable.iloc[0]["cul_3"]
    assert resp.comments["text"].tolist() == ["Fine here"]  # control characters stripped


def test_a_shared_code_gives_each_person_a_private_continuation_code(
    store: Store, engagement: str
) -> None:
    team_code = _code(store, engagement, uses=10)
    alice = start_session(store, engagement, team_code)
    bob = start_session(store, engagement, team_code)
    assert alice.continuation_code and bob.continuation_code
    assert alice.continuation_code != bob.continuation_code
    save_draft(store, alice, FormAnswers(comments={"culture": "Alice's secret"}, page=2))
    # The team code never reaches anyone's draft: it opens a fresh session.
    assert start_session(store, engagement, team_code).draft is None
    assert start_session(store, engagement, bob.continuation_code).draft == FormAnswers()
    resumed = start_session(store, engagement, alice.continuation_code)
    assert resumed.draft is not None and resumed.draft.comments == {"culture": "Alice's secret"}
    assert submit(store, resumed, _full_answers())
    assert not submit(store, resumed, _full_answers())
    with pytest.raises(InviteError) as err:
        start_session(store, engagement, alice.continuation_code)
    assert err.value.reason == "submitted"
    assert store.count_respondents(engagement) == 1


def test_stored_answers_cannot_be_traced_to_a_code(store: Store, engagement: str) -> None:
    codes = [_code(store, engagement, team="Ops") for _ in range(3)]
    for code in codes:
        assert submit(store, start_session(store, engagement, code), _full_answers())
    keys = store.existing_respondents(engagement)
    assert len(keys) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", k) for k in keys)
    conn = store.connection
    assert conn.execute("SELECT count(*) FROM drafts").fetchone()[0] == 0
    assert {r[0] for r in conn.execute("SELECT source FROM respondents")} == {"form"}
    # No table that holds answers mentions a code, and the submission records carry
    # neither a time nor an insertion order that could be lined up with respondent rows.
    hashes = {hash_code(normalise_code(c)) for c in codes}
    for table in ("respondents", "answers", "comments"):
        dump = " ".join(map(str, conn.execute(f"SELECT * FROM {table}").fetchall()))
        assert not any(h in dump for h in hashes)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(submissions)")]
    assert columns == ["submission_key", "engagement_id"]
    for table in ("invite_codes", "drafts", "submissions"):
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        assert "WITHOUT ROWID" in sql


def test_a_draft_from_the_store_is_checked_against_the_model(store: Store, engagement: str) -> None:
    model = store.model(engagement)
    draft = FormAnswers.from_json(
        '{"answers": {"cul_1": 9, "cul_2": true, "cul_3": "na", "aut_1": "na", "zzz": 1,'
        ' "aut_2": 3}, "comments": {"culture": "ok\\u0007", "nope": "x"}, "recommend": 11,'
        ' "page": -3}',
        model,
    )
    assert draft == FormAnswers(answers={"cul_3": "na", "aut_2": 3}, comments={"culture": "ok"})
    assert FormAnswers.from_json("not json", model) == FormAnswers()


def test_a_draft_keeps_not_applicable_only_for_a_role_that_may_give_it(
    shipped_model: MaturityModel,
) -> None:
    text = '{"answers": {"coach_role_1": "na", "auto_meas_4": "na"}}'
    assert FormAnswers.from_json(text, shipped_model, "executive").answers == {
        "coach_role_1": "na"
    }
    assert FormAnswers.from_json(text, shipped_model, "frontline").answers == {
        "auto_meas_4": "na"
    }
    assert FormAnswers.from_json(text, shipped_model, "manager").answers == {}


def test_listing_shows_use_per_team_and_role(store: Store, engagement: str) -> None:
    code = _code(store, engagement, team="Ops", uses=4)
    _code(store, engagement, team="Ops", role="manager", count=3)
    submit(store, start_session(store, engagement, code), _full_answers())
    listing = list_invites(store, engagement)
    assert listing[["team", "role", "codes", "max_uses", "uses"]].values.tolist() == [
        ["Ops", "frontline", 1, 4, 1],
        ["Ops", "manager", 3, 3, 0],
    ]


def test_the_schema_gains_the_questionnaire_tables(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    names = {r[0] for r in store.connection.execute("SELECT name FROM sqlite_master")}
    assert {"invite_codes", "drafts", "submissions"} <= names


def test_invite_commands_create_codes_and_list_them(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    with Store(ws / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"))
    runner = CliRunner()
    out = tmp_path / "codes.csv"
    result = runner.invoke(cli, ["--workspace", str(ws), "invite", "create", "--engagement", "e1",
                                 "--team", "Billing", "--role", "frontline", "--count", "3",
                                 "--expires", (date.today() + timedelta(days=9)).isoformat(),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 3 code(s)" in result.output
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 4
    listed = runner.invoke(cli, ["--workspace", str(ws), "invite", "list", "--engagement", "e1",
                                 "--format", "csv"])
    assert listed.exit_code == 0
    assert listed.output.splitlines()[1].startswith("Billing,,frontline,")


def _draft_row(store: Store) -> tuple[str, bytes]:
    data, salt = store.connection.execute("SELECT data, salt FROM drafts").fetchone()
    return str(data), bytes(salt)


def test_a_draft_is_encrypted_and_unreadable_without_its_code(
    store: Store, engagement: str
) -> None:
    from dataclasses import replace

    from assessment._form._drafts import _derive_key, _unseal

    code = _code(store, engagement)
    session = start_session(store, engagement, code)
    marker = "DRAFT-ONLY-MARKER"
    save_draft(store, session, FormAnswers(answers={"cul_1": 2, "cul_3": "na"},
                                           comments={"culture": marker}, page=1))
    data, salt = _draft_row(store)
    assert len(salt) == 16
    for clear in (marker, "cul_1", "answers", "comments", '"page"'):
        assert clear not in data
    assert marker not in "\n".join(store.connection.iterdump())
    model = store.model(engagement)
    assert session.code_hash == hash_code(normalise_code(code)) and session.session_hash == ""
    other = normalise_code(_code(store, engagement))
    assert _unseal(replace(session, key=_derive_key(other, salt)), data, model) == FormAnswers()
    tampered = data[:-4] + ("AAAA" if data[-4:] != "AAAA" else "BBBB")
    assert _unseal(replace(session, key=_derive_key(normalise_code(code), salt)), tampered,
                   model) == FormAnswers()
    again = start_session(store, engagement, code)
    assert again.draft == FormAnswers(answers={"cul_1": 2, "cul_3": "na"},
                                      comments={"culture": marker}, page=1)
    # Saving again draws a new nonce: the stored text changes, the answers do not.
    save_draft(store, again, again.draft)
    assert _draft_row(store)[0] != data


def test_after_a_submission_no_file_holds_the_code_beside_the_answers(
    store: Store, engagement: str
) -> None:
    db = store.path
    wal = db.with_name(db.name + "-wal")
    code = _code(store, engagement, team="Ops")
    code_hash = hash_code(normalise_code(code)).encode()
    session = start_session(store, engagement, code)
    draft_marker, final_marker = "DRAFT-MARK-7Q", "FINAL-MARK-3Z"
    save_draft(store, session, FormAnswers(answers={"cul_1": 5}, comments={
        "culture": draft_marker}, page=1))
    sealed = _draft_row(store)[0].encode()
    assert code_hash in wal.read_bytes()  # the draft row sits in the log...
    assert draft_marker.encode() not in wal.read_bytes() + db.read_bytes()  # ...encrypted
    answers = _full_answers()
    answers.comments = {"culture": final_marker}
    assert submit(store, session, answers)
    [key] = store.existing_respondents(engagement)
    main, log = db.read_bytes(), (wal.read_bytes() if wal.exists() else b"")
    for marker in (draft_marker.encode(), sealed):
        assert marker not in main and marker not in log
    # The log no longer holds the transaction that deleted the draft and added the respondent.
    assert code_hash not in log and key.encode() not in log and final_marker.encode() not in log
    # In the database file, the code's hash (its invite row) and the answers are on other pages.
    (page_size,) = store.connection.execute("PRAGMA page_size").fetchone()
    pages = [main[i:i + page_size] for i in range(0, len(main), page_size)]
    with_code = [p for p in pages if code_hash in p]
    assert with_code and not any(key.encode() in p or final_marker.encode() in p
                                 for p in with_code)
    (day,) = store.connection.execute("SELECT submitted_at FROM respondents").fetchone()
    assert day == datetime.now(UTC).date().isoformat()  # the day only, not the second
    (updated,) = store.connection.execute(
        "SELECT count(*) FROM drafts WHERE length(updated_at) > 10"
    ).fetchone()
    assert updated == 0


def test_a_checkpoint_blocked_by_a_reader_is_skipped_not_waited_for(
    store: Store, engagement: str
) -> None:
    code = _code(store, engagement)
    with Store(store.path) as reader:
        reader.connection.execute("BEGIN")
        reader.connection.execute("SELECT count(*) FROM respondents").fetchone()
        started = time.monotonic()
        assert submit(store, start_session(store, engagement, code), _full_answers())
        assert time.monotonic() - started < 10
        assert store.checkpoint(wait_ms=50) is False
        reader.connection.execute("COMMIT")
    assert store.checkpoint() is True
    assert store.count_respondents(engagement) == 1


def test_a_shared_code_holds_two_open_sessions_per_remaining_use(
    store: Store, engagement: str
) -> None:
    team_code = _code(store, engagement, uses=2)
    sessions = [start_session(store, engagement, team_code) for _ in range(4)]
    with pytest.raises(InviteError) as err:
        start_session(store, engagement, team_code)
    assert err.value.reason == "busy"
    # A session that saved a page keeps its place; an empty one is dropped after a day.
    save_draft(store, sessions[0], FormAnswers(answers={"cul_1": 3}))
    with store.transaction() as conn:
        conn.execute("UPDATE drafts SET updated_at = '2020-01-01'")
    fresh = start_session(store, engagement, team_code)
    assert store.connection.execute("SELECT count(*) FROM drafts").fetchone()[0] == 2
    assert start_session(store, engagement, sessions[0].continuation_code or "").draft == (
        FormAnswers(answers={"cul_1": 3}))
    with pytest.raises(InviteError) as err:
        start_session(store, engagement, sessions[1].continuation_code or "")
    assert err.value.reason == "unknown"
    # One use left: at most two sessions open.
    assert submit(store, fresh, _full_answers())
    assert store.connection.execute("SELECT count(*) FROM drafts").fetchone()[0] == 1
    start_session(store, engagement, team_code)
    with pytest.raises(InviteError) as err:
        start_session(store, engagement, team_code)
    assert err.value.reason == "busy"


def test_a_session_learns_at_once_when_its_shared_code_is_used_up(
    store: Store, engagement: str
) -> None:
    team_code = _code(store, engagement, uses=1 + 1)
    waiting = start_session(store, engagement, team_code)
    for _ in range(2):
        assert submit(store, start_session(store, engagement, team_code), _full_answers())
    for attempt in (
        lambda: start_session(store, engagement, team_code),
        lambda: start_session(store, engagement, waiting.continuation_code or ""),
        lambda: save_draft(store, waiting, FormAnswers(answers={"cul_1": 1})),
    ):
        with pytest.raises(InviteError) as err:
            attempt()
        assert err.value.reason == "used_up"
    personal = _code(store, engagement)
    first, second = (start_session(store, engagement, personal) for _ in range(2))
    assert submit(store, first, _full_answers())
    with pytest.raises(InviteError) as err:
        save_draft(store, second, FormAnswers(answers={"cul_1": 1}))
    assert err.value.reason == "submitted"


def test_the_code_csv_is_private_before_it_gets_its_name(
    store: Store, engagement: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assessment._atomic as atomic

    modes: list[int] = []
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        modes.append(stat.S_IMODE(os.stat(src).st_mode))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    dest = tmp_path / "codes.csv"
    dest.write_text("old codes")
    dest.chmod(0o644)
    write_invites(generate_invites(store, engagement, role="manager", team="T"), dest)
    assert modes == [0o600] and stat.S_IMODE(dest.stat().st_mode) == 0o600
