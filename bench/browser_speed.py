"""How fast the explorer answers in a real browser, beside a minimal one-chart Streamlit app.

Run from the repository root: `python bench/browser_speed.py` (options: --help). See
bench/BROWSER.md. Prints figures beside their targets; asserts nothing (--smoke: one cold
start and one round, exits 1 if it did not finish).

It starts two servers itself (`streamlit run app.py` and `streamlit run
bench/apps/minimal_app.py`, 127.0.0.1, free ports, the shipped .streamlit/config.toml), opens
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
seconds and always stops the servers it started, by their PIDs. The pieces: the page
driver in bench/browser_page.py, the report in bench/browser_report.py.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import os
import random
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.browser_page import Tab, Target, open_tab  # noqa: E402
from bench.browser_report import ColdStart, Results, in_page, report  # noqa: E402
from bench.common import (  # noqa: E402
    MINIMAL_APP,
    add_smoke,
    finish,
    load_average,
    smoke_note,
    versions,
)
from bench.server import Server  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

ARTIFACTS = ROOT / "artifacts" / "browser-speed"
LETTERS = "helo"  # the lecture's vocabulary
APP = Target("app", "app.py", "timeline_chart", "main_sequences", "main_cell")
MINIMAL = Target("minimal", str(MINIMAL_APP.relative_to(ROOT)), "chart", "sequences", "cell")
CELLS = ("LSTM", "GRU", "RNN")  # the lecture preset starts on RNN: each switch changes it
# --smoke: one cold start of each app (no second page), one round, no warm-up round
SMOKE = {"reps": 1, "cold_reps": 1, "timeout": 150.0}


# --- servers and cold start ----------------------------------------------------------------


def cold_start(browser, target: Target, servers: list, timeout_s: float, later_page: bool):
    """Start the target's server and open it (the first session pays the imports); then,
    if `later_page`, one more new context on the now warm server (a student arriving
    later)."""
    log = ARTIFACTS / f"{target.name}-streamlit.log"
    server = Server(ROOT, [], log, script=target.script)
    servers.append(server)
    start = time.perf_counter()
    server.start(timeout=timeout_s)
    healthy = time.perf_counter() - start
    context, tab, _, steps = open_tab(browser, target, server, timeout_s)
    drawn = time.perf_counter() - start
    cold = ColdStart(healthy, drawn, None, steps)
    if later_page:
        later, _, cold.warm_s, cold.warm_phases = open_tab(browser, target, server, timeout_s)
        later.close()
    return server, context, tab, cold


def app_imports(script: str) -> str:
    """The script's own import statements (what its first run imports), as one statement."""
    tree = ast.parse((ROOT / script).read_text())
    imports = (node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom))
    return "; ".join(ast.unparse(node) for node in imports)


def imports(app: Target) -> dict[str, str]:
    """label -> statement, each timed in a fresh `python -c`."""
    return {
        "import torch": "import torch",
        "import streamlit, plotly": "import streamlit, plotly.graph_objects",
        f"{app.script}'s imports": app_imports(app.script),
    }


def import_seconds(statement: str) -> float:
    """Wall time of a fresh `python -c <statement>` (interpreter start included)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", statement], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"python -c {statement!r} failed:\n{done.stderr[-2000:]}")
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


def measure_cold(browser, targets, results: Results, args, deadline: float, servers):
    """`--cold-reps` cold starts of each app, interleaved with the import timings; returns
    the last (server, context, tab) of each, kept running for the interactions."""
    reps = args.cold_reps
    kept: dict[str, tuple] = {}
    for rep in range(reps):
        for label, statement in imports(targets[0]).items():
            seconds = import_seconds(statement)
            results.imports.setdefault(label, []).append(seconds)
        for target in targets:
            if target.name in kept:  # stop the previous instance before the next cold start
                server, context, _ = kept.pop(target.name)
                context.close()
                server.stop()
            left = max(deadline - time.monotonic(), 30.0)
            server, context, tab, cold = cold_start(
                browser, target, servers, left, later_page=not args.smoke
            )
            results.cold[target.name].append(cold)
            kept[target.name] = (server, context, tab)
            parts = in_page([cold.phases])
            print(
                f"  cold start {rep + 1}/{reps} {target.name:<8} healthy {cold.healthy_s:6.2f} s,"
                f" first chart drawn {cold.drawn_s:6.2f} s (page: {parts}); next new page"
                f" {'-' if cold.warm_s is None else f'{cold.warm_s:5.2f} s'}",
                flush=True,
            )
        if time.monotonic() > deadline:
            break
    return kept


def interact(tabs: dict[str, Tab], results: Results, args, deadline: float):
    """Interleaved: type (app, minimal), switch cell (app, minimal), steps (app only)."""
    words = word_batches(args.seed)
    app, minimal = tabs["app"], tabs["minimal"]
    reps = args.reps
    # repetition 0 warms both apps up and is not counted (a smoke run has no warm-up)
    for rep in range(1 if args.smoke else 0, reps + 1):
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
        results.rounds = rep
        done = "warm-up" if rep == 0 else f"{rep}/{reps}"
        print(f"  interactions {done} done (load {os.getloadavg()[0]:.1f})", flush=True)
        if time.monotonic() > deadline:
            print("  stopping early: --timeout reached", flush=True)
            break


PARAGRAPH_ACTION = "paragraph: switch cell"  # the app on an 850-character paragraph
PARAGRAPH = (
    "Recurrent neural networks read a sequence one token at a time and carry a hidden state "
    "from each step to the next, so what they saw earlier can shape what they do later. A plain "
    "RNN squeezes everything into one vector that is rewritten at every step; an LSTM adds a "
    "cell state with gates that decide what to keep, what to forget and what to show. "
) * 3


def paragraph(tab: Tab, results: Results, args, deadline: float) -> None:
    """The app on an 850-character paragraph, hidden 64 (one sequence of 850 steps): the
    cell switched each round, beside the lecture preset's switches of the same run."""
    text = PARAGRAPH[:850]
    query = {"seq": text, "hidden": "64", "batch_first": "1", "cell": "rnn"}
    tab.page.goto(f"{tab.server.base_url}/?{urllib.parse.urlencode(query)}")
    timeout_ms = int(min(120.0, max(deadline - time.monotonic(), 10.0)) * 1000)
    tab.page.wait_for_function(f"() => window.__benchSignature('{tab.target.chart}') !== null",
                               timeout=timeout_ms)  # fmt: skip
    tab.wait_idle(timeout_ms)
    for rep in range(1 if args.smoke else 0, args.reps + 1):
        sample = tab.switch_cell(CELLS[rep % len(CELLS)], timeout_ms)
        if rep:
            results.add(PARAGRAPH_ACTION, "app", sample)
        if time.monotonic() > deadline:
            break
    print(f"  paragraph done (load {os.getloadavg()[0]:.1f})", flush=True)


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
    add_smoke(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        vars(args).update(SMOKE)
    return args


def run(args: argparse.Namespace, servers: list, results: Results) -> None:
    from playwright.sync_api import sync_playwright

    targets = (dataclasses.replace(APP, script=args.app), MINIMAL)
    deadline = time.monotonic() + args.timeout
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            print("cold starts ...", flush=True)
            kept = measure_cold(browser, targets, results, args, deadline, servers)
            tabs = {name: tab for name, (_, _, tab) in kept.items()}
            print("interactions ...", flush=True)
            interact(tabs, results, args, deadline)
            screenshots(tabs)
            print("a long paragraph ...", flush=True)
            paragraph(tabs["app"], results, args, deadline)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)
    print(
        f"Hidden-State Explorer in Chromium — {versions(torch=False)}; "
        f"{os.cpu_count()} CPUs, load average {load_average()}"
    )
    smoke_note(args.smoke)

    def out_of_time(*_) -> None:
        raise TimeoutError(f"--timeout {args.timeout:g} s (+60 s grace) exceeded")

    def terminated(*_) -> None:
        raise KeyboardInterrupt  # a plain SIGTERM would skip the finally that stops servers

    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, terminated)
    signal.alarm(int(args.timeout) + 60)  # a last resort; the loops watch the deadline
    servers: list[Server] = []
    results = Results()
    started = time.perf_counter()
    stopped = True
    try:
        run(args, servers, results)
        stopped = results.rounds < args.reps  # the deadline cut the interactions short
    except (KeyboardInterrupt, TimeoutError) as stop:
        print(f"stopped ({type(stop).__name__}: {stop}); stopping the servers", file=sys.stderr)
    finally:
        signal.alarm(0)
        for server in servers:
            server.stop()
        report(results)
    return finish(started, args.smoke, stopped)


if __name__ == "__main__":
    sys.exit(main())
