"""The questionnaire widgets, driven in plain pytest as a respondent would: set values, click."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assessment import MaturityModel, Questionnaire, Store, generate_invites, open_questionnaire
from assessment._i18n._form import form_translator, language_name
from assessment._model._schema import KNOWN_LANGUAGES
from tests.conftest import MINI_MODEL, SHIPPED_MODEL

Pick = Callable[[str, Any], Any]

#: The form's messages the tests quote (English msgids of the ``form`` catalogues).
PAGE_UNANSWERED = "Some questions are not answered yet. Click Next again to go on anyway."
CODE_USED_UP = ("This code has already been used as often as allowed. If you have not "
                "answered yet, ask the person who invited you for a new code.")
SAVED = "Your answers so far are saved."
COMMENT_TOO_LONG = "This comment has %(n)s characters; the maximum is %(max)s. Please shorten it."


def text(lang: str, message: str, **values: object) -> str:
    """A form message in ``lang``, as the form shows it (before HTML escaping)."""
    return form_translator(lang).gettext(message, **values)


def widget_text(q: Questionnaire) -> str:
    """Everything the current page shows: HTML, descriptions, option labels, field values."""
    out: list[str] = []

    def walk(w: Any) -> None:
        for attr in ("value", "description", "placeholder"):
            value = getattr(w, attr, None)
            if isinstance(value, str):
                out.append(value)
        out.extend(str(label) for label in getattr(w, "_options_labels", ()))
        for child in getattr(w, "children", ()):
            walk(child)

    walk(q.widget)
    return "\n".join(out)


def enter(q: Questionnaire, code: str, lang: str | None = None) -> None:
    assert q.page == "language"
    if lang is not None:
        q.language_input.value = lang
    q.buttons["continue"].click()
    assert q.page == "code"
    q.code_input.value = code
    q.buttons["continue"].click()


def skip(q: Questionnaire, pages: int = 1) -> None:
    """Choose Next (twice where questions are open) to leave ``pages`` pages unanswered."""
    for _ in range(pages):
        before = q.page
        q.buttons["next"].click()
        if q.page == before:
            q.buttons["next"].click()
        assert q.page != before, q.notice.value


def highest(_qid: str, radio: Any) -> Any:
    return radio.options[-1][1]


def answer_all(q: Questionnaire, pick: Pick = highest, comment: str = "") -> None:
    """From the welcome page, answer every question page and stop on the review page."""
    q.buttons["start"].click()
    while q.page.startswith("page:"):
        for qid, radio in q.inputs.items():
            radio.value = pick(qid, radio)
        if q.comment is not None and comment:
            q.comment.value = comment
        q.buttons["next"].click()
        assert not q.notice.value, q.notice.value
    assert q.page == "review"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store with engagement 's1' on the shipped model, offering all four languages."""
    with Store(tmp_path_factory.mktemp("form") / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("s1", "Org", SHIPPED_MODEL.read_text(encoding="utf-8"),
                                languages=["nl", "en", "ru", "uk", "de"])
        yield store


@pytest.mark.parametrize("lang", KNOWN_LANGUAGES)
@pytest.mark.parametrize("role", ["executive", "manager", "frontline"])
def test_a_respondent_completes_the_questionnaire_in_every_language_and_role(
    shipped: Store, shipped_model: MaturityModel, lang: str, role: str
) -> None:
    team = f"Team {lang}-{role}"
    code = generate_invites(shipped, "s1", role=role, team=team, department="Dept")[0].code
    q = Questionnaire(shipped, "s1")
    assert q.lang == "nl"  # the engagement's first language is the default
    enter(q, code, lang)
    assert q.page == "welcome"
    shown = widget_text(q)
    assert text(lang, "Welcome") in shown
    assert shipped_model.intro.get(lang).split()[0] in shown
    assert "5" in shown and text(lang, "Your answers are confidential") in shown  # min size
    assert team in shown

    chosen: dict[str, Any] = {}
    pages = 0

    def pick(qid: str, radio: Any) -> Any:
        nonlocal pages
        labels = list(radio._options_labels)
        if qid == "recommend":
            assert labels[0].endswith(shipped_model.recommend_scale.labels.get(lang)[0])
            chosen[qid] = 7
            return 7
        item = shipped_model.items.get(qid) or shipped_model.outcome_items[qid]
        assert radio.description.endswith(item.text.get(role, lang))  # phrased for the role
        assert labels[:5] == shipped_model.scale_of(qid).labels.get(lang)
        if item.allows_na(role):
            assert labels[5] == shipped_model.not_applicable.get(lang)
            chosen[qid] = "na"
            return "na"
        assert len(labels) == 5
        chosen[qid] = 1 + len(chosen) % 5
        return chosen[qid]

    q.buttons["start"].click()
    while q.page.startswith("page:"):
        pages += 1
        total = len(shipped_model.dimensions) + 2
        assert text(lang, "Page %(page)s of %(pages)s", page=pages, pages=total) in widget_text(q)
        for qid, radio in q.inputs.items():
            radio.value = pick(qid, radio)
        if q.comment is not None:
            q.comment.value = f"Opmerking {pages}"
        q.buttons["next"].click()
    assert pages == len(shipped_model.dimensions) + 1
    assert q.page == "review"
    assert text(lang, "You have answered every question.") in widget_text(q)
    q.buttons["submit"].click()
    assert q.page == "thanks"
    assert text(lang, "Your answers have been saved. You can close this window now.") in (
        widget_text(q)
    )

    responses = shipped.responses("s1")
    mine = responses.respondents[responses.respondents["team"] == team]
    assert len(mine) == 1
    rid = mine.index[0]
    assert (mine.iloc[0]["role"], mine.iloc[0]["department"], mine.iloc[0]["recommend"]) == (
        role, "Dept", 7.0)
    for qid, value in chosen.items():
        if qid == "recommend":
            continue
        if value == "na":
            assert responses.not_applicable.loc[rid, qid]
        else:
            assert responses.answers.loc[rid, qid] == value
    stored = responses.comments[responses.comments["respondent_id"] == rid]
    assert len(stored) == len(shipped_model.dimensions)


@pytest.fixture
def code(store: Store, engagement: str) -> str:
    return generate_invites(store, engagement, role="frontline", team="Care")[0].code


def test_unanswered_questions_are_flagged_next_to_the_item_then_may_be_skipped(
    store: Store, engagement: str, code: str
) -> None:
    q = Questionnaire(store, engagement, lang="en")
    enter(q, code)
    q.buttons["start"].click()
    q.inputs["cul_1"].value = 4
    q.buttons["next"].click()
    assert q.page == "page:culture"  # held once, with messages by the open items
    assert "Click Next again" in q.notice.value
    assert q.messages["cul_1"].value == ""
    assert "Not answered yet" in q.messages["cul_2"].value
    assert "Not answered yet" in q.messages["cul_3"].value
    q.buttons["next"].click()
    assert q.page == "page:autonomy"
    skip(q, 2)
    assert q.page == "review"
    open_items = q.unanswered()
    assert open_items == {
        "culture": ["cul_2", "cul_3"], "autonomy": ["aut_1", "aut_2"],
        "recommend": ["recommend", "out_cx", "out_ee"],
    }
    shown = widget_text(q)
    assert "These questions are not answered yet" in shown
    assert "Departments keep customer data" not in shown  # phrased for frontline instead
    assert "I cannot see what other departments know about a customer." in shown
    q.goto["autonomy"].click()
    assert q.page == "page:autonomy"
    q.inputs["aut_1"].value = 2
    q.inputs["aut_2"].value = 3
    skip(q, 2)
    assert q.page == "review" and "autonomy" not in q.unanswered()
    q.buttons["submit"].click()
    assert q.page == "thanks"
    answers = store.responses(engagement).answers.iloc[0]
    assert answers["cul_1"] == 4 and answers["aut_1"] == 2 and answers.isna()["cul_2"]


def test_comments_are_capped_and_stripped_of_control_characters(
    store: Store, engagement: str, code: str
) -> None:
    q = Questionnaire(store, engagement, lang="en")
    enter(q, code)
    q.buttons["start"].click()
    for radio in q.inputs.values():
        radio.value = 3
    q.comment.value = "x" * 2001
    q.buttons["next"].click()
    assert q.page == "page:culture"
    assert "2001 characters; the maximum is 2000" in q.comment_message.value
    assert "correct the marked fields" in q.notice.value
    q.comment.value = "  Line one\x00\x1b[31m\nline <b>two</b>\x7f " + "y" * 1960
    q.buttons["next"].click()
    assert q.page == "page:autonomy"
    skip(q, 2)
    q.buttons["submit"].click()
    [stored] = store.responses(engagement).comments["text"].tolist()
    assert stored.startswith("Line one[31m\nline <b>two</b> y")
    assert len(stored) <= 2000 and "\x00" not in stored and "\x7f" not in stored


def test_closing_the_window_loses_at_most_the_current_page(
    store: Store, engagement: str, code: str
) -> None:
    first = Questionnaire(store, engagement, lang="nl")
    enter(first, code)
    first.buttons["start"].click()
    for qid, radio in first.inputs.items():
        radio.value = {"cul_1": 5, "cul_2": 1, "cul_3": "na"}[qid]
    first.comment.value = "Eerste pagina"
    first.buttons["next"].click()
    first.inputs["aut_1"].value = 2  # the window closes before Next: this answer is lost

    again = Questionnaire(store, engagement, lang="nl")
    enter(again, code.replace("-", "").lower())
    assert again.page == "welcome"
    assert "Welkom terug" in widget_text(again)
    assert again.buttons["start"].description == "Verdergaan waar ik gebleven was"
    again.buttons["start"].click()
    assert again.page == "page:autonomy"
    assert again.inputs["aut_1"].value is None
    again.buttons["back"].click()
    assert again.page == "page:culture"
    assert {k: r.value for k, r in again.inputs.items()} == {"cul_1": 5, "cul_2": 1, "cul_3": "na"}
    assert again.comment.value == "Eerste pagina"


def test_submitting_twice_with_the_same_code_stores_one_response(
    store: Store, engagement: str, code: str
) -> None:
    tabs = [Questionnaire(store, engagement, lang="en") for _ in range(2)]
    for q in tabs:
        enter(q, code)
        answer_all(q)
    tabs[0].buttons["submit"].click()
    tabs[1].buttons["submit"].click()
    assert [q.page for q in tabs] == ["thanks", "thanks"]
    assert "already been submitted" in widget_text(tabs[1])
    assert store.count_respondents(engagement) == 1
    late = Questionnaire(store, engagement)
    enter(late, code)
    assert late.page == "thanks" and "already been submitted" in widget_text(late)


def test_wrong_codes_get_a_clear_message_and_no_access(
    store: Store, engagement: str
) -> None:
    q = Questionnaire(store, engagement, lang="nl")
    enter(q, "")
    assert q.page == "code" and "Vul uw code in" in q.messages["code"].value
    q.code_input.value = "ZZZZ-ZZZZ-ZZZZ"
    q.buttons["continue"].click()
    assert q.page == "code" and "niet geldig" in q.messages["code"].value
    used = generate_invites(store, engagement, role="manager", team="T", uses=1)[0].code
    with store.transaction() as conn:
        conn.execute("UPDATE invite_codes SET expires_at = '2021-02-03'")
    q.code_input.value = used
    q.buttons["continue"].click()
    assert q.page == "code" and "verlopen" in q.messages["code"].value
    assert q.session is None


def test_nothing_one_respondent_types_is_shown_to_another(store: Store, engagement: str) -> None:
    team_code = generate_invites(store, engagement, role="manager", team="Ops", uses=5)[0].code
    alice = Questionnaire(store, engagement, lang="en")
    enter(alice, team_code)
    continuation = alice.session.continuation_code if alice.session else None
    assert continuation and continuation in widget_text(alice)
    secret = "<img src=x onerror=alert(1)> Alice's secret"
    answer_all(alice, comment=secret)
    assert secret not in widget_text(alice)  # the review page does not echo comments either

    bob = Questionnaire(store, engagement, lang="en")
    enter(bob, team_code)
    assert bob.session and bob.session.continuation_code != continuation
    bob.buttons["start"].click()
    while bob.page.startswith("page:"):
        assert str(bob.session.continuation_code) in widget_text(bob)  # on every page
        assert "Alice" not in widget_text(bob)
        assert all(r.value is None for r in bob.inputs.values())
        skip(bob)
    # Alice comes back with her own continuation code and finds her comment.
    back = Questionnaire(store, engagement, lang="en")
    enter(back, continuation)
    back.buttons["start"].click()
    assert back.page == "review"  # she had reached it
    for _ in range(3):
        back.buttons["back"].click()
    assert back.page == "page:culture" and back.comment.value == secret


def test_html_in_names_and_model_text_is_escaped(store: Store, engagement: str) -> None:
    code = generate_invites(store, engagement, role="manager", team="<b>Ops</b>")[0].code
    q = Questionnaire(store, engagement, lang="en")
    enter(q, code)
    shown = widget_text(q)
    assert "&lt;b&gt;Ops&lt;/b&gt;" in shown and "<b>Ops</b>" not in shown


def test_a_failed_save_shows_a_message_not_a_traceback(
    store: Store, engagement: str, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    q = Questionnaire(store, engagement, lang="en")
    enter(q, code)
    q.buttons["start"].click()

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("assessment._form._questionnaire.save_draft", broken)
    for radio in q.inputs.values():
        radio.value = 2
    q.buttons["next"].click()
    assert q.page == "page:culture"
    assert "could not be saved" in q.notice.value and "disk full" not in widget_text(q)


def test_late_clicks_on_a_page_that_is_gone_do_nothing(
    store: Store, engagement: str, code: str
) -> None:
    q = Questionnaire(store, engagement, lang="en")
    enter(q, code)
    answer_all(q)
    submit_button = q.buttons["submit"]
    submit_button.click()
    submit_button.click()
    assert q.page == "thanks" and not q.notice.value
    assert store.count_respondents(engagement) == 1


def test_the_form_offers_the_engagement_languages_only(store: Store, engagement: str) -> None:
    store.create_engagement("uk-nl", "Org", SHIPPED_MODEL.read_text(encoding="utf-8"),
                            languages=["uk", "nl"])
    q = Questionnaire(store, "uk-nl")
    assert q.lang == "uk"
    assert list(q.language_input._options_labels) == ["Українська", "Nederlands"]
    assert "Оберіть мову" in q.language_input.description


def test_open_questionnaire_reads_the_server_environment(
    store: Store, engagement: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSESSMENT_WORKSPACE", str(store.path.parent))
    monkeypatch.setenv("ASSESSMENT_ENGAGEMENT", engagement)
    q = open_questionnaire("demo", "")
    try:
        assert q.engagement.id == engagement and q.store.path == store.path
        bundle = q._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle
    finally:
        q.store.close()


def test_the_questionnaire_notebook_finds_the_checkouts_workspace_from_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # JupyterLab runs notebooks/questionnaire.ipynb in notebooks/: the workspace is a level up.
    with Store(tmp_path / "workspace" / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"))
    folder = tmp_path / "notebooks"
    folder.mkdir()
    monkeypatch.delenv("ASSESSMENT_WORKSPACE", raising=False)
    monkeypatch.delenv("ASSESSMENT_ENGAGEMENT", raising=False)
    monkeypatch.chdir(folder)
    q = open_questionnaire("e1", "")
    try:
        assert q.store.path == tmp_path / "workspace" / "assessment.db"
        assert q.engagement.id == "e1"
    finally:
        q.store.close()
    assert not (folder / "workspace").exists()


def test_every_form_string_exists_in_every_language() -> None:
    from assessment._i18n._catalogues import LOCALE_DIR, catalogue_path
    from assessment._i18n._check import placeholders

    names = {lang: language_name(lang) for lang in KNOWN_LANGUAGES}
    with_catalogue = {p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/form.po")}
    assert set(KNOWN_LANGUAGES) == with_catalogue | {"en"} == set(names)
    assert len(set(names.values())) == len(names) and all(names.values())
    messages = [m for m in _catalogue(LOCALE_DIR / "form.pot") if m.id]
    assert len(messages) > 40
    for lang in with_catalogue:
        translated = {m.id: m.string for m in _catalogue(catalogue_path(lang, "form"))}
        for message in messages:
            value = translated[message.id]
            forms = value if isinstance(value, tuple) else (value,)
            english = message.id[-1] if isinstance(message.id, tuple) else message.id
            for form in forms:
                assert form.strip(), (lang, message.id)
                assert placeholders(form) == placeholders(english), (lang, message.id)


def _catalogue(path: Path) -> Any:
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh)


def test_a_used_up_shared_code_is_refused_through_the_widgets_at_once(
    store: Store, engagement: str
) -> None:
    team_code = generate_invites(store, engagement, role="manager", team="Ops", uses=2)[0].code
    slow = Questionnaire(store, engagement, lang="en")  # starts first, answers slowly
    enter(slow, team_code)
    slow.buttons["start"].click()
    for _ in range(2):
        q = Questionnaire(store, engagement, lang="en")
        enter(q, team_code)
        answer_all(q)
        q.buttons["submit"].click()
        assert q.page == "thanks"
    # Nobody new gets in, and the slow one learns it on the next page, not after the last.
    late = Questionnaire(store, engagement, lang="en")
    enter(late, team_code)
    assert late.page == "code" and late.session is None
    assert text("en", CODE_USED_UP) in late.messages["code"].value
    for radio in slow.inputs.values():
        radio.value = 3
    slow.buttons["next"].click()
    assert slow.page == "page:culture"
    assert text("en", CODE_USED_UP) in slow.notice.value
    assert slow.session is not None
    resumed = Questionnaire(store, engagement, lang="en")
    enter(resumed, slow.session.continuation_code or "")
    assert resumed.page == "code" and text("en", CODE_USED_UP) in resumed.messages["code"].value
    assert store.count_respondents(engagement) == 2


def test_each_saved_page_is_confirmed_on_the_next(store: Store, engagement: str, code: str) -> None:
    q = Questionnaire(store, engagement, lang="nl")
    enter(q, code)
    q.buttons["start"].click()
    assert text("nl", SAVED) not in widget_text(q)  # nothing saved yet
    for radio in q.inputs.values():
        radio.value = 4
    q.buttons["next"].click()
    assert q.page == "page:autonomy"
    assert text("nl", SAVED) in q.saved.value and q.saved in q.widget.children
    q.inputs["aut_1"].value = 2
    q.buttons["next"].click()  # held once for the open item: nothing saved, no confirmation
    assert q.page == "page:autonomy" and text("nl", SAVED) in q.saved.value
    q.buttons["back"].click()
    assert q.page == "page:culture" and text("nl", SAVED) in q.saved.value


def test_the_time_spent_is_recorded_capped_per_page_and_rounded(
    store: Store, engagement: str, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr("assessment._form._questionnaire._clock", lambda: now[0])

    def wait(seconds: float) -> None:
        now[0] += seconds

    q = Questionnaire(store, engagement, lang="en")
    wait(5000)  # the language and code pages do not count
    enter(q, code)
    wait(31)  # welcome
    q.buttons["start"].click()
    for radio in q.inputs.values():
        radio.value = 4
    wait(44)
    q.buttons["next"].click()  # culture
    wait(12 * 3600)  # the autonomy page left open overnight: counts 600 s
    skip(q)
    # The window closes; a later visit resumes with the time so far.
    again = Questionnaire(store, engagement, lang="en")
    enter(again, code)
    wait(3)
    again.buttons["start"].click()
    wait(20)
    skip(again)  # outcomes page
    wait(9)
    again.buttons["submit"].click()
    assert again.page == "thanks"
    stored = store.responses(engagement).respondents["duration_seconds"].tolist()
    assert stored == [710.0]  # 31 + 44 + 600 + 3 + 20 + 9 = 707 s, to the nearest 10 s


LEGITIMATE_TEXT = [
    "Ми з\u2019ясували: ім\u2019я, їжак, ґанок, «лапки».",
    "Ёжик в тумане — «цитата», ещё раз.",
    "Ruud's café, één ĳsje, coördinatie.",
    "family \U0001f468\u200d\U0001f469\u200d\U0001f467 and a flag \U0001f1f3\U0001f1f1",
    "line one\nline\ttwo, \u200eneutral marks\u200f stay",
]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Goed\u202e gedaan\u202c", "Goed gedaan"),  # a right-to-left override
        ("\u2066isolated\u2069 text\u2067x\u2068", "isolated textx"),
        ("C1\x85 and\x9b controls\x80", "C1 and controls"),
        ("carriage\r\n", "carriage"),
        *[(t, t) for t in LEGITIMATE_TEXT],
    ],
)
def test_comments_lose_controls_and_direction_overrides_but_keep_every_letter(
    typed: str, kept: str
) -> None:
    from assessment._form._drafts import clean_comment

    assert clean_comment(typed) == kept


def test_button_names_the_messages_quote_are_the_buttons_shown() -> None:
    for lang in KNOWN_LANGUAGES:
        assert text(lang, "Next") in text(lang, PAGE_UNANSWERED), lang
    for lang in ("ru", "uk", "de"):  # one word for the same step forward
        assert text(lang, "Continue") == text(lang, "Next")


def test_the_comment_length_message_needs_no_plural_of_the_typed_count() -> None:
    for n in (2001, 2002, 2005, 2011, 2021):
        for lang, wrong in (("ru", f"{n} символ"), ("uk", f"{n} символ")):
            shown = form_translator(lang).ngettext(COMMENT_TOO_LONG, COMMENT_TOO_LONG, 2000,
                                                   n=n, max=2000)
            assert wrong not in shown and str(n) in shown


def test_role_names_use_the_models_words_for_the_layers(shipped_model: MaturityModel) -> None:
    from assessment._i18n._form import role_name

    coaching = shipped_model.dimension("coaching").description
    for lang in ("ru", "uk"):
        manager = role_name(lang, "manager")
        assert "менеджер" not in manager
        assert manager.split()[0][:5] in coaching.get(lang)  # линейн… / лінійн…
    assert role_name("nl", "executive") == "directielid"
    assert "frontlinie" not in role_name("nl", "frontline")


def test_every_form_string_is_shown_somewhere() -> None:
    from babel.messages.extract import extract_from_file

    import assessment._form._questionnaire as form
    import assessment._i18n._form as words
    from assessment._i18n._catalogues import LOCALE_DIR

    # The form's own words are shown by the questionnaire, and by the server around it
    # (the busy page); every module of the form package counts.
    modules = [*sorted(Path(form.__file__).parent.glob("*.py")), Path(words.__file__)]
    used = {m[1] if isinstance(m[1], str) else m[1][0]
            for module in modules for m in extract_from_file("python", module)}
    for message in _catalogue(LOCALE_DIR / "form.pot"):
        if message.id:
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            assert msgid in used, msgid


# --- one server process for many respondents -------------------------------------------------

def test_each_question_is_one_radio_group_that_takes_only_its_own_choices(
    store: Store, engagement: str, code: str
) -> None:
    from assessment._form._radio import RadioGroup

    q = Questionnaire(store, engagement, lang="en")
    assert isinstance(q.language_input, RadioGroup) and q.language_input.value == "en"
    enter(q, code)
    q.buttons["start"].click()
    radio = q.inputs["cul_1"]
    assert isinstance(radio, RadioGroup)
    assert radio.description.startswith("1. ") and radio.value is None and radio.index is None
    assert [v for _, v in radio.options] == [1, 2, 3, 4, 5]
    radio.value = 4
    assert radio.index == 3
    with pytest.raises(Exception, match="not one of the choices"):
        radio.value = 9
    # What comes back from a browser is untrusted: an index naming no choice is no answer.
    radio.set_state({"index": 7})
    assert radio.index is None and radio.value is None
    radio.set_state({"index": 1})
    assert radio.value == 2
    q.buttons["next"].click()  # the open questions are marked inside their own group
    assert "Not answered yet" in q.inputs["cul_2"].message
    assert q.inputs["cul_1"].message == ""


def test_a_replaced_page_closes_its_widgets(store: Store, engagement: str, code: str) -> None:
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    q = Questionnaire(store, engagement, lang="en")
    on_language_page = len(set(_instances) - before)
    enter(q, code)
    q.buttons["start"].click()
    first_page = list(q.inputs.values())
    q.buttons["next"].click()
    q.buttons["next"].click()
    assert all(radio.comm is None for radio in first_page)  # closed, with their layouts
    while q.page.startswith("page:"):
        skip(q)
    assert q.page == "review"
    alive = set(_instances) - before
    # Only the review page and what every page shares are alive, not every page built so far.
    assert len(alive) < 2 * on_language_page + 20, len(alive)
    assert q.notice.comm is not None and q.saved.comm is not None  # shared, kept open


def test_ending_an_idle_session_says_why_and_keeps_the_saved_pages(
    store: Store, engagement: str, code: str
) -> None:
    q = Questionnaire(store, engagement, lang="en")
    enter(q, code)
    q.buttons["start"].click()
    for radio in q.inputs.values():
        radio.value = 3
    q.buttons["next"].click()  # page 1 saved
    page_two = list(q.inputs.values())
    q.end(20)
    assert q.page == "ended" and q.buttons == {} and q.session is None
    assert "This session ended after 20 minutes without activity." in widget_text(q)
    assert all(radio.comm is None for radio in page_two)
    back = Questionnaire(store, engagement, lang="en")
    enter(back, code)
    back.buttons["start"].click()
    assert back.page == "page:autonomy"  # where they left off...
    back.buttons["back"].click()
    assert {r.value for r in back.inputs.values()} == {3}  # ...with page 1's answers


def test_stores_share_one_parsed_model_and_can_move_between_threads(
    store: Store, engagement: str
) -> None:
    import threading

    model = store.model(engagement)
    with Store(store.path, check_same_thread=False) as other:
        assert other.model(engagement) is model  # parsed once per process
        seen: list[object] = []
        worker = threading.Thread(target=lambda: seen.append(other.engagement(engagement).id))
        worker.start()
        worker.join()
        assert seen == [engagement]
    errors: list[Exception] = []

    def use_default() -> None:
        try:
            store.engagement(engagement)
        except Exception as exc:
            errors.append(exc)

    worker = threading.Thread(target=use_default)
    worker.start()
    worker.join()
    assert "same thread" in str(errors[0])  # the default keeps SQLite's check
