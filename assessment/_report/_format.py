"""Numbers as a report shows them in its language: decimal comma outside English, true minus."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MISSING", "as_float", "as_int", "format_interval", "format_number"]

#: What a report shows for a number that is missing or not computed.
MISSING = "–"


def format_number(value: object, language: str, digits: int = 2, *, sign: bool = False) -> str:
    """Format a number for ``language`` (decimal comma outside English, true minus sign)."""
    if value is None or value is pd.NA:
        return MISSING
    x = float(value)  # type: ignore[arg-type]
    if np.isnan(x):
        return MISSING
    out = f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    if language != "en":
        out = out.replace(".", ",")
    return out.replace("-", "\u2212")


def format_interval(low: object, high: object, language: str, *, sign: bool = False) -> str:
    """``low … high`` formatted for ``language``; a dash when the interval is not computed."""
    if np.isnan(as_float(low)) or np.isnan(as_float(high)):
        return MISSING
    return (
        f"{format_number(low, language, sign=sign)} … {format_number(high, language, sign=sign)}"
    )


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
