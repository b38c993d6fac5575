"""A browser-less Streamlit 1.67 client: one `Session` is one browser tab.

Used by tests/e2e/test_server_sessions.py (sessions kept apart on the real server) and by
bench/load.py (a whole class of them), through the scripted students of `students`.

It speaks the protocol the web frontend speaks (streamlit/proto, runtime/app_session.py,
web/server/starlette/starlette_websocket.py):

* opening a link: GET the page, `/_stcore/health` and `/_stcore/host-config` (as the page's
  script does), then a websocket to `/_stcore/stream` with subprotocol `streamlit`, and a
  `BackMsg.rerun_script` carrying the link's query string;
* every interaction is one `rerun_script` with the widget values this tab has set so far
  (the server keeps the values of widgets a message leaves out), the current query string
  (updated by `page_info_changed`, as the browser's address bar is), the page hash, and
  the hashes of the big messages it has cached (the server then sends a `ref_hash`, as to
  a browser);
* a run is answered when its `script_finished` arrives after its own `new_session`.

`Page` keeps the elements of the last run by delta path, so a caller can check what the
run drew: widgets by key, Plotly specs, alerts, exceptions. No browser rendering happens.

    session = Session("http://127.0.0.1:8501")
    await session.open("preset=hihello")
    await session.set_value("main_cell", "GRU")     # a radio: the option's label
    await session.submit("main_train_form")          # a form's submit button
    await session.close()
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

RUN_TIMEOUT = 300.0  # seconds a run may take before the interaction counts as unanswered
CACHE_AGE = 2  # runs a cached message is kept unreferenced (server: maxCachedMessageAge)
MAX_MESSAGE = 64 * 2**20  # bytes; the app's config caps messages at 50 MB
# The widget value field the server reads, by element type (register_widget value_type).
VALUE_FIELD = {
    "text_area": "string_value",
    "text_input": "string_value",
    "radio": "string_value",
    "selectbox": "string_value",
    "number_input": "double_value",
    "checkbox": "bool_value",  # st.checkbox and st.toggle
    "button": "trigger_value",
}
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


class NoAnswer(Exception):
    """A run did not finish: timeout, closed connection, or a protocol surprise."""


@dataclass
class Run:
    """One interaction as the tab saw it."""

    seconds: float  # from sending the request to its script_finished
    status: int  # ForwardMsg.ScriptFinishedStatus
    messages: int  # ForwardMsgs received for it
    received: int  # their bytes (as sent on the wire, before websocket compression)
    exceptions: list[str] = field(default_factory=list)  # exception elements drawn
    first_delta: float | None = None  # seconds until the page began to redraw
    progress: list[float] = field(default_factory=list)  # when progress bars arrived

    @property
    def ok(self) -> bool:
        return self.status == ForwardMsg.FINISHED_SUCCESSFULLY and not self.exceptions


class Page:
    """The elements of the last run, by delta path, as a browser would show them."""

    def __init__(self) -> None:
        self.elements: dict[tuple[int, ...], object] = {}  # path -> Element proto
        self.blocks: dict[tuple[int, ...], object] = {}  # path -> Block proto

    def apply(self, msg: ForwardMsg) -> None:
        path = tuple(msg.metadata.delta_path)
        kind = msg.delta.WhichOneof("type")
        if kind in ("new_element", "add_block"):  # what stood here (and inside it) goes
            for stale in [p for p in self.elements if p[: len(path)] == path]:
                del self.elements[stale]
            for stale in [p for p in self.blocks if p[: len(path)] == path and p != path]:
                del self.blocks[stale]
        if kind == "new_element":  # e.g. st.empty() clearing a container of live charts
            self.blocks.pop(path, None)
            self.elements[path] = msg.delta.new_element
        elif kind == "add_block":
            self.blocks[path] = msg.delta.add_block

    def of_kind(self, kind: str) -> Iterator[object]:
        """The protos of every element of this type (e.g. "plotly_chart"), in page order."""
        for path in sorted(self.elements):
            element = self.elements[path]
            if element.WhichOneof("type") == kind:
                yield getattr(element, kind)

    def widget(self, key: str) -> tuple[str, object]:
        """(element type, proto) of the widget with this user key."""
        for element in self.elements.values():
            kind = element.WhichOneof("type")
            proto = getattr(element, kind)
            if getattr(proto, "id", "").endswith("-" + key):
                return kind, proto
        raise KeyError(f"no widget with key {key!r} on the page")

    def submit_button(self, form_id: str):
        for button in self.of_kind("button"):
            if button.is_form_submitter and button.form_id == form_id:
                return button
        raise KeyError(f"no submit button of form {form_id!r} on the page")

    def plotly_specs(self) -> list[str]:
        return [chart.spec for chart in self.of_kind("plotly_chart")]

    def alerts(self) -> list[str]:
        return [alert.body for alert in self.of_kind("alert")]


def widget_state(widget_id: str, kind: str, value) -> WidgetState:
    state = WidgetState(id=widget_id)
    name = VALUE_FIELD.get(kind)
    if name is None:
        raise ValueError(f"setting a {kind} is not supported by this client")
    setattr(state, name, float(value) if name == "double_value" else value)
    return state


async def http_get(base_url: str, path: str, timeout: float) -> tuple[int, bytes]:
    """(status, body) of a plain HTTP/1.1 GET (gzip accepted, as a browser does)."""
    parts = urlsplit(base_url)
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(parts.hostname, parts.port), timeout
    )
    try:
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept-Encoding: gzip\r\n"
            "Connection: close\r\n\r\n"
        )
        writer.write(request.encode())
        response = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, body


def page_assets(html: bytes) -> list[str]:
    """The static files the app's page links (scripts, styles, fonts): a browser with an
    empty cache fetches them before it opens the websocket. Lazily loaded chunks (e.g. the
    Plotly bundle, fetched when a chart is drawn) are not listed in the page."""
    found = re.findall(r'(?:src|href)="\./(static/[^"]+)"', html.decode(errors="replace"))
    return sorted(set(found))


class Session:
    """One browser tab on a Streamlit server (one websocket, one server session)."""

    def __init__(self, base_url: str, run_timeout: float = RUN_TIMEOUT, fetch_assets=False):
        """`fetch_assets`: on opening, also fetch the page's static files, as a browser
        with an empty cache (a lecture hall's first visit) does."""
        self.base_url = base_url.rstrip("/")
        self.run_timeout = run_timeout
        self.fetch_assets = fetch_assets
        self.page = Page()
        self.query_string = ""
        self.page_script_hash = ""
        self.sent_bytes = 0
        self.http_bytes = 0  # HTTP bodies received on opening (page, health, config, assets)
        self._ws = None
        self._values: dict[str, WidgetState] = {}  # widget id -> the value this tab set
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}  # hash -> (message, last run)
        self._runs = 0

    async def open(self, query_string: str = "") -> Run:
        """Open the app's link with this query string (without "?"); wait for its run."""
        start = time.perf_counter()
        paths = ["/", "/_stcore/health", "/_stcore/host-config"]
        while paths:
            path = paths.pop(0)
            status, body = await http_get(self.base_url, path, self.run_timeout)
            if status != 200:
                raise NoAnswer(f"GET {path}: HTTP {status}")
            self.http_bytes += len(body)
            if path == "/" and self.fetch_assets:
                paths += ["/" + asset for asset in page_assets(body)]
        ws_url = "ws" + self.base_url.removeprefix("http") + "/_stcore/stream"
        self._ws = await connect(
            ws_url,
            subprotocols=["streamlit"],
            open_timeout=self.run_timeout,
            ping_interval=None,  # browsers send no pings; they answer the server's
            max_size=MAX_MESSAGE,
            max_queue=None,  # read everything the server sends, as a browser does
            user_agent_header="hidden-state-explorer session client",
        )
        self.query_string = query_string
        run = await self.rerun([])
        run.seconds = time.perf_counter() - start  # the tab's wait: requests + first run
        return run

    async def set_value(self, key: str, value) -> Run:
        """Change the widget with this user key (radio/selectbox: the option's label)."""
        kind, proto = self.page.widget(key)
        return await self.rerun([widget_state(proto.id, kind, value)])

    async def click(self, key: str) -> Run:
        kind, proto = self.page.widget(key)
        return await self.rerun([widget_state(proto.id, kind, True)], trigger=True)

    async def submit(self, form_id: str, values: dict | None = None) -> Run:
        """Set a form's widgets (key -> value) and press its submit button, in one run."""
        states = []
        for key, value in (values or {}).items():
            kind, proto = self.page.widget(key)
            states.append(widget_state(proto.id, kind, value))
        button = self.page.submit_button(form_id)
        states.append(widget_state(button.id, "button", True))
        return await self.rerun(states, trigger=True)

    async def rerun(self, states: list[WidgetState], trigger: bool = False) -> Run:
        """Send one rerun request with these widget states; read until it finished."""
        if self._ws is None:
            raise NoAnswer("not connected")
        for state in states[:-1] if trigger else states:
            self._values[state.id] = state
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query_string
        client.page_script_hash = self.page_script_hash
        client.widget_states.widgets.extend(self._values.values())
        if trigger:  # a button press is sent once, never remembered
            client.widget_states.widgets.append(states[-1])
        client.cached_message_hashes.extend(self._cache)
        client.context_info.timezone = "UTC"
        client.context_info.locale = "en-US"
        client.context_info.url = f"{self.base_url}/?{self.query_string}"
        data = msg.SerializeToString()
        self.sent_bytes += len(data)
        start = time.perf_counter()
        await self._ws.send(data)
        try:
            run = await asyncio.wait_for(self._read_run(), self.run_timeout)
        except TimeoutError as error:
            raise NoAnswer(f"no script_finished within {self.run_timeout:.0f} s") from error
        run.seconds = time.perf_counter() - start
        return run

    async def _read_run(self) -> Run:
        from websockets.exceptions import ConnectionClosed

        run = Run(0.0, -1, 0, 0)
        started, sent = False, time.perf_counter()
        while True:
            try:
                data = await self._ws.recv()
            except ConnectionClosed as error:
                raise NoAnswer(f"connection closed: {error}") from error
            run.messages += 1
            run.received += len(data)
            msg = self._resolve(ForwardMsg.FromString(data))
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                started = True
                self.page = Page()
                self.page_script_hash = msg.new_session.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta" and started:
                self._on_delta(msg, run, time.perf_counter() - sent)
            elif kind == "script_finished" and started and msg.script_finished in DONE:
                self._age_cache()
                run.status = msg.script_finished
                return run

    def _on_delta(self, msg: ForwardMsg, run: Run, seconds: float) -> None:
        self.page.apply(msg)
        if run.first_delta is None:
            run.first_delta = seconds
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(element.exception.message or element.exception.type)
        elif kind == "progress":
            run.progress.append(time.monotonic())
        elif kind in VALUE_FIELD:
            proto = getattr(element, kind)
            if getattr(proto, "set_value", False):  # the app set this widget's value
                self._values.pop(proto.id, None)  # (the browser takes it; so does the server)

    def _resolve(self, msg: ForwardMsg) -> ForwardMsg:
        """Replace a reference by the cached message; cache big messages (as the browser)."""
        if msg.WhichOneof("type") == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise NoAnswer(f"reference to a message never received: {msg.ref_hash}")
            full = ForwardMsg()
            full.CopyFrom(cached[0])
            full.metadata.CopyFrom(msg.metadata)
            msg = full
        if msg.metadata.cacheable or msg.hash in self._cache:
            self._cache[msg.hash] = (msg, self._runs)
        return msg

    def _age_cache(self) -> None:
        self._runs += 1
        for key in [k for k, (_, seen) in self._cache.items() if self._runs - seen > CACHE_AGE]:
            del self._cache[key]

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None
