"""How to train: `TrainConfig` (one frozen, validated dataclass), the limits it and a
run enforce, the choices it offers, and the texts of what can go wrong in a run.

Every training limit is a named constant here (the UI lists them, components/sidebar/limits.py).
A bad setting raises `ConfigError` with a sentence and a text key, like ExplorerConfig.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from model.cells import CELL_FACTS
from model.config import MAX_SEED, ExplorerConfig, check_choice, check_int
from model.errors import ConfigError, quoted

# --- limits (the UI shows them in help texts) ------------------------------------------
MAX_TRAIN_STEPS = 2000
MIN_LEARNING_RATE = 1e-5
MAX_LEARNING_RATE = 10.0
MAX_SNAPSHOTS = 50  # weight snapshots kept per run, step 0 and the last step included
MAX_SNAPSHOT_BYTES = 64 * 2**20  # the snapshots of one run (one session) at most
# Wall time of one run, from its first step: on a shared server, nobody holds a core for
# minutes. (Measured on one core: 2,000 steps of an LSTM of hidden size 128 on 50
# characters take ~11 s; some settings MAX_TRAIN_WORK allows would take ~3 minutes.)
MAX_TRAIN_SECONDS = 60.0
# Training work: steps x (batch x seq x hidden x layers x directions) as read. The lecture
# uses 3,000; hidden 128 over 50 characters for 500 steps 3.2 million. An LSTM costs about
# 1.5 microseconds per value and step on one core: about a minute at the limit.
MAX_TRAIN_WORK = 40_000_000

MAX_BATCH_SIZE = 1000  # windows in a mini-batch (= model.config.MAX_WINDOWS)

HEADS = ("logits", "linear")
OPTIMIZERS = ("adam", "sgd")


# What went wrong and what to try, in English; the UI translates the same keys
# (components/i18n: train_problem_*, train_tip_*).
PROBLEMS = {
    "train_problem_weights": "some weights became infinite or not a number after the update",
    "train_problem_nan": "the loss became NaN (not a number)",
    "train_problem_inf": "the loss became infinite",
}
TIPS = {
    "train_tip_lr": "a smaller learning rate (say {lr})",
    "train_tip_adam": "Adam instead of SGD",
    "train_tip_tanh": "tanh instead of ReLU",
    "train_tip_layers": "fewer layers",
}


@dataclass(frozen=True)
class TrainConfig:
    """How to train. Hashable; validated on creation (ConfigError with a sentence)."""

    # logits: the RNN's outputs are the logits (hidden size = vocabulary size, one
    # direction; the lecture's way). linear: nn.Linear(hidden * directions, vocabulary)
    # on top. Numbers always use a linear layer to the features; `head` is ignored there.
    head: str = "logits"
    optimizer: str = "adam"  # adam | sgd (plain, no momentum)
    learning_rate: float = 0.1  # MIN_LEARNING_RATE .. MAX_LEARNING_RATE
    steps: int = 100  # optimizer updates, 1 .. MAX_TRAIN_STEPS
    # torch.manual_seed(seed) right before the linear layer is built. The RNN's own
    # weights come from the explorer's seed, so step 0 is the untrained scene.
    seed: int = 0
    # Mini-batches (windows only): 0 = every window in every update, the labs' way. n:
    # each update uses n windows, in a fresh random order every epoch (a torch.Generator
    # seeded with `seed`); the loss shown is still the loss on every window.
    batch_size: int = 0
    # True: the course labs' way, one random stream: torch.manual_seed(explorer seed),
    # the RNN, then the linear layer right after it (`seed` above is not used). Step 0 is
    # still the untrained scene: the RNN is drawn first either way.
    lab_seed: bool = False
    # Keep the weights every k steps (plus step 0 and the last step); 0 = automatic: the
    # smallest k that keeps at most MAX_SNAPSHOTS (fewer for very large models).
    snapshot_every: int = 0

    def __post_init__(self) -> None:
        check_choice("head", self.head, HEADS)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_int("steps", self.steps, 1, MAX_TRAIN_STEPS)
        check_int("seed", self.seed, 0, MAX_SEED)
        check_int("snapshot_every", self.snapshot_every, 0, MAX_TRAIN_STEPS)
        check_int("batch_size", self.batch_size, 0, MAX_BATCH_SIZE)
        if not isinstance(self.lab_seed, bool):
            raise ConfigError("lab_seed must be true or false.", "err_not_bool", name="lab_seed")
        rate = self.learning_rate
        if isinstance(rate, bool) or not isinstance(rate, int | float):
            got = quoted(rate)
            raise ConfigError(
                f"learning_rate must be a number (got {got}).", "err_lr_not_number", got=got
            )
        if not (math.isfinite(rate) and MIN_LEARNING_RATE <= rate <= MAX_LEARNING_RATE):
            raise ConfigError(
                f"learning_rate must be between {MIN_LEARNING_RATE:g} and "
                f"{MAX_LEARNING_RATE:g} (got {rate!r}).",
                "err_lr_range",
                low=MIN_LEARNING_RATE,
                high=MAX_LEARNING_RATE,
                got=repr(rate),
            )
        object.__setattr__(self, "learning_rate", float(rate))
        if self.snapshot_every:
            snapshot_steps(self.steps, self.snapshot_every, MAX_SNAPSHOTS)  # raises if too many


def snapshot_steps(steps: int, every: int, limit: int = MAX_SNAPSHOTS) -> tuple[int, ...]:
    """0, every, 2*every, ... and `steps`; every = 0 picks the smallest that fits `limit`."""
    smallest = max(1, math.ceil(steps / (limit - 1)))
    if every == 0:
        every = smallest
    elif every < smallest:
        kept = math.ceil(steps / every) + 1
        raise ConfigError(
            f"With {steps:,} steps, keeping weights every {every} steps would keep {kept} "
            f"snapshots; at most {limit} fit. Use snapshot_every of {smallest} or more (or 0 "
            "for automatic).",
            "err_snapshot_every",
            steps=steps,
            every=every,
            kept=kept,
            limit=limit,
            smallest=smallest,
        )
    return tuple(range(0, steps, every)) + (steps,)


def snapshot_limit(weight_bytes: int) -> int:
    """How many weight snapshots of `weight_bytes` each one run keeps at most (within
    MAX_SNAPSHOTS and MAX_SNAPSHOT_BYTES); a ConfigError when not even step 0 and the
    last step fit."""
    limit = min(MAX_SNAPSHOTS, MAX_SNAPSHOT_BYTES // max(weight_bytes, 1))
    if limit < 2:
        weights = weight_bytes // 4
        raise ConfigError(
            f"This model has {weights:,} weights, too many to keep snapshots of while it "
            "trains. Use a smaller hidden size or fewer layers.",
            "err_snapshot_too_large",
            weights=weights,
        )
    return limit


def divergence(
    config: ExplorerConfig, train_config: TrainConfig, step: int, good_step: int, problem: str
) -> tuple[str, tuple[str, dict]]:
    """What to tell the user when step `step` went wrong with `problem` (a PROBLEMS key)
    and the weights of `good_step` are kept: the English message, and (text key, fields)
    for any language, fields "problem" a key and "tips" a list of (key, fields)."""
    smaller = max(train_config.learning_rate / 10, MIN_LEARNING_RATE)
    tip_keys = [("train_tip_lr", {"lr": f"{smaller:g}"})]
    if train_config.optimizer == "sgd":
        tip_keys.append(("train_tip_adam", {}))
    if CELL_FACTS[config.cell].has_nonlinearity and config.nonlinearity == "relu":
        tip_keys.append(("train_tip_tanh", {}))
    if config.num_layers > 1:
        tip_keys.append(("train_tip_layers", {}))
    rate = f"{train_config.learning_rate:g}"
    reason = ("train_diverged", {
        "step": step, "problem": problem, "lr": rate, "good_step": good_step, "tips": tip_keys,
    })  # fmt: skip
    tips = [TIPS[key].format(**fields) for key, fields in tip_keys]
    message = (
        f"Training diverged at step {step}: {PROBLEMS[problem]}. The learning rate "
        f"{rate} made the updates too big, and the numbers blew up. "
        f"The weights of step {good_step}, the last good step, are kept. "
        f"Try {', '.join(tips[:-1]) + ' or ' + tips[-1] if len(tips) > 1 else tips[0]}."
    )
    return message, reason
