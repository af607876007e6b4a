"""Numbers and dates as a report shows them in its language, by Babel (CLDR): the decimal
mark and digit grouping of the language, the true minus sign, dates in the language's words.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd

from .._i18n._locale import MINUS, babel_locale

__all__ = [
    "MISSING",
    "as_float",
    "as_int",
    "format_count",
    "format_date",
    "format_datetime",
    "format_interval",
    "format_number",
    "format_percent",
]

#: What a report shows for a number that is missing or not computed.
MISSING = "–"


def _rounded(value: object, digits: int, sign: bool) -> tuple[str, Decimal] | None:
    """The sign ("", "+", "−") and the magnitude of ``value`` rounded to ``digits`` places as
    Python rounds (``f"{x:.2f}"``), no sign when that is zero; None when the value is
    missing."""
    if value is None or value is pd.NA:
        return None
    x = float(value)  # type: ignore[arg-type]
    if np.isnan(x):
        return None
    text = f"{x:+.{digits}f}"
    magnitude = Decimal(text[1:])
    if not magnitude:  # -0.004 is 0.00, not "−0.00"
        return "", magnitude
    mark = {"-": MINUS, "+": "+" if sign else ""}[text[0]]
    return mark, magnitude


def format_number(value: object, language: str, digits: int = 2, *, sign: bool = False) -> str:
    """A number with ``digits`` decimals in ``language`` (``1.25``, ``1,25``); a leading ``+``
    with ``sign``; the true minus sign; :data:`MISSING` when there is none."""
    from babel.numbers import format_decimal

    parts = _rounded(value, digits, sign)
    if parts is None:
        return MISSING
    mark, magnitude = parts
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return mark + format_decimal(magnitude, format=pattern, locale=babel_locale(language))


def format_percent(value: object, language: str, digits: int = 0) -> str:
    """A percentage given on the 0–100 scale, as ``language`` writes it (``45%``, ``45 %``)."""
    from babel.numbers import format_percent as babel_percent

    parts = _rounded(value, digits, False)
    if parts is None:
        return MISSING
    mark, magnitude = parts
    locale = babel_locale(language)
    pattern = locale.percent_formats[None].pattern
    if digits:  # the language's pattern (where the sign and space go), with decimals
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return mark + babel_percent(magnitude / 100, format=pattern, locale=locale)


def format_count(value: int, language: str) -> str:
    """A whole number in ``language`` (``1,234``, ``1.234``, ``1 234``)."""
    from babel.numbers import format_decimal

    return format_decimal(int(value), format="#,##0", locale=babel_locale(language))


def format_interval(low: object, high: object, language: str, *, sign: bool = False) -> str:
    """``low … high`` formatted for ``language``; a dash when the interval is not computed."""
    if np.isnan(as_float(low)) or np.isnan(as_float(high)):
        return MISSING
    return (
        f"{format_number(low, language, sign=sign)} … {format_number(high, language, sign=sign)}"
    )


def format_date(value: str, language: str) -> str:
    """An ISO date (``2026-03-01``) in ``language``'s words (``1. März 2026``); any other
    text as it is."""
    from babel.dates import format_date as babel_date

    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return babel_date(day, format="long", locale=babel_locale(language))


def format_datetime(moment: datetime, language: str) -> str:
    """A moment to the minute in ``language`` (``Mar 1, 2026, 2:05 PM UTC``,
    ``01.03.2026, 14:05 UTC``): the language's medium date and short time, and the zone."""
    from babel.dates import format_date as babel_date
    from babel.dates import format_time, get_datetime_format

    locale = babel_locale(language)
    glue = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    text = glue.replace("{0}", format_time(moment, "short", locale=locale)).replace(
        "{1}", babel_date(moment, "medium", locale=locale)
    )
    zone = moment.tzname()
    return f"{text} {zone}" if zone else text


def as_int(value: object) -> int | None:
    """A whole number from a table cell, None when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return int(value)  # type: ignore[call-overload,no-any-return]


def as_float(value: object) -> float:
    """A number from a table cell, NaN when missing."""
    if value is None or value is pd.NA:
        return float("nan")
    return float(value)  # type: ignore[arg-type]
