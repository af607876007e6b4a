"""Rules for untrusted text: length caps, control characters and spreadsheet formulas.

Kept apart from the importers so that the questionnaire form, which needs only these rules,
starts without loading pandera.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

MAX_COMMENT = 2000
MAX_NAME = 120
#: Characters removed from (or refused in) anything a person types: C0 controls except tab
#: and line feed, DEL and the C1 controls (U+0080-U+009F), and the bidirectional embeddings,
#: overrides and isolates (U+202A-U+202E, U+2066-U+2069), which can make a comment or a team
#: name display in another order than it is stored ("Trojan Source"). Zero-width joiners
#: (U+200C, U+200D) and the plain direction marks (U+200E, U+200F) are kept: they reorder
#: nothing, and emoji sequences and some scripts need them.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")


def clean_text(text: str) -> str:
    """Return ``text`` as it is stored: no control characters (CRLF becomes LF), no outer blanks."""
    return CONTROL.sub("", text).strip()


def neutralise(text: str) -> str:
    """Return ``text`` made inert for spreadsheets (one leading apostrophe when needed)."""
    return "'" + text if _FORMULA.match(text) else text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` for a CSV file: formulas in text cells neutralised, numbers
    left as numbers (every CSV the package writes goes through this or :func:`neutralise`)."""
    import pandas as pd  # here: the form imports this module and never needs pandas

    out = frame.copy()
    for name in out.columns:
        if not pd.api.types.is_numeric_dtype(out[name].dtype):
            out[name] = out[name].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return out


def restore(text: str) -> str:
    """Undo :func:`neutralise` on text read back from an export."""
    return text[1:] if _ESCAPED.match(text) else text
