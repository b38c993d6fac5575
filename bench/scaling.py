"""The same class against one process and against replicas behind nginx, side by side:
how many students each holds with every interaction's p95 under a bound.

Run from the repository root: `python bench/scaling.py` (options: --help). See bench/LOAD.md.

For each target (one `streamlit run app.py` as load.py starts it; then `--replicas`
replicas behind the shipped deploy/nginx.conf, tests/deploy/cluster.py) it warms every
process with one student alone, then sends classes of growing size (`--sizes`, then
halving the gap around the first that fails), each the scripted students of load.py
(open the preset link, type a word, switch the cell, train: tests/support/students.py),
arriving within `--ramp` seconds, and waits until their sessions are gone before the
next class. A target stops growing after the first class whose p95 of some interaction
passes `--p95` seconds (or that lost a student). Students held = the largest class
within the bound. Every process is on 127.0.0.1 and stopped by its PID, nginx first; the
whole run stops after `--timeout` seconds. Asserts nothing; `--smoke` (classes of 2 and
3, five training steps) exits 1 if a student failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import add_smoke  # noqa: E402
from bench.load import lecture, run_with_folder, settle  # noqa: E402
from bench.load_report import percentiles  # noqa: E402
from bench.server import BehindNginx, Server  # noqa: E402
from model.presets import PRESETS  # noqa: E402
from tests.support.streamlit_sessions import Session  # noqa: E402
from tests.support.students import INTERACTIONS, Record, attend, make_students  # noqa: E402

SMOKE = {
    "sizes": "2,3", "resolution": 1, "steps": 5, "ramp": 0.5, "think": 0.1, "timeout": 300.0,
    "run_timeout": 60.0, "class_timeout": 120.0,
}  # fmt: skip


@dataclass
class ClassRun:
    """One class on one target."""

    size: int
    p95: dict[str, float]  # interaction -> p95 seconds
    p50: dict[str, float]
    held: int  # students whose every interaction was answered and checked
    seconds: float  # first arrival -> last answer
    cpu: float  # server CPU seconds, all processes
    rss_each: list[int]  # each process's resident memory at the peak
    failures: list[str]
    spread: list[int]  # new sessions on each process (one process: [size])

    def within(self, bound: float) -> bool:
        return self.held == self.size and all(v < bound for v in self.p95.values())


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="60,100,140,180,220,260,300", help="class sizes, growing"
    )
    parser.add_argument(
        "--resolution", type=int, default=10, help="students: narrow the capacity to this (10)"
    )
    parser.add_argument("--replicas", type=int, default=2, help="replicas behind nginx (2)")
    parser.add_argument("--p95", type=float, default=1.0, help="bound on every p95, s (1)")
    parser.add_argument("--ramp", type=float, default=30, help="arrivals spread over, s (30)")
    parser.add_argument("--think", type=float, default=5, help="mean pause, s (5)")
    parser.add_argument("--steps", type=int, default=100, help="training steps (100)")
    parser.add_argument("--preset", default="hihello", choices=sorted(PRESETS))
    parser.add_argument("--seed", type=int, default=0, help="words, cells and pauses")
    parser.add_argument("--timeout", type=float, default=3600, help="overall cap, s (3600)")
    parser.add_argument("--class-timeout", type=float, default=300, help="one class's cap, s")
    parser.add_argument("--run-timeout", type=float, default=120, help="one answer's cap, s")
    add_smoke(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        vars(args).update(SMOKE)
    args.sizes = [int(x) for x in str(args.sizes).split(",")]
    # what load.lecture reads
    args.assets, args.probe_every = False, 0
    return args


async def warm(urls: list[str], args) -> bool:
    """One student alone on each process: the first run imports torch."""
    ok = True
    for index, url in enumerate(urls):
        (student,) = make_students(1, args.preset, args.steps, args.seed + 100 + index)
        session = Session(url, args.run_timeout)
        record = await attend(session, Record(student), 0.0, lambda: 0.0)
        await session.close()
        ok = ok and not record.failure
    return ok


async def one_class(target, size: int, args) -> ClassRun:
    students = make_students(size, args.preset, args.steps, args.seed + size)
    deadline = time.monotonic() + args.class_timeout
    before = target.connects_each()
    records, peak = await lecture(target, students, args, deadline, [])
    rss_each = target.rss_each()  # sessions are closed, but Python keeps what it grew to
    await settle(target, 60.0)
    p50, p95 = {}, {}
    for name in INTERACTIONS:
        p50[name], p95[name], _ = percentiles(
            [r.runs[name].seconds for r in records if name in r.runs]
        )
    failures = [f"#{r.student.index} at {r.failed_at}: {r.failure[:120]}" for r in records
                if r.failure]  # fmt: skip
    held = sum(not r.failure for r in records)
    spread = [b - a for a, b in zip(before, target.connects_each(), strict=True)]
    return ClassRun(size, p95, p50, held, peak.seconds, peak.cpu, rss_each, failures, spread)


async def grow(target, args, deadline: float) -> list[ClassRun]:
    """Classes of `--sizes` until one fails the bound; then halve the gap between the
    last class within it and the first beyond it, down to `--resolution` students."""
    runs: list[ClassRun] = []

    async def attempt(size: int) -> bool | None:
        if time.monotonic() + args.class_timeout > deadline:
            print(f"  (class of {size} skipped: past the time cap)", flush=True)
            return None
        run = await one_class(target, size, args)
        runs.append(run)
        worst = max(run.p95, key=run.p95.get)
        print(
            f"  {size:4d} students: held {run.held}, worst p95 {worst} {run.p95[worst]:.2f} s, "
            f"CPU {run.cpu / size:.2f} s per student; sessions per process {run.spread}",
            flush=True,
        )
        return run.within(args.p95)

    good, bad = 0, None
    for size in args.sizes:
        ok = await attempt(size)
        if ok is None:
            return runs
        if not ok:
            bad = size
            break
        good = size
    while bad is not None and bad - good > args.resolution:
        size = good + max(args.resolution, (bad - good) // 2 // args.resolution * args.resolution)
        ok = await attempt(size)
        if ok is None:
            break
        good, bad = (size, bad) if ok else (good, size)
    return runs


def held(runs: list[ClassRun], bound: float) -> tuple[int, bool]:
    """(the largest class within the bound, whether a larger one was tried and failed)."""
    within = [r.size for r in runs if r.within(bound)]
    return (max(within) if within else 0), any(not r.within(bound) for r in runs)


def table(results: dict[str, list[ClassRun]], args) -> list[str]:
    """One row per class size tried on either target."""
    names = list(results)
    lines = [
        f"{'class':>6}  " + "  ".join(f"{name:<46}" for name in names),
        f"{'':>6}  " + "  ".join(
            f"{'p95 open/type/cell/train s':<27}{'CPU/st.':>8}{'RSS/process':>12}"
            for _ in names
        ),
    ]  # fmt: skip
    for size in sorted({r.size for runs in results.values() for r in runs}):
        cells = []
        for name in names:
            run = next((r for r in results[name] if r.size == size), None)
            if run is None:
                cells.append(f"{'-':<46}")
                continue
            p95 = "/".join(f"{run.p95[n]:.2f}" for n in INTERACTIONS)
            mark = "" if run.within(args.p95) else " ✗"
            memory = "/".join(f"{x / 2**20:.0f}" for x in run.rss_each) + " MB"
            cells.append(f"{p95 + mark:<27}{run.cpu / size:>7.2f}s{memory:>12}")
        lines.append(f"{size:>6}  " + "  ".join(cells))
    return lines


def report(results: dict[str, list[ClassRun]], args) -> str:
    lines = [
        f"Students held with every interaction's p95 under {args.p95:g} s: preset {args.preset}, "
        f"{args.steps} training steps, arrivals over {args.ramp:g} s, think {args.think:g} s",
        f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end",
        "",
        *table(results, args),
        "  (✗: a p95 over the bound or a student lost; CPU/st.: server CPU seconds per student, "
        "all processes; RSS: each process at the peak)",
        "",
    ]
    capacity = {}
    for name, runs in results.items():
        count, bounded = held(runs, args.p95)
        capacity[name] = count
        note = "" if bounded else " (or more: every class tried was within the bound)"
        lines.append(f"{name}: holds {count} students{note}")
        for run in runs:
            lines += [f"  lost at {run.size}: {f}" for f in run.failures[:3]]
    first, *others = capacity
    for name in others:
        ratio = capacity[name] / capacity[first] if capacity[first] else float("nan")
        lines.append(f"ratio {name} / {first}: {ratio:.2f}x (target at least 1.8x)")
    return "\n".join(lines)


async def measure(args, folder: Path, deadline: float) -> tuple[str, bool]:
    results: dict[str, list[ClassRun]] = {}
    targets = [
        ("1 process", Server(ROOT, [], folder / "one-process.log")),
        (f"{args.replicas} replicas behind nginx", BehindNginx(folder / "cluster", args.replicas)),
    ]
    failed = False
    for name, target in targets:
        print(f"{name}: starting ...", flush=True)
        try:
            await asyncio.to_thread(target.start)
            urls = getattr(target, "replica_urls", None) or [target.base_url]
            failed |= not await warm(urls, args)
            results[name] = await grow(target, args, deadline)
            failed |= target.log_counts()[0] > 0
        finally:
            target.stop()
    failed |= any(r.failures for runs in results.values() for r in runs if args.smoke)
    return report(results, args), failed


def main(argv: list[str] | None = None) -> int:
    return run_with_folder(parse_args(argv), measure, "scaling-")


if __name__ == "__main__":
    sys.exit(main())
