"""The report notebook's entry points: :func:`prepare_report` checks the parameters and
returns the :class:`Report`; :func:`reportable_units` lists the units that may get one."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from .._exceptions import ConfidentialityError, ParameterError
from .._i18n._report import REPORT_LANGUAGES
from .._notebook import short_errors
from .._store._workspace import WORKSPACE_ENV, Workspace
from ._report import Report
from ._snapshot import read_snapshot
from ._tables import EngagementTables, engagement_tables
from ._units import UNIT_KINDS, Unit, parse_unit

__all__ = [
    "PARAMETERS",
    "check_parameters",
    "default_engagement",
    "prepare_report",
    "reportable_units",
]

#: The report notebook's parameters, in the order of its ``parameters`` cell.
PARAMETERS: Final = ("workspace", "engagement", "unit", "language", "output_dir", "snapshot")
#: What papermill can inject as a parameter value.
_LITERALS: Final = (str, int, float, bool, list, dict, tuple, type(None))
#: How many of the known groups an unknown unit's message lists.
_KNOWN_SHOWN: Final = 20


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


def default_engagement(workspace: Workspace) -> str:
    """The workspace's only engagement, or its most recent one (by date, then id)."""
    from .._store._store import Store

    with Store(workspace.db_path) as store:
        found = store.engagements()
    if not found:
        raise ParameterError(
            f"engagement: workspace {workspace.path} has no engagement yet; set one up first "
            "(the consultant workbook, or `assessment engagement create`)"
        )
    return found[-1].id


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


def _check_unit(tables: EngagementTables, unit: Unit) -> None:
    """Refuse a unit that does not exist, or that the engagement's pattern does not publish."""
    if unit.kind == "organisation" and not len(tables.respondents):
        raise ConfidentialityError(
            f"engagement {tables.engagement.id!r} has no respondents yet: import "
            "responses (assessment import) or collect them with the form (assessment "
            "form) first"
        )
    known = tables.publication.groups(unit.kind)
    if unit.name not in known:
        shown = ", ".join(repr(k) for k in known[:_KNOWN_SHOWN])
        more = " ..." if len(known) > _KNOWN_SHOWN else ""
        close = difflib.get_close_matches(unit.name, known, 1, 0.75)
        hint = f"; did you mean {unit.kind}:{close[0]}?" if close else ""
        raise ParameterError(
            f"unit: {unit.parameter!r} is not a {unit.kind} of engagement "
            f"{tables.engagement.id!r} (known: {shown + more or 'none'}){hint}"
        )
    tables.publication.require_published(unit.kind, unit.name, label=f"unit: {unit.parameter!r}")


def prepare_report(
    workspace: str = "",
    engagement: str = "",
    unit: str = "organisation",
    language: str = "en",
    output_dir: str = "",
    snapshot: str = "",
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
        The engagement id; empty: the workspace's only or most recent engagement.
    unit:
        ``organisation``, ``team:NAME``, ``role:NAME`` (executive, manager or frontline) or
        ``department:NAME``.
    language:
        The report's language: ``en``, ``nl``, ``ru`` or ``uk`` (the model must have it).
    output_dir:
        Where :meth:`Report.save_data` writes the report's table of published numbers;
        empty: ``<workspace>/reports/<engagement>``.
    snapshot:
        A batch worker's snapshot file of the engagement (:mod:`._snapshot`), read instead
        of a workspace; then ``workspace`` must be empty and ``output_dir`` given.
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

    In a notebook, these errors show as one short message, not a traceback
    (:func:`~assessment.short_errors`).
    """
    short_errors()
    if namespace is not None:
        check_parameters(namespace)
    for name, value in (("engagement", engagement), ("language", language),
                        ("output_dir", output_dir), ("workspace", workspace),
                        ("snapshot", snapshot)):
        if not isinstance(value, str):
            raise ParameterError(f"{name}: must be a string, got {value!r}")
    if language not in REPORT_LANGUAGES:
        raise ParameterError(
            f"language: {language!r} is not a report language; choose one of "
            f"{', '.join(REPORT_LANGUAGES)}"
        )
    parsed = parse_unit(unit)
    if snapshot:
        if workspace:
            raise ParameterError("workspace: give a workspace or a snapshot, not both")
        if not engagement.strip():
            raise ParameterError("engagement: a report from a snapshot names its engagement")
        if not output_dir:
            raise ParameterError("output_dir: a report from a snapshot needs an output folder")
        tables = read_snapshot(snapshot, engagement)
        out = Path(output_dir).expanduser()
    else:
        ws = _workspace(workspace)
        if not engagement.strip():
            engagement = default_engagement(ws)
        tables = engagement_tables(ws, engagement)
        out = Path(output_dir).expanduser() if output_dir else ws.reports_dir / engagement
    if language not in tables.model.languages:
        raise ParameterError(
            f"language: {language!r} is not a language of model {tables.model.id!r} "
            f"({', '.join(tables.model.languages)})"
        )
    _check_unit(tables, parsed)
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
    tables = engagement_tables(_workspace(workspace), engagement)
    _check_unit(tables, Unit("organisation"))
    return [Unit(by, name).parameter  # type: ignore[arg-type]
            for name in tables.publication.published_groups(by)]
