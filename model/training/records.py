"""What a training run yields and leaves: `TrainStep` (one step, while it runs) and
`TrainResult` (what a run did, up to where it ended: its history, snapshots and kept
weights). The loop that makes them is `model.training.run`. Step k means "the weights
after k updates": step 0 is the untrained module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from model.config import ExplorerConfig
from model.encoding import EncodedBatch
from model.training.config import TrainConfig
from model.training.data import TrainingData, predictions_text
from model.training.network import built_model_for


@dataclass(frozen=True, eq=False)
class TrainStep:
    """One step, yielded while training runs."""

    step: int  # the weights after this many updates (0 = untrained)
    total_steps: int  # TrainConfig.steps
    loss: float
    accuracy: float | None  # tokens: share of target positions predicted right; numbers: None
    all_correct: bool | None  # tokens: every prediction equals its target; numbers: None
    _outputs: torch.Tensor = field(repr=False)
    _data: TrainingData = field(repr=False)

    @property
    def predictions(self) -> tuple[str, ...]:
        """Per typed line: the predicted tokens joined (as `target_text`), or the
        predicted next value(s) in the typed units (numbers)."""
        return predictions_text(self._outputs, self._data)

    @property
    def targets(self) -> tuple[str, ...]:
        return self._data.target_text


def first_and_held(all_correct: np.ndarray | None) -> tuple[int | None, bool]:
    """(first step at which every prediction equalled its target, whether it stayed so
    to the last recorded step). Steps are positions in the history (0 = untrained)."""
    if all_correct is None or not all_correct.any():
        return None, False
    first = int(np.argmax(all_correct))
    return first, bool(all_correct[first:].all())


@dataclass(frozen=True, eq=False)
class TrainResult:
    """What a run did, up to where it ended (completed, diverged, out of time, or stopped
    early by its consumer)."""

    config: ExplorerConfig
    train_config: TrainConfig
    data: TrainingData
    steps: np.ndarray  # (K,) int64: 0 .. last_step
    losses: np.ndarray  # (K,) float64
    accuracies: np.ndarray | None  # (K,) float64, tokens only
    all_correct: np.ndarray | None  # (K,) bool, tokens only
    predictions: dict[int, tuple[str, ...]]  # at the snapshot steps: per line, as TrainStep
    snapshots: dict[int, dict[str, torch.Tensor]]  # step -> Network state_dict (CPU copies)
    weights: dict[str, torch.Tensor]  # the kept weights = snapshots[last_step]
    last_step: int  # the step whose weights are kept
    completed: bool  # every step ran (not diverged, not out of time, not stopped early)
    first_all_correct: int | None  # first step where every prediction equals its target
    held_to_end: bool  # ... and every later step too
    diverged: bool
    diverged_at: int | None  # the step whose loss or weights were not finite
    timed_out: bool  # stopped by the run's time limit (MAX_TRAIN_SECONDS by default)
    message: str  # plain English, for the user: what happened and what to try; "" if fine
    # the same for any language: (text key, fields) of the divergence message, fields
    # "problem" a key and "tips" a list of (key, fields); None when it did not diverge
    reason: tuple[str, dict] | None = None

    @property
    def targets(self) -> tuple[str, ...]:
        return self.data.target_text

    @property
    def scale_min(self) -> np.ndarray | None:
        return self.data.scale_min

    @property
    def scale_max(self) -> np.ndarray | None:
        return self.data.scale_max

    @property
    def snapshot_bytes(self) -> int:
        return sum(
            t.numel() * t.element_size() for s in self.snapshots.values() for t in s.values()
        )

    def built_model(self, step: int | None = None, encoded: EncodedBatch | None = None):
        """BuiltModel for `step` (a snapshot step; default the kept weights), with h0 / c0
        built for `encoded` (default: the training input) as the explorer would."""
        weights = self.weights if step is None else self.snapshots[step]
        return built_model_for(self.config, weights, encoded or self.data.inputs)
