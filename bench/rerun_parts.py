"""bench/rerun.py's items 3 and 4: where a rerun's time goes.

3. The largest settings piece by piece, outside Streamlit: the cache-miss work, the cache
   hit, each figure's build, Streamlit's copy (to_dict) and JSON encoding; and the
   server's post-run garbage collection, which AppTest does not perform.
4. A cProfile of warm lecture reruns inside AppTest's script thread, by package.
"""

from __future__ import annotations

import cProfile
import gc
import pickle
import pstats
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import plotly.io
import plotly.tools
from streamlit.testing.v1 import AppTest

from bench.common import ROOT, Plan, Report, median, ms, threads, timed
from components.charting import _SpecFigure as SpecFigure
from components.figures.gates import gates_spec
from components.figures.input import input_spec
from components.figures.timeline import timeline_spec
from components.scene import SHARED_CACHE_VALUES, Scene
from model import trace as trace_module
from model.codegen import python_code
from model.config import ExplorerConfig


def bench_parts(big: ExplorerConfig, plan: Plan, report: Report) -> None:
    print("\n3. The largest settings, piece by piece, outside Streamlit (1 torch thread)")
    with threads(1):
        start = time.perf_counter()
        result = trace_module.trace(big)  # encode + build_model + trace_model
        traced = time.perf_counter()
        code = python_code(big, result.encoded)
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
    report.add("3", "largest: cache-miss work (compute_scene)", ms(sum(miss.values())))
    preact = sum(v.nbytes for v in result.preactivations.values())
    print(
        f"  scene pickled: {len(stored) / 1e6:.1f} MB, of which pre-activations "
        f"{preact / 1e6:.1f} MB; scenes this large stay in their session (no pickling), the "
        f"shared cache takes scenes up to {SHARED_CACHE_VALUES:,} traced values"
    )
    hit = median(plan.repeat(lambda: timed(pickle.loads, stored), 5))
    print(f"  if it were cached: unpickle ({len(stored) / 1e6:.1f} MB): {ms(hit)}")
    units = list(range(8))
    builders = {
        "timeline": lambda: SpecFigure(timeline_spec(result, 0, 0, 0, units)),
        "gates": lambda: SpecFigure(gates_spec(result, 0, 0, 0, units)),
        "input": lambda: SpecFigure(input_spec(result, 0)),
    }
    for name, build in builders.items():
        rows = plan.repeat(lambda build=build: build_and_encode(build), max(1, plan.reps // 3), 1)
        build_s, copy_s, json_s = (median([row[i] for row in rows]) for i in range(3))
        print(
            f"  {name:<8} build {ms(build_s):>10}   to_dict {ms(copy_s):>10}   "
            f"to_json {ms(json_s):>10}   (n={len(rows)})"
        )
        total = ms(build_s + copy_s + json_s)
        report.add("3", f"largest: {name} figure build+to_dict+to_json", total)
    print("  (the app sends plain specs: no plotly validation or deep copies; a session")
    print("   rebuilds a spec only when what it shows changed)")
    gc.collect()
    collect = median(plan.repeat(lambda: timed(gc.collect, 2), 5))
    print(
        f"  gc.collect(2) in this process: {ms(collect)}  (the server runs it after every "
        "rerun, runner.postScriptGC; AppTest does not, so it is NOT in item 1)"
    )
    report.add("3", "gc.collect(2) after each server rerun (not in 1)", ms(collect))


def build_and_encode(build: Callable[[], object]) -> tuple[float, float, float]:
    """Seconds to build the figure, then what st.plotly_chart does with it: to_dict (base64
    arrays), to_json."""
    start = time.perf_counter()
    figure = build()
    built = time.perf_counter()
    as_dict = plotly.tools.return_figure_from_figure_or_data(figure, True)
    copied = time.perf_counter()
    plotly.io.to_json(as_dict, validate=False)
    return built - start, copied - built, time.perf_counter() - copied


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


def bench_profile(at: AppTest, run_app: Callable[[AppTest], float], runs: int) -> None:
    """cProfile inside AppTest's script thread (a new thread each run) of `at`, a session
    on the lecture preset; `run_app(at)` reruns it and returns its wall time."""
    print("\n4. Where a warm rerun of the lecture preset goes (cProfile in the script thread)")
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
