"""Tables fit to show people: a frame's HTML with formatted values, names and a caption.

:func:`fit_table` wraps a DataFrame for display only (the frame itself is unchanged, and code
keeps using it): percentages as percentages, scores rounded to two decimals, ``–`` for no
value, yes and no instead of booleans, names instead of ids, no index column, and a one-line
caption saying why when the table is empty. The HTML comes from pandas' ``Styler``, which
JupyterLab and nbconvert's HTML both show as they are, offline; every cell and header is
escaped (team names and comments are typed by clients).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from .._model._schema import MaturityModel

__all__ = ["EMPTY", "MISSING", "PERCENT_COLUMNS", "Table", "fit_table"]

#: How a missing value reads in a table shown to people.
MISSING: Final = "–"
#: The caption of an empty table when nobody said why.
EMPTY: Final = "nothing to show"
#: Columns holding a share from 0 to 1, shown as percentages.
PERCENT_COLUMNS: Final = frozenset({"rate", "response_rate", "share"})
#: Columns holding a percentage from 0 to 100.
_PERCENT_100: Final = frozenset({"percent"})
#: Columns of whole numbers that a float dtype may carry (missing values).
_WHOLE: Final = frozenset({"n", "headcount", "responses", "organisations", "percentile", "k",
                           "phase", "step", "level", "target_level", "priority", "uses",
                           "max_uses", "codes", "count", "answered"})
#: Words of column names written out.
_WORDS: Final = {"n": "n", "ci": "CI", "sd": "SD", "rwg": "rwg(J)", "enps": "eNPS",
                 "cx": "CX", "ex": "EX", "id": "id", "na": "not applicable"}
_STYLES: Final[list[dict[str, str]]] = [
    {"selector": "", "props": "border-collapse: collapse; font-size: 0.9rem; margin: 0.25rem 0;"},
    {"selector": "caption", "props": "caption-side: top; text-align: left; color: #4a5560; "
                                     "padding: 0 0 0.35rem; font-style: italic;"},
    {"selector": "th", "props": "text-align: left; padding: 0.25rem 0.6rem; "
                                "border-bottom: 1px solid #9aa5b1; font-weight: 600;"},
    {"selector": "td", "props": "padding: 0.2rem 0.6rem; border-bottom: 1px solid #e6eaee; "
                                "vertical-align: top; white-space: normal; max-width: 40rem;"},
]


def header(name: object) -> str:
    """A column name as people read it: ``will_be_suppressed`` -> ``Will be suppressed``."""
    words = [_WORDS.get(w, w) for w in str(name).split("_") if w]
    text = " ".join(words) or str(name)
    return text[:1].upper() + text[1:]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: a value
        return False


def _number(value: Any, places: int) -> str:
    number = float(value)
    if math.isinf(number):
        return MISSING
    return f"{number:,.{places}f}" if places else f"{round(number):,d}"


def _formatter(name: str, column: pd.Series, names: Mapping[str, str]) -> Callable[[Any], str]:
    """How each cell of ``column`` reads."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype) or (
        pd.api.types.is_object_dtype(dtype) and len(column.dropna()) and column.dropna().map(
            lambda v: isinstance(v, bool)).all()
    ):
        return lambda v: MISSING if _missing(v) else ("yes" if bool(v) else "no")
    if name in PERCENT_COLUMNS and pd.api.types.is_numeric_dtype(dtype):
        return lambda v: MISSING if _missing(v) else f"{float(v) * 100:.0f}%"
    if name in _PERCENT_100 and pd.api.types.is_numeric_dtype(dtype):
        return lambda v: MISSING if _missing(v) else f"{float(v):.0f}%"
    if pd.api.types.is_integer_dtype(dtype) or (
        name in _WHOLE and pd.api.types.is_numeric_dtype(dtype)
    ):
        return lambda v: MISSING if _missing(v) else _number(v, 0)
    if pd.api.types.is_numeric_dtype(dtype):
        return lambda v: MISSING if _missing(v) else _number(v, 2)

    def text(value: Any) -> str:
        if _missing(value):
            return MISSING
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return _number(value, 0 if name in _WHOLE else 2)
        if isinstance(value, list | tuple):
            return ", ".join(names.get(str(v), str(v)) for v in value) or MISSING
        label = str(value)
        if name == "after":  # comma-separated dimension ids
            return ", ".join(names.get(p.strip(), p.strip()) for p in label.split(","))
        return names.get(label, label) if name in _NAMED else label

    return text


#: Columns whose values are ids of the model, shown by name.
_NAMED: Final = frozenset({"dimension", "facet", "item", "dimension_id", "by", "group",
                           "role", "kind", "agreement", "measure"})


def model_names(model: MaturityModel | None, language: str = "en") -> dict[str, str]:
    """Ids of the model (dimensions, facets, items) and of the tables' words, to their names."""
    names = {"overall": "Overall", "all": "whole organisation",
             "role,team": "role × team", "executive": "executives", "manager": "managers",
             "frontline": "frontline", "agree": "agree", "differ": "one level apart",
             "disagree": "disagree"}
    if model is None:
        return names
    for dim in model.dimensions:
        names[dim.id] = dim.name.get(language)
        for facet in dim.facets:
            names[facet.id] = facet.name.get(language)
    phrase = "frontline" if "frontline" in model.roles else model.roles[-1]
    for item_id, item in model.items.items():
        names[item_id] = item.text.get(phrase, language)
    return names


@dataclass
class Table:
    """A frame to show: its HTML (``_repr_html_``) formats values; :attr:`frame` is unchanged."""

    frame: pd.DataFrame
    caption: str | None = None
    #: Why the table is empty (its caption then).
    empty: str = EMPTY
    names: Mapping[str, str] = field(default_factory=dict)
    #: Columns left out of the display (the frame keeps them).
    hidden: tuple[str, ...] = ()

    def shown(self) -> pd.DataFrame:
        """The frame as displayed: a meaningful index as a column, hidden columns left out."""
        frame = self.frame
        if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
            frame = frame.reset_index()
        return frame.drop(columns=[c for c in self.hidden if c in frame.columns])

    def styler(self) -> Styler:
        """The pandas ``Styler`` that draws the table (escaped, formatted, no index)."""
        frame = self.shown()
        plain = frame.set_axis([str(c) for c in frame.columns], axis=1)
        formats: dict[Any, Any] = {c: _formatter(c, plain[c], self.names)
                                   for c in plain.columns}
        numeric = [c for c in plain.columns
                   if pd.api.types.is_numeric_dtype(plain[c].dtype)
                   and not pd.api.types.is_bool_dtype(plain[c].dtype)]
        style = (
            plain.style.format(formats, escape="html")
            .format_index(header, axis=1, escape="html")
            .hide(axis="index")
            .set_table_styles(_STYLES)  # type: ignore[arg-type]
        )
        if numeric:  # one rule per column, not one per cell
            style = style.set_table_styles(
                {c: [{"selector": "td", "props": "text-align: right;"}] for c in numeric},
                overwrite=False,
            )
        caption = self.empty if frame.empty else self.caption
        if caption:
            style = style.set_caption(caption)
        return style

    def to_html(self) -> str:
        """The table as HTML, values escaped."""
        html: str = self.styler().to_html()
        return html

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<table of {len(self.frame)} rows: {', '.join(map(str, self.frame.columns))}>"


def fit_table(
    frame: pd.DataFrame,
    *,
    model: MaturityModel | None = None,
    language: str = "en",
    caption: str | None = None,
    empty: str | None = None,
    hide: Iterable[str] = (),
) -> Table:
    """Return ``frame`` fit to show a client: formatted values, names, a caption when empty.

    Parameters
    ----------
    frame:
        Any table of the library (it is not changed: code keeps using it).
    model:
        The engagement's model: dimension, facet and question ids are shown by name.
    language:
        The language of those names.
    caption:
        A line above the table.
    empty:
        What an empty table says instead (default: the frame's ``attrs["empty"]``, which
        the library's functions set where they know why, else "nothing to show").
    hide:
        Columns not to show (e.g. ``suppressed`` once withheld rows say so).
    """
    reason = empty or frame.attrs.get("empty") or EMPTY
    return Table(frame, caption or frame.attrs.get("caption"), str(reason),
                 model_names(model, language), tuple(hide))
