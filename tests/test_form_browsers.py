"""Twenty browser sessions submit at the same moment: nothing is lost, nothing is doubled.

`assessment form` serves the questionnaire; twenty Chromium pages (each its own browser
context, so its own session in the server) enter a code, answer every page, wait for each
other on the review page and then press Submit together, every one offline (only the server
reachable). Twelve use personal codes, eight share one team code. Under CI the test fails,
not skips, when chromium is missing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from assessment import Store, generate_invites
from assessment._store._schema import MIGRATIONS
from tests.conftest import MINI_MODEL
from tests.server import CHROMIUM_ARGS, form_url, offline_async, require_chromium, serve_form

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SESSIONS = 20
SHARED_USES = 8
LOADING_AT_ONCE = 10  # sessions opening and filling in at once; all twenty submit together
TIMEOUT_MS = 180_000  # also for every expect(): two shared cores make a round trip slow


async def _respondent(browser: Any, url: str, number: int, code: str,
                      loading: asyncio.Semaphore, ready: asyncio.Barrier) -> str:
    """Answer the whole form with ``code`` as respondent ``number``; submit with the others."""
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1000, "height": 900})
    elsewhere = await offline_async(context)
    try:
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        async with loading:
            await page.goto(url, timeout=TIMEOUT_MS)
            await page.get_by_role("button", name="Continue").click()  # engagement's language
            await page.get_by_placeholder("XXXX-XXXX-XXXX").fill(code)
            await page.get_by_role("button", name="Continue").click()
            await page.get_by_role("button", name="Start").click()
            review = page.get_by_role("heading", name="Review and submit")
            pages = 0
            while True:
                progress = page.get_by_text(f"Page {pages + 1} of ")
                await expect(progress.or_(review).first).to_be_visible(timeout=TIMEOUT_MS)
                if await review.is_visible():
                    break
                pages += 1
                groups = page.get_by_role("radiogroup")
                for i in range(await groups.count()):
                    radios = groups.nth(i).get_by_role("radio")
                    scale_max = 11 if await radios.count() == 11 else 5  # 0-10, or 1-5 (+ n/a)
                    await radios.nth(number % scale_max).check()
                if await page.locator("textarea").count():
                    await page.locator("textarea").fill(f"respondent {number}")
                await page.get_by_role("button", name="Next").click()
                await expect(progress).to_be_hidden(timeout=TIMEOUT_MS)
            await expect(page.get_by_text("You have answered every question.")).to_be_visible(
                timeout=TIMEOUT_MS)
        await ready.wait()  # every session is on its review page: submit together
        await page.get_by_role("button", name="Submit my answers").click()
        await expect(page.get_by_role("heading", name="Thank you!")).to_be_visible(
            timeout=TIMEOUT_MS)
        return f"{pages} pages, thanks" + (f", fetched {elsewhere.blocked}"
                                            if elsewhere.blocked else "")
    finally:
        await context.close()


async def _twenty_sessions(chromium: Path, url: str, codes: list[str]) -> list[str]:
    from playwright.async_api import async_playwright

    loading = asyncio.Semaphore(LOADING_AT_ONCE)
    ready = asyncio.Barrier(len(codes))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(chromium), headless=True,
                                           args=CHROMIUM_ARGS)
        try:
            return await asyncio.gather(*(
                _respondent(browser, url, n, code, loading, ready)
                for n, code in enumerate(codes)
            ))
        finally:
            await browser.close()


def test_twenty_browser_sessions_submitting_together_lose_nothing(tmp_path: Path) -> None:
    chromium = require_chromium()
    ws = tmp_path / "ws"
    with Store(ws / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"))
        personal = [inv.code for inv in generate_invites(
            store, "e1", role="frontline", team="Care", count=SESSIONS - SHARED_USES)]
        shared = generate_invites(store, "e1", role="manager", team="Ops",
                                  uses=SHARED_USES)[0].code
        model = store.model("e1")
    codes = personal + [shared] * SHARED_USES

    with serve_form(ws, "e1") as server:
        outcomes = asyncio.run(_twenty_sessions(chromium, form_url(server.port), codes))
        log = server.log.read_text()
    pages = len(model.dimensions) + 1  # one per dimension and the outcomes page
    assert outcomes == [f"{pages} pages, thanks"] * SESSIONS
    assert "Traceback" not in log

    with Store(ws / "assessment.db") as store:
        assert store.count_respondents("e1") == SESSIONS
        responses = store.responses("e1")
        assert responses.respondents.groupby("team")["role"].agg(list).to_dict() == {
            "Care": ["frontline"] * (SESSIONS - SHARED_USES),
            "Ops": ["manager"] * SHARED_USES,
        }
        # Each session's answers arrived whole: find them by their comment, check each value.
        comments = responses.comments.groupby("respondent_id")["text"].agg(list)
        assert comments.map(lambda texts: len(texts) == len(model.dimensions)
                            and len(set(texts)) == 1).all()
        who = comments.map(lambda texts: int(texts[0].split()[-1]))
        assert sorted(who) == list(range(SESSIONS))
        for rid, n in who.items():
            assert (responses.answers.loc[rid] == 1 + n % 5).all(), rid
            assert responses.respondents.loc[rid, "recommend"] == n % 11
            assert responses.respondents.loc[rid, "duration_seconds"] >= 0
        conn = store.connection
        assert conn.execute("SELECT count(*) FROM submissions").fetchone()[0] == SESSIONS
        assert conn.execute("SELECT count(*) FROM drafts").fetchone()[0] == 0
        uses = conn.execute("SELECT max_uses, sum(uses) FROM invite_codes GROUP BY max_uses")
        assert dict(uses.fetchall()) == {1: SESSIONS - SHARED_USES, SHARED_USES: SHARED_USES}
        assert store.integrity_check() == "ok"
        assert store.schema_version == len(MIGRATIONS)
