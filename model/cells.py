"""The cells: build the seeded torch module exactly as plain PyTorch code would, and the
per-step equations of each cell, following PyTorch's documented formulas.

The step functions broadcast over any leading dimensions, so the tracer can apply them to
a whole sequence at once: x (N, T, I), h_prev (N, T, H) -> gates (N, T, H).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import torch
from torch import nn

from model.config import MAX_STATE_VALUES, ExplorerConfig
from model.encoding import EncodedBatch
from model.errors import ConfigError

MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}  # the one place a cell is chosen
GATE_NAMES = {
    "rnn": (),
    "lstm": ("input", "forget", "candidate", "output"),  # i, f, g, o: PyTorch's row order
    "gru": ("reset", "update", "candidate"),  # r, z, n: PyTorch's row order
}
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
            "Use a smaller hidden size, fewer layers, or shorter text."
        )


def build_model(config: ExplorerConfig, encoded: EncodedBatch) -> BuiltModel:
    """`torch.manual_seed(seed)`, then [embedding], the module, [h0, c0] — in that order,
    the same order as the generated PyTorch code, so the weights are identical."""
    check_budget(config, encoded)
    input_size = input_size_for(config, encoded)
    batch, _ = read_shape(config, encoded)
    kwargs = {
        "num_layers": config.num_layers,
        "bias": config.bias,
        "batch_first": config.batch_first,
        "bidirectional": config.bidirectional,
    }
    if config.cell == "rnn":
        kwargs["nonlinearity"] = config.nonlinearity
    state_shape = (config.num_layers * config.num_directions, batch, config.hidden_size)
    with SEED_LOCK:
        torch.manual_seed(config.seed)
        embedding = None
        if encoded.values is None and config.encoding == "embedding":
            embedding = nn.Embedding(len(encoded.vocab), config.input_size)
        rnn = MODULES[config.cell](input_size, config.hidden_size, **kwargs)
        h0 = torch.zeros(state_shape)
        c0 = torch.zeros(state_shape) if config.cell == "lstm" else None
        if config.init_state == "random":
            h0 = torch.randn(state_shape)
            if c0 is not None:
                c0 = torch.randn(state_shape)
    rnn.eval()
    return BuiltModel(rnn, embedding, h0, c0)


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


# --- one step of each cell (PyTorch's documented equations) ---------------------------


@dataclass(frozen=True)
class LayerWeights:
    """One layer, one direction. Biases are zeros when the module has bias=False."""

    w_ih: torch.Tensor  # (G*H, I)
    w_hh: torch.Tensor  # (G*H, H)
    b_ih: torch.Tensor  # (G*H,)
    b_hh: torch.Tensor  # (G*H,)


def layer_weights(rnn: nn.RNNBase, layer: int, direction: int) -> LayerWeights:
    suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
    w_ih = getattr(rnn, "weight_ih" + suffix).detach()
    w_hh = getattr(rnn, "weight_hh" + suffix).detach()
    if rnn.bias:
        b_ih = getattr(rnn, "bias_ih" + suffix).detach()
        b_hh = getattr(rnn, "bias_hh" + suffix).detach()
    else:
        b_ih = b_hh = torch.zeros(w_ih.shape[0])
    return LayerWeights(w_ih, w_hh, b_ih, b_hh)


def step_rnn(x, h_prev, w: LayerWeights, nonlinearity: str = "tanh") -> dict:
    """h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)."""
    pre = x @ w.w_ih.T + w.b_ih + h_prev @ w.w_hh.T + w.b_hh
    h = torch.tanh(pre) if nonlinearity == "tanh" else torch.relu(pre)
    return {"pre": pre, "h": h}


def lstm_gates(x, h_prev, w: LayerWeights) -> dict:
    """i, f, g, o of an LSTM step (they do not depend on c_{t-1})."""
    pre = x @ w.w_ih.T + w.b_ih + h_prev @ w.w_hh.T + w.b_hh
    pre_i, pre_f, pre_g, pre_o = pre.chunk(4, dim=-1)
    return {
        "input": torch.sigmoid(pre_i),
        "forget": torch.sigmoid(pre_f),
        "candidate": torch.tanh(pre_g),
        "output": torch.sigmoid(pre_o),
        "pre_input": pre_i,
        "pre_forget": pre_f,
        "pre_candidate": pre_g,
        "pre_output": pre_o,
    }


def lstm_cell_state(gates: dict, c_prev):
    """c_t = f * c_{t-1} + i * g."""
    return gates["forget"] * c_prev + gates["input"] * gates["candidate"]


def step_lstm(x, h_prev, c_prev, w: LayerWeights) -> dict:
    gates = lstm_gates(x, h_prev, w)
    c = lstm_cell_state(gates, c_prev)
    return {**gates, "c": c, "h": gates["output"] * torch.tanh(c)}


def step_gru(x, h_prev, w: LayerWeights) -> dict:
    """r, z, n and h_t; the reset gate multiplies (W_hn h + b_hn), as in PyTorch."""
    gi_r, gi_z, gi_n = (x @ w.w_ih.T + w.b_ih).chunk(3, dim=-1)
    gh_r, gh_z, gh_n = (h_prev @ w.w_hh.T + w.b_hh).chunk(3, dim=-1)
    r = torch.sigmoid(gi_r + gh_r)
    z = torch.sigmoid(gi_z + gh_z)
    pre_n = gi_n + r * gh_n
    n = torch.tanh(pre_n)
    return {
        "reset": r,
        "update": z,
        "candidate": n,
        "pre_reset": gi_r + gh_r,
        "pre_update": gi_z + gh_z,
        "pre_candidate": pre_n,
        "h": (1 - z) * n + z * h_prev,
    }
