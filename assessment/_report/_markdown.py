"""The consultant's Markdown as report HTML: no raw HTML, no scripts, nothing loaded.

markdown-it-py (CommonMark, with tables and strikethrough) with ``html`` off, so any tag the
consultant types is shown as text, escaped. Links are kept only to ``http``, ``https`` and
``mailto`` addresses (``javascript:``, ``data:``, ``file:`` and relative links stay text);
images never load (reports are offline): an image is shown as its alt text. Headings are
moved below the report's own headings (``#`` becomes ``<h3>`` by default).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any, Final

from markupsafe import Markup

__all__ = ["render_markdown"]

#: The only link targets kept: web and mail addresses.
_SAFE_LINK: Final = re.compile(r"^(?:https?://|mailto:)[^\s\x00-\x1f]+$", re.IGNORECASE)


def _image_as_text(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    """An image as its alt text (escaped): nothing is loaded, remote or inline."""
    from markdown_it.common.utils import escapeHtml

    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    return f'<span class="asmt-image-alt">[{escapeHtml(alt)}]</span>' if alt else ""


def _link_open(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    """A link that opens elsewhere and passes nothing on."""
    tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
    return str(self.renderToken(tokens, idx, options, env))


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]
    md.add_render_rule("image", _image_as_text)
    md.add_render_rule("link_open", _link_open)
    return md


def render_markdown(text: str, *, top: int = 3) -> Markup:
    """Return the consultant's Markdown ``text`` as safe HTML (see the module's notes); its
    first-level headings become ``<h{top}>`` (none deeper than ``<h6>``)."""
    md = _parser()
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + top - 1, 6)}"
    # Safe: markdown-it escapes all text and attributes, and html is off.
    return Markup(md.renderer.render(tokens, md.options, {}))
