"""Warm the questionnaire server before it opens: one session, in process, opened and closed.

A server process pays once for what its first session loads: the kernel's shell machinery,
the widget templates, the languages' number formats, the page template. :func:`warm_up`
pays it before the port opens, by running Solara's page request and the tab's websocket
conversation (the same messages a browser sends) directly against the ASGI app, then
closing that session. The first respondent after a start then waits no longer than any
other, and the memory at start already holds what every later session shares, so the
memory after idle is compared with a server that is ready, not half loaded.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["warm_up"]

Message = MutableMapping[str, Any]
ASGIApp = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[Message]],
                    Callable[[Message], Awaitable[None]]], Awaitable[None]]
_COOKIE = b"solara-session-id=assessment-warm-up"


def _scope(kind: str, path: str, query: str = "") -> dict[str, Any]:
    return {
        "type": kind, "asgi": {"version": "3.0"}, "http_version": "1.1", "scheme":
        "ws" if kind == "websocket" else "http", "method": "GET", "path": path,
        "raw_path": path.encode(), "root_path": "", "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1"), (b"cookie", _COOKIE)], "subprotocols": [],
        "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0),
    }


def _message(msg_type: str, content: dict[str, Any], session: str) -> dict[str, Any]:
    return {"type": "websocket.receive", "text": json.dumps({
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "",
                   "session": session, "version": "5.3"},
        "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
        "buffers": []})}


async def _page(app: ASGIApp) -> int:
    """GET the page, as a browser's first request does; return the status."""
    status = [0]

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            status[0] = int(message["status"])

    await app(_scope("http", "/"), receive, send)
    return status[0]


async def _session(app: ASGIApp, timeout: float) -> None:
    """Open one tab's session, run the page until it is drawn, and close it."""
    from solara.server import kernel_context

    kernel_id, session = str(uuid.uuid4()), uuid.uuid4().hex
    control = uuid.uuid4().hex
    inbox: asyncio.Queue[Message] = asyncio.Queue()
    for message in (
        {"type": "websocket.connect"},
        _message("comm_open", {"comm_id": control, "target_name": "solara.control",
                               "data": {}, "target_module": None}, session),
        _message("comm_msg", {"comm_id": control, "data": {
            "method": "run", "args": {"path": "/", "appName": None}}}, session),
    ):
        inbox.put_nowait(message)
    drawn = asyncio.Event()

    async def send(message: Message) -> None:
        if message["type"] == "websocket.close":
            drawn.set()
        text = message.get("text")
        if message["type"] != "websocket.send" or not text:
            return
        msg = json.loads(text)
        content = msg.get("content", {})
        if (msg.get("header", {}).get("msg_type") == "comm_msg"
                and content.get("comm_id") == control):
            drawn.set()  # "finished" (or the page's error, which the log shows)

    path = f"/jupyter/api/kernels/{kernel_id}/channels"

    async def connection() -> None:
        await app(_scope("websocket", path, f"session_id={session}"), inbox.get, send)

    task = asyncio.create_task(connection())
    try:
        await asyncio.wait_for(drawn.wait(), timeout)
    finally:
        inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
        context = kernel_context.contexts.get(kernel_id)
        if context is not None and not context.closed_event.is_set():
            await asyncio.to_thread(context.close, "warm-up")
        try:
            await asyncio.wait_for(task, timeout)
        except TimeoutError:
            task.cancel()


async def warm_up(app: ASGIApp, timeout: float = 120.0) -> float:
    """Run one session against Solara's ``app`` and close it; return the seconds it took."""
    start = time.perf_counter()
    status = await _page(app)
    if status != 200:
        raise RuntimeError(f"the page answered {status}")
    await _session(app, timeout)
    return time.perf_counter() - start
