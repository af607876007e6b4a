"""Load benchmark: the questionnaire server under many respondents, against plain Voilà.

    .venv/bin/python benchmarks/bench_form.py --respondents 200 --concurrency 50 [--baseline]

Builds the demo organisation in a temporary workspace, makes one personal invite code per
respondent, starts the real ``assessment form`` and drives N simulated respondents, at most
C at a time, each through the whole questionnaire: the language page, the code, every
question page answered with a comment, the outcome page, the review and Submit, with a
think time before each step (``--think``, uniformly 0.5-1.5 times it), then closes the tab
(the browser's beacon). They speak the browser's own protocol (``form_client.py``); one real
Chromium respondent, with every request to another host blocked, goes through the form in
the middle of the load to prove the page works (``--no-browser`` skips it).

``--baseline`` then runs the same load against the naive set-up on a fresh copy of the
workspace: plain Voilà on ``notebooks/questionnaire.ipynb`` (one kernel per visitor, as
``assessment form`` served it before), and reports the ratios.

Measured per server: first screen (page load until the language page is usable) and page
step (each click until its page is there) p50/p95 in seconds, over the simulated
respondents; the server's process tree memory at start, at its peak and after the idle
timeout has passed with everyone gone (and its ratio to the start); the sessions left then,
and how often a fresh server process took over from an idle one (``server_replacements``);
memory per concurrent respondent; the server's CPU seconds for the load and per respondent
(what limits one process: it runs on one core). ``submitted`` counts the questionnaires
stored in the database (the Chromium respondent's included), ``lost`` those a simulated
respondent saw thanked for but the database lacks, ``duplicates`` those stored twice (each
respondent writes a comment of their own).

Progress goes to standard error; the last line of standard output is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment import Store, build_demo, generate_invites
from benchmarks.form_client import Respondent, complete, enter_code, first_screen

MODEL = ROOT / "data" / "models" / "service-maturity.yaml"
NOTEBOOK = ROOT / "notebooks" / "questionnaire.ipynb"
BIN = Path(sys.executable).parent
TOKEN = "bench-token-0123456789abcdef"
CHROMIUM = Path("/usr/bin/chromium")
#: Seconds a simulated respondent waits for one step before giving up (counted as failed).
STEP_TIMEOUT = 180
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, math.ceil(p * len(ordered)) - 1)], 3)


def tree(pid: int) -> tuple[float, int]:
    """Resident memory (MB) of ``pid`` and its descendants, and how many processes."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0, 0
    total, count = 0, 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
            count += 1
        except psutil.NoSuchProcess:
            continue
    return total / 2**20, count


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid``, its live descendants and the children it reaped."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def make_workspace(folder: Path, respondents: int) -> list[str]:
    """The demo organisation in ``folder`` and one personal code per respondent (+ spares)."""
    with Store(folder / "assessment.db") as store:
        build_demo(store, MODEL.read_text(encoding="utf-8"))
        teams = list(store.teams("demo")["team"])
        codes: list[str] = []
        per_team = math.ceil((respondents + 2) / len(teams))
        for team in teams:
            made = generate_invites(store, "demo", role="frontline", team=team, count=per_team)
            codes += [inv.code for inv in made]
        store.checkpoint()
    random.Random(13).shuffle(codes)
    return codes


@dataclass
class Server:
    """A server under test: its process, the URL to hand out and how to count sessions."""

    kind: str  # "solara" (assessment form) or "voila"
    proc: subprocess.Popen[bytes]
    url: str
    port: int
    log: Path

    def sessions(self) -> int:
        """Open sessions: the server's count, or Voilà's kernels (processes)."""
        if self.kind == "voila":
            return max(0, tree(self.proc.pid)[1] - 1)
        with urllib.request.urlopen(
                f"http://127.0.0.1:{self.port}/_assessment/status?token={TOKEN}",
                timeout=30) as r:
            return int(json.loads(r.read())["sessions"])

    def replacements(self) -> int:
        """Times a fresh server process took over from an idle one (its log says so)."""
        said = self.log.read_text(encoding="utf-8", errors="replace")
        return len(re.findall(r"server process \d+ took over", said))

    def stop(self) -> None:
        """Stop the server and whatever it started (Voilà's kernels have groups of their own)."""
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()


def start_server(kind: str, workspace: Path, idle_timeout: float) -> Server:
    port = _free_port()
    log = workspace / f"{kind}.log"
    env = {**os.environ, "ASSESSMENT_WORKSPACE": str(workspace),
           "ASSESSMENT_ENGAGEMENT": "demo", "ASSESSMENT_FORM_TOKEN": TOKEN}
    if kind == "solara":
        argv = [str(BIN / "assessment"), "form", "--engagement", "demo", "--port", str(port),
                "--idle-timeout", str(idle_timeout), "--max-sessions", "0"]
        cwd = workspace
    else:  # the naive set-up: Voilà on the notebook, one kernel per visitor
        argv = [sys.executable, "-m", "voila", str(NOTEBOOK), f"--port={port}", "--no-browser",
                "--Voila.ip=127.0.0.1", f"--Voila.token={TOKEN}", "--show_tracebacks=False",
                "--strip_sources=True"]
        cwd = NOTEBOOK.parent
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}/?token={TOKEN}"
    server = Server(kind, proc, url, port, log)
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                pass
            break
        except urllib.error.HTTPError:
            break  # it answers (403 without the token)
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise SystemExit(f"{kind} did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.3)
    return server


@dataclass
class Run:
    """What the respondents of one run saw."""

    done: list[dict[str, float]] = field(default_factory=list)
    thanked: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    leaked: int = 0  # sessions the server kept after the tab closed (refused beacons)
    live: int = 0
    max_live: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def respondent(server: Server, run: Run, number: int, code: str, think: float) -> None:
    """One simulated respondent: the whole questionnaire, then the tab closes."""
    rng = random.Random(number)

    def pause() -> None:
        if think:
            time.sleep(rng.uniform(0.5, 1.5) * think)

    with run.lock:
        run.live += 1
        run.max_live = max(run.max_live, run.live)
    r = Respondent(server.url, server.kind, timeout=STEP_TIMEOUT)
    try:
        first_screen(r)
        pause()
        enter_code(r, code, pause)
        pause()
        complete(r, number % 5, f"bench respondent {number}", pause)
        with run.lock:
            run.thanked.append(number)
            run.done.append(r.times)
        with contextlib.suppress(OSError):
            if r.beacon() >= 400 and server.kind == "voila":
                # The naive server refuses the tab's goodbye (403, no _xsrf cookie) and keeps
                # the kernel (~125 MB) for good: 200 respondents would fill the machine. Count
                # the leak, then remove the kernel as an administrator would.
                with run.lock:
                    run.leaked += 1
                r.delete_kernel(TOKEN)
    except Exception as exc:  # a failed respondent is counted, the run goes on
        with run.lock:
            run.errors.append(f"{number}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        r.close()
        with run.lock:
            run.live -= 1


def browser_respondent(url: str, code: str) -> dict[str, Any]:
    """A real Chromium respondent, offline but for the server, through the whole form."""
    from playwright.sync_api import expect, sync_playwright

    blocked: list[str] = []
    start = time.perf_counter()
    out: dict[str, Any] = {"ok": False}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=CHROMIUM_ARGS)
            try:
                context = browser.new_context()

                def route(r: Any) -> None:
                    if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost"):
                        r.continue_()
                    else:
                        blocked.append(r.request.url)
                        r.abort()

                context.route("**/*", route)
                page = context.new_page()
                page.set_default_timeout(600_000)
                opened = time.perf_counter()
                page.goto(url)
                page.get_by_role("button", name="Continue").click()
                out["first_screen_s"] = round(time.perf_counter() - opened, 3)
                page.get_by_placeholder("XXXX-XXXX-XXXX").fill(code)
                page.get_by_role("button", name="Continue").click()
                page.get_by_role("button", name="Start").click()
                review = page.get_by_role("heading", name="Review and submit")
                pages = 0
                while True:
                    progress = page.get_by_text(f"Page {pages + 1} of ")
                    expect(progress.or_(review).first).to_be_visible(timeout=600_000)
                    if review.is_visible():
                        break
                    pages += 1
                    groups = page.get_by_role("radiogroup")
                    for i in range(groups.count()):
                        groups.nth(i).get_by_role("radio").nth(2).check()
                    if page.locator("textarea").count():
                        page.locator("textarea").fill("bench browser")
                    page.get_by_role("button", name="Next").click()
                    expect(progress).to_be_hidden(timeout=600_000)
                page.get_by_role("button", name="Submit my answers").click()
                expect(page.get_by_role("heading", name="Thank you!")).to_be_visible(
                    timeout=600_000)
                out.update(ok=True, pages=pages)
            finally:
                browser.close()
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
    out["seconds"] = round(time.perf_counter() - start, 2)
    out["blocked"] = sorted(set(blocked))
    return out


def stored(workspace: Path, numbers: list[int]) -> dict[str, int]:
    """Questionnaires in the database: submitted, lost (thanked, not stored), duplicates."""
    with Store(workspace / "assessment.db") as store:
        rows = store.connection.execute(
            "SELECT c.text, count(DISTINCT c.respondent_id) FROM comments c "
            "JOIN respondents r ON r.id = c.respondent_id "
            "WHERE r.source = 'form' GROUP BY c.text").fetchall()
        submitted = store.connection.execute(
            "SELECT count(*) FROM respondents WHERE source = 'form'").fetchone()[0]
        integrity = store.integrity_check()
    per = dict(rows)
    lost = sum(1 for n in numbers if per.get(f"bench respondent {n}", 0) == 0)
    duplicates = sum(count - 1 for count in per.values() if count > 1)
    return {"submitted": int(submitted), "lost": lost, "duplicates": duplicates,
            "integrity": integrity}


def measure(kind: str, workspace: Path, codes: list[str], args: argparse.Namespace
            ) -> dict[str, Any]:
    """Start ``kind``'s server on ``workspace``, run the load, wait the idle time, report."""
    count = args.processes if kind == "solara" else 1
    _log(f"{kind}: starting {count} process(es)")
    servers = [start_server(kind, workspace, args.idle_timeout) for _ in range(count)]

    def memory() -> float:
        return sum(tree(server.proc.pid)[0] for server in servers)

    def sessions() -> int:
        return sum(server.sessions() for server in servers)

    def cpu() -> float:
        return sum(cpu_seconds(server.proc.pid) for server in servers)

    try:
        time.sleep(2)
        rss_start = memory()
        cpu_start = cpu()
        peak = {"rss": rss_start, "sessions": 0}
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                rss = memory()
                if rss > peak["rss"]:
                    try:
                        live = sessions()
                    except OSError:
                        live = 0
                    peak.update(rss=rss, sessions=live)
                stop.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        run = Run()
        browser: dict[str, Any] = {}
        browser_thread = None
        if not args.no_browser and CHROMIUM.exists():
            def in_browser() -> None:
                time.sleep(min(5.0, args.respondents * 0.05))  # in the middle of the load
                browser.update(browser_respondent(servers[0].url, codes[-1]))

            browser_thread = threading.Thread(target=in_browser)
            browser_thread.start()
        start = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            # Several processes: each respondent stays with one, as a sticky proxy keeps a
            # session's websocket on the process that holds it.
            futures = [pool.submit(respondent, servers[n % count], run, n, codes[n], args.think)
                       for n in range(args.respondents)]
            for k, future in enumerate(futures, 1):
                future.result()
                if k % max(1, args.respondents // 10) == 0:
                    _log(f"{kind}: {k}/{args.respondents} done, {len(run.errors)} failed")
        wall = time.perf_counter() - start
        cpu_load = cpu() - cpu_start
        if browser_thread is not None:
            browser_thread.join()
        _log(f"{kind}: all respondents gone; waiting {args.idle_timeout:g} s of idle time")
        time.sleep(args.idle_timeout + max(2.0, args.idle_timeout / 2))
        stop.set()
        sampler.join()
        rss_after = memory()
        sessions_after = sessions()
        replaced = sum(server.replacements() for server in servers)
    finally:
        for server in servers:
            server.stop()
    first = [t["first_screen"] for t in run.done]
    _log(f"{kind}: {len(run.done)} finished, {len(run.errors)} failed: {run.errors[:3]}")
    steps = [v for t in run.done for k, v in t.items() if k != "first_screen"]
    per_concurrent = (peak["rss"] - rss_start) / max(1, run.max_live)
    per_session = (peak["rss"] - rss_start) / max(1, peak["sessions"])
    return {
        "first_screen_p50_s": _pct(first, 0.5), "first_screen_p95_s": _pct(first, 0.95),
        "page_p50_s": _pct(steps, 0.5), "page_p95_s": _pct(steps, 0.95),
        **stored(workspace, run.thanked),
        "finished": len(run.thanked), "failed": len(run.errors),
        "rss_start_mb": round(rss_start, 1), "peak_rss_mb": round(peak["rss"], 1),
        "rss_after_idle_mb": round(rss_after, 1), "sessions_after_idle": sessions_after,
        "server_replacements": replaced,
        "refused_tab_closes": run.leaked,
        "max_concurrent": run.max_live, "sessions_at_peak": peak["sessions"],
        "mb_per_concurrent": round(per_concurrent, 2), "mb_per_session": round(per_session, 2),
        "rss_after_idle_vs_start": round(rss_after / rss_start, 3) if rss_start else None,
        # The server's CPU for the load (the browser respondent's part included).
        "server_cpu_s": round(cpu_load, 1),
        "server_cpu_s_per_respondent": round(cpu_load / max(1, len(run.thanked)), 3),
        "wall_s": round(wall, 1), "processes": count, "browser": browser,
        "errors": run.errors[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds before each step (0: none)")
    parser.add_argument("--idle-timeout", type=float, default=15.0,
                        help="the server's --idle-timeout, and the wait before the after-idle "
                             "figures")
    parser.add_argument("--baseline", action="store_true",
                        help="also run the naive set-up (plain Voilà) on the same load")
    parser.add_argument("--processes", type=int, default=1,
                        help="form server processes on the one workspace, respondents spread "
                             "over them and each kept on one (as a sticky proxy does)")
    parser.add_argument("--no-browser", action="store_true",
                        help="no real Chromium respondent in the mix")
    parser.add_argument("--keep", type=Path, help="keep the workspaces in this folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-form-")) if args.keep is None else args.keep
    try:
        _log(f"building the demo with {args.respondents + 1} codes in {folder}")
        codes = make_workspace(folder / "solara", args.respondents)
        results: dict[str, Any] = {"respondents": args.respondents,
                                   "concurrency": args.concurrency, "think_s": args.think}
        ours = measure("solara", folder / "solara", codes, args)
        results.update(ours)
        _log("solara: " + json.dumps(ours))
        if args.baseline:
            base_codes = make_workspace(folder / "voila", args.respondents)
            base = measure("voila", folder / "voila", base_codes, args)
            results["baseline"] = base
            results["ratios"] = {
                key: (round(ours[key] / base[key], 3) if ours.get(key) and base.get(key)
                      else None)
                for key in ("first_screen_p50_s", "first_screen_p95_s", "page_p50_s",
                            "page_p95_s", "peak_rss_mb", "rss_after_idle_mb",
                            "mb_per_concurrent", "mb_per_session",
                            "server_cpu_s_per_respondent")
            }
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
