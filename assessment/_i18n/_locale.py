"""What Babel's CLDR data says about a language: its name, its number symbols for charts.

Numbers and dates in text are formatted with :mod:`babel.numbers` and :mod:`babel.dates`
where they are shown (the report's :mod:`~assessment._report._format`); this module holds
the locale-wide pieces. Babel is imported on first use, never with the form's modules.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel import Locale

__all__ = ["MINUS", "babel_locale", "d3_format_locale", "language_name"]

#: The true minus sign: reports and charts write "−0.25", never a hyphen.
MINUS = "\u2212"


@cache
def babel_locale(language: str) -> Locale:
    """The CLDR locale of an interface language (``de``, ``pt_BR``...)."""
    from babel import Locale

    return Locale.parse(language)


@cache
def language_name(language: str) -> str:
    """The language in its own words, as a language picker shows it (``Deutsch``)."""
    name = babel_locale(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


@cache
def d3_format_locale(language: str) -> dict[str, Any]:
    """The number format of ``language`` as a d3-format locale (vl-convert's format_locale):
    decimal mark and digit grouping from CLDR, the true minus sign, no currency."""
    symbols = babel_locale(language).number_symbols["latn"]
    return {
        "decimal": symbols["decimal"],
        "thousands": symbols["group"],
        "grouping": [3],
        "currency": ["", ""],
        "minus": MINUS,
        "percent": symbols["percentSign"],
    }
