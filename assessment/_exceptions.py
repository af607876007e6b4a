"""Exception families: each names the file, row, column, field or parameter at fault."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AssessmentError",
    "ConfidentialityError",
    "ImportValidationError",
    "ModelError",
    "NotFoundError",
    "ParameterError",
    "StoreError",
]

#: How many problems an error message lists before it only counts the rest.
MAX_LISTED_PROBLEMS = 50


class AssessmentError(Exception):
    """Base class of every error this package raises on purpose."""


def _listing(header: str, problems: Sequence[str], total: int | None = None) -> str:
    lines = [header]
    lines += [f"  - {p}" for p in problems[:MAX_LISTED_PROBLEMS]]
    rest = (len(problems) if total is None else total) - MAX_LISTED_PROBLEMS
    if rest > 0:
        lines.append(f"  ... and {rest} more problem{'s' if rest != 1 else ''}")
    return "\n".join(lines)


class ModelError(AssessmentError):
    """A maturity-model file is missing, unreadable or invalid."""

    def __init__(self, path: str, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__(_listing(f"{path}: {n} problem{'s' if n != 1 else ''}", self.problems))


class ImportValidationError(AssessmentError):
    """A response file failed validation; nothing was stored.

    ``problems`` are the first problems in file order; ``total`` counts them all (default:
    as many as are given), for a file whose problems are too many to keep.
    """

    def __init__(self, path: str, problems: Sequence[str], *, total: int | None = None) -> None:
        self.path = path
        self.problems = list(problems)
        self.total = max(len(self.problems), total or 0)
        n = self.total
        header = f"{path}: {n:,} problem{'s' if n != 1 else ''}, nothing was imported"
        super().__init__(_listing(header, self.problems, n))


class StoreError(AssessmentError):
    """The response store cannot do what was asked (schema, integrity, workspace)."""


class NotFoundError(StoreError):
    """An organisation, engagement or other record does not exist."""


class ParameterError(AssessmentError):
    """A parameter (of a command, a report notebook or a function) has an invalid value."""


class ConfidentialityError(AssessmentError):
    """An operation would disclose a group below the minimum reporting size."""


class RenderError(AssessmentError):
    """A report could not be executed, exported or printed (kernel, Chromium, unsafe HTML)."""
