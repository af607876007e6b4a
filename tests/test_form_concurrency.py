"""Twenty respondents submit at the same moment: nothing is lost, nothing is doubled.

Each respondent is a separate process (as each Voilà session is a separate kernel) that
opens the form exactly as the served notebook does (``open_questionnaire`` with the
environment ``assessment form`` sets), answers every page, waits at a barrier with the others
and then clicks Submit.
"""

from __future__ import annotations

import multiprocessing
import traceback
from typing import Any

import pytest

from assessment import Store, generate_invites, open_questionnaire
from assessment._store._schema import MIGRATIONS

RESPONDENTS = 20
SHARED_USES = 8


def _respondent(number: int, code: str, barrier: Any, results: Any) -> None:
    """Answer the whole questionnaire with ``code``, then submit together with the others."""
    try:
        q = open_questionnaire("unused", "")
        try:
            q.buttons["continue"].click()
            q.code_input.value = code
            q.buttons["continue"].click()
            q.buttons["start"].click()
            while q.page.startswith("page:"):
                for qid, radio in q.inputs.items():
                    radio.value = number % 11 if qid == "recommend" else 1 + number % 5
                if q.comment is not None:
                    q.comment.value = f"respondent {number}"
                q.buttons["next"].click()
            barrier.wait(timeout=120)
            q.buttons["submit"].click()
            results.put((number, q.page, q.notice.value))
        finally:
            q.store.close()
    except Exception:
        results.put((number, "error", traceback.format_exc()))


@pytest.mark.slow
def test_twenty_simultaneous_submissions_are_all_stored_once(
    store: Store, engagement: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    personal = [
        inv.code for inv in generate_invites(
            store, engagement, role="frontline", team="Care", count=RESPONDENTS - SHARED_USES
        )
    ]
    shared = generate_invites(store, engagement, role="manager", team="Ops",
                              uses=SHARED_USES)[0].code
    codes = personal + [shared] * SHARED_USES
    monkeypatch.setenv("ASSESSMENT_WORKSPACE", str(store.path.parent))
    monkeypatch.setenv("ASSESSMENT_ENGAGEMENT", engagement)
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    barrier = ctx.Barrier(RESPONDENTS)
    results = ctx.Queue()
    procs = [ctx.Process(target=_respondent, args=(i, code, barrier, results))
             for i, code in enumerate(codes)]
    for p in procs:
        p.start()
    outcomes = sorted(results.get(timeout=300) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    assert [(n, page, notice) for n, page, notice in outcomes] == [
        (n, "thanks", "") for n in range(RESPONDENTS)
    ]
    assert store.count_respondents(engagement) == RESPONDENTS
    responses = store.responses(engagement)
    assert responses.respondents.groupby("team")["role"].agg(list).to_dict() == {
        "Care": ["frontline"] * (RESPONDENTS - SHARED_USES),
        "Ops": ["manager"] * SHARED_USES,
    }
    # Each respondent's answers arrived whole: find them by their comment, check every value.
    who = responses.comments.drop_duplicates("respondent_id").set_index("respondent_id")["text"]
    assert sorted(who) == sorted(f"respondent {n}" for n in range(RESPONDENTS))
    for rid, comment in who.items():
        n = int(comment.split()[-1])
        assert (responses.answers.loc[rid] == 1 + n % 5).all()
        assert responses.respondents.loc[rid, "recommend"] == n % 11
    conn = store.connection
    assert conn.execute("SELECT count(*) FROM submissions").fetchone()[0] == RESPONDENTS
    assert conn.execute("SELECT count(*) FROM drafts").fetchone()[0] == 0
    assert dict(conn.execute("SELECT max_uses, sum(uses) FROM invite_codes GROUP BY max_uses")
                .fetchall()) == {1: RESPONDENTS - SHARED_USES, SHARED_USES: SHARED_USES}
    assert store.integrity_check() == "ok"
    assert store.schema_version == len(MIGRATIONS)
