"""How fast the explorer answers in a real browser, beside a minimal one-chart Streamlit app.

Run from the repository root: `python bench/browser_speed.py` (options: --help). See
bench/BROWSER.md. Prints figures beside their targets; asserts nothing.

It starts two servers itself (`streamlit run app.py` and `streamlit run
bench/minimal_app.py`, 127.0.0.1, free ports, the shipped .streamlit/config.toml), opens
each in Debian's Chromium, and measures in the page, from the user's key press or pointer
press to the next animation frame that shows the updated chart:

1. cold start: server process start -> first chart drawn, beside `python -c "import torch"`
   (and app.py's own imports), then a second new page on the warm server;
2. type a new sequence (the sidebar text area, committed with Ctrl+Enter) -> chart redrawn;
3. switch the cell type (radio) -> chart redrawn;
4. step the time cursor (the app's step buttons) -> the slider's active step moved;

and for every interaction the websocket bytes and frames each way, where the time went
(browser / server / drawing, from the page's websocket timeline), and the CPU it cost (the
page's main thread, the server process). Both apps are driven in the same Chromium,
interleaved, so both see the same machine load. The run stops by itself after --timeout
seconds and always stops the servers it started, by their PIDs.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import os
import platform
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import Server, free_port  # noqa: E402
from tests.e2e.conftest import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402

ARTIFACTS = ROOT / "artifacts" / "browser-speed"
LETTERS = "helo"  # the lecture's vocabulary
TARGET_RATIO = 2.0  # app / minimal app, per interaction, median
SETTLE_MS = 300  # after the script is idle: let trailing messages arrive before counting
IDLE_DEBOUNCE_MS = 150  # Streamlit's widget debounce, as tests/e2e/conftest.py waits


@dataclass(frozen=True)
class Target:
    """One app under test: its script and the keys of what the benchmark touches."""

    name: str
    script: str
    chart: str  # key of the st.plotly_chart
    text: str  # key of the text area
    radio: str  # key of the cell-type radio


APP = Target("app", "app.py", "timeline_chart", "main_sequences", "main_cell")
MINIMAL = Target("minimal", "bench/minimal_app.py", "chart", "sequences", "cell")
CELLS = ("LSTM", "GRU", "RNN")  # the lecture preset starts on RNN: each switch changes it
STEPPER = ".st-key-time_stepper button[data-step='{delta}']"

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
window.__benchSlider = (key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!gd || !gd._fullLayout || !gd._fullLayout.sliders || !gd._fullLayout.sliders.length)
    return null;
  return gd._fullLayout.sliders[0].active;
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


# --- one browser page on one app -----------------------------------------------------------


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
        button = self.page.locator(STEPPER.format(delta=delta))
        return self.measure(button.click, "slider", now + delta, timeout_ms)

    def slider_range(self) -> tuple[int, int]:
        """(active step, number of steps) of the chart's slider."""
        return self.page.evaluate(
            """(k) => { const s = document.querySelector(`.st-key-${k} .js-plotly-plot`)
                          ._fullLayout.sliders[0]; return [s.active, s.steps.length]; }""",
            self.target.chart,
        )


# --- servers and cold start ----------------------------------------------------------------


class ScriptServer(Server):
    """bench/load.py's server (started by this process, stopped by its PID) for any script."""

    def __init__(self, target: Target, port: int, log_path: Path):
        super().__init__(ROOT, port, [], log_path)
        self.script = target.script

    @property
    def command(self) -> list[str]:
        command = super().command
        command[command.index("app.py")] = self.script
        return command


@dataclass
class ColdStart:
    healthy_s: float  # process start -> /_stcore/health says ok
    drawn_s: float  # process start -> first chart drawn in a new browser context
    warm_s: float  # then another new context: navigation -> first chart drawn
    phases: dict[str, float] = field(default_factory=dict)  # s: COLD_JS's, then CPU times
    warm_phases: dict[str, float] = field(default_factory=dict)  # the same, second page


# The first page load in the page's own clock (s from navigation start): page loaded
# (DOMContentLoaded), the first message sent (the first script run requested), the first
# message received, and now (just after the first chart was seen drawn).
COLD_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const first = (way) => (window.__benchTraffic.find((m) => m[1] === way) || [NaN])[0];
  return { loaded: nav.domContentLoadedEventEnd / 1000, sent: first("sent") / 1000,
           received: first("received") / 1000, drawn: performance.now() / 1000 };
}"""


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
    tab.page.wait_for_function(
        "(k) => window.__benchSignature(k) !== null", arg=target.chart, timeout=timeout_s * 1000
    )
    seconds = time.perf_counter() - start
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


def cold_start(browser, target: Target, servers: list, timeout_s: float):
    """Start the target's server and open it (the first session pays the imports); then
    one more new context on the now warm server (a student arriving later)."""
    log = ARTIFACTS / f"{target.name}-streamlit.log"
    server = ScriptServer(target, free_port(), log)
    servers.append(server)
    start = time.perf_counter()
    server.start(timeout=timeout_s)
    healthy = time.perf_counter() - start
    context, tab, _, steps = open_tab(browser, target, server, timeout_s)
    drawn = time.perf_counter() - start
    later, _, later_s, later_steps = open_tab(browser, target, server, timeout_s)
    later.close()
    return server, context, tab, ColdStart(healthy, drawn, later_s, steps, later_steps)


def app_imports() -> str:
    """app.py's own import statements (what its first run imports), as one statement."""
    tree = ast.parse((ROOT / APP.script).read_text())
    imports = (node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom))
    return "; ".join(ast.unparse(node) for node in imports)


IMPORTS = {  # label -> statement, each timed in a fresh `python -c`
    "import torch": "import torch",
    "import streamlit, plotly": "import streamlit, plotly.graph_objects",
    "app.py's imports": app_imports(),
}


def import_seconds(statement: str) -> float:
    """Wall time of a fresh `python -c <statement>` (interpreter start included)."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", statement], check=True, cwd=ROOT, capture_output=True, text=True
    )
    return time.perf_counter() - start


# --- the run -------------------------------------------------------------------------------


def word_batches(seed: int):
    """Three new 5-letter lines from the lecture's letters each time, never the same twice
    (each commit is a new scene: a cache miss in the app)."""
    rng = random.Random(seed)
    seen = {"hello\neolll\nlleel"}
    while True:
        text = "\n".join("".join(rng.choice(LETTERS) for _ in range(5)) for _ in range(3))
        if text not in seen:
            seen.add(text)
            yield text


@dataclass
class Results:
    cold: dict[str, list[ColdStart]] = field(default_factory=lambda: {"app": [], "minimal": []})
    imports: dict[str, list[float]] = field(default_factory=dict)
    samples: dict[tuple[str, str], list[Sample]] = field(default_factory=dict)

    def add(self, action: str, app: str, sample: Sample) -> None:
        self.samples.setdefault((action, app), []).append(sample)


def measure_cold(browser, results: Results, reps: int, deadline: float, servers: list):
    """`reps` cold starts of each app, interleaved with the import timings; returns the
    last (server, context, tab) of each, kept running for the interactions."""
    kept: dict[str, tuple] = {}
    for rep in range(reps):
        for label, statement in IMPORTS.items():
            results.imports.setdefault(label, []).append(import_seconds(statement))
        for target in (APP, MINIMAL):
            if target.name in kept:  # stop the previous instance before the next cold start
                server, context, _ = kept.pop(target.name)
                context.close()
                server.stop()
            left = max(deadline - time.monotonic(), 30.0)
            server, context, tab, cold = cold_start(browser, target, servers, left)
            results.cold[target.name].append(cold)
            kept[target.name] = (server, context, tab)
            parts = in_page([cold.phases])
            print(
                f"  cold start {rep + 1}/{reps} {target.name:<8} healthy {cold.healthy_s:6.2f} s,"
                f" first chart drawn {cold.drawn_s:6.2f} s (page: {parts}); next new page"
                f" {cold.warm_s:5.2f} s",
                flush=True,
            )
        if time.monotonic() > deadline:
            break
    return kept


def interact(tabs: dict[str, Tab], results: Results, reps: int, deadline: float, seed: int):
    """Interleaved: type (app, minimal), switch cell (app, minimal), steps (app only)."""
    words = word_batches(seed)
    app, minimal = tabs["app"], tabs["minimal"]
    for rep in range(reps + 1):  # repetition 0 warms both apps up and is not counted
        timeout_ms = int(min(60.0, max(deadline - time.monotonic(), 10.0)) * 1000)
        text, cell = next(words), CELLS[rep % len(CELLS)]
        for tab in (app, minimal):
            sample = tab.type_text(text, timeout_ms)
            if rep:
                results.add("type a new sequence", tab.target.name, sample)
        for tab in (app, minimal):
            sample = tab.switch_cell(cell, timeout_ms)
            if rep:
                results.add("switch the cell type", tab.target.name, sample)
        active, steps = app.slider_range()
        for delta in [1] * (steps - 1 - active) + [-1] * (steps - 1):  # to the end and back
            sample = app.step(delta, timeout_ms)
            if rep:
                results.add("step the time cursor", "app", sample)
        done = "warm-up" if rep == 0 else f"{rep}/{reps}"
        print(f"  interactions {done} done (load {os.getloadavg()[0]:.1f})", flush=True)
        if time.monotonic() > deadline:
            print("  stopping early: --timeout reached", flush=True)
            break


# --- the report ----------------------------------------------------------------------------


def stats(values: list[float]) -> tuple[float, float]:
    return float(np.median(values)), float(np.percentile(values, 95))


def ms_pair(values: list[float]) -> str:
    median, p95 = stats(values)
    return f"{median:7.0f} / {p95:7.0f}"


def bytes_pair(samples: list[Sample]) -> str:
    sent = np.median([s.sent_bytes for s in samples])
    received = np.median([s.received_bytes for s in samples])
    return f"{sent:8,.0f} / {received:9,.0f}"


def in_page(phases: list[dict[str, float]]) -> str:
    """Medians of a page load's phases (s after the previous one) and CPU times (s)."""
    shown = []
    for part in phases[0]:
        sign = "" if part.startswith("CPU") else "+"
        shown.append(f"{part} {sign}{np.median([p[part] for p in phases]):.2f}")
    return ", ".join(shown)


def report_cold(results: Results) -> None:
    print("\nCold start (s): median / max over n starts, in a new browser context each time")
    for name, starts in results.cold.items():
        if not starts:
            continue
        healthy = [c.healthy_s for c in starts]
        drawn = [c.drawn_s for c in starts]
        print(
            f"  {name:<8} server start -> healthy {np.median(healthy):6.2f} / {max(healthy):6.2f}"
            f"   -> first chart drawn {np.median(drawn):6.2f} / {max(drawn):6.2f}  (n={len(drawn)})"
        )
        print(f"           in the page: {in_page([c.phases for c in starts])}")
        warm = [c.warm_s for c in starts]
        print(
            f"           a new page once the server is warm (another student arriving): "
            f"{np.median(warm):.2f} / {max(warm):.2f}"
        )
        print(f"           in that page: {in_page([c.warm_phases for c in starts])}")
    for label, times in results.imports.items():
        print(
            f"  python -c {label!r:<28} {np.median(times):6.2f} / {max(times):6.2f}"
            f"  (n={len(times)}, a fresh interpreter each time, its start included)"
        )
    if results.cold["app"] and results.imports.get("import torch"):
        app = np.median([c.drawn_s for c in results.cold["app"]])
        torch_s = np.median(results.imports["import torch"])
        print(f"  app cold start / import torch: {app / torch_s:.1f}x")


def report_interactions(results: Results) -> None:
    print("\nInteractions: ms from key/pointer press to the frame showing the change")
    print(
        f"  {'action':<22} {'app median/p95':>17}  {'minimal median/p95':>19}  "
        f"{'ratio':>6}  {'app bytes sent/recv':>20}  {'minimal bytes sent/recv':>24}  n"
    )
    for action in dict.fromkeys(action for action, _ in results.samples):
        app = results.samples.get((action, "app"), [])
        minimal = results.samples.get((action, "minimal"), [])
        ratio, minimal_ms, minimal_bytes = "-", "-", "-"
        if minimal:
            ratio = f"{stats([s.ms for s in app])[0] / stats([s.ms for s in minimal])[0]:.2f}x"
            minimal_ms, minimal_bytes = ms_pair([s.ms for s in minimal]), bytes_pair(minimal)
        print(
            f"  {action:<22} {ms_pair([s.ms for s in app]):>17}  {minimal_ms:>19}  {ratio:>6}"
            f"  {bytes_pair(app):>20}  {minimal_bytes:>24}  {len(app)}"
        )
    print(f"  target: app <= {TARGET_RATIO:g}x the minimal app per interaction (median ratio)")
    steps = results.samples.get(("step the time cursor", "app"), [])
    if steps:
        sent = sum(s.sent_frames for s in steps)
        received = sum(s.received_frames for s in steps)
        verdict = "yes" if sent == 0 and received == 0 else "NO"
        print(
            f"  stepping: {sent} frames sent, {received} received over {len(steps)} steps "
            f"-> sends nothing to the server: {verdict}   (target: 0 frames)"
        )


def report_phases(results: Results) -> None:
    print("\nWhere the time went (median ms; see phases() for what each part means)")
    for (action, name), samples in results.samples.items():
        timed = [s.phases for s in samples if s.phases]
        if not timed:
            continue
        parts = ", ".join(f"{part} {np.median([p[part] for p in timed]):.0f}" for part in timed[0])
        print(f"  {action:<22} {name:<8} {parts}")


def report_cpu(results: Results) -> None:
    print("\nCPU per interaction (median ms; less sensitive to other load than wall time)")
    print(f"  {'action':<22} {'app page/server':>16}  {'minimal page/server':>20}  ratio of sums")
    for action in dict.fromkeys(action for action, _ in results.samples):
        cells = []
        for name in ("app", "minimal"):
            samples = results.samples.get((action, name), [])
            page = np.median([s.browser_cpu_ms for s in samples]) if samples else np.nan
            server = np.median([s.server_cpu_ms for s in samples]) if samples else np.nan
            cells.append((page, server))
        (app_page, app_server), (min_page, min_server) = cells
        ratio = (app_page + app_server) / (min_page + min_server)
        minimal = f"{min_page:7.0f} / {min_server:6.0f}" if not np.isnan(min_page) else "-"
        shown = f"{ratio:.2f}x" if not np.isnan(ratio) else "-"
        print(f"  {action:<22} {app_page:7.0f} / {app_server:6.0f}  {minimal:>20}  {shown:>13}")


def report(results: Results) -> None:
    report_cold(results)
    report_interactions(results)
    report_phases(results)
    report_cpu(results)


def screenshots(tabs: dict[str, Tab]) -> None:
    for name, tab in tabs.items():
        path = ARTIFACTS / f"{name}-after-run.png"
        tab.page.screenshot(path=str(path), full_page=True)
        print(f"  screenshot: {path.relative_to(ROOT)}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=9, help="measured rounds of interactions (9)")
    parser.add_argument("--cold-reps", type=int, default=3, help="cold starts of each app (3)")
    parser.add_argument("--timeout", type=float, default=1200, help="overall cap, s (1200)")
    parser.add_argument("--seed", type=int, default=0, help="the typed words")
    parser.add_argument(
        "--app", default=APP.script,
        help="the script measured as the app (app.py); a variant to find what costs",
    )  # fmt: skip
    return parser.parse_args(argv)


def run(args: argparse.Namespace, servers: list, results: Results) -> None:
    from playwright.sync_api import sync_playwright

    deadline = time.monotonic() + args.timeout
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            print("cold starts ...", flush=True)
            kept = measure_cold(browser, results, args.cold_reps, deadline, servers)
            tabs = {name: tab for name, (_, _, tab) in kept.items()}
            print("interactions ...", flush=True)
            interact(tabs, results, args.reps, deadline, args.seed)
            screenshots(tabs)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> None:
    global APP
    args = parse_args(argv)
    APP = dataclasses.replace(APP, script=args.app)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)
    import plotly
    import streamlit

    print(
        f"Hidden-State Explorer in Chromium — Python {platform.python_version()}, "
        f"streamlit {streamlit.__version__}, plotly {plotly.__version__}; "
        f"{os.cpu_count()} CPUs, load average {', '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )

    def out_of_time(*_) -> None:
        raise TimeoutError(f"--timeout {args.timeout:g} s (+60 s grace) exceeded")

    def terminated(*_) -> None:
        raise KeyboardInterrupt  # a plain SIGTERM would skip the finally that stops servers

    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, terminated)
    signal.alarm(int(args.timeout) + 60)  # a last resort; the loops watch the deadline
    servers: list[Server] = []
    results = Results()
    started = time.monotonic()
    try:
        run(args, servers, results)
    except (KeyboardInterrupt, TimeoutError) as stop:
        print(f"stopped ({type(stop).__name__}: {stop}); stopping the servers", file=sys.stderr)
    finally:
        signal.alarm(0)
        for server in servers:
            server.stop()
        report(results)
        load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
        print(f"\nDone in {time.monotonic() - started:.0f} s; load average {load} at the end.")


if __name__ == "__main__":
    main()
