"""The report page: the executed notebook exported to HTML without code or scripts, and its audit.

The outputs only (nbconvert's lab template with ``exclude_input``), and no JavaScript at all:
no require.js, MathJax, Mermaid or widget scripts, charts as inline SVG images. The page
makes no network request and cannot run an injected script; :func:`html_problems` checks
both before a page is written.
"""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from typing import Any

from nbformat import NotebookNode

__all__ = ["export_html", "html_problems"]

#: The lab template without any script: no require.js, MathJax, Mermaid, widgets or
#: JavaScript outputs; print rules for A4 and a new page for every section (every code cell
#: with output after the first, unless tagged ``no-page-break``).
_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block data_javascript scoped -%}{%- endblock data_javascript -%}
{%- block data_widget_view scoped -%}{%- endblock data_widget_view -%}
{%- block extra_css -%}
<style type="text/css">
body.jp-Notebook { max-width: 1080px; margin: 0 auto; padding: 24px 32px; }
.jp-mod-noOutputs.jp-mod-noInput { display: none; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html, body.jp-Notebook { max-width: none; margin: 0; padding: 0; }
  /* Nothing below the last line of a section: a trailing margin alone would spill onto an
     empty page before the next section's page break. */
  .jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-child,
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { margin: 0 !important; padding: 0 !important; }
  .jp-RenderedHTMLCommon > *:last-child { margin-bottom: 0 !important; }
  .jp-CodeCell:not(.jp-mod-noOutputs)
    ~ .jp-CodeCell:not(.jp-mod-noOutputs):not(.celltag_no-page-break),
  .page-break { break-before: page; }
  .jp-OutputArea-output img, figure, table { break-inside: avoid; }
}
</style>
{%- endblock extra_css -%}
{%- block footer %}
</html>
{% endblock footer -%}
"""


_exporter: Any = None


def _html_exporter() -> Any:
    """Return this process's HTML exporter (built once: template loading is not free)."""
    global _exporter
    if _exporter is None:
        from jinja2 import DictLoader
        from nbconvert import HTMLExporter

        _exporter = HTMLExporter(  # type: ignore[no-untyped-call]
            template_name="lab",
            template_file="assessment_report.html.j2",
            extra_loaders=[DictLoader({"assessment_report.html.j2": _TEMPLATE})],
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
