"""One step of a cell, term by term, with the module's own numbers.

For one position (sequence, layer, direction, timestep) of a Trace this rebuilds every
term of PyTorch's documented equations — x_t, h_{t-1} (and c_{t-1}), each gate's
W x_t, W h_{t-1} and biases, its pre-activation and value, then c_t and h_t — with torch
on the module's parameters (`trace.weights`), and says how far the result is from what
the trace (and so every chart) holds.

Inputs of a step, as PyTorch runs it:

* layer 0 is fed `trace.inputs`; layer k > 0 is fed the output of layer k - 1, i.e. its
  h_t of every direction, concatenated (forward first);
* the previous state is the state at t - 1 for the forward direction and at t + 1 for the
  reverse one, which reads each sequence from its last computed step back to 0; the first
  step read takes the initial state h0 (c0).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch
from torch.nn import functional as F

from model.cells import ACTIVATIONS, CELL_FACTS
from model.trace import Trace

# Names of the four terms whose sum is a pre-activation (see GateTerms.contributions).
TERMS = ("input", "input_bias", "hidden", "hidden_bias")


@dataclass(frozen=True, eq=False)
class GateTerms:
    """One gate (or an RNN's single pre-activation) at one step. Vectors are (H,)."""

    name: str  # a CellFacts.preactivations entry: hidden (RNN), input, reset, candidate, ...
    letter: str  # a CellFacts.letters entry: h (RNN), i f g o (LSTM), r z n (GRU)
    activation: str  # tanh | relu | sigmoid
    w_ih: np.ndarray  # (H, I) this gate's rows of weight_ih
    w_hh: np.ndarray  # (H, H) this gate's rows of weight_hh
    b_ih: np.ndarray | None  # (H,) None when the module has bias=False
    b_hh: np.ndarray | None  # (H,)
    input_term: np.ndarray  # W x_t
    hidden_term: np.ndarray  # W h_{t-1}
    reset: np.ndarray | None  # GRU candidate only: r_t, which multiplies (W_hn h + b_hn)
    pre: np.ndarray  # the pre-activation (what the activation is applied to)
    value: np.ndarray  # activation(pre)

    def contributions(self) -> dict[str, np.ndarray]:
        """The four terms (TERMS order) whose sum is `pre`: W x, b_i, W h, b_h; for the
        GRU candidate the last two are multiplied by r. A missing bias is zeros."""
        zeros = np.zeros_like(self.pre)
        b_ih = zeros if self.b_ih is None else self.b_ih
        b_hh = zeros if self.b_hh is None else self.b_hh
        scale = 1.0 if self.reset is None else self.reset
        return {
            "input": self.input_term,
            "input_bias": b_ih,
            "hidden": scale * self.hidden_term,
            "hidden_bias": scale * b_hh,
        }


@dataclass(frozen=True, eq=False)
class StepMath:
    """Every term of one step of one layer and direction."""

    cell: str  # rnn | lstm | gru
    seq: int
    layer: int
    direction: int
    step: int
    previous_step: int | None  # where h_{t-1} comes from; None: the initial state
    x: np.ndarray  # (I,) x_t, what this layer is fed at this step
    h_prev: np.ndarray  # (H,)
    c_prev: np.ndarray | None  # (H,) LSTM only
    gates: tuple[GateTerms, ...]  # PyTorch's row order; one "hidden" entry for an RNN
    c: np.ndarray | None  # (H,) LSTM c_t
    h: np.ndarray  # (H,) h_t
    weight_shapes: dict[str, tuple[int, ...]]  # full parameter name -> shape
    max_error: float  # largest difference to the trace (|a - b| / max(1, |b|))

    def gate(self, name: str) -> GateTerms:
        return next(g for g in self.gates if g.name == name)


def has_state(trace: Trace, seq: int, step: int) -> bool:
    """False past the end of a packed sequence: no state was ever computed there."""
    return bool(trace.valid[seq, step])


def previous_step(trace: Trace, seq: int, direction: int, step: int) -> int | None:
    """The step whose state feeds `step` in this direction; None: the initial state."""
    if direction == 0:
        return step - 1 if step > 0 else None
    return step + 1 if step + 1 < int(trace.lengths[seq]) else None


def layer_input(trace: Trace, seq: int, layer: int, step: int) -> np.ndarray:
    """(I,) what `layer` is fed at `step`: the input, or the layer below's h_t, all
    directions concatenated (as PyTorch's output is)."""
    if layer == 0:
        return trace.inputs[seq, step]
    below = trace.hidden[layer - 1, :, seq, step]  # (D, H)
    return np.concatenate(list(below))


def step_math(trace: Trace, seq: int, layer: int, direction: int, step: int) -> StepMath:
    """Every term of the step at (seq, layer, direction, step), computed with torch."""
    if not has_state(trace, seq, step):
        raise ValueError(f"sequence {seq} has no state at step {step} (past its end)")
    config = trace.config
    prev = previous_step(trace, seq, direction, step)
    row = layer * trace.num_directions + direction
    x = torch.from_numpy(layer_input(trace, seq, layer, step))
    h_prev = _state(trace.hidden, trace.initial_hidden, layer, direction, seq, prev, row)
    c_prev = None
    if CELL_FACTS[config.cell].has_cell_state:
        c_prev = _state(trace.cell, trace.initial_cell, layer, direction, seq, prev, row)
    params = _parameters(trace, layer, direction)
    if config.cell == "rnn":
        gates, c, h = _rnn(x, h_prev, params, config.nonlinearity)
    elif config.cell == "lstm":
        gates, c, h = _lstm(x, h_prev, c_prev, params)
    else:
        gates, c, h = _gru(x, h_prev, params)
    result = StepMath(
        cell=config.cell,
        seq=seq,
        layer=layer,
        direction=direction,
        step=step,
        previous_step=prev,
        x=x.numpy(),
        h_prev=h_prev.numpy(),
        c_prev=None if c_prev is None else c_prev.numpy(),
        gates=gates,
        c=None if c is None else c.numpy(),
        h=h.numpy(),
        weight_shapes={name: value.shape for name, value in params.items()},
        max_error=0.0,
    )
    return _with_error(result, trace)


def top_units(values: np.ndarray, count: int) -> np.ndarray:
    """Indices of the `count` largest |values|, largest first (ties: lower index first)."""
    order = np.argsort(-np.abs(values), kind="stable")
    return order[:count]


def dominant_terms(gate: GateTerms) -> np.ndarray:
    """(H,) per unit, the index into TERMS of the term with the largest magnitude."""
    stacked = np.stack([gate.contributions()[name] for name in TERMS])  # (4, H)
    return np.argmax(np.abs(stacked), axis=0)


# --- the cells, on one step -----------------------------------------------------------


def _state(states, initial, layer, direction, seq, prev, row) -> torch.Tensor:
    if prev is None:
        return torch.from_numpy(initial[row, seq].copy())
    return torch.from_numpy(states[layer, direction, seq, prev].copy())


def _parameters(trace: Trace, layer: int, direction: int) -> dict[str, np.ndarray]:
    suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
    names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if trace.config.bias else [])
    return {name + suffix: trace.weights[name + suffix] for name in names}


def _blocks(cell: str, params: dict[str, np.ndarray], activations: tuple[str, ...]) -> list:
    """(name, letter, activation, parameters) of each block of the module's stacked
    parameters, in PyTorch's chunk order; a missing bias is None."""
    facts = CELL_FACTS[cell]
    by_kind = {name.split("_l")[0]: torch.from_numpy(value) for name, value in params.items()}
    parts = {kind: value.chunk(facts.blocks, dim=0) for kind, value in by_kind.items()}
    slices = [
        {kind: (parts[kind][g] if kind in parts else None) for kind in _KINDS}
        for g in range(facts.blocks)
    ]
    return list(zip(facts.preactivations, facts.letters, activations, slices, strict=True))


_KINDS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _gate(name, letter, activation, p, x, h_prev, reset=None) -> GateTerms:
    """pre = W_i x + b_i + [r *] (W_h h + b_h); value = activation(pre)."""
    input_term = F.linear(x, p["weight_ih"])  # (H,)
    hidden_term = F.linear(h_prev, p["weight_hh"])  # (H,)
    from_input = input_term if p["bias_ih"] is None else input_term + p["bias_ih"]
    from_hidden = hidden_term if p["bias_hh"] is None else hidden_term + p["bias_hh"]
    pre = from_input + (from_hidden if reset is None else reset * from_hidden)
    value = ACTIVATIONS[activation](pre)
    return GateTerms(
        name=name,
        letter=letter,
        activation=activation,
        w_ih=p["weight_ih"].numpy(),
        w_hh=p["weight_hh"].numpy(),
        b_ih=None if p["bias_ih"] is None else p["bias_ih"].numpy(),
        b_hh=None if p["bias_hh"] is None else p["bias_hh"].numpy(),
        input_term=input_term.numpy(),
        hidden_term=hidden_term.numpy(),
        reset=None if reset is None else reset.numpy(),
        pre=pre.numpy(),
        value=value.numpy(),
    )


def _rnn(x, h_prev, params, nonlinearity):
    """h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)."""
    (block,) = _blocks("rnn", params, (nonlinearity,))
    gate = _gate(*block, x, h_prev)
    return (gate,), None, torch.from_numpy(gate.value)


def _lstm(x, h_prev, c_prev, params):
    """i, f, g, o; c_t = f * c_{t-1} + i * g; h_t = o * tanh(c_t)."""
    blocks = _blocks("lstm", params, CELL_FACTS["lstm"].activations)
    gates = tuple(_gate(*block, x, h_prev) for block in blocks)
    i, f, g, o = (torch.from_numpy(gate.value) for gate in gates)
    c = f * c_prev + i * g
    return gates, c, o * torch.tanh(c)


def _gru(x, h_prev, params):
    """r, z; n = tanh(W_in x + b_in + r * (W_hn h + b_hn)); h_t = (1 - z) * n + z * h."""
    block_r, block_z, block_n = _blocks("gru", params, CELL_FACTS["gru"].activations)
    r = _gate(*block_r, x, h_prev)
    z = _gate(*block_z, x, h_prev)
    n = _gate(*block_n, x, h_prev, reset=torch.from_numpy(r.value))
    z_t, n_t = torch.from_numpy(z.value), torch.from_numpy(n.value)
    return (r, z, n), None, (1 - z_t) * n_t + z_t * h_prev


# --- the check against the trace ------------------------------------------------------


def _with_error(result: StepMath, trace: Trace) -> StepMath:
    """The largest difference between these terms and the trace's values there."""
    where = (result.layer, result.direction, result.seq, result.step)
    pairs = [(result.h, trace.hidden[where])]
    if result.c is not None:
        pairs.append((result.c, trace.cell[where]))
    for gate in result.gates:
        pairs.append((gate.pre, trace.preactivations[gate.name][where]))
        if gate.name in trace.gates:
            pairs.append((gate.value, trace.gates[gate.name][where]))
    error = max(float((np.abs(a - b) / np.maximum(1.0, np.abs(b))).max()) for a, b in pairs)
    return replace(result, max_error=error)
