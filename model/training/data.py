"""What training feeds and what it checks: the data (inputs and targets in the typed
layout), the network ([embedding] -> rnn -> [head]), the forward pass and the loss.
`model.training.run` drives the run; its module docstring explains the formulation.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

from model.cells import SEED_LOCK, BuiltModel, build_model, read_shape, run_module
from model.config import ExplorerConfig
from model.encoding import EncodedBatch, encode
from model.errors import ConfigError

if TYPE_CHECKING:  # only for annotations: model.training.run imports this module
    from model.training.run import TrainConfig

IGNORE_INDEX = -100  # target at padding; nn.functional.cross_entropy's default
# Training work: steps x (batch x seq x hidden x layers x directions) as read. The lecture
# uses 3,000; hidden 128 over 50 characters for 500 steps 3.2 million. An LSTM costs about
# 1.5 microseconds per value and step on one core: about a minute at the limit.
MAX_TRAIN_WORK = 40_000_000


# --- data ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TrainingData:
    """What the network is fed and what it should answer, in the typed (B, T) layout."""

    encoded: EncodedBatch  # the full typed lines
    inputs: EncodedBatch  # each line without its last step (numbers: scaled values)
    targets: torch.Tensor  # tokens: (B, T-1) int64, IGNORE_INDEX at padding; numbers: (B, F)
    target_text: tuple[str, ...]  # per line: the target tokens joined / the last step typed
    scale_min: np.ndarray | None  # numbers: (F,) float32 min of each feature; else None
    scale_max: np.ndarray | None  # numbers: (F,) float32 max of each feature; else None
    packed: bool  # unequal lines packed (batch_first on), as the explorer does

    @property
    def numbers(self) -> bool:
        return self.encoded.values is not None


def training_data(config: ExplorerConfig) -> TrainingData:
    encoded = encode(config)
    if int(encoded.lengths.min()) < 2:
        what = "numbers" if encoded.values is not None else "tokens"
        raise ConfigError(
            f"To train, every line needs at least two {what}: the model learns to predict "
            "each next one from those before it."
        )
    lengths = encoded.lengths - 1
    steps = int(lengths.max())
    mask = np.arange(steps)[None, :] < lengths[:, None]  # (B, T-1)
    token_lines = tuple(line[:-1] for line in encoded.token_lines)
    packed = config.batch_first and len(set(lengths.tolist())) > 1
    rows = range(encoded.batch_size)
    if encoded.values is not None:
        valid = encoded.values[encoded.mask]  # (steps in all lines, F)
        low, high = valid.min(axis=0), valid.max(axis=0)
        span = np.where(high > low, high - low, 1.0).astype(np.float32)
        scaled = ((encoded.values - low) / span).astype(np.float32)
        scaled[~encoded.mask] = 0.0
        inputs_values = scaled[:, :steps] * mask[..., None]
        targets = torch.from_numpy(scaled[rows, encoded.lengths - 1].copy())  # (B, F)
        inputs = EncodedBatch(
            token_lines, (), np.zeros_like(mask, dtype=np.int64), inputs_values, lengths, "numbers"
        )
        target_text = tuple(line[-1] for line in encoded.token_lines)
        return TrainingData(encoded, inputs, targets, target_text, low, high, packed)
    indices = np.where(mask, encoded.indices[:, :steps], 0)
    inputs = EncodedBatch(token_lines, encoded.vocab, indices, None, lengths, encoded.tokens)
    targets = np.where(mask, encoded.indices[:, 1 : steps + 1], IGNORE_INDEX)
    joiner = "" if encoded.tokens == "chars" else " "
    target_text = tuple(joiner.join(line[1:]) for line in encoded.token_lines)
    return TrainingData(encoded, inputs, torch.from_numpy(targets), target_text, None, None, packed)


# --- the network: [embedding] -> rnn -> [head] -------------------------------------------


class Network(nn.Module):
    """The explorer's modules plus the output layer. state_dict keys: ``rnn.*``,
    ``embedding.weight`` (embedding input only), ``head.weight``/``head.bias`` (linear)."""

    def __init__(self, built: BuiltModel, head: nn.Linear | None):
        super().__init__()
        self.built = built  # keeps h0 / c0; not a module, not in the state_dict
        self.embedding = built.embedding
        self.rnn = built.rnn
        self.head = head


def build_network(config: ExplorerConfig, train_config: TrainConfig, data: TrainingData):
    """The seeded network for these settings: the explorer's module on the training
    input, then (linear head) torch.manual_seed(train seed) and nn.Linear."""
    check_settings(config, train_config, data)
    built = build_model(config, data.inputs)
    head = None
    if data.numbers or train_config.head == "linear":
        outputs = data.inputs.feature_size if data.numbers else len(data.encoded.vocab)
        with SEED_LOCK:
            torch.manual_seed(train_config.seed)
            head = nn.Linear(config.hidden_size * config.num_directions, outputs)
    return Network(built, head)


def check_settings(config: ExplorerConfig, train_config: TrainConfig, data: TrainingData) -> None:
    """The combinations a TrainConfig alone cannot check."""
    vocab = len(data.encoded.vocab)
    if not data.numbers and train_config.head == "logits":
        if config.bidirectional:
            raise ConfigError(
                "Outputs used directly as logits need one direction (a bidirectional "
                "output has 2 x hidden values). Turn bidirectional off or use a linear layer."
            )
        if config.hidden_size != vocab:
            raise ConfigError(
                f"Outputs used directly as logits need hidden size = vocabulary size "
                f"({vocab}); it is {config.hidden_size}. Set hidden size to {vocab} or use "
                "a linear layer."
            )
    batch, seq = read_shape(config, data.inputs)
    work = batch * seq * config.hidden_size * config.num_layers * config.num_directions
    if work * train_config.steps > MAX_TRAIN_WORK:
        raise ConfigError(
            f"This training is too heavy for the shared server: {train_config.steps:,} steps "
            f"x {work:,} hidden values per step is over {MAX_TRAIN_WORK:,}. Use fewer steps, "
            "a smaller hidden size, fewer layers or shorter text."
        )


@functools.lru_cache(maxsize=8)  # keyed by the TrainingData object (identity)
def _fixed_inputs(data: TrainingData) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The padding mask (B, T-1, 1) and, unless an embedding learns it, the input tensor."""
    inputs = data.inputs
    mask = torch.from_numpy(inputs.mask).unsqueeze(-1)
    if inputs.values is not None:
        return mask, torch.from_numpy(inputs.values)
    if not inputs.vocab:
        return mask, None
    x = nn.functional.one_hot(torch.from_numpy(inputs.indices), len(inputs.vocab))
    return mask, x.float() * mask


def forward(network: Network, data: TrainingData) -> torch.Tensor:
    """Tokens: logits (B, T-1, V) in the typed layout. Numbers: scaled predictions (B, F)."""
    inputs = data.inputs
    mask, fixed = _fixed_inputs(data)
    if network.embedding is not None:
        x = network.embedding(torch.from_numpy(inputs.indices)) * mask  # (B, T-1, E)
    else:
        x = fixed  # numbers (B, T-1, F) or one-hot (B, T-1, V): the same every step
    lengths = inputs.lengths if data.packed else None
    output, _, _ = run_module(network.rnn, x, network.built, lengths)  # (B, T-1, D*H) typed
    if data.numbers:
        rows = torch.arange(inputs.batch_size)
        last = output[rows, torch.from_numpy(inputs.lengths - 1)]  # (B, D*H)
        return network.head(last)  # (B, F)
    return output if network.head is None else network.head(output)


def loss_of(outputs: torch.Tensor, data: TrainingData) -> torch.Tensor:
    if data.numbers:
        return nn.functional.mse_loss(outputs, data.targets)
    vocab = outputs.shape[-1]
    return nn.functional.cross_entropy(
        outputs.reshape(-1, vocab), data.targets.reshape(-1), ignore_index=IGNORE_INDEX
    )


def predictions_text(outputs: torch.Tensor, data: TrainingData) -> tuple[str, ...]:
    if data.numbers:
        span = np.where(data.scale_max > data.scale_min, data.scale_max - data.scale_min, 1.0)
        values = outputs.detach().numpy() * span + data.scale_min  # (B, F)
        return tuple(" ".join(f"{v:.4g}" for v in row) for row in values)
    predicted = outputs.detach().argmax(-1).numpy()  # (B, T-1)
    vocab, joiner = data.encoded.vocab, "" if data.encoded.tokens == "chars" else " "
    return tuple(
        joiner.join(vocab[i] for i in predicted[b, :length])
        for b, length in enumerate(data.inputs.lengths.tolist())
    )
