"""The report's Jinja2 templates: one environment over the package's ``templates/`` folder.

Markup lives in the templates, data in Python. Autoescaping is on and the environment's
``finalize`` escapes every ``{{ value }}`` with :func:`html.escape` (``&#x27;`` and
``&quot;``, as the pages always had), so a name, comment or model text is text wherever it
goes; only :class:`~markupsafe.Markup` passes as it is: macros, the charts' SVG (escaped by
vl-convert) and the package's own style sheets. An undefined name in a template is an error.

Templates say their words in English with ``_("...")`` and ``ngettext("...", "...", n)``
(placeholders ``%(name)s`` filled from keyword arguments), which ``pybabel extract`` finds
and :func:`render` binds to the ``report`` catalogue of the page's language. A translation
is text like any value: escaped where it is printed. The ``number`` filter writes a count
in the page's language.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from .._i18n._report import report_translator
from ._format import MISSING, format_count

__all__ = ["TEMPLATES", "Badge", "Hidden", "Shares", "environment", "render", "stylesheet"]

#: The folder of the report's templates and style sheets (package files).
TEMPLATES: Final = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Badge:
    """A maturity level as a badge: ``level`` is its colour step, 1 (lowest level) to 5
    (highest; the model's levels are spread over the five steps), or 0 for none (not shown,
    not applicable); ``label`` is its text (``Level 3: Defined``)."""

    level: int
    label: str


@dataclass(frozen=True)
class Hidden:
    """A value the report withholds, shown as the word ``label`` (``hidden``)."""

    label: str


@dataclass(frozen=True)
class Shares:
    """Favourable, neutral and unfavourable shares as a small stacked bar with the three
    percentages printed: ``widths`` in percent (the bar), ``labels`` formatted in the
    page's language, ``title`` the three named in words (the bar's accessible text)."""

    widths: tuple[float, float, float]
    labels: tuple[str, str, str]
    title: str


def _escaped(value: object) -> Markup:
    """Escape a value printed by a template; markup (``__html__``) passes as it is."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(html.escape(str(value), quote=True))


@pass_context
def _number(context: Context, value: int | None) -> str:
    """The ``number`` filter: a count in the page's language (``1,234``, ``1.234``)."""
    return MISSING if value is None else format_count(value, context["language"])


@cache
def stylesheet(name: str) -> Markup:
    """The style sheet ``name`` of the templates folder, as it is (a trusted package file)."""
    return Markup((TEMPLATES / name).read_text(encoding="utf-8"))


@cache
def environment() -> Environment:
    """This process's template environment (built once: templates compile on first use)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_escaped,
        auto_reload=False,
    )
    env.globals["stylesheet"] = stylesheet
    env.filters["number"] = _number
    env.tests["badge"] = lambda value: isinstance(value, Badge)
    env.tests["hidden"] = lambda value: isinstance(value, Hidden)
    env.tests["shares"] = lambda value: isinstance(value, Shares)
    return env


def render(template: str, language: str, **context: object) -> str:
    """Render the template ``template`` (a file name in :data:`TEMPLATES`) with ``context``,
    its words in ``language`` (``_``, ``gettext`` and ``ngettext`` of the report's catalogue;
    ``language`` is in the context too)."""
    words = report_translator(language)
    return environment().get_template(template).render(
        language=language, _=words.gettext, gettext=words.gettext, ngettext=words.ngettext,
        **context,
    )
