"""The report: :func:`prepare_report` validates the notebook's parameters and computes every
table once; the :class:`Report` it returns shows one section per call, as HTML.

How the numbers stay confidential (``docs/reports.md`` has the whole story):

- Every number comes from the scoring functions, computed once per engagement over the
  *whole* organisation with every breakdown (:func:`score_breakdown` and friends), so one
  suppression pattern covers the organisation report and every unit report: a unit report
  is a slice of the same tables and can never be subtracted from another report to reveal a
  withheld group.
- A unit (team, role, department) that is withheld in that pattern gets no report at all
  (:class:`ConfidentialityError`).
- Charts are drawn from those aggregated tables only, rendered to SVG inside the kernel and
  embedded inline; everything a user typed (organisation, team, department names, comments)
  is escaped with :func:`html.escape` before it is put into the page.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from ..__version__ import __version__
from .._atomic import write_text_atomic
from .._confidentiality._comments import releasable_comments
from .._confidentiality._groups import BREAKDOWNS, NOT_GIVEN, ORGANISATION_GROUP
from .._confidentiality._publication import Publication, publication
from .._exceptions import ConfidentialityError, NotFoundError, ParameterError
from .._i18n._report import REPORT_LANGUAGES, text
from .._model._schema import KNOWN_ROLES, OUTCOME_MEASURES, MaturityModel
from .._scoring._analytics import (
    LEVEL_FLOORS,
    answer_distribution,
    rating_agreement,
    strengths_and_opportunities,
    target_gaps,
)
from .._scoring._gaps import perception_gaps
from .._scoring._outcomes import CX_EX_MARGIN, enps, trifecta
from .._scoring._reliability import ReliabilityReport, reliability
from .._scoring._roadmap import roadmap
from .._scoring._scores import OVERALL, score_breakdown
from .._store._engagements import Engagement
from .._store._store import Store
from .._store._workspace import WORKSPACE_ENV, Workspace

__all__ = [
    "PARAMETERS",
    "UNIT_KINDS",
    "Report",
    "Section",
    "Unit",
    "check_parameters",
    "parse_unit",
    "prepare_report",
    "reportable_units",
    "unit_slug",
]

UnitKind = Literal["organisation", "team", "role", "department"]
#: What a report can be about.
UNIT_KINDS: Final = ("organisation", "team", "role", "department")
#: Above this many teams, the organisation's heatmap shows departments instead.
MAX_HEATMAP_ROWS: Final = 60
#: Put before the heatmap label of the report's own group (which is also outlined).
HIGHLIGHT_MARK: Final = "▶"
#: Strengths and opportunities listed per report.
TOP_ITEMS: Final = 5
#: Engagements whose tables are kept in memory per process (a batch worker reuses them).
CACHE_SIZE: Final = 2
#: The report notebook's parameters, in the order of its ``parameters`` cell.
PARAMETERS: Final = ("workspace", "engagement", "unit", "language", "output_dir")
#: What papermill can inject as a parameter value.
_LITERALS: Final = (str, int, float, bool, list, dict, tuple, type(None))

_GROUPINGS: Final = ("organisation", "role", "team", "department")


# --- units -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """What a report covers: the whole organisation, or one team, role or department."""

    kind: UnitKind
    name: str = ORGANISATION_GROUP

    @property
    def parameter(self) -> str:
        """The notebook's ``unit`` parameter for this unit."""
        return "organisation" if self.kind == "organisation" else f"{self.kind}:{self.name}"

    @property
    def slug(self) -> str:
        """A file-name-safe, unique name for this unit (see :func:`unit_slug`)."""
        return unit_slug(self.parameter)

    def label(self, language: str) -> str:
        """The unit as the report's subtitle names it (the name is not escaped here)."""
        if self.kind == "organisation":
            return text(language, "unit_organisation")
        name = text(language, f"role_{self.name}") if self.kind == "role" else self.name
        return text(language, f"unit_{self.kind}", name=name)


def parse_unit(unit: str) -> Unit:
    """Parse the ``unit`` parameter: ``organisation``, ``team:NAME``, ``role:NAME`` or
    ``department:NAME``; raise :class:`ParameterError` naming the bad value."""
    if not isinstance(unit, str):
        raise ParameterError(f"unit: must be a string, got {unit!r}")
    if unit.strip() == "organisation":
        return Unit("organisation")
    kind, sep, name = unit.partition(":")
    kind = kind.strip()
    if not sep or kind not in UNIT_KINDS[1:] or not name.strip():
        raise ParameterError(
            f"unit: {unit!r} is not a unit; use 'organisation', 'team:NAME', 'role:NAME' or "
            "'department:NAME'"
        )
    if kind == "role" and name.strip() not in KNOWN_ROLES:
        raise ParameterError(
            f"unit: {unit!r} names no role; the roles are {', '.join(KNOWN_ROLES)}"
        )
    return Unit(kind, name.strip() if kind == "role" else name)  # type: ignore[arg-type]


def unit_slug(unit: str) -> str:
    """Return a safe file-name stem for a ``unit`` parameter.

    ``organisation`` stays as it is; ``team:Customer Care Kyiv`` becomes
    ``team-customer-care-kyiv-<8 hex digits of its SHA-256>``: ASCII letters and digits only
    (so no name a user typed can reach the file system raw), unique thanks to the hash.
    """
    parsed = parse_unit(unit)
    if parsed.kind == "organisation":
        return "organisation"
    ascii_name = unicodedata.normalize("NFKD", parsed.name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")
    digest = hashlib.sha256(parsed.parameter.encode("utf-8")).hexdigest()[:8]
    return "-".join(part for part in (parsed.kind, words, digest) if part)


# --- the engagement's tables, computed once ----------------------------------------------


@dataclass
class _Tables:
    """Everything a report of one engagement needs, for the whole organisation.

    ``respondents`` and ``answers`` are respondent-level and never leave this module: the
    report keeps only the aggregated slices it shows.
    """

    engagement: Engagement
    model: MaturityModel
    respondents: pd.DataFrame
    answers: pd.DataFrame
    publication: Publication
    scores: pd.DataFrame
    headcount: pd.DataFrame
    enps: pd.DataFrame
    trifecta: pd.DataFrame
    strengths: pd.DataFrame
    reliability: ReliabilityReport
    comments: pd.DataFrame
    comment_min: int
    ratings: pd.DataFrame
    targets: dict[str, int] = field(default_factory=dict)


_cache: OrderedDict[tuple[str, str, tuple[Any, ...]], _Tables] = OrderedDict()


def _fingerprint(store: Store, engagement_id: str) -> tuple[Any, ...]:
    """Change whenever the engagement's respondents, exclusions, teams or targets change."""
    return (str(store.path), store.revision(engagement_id))


def _compute(store: Store, engagement: Engagement) -> _Tables:
    model = store.model(engagement.id)
    data = store.responses(engagement.id)
    respondents, answers = data.respondents, data.answers
    k = engagement.min_group_size
    comment_min = max(engagement.min_comment_group_size, k)  # the store keeps it >= k
    if len(respondents):
        comments = releasable_comments(
            data.comments, respondents, by="team", min_comment_group_size=comment_min,
            min_group_size=k,
        )
    else:
        comments = pd.DataFrame(columns=["by", "group", "dimension_id", "text"])
    # One pattern for every table of the engagement: they can be read side by side.
    pub = publication(model, respondents, answers, min_group_size=k)
    shared: dict[str, Any] = {"min_group_size": k, "publication": pub}
    return _Tables(
        engagement=engagement,
        model=model,
        respondents=respondents,
        answers=answers,
        publication=pub,
        scores=score_breakdown(model, respondents, answers, by=BREAKDOWNS, **shared),
        headcount=pub.headcounts(),
        enps=enps(model, respondents, answers, by=_GROUPINGS, **shared),
        trifecta=trifecta(model, respondents, answers, by=_GROUPINGS, **shared),
        strengths=strengths_and_opportunities(
            model, respondents, answers, by=_GROUPINGS, k=TOP_ITEMS, **shared
        ),
        reliability=reliability(model, answers, min_group_size=k),
        comments=comments,
        comment_min=comment_min,
        ratings=rating_agreement(
            model,
            score_breakdown(model, respondents, answers, by="organisation", level="facet",
                            **shared),
            store.ratings(engagement.id),
        ),
        targets=store.targets(engagement.id),
    )


def _tables(workspace: Workspace, engagement_id: str) -> _Tables:
    """Return the engagement's tables, from this process's cache when nothing changed."""
    with Store(workspace.db_path) as store:
        try:
            engagement = store.engagement(engagement_id)
        except NotFoundError:
            known = ", ".join(e.id for e in store.engagements()) or "none"
            raise ParameterError(
                f"engagement: {engagement_id!r} is not an engagement of workspace "
                f"{workspace.path} (known: {known})"
            ) from None
        key = (str(workspace.db_path), engagement_id, _fingerprint(store, engagement_id))
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        tables = _compute(store, engagement)
    _cache[key] = tables
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return tables


def _workspace(workspace: str) -> Workspace:
    """The workspace named, else ``$ASSESSMENT_WORKSPACE``, else the nearest ``workspace/``
    (see :meth:`Workspace.find`: a notebook in JupyterLab runs in ``notebooks/``)."""
    if not isinstance(workspace, str | Path):
        raise ParameterError(f"workspace: must be a folder name, got {workspace!r}")
    ws = Workspace.find(workspace or None)
    if not ws.db_path.is_file():
        where = (
            f"looked in {ws.path}" if workspace or os.environ.get(WORKSPACE_ENV)
            else f"no workspace/{ws.db_path.name} in {Path.cwd()} or a parent folder"
        )
        raise ParameterError(
            f"workspace: {str(workspace) or str(ws.path)!r} holds no {ws.db_path.name} "
            f"({where}); pass the workspace folder or set {WORKSPACE_ENV}"
        )
    return ws


def check_parameters(namespace: Mapping[str, object]) -> None:
    """Refuse a parameter the report notebook does not have (papermill only warns).

    ``namespace`` is the notebook's ``globals()``: every variable in it that holds a value
    papermill can inject (a string, number, boolean, None, list or dict), does not start
    with ``_`` and is not IPython's own, must be one of :data:`PARAMETERS`.
    """
    shell = namespace.get("get_ipython")
    hidden: set[str] = set()
    if callable(shell):
        hidden = set(getattr(shell(), "user_ns_hidden", {}))
    unknown = sorted(
        name for name, value in namespace.items()
        if not name.startswith("_") and name not in hidden and name not in PARAMETERS
        and isinstance(value, _LITERALS)
    )
    if unknown:
        raise ParameterError(
            f"{', '.join(unknown)}: not a parameter of this notebook "
            f"(known: {', '.join(PARAMETERS)})"
        )


def _unit_mask(respondents: pd.DataFrame, unit: Unit) -> pd.Series:
    if unit.kind == "organisation":
        return pd.Series(True, index=respondents.index)
    return _group_labels(respondents[unit.kind]) == unit.name


def _group_labels(column: pd.Series) -> pd.Series:
    """The group label of every respondent: missing values are :data:`NOT_GIVEN`."""
    return column.astype("object").where(column.notna(), NOT_GIVEN).astype(str)


def _gaps(layers: pd.DataFrame) -> pd.DataFrame:
    """The perception gaps of these role rows (none without rows)."""
    return perception_gaps(layers) if not layers.empty else pd.DataFrame()


def _check_unit(tables: _Tables, unit: Unit) -> None:
    """Refuse a unit that does not exist or is withheld in the engagement's tables."""
    if unit.kind == "organisation":
        if not len(tables.respondents):
            raise ConfidentialityError(
                f"engagement {tables.engagement.id!r} has no respondents yet: import "
                "responses (assessment import) or collect them with the form (assessment "
                "form) first"
            )
        row = tables.headcount[tables.headcount["by"] == "organisation"]
    else:
        rows = tables.headcount[tables.headcount["by"] == unit.kind]
        row = rows[rows["group"] == unit.name]
        if row.empty:
            known = list(rows["group"])
            shown = ", ".join(repr(k) for k in known[:20]) + (" ..." if len(known) > 20 else "")
            raise ParameterError(
                f"unit: {unit.parameter!r} is not a {unit.kind} of engagement "
                f"{tables.engagement.id!r} (known: {shown or 'none'})"
            )
    if bool(row["suppressed"].iloc[0]):
        k = tables.engagement.min_group_size
        raise ConfidentialityError(
            f"unit: {unit.parameter!r} cannot be reported: it has fewer respondents than the "
            f"engagement's minimum group size ({k}), or it is withheld so that a smaller group "
            "cannot be worked out"
        )


def prepare_report(
    workspace: str = "",
    engagement: str = "demo",
    unit: str = "organisation",
    language: str = "en",
    output_dir: str = "",
    *,
    targets: Mapping[str, int] | None = None,
    namespace: Mapping[str, object] | None = None,
) -> Report:
    """Validate the report notebook's parameters and prepare the report's tables.

    Parameters
    ----------
    workspace:
        The workspace folder; empty: ``$ASSESSMENT_WORKSPACE``, else the nearest
        ``workspace/`` holding ``assessment.db``, in the working directory or a parent.
    engagement:
        The engagement id.
    unit:
        ``organisation``, ``team:NAME``, ``role:NAME`` (executive, manager or frontline) or
        ``department:NAME``.
    language:
        The report's language: ``en``, ``nl``, ``ru`` or ``uk`` (the model must have it).
    output_dir:
        Where :meth:`Report.save_data` writes the report's table of published numbers;
        empty: ``<workspace>/reports/<engagement>``.
    targets:
        Target level per dimension id; default: the engagement's targets in the store.
    namespace:
        The notebook's ``globals()``: refuse a parameter the notebook does not have
        (:func:`check_parameters`).

    Raises
    ------
    ParameterError
        A parameter is invalid (the message names it and its value).
    ConfidentialityError
        The unit is below the minimum group size or withheld to protect a smaller group.
    """
    if namespace is not None:
        check_parameters(namespace)
    for name, value in (("engagement", engagement), ("language", language),
                        ("output_dir", output_dir), ("workspace", workspace)):
        if not isinstance(value, str):
            raise ParameterError(f"{name}: must be a string, got {value!r}")
    if language not in REPORT_LANGUAGES:
        raise ParameterError(
            f"language: {language!r} is not a report language; choose one of "
            f"{', '.join(REPORT_LANGUAGES)}"
        )
    parsed = parse_unit(unit)
    if not engagement.strip():
        raise ParameterError("engagement: must not be empty")
    ws = _workspace(workspace)
    tables = _tables(ws, engagement)
    if language not in tables.model.languages:
        raise ParameterError(
            f"language: {language!r} is not a language of model {tables.model.id!r} "
            f"({', '.join(tables.model.languages)})"
        )
    _check_unit(tables, parsed)
    out = Path(output_dir).expanduser() if output_dir else ws.reports_dir / engagement
    chosen = dict(tables.targets if targets is None else targets)
    return Report(tables, parsed, language, out.resolve(), chosen)


def reportable_units(
    workspace: str = "", engagement: str = "demo", by: str = "team"
) -> list[str]:
    """Return the ``unit`` parameters of every group of kind ``by`` that may get a report.

    A group qualifies when it is published in the engagement's tables: it has at least the
    minimum group size and is not withheld to protect a smaller group. ``by`` is ``team``,
    ``role`` or ``department``. Raises :class:`ConfidentialityError` when not even the
    organisation may be reported (no respondents yet, or fewer than the minimum).
    """
    if by not in UNIT_KINDS[1:]:
        raise ParameterError(f"by: {by!r} is not a unit kind; choose team, role or department")
    tables = _tables(_workspace(workspace), engagement)
    _check_unit(tables, Unit("organisation"))
    rows = tables.headcount[(tables.headcount["by"] == by) & ~tables.headcount["suppressed"]]
    return [Unit(by, str(name)).parameter for name in rows["group"]]  # type: ignore[arg-type]


# --- HTML helpers ------------------------------------------------------------------------


def esc(value: object) -> str:
    """Escape anything for HTML text or a quoted attribute."""
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class Section:
    """One section of the report as HTML; Jupyter shows it through ``_repr_html_``."""

    name: str
    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<report section {self.name!r}>"


CSS: Final = """
.asmt{font-family:-apple-system,"Segoe UI","Helvetica Neue",Arial,"DejaVu Sans",sans-serif;
 color:#1d2733;line-height:1.5;font-size:15px;max-width:62rem;margin:0 auto;
 -webkit-print-color-adjust:exact;print-color-adjust:exact}
.asmt *{box-sizing:border-box}
.asmt-section{margin:0 0 2.5rem}
.asmt h1{font-size:2rem;line-height:1.2;margin:.2rem 0 .4rem;font-weight:700;color:#0f2942}
.asmt h2{font-size:1.4rem;line-height:1.3;margin:0 0 1rem;padding-bottom:.35rem;
 border-bottom:3px solid #1f5a96;color:#0f2942;font-weight:700}
.asmt h3{font-size:1.05rem;margin:1.4rem 0 .5rem;color:#0f2942;font-weight:700}
.asmt p{margin:.5rem 0 .8rem}
.asmt .asmt-kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.78rem;
 color:#1f5a96;font-weight:700;margin:0}
.asmt .asmt-unit{font-size:1.15rem;color:#3b4752;margin:0 0 1rem}
.asmt .asmt-meta{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));
 gap:.4rem 1.2rem;margin:0 0 1rem;padding:.8rem 1rem;background:#f4f7fa;border-radius:.4rem}
.asmt .asmt-meta>div{min-width:0}
.asmt .asmt-meta .asmt-k{display:block;font-size:.72rem;color:#5a6672;text-transform:uppercase;
 letter-spacing:.04em}
.asmt .asmt-meta .asmt-v{display:block;font-weight:600;overflow-wrap:break-word;hyphens:auto}
.asmt .asmt-confidential{border-left:4px solid #E69F00;background:#fff8eb;padding:.6rem .9rem;
 font-size:.9rem;margin:0 0 1.5rem}
.asmt .asmt-lead{color:#3b4752;max-width:48rem}
.asmt .asmt-note{color:#5a6672;font-size:.85rem}
.asmt .asmt-overall{display:flex;flex-wrap:wrap;align-items:center;gap:.6rem 1.2rem;
 padding:1rem 1.2rem;border:1px solid #d5dde6;border-radius:.5rem;margin:0 0 1rem}
.asmt .asmt-overall .asmt-big{font-size:1.6rem;font-weight:700;color:#0f2942}
.asmt .asmt-cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));
 gap:.8rem;margin:0 0 1rem}
.asmt .asmt-card{border:1px solid #d5dde6;border-radius:.5rem;padding:.8rem 1rem;
 break-inside:avoid;page-break-inside:avoid;background:#fff}
.asmt .asmt-card h3{margin:0 0 .4rem}
.asmt-section>.asmt-card{margin:0 0 .8rem}
.asmt .asmt-card p{margin:.3rem 0;font-size:.92rem}
.asmt .asmt-badge{display:inline-block;padding:.1rem .6rem;border-radius:1rem;font-weight:600;
 font-size:.85rem;white-space:nowrap}
.asmt .asmt-l1{background:#fbe3d0}.asmt .asmt-l2{background:#fdf0d5}
.asmt .asmt-l3{background:#e8eef5}.asmt .asmt-l4{background:#d6e6f5}
.asmt .asmt-l5{background:#c6dbef}.asmt .asmt-l0{background:#eeeeee;color:#5a6672}
.asmt .asmt-table-wrap{overflow-x:auto;margin:0 0 1rem}
.asmt table.asmt-t{border-collapse:collapse;width:100%;font-size:.9rem;table-layout:auto;
 margin:0;color:#1d2733}
.asmt table.asmt-t caption{text-align:left;font-weight:600;padding:0 0 .4rem;color:#0f2942}
.asmt table.asmt-t th,.asmt table.asmt-t td{padding:.35rem .55rem;text-align:left;
 vertical-align:top;border:none;border-bottom:1px solid #e1e7ee;line-height:1.4}
.asmt table.asmt-t th{font-size:.8rem;color:#5a6672;font-weight:600;
 border-bottom:2px solid #c9d3de}
.asmt table.asmt-t tbody tr,.asmt table.asmt-t tbody tr:hover{background:transparent}
.asmt table.asmt-t td.asmt-num,.asmt table.asmt-t th.asmt-num{text-align:right;
 font-variant-numeric:tabular-nums;white-space:nowrap}
.asmt .asmt-hidden{color:#6b7280;font-style:italic}
.asmt figure.asmt-chart{margin:1rem 0 1.4rem;break-inside:avoid;page-break-inside:avoid}
.asmt figure.asmt-chart svg{display:block;max-width:100%;height:auto}
.asmt .asmt-flag{border-left:4px solid #b35806;background:#fdf1e6;padding:.5rem .8rem}
.asmt .asmt-ok{border-left:4px solid #1f5a96;background:#eef4fa;padding:.5rem .8rem}
.asmt .asmt-two{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}
.asmt ul.asmt-actions{margin:.3rem 0 0;padding-left:1.2rem}
.asmt ul.asmt-actions li{margin:.2rem 0}
.asmt blockquote{margin:.5rem 0;padding:.4rem .9rem;border-left:3px solid #c9d3de;
 background:#f7f9fb;white-space:pre-wrap;overflow-wrap:anywhere}
.asmt blockquote .asmt-note{display:block;font-style:normal;margin-bottom:.2rem}
.asmt nav.asmt-toc ol{columns:2 16rem;margin:.3rem 0 0;padding-left:1.3rem}
.asmt nav.asmt-toc a{color:#1f5a96;text-decoration:none}
@media (max-width:40rem){.asmt{font-size:14px}.asmt h1{font-size:1.5rem}
 .asmt h2{font-size:1.2rem}.asmt th,.asmt td{padding:.3rem .35rem}}
@media print{
 .asmt{font-size:9pt;line-height:1.4;max-width:none}
 .asmt-section{margin:0}
 .asmt-section>:last-child,.asmt-section>:last-child>:last-child,
 .asmt-section>:last-child>:last-child>:last-child{margin-bottom:0;padding-bottom:0}
 .asmt h1{font-size:18pt;margin:.1rem 0 .2rem}.asmt h2{font-size:13pt;margin-bottom:.6rem}
 .asmt h3{font-size:10.5pt;margin:.9rem 0 .35rem}
 .asmt p{margin:.3rem 0 .55rem}
 .asmt .asmt-unit{font-size:11pt;margin-bottom:.5rem}
 .asmt .asmt-meta{grid-template-columns:repeat(3,1fr);gap:.2rem 1rem;padding:.45rem .8rem;
  margin-bottom:.6rem}
 .asmt .asmt-confidential{font-size:8pt;padding:.35rem .7rem;margin-bottom:.8rem}
 .asmt .asmt-overall{padding:.45rem .8rem;margin-bottom:.6rem}
 .asmt .asmt-overall .asmt-big{font-size:1.3rem}
 .asmt .asmt-cards{grid-template-columns:1fr 1fr;gap:.45rem;margin:0}
 .asmt .asmt-card{padding:.45rem .7rem}
 .asmt .asmt-card h3{font-size:10pt;margin-bottom:.2rem}
 .asmt .asmt-card p{font-size:7.8pt;line-height:1.35;margin:.2rem 0}
 .asmt-section>.asmt-card{margin:0 0 .5rem}
 .asmt figure.asmt-chart{margin:.6rem 0 .8rem}
 .asmt .asmt-two{display:block}
 .asmt .asmt-badge{white-space:normal}
 .asmt nav.asmt-toc{display:none}
 .asmt-section:not(.asmt-first){break-before:page;page-break-before:always}
 .jp-Cell .asmt-section:not(.asmt-first){break-before:auto;page-break-before:auto}
 .asmt h2,.asmt h3{break-after:avoid;page-break-after:avoid}
 .asmt tr,.asmt blockquote{break-inside:avoid;page-break-inside:avoid}
 .asmt .asmt-keep{break-inside:avoid;page-break-inside:avoid}
 .asmt nav.asmt-toc a{color:inherit}
}
"""


def _fmt(value: object, language: str, digits: int = 2, *, sign: bool = False) -> str:
    """Format a number for ``language`` (decimal comma outside English, true minus sign)."""
    if value is None or value is pd.NA:
        return "–"
    x = float(value)  # type: ignore[arg-type]
    if np.isnan(x):
        return "–"
    out = f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    if language != "en":
        out = out.replace(".", ",")
    return out.replace("-", "\u2212")


def _interval(low: object, high: object, language: str, *, sign: bool = False) -> str:
    """``low … high`` formatted for ``language``; a dash when the interval is not computed."""
    if np.isnan(_float(low)) or np.isnan(_float(high)):
        return "–"
    return f"{_fmt(low, language, sign=sign)} … {_fmt(high, language, sign=sign)}"


def _int(value: object) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return int(value)  # type: ignore[call-overload,no-any-return]


def _float(value: object) -> float:
    """A number from a table cell, NaN when missing."""
    if value is None or value is pd.NA:
        return float("nan")
    return float(value)  # type: ignore[arg-type]


def _table(headers: list[tuple[str, bool]], rows: list[list[str]], caption: str = "") -> str:
    """An HTML table; ``headers`` are (escaped label, numeric?), cells are already HTML."""
    num = ' class="asmt-num"'
    head = "".join(
        f'<th scope="col"{num if numeric else ""}>{label}</th>' for label, numeric in headers
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{num if headers[i][1] else ''}>{cell}</td>" for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    cap = f"<caption>{caption}</caption>" if caption else ""
    return (
        f'<div class="asmt-table-wrap"><table class="asmt-t">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


SECTIONS: Final = (
    ("summary", "sec_summary"),
    ("scorecard", "sec_scorecard"),
    ("assessment", "sec_assessment"),
    ("perception_gap", "sec_iceberg"),
    ("heatmap", "sec_heatmap"),
    ("answers", "sec_distribution"),
    ("outcomes", "sec_outcomes"),
    ("strengths", "sec_strengths"),
    ("recommendations", "sec_recommendations"),
    ("comments", "sec_comments"),
    ("appendix", "sec_appendix"),
)


# --- the report ----------------------------------------------------------------------------


class Report:
    """One report: a unit of an engagement in one language. Build it with :func:`prepare_report`.

    Each section method returns a :class:`Section` (HTML, shown by Jupyter). The report holds
    aggregated, suppressed tables only.
    """

    def __init__(
        self,
        tables: _Tables,
        unit: Unit,
        language: str,
        output_dir: Path,
        targets: Mapping[str, int],
    ) -> None:
        self.unit = unit
        self.language = language
        self.output_dir = output_dir
        self.engagement = tables.engagement
        self.model = tables.model
        self.min_group_size = tables.engagement.min_group_size
        self.comment_min = tables.comment_min
        self.targets = dict(targets)
        model = tables.model
        self._dims = [d.id for d in model.dimensions]
        self._role_phrase = (
            unit.name if unit.kind == "role" and unit.name in model.roles
            else "frontline" if "frontline" in model.roles else model.roles[-1]
        )
        by, group = unit.kind, unit.name  # the organisation's row: ("organisation", "all")
        scores = tables.scores
        self.unit_scores = scores[(scores["by"] == by) & (scores["group"] == group)].reset_index(
            drop=True
        )
        self.respondents = _int(
            tables.headcount.loc[
                (tables.headcount["by"] == by) & (tables.headcount["group"] == group), "n"
            ].iloc[0]
        )
        self._layers, self.layers_are_organisation, self._gaps = self._layer_rows(tables)
        #: The heatmap's score rows (with a ``label`` column), what its rows are (``team``,
        #: ``department``), a note on what it shows, and the labels of the rows outlined
        #: as this report's own group (in a team report: the team, in the whole organisation).
        self.heatmap_rows, self.heatmap_kind, self.heatmap_note, self.heatmap_highlight = (
            self._heatmap_rows(tables)
        )
        self.participation = self._participation_rows(tables)
        self.enps_row = self._row(tables.enps, by, group)
        self.trifecta_row = self._row(tables.trifecta, by, group)
        strengths = tables.strengths
        self.strengths_frame = strengths[
            (strengths["by"] == by) & (strengths["group"] == group)
        ].reset_index(drop=True)
        self.reliability = tables.reliability
        self.comments_frame = self._comment_rows(tables)
        self.distribution, self.dropped_items = self._distribution(tables)
        self.target_table = (
            target_gaps(model, self.unit_scores, self.targets) if self.targets else None
        )
        self.roadmap = (
            roadmap(model, self.target_table)
            if self.target_table is not None and unit.kind == "organisation" else None
        )
        self.ratings = tables.ratings
        self._charts: dict[str, Any] | None = None
        self._svg: dict[str, str] = {}

    # --- slices of the engagement's tables ---------------------------------------------
    @staticmethod
    def _row(frame: pd.DataFrame, by: str, group: str) -> pd.Series | None:
        rows = frame[(frame["by"] == by) & (frame["group"] == group)]
        return None if rows.empty else rows.iloc[0]

    def _layer_rows(self, tables: _Tables) -> tuple[pd.DataFrame, bool, pd.DataFrame]:
        """Score rows by role, whether they are the organisation's, and their gaps.

        A team report shows the team's own role cells when at least one perception gap can
        be computed from them; otherwise (a layer of the team is too small or withheld) it
        shows the organisation's layers for comparison, as role and department reports do.
        """
        scores = tables.scores
        organisation = scores[scores["by"] == "role"].reset_index(drop=True)
        if self.unit.kind == "team":
            rows = scores[(scores["by"] == "role,team") & (scores["team"] == self.unit.name)]
            rows = rows.assign(by="role", group=rows["role"]).reset_index(drop=True)
            gaps = _gaps(rows)
            if not gaps.empty and not gaps["suppressed"].all():
                return rows, False, gaps
            return organisation, True, _gaps(organisation)
        return organisation, self.unit.kind in ("role", "department"), _gaps(organisation)

    def _organisation_heatmap(self, scores: pd.DataFrame) -> tuple[pd.DataFrame, str, str]:
        """The organisation's heatmap: teams, or departments when there are too many teams."""
        rows = scores[scores["by"] == "team"]
        n_teams = rows["group"].nunique()
        if n_teams > MAX_HEATMAP_ROWS:
            rows = scores[scores["by"] == "department"]
            return (rows.assign(label=rows["group"]), "department",
                    text(self.language, "heatmap_by_department", teams=n_teams))
        return rows.assign(label=rows["group"]), "team", ""

    def _heatmap_rows(self, tables: _Tables) -> tuple[pd.DataFrame, str, str, frozenset[str]]:
        """Score rows of the groups in the unit's heatmap, their kind, a note, the highlight.

        Only published numbers are shown, and never a grid of hidden cells alone: a team
        report shows the organisation's heatmap with the team outlined; a role report the
        role in each team when any of those cells is published, else the
        organisation's heatmap; a department report its teams, else every department.
        """
        scores = tables.scores
        kind = self.unit.kind
        lang = self.language
        highlight: frozenset[str] = frozenset()
        note = ""
        if kind == "organisation":
            rows, group_kind, note = self._organisation_heatmap(scores)
        elif kind == "team":
            rows, group_kind, note = self._organisation_heatmap(scores)
            if group_kind == "team":
                highlight = frozenset({self.unit.name})
                note = text(lang, "heatmap_context_team")
            else:
                mask = _unit_mask(tables.respondents, self.unit)
                departments = _group_labels(tables.respondents["department"])
                highlight = frozenset(departments[mask])
                note = text(lang, "heatmap_context_team_department")
        elif kind == "role":
            cells = scores[(scores["by"] == "role,team") & (scores["role"] == self.unit.name)]
            if not cells.empty and not cells["suppressed"].all():
                rows, group_kind = cells.assign(label=cells["team"]), "team"
                note = text(lang, "heatmap_role_team")
            else:
                rows, group_kind, _ = self._organisation_heatmap(scores)
                note = text(lang, "heatmap_context_role")
        else:
            mask = _unit_mask(tables.respondents, self.unit)
            teams = set(tables.respondents.loc[mask, "team"].astype(str))
            rows = scores[(scores["by"] == "team") & scores["group"].isin(teams)]
            rows, group_kind = rows.assign(label=rows["group"]), "team"
            if rows.empty or rows["suppressed"].all():
                rows = scores[scores["by"] == "department"]
                rows, group_kind = rows.assign(label=rows["group"]), "department"
                highlight = frozenset({self.unit.name})
                note = text(lang, "heatmap_context_department")
        if rows["group"].nunique() > 4 * MAX_HEATMAP_ROWS:
            note = text(lang, "heatmap_too_many", count=rows["group"].nunique())
            rows = rows.iloc[0:0]
        return rows.reset_index(drop=True), group_kind, note, highlight

    def _participation_rows(self, tables: _Tables) -> pd.DataFrame:
        """Headcount rows shown in the appendix: the unit's layers, and its teams or departments."""
        hc = tables.headcount
        kind = self.unit.kind
        if kind == "organisation":
            rows = hc[hc["by"].isin(["role", "department"])]
            return rows.assign(label=rows["group"], kind=rows["by"])
        if kind == "team":
            rows = hc[(hc["by"] == "role,team") & (hc["team"] == self.unit.name)]
            return rows.assign(label=rows["role"], kind="role")
        if kind == "role":
            rows = hc[(hc["by"] == "role,team") & (hc["role"] == self.unit.name)]
            return rows.assign(label=rows["team"], kind="team")
        mask = _unit_mask(tables.respondents, self.unit)
        teams = set(tables.respondents.loc[mask, "team"].astype(str))
        rows = hc[(hc["by"] == "team") & hc["group"].isin(teams)]
        return rows.assign(label=rows["group"], kind="team")

    def _comment_rows(self, tables: _Tables) -> pd.DataFrame | None:
        """Released comments of the unit (by team); None in role reports."""
        c = tables.comments
        if self.unit.kind == "role":
            return None
        if self.unit.kind == "team":
            return c[c["group"] == self.unit.name].reset_index(drop=True)
        if self.unit.kind == "department":
            mask = _unit_mask(tables.respondents, self.unit)
            teams = set(tables.respondents.loc[mask, "team"].astype(str))
            return c[c["group"].isin(teams)].reset_index(drop=True)
        return c.reset_index(drop=True)

    def _distribution(self, tables: _Tables) -> tuple[pd.DataFrame, int]:
        """Answer counts per item and answer point for the unit (a published group).

        Items whose numbers the engagement's pattern withholds for the unit (too few answers
        here, or in a group they could be combined with) are dropped. Returns the
        aggregated frame (item x point) and how many items were dropped.
        """
        frame = answer_distribution(
            tables.model, tables.respondents, tables.answers, by=self.unit.kind,
            group=self.unit.name,
            min_group_size=self.min_group_size, publication=tables.publication,
        )
        return frame, len(tables.model.items) - frame["item"].nunique()

    # --- labels -----------------------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
        """The report string ``key`` in the report's language, escaped for HTML."""
        return esc(text(self.language, key, **values))

    def _dim_name(self, dim: str) -> str:
        if dim == OVERALL:
            return text(self.language, "overall")
        return self.model.dimension(dim).name.get(self.language)

    def _para(self, key: str, cls: str = "", **values: object) -> str:
        """A paragraph holding the report string ``key``, with an optional class."""
        attr = f' class="{cls}"' if cls else ""
        return f"<p{attr}>{self.t(key, **values)}</p>"

    def _role_name(self, role: str) -> str:
        return text(self.language, f"role_{role}") if role in KNOWN_ROLES else role

    def _level(self, level: object) -> str:
        value = _int(level)
        if value is None:
            return f'<span class="asmt-badge asmt-l0">{self.t("not_shown")}</span>'
        name = self.model.level_name(value, self.language)
        return (
            f'<span class="asmt-badge asmt-l{value}">'
            f"{self.t('level_name', level=value, name=name)}</span>"
        )

    def _item_text(self, item: str) -> str:
        return self.model.items[item].text.get(self._role_phrase, self.language)

    def _n(self, value: object) -> str:
        n = _int(value)
        return f'<span class="asmt-hidden">{self.t("hidden")}</span>' if n is None else str(n)

    def _section(self, name: str, title_key: str, body: str, *, first: bool = False) -> Section:
        cls = "asmt-section asmt-first" if first else "asmt-section"
        style = f"<style>{CSS}</style>" if first else ""
        return Section(
            name,
            f'<div class="asmt" lang="{esc(self.language)}">{style}'
            f'<section class="{cls}" id="asmt-{name}"><h2>{self.t(title_key)}</h2>'
            f"{body}</section></div>",
        )

    # --- charts -----------------------------------------------------------------------------
    def charts(self) -> dict[str, Any]:
        """Every chart of the report by name (built once), from aggregated frames only."""
        if self._charts is None:
            self._charts = self._build_charts()
        return self._charts

    def chart_data(self) -> dict[str, list[pd.DataFrame]]:
        """The data sets embedded in every chart's specification, by chart name.

        This is everything a chart carries into the page: aggregated rows only.
        """
        return {
            name: [pd.DataFrame(rows) for rows in chart.to_dict().get("datasets", {}).values()]
            for name, chart in self.charts().items()
        }

    def _build_charts(self) -> dict[str, Any]:
        # Altair (and jsonschema's format checkers) take seconds to import: only reports
        # that draw pay for them, not the batch planning an unchanged folder.
        from . import _charts as charts

        lang = self.language
        built: dict[str, Any] = {}
        scorecard = self._scorecard_frame()
        if not scorecard.empty:
            has_targets = "target" in scorecard.columns and scorecard["target"].notna().any()
            built["scorecard"] = charts.scorecard_chart(
                scorecard,
                title=text(lang, "chart_scorecard_targets" if has_targets else "chart_scorecard"),
                score_title=text(lang, "axis_score"),
                current_label=text(lang, "current"),
                target_label=text(lang, "target"),
            )
        layers = self._layer_frame()
        if not layers.empty:
            built["iceberg"] = charts.iceberg_chart(
                layers,
                title=text(lang, "chart_iceberg"),
                score_title=text(lang, "axis_score"),
                layer_title=text(lang, "layer"),
                roles=[self._role_name(r) for r in KNOWN_ROLES],
            )
        heat = self._heatmap_frame()
        if not heat.empty and not heat["hidden"].all():  # never a chart of hidden cells only
            key = {"team": "chart_heatmap", "department": "chart_heatmap_departments"}[
                self.heatmap_kind
            ]
            built["heatmap"] = charts.heatmap_chart(
                heat,
                title=text(lang, key),
                group_title=text(lang, self.heatmap_kind),
                score_title=text(lang, "axis_score"),
                hidden_label=text(lang, "hidden"),
            )
        answers = self.model.scales["agreement"].labels.get(lang)
        for dim, frame in self._distribution_frames().items():
            built[f"answers-{dim}"] = charts.distribution_chart(
                frame,
                title=text(lang, "chart_distribution", dimension=self._dim_name(dim)),
                share_title=text(lang, "axis_share"),
                answer_title=text(lang, "answer"),
                answers=answers,
            )
        outcomes = self._outcomes_frame()
        if not outcomes.empty:
            built["outcomes"] = charts.outcomes_chart(
                outcomes,
                title=text(lang, "chart_outcomes"),
                score_title=text(lang, "axis_score"),
            )
        promoters = self._enps_frame()
        if not promoters.empty:
            built["enps"] = charts.enps_chart(
                promoters,
                title=text(lang, "chart_enps"),
                share_title=text(lang, "share"),
                category_title="eNPS",
            )
        return built

    def _figure(self, name: str) -> str:
        chart = self.charts().get(name)
        if chart is None:
            return ""
        if name not in self._svg:
            from ._charts import to_svg

            svg = to_svg(chart, language=self.language, uid=f"asmt-{name}")
            title = chart.title if isinstance(chart.title, str) else ""
            svg = svg.replace("<svg ", f'<svg role="img" aria-label="{esc(title)}" ', 1)
            self._svg[name] = svg
        return f'<figure class="asmt-chart" data-chart="{esc(name)}">{self._svg[name]}</figure>'

    # --- chart frames (aggregated) -----------------------------------------------------------
    def _scorecard_frame(self) -> pd.DataFrame:
        rows = self.unit_scores[self.unit_scores["dimension"].isin(self._dims)]
        rows = rows[~rows["suppressed"]]
        frame = pd.DataFrame(
            {
                "dimension": [self._dim_name(d) for d in rows["dimension"]],
                "mean": rows["mean"].to_numpy(dtype=float).round(2),
            }
        )
        if self.targets:
            floors = [
                LEVEL_FLOORS[self.targets[d] - 1] if d in self.targets else np.nan
                for d in rows["dimension"]
            ]
            frame["target"] = floors
        return frame

    def _layer_frame(self) -> pd.DataFrame:
        rows = self._layers[~self._layers["suppressed"]]
        rows = rows[rows["dimension"].isin([*self._dims, OVERALL])]
        return pd.DataFrame(
            {
                "dimension": [self._dim_name(d) for d in rows["dimension"]],
                "role": [self._role_name(r) for r in rows["group"]],
                "mean": rows["mean"].to_numpy(dtype=float).round(2),
            }
        )

    def _heatmap_frame(self) -> pd.DataFrame:
        rows = self.heatmap_rows
        if rows.empty:
            return pd.DataFrame()
        hidden = rows["suppressed"].to_numpy(dtype=bool)
        mean = rows["mean"].to_numpy(dtype=float).round(2)
        low = rows["consensus"].astype("object").eq("low consensus").to_numpy(dtype=bool)
        labels = [
            text(self.language, "hidden") if h
            else _fmt(m, self.language) + ("*" if lo else "")
            for h, m, lo in zip(hidden, mean, low, strict=True)
        ]
        highlight = [str(g) in self.heatmap_highlight for g in rows["label"]]
        group_labels = [
            f"{HIGHLIGHT_MARK} {g}" if h else str(g)
            for g, h in zip(rows["label"], highlight, strict=True)
        ]
        return pd.DataFrame(
            {
                "group": group_labels,
                "dimension": [self._dim_name(d) for d in rows["dimension"]],
                "mean": np.where(hidden, np.nan, mean),
                "hidden": hidden,
                "label": labels,
                "highlight": highlight,
            }
        )

    def _distribution_frames(self) -> dict[str, pd.DataFrame]:
        frame = self.distribution
        if frame.empty:
            return {}
        answers = self.model.scales["agreement"].labels.get(self.language)
        share = frame["percent"].to_numpy(dtype=float).reshape(-1, 5)
        offset = -(share[:, 0] + share[:, 1] + share[:, 2] / 2)
        start = offset[:, None] + np.concatenate(
            [np.zeros((len(share), 1)), np.cumsum(share, axis=1)[:, :-1]], axis=1
        )
        items = frame["item"].to_numpy()[::5]
        order = {item: i for i, item in enumerate(self.model.items)}
        labels = []
        for item in items:
            label = self._item_text(item)
            label = label if len(label) <= 72 else label[:71].rstrip() + "…"
            labels.append(("↺ " if self.model.items[item].reverse else "") + label)
        out = pd.DataFrame(
            {
                "question": np.repeat(labels, 5),
                "order": np.repeat([order[i] for i in items], 5),
                "answer": np.tile(answers, len(items)),
                "point": frame["point"].to_numpy(),
                "percent": share.ravel().round(1),
                "start": start.ravel().round(2),
                "end": (start + share).ravel().round(2),
                "dimension": frame["dimension"].to_numpy(),
            }
        )
        return {
            dim: part.drop(columns="dimension").reset_index(drop=True)
            for dim in self._dims
            if not (part := out[out["dimension"] == dim]).empty
        }

    def _outcomes_frame(self) -> pd.DataFrame:
        row = self.trifecta_row
        if row is None or bool(row["suppressed"]):
            return pd.DataFrame()
        present = {m for m in (o.measures for o in self.model.outcome_items.values())}
        measures = [m for m in OUTCOME_MEASURES if m in present and pd.notna(row[m])]
        return pd.DataFrame(
            {
                "measure": [text(self.language, m) for m in measures],
                "mean": [round(float(row[m]), 2) for m in measures],
                "trifecta": [m != "customer_advocacy" for m in measures],
            }
        )

    def _enps_frame(self) -> pd.DataFrame:
        row = self.enps_row
        if row is None or bool(row["suppressed"]):
            return pd.DataFrame()
        share = [float(row["detractors"]), float(row["passives"]), float(row["promoters"])]
        ends = np.cumsum(share)
        return pd.DataFrame(
            {
                "category": [text(self.language, k)
                             for k in ("detractors", "passives", "promoters")],
                "point": [0, 1, 2],
                "percent": np.round(share, 1),
                "start": np.round(ends - share, 2),
                "end": np.round(ends, 2),
            }
        )

    # --- sections -----------------------------------------------------------------------------
    def summary(self) -> Section:
        """The title block and one-page summary: overall level and each dimension's level."""
        lang = self.language
        eng = self.engagement
        meta = [
            ("engagement", esc(eng.id)),
            ("wave", esc(eng.wave)),
            ("date", esc(eng.date)),
            ("model", esc(f"{self.model.title.get(lang)} {self.model.version}")),
            ("respondents", esc(self.respondents if self.respondents is not None else "–")),
            ("min_group_size", esc(self.min_group_size)),
        ]
        meta_html = "".join(
            f'<div><span class="asmt-k">{self.t(k)}</span><span class="asmt-v">{v}</span></div>'
            for k, v in meta
        )
        scores = self.unit_scores.set_index("dimension")
        overall = scores.loc[OVERALL] if OVERALL in scores.index else None
        if overall is not None and not bool(overall["suppressed"]):
            detail = self.t("overall_detail", mean=_fmt(overall["mean"], lang),
                            n=_int(overall["n"]))
            overall_html = (
                f'<div class="asmt-overall"><div><div class="asmt-note">'
                f'{self.t("overall_lead")}</div><div class="asmt-big">'
                f'{self._level(overall["level"])}</div></div><div>{detail}</div></div>'
            )
        else:
            overall_html = f'<p class="asmt-overall">{self.t("overall_hidden")}</p>'
        cards = []
        for dim in self.model.dimensions:
            row = scores.loc[dim.id] if dim.id in scores.index else None
            if row is None or bool(row["suppressed"]):
                body = f'<p class="asmt-hidden">{self.t("dimension_hidden")}</p>'
                badge = self._level(None)
            else:
                level = _int(row["level"]) or 1
                body = (
                    f'<p><strong>{esc(_fmt(row["mean"], lang))}</strong> '
                    f'<span class="asmt-note">({self.t("n")} = {_int(row["n"])})</span></p>'
                    f"<p>{esc(dim.levels[level - 1].description.get(lang))}</p>"
                )
                badge = self._level(level)
            cards.append(
                f'<div class="asmt-card"><h3>{esc(dim.name.get(lang))}</h3>{badge}{body}</div>'
            )
        toc = "".join(
            f'<li><a href="#asmt-{name}">{self.t(key)}</a></li>' for name, key in SECTIONS[1:]
            if name != "assessment" or not self._rated().empty
        )
        body = (
            f'<p class="asmt-lead">{self.t("summary_lead")}</p>{overall_html}'
            f'<div class="asmt-cards">{"".join(cards)}</div>'
            f'<nav class="asmt-toc"><h3>{self.t("contents")}</h3><ol>{toc}</ol></nav>'
        )
        header = (
            f'<header><p class="asmt-kicker">{self.t("report")}</p>'
            f"<h1>{esc(eng.organisation)}</h1>"
            f'<p class="asmt-unit">{esc(self.unit.label(lang))}</p>'
            f'<div class="asmt-meta">{meta_html}</div>'
            f'<p class="asmt-confidential">{self.t("confidential", min=self.min_group_size)}'
            "</p></header>"
        )
        section = self._section("summary", "sec_summary", body, first=True)
        # The title block goes before the section heading, inside the same page.
        return Section(section.name, section.html.replace(
            '<section class="asmt-section asmt-first" id="asmt-summary">',
            f'<section class="asmt-section asmt-first" id="asmt-summary">{header}', 1))

    def scorecard(self) -> Section:
        """Current level per dimension against the target (or a note that none is set)."""
        lang = self.language
        rows = self.unit_scores.set_index("dimension")
        parts = [self._figure("scorecard")]
        if self.target_table is None:
            parts.insert(0, f'<p class="asmt-lead">{self.t("no_targets")}</p>')
            table_rows = [
                [esc(self._dim_name(d)),
                 esc(_fmt(rows.loc[d, "mean"], lang)) if d in rows.index else "–",
                 self._level(rows.loc[d, "level"] if d in rows.index else None)]
                for d in [*self._dims, OVERALL]
            ]
            headers = [(self.t("dimension"), False), (self.t("mean"), True),
                       (self.t("level"), False)]
        else:
            parts.insert(0, f'<p class="asmt-lead">{self.t("targets_lead")}</p>')
            gaps = self.target_table.set_index("dimension")
            table_rows = []
            for d in self._dims:
                current = rows.loc[d] if d in rows.index else None
                gap = gaps.loc[d] if d in gaps.index else None
                target = (
                    self._level(gap["target_level"]) if gap is not None else "–"
                )
                if gap is None or bool(gap["suppressed"]):
                    gap_text, priority = "–", "–"
                elif not _float(gap["gap"]) > 0:
                    gap_text, priority = self.t("target_met"), "–"
                else:
                    gap_text = esc(_fmt(gap["gap"], lang))
                    priority = esc(_int(gap["priority"]) or "–")
                table_rows.append([
                    esc(self._dim_name(d)),
                    esc(_fmt(current["mean"], lang)) if current is not None else "–",
                    self._level(current["level"] if current is not None else None),
                    target, gap_text, priority,
                ])
            headers = [(self.t("dimension"), False), (self.t("mean"), True),
                       (self.t("current"), False), (self.t("target"), False),
                       (self.t("gap"), True), (self.t("priority"), True)]
        parts.append(_table(headers, table_rows))
        parts.append(self._assessment_note())
        if self.roadmap is not None and not self.roadmap.empty:
            parts.append(f'<h3>{self.t("roadmap")}</h3>'
                         f'<p class="asmt-lead">{self.t("roadmap_lead")}</p>')
            parts.append(_table(
                [(self.t("phase"), True), (self.t("step"), True), (self.t("dimension"), False),
                 (self.t("current"), False), (self.t("target"), False), (self.t("gap"), True),
                 (self.t("after"), False)],
                [[esc(r["phase"]), esc(r["step"]), esc(self._dim_name(str(r["dimension"]))),
                  self._level(r["level"]), self._level(r["target_level"]),
                  esc(_fmt(r["gap"], lang)),
                  esc(", ".join(self._dim_name(d) for d in str(r["after"]).split(", ") if d))]
                 for r in self.roadmap.to_dict("records")],
            ))
        return self._section("scorecard", "sec_scorecard", "".join(parts))

    def _rated(self) -> pd.DataFrame:
        """The consultant's ratings the report shows: the organisation report's only."""
        if self.unit.kind != "organisation":
            return self.ratings.iloc[0:0]
        return self.ratings[self.ratings["consultant_level"].notna()
                            | self.ratings["consultant_na"] | (self.ratings["evidence"] != "")]

    def _assessment_note(self) -> str:
        """Where there is no consultant's assessment to show, the scorecard says why."""
        if not self._rated().empty:
            return ""
        key = "no_ratings" if self.unit.kind == "organisation" else "assessment_unit"
        return self._para(key, "asmt-note")

    def assessment(self) -> Section | None:
        """The consultant's evidence-based level per facet beside the survey's level.

        ``None`` (no section, so no page of its own) in a unit report and before the
        consultant rated a facet: the scorecard says so instead.
        """
        rated = self._rated()
        if rated.empty:
            return None
        facets = {f.id: f.name.get(self.language) for d in self.model.dimensions
                  for f in d.facets}
        not_applicable = f'<span class="asmt-badge asmt-l0">{self.t("not_applicable")}</span>'
        rows = [
            [esc(self._dim_name(str(r.dimension))), esc(facets[str(r.facet)]),
             self._level(r.survey_level),
             # A rated facet without a level was rated "not applicable".
             not_applicable if _int(r.consultant_level) is None
             else self._level(r.consultant_level),
             self.t(str(r.agreement)) if r.agreement else "–", esc(r.evidence)]
            for r in rated.itertuples(index=False)
        ]
        body = f'<p class="asmt-lead">{self.t("assessment_lead")}</p>' + _table(
            [(self.t("dimension"), False), (self.t("facet"), False),
             (self.t("survey_level"), False), (self.t("consultant_level"), False),
             (self.t("agreement"), False), (self.t("evidence"), False)],
            rows,
        )
        return self._section("assessment", "sec_assessment", body)

    def perception_gap(self) -> Section:
        """The iceberg chart: executive, manager and frontline means, and the gaps."""
        lang = self.language
        parts = [f'<p class="asmt-lead">{self.t("iceberg_lead")}</p>']
        if self.layers_are_organisation:
            parts.append(self._para(f"iceberg_context_{self.unit.kind}", "asmt-note"))
        parts.append(self._figure("iceberg"))
        gaps = self._gaps
        if gaps.empty or gaps["suppressed"].all():
            parts.append(self._para("layers_hidden", "asmt-note"))
        else:
            rows = gaps[gaps["dimension"] != OVERALL]
            exec_gaps = rows[rows["comparison"] == "executive - frontline"]["gap"]
            values = exec_gaps.to_numpy(dtype=float)
            if len(values) and not np.isnan(values).any():
                index = _fmt(values.mean(), lang, sign=True)
                parts.append(f'<p><strong>{self.t("iceberg_index", value=index)}</strong></p>')
            else:
                parts.append(f'<p class="asmt-note">{self.t("iceberg_index_na")}</p>')
            table_rows = []
            for _, row in gaps.iterrows():
                label = "gap_exec" if row["comparison"].startswith("executive") else "gap_manager"
                if bool(row["suppressed"]):
                    cells = [f'<span class="asmt-hidden">{self.t("gap_hidden")}</span>', ""]
                else:
                    cells = [
                        esc(_fmt(row["gap"], lang, sign=True)),
                        esc(_interval(row["ci_low"], row["ci_high"], lang, sign=True)),
                    ]
                table_rows.append([esc(self._dim_name(row["dimension"])), self.t(label), *cells])
            parts.append(_table(
                [(self.t("dimension"), False), (self.t("comparison"), False),
                 (self.t("difference"), True), (self.t("ci"), True)],
                table_rows,
            ))
        return self._section("perception_gap", "sec_iceberg", "".join(parts))

    def heatmap(self) -> Section:
        """Dimensions by team (or department), withheld cells marked hidden; a note instead
        of a chart whose cells would all be hidden."""
        parts = [f'<p class="asmt-lead">{self.t("heatmap_lead", min=self.min_group_size)}</p>']
        if self.heatmap_note:
            parts.append(f'<p class="asmt-note">{esc(self.heatmap_note)}</p>')
        figure = self._figure("heatmap")
        parts.append(figure or self._para("heatmap_all_hidden", "asmt-hidden",
                                          min=self.min_group_size))
        if not self.heatmap_rows.empty and self.heatmap_rows["consensus"].astype("object").eq(
            "low consensus"
        ).any():
            parts.append(f'<p class="asmt-note">{self.t("heatmap_consensus")}</p>')
        return self._section("heatmap", "sec_heatmap", "".join(parts))

    def answers(self) -> Section:
        """Diverging stacked bars of the answers to every question, per dimension."""
        role = text(self.language, f"role_phrase_{self._role_phrase}")
        parts = [f'<p class="asmt-lead">{self.t("distribution_lead", role=role)}</p>']
        if self.dropped_items:
            parts.append(self._para("distribution_dropped", "asmt-note",
                                    count=self.dropped_items, min=self.min_group_size))
        parts += [self._figure(f"answers-{dim}") for dim in self._dims]
        return self._section("answers", "sec_distribution", "".join(parts))

    def outcomes(self) -> Section:
        """Trifecta balance, the CX-outruns-EX flag and eNPS."""
        lang = self.language
        parts = [f'<p class="asmt-lead">{self.t("outcomes_lead")}</p>']
        row = self.trifecta_row
        if row is None or bool(row["suppressed"]):
            parts.append(f'<p class="asmt-hidden">{self.t("outcomes_hidden")}</p>')
        else:
            parts.append(self._figure("outcomes"))
            if pd.notna(row["spread"]) and pd.notna(row["weakest"]):
                parts.append("<p>" + self.t(
                    "trifecta_balance", spread=_fmt(row["spread"], lang),
                    weakest=text(lang, str(row["weakest"])),
                ) + "</p>")
            flag = row["cx_outruns_ex"]
            margin = _fmt(CX_EX_MARGIN, lang)
            if flag is pd.NA or flag is None:
                parts.append(f'<p class="asmt-note">{self.t("cx_na")}</p>')
            elif bool(flag):
                parts.append(self._para("cx_yes", "asmt-flag",
                                        value=_fmt(row["cx_minus_ex"], lang), margin=margin))
            else:
                parts.append(self._para("cx_no", "asmt-ok", margin=margin,
                                        value=_fmt(row["cx_minus_ex"], lang, sign=True)))
        parts.append(f'<h3>{self.t("enps_heading")}</h3>')
        e = self.enps_row
        if e is None or bool(e["suppressed"]):
            parts.append(f'<p class="asmt-hidden">{self.t("enps_hidden")}</p>')
        else:
            parts.append("<p>" + self.t(
                "enps_value", value=_fmt(e["enps"], lang, 0, sign=True),
                promoters=_fmt(e["promoters"], lang, 0), passives=_fmt(e["passives"], lang, 0),
                detractors=_fmt(e["detractors"], lang, 0), n=_int(e["n"]),
            ) + "</p>")
            parts.append(self._figure("enps"))
        return self._section("outcomes", "sec_outcomes", "".join(parts))

    def strengths(self) -> Section:
        """The highest- and lowest-scoring questions of the unit."""
        lang = self.language
        parts = [f'<p class="asmt-lead">{self.t("strengths_lead")}</p>']
        rows = self.strengths_frame[~self.strengths_frame["suppressed"]]
        if rows.empty:
            parts.append(f'<p class="asmt-hidden">{self.t("strengths_hidden")}</p>')
        else:
            columns = []
            for kind, key in (("strength", "strengths"), ("opportunity", "opportunities")):
                part = rows[rows["kind"] == kind].sort_values("rank")
                table_rows = [
                    [esc(_int(r["rank"])),
                     esc(("↺ " if bool(r["reverse"]) else "") + self._item_text(r["item"])),
                     esc(self._dim_name(r["dimension"])), esc(_fmt(r["mean"], lang))]
                    for _, r in part.iterrows()
                ]
                columns.append("<div>" + _table(
                    [("#", True), (self.t("question"), False), (self.t("dimension"), False),
                     (self.t("mean"), True)],
                    table_rows, caption=self.t(key),
                ) + "</div>")
            parts.append(f'<div class="asmt-two">{"".join(columns)}</div>')
        return self._section("strengths", "sec_strengths", "".join(parts))

    def recommendations(self) -> Section:
        """For each dimension: the current level's description and the actions to the next."""
        lang = self.language
        parts = [f'<p class="asmt-lead">{self.t("recommendations_lead")}</p>']
        scores = self.unit_scores.set_index("dimension")
        for dim in self.model.dimensions:
            row = scores.loc[dim.id] if dim.id in scores.index else None
            parts.append(f'<div class="asmt-card"><h3>{esc(dim.name.get(lang))}</h3>')
            if row is None or bool(row["suppressed"]):
                parts.append(f'<p class="asmt-hidden">{self.t("recommendation_hidden")}</p></div>')
                continue
            level = _int(row["level"]) or 1
            current = dim.levels[level - 1]
            heading = (
                self.t("towards", level=level + 1,
                       name=self.model.level_name(level + 1, lang))
                if level < 5 else self.t("sustain", name=self.model.level_name(5, lang))
            )
            actions = "".join(f"<li>{esc(a)}</li>" for a in current.actions.get(lang))
            parts.append(
                f"{self._level(level)}<p>{esc(current.description.get(lang))}</p>"
                f"<p><strong>{heading}</strong></p><ul class=\"asmt-actions\">{actions}</ul></div>"
            )
        return self._section("recommendations", "sec_recommendations", "".join(parts))

    def comments(self) -> Section:
        """Released comments (teams of at least the comment minimum), grouped by team."""
        parts = []
        if self.comments_frame is None:
            parts.append(f'<p class="asmt-lead">{self.t("comments_role")}</p>')
        else:
            parts.append(self._para("comments_lead", "asmt-lead", min=self.comment_min))
            if self.comments_frame.empty:
                parts.append(f'<p class="asmt-note">{self.t("comments_none")}</p>')
            for group, part in self.comments_frame.groupby("group", sort=True):
                parts.append(f"<h3>{esc(group)}</h3>")
                for _, row in part.iterrows():
                    dim = row["dimension_id"]
                    label = self._dim_name(dim) if dim in self._dims else dim
                    parts.append(
                        f'<blockquote><span class="asmt-note">{esc(label)}</span>'
                        f"{esc(row['text'])}</blockquote>"
                    )
        return self._section("comments", "sec_comments", "".join(parts))

    def appendix(self) -> Section:
        """Participation, reliability and method."""
        lang = self.language
        k = self.min_group_size
        parts = [f'<h3>{self.t("participation")}</h3>']
        rows = []
        for _, r in self.participation.iterrows():
            label = self._role_name(r["label"]) if r["kind"] == "role" else str(r["label"])
            kind = text(lang, "layer") if r["kind"] == "role" else text(lang, str(r["kind"]))
            rows.append([esc(kind), esc(label), self._n(r["n"])])
        parts.append(_table(
            [("", False), (self.t("group"), False), (self.t("respondents"), True)], rows
        ))
        parts.append(f'<p class="asmt-note">{self.t("participation_note", min=k)}</p>')
        parts.append(f'<h3>{self.t("reliability")}</h3>'
                     f'<p class="asmt-lead">{self.t("reliability_lead")}</p>')
        scales = self.reliability.scales
        items = self.reliability.items
        rel_rows = []
        for _, s in scales.iterrows():
            if bool(s["suppressed"]) or pd.isna(s["alpha"]):
                rel_rows.append([esc(self._dim_name(s["dimension"])), esc(s["k"]), "–",
                                 f'<span class="asmt-hidden">{self.t("reliability_hidden")}</span>',
                                 "", ""])
                continue
            flags = []
            if s["low_reliability"] is not pd.NA and bool(s["low_reliability"]):
                flags.append(self.t("low_reliability"))
            bad = items[(items["dimension"] == s["dimension"])
                        & items["mis_keyed"].fillna(False).astype(bool)]
            if len(bad):
                flags.append(self.t("mis_keyed", items=", ".join(bad["item"])))
            rel_rows.append([
                esc(self._dim_name(s["dimension"])), esc(s["k"]), esc(_int(s["n"])),
                esc(_fmt(s["alpha"], lang)),
                esc(_interval(s["ci_low"], s["ci_high"], lang)),
                "; ".join(flags),
            ])
        parts.append(_table(
            [(self.t("dimension"), False), (self.t("items"), True), (self.t("n"), True),
             (self.t("alpha"), True), (self.t("ci"), True), (self.t("flags"), False)],
            rel_rows,
        ))
        parts.append(f'<h3>{self.t("method")}</h3>')
        for key, values in (
            ("method_scores", {}),
            ("summary_lead", {}),
            ("method_gap", {}),
            ("method_outcomes", {"margin": _fmt(CX_EX_MARGIN, lang)}),
        ):
            parts.append(f"<p>{self.t(key, **values)}</p>")
        # The footer line keeps the last paragraph with it: never a page of the footer alone.
        parts.append(
            '<div class="asmt-keep">'
            + self._para("method_confidentiality", min=k, comment_min=self.comment_min)
            + self._para("generated", "asmt-note", model=self.model.id,
                         version=self.model.version, package=__version__)
            + "</div>"
        )
        return self._section("appendix", "sec_appendix", "".join(parts))

    def sections(self) -> list[Section]:
        """Every section the report shows, in report order."""
        return [s for name, _ in SECTIONS if (s := getattr(self, name)()) is not None]

    # --- data file ---------------------------------------------------------------------------
    @property
    def data_path(self) -> Path:
        """Where :meth:`save_data` writes the published numbers of this report."""
        return self.output_dir / f"{self.unit.slug}.scores.csv"

    def published_scores(self) -> pd.DataFrame:
        """The score rows this report shows (unit, layers, heatmap); withheld rows bare."""
        columns = ["by", "group", "dimension", "n", "mean", "sd", "ci_low", "ci_high",
                   "score_100", "level", "suppressed"]
        layers = self._layers.copy()
        if self.unit.kind == "team" and not self.layers_are_organisation:
            layers["by"] = "role,team"
            layers["group"] = [f"{r} / {self.unit.name}" for r in layers["role"]]
        frames = [self.unit_scores[columns], layers[columns], self.heatmap_rows[columns]]
        out = pd.concat([f for f in frames if not f.empty], ignore_index=True)
        return out.drop_duplicates(subset=["by", "group", "dimension"]).reset_index(drop=True)

    def save_data(self) -> None:
        """Write the report's published score rows to :attr:`data_path` (CSV, atomically)."""
        write_text_atomic(self.data_path, self.published_scores().to_csv(index=False))

