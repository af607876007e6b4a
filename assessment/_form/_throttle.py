"""How fast a form session may try invite codes: a growing delay after wrong codes.

Codes are 60 random bits, so guessing one is hopeless anyway; the throttle keeps it that
way cheaply and keeps a script from using the form as a fast oracle.

- **Per session** (one :class:`~assessment._form._questionnaire.Questionnaire`, i.e. one
  browser tab): the first :data:`FREE_ATTEMPTS` wrong codes are checked at once; after each
  further one the session waits 1, 2, 4, 8... seconds, at most :data:`MAX_DELAY`, before the
  next code is checked. A code entered during the wait is not checked at all. A right code
  resets the count.
- **Per process** (every session the server hosts): a token bucket of :data:`BUDGET` wrong
  codes, refilled at :data:`REFILL_PER_SECOND`. A session's first code is always checked, so
  a respondent who types their code right never waits; once the bucket is empty, a session
  that has already entered a wrong code waits for the next token. Many tabs then give an
  attacker one guess each, at the pace the server opens sessions (and ``--max-sessions``).

Time is whatever monotonic clock the caller passes (``now``, in seconds).
"""

from __future__ import annotations

import math
import threading

__all__ = ["BUDGET", "FREE_ATTEMPTS", "MAX_DELAY", "REFILL_PER_SECOND", "CodeAttempts",
           "FailureBudget", "delay_after"]

#: Wrong codes a session may enter before it has to wait.
FREE_ATTEMPTS = 3
#: The longest wait, in seconds, between two codes of one session.
MAX_DELAY = 30.0
#: Wrong codes the process accepts in a burst, across sessions.
BUDGET = 60
#: Wrong codes the process accepts per second, sustained, across sessions.
REFILL_PER_SECOND = 1.0


def delay_after(failures: int) -> float:
    """Seconds a session waits after its ``failures``-th wrong code in a row."""
    if failures <= FREE_ATTEMPTS:
        return 0.0
    return float(min(2.0 ** (failures - FREE_ATTEMPTS - 1), MAX_DELAY))


class FailureBudget:
    """A token bucket of wrong codes, shared by the sessions of one process (thread-safe)."""

    def __init__(self, capacity: float = BUDGET, rate: float = REFILL_PER_SECOND) -> None:
        self.capacity = float(capacity)
        self.rate = float(rate)
        self._tokens = float(capacity)
        self._at: float | None = None
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        if self._at is not None:
            self._tokens = min(self.capacity, self._tokens + max(now - self._at, 0.0) * self.rate)
        self._at = now if self._at is None else max(now, self._at)

    def wait(self, now: float) -> float:
        """Seconds until a wrong code may be checked again (0 when one may be now)."""
        with self._lock:
            self._refill(now)
            return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate

    def take(self, now: float) -> None:
        """Count one wrong code (the bucket never goes below empty)."""
        with self._lock:
            self._refill(now)
            self._tokens = max(self._tokens - 1.0, 0.0)


#: The process's budget of wrong codes.
SHARED_BUDGET = FailureBudget()


class CodeAttempts:
    """One session's wrong codes in a row, and when it may try again."""

    def __init__(self, budget: FailureBudget | None = None) -> None:
        self.failures = 0
        self._until = 0.0
        self._budget = budget

    @property
    def budget(self) -> FailureBudget:
        """The budget this session draws on (the process's unless given)."""
        return self._budget if self._budget is not None else SHARED_BUDGET

    def wait(self, now: float) -> int:
        """Whole seconds to wait before the next code is checked (0: check it now)."""
        own = max(self._until - now, 0.0)
        if own == 0.0 and self.failures:
            own = self.budget.wait(now)
        return math.ceil(own)

    def failed(self, now: float) -> int:
        """Count a wrong code; return the seconds to wait before the next one."""
        self.failures += 1
        self.budget.take(now)
        self._until = now + delay_after(self.failures)
        return math.ceil(delay_after(self.failures))

    def succeeded(self) -> None:
        """A right code: the next wrong one is free again."""
        self.failures = 0
        self._until = 0.0
