"""The cells: what PyTorch's documentation says about each one (`CELL_FACTS`, the one
table of cell facts), building the seeded torch module exactly as plain PyTorch code
would, and running it. The per-step equations of each cell are `model.equations`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from model.config import MAX_STATE_VALUES, ExplorerConfig
from model.encoding import EncodedBatch
from model.errors import ConfigError


@dataclass(frozen=True)
class CellFacts:
    """One cell type as PyTorch defines it. Its stacked parameters (weight_ih_l0: (G*H, I),
    ...) hold one block of H rows per entry of `letters`, in PyTorch's chunk order."""

    name: str  # the ExplorerConfig.cell value: rnn | lstm | gru
    module: type[nn.RNNBase]  # the one place a cell is chosen: nn.RNN | nn.LSTM | nn.GRU
    gates: tuple[str, ...]  # gate names in chunk order (Trace.gates); () for an RNN
    letters: tuple[str, ...]  # PyTorch's subscript of each block (W_ii, b_hn, ...); RNN: h
    activations: tuple[str, ...]  # of each block; an RNN's is its `nonlinearity`
    has_cell_state: bool = False  # LSTM: c_t beside h_t, a (h, c) state tuple
    has_nonlinearity: bool = False  # RNN: takes nonlinearity="tanh" | "relu"

    @property
    def label(self) -> str:
        """PyTorch's class name: RNN, LSTM, GRU."""
        return self.module.__name__

    @property
    def blocks(self) -> int:
        """Weight blocks per layer and direction: RNN 1, LSTM 4, GRU 3."""
        return len(self.letters)

    @property
    def preactivations(self) -> tuple[str, ...]:
        """Names of Trace.preactivations: the gates, or "hidden" for an RNN's one block."""
        return self.gates or ("hidden",)


# One per ExplorerConfig cell, in CELLS order (tested); gates, letters and activations
# in PyTorch's chunk order of the stacked weights.
CELL_FACTS: dict[str, CellFacts] = {
    facts.name: facts
    for facts in (
        CellFacts("rnn", nn.RNN, gates=(), letters=("h",), activations=("tanh",),
                  has_nonlinearity=True),
        CellFacts("lstm", nn.LSTM, gates=("input", "forget", "candidate", "output"),
                  letters=("i", "f", "g", "o"),
                  activations=("sigmoid", "sigmoid", "tanh", "sigmoid"), has_cell_state=True),
        CellFacts("gru", nn.GRU, gates=("reset", "update", "candidate"),
                  letters=("r", "z", "n"), activations=("sigmoid", "sigmoid", "tanh")),
    )
}  # fmt: skip
GATE_NAMES = {cell: facts.gates for cell, facts in CELL_FACTS.items()}  # read from the table
ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}
# torch.manual_seed is process-wide; Streamlit runs sessions in threads.
SEED_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class BuiltModel:
    """The seeded modules and initial state of one scene."""

    rnn: nn.RNNBase
    embedding: nn.Embedding | None
    h0: torch.Tensor  # (layers * directions, batch as read, H)
    c0: torch.Tensor | None  # LSTM only, same shape as h0


def input_size_for(config: ExplorerConfig, encoded: EncodedBatch) -> int:
    if encoded.values is not None or config.encoding == "onehot":
        return encoded.feature_size
    return config.input_size


def read_shape(config: ExplorerConfig, encoded: EncodedBatch) -> tuple[int, int]:
    """(batch, steps) as PyTorch reads the (B, T, I) tensor the app builds."""
    if config.batch_first:
        return encoded.batch_size, encoded.max_length
    return encoded.max_length, encoded.batch_size


def check_budget(config: ExplorerConfig, encoded: EncodedBatch) -> None:
    """Refuse scenes whose traced state would not fit the per-session budget."""
    batch, steps = read_shape(config, encoded)
    total = batch * steps * config.hidden_size * config.num_layers * config.num_directions
    if total > MAX_STATE_VALUES:
        raise ConfigError(
            f"This scene would trace {total:,} hidden values (batch {batch} x steps {steps} "
            f"x hidden {config.hidden_size} x layers {config.num_layers} x directions "
            f"{config.num_directions}); the limit is {MAX_STATE_VALUES:,}. "
            "Use a smaller hidden size, fewer layers, or shorter text.",
            "err_state_budget",
            total=total,
            batch=batch,
            steps=steps,
            hidden=config.hidden_size,
            layers=config.num_layers,
            directions=config.num_directions,
            limit=MAX_STATE_VALUES,
        )


def build_model(config: ExplorerConfig, encoded: EncodedBatch) -> BuiltModel:
    """`torch.manual_seed(seed)`, then [embedding], the module, [h0, c0] — in that order,
    the same order as the generated PyTorch code, so the weights are identical."""
    with SEED_LOCK:
        return draw_model(config, encoded)


def draw_model(config: ExplorerConfig, encoded: EncodedBatch) -> BuiltModel:
    """build_model for a caller that holds SEED_LOCK and draws more from the same random
    stream afterwards (a lab's linear layer, model.training.network)."""
    check_budget(config, encoded)
    input_size = input_size_for(config, encoded)
    batch, _ = read_shape(config, encoded)
    state_shape = (config.num_layers * config.num_directions, batch, config.hidden_size)
    has_cell_state = CELL_FACTS[config.cell].has_cell_state
    torch.manual_seed(config.seed)
    embedding = None
    if encoded.values is None and config.encoding == "embedding":
        embedding = nn.Embedding(len(encoded.vocab), config.input_size)
    rnn = new_module(config, input_size, config.num_layers, config.batch_first)
    h0 = torch.zeros(state_shape)
    c0 = torch.zeros(state_shape) if has_cell_state else None
    if config.init_state == "random":
        h0 = torch.randn(state_shape)
        if c0 is not None:
            c0 = torch.randn(state_shape)
    rnn.eval()
    return BuiltModel(rnn, embedding, h0, c0)


def new_module(
    config: ExplorerConfig, input_size: int, num_layers: int, batch_first: bool
) -> nn.RNNBase:
    """`torch.nn.RNN | LSTM | GRU(input_size, hidden_size, ...)` with the config's other
    settings: the one place a module is constructed. Its initial weights are drawn from
    the global generator (callers hold SEED_LOCK)."""
    facts = CELL_FACTS[config.cell]
    extra = {"nonlinearity": config.nonlinearity} if facts.has_nonlinearity else {}
    return facts.module(
        input_size,
        config.hidden_size,
        num_layers=num_layers,
        bias=config.bias,
        batch_first=batch_first,
        bidirectional=config.bidirectional,
        **extra,
    )


_LAYER_OF = re.compile(r"^weight_ih_l(\d+)$")


def make_module(
    config: ExplorerConfig, weights: Mapping[str, torch.Tensor | np.ndarray]
) -> nn.RNNBase:
    """A batch-first module of the config's cell holding `weights` (PyTorch's parameter
    names: weight_ih_l0, bias_hh_l1_reverse, ...), in eval mode. Its input size and layer
    count are read from the weights; hidden size, bias and directions are the config's
    (load_state_dict refuses weights that do not fit). The module's own initialisation
    is thrown away, so it is drawn under the seed lock with the global generator
    restored afterwards: no other session's seeded build can see the difference. (The
    meta device would avoid the draw, but its first use imports sympy: 1.3 s.)"""
    layers = sum(1 for name in weights if _LAYER_OF.match(name))
    input_size = weights["weight_ih_l0"].shape[1]
    with SEED_LOCK, torch.random.fork_rng(devices=[]):
        rnn = new_module(config, input_size, layers, batch_first=True)
    rnn.load_state_dict({name: torch.as_tensor(value) for name, value in weights.items()})
    return rnn.eval()


def run_module(rnn, x, built: BuiltModel, lengths: np.ndarray | None):
    """One forward pass of `rnn`; packs when `lengths` is given. Returns output, h_n, c_n
    (c_n None unless the cell has a cell state): the one place the (h, c) tuple is read."""
    state = built.h0 if built.c0 is None else (built.h0, built.c0)
    if lengths is not None:
        batch_first = rnn.batch_first
        packed = nn.utils.rnn.pack_padded_sequence(
            x, torch.from_numpy(lengths), batch_first=batch_first, enforce_sorted=False
        )
        out_packed, final = rnn(packed, state)
        output, _ = nn.utils.rnn.pad_packed_sequence(
            out_packed, batch_first=batch_first, total_length=x.shape[1 if batch_first else 0]
        )
    else:
        output, final = rnn(x, state)
    h_n, c_n = final if isinstance(final, tuple) else (final, None)
    return output, h_n, c_n


def make_input(encoded: EncodedBatch, built: BuiltModel) -> torch.Tensor:
    """(B, T, I) float32 as the user typed it, zero vectors at padding."""
    mask = torch.from_numpy(encoded.mask).unsqueeze(-1)  # (B, T, 1)
    if encoded.values is not None:
        return torch.from_numpy(encoded.values.copy())
    indices = torch.from_numpy(encoded.indices)  # (B, T)
    with torch.no_grad():
        if built.embedding is not None:
            features = built.embedding(indices)
        else:
            features = nn.functional.one_hot(indices, len(encoded.vocab)).float()
    return features * mask


def layer_parameters(rnn: nn.RNNBase, layer: int) -> dict[str, torch.Tensor]:
    """Layer `layer`'s parameters (both directions) under layer 0's names: what a
    one-layer module of that layer holds (make_module builds it)."""
    own = re.compile(rf"(\w+)_l{layer}(_reverse)?")
    return {
        f"{match[1]}_l0{match[2] or ''}": value
        for name, value in rnn.named_parameters()
        if (match := own.fullmatch(name))
    }
