"""What the tracer costs beside the bare PyTorch forward, where its time goes, and what a
second torch thread would change.

Run from the repository root: `python bench/tracer.py` (options: --reps, --budget,
--smoke). Prints figures beside their targets; asserts nothing (--smoke exits 1 if a
measurement failed). See bench/README.md.

1. model.trace.trace_model beside `built.rnn(x)` under torch.no_grad(), same input, for
   the largest settings, the lecture preset and a GRU of hidden 128 over 500 steps,
   interleaved, torch threads = 1 (as the app); a breakdown by helper (every function
   model.trace calls by name, wrapped in this process only) and a cProfile of the largest.
2. Item 1 (largest, lecture) with torch.set_num_threads(1) and (2), interleaved.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import os
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from bench.common import (  # noqa: E402
    Plan,
    Report,
    add_plan,
    finish,
    load_average,
    median,
    ms,
    plan_of,
    smoke_note,
    summary,
    threads,
    timed,
    versions,
)
from bench.settings import scenes  # noqa: E402
from model import trace as trace_module  # noqa: E402
from model.cells import build_model, make_input  # noqa: E402
from model.config import ExplorerConfig  # noqa: E402
from model.encoding import encode  # noqa: E402

TARGET_TRACER = 3.0  # x the bare module forward
ENTRY_POINTS = ("trace", "trace_model")  # what is measured, not broken down


def prepared(config: ExplorerConfig) -> tuple[Callable[[], None], Callable[[], None]]:
    """(the bare forward, the tracer) on the same built module and input."""
    encoded = encode(config)
    built = build_model(config, encoded)
    x = make_input(encoded, built)

    def bare() -> None:
        with torch.no_grad():
            built.rnn(x)

    def traced() -> None:
        trace_module.trace_model(config, encoded, built)

    return bare, traced


def tracer_vs_bare(config: ExplorerConfig, plan: Plan, reps: int):
    """(tracer times, bare forward times), interleaved, after one warm-up each."""
    bare, traced = prepared(config)
    bare()
    traced()
    pairs = plan.repeat(lambda: (timed(traced), timed(bare)), reps)
    return [t for t, _ in pairs], [b for _, b in pairs]


def helpers() -> dict[str, Callable]:
    """The functions model.trace calls by name: its own helpers and those it imports from
    model/ (found, not listed, so a renamed helper is still broken down)."""
    return {
        name: value
        for name, value in vars(trace_module).items()
        if inspect.isfunction(value)
        and value.__module__.startswith("model.")
        and name not in ENTRY_POINTS
    }


class Breakdown:
    """Inclusive time per call path of the tracer's helpers, e.g. '_states > _reorder'."""

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
        originals = helpers()
        if not originals:
            raise RuntimeError("model.trace calls no helper by name: nothing to break down")
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


def bench_tracer(plan: Plan, report: Report, smoke: bool) -> None:
    print(
        "\n1. Tracer (model.trace.trace_model) beside the bare module forward, "
        "torch threads = 1 (as the app)"
    )
    scene = scenes(smoke)
    cases = [
        ("largest", scene.big_label, scene.big, plan.reps, plan.runs(3)),
        ("lecture", "lecture preset", scene.lecture, plan.at_least(101), plan.runs(20)),
        ("gru", scene.gru_label, scene.gru, plan.at_least(9), plan.runs(20)),
    ]
    with threads(1):
        for short, label, config, reps, runs in cases:
            traced, bare = tracer_vs_bare(config, plan, reps)
            ratio = median(traced) / median(bare)
            print(f"  {label}")
            print(f"      tracer {summary(traced)}")
            print(f"      bare   {summary(bare)}")
            print(f"      ratio  {ratio:.1f}x   (target <= {TARGET_TRACER:g}x)")
            report.add("1", f"{short}: tracer median", ms(median(traced)))
            report.add("1", f"{short}: bare forward median", ms(median(bare)))
            report.add("1", f"{short}: tracer / bare", f"{ratio:.1f}x", f"<= {TARGET_TRACER:g}x")
            breakdown(config, runs)
        profile_top(scene.big)


def bench_threads(plan: Plan, report: Report, smoke: bool) -> None:
    print("\n2. torch.set_num_threads(1) vs (2): tracer and bare forward, interleaved")
    print(f"  (machine: {os.cpu_count()} CPUs; load average now {load_average()})")
    scene = scenes(smoke)
    for label, config, series_reps in (
        ("largest", scene.big, plan.reps),
        ("lecture", scene.lecture, plan.at_least(101)),
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

        plan.repeat(step, series_reps)
        for kind in ("tracer", "bare"):
            one, two = times[(1, kind)], times[(2, kind)]
            print(
                f"  {label:<8} {kind:<6} 1 thread {summary(one)}; "
                f"2 threads {summary(two)}; 2/1 = {median(two) / median(one):.2f}"
            )
            report.add("2", f"{label} {kind}, 1 thread", ms(median(one)))
            report.add("2", f"{label} {kind}, 2 threads", ms(median(two)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_plan(parser)
    args = parser.parse_args(argv)
    plan = plan_of(args)
    started = time.perf_counter()
    print(f"Hidden-State Explorer tracer benchmark — {versions()}")
    print(f"{os.cpu_count()} CPUs, load average {load_average()} at start; {plan}")
    smoke_note(args.smoke)
    report = Report()
    bench_tracer(plan, report, args.smoke)
    bench_threads(plan, report, args.smoke)
    report.print_table()
    report.print_problems()
    return finish(started, args.smoke, bool(report.problems))


if __name__ == "__main__":
    sys.exit(main())
