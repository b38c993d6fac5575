"""How long a rerun of app.py takes, what it sends, and where the tracer spends its time.

Run from the repository root: `python bench/rerun.py` (options: --reps, --budget).
Prints figures beside their targets; asserts nothing. See bench/README.md.

1. AppTest reruns of app.py beside reruns of bench/empty_app.py, interleaved in the
   same process: (a) lecture preset, nothing changed; (b) a new 5-letter word each
   time (cache miss); (c) the largest settings, cold (cache cleared, new session) and
   warm (rerun of the same session).
2. Bytes of every Plotly spec sent, and its number of animation frames.
3. model.trace.trace_model beside the bare module forward, with a breakdown.
4. Item 3 with torch.set_num_threads(1) and (2).
5. The largest settings piece by piece, outside Streamlit: the cache-miss work, the
   cache hit, each figure's build, Streamlit's copy (to_dict) and JSON encoding; and
   the server's post-run garbage collection, which AppTest does not perform.
6. A cProfile of warm lecture reruns inside AppTest's script thread, by package.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pickle
import platform
import pstats
import random
import string
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import plotly
import plotly.io
import plotly.tools
import streamlit as st
import torch
from streamlit import config as st_config
from streamlit import logger as st_logger
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# Quiet AppTest's "missing ScriptRunContext" and "No runtime found" warnings; the config
# option too, since every AppTest run re-reads it.
st_config.set_option("logger.level", "error")
st_logger.set_log_level("error")

from components import figures  # noqa: E402
from components.charting import _SpecFigure as SpecFigure  # noqa: E402
from components.scene import SHARED_CACHE_VALUES, Scene  # noqa: E402
from components.urlstate import parse_query  # noqa: E402
from model import trace as trace_module  # noqa: E402
from model.cells import build_model, make_input  # noqa: E402
from model.codegen import python_code  # noqa: E402
from model.config import ExplorerConfig  # noqa: E402
from model.encoding import encode  # noqa: E402
from model.presets import PRESETS  # noqa: E402

APP = ROOT / "app.py"
EMPTY_APP = ROOT / "bench" / "empty_app.py"
TIMEOUT = 120  # seconds; the first `import torch` alone takes ~2 s
SEED = 20240601  # the random words and lines are the same on every run
BIG_ALPHABET = "abcdefgh"
BIG_STEPS = 1000
TARGET_LECTURE = 5.0  # x the empty script
TARGET_CHANGED = 10.0  # x the empty script
TARGET_BIG_S = 0.400  # seconds, absolute
TARGET_TRACER = 3.0  # x the bare module forward

RNG = random.Random(SEED)
BIG_LINE = "".join(RNG.choice(BIG_ALPHABET) for _ in range(BIG_STEPS))
BIG_QUERY = {
    "seq": BIG_LINE,
    "cell": "lstm",
    "hidden": "256",
    "layers": "2",
    "bidirectional": "1",
    "batch_first": "1",
}
GRU_LINE = "".join(RNG.choice(BIG_ALPHABET) for _ in range(500))

TABLE: list[tuple[str, str, str, str]] = []  # (item, what, figure, target)
PROBLEMS: list[str] = []


# --- small helpers --------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def median(values: list[float]) -> float:
    return float(np.median(values))


def p90(values: list[float]) -> float:
    return float(np.percentile(values, 90))


def summary(values: list[float]) -> str:
    return f"median {ms(median(values))}, p90 {ms(p90(values))} (n={len(values)})"


def repeat(step: Callable[[], object], reps: int, budget: float, min_reps: int = 3) -> list:
    """Call `step` `reps` times, or fewer (never under `min_reps`) once `budget` seconds
    have gone by. Returns what each call returned."""
    results: list = []
    start = time.perf_counter()
    while len(results) < reps and (len(results) < min_reps or time.perf_counter() - start < budget):
        results.append(step())
    return results


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def config_from_url(query: dict[str, str]) -> ExplorerConfig:
    """The config the app builds from these query parameters (the same parser)."""
    config, _, notices = parse_query({name: [value] for name, value in query.items()})
    if notices:
        PROBLEMS.append(f"query {sorted(query)} gave notices {notices}")
    return config


BIG = config_from_url(BIG_QUERY)
LECTURE = PRESETS["lecture"]
GRU_500 = ExplorerConfig(sequences=(GRU_LINE,), cell="gru", hidden_size=128, batch_first=True)


# --- 1 and 2: AppTest reruns ------------------------------------------------------------


def new_app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if query:
        at.query_params.update(query)
    return at


def run_app(at: AppTest, before: Callable[[AppTest], object] | None = None) -> float:
    """Seconds for `before(at)` (a widget change) plus `at.run()`; notes any failure."""
    start = time.perf_counter()
    if before is not None:
        before(at)
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        PROBLEMS.append(f"app raised: {at.exception[0].value[:200]}")
    elif at.error:
        PROBLEMS.append(f"app showed an error: {at.error[0].value[:200]}")
    return elapsed


def paired(app_step: Callable[[], float], empty: AppTest, reps: int, budget: float):
    """Interleave one empty-script rerun and one app step per repetition, so both see
    the same machine load. Returns (app times, empty times)."""

    def step() -> tuple[float, float]:
        return app_step(), run_app(empty)

    pairs = repeat(step, reps, budget)
    return [a for a, _ in pairs], [e for _, e in pairs]


def report_pair(item: str, label: str, app: list[float], empty: list[float], target: str):
    ratio = median(app) / median(empty)
    print(f"  {item} {label}")
    print(f"      app   {summary(app)}")
    print(f"      empty {summary(empty)}")
    print(f"      ratio {ratio:.1f}x the empty script   (target {target})")
    return ratio


def chart_sizes(at: AppTest) -> list[tuple[str, int, int]]:
    """(key, bytes of the JSON spec, number of frames) of every plotly_chart."""
    out = []
    for chart in at.get("plotly_chart"):
        spec = chart.proto.spec
        frames = len(json.loads(spec).get("frames") or [])
        out.append((chart.key or chart.proto.id, len(spec.encode()), frames))
    return out


def specs(at: AppTest) -> list[str]:
    return [chart.proto.spec for chart in at.get("plotly_chart")]


def bench_app(reps: int, budget: float) -> dict[str, list[tuple[str, int, int]]]:
    print("\n1. Rerun wall time, app.py beside bench/empty_app.py (AppTest, same process)")
    empty = AppTest.from_file(str(EMPTY_APP), default_timeout=TIMEOUT)
    for _ in range(3):  # the first run of any script pays one-off set-up
        run_app(empty)
    warmup = new_app()
    first = run_app(warmup)  # imports torch, plotly, the app's modules
    print(f"  (warm-up: first app run in this process, with imports: {ms(first)})")
    sizes: dict[str, list[tuple[str, int, int]]] = {}

    # a. lecture preset, nothing changed
    st.cache_data.clear()
    at = new_app()
    cold = run_app(at)
    print(f"  1a first run of a new session, cache just cleared (cold): {ms(cold)}")
    app_times, empty_times = paired(lambda: run_app(at), empty, max(reps, 9), budget)
    ratio = report_pair(
        "1a",
        "lecture preset, rerun, nothing changed (warm)",
        app_times,
        empty_times,
        f"<= {TARGET_LECTURE:g}x",
    )
    TABLE.append(("1a", "lecture warm rerun, median", ms(median(app_times)), ""))
    TABLE.append(("1a", "lecture warm rerun, p90", ms(p90(app_times)), ""))
    TABLE.append(("1a", "empty script rerun, median", ms(median(empty_times)), ""))
    TABLE.append(("1a", "lecture warm / empty", f"{ratio:.1f}x", f"<= {TARGET_LECTURE:g}x"))
    before = specs(at)
    run_app(at)
    stable = before == specs(at)
    print(f"      specs identical across two warm reruns (not re-sent): {stable}")
    TABLE.append(("1a", "specs identical across warm reruns", str(stable), "True"))
    sizes["1a lecture, warm"] = chart_sizes(at)

    # b. a changed sequence each time: a cache miss, a new scene, new figures
    words = unique_words()

    def change() -> float:
        word = next(words)
        return run_app(at, lambda app: app.text_area(key="main_sequences").set_value(word))

    app_times, empty_times = paired(change, empty, max(reps, 9), budget)
    ratio = report_pair(
        "1b",
        "new 5-letter word each time (cache miss; set_value + run)",
        app_times,
        empty_times,
        f"<= {TARGET_CHANGED:g}x",
    )
    TABLE.append(("1b", "changed sequence, median", ms(median(app_times)), ""))
    TABLE.append(("1b", "changed sequence, p90", ms(p90(app_times)), ""))
    TABLE.append(("1b", "changed / empty", f"{ratio:.1f}x", f"<= {TARGET_CHANGED:g}x"))
    sizes["1b changed word"] = chart_sizes(at)

    # c. largest settings: cold = cache cleared and a new session opening the URL
    holder: dict[str, AppTest] = {}

    def cold_run() -> float:
        st.cache_data.clear()
        holder["at"] = new_app(BIG_QUERY)
        return run_app(holder["at"])

    app_times, empty_times = paired(cold_run, empty, reps, budget)
    print(
        f"  1c largest settings: LSTM, hidden 256, 2 layers, bidirectional, batch_first, "
        f"one line of {BIG_STEPS} letters from {BIG_ALPHABET!r}"
    )
    ratio = report_pair(
        "1c",
        "COLD: cache cleared, new session opens the URL",
        app_times,
        empty_times,
        f"< {ms(TARGET_BIG_S)} absolute",
    )
    TABLE.append(
        ("1c", "largest, cold first run, median", ms(median(app_times)), f"< {ms(TARGET_BIG_S)}")
    )
    TABLE.append(("1c", "largest, cold first run, p90", ms(p90(app_times)), ""))
    at = holder["at"]
    app_times, empty_times = paired(lambda: run_app(at), empty, reps, budget)
    ratio = report_pair(
        "1c",
        "WARM: rerun of the same session, cache hit",
        app_times,
        empty_times,
        f"< {ms(TARGET_BIG_S)} absolute",
    )
    TABLE.append(
        ("1c", "largest, warm rerun, median", ms(median(app_times)), f"< {ms(TARGET_BIG_S)}")
    )
    TABLE.append(("1c", "largest, warm rerun, p90", ms(p90(app_times)), ""))
    TABLE.append(("1c", "largest warm / empty", f"{ratio:.1f}x", ""))
    sizes["1c largest, warm"] = chart_sizes(at)
    return sizes


def unique_words() -> Iterator[str]:
    seen: set[str] = set()
    while True:
        word = "".join(RNG.choice(string.ascii_lowercase) for _ in range(5))
        if word not in seen:
            seen.add(word)
            yield word


def report_sizes(sizes: dict[str, list[tuple[str, int, int]]]) -> None:
    print("\n2. Figure JSON sent per run (plotly_chart spec bytes, animation frames)")
    for variant, charts in sizes.items():
        total = sum(size for _, size, _ in charts)
        parts = ", ".join(f"{key} {size:,} B / {frames} frames" for key, size, frames in charts)
        print(f"  {variant}: {parts}; total {total:,} B")
        TABLE.append(("2", f"{variant}: spec bytes total", f"{total:,} B", ""))
        frames = "/".join(str(f) for _, _, f in charts)
        TABLE.append(("2", f"{variant}: frames per chart", frames, ""))


# --- 3 and 4: the tracer against bare PyTorch -----------------------------------------


@contextmanager
def threads(count: int) -> Iterator[None]:
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def prepared(config: ExplorerConfig):
    encoded = encode(config)
    built = build_model(config, encoded)
    x = make_input(encoded, built)

    def bare() -> None:
        with torch.no_grad():
            built.rnn(x)

    def traced() -> None:
        trace_module.trace_model(config, encoded, built)

    return bare, traced


def tracer_vs_bare(config: ExplorerConfig, reps: int, budget: float):
    """(tracer times, bare forward times), interleaved, after one warm-up each."""
    bare, traced = prepared(config)
    bare()
    traced()
    pairs = repeat(lambda: (timed(traced), timed(bare)), reps, budget)
    return [t for t, _ in pairs], [b for _, b in pairs]


class Breakdown:
    """Inclusive time per call path of the tracer's helpers, e.g. '_states > _reorder'."""

    NAMES = (
        "make_input",
        "_run",
        "_layer_outputs",
        "_single_layer",
        "_states",
        "_reorder",
        "_direction_order",
        "step_rnn",
        "step_gru",
        "lstm_gates",
        "_cell_states",
        "_max_error",
        "_blank",
    )

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[str] = []

    def wrap(self, name: str, function: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            self.stack.append(name)
            path = " > ".join(self.stack)
            self.seconds[path] += 0.0  # first entry fixes the printing order (pre-order)
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[path] += time.perf_counter() - start
                self.calls[path] += 1
                self.stack.pop()

        return wrapper

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Wrap the helpers in model.trace's namespace (this process only), then restore."""
        originals = {name: getattr(trace_module, name) for name in self.NAMES}
        for name, function in originals.items():
            setattr(trace_module, name, self.wrap(name, function))
        try:
            yield
        finally:
            for name, function in originals.items():
                setattr(trace_module, name, function)


def breakdown(config: ExplorerConfig, runs: int) -> None:
    _, traced = prepared(config)
    parts = Breakdown()
    with parts.installed():
        total = sum(timed(traced) for _ in range(runs)) / runs
    print(f"      breakdown (inclusive, per trace_model call, mean of {runs}; total {ms(total)}):")
    top_level = 0.0
    for path in parts.seconds:
        seconds = parts.seconds[path] / runs
        depth = path.count(" > ")
        if depth == 0:
            top_level += seconds
        calls = parts.calls[path] // runs
        name = path.split(" > ")[-1]
        print(
            f"        {'  ' * depth}{name:<18}{' ' * (8 - 2 * depth)}{ms(seconds):>10} "
            f"{100 * seconds / total:5.1f}%  x{calls}"
        )
    rest = total - top_level
    label = "rest (glue, NaN checks, copies)"
    print(f"        {label:<26}{ms(rest):>10} {100 * rest / total:5.1f}%")


def profile_top(config: ExplorerConfig, entries: int = 12) -> None:
    _, traced = prepared(config)
    profiler = cProfile.Profile()
    profiler.enable()
    traced()
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:entries]
    print(f"      cProfile, one call, top {entries} by own time (profiler adds overhead):")
    for (filename, line, function), (_, calls, own, cumulative, _) in rows:
        where = f"{Path(filename).name}:{line}({function})" if line else function
        print(f"        {ms(own):>10} own {ms(cumulative):>10} cum  x{calls:<6} {where[:70]}")


def bench_tracer(reps: int, budget: float) -> None:
    print(
        "\n3. Tracer (model.trace.trace_model) beside the bare module forward, "
        "torch threads = 1 (as the app)"
    )
    cases = [
        ("largest (LSTM 256, 2 layers, bidir, 1000 steps)", BIG, reps, "3-big"),
        ("lecture preset (RNN 2, 3x5 read as 5x3)", LECTURE, max(reps, 101), "3-lecture"),
        ("GRU hidden 128, 500 steps", GRU_500, max(reps, 9), "3-gru"),
    ]
    with threads(1):
        for label, config, count, item in cases:
            traced, bare = tracer_vs_bare(config, count, budget)
            ratio = median(traced) / median(bare)
            print(f"  {label}")
            print(f"      tracer {summary(traced)}")
            print(f"      bare   {summary(bare)}")
            print(f"      ratio  {ratio:.1f}x   (target <= {TARGET_TRACER:g}x)")
            short = item.split("-")[1]
            TABLE.append(("3", f"{short}: tracer median", ms(median(traced)), ""))
            TABLE.append(("3", f"{short}: bare forward median", ms(median(bare)), ""))
            TABLE.append(
                ("3", f"{short}: tracer / bare", f"{ratio:.1f}x", f"<= {TARGET_TRACER:g}x")
            )
            breakdown(config, runs=3 if config is BIG else 20)
        profile_top(BIG)


def bench_threads(reps: int, budget: float) -> None:
    print("\n4. torch.set_num_threads(1) vs (2): tracer and bare forward, interleaved")
    print(
        f"  (machine: {os.cpu_count()} CPUs; load average now "
        f"{', '.join(f'{v:.2f}' for v in os.getloadavg())})"
    )
    for label, config, series_reps in (
        ("largest", BIG, reps),
        ("lecture", LECTURE, max(reps, 101)),
    ):
        bare, traced = prepared(config)
        bare()
        traced()
        times: dict[tuple[int, str], list[float]] = defaultdict(list)

        def step(bare=bare, traced=traced, times=times) -> None:
            for count in (1, 2):
                with threads(count):
                    times[(count, "tracer")].append(timed(traced))
                    times[(count, "bare")].append(timed(bare))

        repeat(step, series_reps, budget)
        for kind in ("tracer", "bare"):
            one, two = times[(1, kind)], times[(2, kind)]
            print(
                f"  {label:<8} {kind:<6} 1 thread {summary(one)}; "
                f"2 threads {summary(two)}; 2/1 = {median(two) / median(one):.2f}"
            )
            TABLE.append(("4", f"{label} {kind}, 1 thread", ms(median(one)), ""))
            TABLE.append(("4", f"{label} {kind}, 2 threads", ms(median(two)), ""))


# --- 5: where a warm rerun of the largest settings goes --------------------------------


def bench_rerun_parts(reps: int, budget: float) -> None:
    print("\n5. The largest settings, piece by piece, outside Streamlit (1 torch thread)")
    with threads(1):
        start = time.perf_counter()
        result = trace_module.trace(BIG)  # encode + build_model + trace_model
        traced = time.perf_counter()
        code = python_code(BIG, result.encoded)
        coded = time.perf_counter()
    scene = Scene(result, code, result.printed)  # the printout comes from the trace itself
    stored = pickle.dumps(scene)
    stored_at = time.perf_counter()
    miss = {
        "trace() (printout included)": traced - start,
        "python_code()": coded - traced,
        "pickle (shared cache: small scenes only)": stored_at - coded,
    }
    print("  cache miss only (n=1): " + ", ".join(f"{k} {ms(v)}" for k, v in miss.items()))
    TABLE.append(("5", "largest: cache-miss work (compute_scene)", ms(sum(miss.values())), ""))
    preact = sum(v.nbytes for v in result.preactivations.values())
    print(
        f"  scene pickled: {len(stored) / 1e6:.1f} MB, of which pre-activations "
        f"{preact / 1e6:.1f} MB; scenes this large stay in their session (no pickling), the "
        f"shared cache takes scenes up to {SHARED_CACHE_VALUES:,} traced values"
    )
    hit = median(repeat(lambda: timed(lambda: pickle.loads(stored)), 5, budget))
    print(f"  if it were cached: unpickle ({len(stored) / 1e6:.1f} MB): {ms(hit)}")
    units = list(range(8))
    builders = {
        "timeline": lambda: SpecFigure(figures.timeline_spec(result, 0, 0, 0, units)),
        "gates": lambda: SpecFigure(figures.gates_spec(result, 0, 0, 0, units)),
        "input": lambda: SpecFigure(figures.input_spec(result, 0)),
    }
    for name, build in builders.items():

        def step(build=build) -> tuple[float, float, float]:
            start = time.perf_counter()
            figure = build()
            built = time.perf_counter()
            # what st.plotly_chart does with the app's figure: to_dict (base64 arrays), to_json
            as_dict = plotly.tools.return_figure_from_figure_or_data(figure, True)
            copied = time.perf_counter()
            plotly.io.to_json(as_dict, validate=False)
            return built - start, copied - built, time.perf_counter() - copied

        rows = repeat(step, max(1, reps // 3), budget, min_reps=1)
        build_s, copy_s, json_s = (median([row[i] for row in rows]) for i in range(3))
        print(
            f"  {name:<8} build {ms(build_s):>10}   to_dict {ms(copy_s):>10}   "
            f"to_json {ms(json_s):>10}   (n={len(rows)})"
        )
        TABLE.append(
            (
                "5",
                f"largest: {name} figure build+to_dict+to_json",
                ms(build_s + copy_s + json_s),
                "",
            )
        )
    print("  (the app sends plain specs: no plotly validation or deep copies; a session")
    print("   rebuilds a spec only when what it shows changed)")
    gc.collect()
    collect = median(repeat(lambda: timed(lambda: gc.collect(2)), 5, budget))
    print(
        f"  gc.collect(2) in this process: {ms(collect)}  (the server runs it after every "
        "rerun, runner.postScriptGC; AppTest does not, so it is NOT in item 1)"
    )
    TABLE.append(("5", "gc.collect(2) after each server rerun (not in 1)", ms(collect), ""))


# --- main ---------------------------------------------------------------------------------


def package_of(filename: str) -> str:
    if filename.startswith(str(ROOT)):
        return "this app (app.py, components/, model/)"
    for marker, name in (
        ("_plotly_utils", "plotly"),
        ("site-packages/plotly/", "plotly"),
        ("site-packages/streamlit/", "streamlit"),
        ("/copy.py", "copy.deepcopy (called by plotly)"),
        ("/json/", "json"),
        ("site-packages/numpy/", "numpy"),
        ("site-packages/torch/", "torch (Python side)"),
        ("google/protobuf", "protobuf"),
    ):
        if marker in filename:
            return name
    return "built-ins / C calls" if filename == "~" else "other Python"


def bench_profile(runs: int = 3) -> None:
    """cProfile inside AppTest's script thread (a new thread each run)."""
    print("\n6. Where a warm rerun of the lecture preset goes (cProfile in the script thread)")
    at = new_app()
    run_app(at)
    run_app(at)
    profiler = cProfile.Profile()

    def hook(*_) -> None:  # first event in the new script thread: hand over to cProfile
        sys.setprofile(None)
        profiler.enable()

    wall = []
    for _ in range(runs):
        threading.setprofile(hook)
        try:
            wall.append(run_app(at))
        finally:
            threading.setprofile(None)
    profiler.create_stats()
    stats = pstats.Stats(profiler).stats
    total = sum(own for _, _, own, _, _ in stats.values()) / runs
    print(
        f"  profiled rerun: {ms(total)} of Python time (wall {ms(median(wall))} with the "
        f"profiler; n={runs})"
    )
    buckets: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in stats.items():
        buckets[package_of(filename)] += own / runs
    print("  own time by package:")
    for name, seconds in sorted(buckets.items(), key=lambda item: -item[1]):
        print(f"    {name:<42}{ms(seconds):>10} {100 * seconds / total:5.1f}%")
    ours = [
        (key, value)
        for key, value in stats.items()
        if key[0].startswith(str(ROOT)) and not key[2].startswith("<")
    ]
    ours.sort(key=lambda item: -item[1][3])
    print("  this app's functions by cumulative time (per rerun):")
    for (filename, line, function), (_, _, _, cumulative, _) in ours[:10]:
        where = f"{Path(filename).relative_to(ROOT)}:{line} {function}"
        print(f"    {where:<52}{ms(cumulative / runs):>10} {100 * cumulative / runs / total:5.1f}%")


def print_table() -> None:
    print("\nSummary (figure beside its target; blank target = for information)")
    width = max(len(what) for _, what, _, _ in TABLE)
    for item, what, figure, target in TABLE:
        print(f"  {item:<3} {what:<{width}}  {figure:>14}  {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7, help="repetitions per median")
    parser.add_argument(
        "--budget",
        type=float,
        default=40.0,
        help="seconds per series after which fewer reps are taken (min 3)",
    )
    args = parser.parse_args()
    os.chdir(ROOT)
    started = time.perf_counter()
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(
        f"Hidden-State Explorer rerun benchmark — Python {platform.python_version()}, "
        f"streamlit {st.__version__}, plotly {plotly.__version__}, torch {torch.__version__}"
    )
    print(
        f"{os.cpu_count()} CPUs, load average {load} at start; reps {args.reps}, "
        f"budget {args.budget:g} s per series (fewer reps, min 3, when over budget)"
    )
    sizes = bench_app(args.reps, args.budget)
    report_sizes(sizes)
    bench_tracer(args.reps, args.budget)
    bench_threads(args.reps, args.budget)
    bench_rerun_parts(args.reps, args.budget)
    bench_profile()
    print_table()
    if PROBLEMS:
        print("\nProblems seen while measuring (figures above may be misleading):")
        for problem in dict.fromkeys(PROBLEMS):
            print(f"  - {problem}")
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"\nDone in {time.perf_counter() - started:.0f} s; load average {load} at the end.")


if __name__ == "__main__":
    main()
