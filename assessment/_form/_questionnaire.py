"""The client questionnaire: an ipywidgets form built from the engagement's model.

The same :class:`Questionnaire` runs in JupyterLab, under Voilà and in the questionnaire
server (``assessment form``), which hosts many of them in one process: a page's widgets are
closed when the next page replaces them, and :meth:`Questionnaire.end` replaces the form
with a message when the server ends an idle session.
Flow: language -> invite code -> welcome (purpose, confidentiality) -> one page per
dimension -> outcomes (recommendation 0-10 and trifecta ratings) -> review -> thank you.
Each completed page is saved as a draft (``_drafts.py``), confirmed on the next page; the
code decides role and team. The form keeps the time spent (each page's time, capped at
:data:`PAGE_SECONDS_CAP` so a window left open overnight does not count), and the store
records it rounded with the submission, for the "too fast" quality check.

Everything a respondent sends is untrusted: selections are checked against the model,
comments are stripped of control characters and capped, and nothing typed is ever shown
to anyone but the person typing it (widget text is escaped; drafts are reached only with
the respondent's own personal or continuation code).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from importlib import resources
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import HTMLStyle

from .._i18n._catalogues import N_, Translator
from .._i18n._form import form_translator, language_name, role_name
from .._model._schema import Item, OutcomeItem
from .._store._store import Store
from .._store._workspace import Workspace
from .._text import MAX_COMMENT, clean_text
from ._drafts import FormAnswers, FormSession, save_draft, start_session, submit
from ._invites import LAPSE_DAYS, InviteError
from ._radio import RadioGroup
from ._throttle import CodeAttempts
from ._widgets import GroupMessage, close_widget, esc

__all__ = ["ENGAGEMENT_ENV", "Questionnaire", "open_questionnaire"]

#: The environment variable through which ``assessment form`` names the engagement.
ENGAGEMENT_ENV = "ASSESSMENT_ENGAGEMENT"
RECOMMEND = "recommend"
#: At most this many seconds of one stay on a page count towards the time spent.
PAGE_SECONDS_CAP = 600
log = logging.getLogger("assessment.form")
_clock = time.monotonic
#: The message for each reason a code gives no access (``submitted`` shows thanks;
#: ``lapsed`` is :data:`_LAPSED`, a message with a count).
_REFUSED = {
    "unknown": N_("This code is not valid. Check it and try again, or ask the person who "
                  "invited you."),
    "expired": N_("This code has expired. Ask the person who invited you for a new one."),
    "used_up": N_("This code has already been used as often as allowed. If you have not "
                  "answered yet, ask the person who invited you for a new code."),
    "busy": N_("Many people have started with this code and not yet submitted, so no new "
               "start is possible just now. If you started before, enter the personal code "
               "you were given; otherwise try again later or ask the person who invited you."),
    "revoked": N_("This code has been withdrawn by the person who invited you. Answers "
                  "already submitted with it are kept. If you have not answered yet, ask them "
                  "for a new code."),
}

#: The questionnaire's stylesheet, a package file beside this module.
_CSS = "<style>\n" + (resources.files(__package__) / "form.css").read_text("utf-8") + "</style>"


class Questionnaire:
    """The questionnaire of one engagement, as an ipywidgets form.

    Display it in a notebook (it is the last expression of a cell) or under Voilà. Tests
    drive it like a respondent: set ``.value`` on the current page's widgets (``inputs``,
    ``comment``, ``code_input``, ``language_input``) and ``.click()`` its ``buttons``.

    Parameters
    ----------
    store:
        The workspace store; each Voilà session (kernel) opens its own.
    engagement_id:
        The engagement whose model and languages the form uses.
    lang:
        The preselected language (default: the engagement's first language).
    """

    def __init__(self, store: Store, engagement_id: str, *, lang: str | None = None) -> None:
        self.store = store
        self.engagement = store.engagement(engagement_id)
        self.model = store.model(engagement_id)
        offered = [str(lg) for lg in self.engagement.languages if lg in self.model.languages]
        self.languages: list[str] = offered or [str(lg) for lg in self.model.languages]
        self.lang = lang if lang in self.languages else self.languages[0]
        self.session: FormSession | None = None
        self.answers = FormAnswers()
        self.resumed = False
        #: Question pages: one per dimension, then the outcomes page.
        # The last page (the organisation as a whole) only when the model asks something there.
        self.pages: list[str] = [d.id for d in self.model.dimensions] + (
            [RECOMMEND] if self.model.has_outcome_page else []
        )
        self.page = "language"
        # Widgets of the current page.
        self.inputs: dict[str, Any] = {}
        self.messages: dict[str, Any] = {}
        self.comment: Any = None
        self.comment_message: Any = None
        self.code_input: Any = None
        self.language_input: Any = None
        self.buttons: dict[str, Any] = {}
        #: On the review page: a button per page with open questions.
        self.goto: dict[str, Any] = {}
        self.index = 0
        # Every widget has a layout model, HTML and buttons a style model too: the page's
        # widgets share one of each, so a page opens (and later closes) a third of the models.
        self._layout = widgets.Layout()
        self._wide = widgets.Layout(width="100%")
        self._html_style = HTMLStyle()
        self._button_style = widgets.ButtonStyle()
        self._shared = {id(w) for w in (self._layout, self._wide, self._html_style,
                                        self._button_style)}
        self.notice = self._html()
        self.notice.add_class("af-message")
        #: "Your answers so far are saved", shown on the page after each save.
        self.saved = self._html()
        self.saved.add_class("af-saved")
        self._style = self._html(_CSS)
        self._just_saved = False
        self._warned = False
        self._since: float | None = None  # when the time on the current page started
        self._attempts = CodeAttempts()  # wrong codes in a row, and the wait they impose
        self.widget = widgets.VBox(layout=self._wide)
        self.widget.add_class("assessment-form")
        self._show_language()

    # --- display ---------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def words(self) -> Translator:
        """The form's words in the respondent's language."""
        return form_translator(self.lang)

    def _(self, message: str, /, **values: object) -> str:
        """Return a form message in the respondent's language, HTML-escaped."""
        return esc(self.words.gettext(message, **values))

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """Return the form message for the count ``n`` in the respondent's language, escaped."""
        return esc(self.words.ngettext(singular, plural, n, **values))

    def _html(self, value: str = "", cls: str = "") -> Any:
        """Return an HTML widget (``value`` already escaped) on the shared layout and style."""
        out = widgets.HTML(value, layout=self._layout, style=self._html_style)
        if cls:
            out.add_class(cls)
        return out

    def _p(self, body: str, cls: str = "") -> Any:
        """Return an HTML paragraph widget; ``body`` must already be escaped."""
        return self._html(f"<p>{body}</p>" if body else "", cls)

    def _button(self, label: str, handler: Callable[[Any], None], *, primary: bool = False
                ) -> Any:
        button = widgets.Button(description=label, button_style="primary" if primary else "",
                                layout=self._layout, style=self._button_style)
        button.on_click(handler)
        return button

    def _render(self, page: str, *children: Any, buttons: dict[str, Any]) -> None:
        self._tick()
        self.page = page
        self.buttons = buttons
        self._warned = False
        self.notice.value = ""
        saved = self._("Your answers so far are saved.")
        self.saved.value = f"<p role='status'>✓ {saved}</p>" if self._just_saved else ""
        self._just_saved = False
        row = widgets.HBox(list(buttons.values()), layout=self._layout)
        row.add_class("af-buttons")
        old = self.widget.children
        self.widget.children = (self._style, self.saved, *children, self.notice, row)
        # In a server that hosts many sessions in one process, a replaced page's widgets
        # would live until the session ends: close them (the browser drops their views).
        keep = {id(w) for w in (self._style, self.saved, self.notice, *children)}
        keep |= self._shared
        for widget in old:
            close_widget(widget, keep)

    def end(self, idle_minutes: int) -> None:
        """Replace the form with "this session ended" and close the page's widgets.

        The server calls it when a respondent has been idle for ``idle_minutes``; the answers
        up to the last completed page are saved, and the respondent continues with their code.
        """
        self._reset_page_widgets()
        self.session = None
        self.answers = FormAnswers()
        ended = self._p(self.ngettext(
            "This session ended after %(minutes)s minute without activity. Your answers up to "
            "the last page you completed are saved: reload this page and enter your code to "
            "continue.",
            "This session ended after %(minutes)s minutes without activity. Your answers up to "
            "the last page you completed are saved: reload this page and enter your code to "
            "continue.",
            idle_minutes, minutes=idle_minutes,
        ), "af-note")
        self._render("ended", ended, buttons={})

    def _tick(self) -> None:
        """Add the time since the last tick (at most :data:`PAGE_SECONDS_CAP`) to the answers."""
        now = _clock()
        if self.session is not None and self._since is not None:
            spent = min(max(now - self._since, 0.0), PAGE_SECONDS_CAP)
            self.answers.seconds = (self.answers.seconds or 0.0) + spent
        self._since = now

    def _refused(self, exc: InviteError, message: Any) -> None:
        """Tell the respondent why their code gives no (more) access."""
        if exc.reason == "submitted":
            self._show_thanks(already=True)
        else:
            message.value = "<p>" + self._refusal(exc.reason) + "</p>"

    def _refusal(self, reason: str) -> str:
        """Return why a code gives no access, for ``reason``, escaped."""
        if reason == "lapsed":
            return self.ngettext(
                "The unfinished answers kept under this personal code have been removed: they "
                "are kept for %(days)s day after your last visit, or until the person who "
                "invited you clears them. Enter your team's code to start again.",
                "The unfinished answers kept under this personal code have been removed: they "
                "are kept for %(days)s days after your last visit, or until the person who "
                "invited you clears them. Enter your team's code to start again.",
                LAPSE_DAYS, days=LAPSE_DAYS,
            )
        return self._(_REFUSED[reason])

    def _wait(self, seconds: int) -> str:
        """Return "too many codes were tried, wait ``seconds``" as a paragraph, escaped."""
        return "<p>" + self.ngettext(
            "Too many codes were tried. Please wait %(seconds)s second, then try again.",
            "Too many codes were tried. Please wait %(seconds)s seconds, then try again.",
            seconds, seconds=seconds,
        ) + "</p>"

    def _reset_page_widgets(self) -> None:
        self.inputs, self.messages, self.goto = {}, {}, {}
        self.comment = self.comment_message = self.code_input = self.language_input = None

    def _guard(self, handler: Callable[[], None]) -> Callable[[Any], None]:
        """Wrap a button handler: failures become a message, never a traceback."""

        def run(_: Any) -> None:
            try:
                handler()
            except Exception:
                log.exception("questionnaire: %s failed", handler.__name__)
                self.notice.value = "<p>" + self._(
                    "Your answers could not be saved just now. Please try again in a moment; "
                    "the pages you completed earlier are kept."
                ) + "</p>"

        return run

    # --- language and code ------------------------------------------------------------------
    def _show_language(self) -> None:
        self._reset_page_widgets()
        title = " · ".join(dict.fromkeys(
            form_translator(lg).gettext("Choose your language") for lg in self.languages
        ))
        self.language_input = RadioGroup(
            options=[(language_name(lg), lg) for lg in self.languages],
            value=self.lang,
            description=title,
            layout=self._layout,
        )
        self.language_input.add_class("af-item")
        self.language_input.add_class("af-scale")
        heading = self._html(f"<h2>{esc(self.model.title.get(self.lang))}</h2>")
        self._render(
            "language", heading, self.language_input,
            buttons={"continue": self._button(
                self._("Continue"), self._guard(self._choose_language), primary=True)},
        )

    def _choose_language(self) -> None:
        chosen = self.language_input.value
        self.lang = chosen if chosen in self.languages else self.languages[0]
        self._show_code()

    def _show_code(self, message: str = "") -> None:
        self._reset_page_widgets()
        self.code_input = widgets.Text(
            placeholder="XXXX-XXXX-XXXX", description=self._("Code"),
            style={"description_width": "initial"},
        )
        self.messages["code"] = self._p(message, "af-message")
        self._render(
            "code",
            self._html("<h2>" + self._("Your invitation code") + "</h2><p>" + self._(
                "Enter the code from your invitation. It tells us only your role and team, "
                "never your name."
            ) + "</p>"),
            self.code_input,
            self.messages["code"],
            buttons={
                "back": self._button(self._("Back"), self._guard(self._show_language)),
                "continue": self._button(self._("Continue"), self._guard(self._enter_code),
                                    primary=True),
            },
        )

    def _enter_code(self) -> None:
        typed = str(self.code_input.value or "")[:100]
        if not typed.strip():
            self.messages["code"].value = "<p>" + self._("Enter your code.") + "</p>"
            return
        now = _clock()
        wait = self._attempts.wait(now)
        if wait:  # too many wrong codes: not even checked until the wait is over
            self.messages["code"].value = self._wait(wait)
            return
        try:
            session = start_session(self.store, self.engagement.id, typed)
        except InviteError as exc:
            self._refused(exc, self.messages["code"])
            if exc.reason == "unknown" and (wait := self._attempts.failed(now)):
                self.messages["code"].value += self._wait(wait)
            return
        self._attempts.succeeded()
        self.session = session
        self.resumed = session.draft is not None
        self.answers = session.draft or FormAnswers()
        self.answers.seconds = self.answers.seconds or 0.0
        self._since = _clock()
        self._show_welcome()

    # --- welcome ------------------------------------------------------------------------------
    def _show_welcome(self) -> None:
        assert self.session is not None
        self._reset_page_widgets()
        m, lang, s = self.model, self.lang, self.session
        size = self.engagement.min_group_size
        promise = m.confidentiality.get(lang).replace("{min_group_size}", str(size))
        who_sees = self.ngettext(
            "Who sees what: the consultants running this assessment see answers without "
            "names. Your organisation sees only results of groups of at least "
            "%(min_group_size)s person, never individual answers or invitation codes.",
            "Who sees what: the consultants running this assessment see answers without "
            "names. Your organisation sees only results of groups of at least "
            "%(min_group_size)s people, never individual answers or invitation codes.",
            size, min_group_size=size,
        )
        answer_as = self._("You answer as: %(role)s, team %(team)s.",
                           role=m.role_label(s.role, lang) or role_name(lang, s.role),
                           team=s.team)
        parts = [
            "<h2>" + self._("Welcome") + "</h2>",
            "<h3>" + self._("What this is about") + f"</h3><p>{esc(m.intro.get(lang))}</p>",
            "<h3>" + self._("Your answers are confidential") + f"</h3><p>{esc(promise)}</p>",
            f"<p>{who_sees}</p>",
            f"<p>{answer_as}</p>",
        ]
        if s.continuation_code:
            code = f"<strong>{esc(s.continuation_code)}</strong>"
            note = self._(
                "Your team shares the code you entered. To continue later, for example after "
                "closing this window, enter this personal code instead: %(code)s. Write it "
                "down and keep it to yourself.", code="\x00",
            ).replace("\x00", code)
            parts.append(f"<p class='af-note'>{note}</p>")
        if self.resumed:
            back = self._("Welcome back. Your earlier answers are kept; you continue where you "
                          "left off.")
            parts.append(f"<p class='af-note'>{back}</p>")
        start = (
            # TRANSLATORS: the button that resumes the questionnaire where it was left.
            self._("Continue where I left off") if self.resumed
            # TRANSLATORS: the button that starts the questionnaire.
            else self._("Start")
        )
        self._render(
            "welcome", self._html("".join(parts)),
            buttons={"start": self._button(start, self._guard(self._start), primary=True)},
        )

    def _start(self) -> None:
        last = len(self.pages)  # the review page
        self._show_page(min(max(self.answers.page, 0), last))

    # --- question pages ---------------------------------------------------------------------
    def _recommend_widget(self, number: int) -> list[Any]:
        """The 0-10 recommendation question (its message shows inside the group)."""
        assert self.session is not None
        lang = self.lang
        scale = self.model.recommend_scale
        low, high = scale.labels.get(lang)
        labels = {scale.min: f"{scale.min} – {low}", scale.max: f"{scale.max} – {high}"}
        choices = [(labels.get(v, str(v)), v) for v in scale.points]
        rec = RadioGroup(
            options=choices,
            value=self.answers.recommend if self.answers.recommend in scale.points else None,
            description=f"{number}. " + self.model.recommend_text(self.session.role, lang),
            layout=self._layout,
        )
        rec.add_class("af-item")
        self.inputs[RECOMMEND] = rec
        self.messages[RECOMMEND] = GroupMessage(rec)
        return [rec]

    def _item_widget(self, number: int, qid: str, item: Item | OutcomeItem) -> Any:
        assert self.session is not None
        lang = self.lang
        scale = self.model.scales[item.scale]
        options: list[tuple[str, int | str]] = list(
            zip(scale.labels.get(lang), scale.points, strict=True)
        )
        if item.allows_na(self.session.role):  # only where this role cannot judge
            options.append((self.model.not_applicable.get(lang), "na"))
        saved = self.answers.answers.get(qid)
        radio = RadioGroup(
            options=options,
            value=saved if saved in [v for _, v in options] else None,
            description=f"{number}. {item.text.get(self.session.role, lang)}",
            layout=self._layout,
        )
        radio.add_class("af-item")
        self.inputs[qid] = radio
        self.messages[qid] = GroupMessage(radio)
        return radio

    def _progress(self, index: int) -> list[Any]:
        total = len(self.pages) + 1
        bar = widgets.IntProgress(value=index + 1, min=0, max=total,
                                  layout=self._wide)
        progress = self._("Page %(page)s of %(pages)s", page=index + 1, pages=total)
        out = [self._html(f"<p>{progress}</p>"), bar]
        if self.session is not None and self.session.continuation_code:
            code = self.session.continuation_code
            out.append(self._p(self._("Your personal code to continue later: %(code)s",
                                      code=code)))
        return out

    def _show_page(self, index: int) -> None:
        if index >= len(self.pages):
            self._show_review()
            return
        self._reset_page_widgets()
        lang = self.lang
        body: list[Any] = self._progress(index)
        number = 1
        page_id = self.pages[index]
        if page_id == RECOMMEND:
            body.append(self._html(
                # TRANSLATORS: the title of the last question page (the organisation as a whole).
                "<h2>" + self._("Overall") + "</h2><p>"
                + self._("Finally, a few questions about your organisation as a whole.") + "</p>"
            ))
            assert self.session is not None
            if self.model.has_recommend:
                body += self._recommend_widget(number)
                number += 1
            for outcome in self.model.outcomes.items:
                body.append(self._item_widget(number, outcome.id, outcome))
                number += 1
        else:
            dim = self.model.dimension(page_id)
            body.append(self._html(
                f"<h2>{esc(dim.name.get(lang))}</h2><p>{esc(dim.description.get(lang))}</p>"
            ))
            for facet in dim.facets:
                body.append(self._html(f"<h3>{esc(facet.name.get(lang))}</h3>"))
                for item in facet.items:
                    body.append(self._item_widget(number, item.id, item))
                    number += 1
            hint = self.words.ngettext(
                "Up to %(max)s character. Please do not write names.",
                "Up to %(max)s characters. Please do not write names.",
                MAX_COMMENT, max=MAX_COMMENT,
            )
            self.comment = widgets.Textarea(
                value=self.answers.comments.get(dim.id, ""),
                description=self._("Comment (optional)"),
                placeholder=hint,
                style={"description_width": "initial"},
                layout=self._wide,
            )
            self.comment.add_class("af-item")
            self.comment_message = self._p("", "af-message")
            body += [
                self.comment,
                self._p(esc(hint)),
                self.comment_message,
            ]
        self._render(
            f"page:{page_id}", *body,
            buttons={
                "back": self._button(self._("Back"),
                                     self._guard(lambda: self._leave(index, -1))),
                "next": self._button(self._("Next"), self._guard(lambda: self._leave(index, +1)),
                                primary=True),
            },
        )
        self.index = index

    def _collect(self) -> bool:
        """Copy the current page's widgets into the answers; return False on a hard error."""
        ok = True
        for qid, radio in self.inputs.items():
            value = radio.value
            if qid == RECOMMEND:
                valid = isinstance(value, int) and value in self.model.recommend_scale.points
                self.answers.recommend = value if valid else None
                continue
            role = self.session.role if self.session is not None else None
            valid = (value == "na" and self.model.allows_na(qid, role)) or (
                isinstance(value, int) and value in self.model.scale_of(qid).points
            )
            if valid:
                self.answers.answers[qid] = value
            else:
                self.answers.answers.pop(qid, None)
        if self.comment is not None:
            dim_id = self.pages[self.index]
            raw = str(self.comment.value or "")
            length = len(clean_text(raw))
            if length > MAX_COMMENT:
                # TRANSLATORS: the plural form follows the limit %(max)s; %(n)s is larger.
                self.comment_message.value = "<p>" + self.ngettext(
                    "This comment has %(n)s characters; the maximum is %(max)s. Please "
                    "shorten it.",
                    "This comment has %(n)s characters; the maximum is %(max)s. Please "
                    "shorten it.", MAX_COMMENT, n=length, max=MAX_COMMENT,
                ) + "</p>"
                ok = False
            else:
                self.comment_message.value = ""
                if raw.strip():
                    self.answers.comments[dim_id] = raw
                else:
                    self.answers.comments.pop(dim_id, None)
        return ok

    def _open_on_page(self) -> list[str]:
        return [
            qid for qid in self.inputs
            if (self.answers.recommend is None if qid == RECOMMEND
                else qid not in self.answers.answers)
        ]

    def _leave(self, index: int, step: int) -> None:
        if self.session is None or self.page != f"page:{self.pages[index]}":
            return  # a late click on a page that is gone
        if not self._collect():
            self.notice.value = "<p>" + self._("Please correct the marked fields.") + "</p>"
            return
        if step > 0:
            unanswered = self._open_on_page()
            open_note = self.words.gettext("Not answered yet. You may leave it open and come "
                                           "back to it later.")
            for qid, message in self.messages.items():  # plain text, inside the group
                message.value = open_note if qid in unanswered else ""
            if unanswered and not self._warned:
                self._warned = True
                self.notice.value = "<p>" + self._(
                    "Some questions are not answered yet. Click Next again to go on anyway."
                ) + "</p>"
                return
        target = max(index + step, 0)
        self.answers.page = target
        self._tick()
        try:
            save_draft(self.store, self.session, self.answers)
        except InviteError as exc:
            self._refused(exc, self.notice)
            return
        self._just_saved = True
        if target == index and step < 0:
            self._show_welcome()
        else:
            self._show_page(target)

    # --- review, submit, thanks -------------------------------------------------------------
    def unanswered(self) -> dict[str, list[str]]:
        """The open questions per question page (page id -> question ids)."""
        out: dict[str, list[str]] = {}
        for page_id in self.pages:
            if page_id == RECOMMEND:
                ids = (
                    [RECOMMEND]
                    if self.model.has_recommend and self.answers.recommend is None else []
                )
                ids += [i.id for i in self.model.outcomes.items
                        if i.id not in self.answers.answers]
            else:
                ids = [i.id for i in self.model.dimension(page_id).items
                       if i.id not in self.answers.answers]
            if ids:
                out[page_id] = ids
        return out

    def _page_title(self, page_id: str) -> str:
        if page_id == RECOMMEND:
            return self.words.gettext("Overall")
        return self.model.dimension(page_id).name.get(self.lang)

    def _question_text(self, qid: str) -> str:
        assert self.session is not None
        role, lang = self.session.role, self.lang
        if qid == RECOMMEND:
            return self.model.recommend_text(role, lang)
        if qid in self.model.items:
            return self.model.items[qid].text.get(role, lang)
        return self.model.outcome_items[qid].text.get(role, lang)

    def _show_review(self) -> None:
        self._reset_page_widgets()
        body: list[Any] = self._progress(len(self.pages))
        body.append(self._html("<h2>" + self._("Review and submit") + "</h2>"))
        open_items = self.unanswered()
        if not open_items:
            body.append(self._p(self._("You have answered every question.")))
        else:
            body.append(self._p(self._("These questions are not answered yet:")))
            for page_id, ids in open_items.items():
                listed = "".join(f"<li>{esc(self._question_text(q))}</li>" for q in ids)
                body.append(self._html(f"<h3>{esc(self._page_title(page_id))}</h3>"
                                         f"<ul>{listed}</ul>"))
                go = self._button(self.words.gettext("Go to: %(page)s",
                                                     page=self._page_title(page_id)),
                             self._guard(self._goto(self.pages.index(page_id))))
                go.add_class("af-goto")
                self.goto[page_id] = go
                body.append(go)
        body.append(self._p(self._("You can still submit; open questions count as not "
                                   "answered. After submitting you cannot change your "
                                   "answers."), "af-note"))
        self._render(
            "review", *body,
            buttons={
                "back": self._button(self._("Back"),
                                     self._guard(lambda: self._show_page(len(self.pages) - 1))),
                "submit": self._button(self._("Submit my answers"), self._guard(self._submit),
                                       primary=True),
            },
        )

    def _goto(self, index: int) -> Callable[[], None]:
        def goto() -> None:
            if self.page == "review":
                self._show_page(index)

        return goto

    def _submit(self) -> None:
        if self.session is None or self.page != "review":
            return  # a late second click on a page that is gone
        button = self.buttons["submit"]
        button.disabled = True
        self._tick()
        try:
            stored = submit(self.store, self.session, self.answers)
        except InviteError as exc:
            self._refused(exc, self.notice)
            return
        finally:
            button.disabled = False
        self._show_thanks(already=not stored)

    def _show_thanks(self, *, already: bool) -> None:
        self._reset_page_widgets()
        self.session = None
        self.answers = FormAnswers()
        body = (
            self._("The answers for this code have already been submitted. Thank you!")
            if already else self._("Your answers have been saved. You can close this window now.")
        )
        self._render(
            "thanks", self._html("<h2>" + self._("Thank you!") + f"</h2><p>{body}</p>"),
            buttons={},
        )


def open_questionnaire(engagement: str = "", workspace: str = "") -> Questionnaire:
    """Open the questionnaire as the notebook does: ``$ASSESSMENT_ENGAGEMENT`` (set by
    ``assessment form``) wins over ``engagement``; an empty ``workspace`` means
    ``$ASSESSMENT_WORKSPACE``, else the nearest ``workspace/`` holding a store in this folder
    or a parent (a notebook in JupyterLab runs in ``notebooks/``), see :meth:`Workspace.find`.
    """
    chosen = os.environ.get(ENGAGEMENT_ENV) or engagement
    store = Workspace.find(workspace or None).store()
    return Questionnaire(store, chosen)
