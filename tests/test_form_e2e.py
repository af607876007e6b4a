"""End to end: `assessment form` serves the questionnaire; Chromium answers it, offline.

Uses Debian's chromium through Playwright (no browser download), with every request to
another host than the server blocked and recorded: none may be attempted. Outside CI the
test is skipped when chromium is missing; under CI (``$CI`` set) it fails instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assessment import Store, generate_invites
from tests.conftest import SHIPPED_MODEL
from tests.server import (
    CHROMIUM_ARGS,
    TOKEN,
    form_url,
    http_get,
    login_cookie,
    offline,
    require_chromium,
    serve_form,
)

NOTEBOOK_CODE = ("open_questionnaire", "from assessment", "engagement: str", "import ")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def chromium() -> Path:
    return require_chromium()


@dataclass
class Served:
    workspace: Path
    port: int
    code: str

    @property
    def url(self) -> str:
        return form_url(self.port)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`assessment form` on a workspace with a Dutch-first engagement and one personal code."""
    ws = tmp_path_factory.mktemp("e2e") / "ws"
    with Store(ws / "assessment.db") as store:
        store.create_organisation("Zorg BV")
        store.create_engagement("e2e", "Zorg BV", SHIPPED_MODEL.read_text(encoding="utf-8"),
                                languages=["en", "nl", "ru", "uk"])
        code = generate_invites(store, "e2e", role="manager", team="Klantenservice",
                                department="Service")[0].code
    with serve_form(ws, "e2e") as server:
        yield Served(ws, server.port, code)


def test_the_server_refuses_visitors_without_the_token(served: Served) -> None:
    status, headers, body = http_get(served.port, "/")
    assert status in (302, 403) and "questionnaire" not in body.lower()
    if status == 302:
        assert headers["location"].startswith("/login")
    status, _, _ = http_get(served.port, "/?token=wrong-token-0000000000")
    assert status in (302, 403)
    for path in ("/_assessment/status", "/readyz", "/resourcez"):  # counters are private too
        assert http_get(served.port, path)[0] == 403, path


def test_the_token_becomes_a_private_cookie_and_leaves_the_address(served: Served) -> None:
    status, headers, _ = http_get(served.port, f"/?token={TOKEN}")
    assert status == 303 and headers["location"] == "/"
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and TOKEN not in cookie
    assert http_get(served.port, "/", cookie=cookie.split(";")[0])[0] == 200
    assert http_get(served.port, "/", cookie="assessment-form=forged")[0] == 403


def test_the_page_carries_no_notebook_code_and_only_local_assets(served: Served) -> None:
    status, _, body = http_get(served.port, "/", cookie=login_cookie(served.port))
    assert status == 200
    assert "solara" in body  # the page that loads the form over the websocket...
    for code in NOTEBOOK_CODE:
        assert code not in body  # ...carries none of its source
    assert "Traceback (most recent call last)" not in body
    remote = re.findall(r"""(?:src|href)=["'](?:https?:)?//[^"']+""", body)
    assert remote == []  # every script, style and font is served by the server itself


def test_a_manager_answers_every_page_in_dutch_and_submits_once(
    served: Served, chromium: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
            elsewhere = offline(context)
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(served.url)
            # Language, by keyboard: focus the choice, Space selects, Enter continues.
            dutch = page.get_by_label("Nederlands")
            dutch.wait_for(timeout=120_000)
            dutch.focus()
            page.keyboard.press("Space")
            expect(dutch).to_be_checked()
            page.get_by_role("button", name="Continue").focus()
            page.keyboard.press("Enter")
            # A wrong code is refused with a clear message.
            code_box = page.get_by_placeholder("XXXX-XXXX-XXXX")
            code_box.focus()
            page.keyboard.type("AAAA-BBBB-CCCC")
            page.get_by_role("button", name="Verder").click()
            expect(page.get_by_text("Deze code is niet geldig")).to_be_visible()
            code_box.fill(served.code.lower())
            page.get_by_role("button", name="Verder").click()
            expect(page.get_by_text("Uw antwoorden zijn vertrouwelijk")).to_be_visible()
            expect(page.get_by_text("U antwoordt als: leidinggevende, team Klantenservice."))\
                .to_be_visible()
            page.get_by_role("button", name="Beginnen").click()

            pages = 0
            while True:
                review = page.get_by_role("heading", name="Controleren en versturen")
                progress = page.get_by_text(f"Pagina {pages + 1} van ")
                expect(progress.or_(review).first).to_be_visible()
                if review.is_visible():
                    break
                pages += 1
                if pages == 2:  # the page before was saved, and the form says so
                    expect(page.get_by_text("Uw antwoorden tot nu toe zijn opgeslagen.")
                           ).to_be_visible()
                groups = page.get_by_role("radiogroup")
                first = 0
                if pages == 1:
                    # One labelled group per question: found by the question's text...
                    question = groups.nth(0).locator("legend").inner_text()
                    assert re.match(r"1\. \w", question)
                    group = page.get_by_role("radiogroup", name=question, exact=True)
                    expect(group).to_have_count(1)
                    radios = group.get_by_role("radio")
                    # ...entered once by Tab; Space chooses, the arrow keys move the choice.
                    page.locator("h2").first.click()
                    page.keyboard.press("Tab")
                    expect(radios.nth(0)).to_be_focused()
                    page.keyboard.press("Space")
                    expect(radios.nth(0)).to_be_checked()
                    page.keyboard.press("ArrowRight")
                    page.keyboard.press("ArrowRight")
                    expect(radios.nth(2)).to_be_checked()
                    expect(radios.nth(0)).not_to_be_checked()
                    page.keyboard.press("ArrowDown")
                    expect(radios.nth(3)).to_be_focused()
                    expect(radios.nth(3)).to_be_checked()  # the stored answer, checked below
                    page.keyboard.press("Tab")  # Tab leaves the group for the next question
                    expect(groups.nth(1).get_by_role("radio").nth(0)).to_be_focused()
                    first = 1
                for i in range(first, groups.count()):
                    radios = groups.nth(i).get_by_role("radio")
                    radios.nth(min(3, radios.count() - 1)).check()
                textarea = page.locator("textarea")
                if textarea.count():
                    textarea.fill(f"Opmerking bij pagina {pages}")
                # Readable on a phone: the long rows of choices wrap, nothing scrolls sideways.
                assert page.evaluate(
                    "document.documentElement.scrollWidth <= window.innerWidth"), pages
                next_button = page.get_by_role("button", name="Volgende")
                if pages == 1:  # Next by keyboard too: Tab from the comment box, Enter
                    textarea.focus()
                    for _ in range(5):
                        page.keyboard.press("Tab")
                        if next_button.evaluate("b => b === document.activeElement"):
                            break
                    expect(next_button).to_be_focused()
                    page.keyboard.press("Enter")
                else:
                    next_button.click()
                expect(progress).to_be_hidden()
            assert pages == 5  # four dimensions and the outcomes page
            expect(page.get_by_text("U heeft alle vragen beantwoord.")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.get_by_role("button", name="Mijn antwoorden versturen").click()
            expect(page.get_by_role("heading", name="Dank u wel!")).to_be_visible()
            content = page.content()
            for code in NOTEBOOK_CODE[:3]:
                assert code not in content
            assert elsewhere.blocked == []  # nothing was fetched from anywhere else
        finally:
            browser.close()

    with Store(served.workspace / "assessment.db") as store:
        responses = store.responses("e2e")
        rows = store.connection.execute("SELECT role, team, department, source FROM respondents")
        assert rows.fetchall() == [("manager", "Klantenservice", "Service", "form")]
        model = store.model("e2e")
        answers = responses.answers.iloc[0]
        expected = {q: 4.0 for q in model.question_ids}  # the 4th choice everywhere
        assert answers[list(expected)].to_dict() == expected
        assert responses.respondents.iloc[0]["recommend"] == 3.0
        assert responses.respondents.iloc[0]["duration_seconds"] >= 0  # time was recorded
        assert len(responses.comments) == len(model.dimensions)
