"""The questionnaire server under real use: capacity, idle sessions, a crash, its exit status.

`assessment form` runs as a user runs it; respondents are simulated over the browser's own
protocol (``benchmarks/form_client.py``: the page, the websocket, the widget messages), which
is what lets these tests hold a dozen sessions open, or kill the server mid-answer, cheaply.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from assessment import NotFoundError, ParameterError, Store, Workspace, generate_invites
from assessment._form._serve import (
    SESSION_MB,
    default_max_sessions,
    exit_reason,
    form_server,
    serve_form,
)
from assessment._i18n._catalogues import LOCALE_DIR
from assessment._i18n._form import form_translator
from benchmarks.form_client import Respondent, ServerBusy, answer_page, enter_code, first_screen
from tests.conftest import MINI_MODEL
from tests.server import EXE, TOKEN, free_port, http_get, login_cookie, start_form, stop_form

QUESTION_PAGES = 3  # the mini model: two dimensions and the outcomes page
BUSY = ("Many people are answering right now. Please try again in a minute; this page tries "
        "again by itself.")


def _workspace(tmp_path: Path, codes: int, languages: list[str] | None = None) -> tuple[
        Path, list[str]]:
    ws = tmp_path / "ws"
    with Store(ws / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"),
                                languages=languages)
        made = generate_invites(store, "e1", role="frontline", team="Care", count=codes)
    return ws, [inv.code for inv in made]


def _until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s: {what}")
        time.sleep(0.2)


def _on_welcome(url: str, code: str) -> Respondent:
    r = Respondent(url)
    first_screen(r)
    enter_code(r, code)
    return r


# --- settings, without a server -----------------------------------------------------------

def test_the_server_needs_a_token_unless_run_open_on_localhost(
    store: Store, engagement: str
) -> None:
    ws = Workspace(store.path.parent)
    with pytest.raises(ParameterError, match="needs a login token"):
        form_server(ws, engagement, token="")
    with pytest.raises(ParameterError, match="only on localhost"):
        form_server(ws, engagement, ip="0.0.0.0", open_access=True)
    with pytest.raises(ParameterError, match="at least 16"):
        form_server(ws, engagement, token="short")
    with pytest.raises(ParameterError, match="idle timeout"):
        form_server(ws, engagement, idle_timeout=0)
    with pytest.raises(NotFoundError):
        form_server(ws, "nope")
    server = form_server(ws, engagement, port=9000, idle_timeout=90, max_sessions=7)
    try:
        assert server.url == f"http://127.0.0.1:9000/?token={server.token}"
        assert len(server.token) >= 32
        assert not any(server.token in arg for arg in server.argv)  # not in the process list
        assert server.token not in server.env.values()
        config = server.config_dir / "server.json"
        assert stat.S_IMODE(config.stat().st_mode) == 0o600
        assert stat.S_IMODE(server.config_dir.stat().st_mode) == 0o700
        assert server.token in config.read_text()
        assert server.argv[1:] == ["-m", "assessment._form._server", "--config", str(config)]
        assert (server.config.idle_timeout, server.config.max_sessions) == (90, 7)
        assert server.env["ASSESSMENT_ENGAGEMENT"] == engagement
        assert server.env["ASSESSMENT_WORKSPACE"] == str(ws.path)
    finally:
        shutil.rmtree(server.config_dir)
    open_server = form_server(ws, engagement, open_access=True, ip="localhost")
    shutil.rmtree(open_server.config_dir)
    assert open_server.url == "http://localhost:8866/" and open_server.token == ""
    assert open_server.config.max_sessions == default_max_sessions()


def test_the_default_session_limit_budgets_half_the_memory() -> None:
    assert default_max_sessions(24 * 1024) == 24 * 1024 // 2 // SESSION_MB
    assert default_max_sessions(1024) == 1024 // 2 // SESSION_MB
    assert default_max_sessions(64) == 10  # a floor, so a tiny machine still serves a few


def test_the_exit_status_says_why_the_server_stopped() -> None:
    assert exit_reason(0) == (0, "the questionnaire server stopped")
    status, why = exit_reason(-signal.SIGKILL)
    assert status == 137 and "killed by SIGKILL" in why and "out of memory" in why
    status, why = exit_reason(-signal.SIGSEGV)
    assert status == 128 + signal.SIGSEGV and "SIGSEGV" in why
    status, why = exit_reason(3)
    assert status == 3 and "error (exit status 3)" in why


def test_sigterm_stops_the_form_server_and_removes_its_token_file(
    store: Store, engagement: str, tmp_path: Path
) -> None:
    pid_file = tmp_path / "child.pid"
    script = f"""
import dataclasses, sys
from pathlib import Path
from assessment._store._workspace import Workspace
from assessment._form._serve import form_server, serve_form
server = form_server(Workspace(Path({str(store.path.parent)!r})), {engagement!r},
                     port={free_port()})
child = "import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(300)"
server = dataclasses.replace(server, argv=[sys.executable, "-c", child])
print(server.config_dir, flush=True)
sys.exit(serve_form(server))
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = 0
    try:
        assert proc.stdout is not None
        config_dir = Path(proc.stdout.readline().strip())
        deadline = time.monotonic() + 60
        while not (pid_file.exists() and pid_file.read_text()):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        child = int(pid_file.read_text())
        assert (config_dir / "server.json").exists()
        proc.send_signal(signal.SIGTERM)  # the parent only, as systemd or `kill` would
        assert proc.wait(timeout=30) == 0  # stopped on request: a clean stop
        assert not config_dir.exists()
        with pytest.raises(ProcessLookupError):
            os.kill(child, 0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        if child:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)


def test_a_server_killed_by_a_signal_is_not_a_clean_stop(
    store: Store, engagement: str
) -> None:
    server = form_server(Workspace(store.path.parent), engagement, port=free_port())
    killed = dataclasses.replace(server, argv=[
        sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"])
    assert serve_form(killed) == -signal.SIGKILL
    assert not server.config_dir.exists()


_GENERATION = """
import os, signal, sys, time
log, notify = sys.argv[1], int(sys.argv[sys.argv.index("--notify-fd") + 1])
with open(log, "a+") as fh:
    fh.seek(0)
    generation = len(fh.read().splitlines())
    fh.write(f"{os.getpid()}\\n")
def drained(signum, frame):
    open(log + ".drained", "w").write(str(os.getpid()))
    sys.exit(0)
signal.signal(signal.SIGUSR1, drained)
os.write(notify, b"ready\\n")
if generation == 0:
    os.write(notify, b"recycle\\n")  # idle and holding memory: replace me
    time.sleep(60)
    sys.exit(3)  # never told to drain
time.sleep(1)
os.kill(os.getpid(), signal.SIGKILL)  # the fresh process dies: its status is the command's
"""


def test_a_fresh_server_process_takes_over_when_the_serving_one_asks(
    store: Store, engagement: str, tmp_path: Path
) -> None:
    log = tmp_path / "generations"
    server = form_server(Workspace(store.path.parent), engagement, port=free_port())
    generations = dataclasses.replace(
        server, argv=[sys.executable, "-c", _GENERATION, str(log)])
    assert serve_form(generations) == -signal.SIGKILL  # the serving process's status
    first, second = log.read_text().split()
    assert first != second
    # The replaced process was told to drain (SIGUSR1) once the fresh one was ready.
    assert Path(f"{log}.drained").read_text() == first
    assert not server.config_dir.exists()


def test_a_port_in_use_is_refused_before_any_server_process_starts(
    store: Store, engagement: str
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = form_server(Workspace(store.path.parent), engagement, port=port)
        with pytest.raises(ParameterError, match=f"port {port} on 127.0.0.1: address already"):
            serve_form(server)
    assert not server.config_dir.exists()


# --- a running server ---------------------------------------------------------------------

@pytest.mark.slow
def test_the_command_exits_non_zero_and_says_why_when_the_server_fails(
    tmp_path: Path,
) -> None:
    ws, _ = _workspace(tmp_path, 1)
    with socket.socket() as taken:  # the port is in use: the server cannot start
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [EXE, "form", "--engagement", "e1", "--port", str(port)], capture_output=True,
            text=True, timeout=120,
            env={**os.environ, "ASSESSMENT_WORKSPACE": str(ws), "ASSESSMENT_FORM_TOKEN": TOKEN},
        )
    assert done.returncode > 0
    assert f"port {port} on 127.0.0.1: address already in use" in done.stderr


@pytest.mark.slow
def test_the_busy_page_past_max_sessions_speaks_the_engagements_languages(
    tmp_path: Path,
) -> None:
    ws, codes = _workspace(tmp_path, 3, languages=["en", "nl"])
    served = start_form(ws, "e1", "--max-sessions", "2")
    try:
        inside = [_on_welcome(served.url, code) for code in codes[:2]]
        assert served.status()["sessions"] == 2
        status, headers, body = http_get(served.port, "/", cookie=login_cookie(served.port))
        assert status == 503  # not a hang, not an error page: come back in a minute
        assert headers["retry-after"] == "60"
        assert '<meta http-equiv="refresh" content="60">' in body
        for lang in ("en", "nl"):  # the engagement's languages, each in its own paragraph
            busy = form_translator(lang).gettext(BUSY)
            assert f'<p lang="{lang}">{html.escape(busy)}</p>' in body
        assert body.index('<p lang="en"') < body.index('<p lang="nl"')  # in their order
        with pytest.raises(ServerBusy):
            Respondent(served.url).open()
        # Those inside go on undisturbed...
        inside[0].step("start", inside[0].click, "Start")
        assert f"Page 1 of {QUESTION_PAGES + 1}" in inside[0].text()
        # ...and when one leaves (closing the tab), the next visitor gets in.
        assert inside[1].beacon() == 200
        inside[1].close()
        _until(lambda: served.status()["sessions"] == 1, 30, "the closed tab's session ends")
        third = _on_welcome(served.url, codes[2])
        assert "Start" in third.buttons()
        assert served.status()["busy"] >= 2
        for r in (inside[0], third):
            r.close()
    finally:
        stop_form(served)


@pytest.mark.slow
def test_abandoned_sessions_are_released_after_the_idle_timeout(tmp_path: Path) -> None:
    ws, codes = _workspace(tmp_path, 13)
    served = start_form(ws, "e1", "--idle-timeout", "5")
    try:
        # The server ran one session in process before it opened, and closed it.
        warm = served.status()
        assert warm["warm_up_ms"] > 0 and warm["contexts"] == 0 and warm["sessions"] == 0
        start = served.tree_rss_mb()
        with ThreadPoolExecutor(6) as pool:
            tabs = list(pool.map(lambda code: _on_welcome(served.url, code), codes[:12]))
            assert served.status()["sessions"] == 12

            def save_a_page(r: Respondent) -> None:
                r.click("Start")
                answer_page(r, 2, "first page")
                r.click("Next")

            # Six save a page, then leave their tab open and walk away...
            list(pool.map(save_a_page, tabs[:6]))
        for r in tabs[6:]:  # ...six lose their connection without closing the tab
            r.close()
        _until(lambda: served.status()["contexts"] == 0, 60, "every session released")
        status = served.status()
        assert status["sessions"] == 0 and status["idle_ended"] >= 6
        # The tab left open was told why, before its connection closed.
        left = tabs[0]
        with pytest.raises(ConnectionError):
            while True:
                left._handle(left._recv())
        assert "This session ended after 1 minute without activity." in left.text()
        left.close()
        # The process is back within a quarter of its memory at start (closed sessions'
        # memory is returned to the system, not kept as a high-water mark).
        _until(lambda: served.tree_rss_mb() <= 1.25 * start, 30,
               f"memory back within 25% of {start:.0f} MB")
        # Whoever comes back continues with the same code from the saved pages.
        back = _on_welcome(served.url, codes[0])
        assert "Continue where I left off" in back.buttons()
        back.click("Continue where I left off")
        assert f"Page 2 of {QUESTION_PAGES + 1}" in back.text()
        back.close()
        for r in tabs[1:6]:
            r.close()
        # A session that connects and does nothing at all goes the same way.
        idle = Respondent(served.url)
        first_screen(idle)
        _until(lambda: served.status()["sessions"] == 0, 30, "an untouched session ends")
        idle.close()
    finally:
        stop_form(served)


@pytest.mark.slow
def test_an_idle_server_is_replaced_by_a_fresh_process_and_the_form_goes_on(
    tmp_path: Path,
) -> None:
    import psutil

    ws, codes = _workspace(tmp_path, 4)
    # --recycle-memory 0.1: any server that served a visitor counts as holding memory.
    served = start_form(ws, "e1", "--idle-timeout", "3", "--recycle-memory", "0.1")
    try:
        first = served.status()
        assert first["pid"] == served.server_pid() and first["start_rss_mb"] > 0
        start = served.tree_rss_mb()
        _until(lambda: served.status()["pid"] == first["pid"], 5, "no replacement unvisited")
        tabs = [_on_welcome(served.url, code) for code in codes[:3]]
        tabs[0].click("Start")
        answer_page(tabs[0], 2, "saved before the handover")
        tabs[0].click("Next")
        for r in tabs:
            r.close()
        _until(lambda: served.status()["pid"] != first["pid"], 60, "a fresh process serves")
        _until(lambda: not psutil.pid_exists(first["pid"]), 30, "the replaced process exits")
        fresh = served.status()
        assert fresh["pid"] == served.server_pid()  # one server process again
        assert fresh["sessions"] == 0 and fresh["warm_up_ms"] > 0
        assert served.tree_rss_mb() <= 1.25 * start
        assert "took over" in served.log.read_text()
        time.sleep(3)  # a fresh process nobody visited is not replaced again
        assert served.status()["pid"] == fresh["pid"]
        # Saved pages survive the handover: the respondent continues on the fresh process.
        back = _on_welcome(served.url, codes[0])
        back.click("Continue where I left off")
        assert f"Page 2 of {QUESTION_PAGES + 1}" in back.text()
        back.close()
        # The command's exit status is the fresh process's: killed, it is not a clean stop.
        os.kill(fresh["pid"], signal.SIGKILL)
        assert served.proc.wait(timeout=30) == 128 + signal.SIGKILL
        assert "killed by SIGKILL" in served.log.read_text()
    finally:
        stop_form(served)


@pytest.mark.slow
def test_kill_9_while_respondents_answer_keeps_every_submission_once_and_every_saved_page(
    tmp_path: Path,
) -> None:
    """The OOM killer strikes mid-survey; after a restart nothing submitted or saved is lost."""
    ws, codes = _workspace(tmp_path, 9)
    served = start_form(ws, "e1")
    outcome: dict[int, dict[str, Any]] = {i: {"saved": 0, "thanks": False} for i in range(9)}
    holding = threading.Event()  # the "mid-page" respondents wait on it until the kill

    def respondent(i: int) -> None:
        state = outcome[i]
        r = Respondent(served.url)
        try:
            first_screen(r)
            enter_code(r, codes[i])
            r.click("Start")
            for page in range(QUESTION_PAGES):
                answer_page(r, i % 5, f"respondent {i}")
                if i in (3, 4, 5) and page == 1:  # answered, not yet saved, when it strikes
                    holding.wait(120)
                    return
                r.click("Next")
                state["saved"] = page + 1
            r.click("Submit my answers")
            state["thanks"] = "Thank you" in r.text()
        except (ConnectionError, OSError, TimeoutError) as exc:  # the server was killed
            state["cut"] = repr(exc)
        finally:
            r.close()

    workers = [threading.Thread(target=respondent, args=(i,)) for i in range(9)]
    for w in workers[:6]:  # three submit, three stop half-way through page 2
        w.start()
    for w in workers[:3]:
        w.join(120)
    _until(lambda: all(outcome[i]["saved"] == 1 for i in (3, 4, 5)), 60, "pages saved")
    for w in workers[6:]:  # three are clicking through when the server dies
        w.start()
    _until(lambda: all(outcome[i]["saved"] >= 1 for i in (6, 7, 8)), 60, "in flight")
    os.kill(served.server_pid(), signal.SIGKILL)
    holding.set()
    for w in workers:
        w.join(120)
    assert served.proc.wait(timeout=30) == 137  # `assessment form` says it was killed
    assert "killed by SIGKILL" in served.log.read_text()
    assert [outcome[i]["thanks"] for i in range(3)] == [True] * 3

    with Store(ws / "assessment.db") as store:
        assert store.integrity_check() == "ok"
    served = start_form(ws, "e1")
    try:
        for i in range(9):
            r = Respondent(served.url)
            check_after_restart(r, i, codes[i], outcome[i])
    finally:
        stop_form(served)

    with Store(ws / "assessment.db") as store:
        assert store.integrity_check() == "ok"
        responses = store.responses("e1")
        assert store.count_respondents("e1") == 9  # each exactly once
        who = responses.comments.groupby("respondent_id")["text"].agg(set)
        assert sorted(next(iter(texts)) for texts in who) == sorted(
            f"respondent {i}" for i in range(9))
        for rid, texts in who.items():
            n = int(next(iter(texts)).split()[-1])
            assert (responses.answers.loc[rid] == 1 + n % 5).all(), n
        conn = store.connection
        assert conn.execute("SELECT count(*) FROM submissions").fetchone()[0] == 9
        assert conn.execute("SELECT count(*) FROM drafts").fetchone()[0] == 0


def check_after_restart(r: Respondent, i: int, code: str, outcome: dict[str, Any]) -> None:
    """Respondent ``i`` comes back after the crash: thanked once, or resumes and submits."""
    try:
        first_screen(r)
        r.click("Continue")
        r.set_value(r.find("TextModel", placeholder="XXXX-XXXX-XXXX"), code)
        r.click("Continue")
        if outcome["thanks"]:  # stored before the crash: recognised, not taken again
            assert "The answers for this code have already been submitted." in r.text(), i
            return
        if "Thank you" in r.text():  # its submission had gone through as the server died
            assert outcome["saved"] == QUESTION_PAGES, i
            return
        saved = outcome["saved"]
        assert "Continue where I left off" in r.buttons(), i
        r.click("Continue where I left off")
        # Every page the respondent saw saved is there (one more, if the click that was in
        # flight when the server died had saved its page).
        shown = [k for k in (saved + 1, saved + 2) if f"Page {k} of" in r.text()]
        assert shown, (i, saved, r.text()[:200])
        complete_from_page(r, i)
        assert "Thank you" in r.text(), i
    finally:
        r.close()


def complete_from_page(r: Respondent, i: int) -> None:
    """Answer the pages left (as respondent ``i`` did before) and submit."""
    while "Review and submit" not in r.text():
        answer_page(r, i % 5, f"respondent {i}")
        r.click("Next")
    r.click("Submit my answers")


def test_the_form_client_finds_the_forms_english_words() -> None:
    """The protocol client finds buttons and pages by these words: keep them in step."""
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / "form.pot").open("rb") as f:
        messages = {m.id for m in read_po(f) if m.id}
    for words in ("Continue", "Start", "Continue where I left off", "Next",
                  "Submit my answers", "Review and submit", "Thank you!",
                  "Page %(page)s of %(pages)s", "Code"):
        assert words in messages, words
