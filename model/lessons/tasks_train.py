"""Training the task networks and reading their states (torch + numpy).

A task network is `torch.nn.RNN | LSTM | GRU(len(vocab), hidden, batch_first=True)` fed
one-hot tokens, plus `torch.nn.Linear(hidden, len(classes))` reading h_t at the scored
steps: built after `torch.manual_seed(seed)` under `model.cells.SEED_LOCK` (the global
generator restored afterwards), trained with
Adam on cross-entropy at the scored steps, stopped early once `PERFECT_BATCHES` batches
in a row are answered without a mistake (or at the time limit).

The states of a trained network are PyTorch's: h_t from the module's own output, every
gate and c_t from the cells' documented step equations (`model.cells`) on the module's
weights, h_t rebuilt from them and checked against the module (`States.max_error`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from model.cells import CELL_FACTS, SEED_LOCK
from model.equations import layer_weights, lstm_cell_state, lstm_gates, step_gru
from model.lessons.tasks import (
    TASK_FACTS,
    TaskBatch,
    TaskSettings,
    UnitFound,
    count_batch,
    evaluation_batches,
    find_unit,
    scatter_sample,
    training_batch,
)

PERFECT_BATCHES = 25  # stop training once this many batches in a row have no mistake
# LSTM's forget gate starts open: its bias is PyTorch's draw plus this (Gers et al. 2000,
# Jozefowicz et al. 2015); with PyTorch's near-0 bias the gate starts half shut and the
# LSTM forgets as fast as a plain RNN before it has learned anything
LSTM_FORGET_BIAS = 1.0


@dataclass(frozen=True, eq=False)
class TaskNetwork:
    rnn: nn.RNNBase  # batch_first=True, one layer
    head: nn.Linear  # (hidden -> classes)
    vocab_size: int

    def states(self, batch: TaskBatch) -> torch.Tensor:
        """h_t for every step: (N, T, H)."""
        x = nn.functional.one_hot(torch.from_numpy(batch.inputs), self.vocab_size).float()
        output, _ = self.rnn(x)
        return output

    def logits(self, batch: TaskBatch) -> torch.Tensor:
        return self.head(self.states(batch))  # (N, T, classes)


def build_network(cell: str, settings: TaskSettings) -> TaskNetwork:
    facts = TASK_FACTS[settings.task]
    with SEED_LOCK, torch.random.fork_rng(devices=[]):  # the global stream is left as it was
        torch.manual_seed(settings.seed)
        rnn = CELL_FACTS[cell].module(len(facts.vocab), settings.hidden_size, batch_first=True)
        head = nn.Linear(settings.hidden_size, len(facts.classes))
    if cell == "lstm":
        hidden = settings.hidden_size
        with torch.no_grad():  # gate blocks in PyTorch's order i, f, g, o
            rnn.bias_ih_l0[hidden : 2 * hidden] += LSTM_FORGET_BIAS
    return TaskNetwork(rnn, head, len(facts.vocab))


def answers_right(network: TaskNetwork, batch: TaskBatch) -> np.ndarray:
    """(N,) True where every scored step of the sequence is answered right."""
    with torch.no_grad():
        guess = network.logits(batch).argmax(-1).numpy()
    wrong = (guess != batch.targets) & batch.scored
    return ~wrong.any(axis=1)


@dataclass(frozen=True)
class Training:
    steps: int  # optimiser steps taken
    seconds: float
    stopped: str  # "perfect" | "budget" | "time"
    losses: np.ndarray  # (steps,) float32


def train_network(
    network: TaskNetwork, settings: TaskSettings, gap: int = 0, deadline: float | None = None
) -> Training:
    """Adam on cross-entropy at the scored steps; batches from a private generator."""
    rng = np.random.default_rng([settings.seed, 0, gap])
    parameters = [*network.rnn.parameters(), *network.head.parameters()]
    optimiser = torch.optim.Adam(parameters, lr=settings.lr)
    started = time.monotonic()
    losses, perfect, stopped = [], 0, "budget"
    for _ in range(settings.steps):
        batch = training_batch(settings, rng, gap)
        logits = network.logits(batch)
        scored = torch.from_numpy(batch.scored)
        loss = nn.functional.cross_entropy(logits[scored], torch.from_numpy(batch.targets)[scored])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
        right = (logits.detach().argmax(-1).numpy() == batch.targets) | ~batch.scored
        perfect = perfect + 1 if right.all() else 0
        if perfect >= PERFECT_BATCHES:
            stopped = "perfect"
            break
        if deadline is not None and time.monotonic() > deadline:
            stopped = "time"
            break
    seconds = time.monotonic() - started
    return Training(len(losses), seconds, stopped, np.asarray(losses, dtype=np.float32))


@dataclass(frozen=True)
class States:
    """Every unit's value at every step of a batch: name -> (N, T, H) float32."""

    values: dict[str, np.ndarray]
    max_error: float  # largest |h rebuilt from the gates - the module's h|


def network_states(network: TaskNetwork, batch: TaskBatch) -> States:
    """h (the module's output), LSTM's c, and every gate, from PyTorch's equations."""
    rnn = network.rnn
    cell = "lstm" if isinstance(rnn, nn.LSTM) else "gru" if isinstance(rnn, nn.GRU) else "rnn"
    with torch.no_grad():
        x = nn.functional.one_hot(torch.from_numpy(batch.inputs), network.vocab_size).float()
        h = network.states(batch)  # (N, T, H)
        h_prev = torch.cat([torch.zeros_like(h[:, :1]), h[:, :-1]], dim=1)
        weights = layer_weights(rnn, 0, 0)
        values = {"h": h}
        if cell == "lstm":
            gates = lstm_gates(x, h_prev, weights)
            c = torch.zeros_like(h[:, 0])
            cells = []
            for step in range(h.shape[1]):
                c = lstm_cell_state({k: v[:, step] for k, v in gates.items()}, c)
                cells.append(c)
            values["c"] = torch.stack(cells, dim=1)
            rebuilt = gates["output"] * torch.tanh(values["c"])
            values.update({name: gates[name] for name in CELL_FACTS["lstm"].gates})
        elif cell == "gru":
            step = step_gru(x, h_prev, weights)
            rebuilt = step["h"]
            values.update({name: step[name] for name in CELL_FACTS["gru"].gates})
        else:
            pre = x @ weights.w_ih.T + weights.b_ih + h_prev @ weights.w_hh.T + weights.b_hh
            rebuilt = torch.tanh(pre)
        valid = torch.from_numpy(batch.valid)
        error = float((rebuilt - h).abs()[valid].max()) if valid.any() else 0.0
    return States({k: v.numpy().astype(np.float32) for k, v in values.items()}, error)


def flat_states(states: States, batch: TaskBatch) -> dict[str, np.ndarray]:
    """name -> (every real step of every sequence, H): what the unit finder reads."""
    valid = batch.valid
    return {name: values[valid] for name, values in states.values.items()}


@dataclass(frozen=True)
class ModelResult:
    """One trained network of a task: how well it answers, and its unit for the job."""

    cell: str
    gap: int  # the gap task's gap; 0 for the others
    points: tuple[int, ...]  # the accuracy chart's x: gap, n, or depth
    accuracy: tuple[float, ...]  # share of test sequences answered right, per point
    training: Training
    unit: UnitFound
    tokens: tuple[str, ...]  # one test sequence, shown with the unit's value
    unit_values: np.ndarray  # (T,) the unit on that sequence
    variable: np.ndarray  # (T,) the hidden variable on that sequence
    scatter_unit: np.ndarray  # (P,) the unit over the test steps (an even sample)
    scatter_variable: np.ndarray  # (P,) the hidden variable there
    max_error: float


def evaluate(network: TaskNetwork, settings: TaskSettings, cell: str, gap: int,
             training: Training) -> ModelResult:  # fmt: skip
    tests = evaluation_batches(settings, gap)
    points = tuple(point for point, _ in tests)
    accuracy = tuple(float(answers_right(network, batch).mean()) for _, batch in tests)
    batch = _unit_batch(settings, tests)
    states = network_states(network, batch)
    flat = flat_states(states, batch)
    variable = batch.variable[batch.valid]
    unit = find_unit(flat, variable)
    shown = _shown_sequence(settings, batch)
    length = int(batch.lengths[shown])
    values = states.values[unit.quantity][shown, :length, unit.unit]
    sample = scatter_sample(len(variable))
    return ModelResult(
        cell, gap, points, accuracy, training, unit, batch.tokens(settings.task, shown),
        values.copy(), batch.variable[shown, :length].copy(),
        flat[unit.quantity][sample, unit.unit].copy(), variable[sample].copy(), states.max_error,
    )  # fmt: skip


def _unit_batch(settings: TaskSettings, tests: list[tuple[int, TaskBatch]]) -> TaskBatch:
    """The test sequences the unit is found on: all of them for gap and brackets; for
    count every n up to the test bound in one padded batch."""
    if settings.task != "count":
        return tests[0][1]
    return count_batch(np.array([point for point, _ in tests]))


def _shown_sequence(settings: TaskSettings, batch: TaskBatch) -> int:
    """Which test sequence the text view colours: count, n = the training bound;
    otherwise the first one."""
    if settings.task == "count":
        return settings.count_bound - 1
    return 0


def run_task(
    settings: TaskSettings, progress: Callable[[int, int], None] | None = None
) -> list[ModelResult]:
    """Train and evaluate every network of the settings (gap: every cell at every gap),
    in that order; `progress(done, total)` after each. They share the time limit."""
    jobs = [(cell, gap) for cell in settings.cells
            for gap in (settings.gaps if settings.task == "gap" else (0,))]  # fmt: skip
    deadline = time.monotonic() + settings.time_limit
    results = []
    for done, (cell, gap) in enumerate(jobs):
        network = build_network(cell, settings)
        # each network gets an equal share of the time left
        share = (deadline - time.monotonic()) / (len(jobs) - done)
        training = train_network(network, settings, gap, time.monotonic() + max(share, 0.0))
        results.append(evaluate(network, settings, cell, gap, training))
        if progress is not None:
            progress(done + 1, len(jobs))
    return results
