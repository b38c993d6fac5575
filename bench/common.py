"""What every bench script repeats: timing, medians, repetition plans, the --smoke flag,
the header and the summary table.

Scripts run as `python bench/<script>.py` from anywhere; each first puts the repository
root on sys.path (three lines it cannot import from here), then imports this module.
This module imports nothing of the project (panels_overhead.py's children import another
tree's `components` and `model` after it), and torch, streamlit and plotly only inside
the functions that report their versions or set torch's threads.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "bench" / "apps"
EMPTY_APP = APPS / "empty_app.py"  # the cheapest script that sends one element
MINIMAL_APP = APPS / "minimal_app.py"  # one text area, one radio, one Plotly heatmap
SMOKE_HELP = (
    "a few seconds, tiny sizes, the same code paths: proves the bench still runs (the "
    "figures mean nothing); exits 1 if a measurement failed"
)


# --- times and statistics -------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def median(values: list[float]) -> float:
    return float(np.median(values))


def p90(values: list[float]) -> float:
    return float(np.percentile(values, 90))


def summary(values: list[float]) -> str:
    return f"median {ms(median(values))}, p90 {ms(p90(values))} (n={len(values)})"


def timed(function: Callable[..., object], *args) -> float:
    """Seconds one call of `function(*args)` took."""
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


@dataclass(frozen=True)
class Plan:
    """How many repetitions a series takes: `reps`, or fewer (never under `min_reps`) once
    `budget` seconds have gone by. A smoke plan takes one of everything."""

    reps: int
    budget: float
    min_reps: int = 3
    smoke: bool = False

    @classmethod
    def for_smoke(cls) -> Plan:
        return cls(reps=1, budget=0.0, min_reps=1, smoke=True)

    def __str__(self) -> str:
        if self.smoke:
            return "smoke: one repetition of everything"
        return (
            f"reps {self.reps}, budget {self.budget:g} s per series (fewer reps, min "
            f"{self.min_reps}, when over budget)"
        )

    def at_least(self, count: int) -> int:
        """`count` repetitions for a quick series that needs many (one when smoking)."""
        return self.reps if self.smoke else max(self.reps, count)

    def runs(self, count: int) -> int:
        """A fixed number of runs (a profile, a breakdown): one when smoking."""
        return 1 if self.smoke else count

    def repeat(
        self, step: Callable[[], object], reps: int | None = None, min_reps: int | None = None
    ) -> list:
        """Call `step` `reps` (default: the plan's) times, fewer (never under `min_reps`,
        default: the plan's) once over budget. Returns what each call returned."""
        reps = self.reps if reps is None else reps
        least = self.min_reps if min_reps is None or self.smoke else min_reps
        results: list = []
        start = time.perf_counter()
        while len(results) < reps and (
            len(results) < least or time.perf_counter() - start < self.budget
        ):
            results.append(step())
        return results


@contextmanager
def threads(count: int) -> Iterator[None]:
    """torch's intra-op threads set to `count` for the block."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


# --- the command line and the report --------------------------------------------------


def add_smoke(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)


def add_plan(parser: argparse.ArgumentParser, reps: int = 7, budget: float = 40.0) -> None:
    """--reps, --budget and --smoke: how many repetitions a script's medians take."""
    parser.add_argument("--reps", type=int, default=reps, help="repetitions per median")
    parser.add_argument(
        "--budget", type=float, default=budget,
        help="seconds per series after which fewer reps are taken (min 3)",
    )  # fmt: skip
    add_smoke(parser)


def plan_of(args: argparse.Namespace) -> Plan:
    """The Plan the arguments of `add_plan` ask for."""
    return Plan.for_smoke() if args.smoke else Plan(args.reps, args.budget)


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def versions(torch: bool = True) -> str:
    """Python, streamlit, plotly and (unless not wanted: ~2 s to import) torch versions."""
    import plotly
    import streamlit

    found = (
        f"Python {platform.python_version()}, streamlit {streamlit.__version__}, "
        f"plotly {plotly.__version__}"
    )
    if torch:
        import torch as torch_module

        found += f", torch {torch_module.__version__}"
    return found


def smoke_note(smoke: bool) -> None:
    if smoke:
        print("SMOKE RUN: tiny sizes, one repetition; the figures below mean nothing.")


@dataclass
class Report:
    """The summary table (a figure beside its target) and the problems seen on the way."""

    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # item, what, fig, target
    problems: list[str] = field(default_factory=list)

    def add(self, item: str, what: str, figure: str, target: str = "") -> None:
        self.rows.append((item, what, figure, target))

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def print_table(self) -> None:
        print("\nSummary (figure beside its target; blank target = for information)")
        width = max((len(what) for _, what, _, _ in self.rows), default=0)
        for item, what, figure, target in self.rows:
            print(f"  {item:<3} {what:<{width}}  {figure:>14}  {target}")

    def print_problems(self) -> None:
        if self.problems:
            print("\nProblems seen while measuring (figures above may be misleading):")
            for problem in dict.fromkeys(self.problems):
                print(f"  - {problem}")


def finish(started: float, smoke: bool, failed: bool) -> int:
    """Print the closing line; the exit status: 1 when a smoke run saw a failure."""
    took = time.perf_counter() - started
    print(f"\nDone in {took:.0f} s; load average {load_average()} at the end.")
    if smoke and failed:
        print("SMOKE RUN FAILED: see the problems above.")
        return 1
    return 0
