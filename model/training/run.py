"""Train the explorer's module on what the user typed, and keep weights to look back at:
the loop (`TrainingRun`); its records (`TrainStep`) and what a run did (`TrainResult`)
are `model.training.records`.
What is fed and predicted (tokens: next-token prediction; numbers: many-to-one) is
`model.training.data`'s docstring; the network is `model.training.network`.

Steps: step k means "the weights after k updates". Step 0 is the untrained module, step
``steps`` the trained one; the loss and predictions of step k are those of the weights
of step k (for k < steps, what the lecture prints at iteration k, before its update).

Drive it from a UI::

    run = train(config, train_config)          # ConfigError here for bad settings
    for record in run:                          # a TrainStep after every step
        if record.step % 10 == 0:
            progress(record.step / record.total_steps, record.loss)
        if stop_requested():
            break                               # simply stop consuming
    result = run.result()                       # TrainResult of what has run so far

Time: a run stops by itself after `time_limit` seconds (MAX_TRAIN_SECONDS by default),
counted from the first record; the steps done so far are kept, `TrainResult.timed_out`
is set and `message` says so. MAX_TRAIN_WORK (model.training.config) refuses, before
anything runs, settings whose hidden values over all steps are clearly too many; it
counts values, not seconds, and the time per value varies several-fold with the
shapes (per timestep overhead, hidden size), so the clock is the bound on wall time.
A capped run is a prefix of the full one: its step k equals step k of the full run.

No global thread settings are changed here (the app chooses them); the run is
deterministic: the same configs give bit-identical histories.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import numpy as np
import torch

from model.config import ExplorerConfig
from model.errors import ConfigError
from model.training.config import (
    MAX_TRAIN_SECONDS,
    TrainConfig,
    divergence,
    snapshot_limit,
    snapshot_steps,
)
from model.training.data import IGNORE_INDEX, predictions_text, training_data
from model.training.network import batches, build_network, forward, forward_rows, loss_of
from model.training.records import TrainResult, TrainStep, first_and_held


class TrainingRun:
    """An iterator of TrainStep records (steps 0 .. steps); `result()` at any time.
    `time_limit` in seconds of `clock` (None: no limit), counted from the first record."""

    def __init__(
        self,
        config: ExplorerConfig,
        train_config: TrainConfig,
        time_limit: float | None = MAX_TRAIN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.config, self.train_config = config, train_config
        self.time_limit, self._clock = time_limit, clock
        self.data = training_data(config)
        self.network = build_network(config, train_config, self.data)
        state = self._state()
        limit = snapshot_limit(sum(t.numel() * t.element_size() for t in state.values()))
        self.snapshot_steps = snapshot_steps(train_config.steps, train_config.snapshot_every, limit)
        params = list(self.network.parameters())
        if train_config.optimizer == "adam":
            self.optimizer = torch.optim.Adam(params, lr=train_config.learning_rate)
        else:
            self.optimizer = torch.optim.SGD(params, lr=train_config.learning_rate)
        outputs = forward(self.network, self.data)
        loss = loss_of(outputs, self.data)
        if not torch.isfinite(loss):
            raise ConfigError(
                "The untrained model's outputs already overflow float32 (the loss is "
                f"{loss.item()}), so there is nothing to train from. Try tanh instead of "
                "ReLU, another seed, fewer layers or shorter text.",
                "err_train_overflow",
                loss=loss.item(),
            )
        self._pending = (outputs, loss)
        self._batches = None
        size, windows = train_config.batch_size, self.data.inputs.batch_size
        if size and size < windows:
            self._batches = batches(windows, size, train_config.steps, train_config.seed)
        valid = self.data.targets != IGNORE_INDEX  # tokens: target positions that count
        self._valid = (valid, int(valid.sum()))
        self._losses: list[float] = []
        self._accuracies: list[float] = []
        self._all_correct: list[bool] = []
        self._predictions: dict[int, tuple[str, ...]] = {}
        self._snapshots: dict[int, dict[str, torch.Tensor]] = {}
        self._last_good = (0, state, outputs.detach())
        self._diverged_at: int | None = None
        self._timed_out = False
        self._message = ""
        self._reason: tuple[str, dict] | None = None
        self._completed = False
        self._loop = self._steps()

    def __iter__(self) -> Iterator[TrainStep]:
        return self

    def __next__(self) -> TrainStep:
        return next(self._loop)

    @property
    def total_steps(self) -> int:
        return self.train_config.steps

    def _state(self) -> dict[str, torch.Tensor]:
        """A copy of the weights. The optimizer updates the same tensors in place, so the
        state_dict's tensors are looked up once (building it each step costs more than
        copying a small model's weights)."""
        if not hasattr(self, "_named"):
            self._named = list(self.network.state_dict(keep_vars=True).items())
        return {name: value.detach().clone() for name, value in self._named}

    def _steps(self) -> Iterator[TrainStep]:
        total, data = self.train_config.steps, self.data
        outputs, loss = self._pending
        limit = self.time_limit
        deadline = None if limit is None else self._clock() + limit
        step = 0
        while True:
            record = self._record(step, outputs, loss)
            self._completed = step == total  # all ran, even if the consumer stops here
            yield record
            if step == total:
                return
            if deadline is not None and self._clock() >= deadline:
                self._out_of_time(step)
                return
            self.optimizer.zero_grad()
            if self._batches is None:
                loss.backward()
            else:  # a mini-batch of windows; the record above is of every window
                rows = self._batches[step]
                loss_of(forward_rows(self.network, data, rows), data, rows).backward()
            self.optimizer.step()
            step += 1
            with torch.set_grad_enabled(step < total and self._batches is None):
                outputs = forward(self.network, data)
                loss = loss_of(outputs, data)
            problem = self._problem(loss)
            if problem:
                self._diverge(step, problem)
                return

    def _record(self, step: int, outputs: torch.Tensor, loss: torch.Tensor) -> TrainStep:
        accuracy = all_correct = None
        if not self.data.numbers:
            valid, count = self._valid
            correct = int(((outputs.detach().argmax(-1) == self.data.targets) & valid).sum())
            accuracy = correct / count
            all_correct = correct == count
            self._accuracies.append(accuracy)
            self._all_correct.append(all_correct)
        self._losses.append(loss.item())
        state = self._state()
        self._last_good = (step, state, outputs.detach())
        if step in self.snapshot_steps:
            self._snapshots[step] = state
            self._predictions[step] = predictions_text(outputs, self.data)
        return TrainStep(
            step,
            self.train_config.steps,
            loss.item(),
            accuracy,
            all_correct,
            outputs.detach(),
            self.data,
        )

    def _problem(self, loss: torch.Tensor) -> str:
        """The text key of what went wrong ("" if nothing): see PROBLEMS."""
        params = list(self.network.parameters())
        # one reduction first: any inf or NaN makes the sum non-finite (so does a finite
        # overflow, which the exact check below then tells apart)
        total = torch.stack([p.detach().sum() for p in params]).sum()
        if not torch.isfinite(total) and not all(torch.isfinite(p).all() for p in params):
            return "train_problem_weights"
        if torch.isnan(loss):
            return "train_problem_nan"
        if not torch.isfinite(loss):
            return "train_problem_inf"
        return ""

    def _diverge(self, step: int, problem: str) -> None:
        good_step, good_state, _ = self._last_good
        self.network.load_state_dict(good_state)
        self._diverged_at = step
        self._message, self._reason = divergence(
            self.config, self.train_config, step, good_step, problem
        )

    def _out_of_time(self, step: int) -> None:
        self._timed_out = True
        self._message = (
            f"Training stopped after {self.time_limit:g} seconds, the time limit for one run "
            f"on this shared server, at step {step:,} of {self.train_config.steps:,}. The "
            f"weights of step {step:,} are kept. To train to the end, use fewer steps, a "
            "smaller hidden size, fewer layers or shorter text."
        )

    def result(self) -> TrainResult:
        last_step, last_state, last_outputs = self._last_good
        snapshots = {**self._snapshots, last_step: last_state}
        predictions = {**self._predictions}
        if last_step not in predictions:
            predictions[last_step] = predictions_text(last_outputs, self.data)
        tokens = not self.data.numbers
        all_correct = np.array(self._all_correct, dtype=bool) if tokens else None
        first, held = first_and_held(all_correct)
        return TrainResult(
            config=self.config,
            train_config=self.train_config,
            data=self.data,
            steps=np.arange(len(self._losses), dtype=np.int64),
            losses=np.array(self._losses, dtype=np.float64),
            accuracies=np.array(self._accuracies, dtype=np.float64) if tokens else None,
            all_correct=all_correct,
            predictions=predictions,
            snapshots=snapshots,
            weights=last_state,
            last_step=last_step,
            completed=self._completed,
            first_all_correct=first,
            held_to_end=held,
            diverged=self._diverged_at is not None,
            diverged_at=self._diverged_at,
            timed_out=self._timed_out,
            message=self._message,
            reason=self._reason,
        )


def train(
    config: ExplorerConfig,
    train_config: TrainConfig,
    time_limit: float | None = MAX_TRAIN_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> TrainingRun:
    """Validate, build the seeded network and return the run (nothing trained yet)."""
    return TrainingRun(config, train_config, time_limit, clock)


def train_to_end(
    config: ExplorerConfig, train_config: TrainConfig, time_limit: float | None = MAX_TRAIN_SECONDS
) -> TrainResult:
    """Every step, unless `time_limit` seconds run out first (then `timed_out` is set)."""
    run = train(config, train_config, time_limit)
    for _ in run:
        pass
    return run.result()
