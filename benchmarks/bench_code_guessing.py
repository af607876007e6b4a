"""Measure how many invite codes a client can have checked per second, with and without the
throttle on wrong codes.

Drives :class:`~assessment.Questionnaire` in-process, as a script would through the widgets
(set the code field's ``.value``, click Continue), as fast as it can for ``--seconds`` of
wall-clock time per scenario, on a fresh store with the shipped model:

- ``unthrottled``: one tab, the throttle switched off (the naive form, as before);
- ``one_tab``: one tab, the throttle on (per-session delay);
- ``many_tabs``: ``--tabs`` tabs taking turns, the throttle on (per-session delay and the
  per-process budget of wrong codes);
- ``new_tab_per_guess``: a new tab for every guess (each tab's first code is always checked:
  this is bounded by how fast the server opens sessions, not by the throttle).

A code counts as *checked* when the form looked it up in the store (calls of
``start_session``); a click answered "wait N s" is not checked. The last line printed is a
JSON object with checks per second per scenario and the ratios to ``unthrottled``.

    .venv/bin/python benchmarks/bench_code_guessing.py [--seconds 30] [--tabs 50]
"""

from __future__ import annotations

import argparse
import json
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import assessment._form._questionnaire as form
from assessment import Questionnaire, Store
from assessment._form import _throttle
from assessment._form._drafts import start_session
from assessment._form._invites import CODE_ALPHABET, format_code

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_MODEL = ROOT / "data" / "models" / "service-maturity.yaml"


def _guess() -> str:
    return format_code("".join(secrets.choice(CODE_ALPHABET) for _ in range(12)))


class Counter:
    """Wraps ``start_session`` in the form module to count the codes actually checked."""

    def __init__(self) -> None:
        self.checked = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.checked += 1
        return start_session(*args, **kwargs)


@contextmanager
def _unthrottled() -> Iterator[None]:
    wait, failed = _throttle.CodeAttempts.wait, _throttle.CodeAttempts.failed
    _throttle.CodeAttempts.wait = lambda self, now: 0  # type: ignore[method-assign]
    _throttle.CodeAttempts.failed = lambda self, now: 0  # type: ignore[method-assign]
    try:
        yield
    finally:
        _throttle.CodeAttempts.wait, _throttle.CodeAttempts.failed = wait, failed  # type: ignore[method-assign]


def _on_code_page(store: Store) -> Questionnaire:
    q = Questionnaire(store, "bench", lang="en")
    q.buttons["continue"].click()
    assert q.page == "code"
    return q


def _try(q: Questionnaire) -> None:
    q.code_input.value = _guess()
    q.buttons["continue"].click()


def _run(seconds: float, step: Callable[[], None], counter: Counter) -> dict[str, float]:
    _throttle.SHARED_BUDGET = _throttle.FailureBudget()  # each scenario starts afresh
    counter.checked = 0
    clicks = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        step()
        clicks += 1
    return {"checked": counter.checked, "clicks": clicks, "seconds": round(elapsed, 3),
            "checked_per_s": round(counter.checked / elapsed, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="Seconds per scenario.")
    parser.add_argument("--tabs", type=int, default=50, help="Tabs in the many-tabs scenario.")
    args = parser.parse_args()

    counter = Counter()
    form.start_session = counter  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("bench", "Org", SHIPPED_MODEL.read_text(encoding="utf-8"))
        results: dict[str, dict[str, float]] = {}
        with _unthrottled():
            tab = _on_code_page(store)
            results["unthrottled"] = _run(args.seconds, lambda: _try(tab), counter)
        one = _on_code_page(store)
        results["one_tab"] = _run(args.seconds, lambda: _try(one), counter)
        tabs = [_on_code_page(store) for _ in range(args.tabs)]
        turn = iter(range(10**12))
        results["many_tabs"] = _run(
            args.seconds, lambda: _try(tabs[next(turn) % len(tabs)]), counter
        )
        results["new_tab_per_guess"] = _run(
            args.seconds, lambda: _try(_on_code_page(store)), counter
        )
    base = results["unthrottled"]["checked_per_s"]
    for name, figures in results.items():
        print(f"{name:18} {figures['checked']:>7} codes checked in {figures['seconds']:.1f} s"
              f" = {figures['checked_per_s']:.2f}/s ({figures['clicks']} clicks)")
    print(json.dumps({
        "seconds": args.seconds,
        "tabs": args.tabs,
        "checked_per_s": {name: f["checked_per_s"] for name, f in results.items()},
        "ratio_to_unthrottled": {
            name: round(f["checked_per_s"] / base, 5) for name, f in results.items()
            if name != "unthrottled"
        },
    }))


if __name__ == "__main__":
    main()
