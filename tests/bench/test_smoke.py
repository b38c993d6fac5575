"""Every bench script still runs: `python bench/<script>.py --smoke` (tiny sizes, one
repetition, the same code paths) exits 0 and prints its report.

Nothing else runs the benches, so without this a renamed function or a moved module
breaks them unseen. The figures of a smoke run mean nothing and are not checked; the
report lines are, so a bench that stops half-way or prints nothing fails here.

The runs start when the first of them is needed, two at a time, longest first (the
browser run mostly waits on Chromium and its servers), and each test waits for its own:
the file takes about as long as the browser run. Every process started here is stopped by its PID:
SIGTERM first, so a bench stops the servers and worktrees it started itself.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STOP_GRACE = 30.0  # seconds a bench gets after SIGTERM to stop its own servers
PARALLEL = 2  # smoke runs at once


@dataclass(frozen=True)
class Bench:
    script: str
    timeout: float  # seconds; a smoke run takes a few to ~45 on a busy 2-core machine
    report: tuple[str, ...]  # regular expressions, each must match a line of the output


BENCHES = {
    "rerun": Bench(
        "bench/rerun.py",
        120,
        (
            r"^ +ratio [\d.]+x the empty script",
            r"^ +1a +lecture warm / empty +[\d.]+x",
            r"^ +2 +1c largest, warm: spec bytes total +[\d,]+ B",
            r"^ +3 +largest: timeline figure build\+to_dict\+to_json +[\d.,]+ ms",
            r"^ +own time by package:",
        ),
    ),
    "tracer": Bench(
        "bench/tracer.py",
        90,
        (
            r"^ +ratio +[\d.]+x +\(target",
            r"^ +breakdown \(inclusive, per trace_model call",
            r"^ +cProfile, one call",
            r"^ +2 +lecture bare, 2 threads +[\d.,]+ ms",
        ),
    ),
    "training": Bench(
        "bench/training.py",
        90,
        (
            r"plain losses equal the explorer's: yes",
            r"^lecture hihello, \d+ steps +[\d.]+ms +[\d.]+ms +[\d.]+x",
            r"^LSTM \d+ x 2 layers bidir\. \(not trained\) +[\d,]+ +\d+ +[\d,]+",
        ),
    ),
    "panels_overhead": Bench(
        "bench/panels_overhead.py",
        120,
        (
            r"^Lesson panels' cost per rerun",
            r"^lecture rerun, nothing changed +[\d.]+ms +[\d.]+ms +[\d.]+x",
            r"^new word each time \(cache miss\) +[\d.]+ms +[\d.]+ms +[\d.]+x",
        ),
    ),
    "load": Bench(
        "bench/load.py",
        120,
        (
            r"^open +[\d.]+s",
            r"^train +[\d.]+s",
            r"^sessions: 2 started, 2 held",
            r"^active_sessions: \d+ at the peak",
            r"^server memory \(RSS\): [\d,]+ MB before",
        ),
    ),
    "browser_speed": Bench(
        "bench/browser_speed.py",
        180,
        (
            r"^ +app +server start -> healthy +[\d.]+",
            r"^ +minimal +server start -> healthy +[\d.]+",
            r"^ +app cold start / import torch: [\d.]+x",
            r"^ +type a new sequence +\d+ / +\d+ +\d+ / +\d+ +[\d.]+x",
            r"^ +switch the cell type +\d+ / +\d+ +\d+ / +\d+ +[\d.]+x",
            r"^ +stepping: \d+ frames sent",
        ),
    ),
    "replica_kill": Bench(
        "bench/replica_kill.py",
        150,
        (
            r"^scene back: (\d+) of \1 students of the lost replica",
            r"^time from the kill to the scene back: p50 [\d.]+ s",
            r"^told that their trained model is gone: (\d+) of \1 ",
            r"^other replica's students undisturbed: (\d+) of \1$",
            r"^new students after the kill: (\d+) of \1 on the live replica",
            r"^replica 0 restarted: healthy after [\d.]+ s",
        ),
    ),
    "scaling": Bench(
        "bench/scaling.py",
        150,
        (
            r"^ +\d+ +[\d./]+ +[\d.]+s +\d+ MB +[\d./]+ +[\d.]+s +\d+/\d+ MB",
            r"^1 process: holds \d+ students",
            r"^2 replicas behind nginx: holds \d+ students",
            r"^ratio 2 replicas behind nginx / 1 process: [\d.]+x",
        ),
    ),
    "soak": Bench(
        "bench/soak.py",
        120,
        (
            r"^  wave +1 at +\d+ s: 2/2 held",
            r"^after the last sessions expired: \d+ active; RSS [\d,]+ / [\d,]+ MB",
            r"^last wave against the first, each replica: replica 0: [+-][\d.]+ %",
        ),
    ),
    "memory": Bench(
        "bench/memory.py",
        90,
        (
            r"^  influence, the three cells \(the tab\) +[\d.,]+ m?s +[\d]+x",
            r"^  the tab \(three cells, the first \d+ steps within the budget\): [\d.,]+ m?s",
            r"^  lstm +[\d.,]+ m?s +[\d.,]+ m?s +[\d]+x +[\d.,]+ m?s +[\d]+x",
        ),
    ),
}
NEEDS_CHROMIUM = {"browser_speed"}
LONGEST_FIRST = (
    "browser_speed", "load", "replica_kill", "scaling", "soak", "panels_overhead", "rerun",
    "training", "tracer", "memory",
)  # fmt: skip


@dataclass
class Outcome:
    status: int | None  # None: stopped at the timeout
    seconds: float
    output: str


class SmokeRun:
    """One `python bench/<script>.py --smoke`, started by this module, output to a file."""

    def __init__(self, name: str, log: Path):
        self.name, self.log = name, log
        self.bench = BENCHES[name]
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()  # stop() from the test's thread, __call__ in the pool's
        self.stopped = False

    def __call__(self) -> Outcome:
        """Run it to the end or to its timeout (then stop it)."""
        started = time.monotonic()
        with self.lock, open(self.log, "wb") as out:
            if self.stopped:
                return Outcome(None, 0.0, "stopped before it started")
            self.process = subprocess.Popen(
                [sys.executable, self.bench.script, "--smoke"],
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        try:
            status = self.process.wait(timeout=self.bench.timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            status = None
        seconds = time.monotonic() - started
        return Outcome(status, seconds, self.log.read_text(errors="replace"))

    def stop(self) -> None:
        """SIGTERM (the bench stops what it started), then SIGKILL; by PID, ours only."""
        with self.lock:
            self.stopped = True
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_GRACE)


def selected(session: pytest.Session) -> set[str]:
    """The benches whose tests this session runs (after -k / -m deselection)."""
    names = set()
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if item.module.__name__ == __name__ and callspec and "name" in callspec.params:
            names.add(callspec.params["name"])
    return names


class SmokeRuns:
    """This session's runs, queued longest first, two at a time (2 cores: the browser
    run mostly waits on Chromium and its servers while the others run beside it)."""

    def __init__(self, folder: Path, names: set[str]):
        self.folder = folder
        self.pool = ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix="bench-smoke")
        self.runs: dict[str, SmokeRun] = {}
        self.outcomes: dict[str, Future] = {}
        for name in LONGEST_FIRST:
            if name in names:
                self.submit(name)

    def submit(self, name: str) -> None:
        self.runs[name] = run = SmokeRun(name, self.folder / f"{name}.log")
        self.outcomes[name] = self.pool.submit(run)

    def outcome(self, name: str) -> Outcome:
        if name not in self.outcomes:  # not foreseen by selected(): start it now
            self.submit(name)
        return self.outcomes[name].result()

    def stop(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        for run in self.runs.values():
            run.stop()


@pytest.fixture(scope="module")
def smoke_runs(request, tmp_path_factory) -> Iterator[SmokeRuns]:
    runs = SmokeRuns(tmp_path_factory.mktemp("bench-smoke"), selected(request.session))
    try:
        yield runs
    finally:
        runs.stop()


def params():
    for name in BENCHES:
        marks = [pytest.mark.e2e] if name in NEEDS_CHROMIUM else []
        yield pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", params())
def test_bench_runs_in_smoke_mode_and_prints_its_report(name, smoke_runs):
    ran = smoke_runs.outcome(name)
    status, seconds, output = ran.status, ran.seconds, ran.output
    tail = output[-4000:]
    limit = BENCHES[name].timeout
    assert status is not None, f"{name} --smoke did not finish in {limit:g} s:\n{tail}"
    assert status == 0, f"{name} --smoke exited {status} after {seconds:.0f} s:\n{tail}"
    assert "SMOKE RUN:" in output, f"{name} ignored --smoke:\n{tail}"
    missing = [line for line in BENCHES[name].report if not re.search(line, output, re.M)]
    assert not missing, f"{name} --smoke did not print {missing}:\n{tail}"
