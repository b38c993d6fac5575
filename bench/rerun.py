"""How long a rerun of app.py takes, what it sends, and where its time goes.

Run from the repository root: `python bench/rerun.py` (options: --reps, --budget,
--smoke). Prints figures beside their targets; asserts nothing (--smoke exits 1 if the
app raised or showed an error). See bench/README.md. The tracer's own cost beside bare
PyTorch is bench/tracer.py.

1. AppTest reruns of app.py beside reruns of bench/apps/empty_app.py, interleaved in the
   same process: (a) lecture preset, nothing changed; (b) a new 5-letter word each
   time (cache miss); (c) the largest settings, cold (cache cleared, new session) and
   warm (rerun of the same session).
2. Bytes of every Plotly spec sent, and its number of animation frames.
3. The largest settings piece by piece, outside Streamlit (bench/rerun_parts.py).
4. A cProfile of warm lecture reruns inside AppTest's script thread, by package.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit import config as st_config  # noqa: E402
from streamlit import logger as st_logger  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

# Quiet AppTest's "missing ScriptRunContext" and "No runtime found" warnings (the app's
# modules say it on import); the config option too, since every AppTest run re-reads it.
st_config.set_option("logger.level", "error")
st_logger.set_log_level("error")

from bench.common import (  # noqa: E402
    EMPTY_APP,
    Plan,
    Report,
    add_plan,
    finish,
    load_average,
    median,
    ms,
    p90,
    plan_of,
    smoke_note,
    summary,
    versions,
)
from bench.rerun_parts import bench_parts, bench_profile  # noqa: E402
from bench.settings import SEED, Scenes, scenes  # noqa: E402

APP = ROOT / "app.py"
TIMEOUT = 120  # seconds; the first `import torch` alone takes ~2 s
TARGET_LECTURE = 5.0  # x the empty script
TARGET_CHANGED = 10.0  # x the empty script
TARGET_BIG_S = 0.400  # seconds, absolute

Sizes = dict[str, list[tuple[str, int, int]]]  # variant -> (chart key, bytes, frames)


class Reruns:
    """AppTest sessions of app.py and of the empty script; every failure is reported."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.empty = AppTest.from_file(str(EMPTY_APP), default_timeout=TIMEOUT)

    def new_app(self, query: dict[str, str] | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        if query:
            at.query_params.update(query)
        return at

    def run(self, at: AppTest, before: Callable[[AppTest], object] | None = None) -> float:
        """Seconds for `before(at)` (a widget change) plus `at.run()`; notes any failure."""
        start = time.perf_counter()
        if before is not None:
            before(at)
        at.run()
        elapsed = time.perf_counter() - start
        if at.exception:
            self.report.problem(f"app raised: {at.exception[0].value[:200]}")
        elif at.error:
            self.report.problem(f"app showed an error: {at.error[0].value[:200]}")
        return elapsed

    def paired(self, app_step: Callable[[], float], plan: Plan, reps: int):
        """Interleave one empty-script rerun and one app step per repetition, so both see
        the same machine load. Returns (app times, empty times)."""
        pairs = plan.repeat(lambda: (app_step(), self.run(self.empty)), reps)
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


def unique_words() -> Iterator[str]:
    rng = random.Random(SEED + 1)
    seen: set[str] = set()
    while True:
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(5))
        if word not in seen:
            seen.add(word)
            yield word


def bench_lecture(runs: Reruns, plan: Plan, report: Report, sizes: Sizes) -> None:
    """1a: the lecture preset, nothing changed; 1b: a new word each time."""
    st.cache_data.clear()
    at = runs.new_app()
    print(f"  1a first run of a new session, cache just cleared (cold): {ms(runs.run(at))}")
    app_times, empty_times = runs.paired(lambda: runs.run(at), plan, plan.at_least(9))
    target = f"<= {TARGET_LECTURE:g}x"
    label = "lecture preset, rerun, nothing changed (warm)"
    ratio = report_pair("1a", label, app_times, empty_times, target)
    report.add("1a", "lecture warm rerun, median", ms(median(app_times)))
    report.add("1a", "lecture warm rerun, p90", ms(p90(app_times)))
    report.add("1a", "empty script rerun, median", ms(median(empty_times)))
    report.add("1a", "lecture warm / empty", f"{ratio:.1f}x", target)
    before = specs(at)
    runs.run(at)
    stable = before == specs(at)
    print(f"      specs identical across two warm reruns (not re-sent): {stable}")
    report.add("1a", "specs identical across warm reruns", str(stable), "True")
    sizes["1a lecture, warm"] = chart_sizes(at)

    # b. a changed sequence each time: a cache miss, a new scene, new figures
    words = unique_words()

    def change() -> float:
        word = next(words)
        return runs.run(at, lambda app: app.text_area(key="main_sequences").set_value(word))

    app_times, empty_times = runs.paired(change, plan, plan.at_least(9))
    target = f"<= {TARGET_CHANGED:g}x"
    label = "new 5-letter word each time (cache miss; set_value + run)"
    ratio = report_pair("1b", label, app_times, empty_times, target)
    report.add("1b", "changed sequence, median", ms(median(app_times)))
    report.add("1b", "changed sequence, p90", ms(p90(app_times)))
    report.add("1b", "changed / empty", f"{ratio:.1f}x", target)
    sizes["1b changed word"] = chart_sizes(at)


def bench_largest(runs: Reruns, plan: Plan, report: Report, sizes: Sizes, scene: Scenes):
    """1c: cold = cache cleared and a new session opening the URL; then warm reruns."""
    holder: dict[str, AppTest] = {}

    def cold_run() -> float:
        st.cache_data.clear()
        holder["at"] = runs.new_app(scene.big_query)
        return runs.run(holder["at"])

    app_times, empty_times = runs.paired(cold_run, plan, plan.reps)
    print(f"  1c largest settings: {scene.big_label}")
    target = f"< {ms(TARGET_BIG_S)}"
    label = "COLD: cache cleared, new session opens the URL"
    report_pair("1c", label, app_times, empty_times, target + " absolute")
    report.add("1c", "largest, cold first run, median", ms(median(app_times)), target)
    report.add("1c", "largest, cold first run, p90", ms(p90(app_times)))
    at = holder["at"]
    app_times, empty_times = runs.paired(lambda: runs.run(at), plan, plan.reps)
    label = "WARM: rerun of the same session, cache hit"
    ratio = report_pair("1c", label, app_times, empty_times, target + " absolute")
    report.add("1c", "largest, warm rerun, median", ms(median(app_times)), target)
    report.add("1c", "largest, warm rerun, p90", ms(p90(app_times)))
    report.add("1c", "largest warm / empty", f"{ratio:.1f}x")
    sizes["1c largest, warm"] = chart_sizes(at)


def report_sizes(sizes: Sizes, report: Report) -> None:
    print("\n2. Figure JSON sent per run (plotly_chart spec bytes, animation frames)")
    for variant, charts in sizes.items():
        total = sum(size for _, size, _ in charts)
        parts = ", ".join(f"{key} {size:,} B / {frames} frames" for key, size, frames in charts)
        print(f"  {variant}: {parts}; total {total:,} B")
        report.add("2", f"{variant}: spec bytes total", f"{total:,} B")
        frames = "/".join(str(f) for _, _, f in charts)
        report.add("2", f"{variant}: frames per chart", frames)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_plan(parser)
    args = parser.parse_args(argv)
    plan = plan_of(args)
    scene = scenes(args.smoke)
    os.chdir(ROOT)
    started = time.perf_counter()
    print(f"Hidden-State Explorer rerun benchmark — {versions()}")
    print(f"{os.cpu_count()} CPUs, load average {load_average()} at start; {plan}")
    smoke_note(args.smoke)
    report = Report()
    print("\n1. Rerun wall time, app.py beside bench/apps/empty_app.py (AppTest, same process)")
    runs = Reruns(report)
    for _ in range(3):  # the first run of any script pays one-off set-up
        runs.run(runs.empty)
    first = runs.run(runs.new_app())  # imports torch, plotly, the app's modules
    print(f"  (warm-up: first app run in this process, with imports: {ms(first)})")
    sizes: Sizes = {}
    bench_lecture(runs, plan, report, sizes)
    bench_largest(runs, plan, report, sizes, scene)
    report_sizes(sizes, report)
    bench_parts(scene.big, plan, report)
    bench_profile(runs.new_app(), runs.run, plan.runs(3))
    report.print_table()
    report.print_problems()
    return finish(started, args.smoke, bool(report.problems))


if __name__ == "__main__":
    sys.exit(main())
