"""What the training section keeps for this browser session, across reruns: the trained
model (`Trained`), which of its weights the views draw (`Shown`), and where each lives in
`st.session_state`. Nothing mutable is shared between sessions.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
import torch

from model.config import ExplorerConfig
from model.training.config import MAX_TRAIN_SECONDS, TrainConfig
from model.training.records import TrainResult

# The page's limit on one run, read by the form, the run and the result (a test shortens
# it here): model.training.config's.
TIME_LIMIT_SECONDS = MAX_TRAIN_SECONDS


@dataclass(frozen=True, eq=False)
class Trained:
    """A trained model of this session: a run (with history) or an uploaded checkpoint."""

    config: ExplorerConfig
    train_config: TrainConfig
    weights: dict[str, torch.Tensor]  # the kept weights (a training.Network state_dict)
    result: TrainResult | None  # None for an uploaded checkpoint
    printout: str  # what the training code prints, step by step ("" when uploaded)

    def weights_at(self, step: int | None) -> dict[str, torch.Tensor]:
        if step is None or self.result is None:
            return self.weights
        return self.result.snapshots[step]


@dataclass(frozen=True, eq=False)
class Shown:
    """Which trained weights the views draw."""

    trained: Trained
    step: int | None  # a snapshot step; None = the kept (final or uploaded) weights

    @property
    def key(self) -> tuple:
        return (id(self.trained), self.step)


def train_key(prefix: str, name: str) -> str:
    """The session-state key of one of the training section's values."""
    return f"{prefix}_train_{name}"


def kept_for(prefix: str) -> dict:
    """This session's trained model ("model"), the step to show next ("show_step") and
    the Event of the last run ("running", set once its weights are kept), in a plain dict.

    A click during a run makes Streamlit stop that run and start the new one at once, in
    another thread (runner.fastReruns): the stopped run gets StopException at every later
    st.session_state access, so its `finally` writes into this dict, fetched before the
    run; and the new run waits for the Event before it reads the model, so it shows the
    steps that ran instead of racing the old thread's `finally`."""
    return st.session_state.setdefault(train_key(prefix, "kept"), {})


def form_values(train_config: TrainConfig) -> dict:
    """A TrainConfig as the form's widgets hold it, by widget name."""
    return {
        "head": train_config.head,
        "optimizer": train_config.optimizer,
        "lr": train_config.learning_rate,
        "steps": train_config.steps,
        "seed": train_config.seed,
        "lab_seed": train_config.lab_seed,
        "batch_size": train_config.batch_size,
    }


def seed_training(prefix: str, values: dict) -> None:
    """Put training values (by form value name, e.g. from a link or a preset) into the
    form's session state, before the form is drawn."""
    for name, value in values.items():
        st.session_state[train_key(prefix, name)] = value


def training_values(prefix: str) -> dict:
    """The form's values as they stand (for the link); the defaults where unset."""
    defaults = form_values(TrainConfig())
    return {name: st.session_state.get(train_key(prefix, name), v) for name, v in defaults.items()}


def train_config_from_state(prefix: str, numbers: bool) -> TrainConfig:
    """The form's values as a TrainConfig (which checks them); numbers train a linear head."""
    values = st.session_state
    return TrainConfig(
        head="linear" if numbers else values[train_key(prefix, "head")],
        optimizer=values[train_key(prefix, "optimizer")],
        learning_rate=float(values[train_key(prefix, "lr")]),
        steps=int(values[train_key(prefix, "steps")]),
        seed=int(values[train_key(prefix, "seed")]),
        lab_seed=bool(values.get(train_key(prefix, "lab_seed"), False)),
        batch_size=int(values.get(train_key(prefix, "batch_size"), 0)),
    )
