"""Checks of a report request before any kernel starts: engagement, languages and units.

``assessment report`` and ``assessment batch`` call :func:`check_request` first, so a typo in
a unit or a language is refused at once, listing what is known, instead of failing inside
a kernel seconds later with a partial notebook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._exceptions import ParameterError
from .._i18n._report import REPORT_LANGUAGES
from .._store._workspace import Workspace
from ._prepare import _check_unit, _workspace, default_engagement
from ._tables import engagement_tables
from ._units import Unit, parse_unit

__all__ = ["CheckedRequest", "check_request"]


@dataclass(frozen=True)
class CheckedRequest:
    """A report request that passed the checks: what the kernels will be asked for."""

    engagement: str
    languages: tuple[str, ...]
    units: tuple[Unit, ...]


def check_request(
    workspace: Workspace,
    engagement: str,
    *,
    units: Sequence[str] = (),
    languages: Sequence[str] = (),
) -> CheckedRequest:
    """Refuse a report request that a report notebook would refuse, before it runs.

    Parameters
    ----------
    workspace:
        The workspace holding the engagement (it must have a store).
    engagement:
        The engagement id; empty: the workspace's only or most recent engagement.
    units:
        ``organisation``, ``team:NAME``... (default: none to check); each must exist and be
        published by the engagement's suppression pattern.
    languages:
        Report languages (default: the engagement's first); each must be a report language
        and a language of the engagement's model.

    Raises
    ------
    ParameterError
        An unknown engagement, language or unit: the message lists the known ones.
    ConfidentialityError
        A unit below the minimum group size, or withheld to protect a smaller group.
    """
    ws = _workspace(str(workspace.path))
    engagement = engagement.strip() or default_engagement(ws)
    tables = engagement_tables(ws, engagement)
    model_languages = tables.model.languages
    chosen = tuple(dict.fromkeys(languages)) or tables.engagement.languages[:1]
    for language in chosen:
        if language not in REPORT_LANGUAGES:
            raise ParameterError(
                f"language: {language!r} is not a report language; choose one of "
                f"{', '.join(REPORT_LANGUAGES)}"
            )
        if language not in model_languages:
            raise ParameterError(
                f"language: {language!r} is not a language of model {tables.model.id!r} of "
                f"engagement {engagement!r} ({', '.join(model_languages)})"
            )
    parsed = tuple(parse_unit(unit) for unit in units)
    _check_unit(tables, Unit("organisation"))  # no respondents yet: refuse every report
    for unit in parsed:
        _check_unit(tables, unit)
    return CheckedRequest(engagement, chosen, parsed)
