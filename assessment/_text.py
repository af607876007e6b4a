"""Rules for untrusted text: length caps, control characters and spreadsheet formulas.

Kept apart from the importers so that the questionnaire form, which needs only these rules,
starts without loading pandera.
"""

from __future__ import annotations

import re

MAX_COMMENT = 2000
MAX_NAME = 120
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")


def neutralise(text: str) -> str:
    """Return ``text`` made inert for spreadsheets (one leading apostrophe when needed)."""
    return "'" + text if _FORMULA.match(text) else text


def restore(text: str) -> str:
    """Undo :func:`neutralise` on text read back from an export."""
    return text[1:] if _ESCAPED.match(text) else text
