"""RNN, LSTM and GRU on the same scene: the same input, seed and hidden size, only the
cell changed, with what each costs.

Each cell's scene is traced as the explorer traces any scene (`model.trace`), so its
states are checked against its module's own output. The costs come from the built
module: its parameter count (`sum(p.numel())`) and the median wall-clock time of its
forward pass on this input (no autograd), measured with `time.perf_counter` on the
machine that runs this code.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import nn

from model.cells import CELL_FACTS, BuiltModel, build_model, make_input, run_module
from model.config import CELLS, ExplorerConfig
from model.encoding import encode
from model.errors import ConfigError
from model.trace import Trace, trace_model

TIMED_RUNS = 5  # forward passes timed per cell; the median is shown
TIMING_BUDGET = 0.25  # seconds per cell: long scenes stop after fewer runs (at least one)


@dataclass(frozen=True, eq=False)
class CellRun:
    """One cell type on the scene. `error` is the user-facing message when the cell cannot
    run this scene; the arrays are then None and the numbers 0."""

    cell: str  # rnn | lstm | gru
    hidden: np.ndarray | None  # (L, D, N, T, H) float32 h_t, NaN where never computed
    parameters: int  # sum(p.numel()) over the recurrent module
    gate_blocks: int  # weight blocks per layer: RNN 1, LSTM 4, GRU 3
    seconds: float  # median forward time
    timed_runs: int
    max_error: float  # trace against the module's own output
    error: str = ""


@dataclass(frozen=True, eq=False)
class Comparison:
    config: ExplorerConfig  # the scene's; each run replaces only its cell
    runs: tuple[CellRun, ...]  # in CELLS order

    def run(self, cell: str) -> CellRun:
        return next(run for run in self.runs if run.cell == cell)


def compare_cells(config: ExplorerConfig, scene: Trace | None = None) -> Comparison:
    """Trace each cell, then time their forward passes in interleaved rounds (RNN, LSTM,
    GRU, RNN, ...), so a burst of load elsewhere on the machine hits every cell alike.
    `scene`, when given, must be `trace(config)` itself (the seeded, untrained scene):
    it is reused for the config's own cell instead of being traced again."""
    prepared = [_prepare(replace(config, cell=cell), scene) for cell in CELLS]
    ready = [item for item in prepared if isinstance(item, _Prepared)]
    timings = forward_seconds([item.forward for item in ready])
    runs = iter(zip(ready, timings, strict=True))
    return Comparison(
        config, tuple(item if isinstance(item, CellRun) else _run(*next(runs)) for item in prepared)
    )


@dataclass(frozen=True, eq=False)
class _Prepared:
    config: ExplorerConfig
    built: BuiltModel
    traced: Trace
    x: torch.Tensor  # (B, T, I) the module's input, as the scene feeds it

    def forward(self) -> None:
        """One forward pass of the module as the scene runs it (packed when it is)."""
        lengths = self.traced.encoded.lengths if self.traced.packed else None
        run_module(self.built.rnn, self.x, self.built, lengths)


def _prepare(config: ExplorerConfig, scene: Trace | None) -> _Prepared | CellRun:
    try:
        encoded = encode(config)
        built = build_model(config, encoded)
        reuse = scene is not None and scene.config == config
        traced = scene if reuse else trace_model(config, encoded, built)
        return _Prepared(config, built, traced, make_input(encoded, built))
    except ConfigError as error:
        return CellRun(config.cell, None, 0, 0, 0.0, 0, 0.0, error=str(error))


def _run(item: _Prepared, timing: tuple[float, int]) -> CellRun:
    rnn = item.built.rnn
    return CellRun(
        cell=item.config.cell,
        hidden=item.traced.hidden,
        parameters=parameter_count(rnn),
        gate_blocks=CELL_FACTS[item.config.cell].blocks,
        seconds=timing[0],
        timed_runs=timing[1],
        max_error=item.traced.max_error,
    )


def parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def forward_seconds(forwards: list) -> list[tuple[float, int]]:
    """(median seconds, runs) per forward function, timed in rounds of one call each. The
    first round warms up and is dropped, unless it already spent the budget (long scenes:
    then it is the measurement); then up to TIMED_RUNS rounds, while the budget of
    TIMING_BUDGET per cell lasts."""
    if not forwards:
        return []
    budget = TIMING_BUDGET * len(forwards)
    with torch.no_grad():
        started = time.perf_counter()
        times = _round(forwards, [[] for _ in forwards])
        if time.perf_counter() - started < budget:
            times = [[] for _ in forwards]
            while len(times[0]) < TIMED_RUNS and (
                not times[0] or time.perf_counter() - started < budget
            ):
                times = _round(forwards, times)
    return [(statistics.median(measured), len(measured)) for measured in times]


def _round(forwards: list, times: list[list[float]]) -> list[list[float]]:
    for forward, measured in zip(forwards, times, strict=True):
        begin = time.perf_counter()
        forward()
        measured.append(time.perf_counter() - begin)
    return times
