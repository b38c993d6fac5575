"""Browsers in front of nginx, without a browser: each `Browser` keeps its own cookies (the
routing cookie nginx gives it, Streamlit's XSRF cookie) and opens `Tab`s, which are
tests/support/streamlit_sessions.py sessions whose requests carry those cookies and the
page's Origin, as Chromium's would. A browser may visit the site by a name (`site`, e.g.
http://hse.test:8443, sent as Host and Origin) while connecting to nginx's loopback
address: as a class reaches a server by its name, on a port that need not be 80.

A `Tab` can also reconnect as Streamlit's page does after its websocket dropped: a new
websocket that names the session it had (the third subprotocol entry), so the replica
that still holds that session resumes it instead of starting a new one.

    browser = Browser(nginx.url, site=f"http://hse.test:{nginx.port}")
    tab = browser.tab()
    await tab.open("preset=hihello")       # GET /, health, host-config; websocket; first run
    await tab.reconnect()                   # drop the websocket, resume the same session
    tab.resumed                             # True: the replica knew the session
"""

from __future__ import annotations

import asyncio
import socket
import time
from urllib.parse import urlsplit

from websockets.asyncio.client import connect

from tests.support.streamlit_sessions import MAX_MESSAGE, NoAnswer, Run, Session

XSRF_COOKIE = "_streamlit_xsrf"
ROUTE_COOKIE = "hse_route"
HTTP_TIMEOUT = 30.0


class Browser:
    """One browser's cookie jar, in front of one site (nginx's URL)."""

    def __init__(self, base_url: str, site: str | None = None):
        """base_url: where nginx listens; site: the address the browser shows (its Host
        and Origin), base_url itself if None."""
        self.base_url = base_url.rstrip("/")
        self.site = (site or base_url).rstrip("/")
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []  # every Set-Cookie received, in order

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    async def get(self, path: str, timeout: float = HTTP_TIMEOUT) -> tuple[int, bytes]:
        """(status, body) of a GET with this browser's cookies; keeps the cookies it sets."""
        parts = urlsplit(self.base_url)
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port), timeout
        )
        try:
            cookie = f"Cookie: {self.cookie_header()}\r\n" if self.cookies else ""
            host = urlsplit(self.site).netloc
            request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{cookie}Connection: close\r\n\r\n"
            writer.write(request.encode())
            response = await asyncio.wait_for(reader.read(), timeout)
        finally:
            writer.close()
        head, _, body = response.partition(b"\r\n\r\n")
        lines = head.decode(errors="replace").split("\r\n")
        status = int(lines[0].split(" ", 2)[1]) if lines[0].startswith("HTTP/") else 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "set-cookie":
                self.set_cookies.append(value.strip())
                key, _, rest = value.strip().partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return status, body

    @property
    def route(self) -> str | None:
        return self.cookies.get(ROUTE_COOKIE)

    def tab(self, run_timeout: float = 120.0) -> Tab:
        return Tab(self, run_timeout)


class Tab(Session):
    """One tab of a `Browser`: a Streamlit session reached through nginx."""

    def __init__(self, browser: Browser, run_timeout: float):
        super().__init__(browser.base_url, run_timeout=run_timeout)
        self.browser = browser
        self.session_id = ""  # the server session, from its new_session message
        self.resumed = False  # the last (re)connection found the session it named

    async def open(self, query_string: str = "") -> Run:
        """Open the link as a browser does: the page, health, host-config, then the
        websocket with this browser's cookies and the page's Origin, then the first run."""
        start = time.perf_counter()
        for path in ("/", "/_stcore/health", "/_stcore/host-config"):
            status, body = await self.browser.get(path, self.run_timeout)
            if status != 200:
                raise NoAnswer(f"GET {path}: HTTP {status}")
            self.http_bytes += len(body)
        await self._connect(resume="")
        self.query_string = query_string
        run = await self.rerun([])
        run.seconds = time.perf_counter() - start
        return run

    async def reconnect(self) -> Run:
        """Close the websocket and open a new one naming this session, as Streamlit's page
        does when its connection drops; then rerun with the current URL. `resumed` says
        whether the replica still had the session (same id) or started a new one."""
        previous = self.session_id
        await self.close()
        start = time.perf_counter()
        await self._connect(resume=previous)
        run = await self.rerun([])
        run.seconds = time.perf_counter() - start
        self.resumed = bool(previous) and self.session_id == previous
        return run

    async def dropped(self, timeout: float) -> bool:
        """Wait until the websocket is closed by the other side (at most `timeout` s)."""
        if self._ws is None:
            return True
        try:
            await asyncio.wait_for(self._ws.wait_closed(), timeout)
        except TimeoutError:
            return False
        return True

    async def _connect(self, resume: str) -> None:
        xsrf = self.browser.cookies.get(XSRF_COOKIE, "")
        protocols = ["streamlit", xsrf or "-"] + ([resume] if resume else [])
        site, address = self.browser.site, urlsplit(self.base_url)
        ws_url = "ws" + site.removeprefix("http") + "/_stcore/stream"  # Host: the site's name
        sock = socket.create_connection((address.hostname, address.port), timeout=10)
        sock.setblocking(False)
        self._ws = await connect(
            ws_url,
            sock=sock,  # ... reached at nginx's loopback address
            subprotocols=protocols,
            origin=site,
            additional_headers={"Cookie": self.browser.cookie_header()},
            open_timeout=self.run_timeout,
            ping_interval=None,
            max_size=MAX_MESSAGE,
            max_queue=None,
            user_agent_header="hidden-state-explorer deploy test",
        )

    def _resolve(self, msg):
        msg = super()._resolve(msg)
        if msg.WhichOneof("type") == "new_session" and msg.new_session.initialize.session_id:
            self.session_id = msg.new_session.initialize.session_id
        return msg
