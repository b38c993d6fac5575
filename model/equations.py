"""One step of each cell, following PyTorch's documented equations: a layer's weights
(`layer_weights`), then the RNN's h, the LSTM's gates and cell state, the GRU's gates.

The step functions broadcast over any leading dimensions, so the tracer can apply them to
a whole sequence at once: x (N, T, I), h_prev (N, T, H) -> gates (N, T, H).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from model.cells import ACTIVATIONS, CELL_FACTS


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
    """i, f, g, o of an LSTM step (they do not depend on c_{t-1}), and "pre_" + each."""
    facts = CELL_FACTS["lstm"]
    pre = x @ w.w_ih.T + w.b_ih + h_prev @ w.w_hh.T + w.b_hh
    blocks = pre.chunk(facts.blocks, dim=-1)  # (..., H) each, in i, f, g, o order
    values = {
        name: ACTIVATIONS[activation](block)
        for name, activation, block in zip(facts.gates, facts.activations, blocks, strict=True)
    }
    return {**values, **{"pre_" + name: b for name, b in zip(facts.gates, blocks, strict=True)}}


def lstm_cell_state(gates: dict, c_prev):
    """c_t = f * c_{t-1} + i * g."""
    return gates["forget"] * c_prev + gates["input"] * gates["candidate"]


def step_lstm(x, h_prev, c_prev, w: LayerWeights) -> dict:
    gates = lstm_gates(x, h_prev, w)
    c = lstm_cell_state(gates, c_prev)
    return {**gates, "c": c, "h": gates["output"] * torch.tanh(c)}


def step_gru(x, h_prev, w: LayerWeights) -> dict:
    """r, z, n and h_t; the reset gate multiplies (W_hn h + b_hn), as in PyTorch."""
    reset, update, candidate = CELL_FACTS["gru"].gates
    gi_r, gi_z, gi_n = (x @ w.w_ih.T + w.b_ih).chunk(CELL_FACTS["gru"].blocks, dim=-1)
    gh_r, gh_z, gh_n = (h_prev @ w.w_hh.T + w.b_hh).chunk(CELL_FACTS["gru"].blocks, dim=-1)
    r = torch.sigmoid(gi_r + gh_r)
    z = torch.sigmoid(gi_z + gh_z)
    pre_n = gi_n + r * gh_n
    n = torch.tanh(pre_n)
    return {
        reset: r,
        update: z,
        candidate: n,
        "pre_" + reset: gi_r + gh_r,
        "pre_" + update: gi_z + gh_z,
        "pre_" + candidate: pre_n,
        "h": (1 - z) * n + z * h_prev,
    }
