"""Small widget helpers of the questionnaire: escaping, closing a page's widgets, a
question's note."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from ._radio import RadioGroup

__all__ = ["GroupMessage", "close_widget", "esc"]


def esc(value: str) -> str:
    return html.escape(value, quote=True)


def close_widget(widget: Any, keep: set[int]) -> None:
    """Close ``widget`` with its children, layout and style, except the widgets in ``keep``."""
    if id(widget) in keep:
        return
    for child in getattr(widget, "children", ()) or ():
        close_widget(child, keep)
    for part in ("layout", "style"):
        sub = getattr(widget, part, None)
        if isinstance(sub, widgets.Widget) and id(sub) not in keep:
            sub.close()
    widget.close()


class GroupMessage:
    """The note under one question (``.value``, plain text), kept inside its radio group."""

    def __init__(self, group: RadioGroup) -> None:
        self.group = group

    @property
    def value(self) -> str:
        return str(self.group.message)

    @value.setter
    def value(self, value: str) -> None:
        self.group.message = value

