"""Records shown as a small readable card: a title and its fields, one per line, escaped."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable
from typing import Any

from ._tables import MISSING, header

__all__ = ["card", "record_card"]

_CARD = ('<div class="asmt-card" style="display: inline-block; border: 1px solid #c9d1d9; '
         'border-radius: 6px; padding: 0.5rem 0.9rem; margin: 0.25rem 0; font-size: 0.9rem;">')


def _value(value: Any) -> str:
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list | set | frozenset):
        return ", ".join(str(v) for v in value) or MISSING
    return str(value)


def card(title: str, fields: Iterable[tuple[str, Any]]) -> str:
    """HTML of a card: ``title`` and one ``label: value`` line per field (all escaped)."""
    rows = "".join(
        f'<tr><th style="text-align: left; padding: 0.1rem 1rem 0.1rem 0; font-weight: 600; '
        f'color: #4a5560;">{html.escape(label)}</th>'
        f'<td style="text-align: left; padding: 0.1rem 0;">{html.escape(_value(value))}</td></tr>'
        for label, value in fields
    )
    return (f'{_CARD}<div style="font-weight: 700; margin-bottom: 0.3rem;">'
            f'{html.escape(title)}</div><table style="border-collapse: collapse;">{rows}'
            "</table></div>")


def record_card(record: Any, title: str | None = None, *, skip: Iterable[str] = ()) -> str:
    """A dataclass record as a card: its fields by readable name (``min_group_size`` ->
    ``Min group size``), missing values as ``–``."""
    left_out = set(skip)
    fields = [(header(f.name), getattr(record, f.name)) for f in dataclasses.fields(record)
              if f.name not in left_out]
    return card(title or type(record).__name__, fields)
