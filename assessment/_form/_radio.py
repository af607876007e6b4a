"""One question's choices as one labelled radio group, in any widget host.

ipywidgets' ``RadioButtons`` renders inputs without a shared ``name``, no ``radiogroup`` role
and a label that is not tied to them: every choice is its own Tab stop, arrow keys do nothing
and a screen reader announces the choices without their question. :class:`RadioGroup` is an
anywidget (its script and style travel with the widget: nothing is fetched) that renders

    <fieldset role="radiogroup" aria-labelledby="…-label" aria-describedby="…-message">
      <legend id="…-label">3. How often …?</legend>
      <label><input type="radio" name="…"> Never</label> …
      <p id="…-message" class="af-message" role="status"></p>
    </fieldset>

so Tab enters the group once, arrow keys move the selection (handled here too, because
JupyterLab takes arrow keys for its own shortcuts) and the question is read with its choices.
It works the same under the questionnaire server, Voilà and JupyterLab.

The Python side mirrors ``RadioButtons``: ``options`` as ``(label, value)`` pairs, ``value``,
``index``, ``description`` and the synced ``_options_labels``. Only ``index`` comes back from
the browser, and an index that names no option is taken as no answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import anywidget
import ipywidgets
import traitlets

__all__ = ["RadioGroup"]

_ESM = r"""
const STEP = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
function render({ model, el }) {
  // One counter for the whole page: the front end may load this module once per widget,
  // and two groups sharing an id would share the first one's label.
  globalThis.afRadioGroups = (globalThis.afRadioGroups || 0) + 1;
  const id = `af-rg-${globalThis.afRadioGroups}`;
  const fs = document.createElement("fieldset");
  fs.className = "af-radiogroup";
  fs.setAttribute("role", "radiogroup");
  fs.setAttribute("aria-labelledby", `${id}-label`);
  fs.setAttribute("data-lm-suppress-shortcuts", "true");
  const legend = document.createElement("legend");
  legend.id = `${id}-label`;
  const box = document.createElement("div");
  box.className = "af-options";
  const msg = document.createElement("p");
  msg.id = `${id}-message`;
  msg.className = "af-message";
  msg.setAttribute("role", "status");
  fs.append(legend, box, msg);
  el.appendChild(fs);
  const inputs = () => [...box.querySelectorAll("input")];
  const pick = (i) => { model.set("index", i); model.save_changes(); };
  function checked() {
    const at = model.get("index");
    inputs().forEach((input, i) => {
      input.checked = at === i;
      input.tabIndex = at === i || (at === null && i === 0) ? 0 : -1;
    });
  }
  function draw() {
    legend.textContent = model.get("description");
    box.replaceChildren(...model.get("_options_labels").map((text, i) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio"; input.name = id; input.value = String(i);
      input.addEventListener("change", () => { if (input.checked) pick(i); });
      label.append(input, document.createTextNode(" " + text));
      return label;
    }));
    checked();
  }
  function message() {
    msg.textContent = model.get("message");
    if (msg.textContent) fs.setAttribute("aria-describedby", msg.id);
    else fs.removeAttribute("aria-describedby");
  }
  fs.addEventListener("keydown", (e) => {
    if (!(e.key in STEP) || e.target.type !== "radio") return;
    e.preventDefault(); e.stopPropagation();
    const all = inputs();
    const j = (all.indexOf(e.target) + STEP[e.key] + all.length) % all.length;
    all[j].checked = true; all[j].focus(); pick(j); checked();
  });
  draw(); message();
  model.on("change:_options_labels", draw);
  model.on("change:description", draw);
  model.on("change:index", checked);
  model.on("change:message", message);
}
export default { render };
"""


class RadioGroup(anywidget.AnyWidget):
    """A single choice among ``options`` (``(label, value)`` pairs), shown as a radio group.

    Parameters
    ----------
    options:
        The choices, in order: ``(label, value)`` pairs.
    value:
        The chosen value, or ``None`` for no choice yet.
    description:
        The question: the group's accessible name and visible legend.
    """

    # The anywidget traits are declared on the class: AnyWidget would add them per instance
    # (one new class per widget), and a page has dozens of these.
    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    _css = traitlets.Unicode("").tag(sync=True)
    _anywidget_id = traitlets.Unicode("assessment.RadioGroup").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    _options_labels = traitlets.List(traitlets.Unicode()).tag(sync=True)
    index = traitlets.Int(None, allow_none=True).tag(sync=True)
    #: A note under the choices ("not answered yet"), plain text, read out when it changes.
    message = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        options: Iterable[tuple[str, Any]] = (),
        value: Any = None,
        description: str = "",
        **kwargs: Any,
    ) -> None:
        pairs = [(str(label), v) for label, v in options]
        self._values: list[Any] = [v for _, v in pairs]
        ipywidgets.DOMWidget.__init__(
            self, description=description, _options_labels=[label for label, _ in pairs],
            index=self._index_of(value), **kwargs,
        )

    def _index_of(self, value: Any) -> int | None:
        if value is None:
            return None
        for i, candidate in enumerate(self._values):
            if candidate == value and not isinstance(value, bool):
                return i
        raise traitlets.TraitError(f"{value!r} is not one of the choices {self._values!r}")

    @traitlets.validate("index")
    def _valid_index(self, proposal: dict[str, Any]) -> int | None:
        index = proposal["value"]
        if isinstance(index, int) and 0 <= index < len(self._values):
            return index
        return None  # from the browser: untrusted; an unknown choice is no choice

    @property
    def options(self) -> list[tuple[str, Any]]:
        """The choices as ``(label, value)`` pairs."""
        return list(zip(self._options_labels, self._values, strict=True))

    @property
    def value(self) -> Any:
        """The chosen value, or ``None``."""
        return None if self.index is None else self._values[self.index]

    @value.setter
    def value(self, value: Any) -> None:
        self.index = self._index_of(value)

    def __repr__(self) -> str:
        return f"RadioGroup({self.description!r}, value={self.value!r})"
