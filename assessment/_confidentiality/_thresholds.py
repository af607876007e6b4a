"""The minimum group sizes of the anonymity rules, and their check.

Kept apart from ``_confidentiality`` (which loads scipy) so that the store, and with it the
questionnaire form, can use them without loading the analysis stack.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from .._exceptions import ParameterError

__all__ = [
    "DEFAULT_MIN_COMMENT_GROUP_SIZE",
    "DEFAULT_MIN_GROUP_SIZE",
    "SMALLEST_MIN_GROUP_SIZE",
    "check_min_group_size",
]

#: The engagement's minimum reporting group size unless it sets another.
DEFAULT_MIN_GROUP_SIZE: Final = 5
#: No engagement may report groups smaller than this.
SMALLEST_MIN_GROUP_SIZE: Final = 3
#: Comments are released only for groups at least this large (unless configured otherwise).
DEFAULT_MIN_COMMENT_GROUP_SIZE: Final = 10


def check_min_group_size(value: object, parameter: str = "min_group_size") -> int:
    """Return ``value`` as the minimum group size, or raise :class:`ParameterError`."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ParameterError(f"{parameter}: must be a whole number, got {value!r}")
    if value < SMALLEST_MIN_GROUP_SIZE:
        raise ParameterError(
            f"{parameter}: must be at least {SMALLEST_MIN_GROUP_SIZE}, got {value}"
        )
    return int(value)
