"""The report page: the executed notebook exported to HTML without code or scripts, and its audit.

The outputs only (nbconvert's lab template with ``exclude_input``, extended by the package's
``templates/nbconvert/assessment_report``), and no JavaScript at all:
no require.js, MathJax, Mermaid or widget scripts, charts as inline SVG images. The page
makes no network request and cannot run an injected script; :func:`html_problems` checks
both before a page is written.
"""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from typing import Any, Final

from nbformat import NotebookNode

from ._templates import TEMPLATES

__all__ = ["export_html", "html_problems"]

#: nbconvert's template directory of the report page (``conf.json``, ``index.html.j2``): the
#: lab template without any script, with print rules for A4 and a page per section.
PAGE_TEMPLATE: Final = "assessment_report"


_exporter: Any = None


def _html_exporter() -> Any:
    """Return this process's HTML exporter (built once: template loading is not free)."""
    global _exporter
    if _exporter is None:
        from nbconvert import HTMLExporter

        _exporter = HTMLExporter(  # type: ignore[no-untyped-call]
            template_name=PAGE_TEMPLATE,
            extra_template_basedirs=[str(TEMPLATES / "nbconvert")],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,
            require_js_url="",
            mathjax_url="",
            mermaid_js_url="",
        )
    return _exporter


def export_html(nb: NotebookNode, *, title: str, language: str = "en") -> str:
    """Return the report page of an executed notebook: outputs only, no script, no CDN.

    Standard-error streams (warnings) stay in the notebook and are left out of the page.
    """
    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = [
                o for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    exporter = _html_exporter()
    exporter.language_code = language
    body, _ = exporter.from_notebook_node(clean, resources={"metadata": {"name": title}})
    return str(body)


_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


_SAFE_SCHEME = re.compile(r"^\s*(?:data|#)", re.IGNORECASE)


_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?!data:|#)([^'\")\s]+)|@import", re.IGNORECASE)


_LOADING_ATTRS = {"src", "href", "xlink:href", "data", "srcset", "poster", "background", "action"}


_ACTIVE_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base"}


class _Auditor(HTMLParser):
    """Collect what would make a page run code or load anything from elsewhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def _problem(self, text: str) -> None:
        if len(self.problems) < 20:
            self.problems.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in _ACTIVE_TAGS:
            self._problem(f"line {line}: <{tag}> element")
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh"
                                 for k, v in attrs):
            self._problem(f"line {line}: <meta http-equiv=refresh>")
        self._in_style = tag == "style"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self._problem(f"line {line}: event handler {name}= on <{tag}>")
            elif name == "style" and _CSS_URL.search(value):
                self._problem(f"line {line}: external CSS resource on <{tag}>")
            elif name in _LOADING_ATTRS and value:
                if value.strip().lower().startswith(("javascript:", "vbscript:")):
                    self._problem(f"line {line}: script URL in {name}= on <{tag}>")
                elif tag != "a" and _EXTERNAL.match(value) and not _SAFE_SCHEME.match(value):
                    self._problem(f"line {line}: external resource {name}= on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and _CSS_URL.search(data):
            self._problem(f"line {self.getpos()[0]}: external CSS resource in <style>")


def html_problems(page: str) -> list[str]:
    """Return why ``page`` is not a safe, self-contained report (empty list: it is).

    A report page has no script, frame, object or event handler, and loads nothing that is
    not inside it (only ``data:`` URLs and in-page anchors); links (``<a href>``) are allowed.
    """
    auditor = _Auditor()
    auditor.feed(page)
    auditor.close()
    return auditor.problems
