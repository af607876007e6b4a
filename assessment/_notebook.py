"""Errors in a notebook: the package's own errors as one short message, not a traceback."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from ._exceptions import AssessmentError, ModelError

__all__ = ["short_errors"]


def _one_message(
    shell: Any,
    etype: type[BaseException],
    value: BaseException,
    tb: TracebackType | None,
    tb_offset: int | None = None,
) -> list[str]:
    """IPython's handler for the package's errors: the message, named by its kind."""
    message = f"{etype.__name__}: {value}"
    shell._showtraceback(etype, value, [message])
    return [message]


def short_errors() -> bool:
    """Show the package's errors in this IPython kernel as one short message.

    An :class:`~assessment.AssessmentError` says what is wrong and where (a parameter, a
    file's row and column, a unit): the traceback above it only hides that line at the
    bottom of a long listing. The cell still fails (papermill and nbval still stop there);
    any other exception keeps its traceback. Returns whether a kernel was there to set.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((AssessmentError, ModelError), _one_message)
    return True
