"""What the "Memory over time" lesson's influence costs beside the plain forward pass.

Run from the repository root: `python bench/memory.py` (options: --reps, --budget,
--smoke). Prints figures; asserts nothing (--smoke exits 1 if a measurement failed).

1. The lecture preset: the module's forward pass (torch.no_grad, as a notebook runs it)
   beside model.lessons.memory.memory_run (the three cells' influence matrices, as the tab
   computes them) and beside one cell's influence alone.
2. 1,000 steps x hidden 256 (a text of 1,000 characters, one-hot), per cell: the forward
   pass; the tab's computation, which stops at the budget (MAX_INFLUENCE_WORK: the first
   N steps); the full 1,000 x 1,000 triangle, extrapolated from runs on the first 25, 50
   and 100 steps (a + b n + c n^2, least squares: the sweep is n^2/2 matrix products);
   and the last state's row alone, as the printed code computes it
   (torch.autograd.functional.jacobian of h_n on the float32 module: a backward pass per
   unit of h).

torch threads = 1, as the app runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from bench.common import (  # noqa: E402
    Plan,
    Report,
    add_smoke,
    finish,
    median,
    ms,
    smoke_note,
    threads,
    timed,
    versions,
)
from model.cells import build_model, make_input  # noqa: E402
from model.config import CELLS, ExplorerConfig  # noqa: E402
from model.encoding import encode  # noqa: E402
from model.lessons.memory import MAX_INFLUENCE_WORK, cell_sources, memory_run  # noqa: E402
from model.lessons.memory_influence import influence  # noqa: E402
from model.presets import PRESETS  # noqa: E402
from model.trace import trace  # noqa: E402

ALPHABET = "abcdefghijklmnopqrstuvwxyz ."
FIT_STEPS = (25, 50, 100)  # influence runs that the full triangle is extrapolated from


def long_text(steps: int) -> str:
    rng = np.random.default_rng(20240601)
    return "".join(rng.choice(list(ALPHABET), size=steps))


def forward_seconds(config: ExplorerConfig, plan: Plan) -> float:
    """Median of the module's forward pass on the scene's input, no autograd."""
    encoded = encode(config)
    built = build_model(config, encoded)
    x = make_input(encoded, built)

    def forward() -> None:
        with torch.no_grad():
            built.rnn(x)

    forward()
    return median(plan.repeat(lambda: timed(forward), plan.at_least(21)))


def seconds_of(function, plan: Plan, reps: int | None = None) -> float:
    return median(plan.repeat(lambda: timed(function), reps))


def bench_lecture(plan: Plan, report: Report) -> None:
    print("\n1. The lecture preset (RNN(4, 2), sequence 1 as PyTorch read it: 3 steps)")
    config = PRESETS["lecture"]
    scene = trace(config)
    memory_run(scene, 0, 0, 0)  # warm: torch.func's first call
    forward = forward_seconds(config, plan)
    three = seconds_of(lambda: memory_run(scene, 0, 0, 0), plan, plan.at_least(11))
    sources, _ = cell_sources(scene, 0)
    own = next(s for s in sources if s.own)
    inputs = scene.inputs[0, : int(scene.lengths[0])]
    one = seconds_of(lambda: influence(own, inputs, 0, 0), plan, plan.at_least(11))
    print(f"  {'what':<44}{'median':>12}{'x forward':>12}")
    for what, value in (("forward pass (torch.no_grad, the whole batch)", forward),
                        ("influence, the three cells (the tab)", three),
                        ("influence, the RNN alone", one)):  # fmt: skip
        print(f"  {what:<44}{ms(value):>12}{value / forward:>11.0f}x")
    report.add("1", "lecture: forward", ms(forward))
    report.add("1", "lecture: influence, three cells", ms(three), f"{three / forward:.0f}x")


def fitted_full(times: dict[int, float], steps: int) -> float:
    """Seconds for `steps`, scaled from the longest measured run as n^2 (the sweep back in
    time is N^2/2 matrix products and dominates). A three-term fit through three timings
    went negative on a busy machine; this cannot, and it errs on the high side."""
    longest = max(times)
    return times[longest] * (steps / longest) ** 2


def last_row_seconds(config: ExplorerConfig, plan: Plan) -> float:
    """The printed code's way: jacobian of h_n (the last state) w.r.t. the input, float32."""
    encoded = encode(config)
    built = build_model(config, encoded)
    x = make_input(encoded, built)[0].detach()  # (T, I)

    def last_state(x):
        _, status = built.rnn(x.unsqueeze(0))
        h_n = status[0] if isinstance(status, tuple) else status
        return h_n[0, 0]

    def row() -> None:
        torch.autograd.functional.jacobian(last_state, x).norm(dim=(0, 2))

    return seconds_of(row, plan, plan.runs(3))


def bench_long(plan: Plan, report: Report, steps: int, hidden: int, fit: tuple[int, ...]):
    print(f"\n2. {steps:,} steps x hidden {hidden} (one-hot of {len(ALPHABET)} characters)")
    text = long_text(steps)
    configs = {cell: ExplorerConfig(sequences=(text,), hidden_size=hidden, cell=cell)
               for cell in CELLS}  # fmt: skip
    scenes = {cell: trace(config) for cell, config in configs.items()}
    forwards = {cell: forward_seconds(config, plan) for cell, config in configs.items()}
    scene = scenes["rnn"]
    tab = seconds_of(lambda: memory_run(scene, 0, 0, 0), plan, plan.runs(3))
    shown = memory_run(scene, 0, 0, 0).steps
    all_forwards = sum(forwards.values())
    print(
        f"  the tab (three cells, the first {shown} steps within the budget): {ms(tab)}, "
        f"{tab / all_forwards:.0f}x the three forward passes ({ms(all_forwards)})"
    )
    report.add("2", f"{steps} x {hidden}: the tab, first {shown} steps, three cells", ms(tab),
               f"{tab / all_forwards:.0f}x")  # fmt: skip
    print(f"  {'cell':<6}{'forward':>11}{'full triangle (extrapolated)':>31}{'x fwd':>10}"
          f"{'last state row':>17}{'x fwd':>9}")  # fmt: skip
    for cell in CELLS:
        forward = forwards[cell]
        sources, _ = cell_sources(scenes[cell], 0)
        own = next(s for s in sources if s.own)
        inputs = scenes[cell].inputs[0]
        times = {
            n: seconds_of(
                lambda n=n, own=own, inputs=inputs: influence(own, inputs, 0, 0, 1.0, n),
                plan,
                plan.runs(2),
            )
            for n in fit
        }
        full = fitted_full(times, steps)
        row = last_row_seconds(configs[cell], plan)
        print(f"  {cell:<6}{ms(forward):>11}{ms(full):>31}{full / forward:>9.0f}x"
              f"{ms(row):>17}{row / forward:>8.0f}x")  # fmt: skip
        fitted = ", ".join(f"{n}: {ms(value)}" for n, value in times.items())
        print(f"  {'':<6}(measured on the first steps: {fitted})")
        label = f"{steps} x {hidden} {cell}"
        report.add("2", f"{label}: forward", ms(forward))
        report.add("2", f"{label}: full triangle, extrapolated", ms(full), f"{full / forward:.0f}x")
        report.add("2", f"{label}: last state's row (autograd)", ms(row), f"{row / forward:.0f}x")
        if not np.isfinite(full) or full <= 0:
            report.problem(f"{label}: the extrapolation gave {full!r}")
    print(
        f"  (the tab's budget: MAX_INFLUENCE_WORK = {MAX_INFLUENCE_WORK:,} multiply-adds for "
        "the three cells)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions per series")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per series")
    add_smoke(parser)
    args = parser.parse_args()
    plan = Plan.for_smoke() if args.smoke else Plan(args.reps, args.budget, min_reps=1)
    started = time.perf_counter()
    print("Influence over time (model.lessons.memory) beside the plain forward pass")
    print(f"  {versions()}; plan: {plan}")
    smoke_note(args.smoke)
    report = Report()
    failed = False
    with threads(1):
        try:
            bench_lecture(plan, report)
            if args.smoke:
                bench_long(plan, report, 100, 16, (10, 20, 40))
            else:
                bench_long(plan, report, 1000, 256, FIT_STEPS)
        except Exception as error:  # a smoke run must say so and exit 1
            report.problem(f"{type(error).__name__}: {error}")
            failed = True
    report.print_table()
    report.print_problems()
    return finish(started, args.smoke, failed or bool(report.problems))


if __name__ == "__main__":
    sys.exit(main())
