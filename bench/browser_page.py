"""bench/browser_speed.py's page driver: one Chromium page on one app, an in-page watcher
that times a user action to the frame showing its result, and the page's websocket
traffic and CPU time."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bench.server import Server
from tests.e2e.conftest import APP_IDLE, VIEWPORT

SETTLE_MS = 300  # after the script is idle: let trailing messages arrive before counting
IDLE_DEBOUNCE_MS = 150  # Streamlit's widget debounce, as tests/e2e/conftest.py waits
STEPPER = ".st-key-time_stepper button[data-act='{act}']"  # the time control's ◀ / ▶


@dataclass(frozen=True)
class Target:
    """One app under test: its script and the keys of what the benchmark touches."""

    name: str
    script: str
    chart: str  # key of the st.plotly_chart
    text: str  # key of the text area
    radio: str  # key of the cell-type radio


# Installed in every page before Streamlit's own scripts. `__benchArm(key, mode, target)`
# starts a watcher: the first keydown or pointerdown after it is t0; t1 is the first
# animation frame at which the chart in `.st-key-<key>` shows different data (mode
# "chart") or its slider's active step equals `target` (mode "slider"). A chart counts as
# drawn only once Plotly has computed it (_fullData) and painted its heatmap image.
WATCHER_JS = """
window.__benchTraffic = [];  // [performance.now(), "sent" | "received"] of every ws message
(() => {
  const Native = window.WebSocket;
  const note = (way) => {
    window.__benchTraffic.push([performance.now(), way]);
    if (window.__benchTraffic.length > 5000) window.__benchTraffic.splice(0, 2500);
  };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => note("received"));
    }
    send(data) { note("sent"); return super.send(data); }
  };
})();
window.__benchSignature = (key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!gd || !gd._fullData || !gd._fullData.length || !gd._fullLayout) return null;
  if (!document.querySelector(`.st-key-${key} g.hm image`)) return null;
  const plain = (a) => a == null ? null : Array.from(a, (v) =>
    v != null && typeof v === "object" && v.length !== undefined ? Array.from(v) : v);
  const title = gd._fullLayout.title ? gd._fullLayout.title.text : "";
  return JSON.stringify([title, gd._fullData.map((d) => [d.type, plain(d.x), plain(d.y),
                                                         plain(d.z)])]);
};
window.__benchSlider = (key) => {  // the step the chart's time cursor shows
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!gd || !gd.layout || !gd.layout.shapes) return null;
  const cursor = gd.layout.shapes.find((shape) => shape.name === "hse_cursor");
  return cursor ? cursor.x0 : null;
};
window.__benchArm = (key, mode, target) => {
  const state = { t0: null, t1: null, done: false, timedOut: false };
  window.__benchState = state;
  const before = window.__benchSignature(key);
  const start = () => { if (state.t0 === null) state.t0 = performance.now(); };
  window.addEventListener("keydown", start, { capture: true, once: true });
  window.addEventListener("pointerdown", start, { capture: true, once: true });
  const armed = performance.now();
  const check = () => {
    if (window.__benchState !== state) return;  // a newer watcher took over
    if (state.t0 !== null) {
      const now = mode === "chart" ? window.__benchSignature(key) : window.__benchSlider(key);
      const changed = mode === "chart" ? now !== null && now !== before : now === target;
      if (changed) { state.t1 = performance.now(); state.done = true; return; }
    }
    if (performance.now() - armed > 120000) { state.timedOut = true; state.done = true; return; }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
  return before !== null || mode !== "chart";
};
"""


@dataclass
class Sample:
    ms: float  # key or pointer press -> the frame that shows the change
    sent_bytes: int
    received_bytes: int
    sent_frames: int
    received_frames: int
    browser_cpu_ms: float  # the page's main thread, from arming to the quiet after
    server_cpu_ms: float  # the server process (user + system), same window; 10 ms ticks
    phases: dict[str, float] = field(default_factory=dict)  # ms, see phases()


# In-page times of the messages after t0: when the browser sent the rerun, when the last
# message before the chart changed arrived, when the last message of the rerun arrived.
TRAFFIC_JS = "(t0) => window.__benchTraffic.filter((m) => m[0] >= t0)"


def phases(t0: float, t1: float, traffic: list) -> dict[str, float]:
    """Where an interaction's time went (ms), from the page's websocket timeline:
    browser (press -> rerun request sent), server (request sent -> the last message that
    arrived before the change was drawn; an upper bound: later messages can slip in before
    Plotly draws), draw (that message -> the change on screen; a lower bound), and done
    (press -> the rerun's last message)."""
    sent = [t for t, way in traffic if way == "sent"]
    received = [t for t, way in traffic if way == "received"]
    if not sent or not received:
        return {}
    before = [t for t in received if sent[0] <= t <= t1]
    chart = before[-1] if before else sent[0]
    return {
        "browser": sent[0] - t0,
        "server": chart - sent[0],
        "draw": t1 - chart,
        "done": received[-1] - t0,
    }


@dataclass
class Tab:
    """A Chromium page on one app, with running totals of its websocket traffic."""

    target: Target
    page: object
    server: Server
    cdp: object = None  # a DevTools session on the page: the renderer's CPU time
    sent: list[int] = field(default_factory=lambda: [0, 0])  # frames, bytes
    received: list[int] = field(default_factory=lambda: [0, 0])

    def cpu_seconds(self) -> tuple[float, float]:
        """(the page's main-thread CPU time, the server process's CPU time), seconds."""
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        thread = next(m["value"] for m in metrics if m["name"] == "ThreadTime")
        return thread, self.server.cpu_seconds()

    def listen(self) -> None:
        def count(totals: list[int], payload: str | bytes) -> None:
            totals[0] += 1
            totals[1] += len(payload.encode() if isinstance(payload, str) else payload)

        def attach(ws) -> None:
            ws.on("framesent", lambda payload: count(self.sent, payload))
            ws.on("framereceived", lambda payload: count(self.received, payload))

        self.page.on("websocket", attach)

    def wait_idle(self, timeout_ms: int) -> None:
        self.page.wait_for_timeout(IDLE_DEBOUNCE_MS)
        self.page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout_ms)

    def measure(self, act, mode: str, target: int | None, timeout_ms: int) -> Sample:
        """Arm the in-page watcher, do `act()`, wait for the change and the quiet after it."""
        page = self.page
        sent, received = list(self.sent), list(self.received)
        cpu = self.cpu_seconds()
        if not page.evaluate("([k, m, t]) => window.__benchArm(k, m, t)",
                             [self.target.chart, mode, target]):  # fmt: skip
            raise RuntimeError(f"{self.target.name}: no chart drawn before the action")
        act()
        page.wait_for_function("() => window.__benchState.done", timeout=timeout_ms)
        state = page.evaluate("() => window.__benchState")
        if state["timedOut"] or state["t0"] is None:
            raise RuntimeError(f"{self.target.name}: the {mode} did not change: {state}")
        if mode == "chart":
            self.wait_idle(timeout_ms)
        page.wait_for_timeout(SETTLE_MS)
        traffic = page.evaluate(TRAFFIC_JS, state["t0"])
        after = self.cpu_seconds()
        browser_cpu, server_cpu = (1000 * (b - a) for a, b in zip(cpu, after, strict=True))
        return Sample(
            browser_cpu_ms=browser_cpu,
            server_cpu_ms=server_cpu,
            ms=state["t1"] - state["t0"],
            sent_bytes=self.sent[1] - sent[1],
            received_bytes=self.received[1] - received[1],
            sent_frames=self.sent[0] - sent[0],
            received_frames=self.received[0] - received[0],
            phases=phases(state["t0"], state["t1"], traffic),
        )

    def type_text(self, text: str, timeout_ms: int) -> Sample:
        area = self.page.locator(f".st-key-{self.target.text} textarea")
        area.fill(text)  # not sent yet: a Streamlit text area commits on Ctrl+Enter or blur
        return self.measure(lambda: area.press("Control+Enter"), "chart", None, timeout_ms)

    def switch_cell(self, label: str, timeout_ms: int) -> Sample:
        option = self.page.locator(f".st-key-{self.target.radio}").get_by_text(label, exact=True)
        return self.measure(option.click, "chart", None, timeout_ms)

    def step(self, delta: int, timeout_ms: int) -> Sample:
        now = self.page.evaluate("(k) => window.__benchSlider(k)", self.target.chart)
        button = self.page.locator(STEPPER.format(act="next" if delta > 0 else "prev"))
        return self.measure(button.click, "slider", now + delta, timeout_ms)

    def slider_range(self) -> tuple[int, int]:
        """(the step the time cursor shows, number of steps) of the chart."""
        return self.page.evaluate(
            """(k) => { const gd = document.querySelector(`.st-key-${k} .js-plotly-plot`);
                        return [window.__benchSlider(k), gd.layout.meta[0].hse.steps]; }""",
            self.target.chart,
        )


# The first page load in the page's own clock (s from navigation start): page loaded
# (DOMContentLoaded), the first message sent (the first script run requested), the first
# message received, and now (just after the first chart was seen drawn).
COLD_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const first = (way) => (window.__benchTraffic.find((m) => m[1] === way) || [NaN])[0];
  return { loaded: nav.domContentLoadedEventEnd / 1000, sent: first("sent") / 1000,
           received: first("received") / 1000, drawn: performance.now() / 1000 };
}"""


EXCEPTION = "[data-testid=stException]"  # an exception the app shows instead of running on
DRAWN_OR_RAISED_JS = f"""(k) => window.__benchSignature(k) !== null
                               || document.querySelector("{EXCEPTION}") !== null"""


def open_tab(browser, target: Target, server: Server, timeout_s: float):
    """A new browser context (own cookies and cache: a new student) on the app; returns
    (context, tab, seconds from navigation to the first chart drawn, in-page phases)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(WATCHER_JS)
    tab = Tab(target, context.new_page(), server)
    tab.cdp = context.new_cdp_session(tab.page)
    tab.cdp.send("Performance.enable")
    tab.listen()
    cpu = tab.cpu_seconds()
    start = time.perf_counter()
    tab.page.goto(server.base_url + "/", timeout=timeout_s * 1000)
    tab.page.wait_for_function(DRAWN_OR_RAISED_JS, arg=target.chart, timeout=timeout_s * 1000)
    seconds = time.perf_counter() - start
    raised = tab.page.locator(EXCEPTION)
    if raised.count():  # no chart will come: say why now, not at the timeout
        shown = raised.first.inner_text().splitlines()[0][:300]
        raise RuntimeError(f"{target.name} raised ({shown}); the traceback: {server.log_path}")
    times = tab.page.evaluate(COLD_JS)
    steps = {
        "page loaded": times["loaded"],
        "run requested": times["sent"] - times["loaded"],
        "first answer": times["received"] - times["sent"],
        "chart drawn": times["drawn"] - times["received"],
    }
    page_cpu, server_cpu = (b - a for a, b in zip(cpu, tab.cpu_seconds(), strict=True))
    steps.update({"CPU page": page_cpu, "CPU server": server_cpu})
    tab.wait_idle(int(timeout_s * 1000))
    return context, tab, seconds, steps
