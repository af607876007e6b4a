"""The server processes behind ``assessment form``: one serving, a fresh one taking over.

A process that served hundreds of sessions at once keeps part of their memory after they
end: the allocator's heaps stay fragmented (1.75 times its start after 300 at once, in
``benchmarks/bench_form.py``), although nothing leaks. So :class:`Supervisor` replaces the
server process once it is idle:

1. ``assessment form`` binds the listening socket itself; every server process inherits it
   (``--fd``) and reports on a pipe of its own (``--notify-fd``).
2. When every session has ended and its memory is above ``--recycle-memory`` times its
   memory at start, the serving process says ``recycle``.
3. A new process starts on the same socket, warms up, and says ``ready``.
4. The old process gets SIGUSR1: it closes its copy of the socket and exits once its last
   session (a visitor who came in meanwhile) has ended.

Connections waiting in the socket's queue go to whichever process is listening, so none is
refused in the handover. The exit status is the serving process's, as before.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field

from .._exceptions import ParameterError

__all__ = ["READY", "RECYCLE", "Supervisor", "bind"]

#: What a server process writes on its notify pipe, one word a line.
READY = "ready"
RECYCLE = "recycle"
#: Seconds a server process has to stop after SIGTERM before it is killed.
_STOP_SECONDS = 10.0


def bind(host: str, port: int) -> socket.socket:
    """The listening socket every server process of ``assessment form`` accepts on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        raise ParameterError(
            f"port {port} on {host}: {(exc.strerror or str(exc)).lower()}; is another server "
            "running there? Choose another port with --port"
        ) from None
    sock.set_inheritable(True)
    return sock


def _say(message: str) -> None:
    now = time.time()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
    print(f"{stamp},{int(now % 1 * 1000):03d} assessment.form: {message}", file=sys.stderr,
          flush=True)


@dataclass
class _Child:
    proc: subprocess.Popen[bytes]
    notify: int  # the read end of its notify pipe
    partial: bytes = b""

    def read(self) -> tuple[list[str], bool]:
        """The words written since the last read, and whether the pipe is at its end."""
        try:
            data = os.read(self.notify, 4096)
        except BlockingIOError:
            return [], False
        except OSError:
            data = b""
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        return [line.decode("ascii", "replace").strip() for line in lines], not data


@dataclass
class Supervisor:
    """Run ``argv`` as the server process on ``listener``, and replace it when it asks."""

    argv: list[str]
    env: dict[str, str]
    cwd: str
    listener: socket.socket
    _selector: selectors.BaseSelector = field(default_factory=selectors.DefaultSelector)
    _current: _Child | None = None
    _pending: _Child | None = None
    _draining: list[_Child] = field(default_factory=list)

    def _spawn(self) -> _Child:
        read, write = os.pipe()
        fd = self.listener.fileno()
        try:
            proc = subprocess.Popen(
                [*self.argv, "--fd", str(fd), "--notify-fd", str(write)],
                env=self.env, cwd=self.cwd, pass_fds=(fd, write),
            )
        except BaseException:
            os.close(read)
            raise
        finally:
            os.close(write)
        os.set_blocking(read, False)
        child = _Child(proc, read)
        self._selector.register(read, selectors.EVENT_READ, child)
        return child

    def _forget(self, child: _Child) -> None:
        try:
            self._selector.unregister(child.notify)
        except (KeyError, ValueError):
            return
        os.close(child.notify)

    def _heard(self, child: _Child, word: str) -> None:
        if word == RECYCLE and child is self._current and self._pending is None:
            _say("every session has ended and the server holds memory they left behind; "
                 "a fresh server process takes over")
            self._pending = self._spawn()
        elif word == READY and child is self._pending and self._current is not None:
            self._current.proc.send_signal(signal.SIGUSR1)
            self._draining.append(self._current)
            self._current, self._pending = self._pending, None
            _say(f"server process {child.proc.pid} took over")

    def run(self) -> int:
        """Serve until the serving process exits; return its status (``-N``: signal N)."""
        self._current = self._spawn()
        while True:
            for key, _ in self._selector.select(timeout=0.5):
                child: _Child = key.data
                words, ended = child.read()
                for word in words:
                    self._heard(child, word)
                if ended:
                    self._forget(child)
            pending = self._pending
            if pending is not None and pending.proc.poll() is not None:
                _say(f"the fresh server process failed to start (exit status "
                     f"{pending.proc.returncode}); the running one goes on (it asks again "
                     "in 10 minutes)")
                self._forget(pending)
                self._pending = None
            for old in [c for c in self._draining if c.proc.poll() is not None]:
                if old.proc.returncode:
                    _say(f"the replaced server process {old.proc.pid} stopped with status "
                         f"{old.proc.returncode}")
                self._forget(old)
                self._draining.remove(old)
            code = self._current.proc.poll()
            if code is not None:
                return code

    def _children(self) -> list[_Child]:
        return [c for c in (self._current, self._pending, *self._draining) if c is not None]

    def stop(self) -> int | None:
        """Stop every server process (SIGTERM, then SIGKILL after 10 s); return the serving
        one's exit status, ``None`` if it had to be killed."""
        children = self._children()
        for child in children:
            if child.proc.poll() is None:
                child.proc.terminate()
        deadline = time.monotonic() + _STOP_SECONDS
        killed = False
        for child in children:
            try:
                child.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except (subprocess.TimeoutExpired, KeyboardInterrupt):
                child.proc.kill()
                child.proc.wait()
                killed = killed or child is self._current
        current = self._current
        return None if current is None or killed else current.proc.returncode

    def close(self) -> None:
        """Kill what is left (a second signal cut the stop short) and close the pipes."""
        for child in self._children():
            if child.proc.poll() is None:
                child.proc.kill()
                child.proc.wait()
            self._forget(child)
        self._selector.close()
