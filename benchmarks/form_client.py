"""A simulated respondent that speaks the browser's own protocol to the questionnaire.

Far lighter than a browser, it does what the form's page does over the wire: load the page,
open the kernel websocket, and exchange Jupyter messages with ipywidgets' comm messages
(protocol 5.3): click a button (``comm_msg`` ``custom`` ``click``), type (``update`` of
``value``), choose (``update`` of ``index``). A step is done when the server reports
``status: idle`` for our message: every widget message it caused has arrived by then.

Two servers:

- ``assessment form`` (Solara): ``GET /?token=`` sets the login cookie; the websocket is
  ``/jupyter/api/kernels/<id we choose>/channels`` with plain JSON text frames; the
  ``solara.control`` comm's ``run`` builds the page, whose widgets arrive as ``comm_open``.
- Voilà (the baseline): ``GET /?token=`` runs the notebook in a new kernel while the page
  streams; the page names the kernel and the root widget; the websocket uses the
  ``v1.kernel.websocket.jupyter.org`` binary framing, and the widget state comes from the
  ``jupyter.widget.control`` comm's ``request_states``.

Used by ``benchmarks/bench_form.py`` and the server tests.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import websocket  # websocket-client

V1 = "v1.kernel.websocket.jupyter.org"
CODE_PLACEHOLDER = "XXXX-XXXX-XXXX"


class ServerBusy(Exception):
    """The server answered with its busy page (HTTP 503)."""

    def __init__(self, body: str, retry_after: str) -> None:
        super().__init__(f"busy (Retry-After: {retry_after})")
        self.body, self.retry_after = body, retry_after


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def pack_v1(channel: str, msg: dict[str, Any], buffers: list[bytes] | None = None) -> bytes:
    """jupyter_server's v1 websocket framing: offsets, channel, the four parts, buffers."""
    parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata",
                                                   "content")]
    parts += list(buffers or [])
    ch = channel.encode()
    offsets = [8 * (1 + 1 + len(parts) + 1)]
    offsets.append(len(ch) + offsets[-1])
    for part in parts:
        offsets.append(len(part) + offsets[-1])
    return b"".join([len(offsets).to_bytes(8, "little"),
                     *[o.to_bytes(8, "little") for o in offsets], ch, *parts])


def unpack_v1(data: bytes) -> tuple[str, dict[str, Any]]:
    n = int.from_bytes(data[:8], "little")
    offs = [int.from_bytes(data[8 * (i + 1): 8 * (i + 2)], "little") for i in range(n)]
    channel = data[offs[0]:offs[1]].decode()
    parts = [data[offs[i]:offs[i + 1]] for i in range(1, n - 1)]
    if offs[-1] < len(data):
        parts.append(data[offs[-1]:])
    header, parent, metadata, content = (json.loads(p) for p in parts[:4])
    return channel, {"header": header, "parent_header": parent, "metadata": metadata,
                     "content": content, "msg_type": header.get("msg_type")}


def _type(msg: dict[str, Any]) -> str:
    return str(msg.get("msg_type") or msg.get("header", {}).get("msg_type", ""))


class Respondent:
    """One respondent's tab. ``server`` is ``"solara"`` (``assessment form``) or ``"voila"``."""

    def __init__(self, url: str, server: str = "solara", timeout: float = 120) -> None:
        self.url, self.server, self.timeout = url, server, timeout
        u = urlparse(url)
        self.base = f"{u.scheme}://{u.netloc}"
        self.ws_base = ("wss" if u.scheme == "https" else "ws") + f"://{u.netloc}"
        self.session = uuid.uuid4().hex
        self.models: dict[str, dict[str, Any]] = {}
        self.root: str = ""
        self.ws: Any = None
        self.binary = False
        self.times: dict[str, float] = {}
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.kernel_id = ""
        self.html = ""

    # --- transport ------------------------------------------------------------------------
    def _cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def _send(self, msg_type: str, content: dict[str, Any], metadata: dict[str, Any] | None = None
              ) -> str:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "",
                  "session": self.session, "date": _now(), "version": "5.3"}
        msg = {"header": header, "parent_header": {}, "metadata": metadata or {},
               "content": content, "channel": "shell", "buffers": []}
        try:
            if self.binary:
                self.ws.send(pack_v1("shell", msg), opcode=websocket.ABNF.OPCODE_BINARY)
            else:
                self.ws.send(json.dumps(msg))
        except websocket.WebSocketException as exc:
            raise ConnectionError(f"the connection is gone: {exc}") from exc
        return str(header["msg_id"])

    def _recv(self) -> dict[str, Any]:
        try:
            op, data = self.ws.recv_data()
        except websocket.WebSocketException as exc:
            raise ConnectionError(f"the connection is gone: {exc}") from exc
        if op == websocket.ABNF.OPCODE_CLOSE:
            raise ConnectionError("the server closed the connection")
        if op == websocket.ABNF.OPCODE_BINARY and self.binary:
            return unpack_v1(data)[1]
        if op == websocket.ABNF.OPCODE_BINARY:  # a message with buffers (not ours)
            nbufs = int.from_bytes(data[:4], "big")
            offs = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(nbufs)]
            return dict(json.loads(data[offs[0]:offs[1] if nbufs > 1 else None]))
        return dict(json.loads(data))

    def _handle(self, msg: dict[str, Any]) -> None:
        kind, content = _type(msg), msg.get("content", {})
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.models[content["comm_id"]] = dict(content["data"].get("state", {}))
        elif kind == "comm_msg":
            data = content.get("data", {})
            if data.get("method") == "update" and content["comm_id"] in self.models:
                self.models[content["comm_id"]].update(data.get("state", {}))
            elif data.get("method") == "update_states":
                for mid, state in data["states"].items():
                    self.models.setdefault(mid, {}).update(state.get("state", {}))
        elif kind == "comm_close":
            self.models.pop(content.get("comm_id"), None)

    def _wait_idle(self, msg_id: str, extra: Callable[[dict[str, Any]], bool] | None = None
                   ) -> dict[str, Any] | None:
        deadline = time.monotonic() + self.timeout
        got = None
        while time.monotonic() < deadline:
            msg = self._recv()
            self._handle(msg)
            if extra is not None and extra(msg):
                got = msg
            if (msg.get("parent_header", {}).get("msg_id") == msg_id and _type(msg) == "status"
                    and msg["content"].get("execution_state") == "idle"):
                return got
        raise TimeoutError(f"no answer to {msg_id} in {self.timeout} s")

    # --- the widget tree ------------------------------------------------------------------
    @staticmethod
    def _ref(value: Any) -> str:
        return value[len("IPY_MODEL_"):] if isinstance(value, str) and value.startswith(
            "IPY_MODEL_") else ""

    def tree(self, mid: str = "") -> list[tuple[str, dict[str, Any]]]:
        mid = mid or self.root
        state = self.models.get(mid, {})
        out = [(mid, state)]
        for child in state.get("children", []) or []:
            if self._ref(child):
                out += self.tree(self._ref(child))
        return out

    def find(self, model: str, **match: Any) -> str:
        for mid, state in self.tree():
            if state.get("_model_name") == model and all(
                    (v(state.get(k)) if callable(v) else state.get(k) == v)
                    for k, v in match.items()):
                return mid
        raise LookupError(f"no {model} {match} on the page: {self.text()[:300]}")

    def buttons(self) -> list[str]:
        return [str(s.get("description")) for _, s in self.tree()
                if s.get("_model_name") == "ButtonModel"]

    def radio_groups(self) -> list[tuple[str, dict[str, Any]]]:
        """The page's questions: models with choices that sync an ``index``."""
        return [(m, s) for m, s in self.tree() if "_options_labels" in s and "index" in s]

    def text(self) -> str:
        return " ".join(str(s.get("value", "")) for _, s in self.tree()
                        if s.get("_model_name") == "HTMLModel"
                        and not str(s.get("value", "")).startswith("<style>"))

    # --- actions --------------------------------------------------------------------------
    def click(self, description: str) -> None:
        mid = self.find("ButtonModel", description=description)
        msg_id = self._send("comm_msg", {"comm_id": mid, "data": {
            "method": "custom", "content": {"event": "click"}}})
        self._wait_idle(msg_id)

    def set_value(self, mid: str, value: Any, key: str = "value") -> None:
        msg_id = self._send("comm_msg", {"comm_id": mid, "data": {
            "method": "update", "state": {key: value}, "buffer_paths": []}})
        self.models[mid][key] = value
        self._wait_idle(msg_id)

    def step(self, name: str, fn: Callable[..., Any], *args: Any) -> None:
        start = time.perf_counter()
        fn(*args)
        self.times[name] = round(time.perf_counter() - start, 4)

    # --- open and close -------------------------------------------------------------------
    def get_page(self) -> None:
        try:
            with self.opener.open(self.url, timeout=self.timeout) as resp:
                self.html = resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            if exc.code == 503:
                with exc:
                    raise ServerBusy(exc.read().decode("utf-8", "replace"),
                                     exc.headers.get("Retry-After", "")) from exc
            raise

    def open(self) -> None:
        """Load the page and connect: the language page is then in :meth:`tree`."""
        self.get_page()
        if self.server == "voila":
            self._open_voila()
        else:
            self._open_solara()

    def _open_voila(self) -> None:
        kernel = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', self.html)
        root = re.search(r'"model_id":\s*"([0-9a-f]+)"', self.html)
        if kernel is None or root is None:
            raise RuntimeError(f"no form in the page: {self.html[:300]}")
        self.kernel_id, self.root = kernel.group(1), root.group(1)
        query = urlparse(self.url).query
        self.ws = websocket.create_connection(
            f"{self.ws_base}/api/kernels/{self.kernel_id}/channels?session_id={self.session}"
            + (f"&{query}" if query else ""),
            subprotocols=[V1], timeout=self.timeout, cookie=self._cookie_header())
        self.binary = self.ws.getsubprotocol() == V1
        self._wait_idle(self._send("kernel_info_request", {}))
        control = uuid.uuid4().hex
        self._send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                 "data": {}}, metadata={"version": "1.0.0"})
        self._wait_idle(self._send("comm_msg", {"comm_id": control,
                                                "data": {"method": "request_states"}}))

    def _open_solara(self) -> None:
        self.kernel_id = str(uuid.uuid4())
        self.ws = websocket.create_connection(
            f"{self.ws_base}/jupyter/api/kernels/{self.kernel_id}/channels"
            f"?session_id={self.session}", timeout=self.timeout, cookie=self._cookie_header())
        control = uuid.uuid4().hex
        self._send("comm_open", {"comm_id": control, "target_name": "solara.control",
                                 "data": {}, "target_module": None})
        msg_id = self._send("comm_msg", {"comm_id": control, "data": {
            "method": "run", "args": {"path": "/", "appName": None}}})

        def run_reply(msg: dict[str, Any]) -> bool:
            return _type(msg) == "comm_msg" and msg["content"].get("comm_id") == control

        reply = self._wait_idle(msg_id, extra=run_reply)
        data = reply["content"]["data"] if reply else {}
        if data.get("method") != "finished":
            raise RuntimeError(f"the page did not run: {data}")
        for mid, state in self.models.items():
            if "assessment-form" in (state.get("_dom_classes") or []):
                self.root = mid
        if not self.root:
            raise RuntimeError("no form among the page's widgets")

    def beacon(self) -> int:
        """What the browser sends when the tab closes; return the HTTP status."""
        if self.server == "voila":
            xsrf = next((c.value for c in self.jar if c.name == "_xsrf"), "")
            url, body = f"{self.base}/voila/api/shutdown/{self.kernel_id}", f"_xsrf={xsrf}"
        else:
            url = f"{self.base}/_solara/api/close/{self.kernel_id}?session_id={self.session}"
            body = ""
        request = urllib.request.Request(url, data=body.encode(), method="POST")
        try:
            with self.opener.open(request, timeout=30) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def delete_kernel(self, token: str) -> int:
        """Voilà: remove this tab's kernel through the server's kernel API; return the status.

        Not what a browser does: the benchmark uses it to clean up after the naive server,
        which refuses the tab-close beacon and would otherwise keep every kernel."""
        request = urllib.request.Request(f"{self.base}/api/kernels/{self.kernel_id}",
                                         method="DELETE",
                                         headers={"Authorization": f"token {token}"})
        try:
            with self.opener.open(request, timeout=60) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            # close() does nothing on a connection that already failed; the socket still
            # has to be closed.
            self.ws.shutdown()
            self.ws = None


def first_screen(respondent: Respondent) -> None:
    """Open the form and wait for the language page (its Continue button)."""
    start = time.perf_counter()
    respondent.open()
    respondent.find("ButtonModel", description="Continue")
    respondent.times["first_screen"] = round(time.perf_counter() - start, 4)


def enter_code(respondent: Respondent, code: str, think: Callable[[], None] = lambda: None
               ) -> None:
    """From the language page: Continue, type the code, Continue to the welcome page."""
    respondent.step("language", respondent.click, "Continue")
    box = respondent.find("TextModel", placeholder=CODE_PLACEHOLDER)
    think()
    respondent.set_value(box, code)
    respondent.step("code", respondent.click, "Continue")
    if not any(b in respondent.buttons() for b in ("Start", "Continue where I left off")):
        raise RuntimeError("code refused: " + respondent.text()[:300])


def answer_page(respondent: Respondent, choice: int, comment: str) -> None:
    """Choose the ``choice``-th option (or the last) of every question, write the comment."""
    for mid, state in respondent.radio_groups():
        respondent.set_value(mid, min(choice, len(state["_options_labels"]) - 1), key="index")
    for mid, state in respondent.tree():
        if state.get("_model_name") == "TextareaModel":
            respondent.set_value(mid, comment)


def complete(respondent: Respondent, choice: int, comment: str,
             think: Callable[[], None] = lambda: None) -> int:
    """From the welcome page: every page answered with a comment, then submit; return pages."""
    respondent.step("start", respondent.click, respondent.buttons()[0])
    pages = 0
    while "Review and submit" not in respondent.text():
        pages += 1
        if pages > 20:
            raise RuntimeError("too many pages: " + respondent.text()[:200])
        answer_page(respondent, choice, comment)
        think()
        respondent.step(f"page{pages}", respondent.click, "Next")
    think()
    respondent.step("submit", respondent.click, "Submit my answers")
    if "Thank you" not in respondent.text():
        raise RuntimeError("no thanks page: " + respondent.text()[:300])
    return pages
