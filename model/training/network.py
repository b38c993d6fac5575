"""The network training builds and runs: [embedding] -> the explorer's rnn -> [head],
its forward pass and loss on `TrainingData`, and the explorer's modules rebuilt from a
Network state_dict (a run's snapshots, a loaded checkpoint).
"""

from __future__ import annotations

import functools

import torch
from torch import nn

from model.cells import (
    SEED_LOCK,
    BuiltModel,
    build_model,
    draw_model,
    read_shape,
    run_module,
)
from model.config import ExplorerConfig
from model.encoding import EncodedBatch
from model.errors import ConfigError
from model.training.config import MAX_TRAIN_WORK, TrainConfig
from model.training.data import IGNORE_INDEX, TrainingData, predictions_text, training_data


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
    input, then (linear head) torch.manual_seed(train seed) and nn.Linear, or, with
    lab_seed, nn.Linear drawn right after the module from the same stream."""
    check_settings(config, train_config, data)
    if not (data.numbers or train_config.head == "linear"):
        return Network(build_model(config, data.inputs), None)
    outputs = data.targets.shape[-1] if data.numbers else len(data.encoded.vocab)
    features = config.hidden_size * config.num_directions
    with SEED_LOCK:
        built = draw_model(config, data.inputs)
        if not train_config.lab_seed:
            torch.manual_seed(train_config.seed)
        head = nn.Linear(features, outputs)
    return Network(built, head)


def check_settings(config: ExplorerConfig, train_config: TrainConfig, data: TrainingData) -> None:
    """The combinations a TrainConfig alone cannot check."""
    vocab = len(data.encoded.vocab)
    if not data.numbers and train_config.head == "logits":
        if config.bidirectional:
            raise ConfigError(
                "Outputs used directly as logits need one direction (a bidirectional "
                "output has 2 x hidden values). Turn bidirectional off or use a linear layer.",
                "err_logits_bidirectional",
            )
        if config.hidden_size != vocab:
            raise ConfigError(
                f"Outputs used directly as logits need hidden size = vocabulary size "
                f"({vocab}); it is {config.hidden_size}. Set hidden size to {vocab} or use "
                "a linear layer.",
                "err_logits_hidden",
                vocab=vocab,
                hidden=config.hidden_size,
            )
    if train_config.batch_size and not (data.encoded.windowed and config.batch_first):
        raise ConfigError(
            "Mini-batches are cut from windows read batch first: set a window and turn "
            "batch_first on, or use every line in every step (batch size 0).",
            "err_batch_needs_windows",
        )
    batch, seq = read_shape(config, data.inputs)
    work = batch * seq * config.hidden_size * config.num_layers * config.num_directions
    if work * train_config.steps > MAX_TRAIN_WORK:
        raise ConfigError(
            f"This training is too heavy for the shared server: {train_config.steps:,} steps "
            f"x {work:,} hidden values per step is over {MAX_TRAIN_WORK:,}. Use fewer steps, "
            "a smaller hidden size, fewer layers or shorter text.",
            "err_train_work",
            steps=train_config.steps,
            work=work,
            limit=MAX_TRAIN_WORK,
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


def loss_of(
    outputs: torch.Tensor, data: TrainingData, rows: torch.Tensor | None = None
) -> torch.Tensor:
    """The loss of `outputs` against the targets (of `rows` only, for a mini-batch)."""
    targets = data.targets if rows is None else data.targets[rows]
    if data.numbers:
        return nn.functional.mse_loss(outputs, targets)
    vocab = outputs.shape[-1]
    return nn.functional.cross_entropy(
        outputs.reshape(-1, vocab), targets.reshape(-1), ignore_index=IGNORE_INDEX
    )


def forward_rows(network: Network, data: TrainingData, rows: torch.Tensor) -> torch.Tensor:
    """`forward` on some windows only (a mini-batch; windows are all of one length and
    read batch first, so rows of the batch are rows of the module's input)."""
    inputs, built = data.inputs, network.built
    _, fixed = _fixed_inputs(data)
    if network.embedding is not None:
        x = network.embedding(torch.from_numpy(inputs.indices)[rows])  # (b, W, E)
    else:
        x = fixed[rows]  # (b, W, I)
    state = BuiltModel(built.rnn, built.embedding, built.h0[:, rows],
                       None if built.c0 is None else built.c0[:, rows])  # fmt: skip
    output, _, _ = run_module(network.rnn, x, state, None)  # (b, W, D*H)
    if data.numbers:
        return network.head(output[:, -1])  # (b, F)
    return output if network.head is None else network.head(output)


def batches(windows: int, size: int, steps: int, seed: int) -> list[torch.Tensor]:
    """The windows of each update: every epoch a fresh torch.randperm (a generator seeded
    with `seed`) cut into runs of `size`, the last run of an epoch shorter if need be."""
    generator = torch.Generator().manual_seed(seed)
    runs: list[torch.Tensor] = []
    while len(runs) < steps:
        runs += list(torch.randperm(windows, generator=generator).split(size))
    return runs[:steps]


# --- the explorer's modules with a Network's weights -----------------------------------


def built_model_for(
    config: ExplorerConfig, weights: dict[str, torch.Tensor], encoded: EncodedBatch
) -> BuiltModel:
    """The explorer's BuiltModel for `encoded` with the RNN (and embedding) weights of a
    Network state_dict, ready for model.trace.trace_model(config, encoded, built)."""
    built = build_model(config, encoded)
    with torch.no_grad():
        for name, param in built.rnn.named_parameters():
            param.copy_(weights["rnn." + name])
        if built.embedding is not None:
            built.embedding.weight.copy_(weights["embedding.weight"])
    return built


def predict(
    config: ExplorerConfig, train_config: TrainConfig, weights: dict[str, torch.Tensor]
) -> tuple[float, tuple[str, ...]]:
    """(loss, predictions per line) of a Network state_dict, e.g. a loaded checkpoint."""
    data = training_data(config)
    network = build_network(config, train_config, data)
    network.load_state_dict(weights)
    with torch.no_grad():
        outputs = forward(network, data)
        return loss_of(outputs, data).item(), predictions_text(outputs, data)
