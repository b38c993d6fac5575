"""Run the module and expose every layer's h_t, c_t, gates and pre-activations.

How (fast, and checked):

1. The module itself runs on the input, as the user's code would: `output`, `h_n`, `c_n`.
2. Layers below the top one are re-run one at a time with the same weights (a one-layer
   module per layer), which gives every layer's h_t for every t.
3. With h_t and h_{t-1} known for every t, every gate and pre-activation is one batched
   matrix product (the cells' step functions applied to whole sequences).
4. Only the LSTM's c_t = f * c_{t-1} + i * g needs a pass over time: an elementwise
   numpy loop over all layers and directions at once.
5. h_t is then rebuilt from the gates and compared with the module's own numbers; the
   largest difference is kept in `Trace.max_error` (tests hold it below 1e-5). It is
   absolute for values within +-1 and relative beyond (float32 keeps ~7 digits, so a
   ReLU state of 1e6 cannot agree to 1e-5 in absolute terms). A state that overflows
   float32 (an unbounded ReLU) is refused with a ConfigError.

All arrays are in the layout PyTorch *read*: with `batch_first=False` the typed lines
become time steps, and the trace says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from model.cells import (
    CELL_FACTS,
    BuiltModel,
    build_model,
    layer_parameters,
    make_input,
    make_module,
    run_module,
)
from model.config import ExplorerConfig
from model.encoding import PAD_TOKEN, EncodedBatch, encode
from model.equations import layer_weights, lstm_gates, step_gru, step_rnn
from model.errors import ConfigError


@dataclass(frozen=True, eq=False)
class Trace:
    """Every state of one scene. Shapes: L layers, D directions, N sequences as read,
    T steps as read, H hidden units. Positions a packed sequence never computed hold NaN."""

    config: ExplorerConfig
    encoded: EncodedBatch  # the batch as typed
    tokens: tuple[tuple[str, ...], ...]  # (N, T) token at each read position
    lengths: np.ndarray  # (N,) steps computed for each read sequence
    packed: bool  # True when unequal lines were packed (batch_first only)
    inputs: np.ndarray  # (N, T, I) float32, what each step was fed
    hidden: np.ndarray  # (L, D, N, T, H) float32 h_t
    cell: np.ndarray | None  # (L, D, N, T, H) LSTM c_t
    gates: dict[str, np.ndarray]  # name -> (L, D, N, T, H), after their activation
    preactivations: dict[str, np.ndarray]  # name -> (L, D, N, T, H), before it
    initial_hidden: np.ndarray  # (L*D, N, H) h0
    initial_cell: np.ndarray | None  # (L*D, N, H) c0
    output: np.ndarray  # module's output in (N, T, D*H) order, zeros past each end
    h_n: np.ndarray  # module's h_n (L*D, N, H)
    c_n: np.ndarray | None  # module's c_n (L*D, N, H)
    max_error: float  # largest |trace - module| / max(1, |module|) over every checked value
    printed: str  # what `print(outputs); print(outputs.size())` prints for the module
    # the module's parameters by PyTorch's names (weight_ih_l0, bias_hh_l1_reverse, ...),
    # float32 copies: W_ih (G*H, I), W_hh (G*H, H), biases (G*H,), G gates in
    # PyTorch's order (LSTM i, f, g, o; GRU r, z, n)
    weights: dict[str, np.ndarray]

    @property
    def num_layers(self) -> int:
        return self.hidden.shape[0]

    @property
    def num_directions(self) -> int:
        return self.hidden.shape[1]

    @property
    def valid(self) -> np.ndarray:
        """(N, T) True where a state was computed."""
        steps = self.hidden.shape[3]
        return np.arange(steps)[None, :] < self.lengths[:, None]

    @property
    def padded_input(self) -> np.ndarray:
        """(N, T) True where the step was fed a padding vector (batch_first off only;
        a packed sequence's padding is never fed, so it is False there)."""
        pad = np.array([[t == PAD_TOKEN for t in row] for row in self.tokens], dtype=bool)
        return pad & self.valid


def trace(config: ExplorerConfig) -> Trace:
    encoded = encode(config)
    built = build_model(config, encoded)
    return trace_model(config, encoded, built)


def trace_model(config: ExplorerConfig, encoded: EncodedBatch, built: BuiltModel) -> Trace:
    x_typed = make_input(encoded, built)  # (B, T, I) as typed
    packed = config.batch_first and len(set(encoded.lengths.tolist())) > 1
    x_read, lengths, tokens = _as_read(config, encoded, x_typed)
    rnn = built.rnn
    # The module's own forward runs with autograd on, exactly as the printed code runs it,
    # so `print(outputs)` (grad_fn included) comes from this very tensor.
    output, h_n, c_n = run_module(rnn, x_typed, built, encoded.lengths if packed else None)
    printed = f"{output}\n{output.size()}\n"
    output, h_n = output.detach(), h_n.detach()
    c_n = None if c_n is None else c_n.detach()
    with torch.no_grad():
        if not config.batch_first:
            output = output.transpose(0, 1)
        layer_outputs = _layer_outputs(config, rnn, x_read, built, lengths, packed, output)
        states = _states(config, rnn, x_read, layer_outputs, built, lengths)
    hidden, cell, gates, pre, rebuilt_h = states
    valid = np.arange(x_read.shape[1])[None, :] < lengths[:, None]
    if not np.isfinite(hidden[:, :, valid]).all():
        raise ConfigError(
            "The hidden state grew beyond what float32 can hold (it reached infinity): "
            "a ReLU RNN has no upper bound. Try tanh, smaller inputs, a shorter "
            "sequence or another seed.",
            "err_state_overflow",
        )
    error = _max_error(config, hidden, cell, rebuilt_h, output, h_n, c_n, lengths, valid)
    hidden, cell = _blank(hidden, valid), None if cell is None else _blank(cell, valid)
    return Trace(
        config=config,
        encoded=encoded,
        tokens=tokens,
        lengths=lengths,
        packed=packed,
        inputs=x_read.numpy(),
        hidden=hidden,
        cell=cell,
        gates={k: _blank(v, valid) for k, v in gates.items()},
        preactivations={k: _blank(v, valid) for k, v in pre.items()},
        initial_hidden=built.h0.numpy(),
        initial_cell=None if built.c0 is None else built.c0.numpy(),
        output=output.numpy(),
        h_n=h_n.numpy(),
        c_n=None if c_n is None else c_n.numpy(),
        max_error=error,
        printed=printed,
        weights={name: p.detach().numpy().copy() for name, p in rnn.named_parameters()},
    )


def _as_read(config: ExplorerConfig, encoded: EncodedBatch, x_typed: torch.Tensor):
    """The input (N, T, I), lengths (N,) and tokens (N, T) in the layout PyTorch reads."""
    if config.batch_first:
        tokens = tuple(_pad(line, encoded.max_length) for line in encoded.token_lines)
        return x_typed, encoded.lengths.copy(), tokens
    # PyTorch reads (B, T, I) as (seq=B, batch=T, input=I)
    x_read = x_typed.transpose(0, 1).contiguous()
    lengths = np.full(encoded.max_length, encoded.batch_size, dtype=np.int64)
    typed = [_pad(line, encoded.max_length) for line in encoded.token_lines]
    tokens = tuple(tuple(line[t] for line in typed) for t in range(encoded.max_length))
    return x_read, lengths, tokens


def _layer_outputs(config, rnn, x_read, built, lengths, packed, top_output) -> list:
    """Every layer's (N, T, D*H) output; the top layer's is the module's own output."""
    directions = config.num_directions
    outputs, layer_input = [], x_read
    for layer in range(config.num_layers - 1):
        single = make_module(config, layer_parameters(rnn, layer))  # batch-first, as x_read
        rows = slice(layer * directions, (layer + 1) * directions)
        layer_built = BuiltModel(
            single, None, built.h0[rows], None if built.c0 is None else built.c0[rows]
        )
        layer_output, _, _ = run_module(
            single, layer_input, layer_built, lengths if packed else None
        )
        outputs.append(layer_output)
        layer_input = layer_output
    outputs.append(top_output)
    return outputs


def _direction_order(lengths: np.ndarray, steps: int, direction: int) -> torch.Tensor | None:
    """(N, T) index that puts each sequence in the order its direction reads it. The
    reverse direction reads t = len-1 ... 0; past the end stays in place. Its own inverse."""
    if direction == 0:
        return None  # the forward direction reads in time order
    index = np.broadcast_to(np.arange(steps), (len(lengths), steps))
    inside = index < lengths[:, None]
    return torch.from_numpy(np.where(inside, lengths[:, None] - 1 - index, index))


def _reorder(values: torch.Tensor, order: torch.Tensor | None) -> torch.Tensor:
    """Gather (N, T, K) along time with an (N, T) index; None keeps the order."""
    if order is None:
        return values
    return values.gather(1, order.unsqueeze(-1).expand(-1, -1, values.shape[-1]))


def _states(config, rnn, x_read, layer_outputs, built, lengths):
    """Gates, pre-activations and (LSTM) cell states for every layer and direction, in
    direction order first (each sequence starting at position 0), then put back in time."""
    L, D, H = config.num_layers, config.num_directions, config.hidden_size
    N, T = x_read.shape[:2]
    orders = [_direction_order(lengths, T, d) for d in range(D)]
    per_gate: dict[str, list] = {}
    hidden_dir, h_dir_rebuilt = [], []
    for layer in range(L):
        layer_input = x_read if layer == 0 else layer_outputs[layer - 1]
        for d in range(D):
            order = orders[d]
            x_d = _reorder(layer_input, order)  # (N, T, I) in reading order
            h_d = _reorder(layer_outputs[layer][..., d * H : (d + 1) * H], order)  # (N, T, H)
            h0 = built.h0[layer * D + d].unsqueeze(1)  # (N, 1, H)
            h_prev = torch.cat([h0, h_d[:, :-1]], dim=1)
            w = layer_weights(rnn, layer, d)
            if config.cell == "rnn":
                step = step_rnn(x_d, h_prev, w, config.nonlinearity)
            elif config.cell == "gru":
                step = step_gru(x_d, h_prev, w)
            else:
                step = lstm_gates(x_d, h_prev, w)
            h_dir_rebuilt.append(step.pop("h", None))
            for name, value in step.items():
                per_gate.setdefault(name, []).append(value)
            hidden_dir.append(h_d)
    stacked = {k: torch.stack(v).numpy() for k, v in per_gate.items()}  # (L*D, N, T, H)
    cell_dir = None
    if CELL_FACTS[config.cell].has_cell_state:
        c0 = built.c0.numpy()[:, :, None, :]
        cell_dir = _cell_states(stacked["forget"], stacked["input"], stacked["candidate"], c0)
        rebuilt = stacked["output"] * np.tanh(cell_dir)
    else:
        rebuilt = torch.stack(h_dir_rebuilt).numpy()

    def to_time(values: np.ndarray) -> np.ndarray:  # (L*D, N, T, H) -> (L, D, N, T, H)
        back = [_reorder(torch.from_numpy(values[i]), orders[i % D]).numpy() for i in range(L * D)]
        return np.stack(back).reshape(L, D, N, T, -1)

    hidden = to_time(torch.stack(hidden_dir).numpy())
    facts = CELL_FACTS[config.cell]
    gates = {name: to_time(stacked[name]) for name in facts.gates}
    if facts.gates:
        pre = {name: to_time(stacked["pre_" + name]) for name in facts.gates}
    else:  # an RNN's one block: step_rnn's "pre"
        pre = {name: to_time(stacked["pre"]) for name in facts.preactivations}
    cell = None if cell_dir is None else to_time(cell_dir)
    return hidden, cell, gates, pre, to_time(rebuilt)


def _cell_states(forget, input_gate, candidate, c0) -> np.ndarray:
    """c_t = f * c_{t-1} + i * g over time, for every layer and direction at once.
    Inputs (L*D, N, T, H) in reading order; c0 (L*D, N, 1, H)."""
    f = np.ascontiguousarray(np.moveaxis(forget, 2, 0))  # (T, L*D, N, H)
    update = np.ascontiguousarray(np.moveaxis(input_gate * candidate, 2, 0))
    cells = np.empty_like(f)
    c = c0[:, :, 0, :].astype(np.float32)
    for t in range(f.shape[0]):
        c = f[t] * c + update[t]
        cells[t] = c
    return np.moveaxis(cells, 0, 2)


def _max_error(config, hidden, cell, rebuilt_h, output, h_n, c_n, lengths, valid) -> float:
    """Largest difference between what the trace shows and what the module computed."""
    L, D = config.num_layers, config.num_directions
    errors = [_difference(rebuilt_h, hidden)[:, :, valid].max(initial=0.0)]
    top = np.concatenate([hidden[L - 1, d] for d in range(D)], axis=-1)  # (N, T, D*H)
    errors.append(_difference(top, output.numpy())[valid].max(initial=0.0))
    last = lengths - 1
    rows = np.arange(len(lengths))
    for layer in range(L):
        for d in range(D):
            t = last if d == 0 else np.zeros_like(last)
            final_h = hidden[layer, d, rows, t]  # (N, H)
            errors.append(_difference(final_h, h_n[layer * D + d].numpy()).max(initial=0.0))
            if cell is not None:
                final_c = cell[layer, d, rows, t]
                errors.append(_difference(final_c, c_n[layer * D + d].numpy()).max(initial=0.0))
    return float(max(errors))


def _difference(shown: np.ndarray, computed: np.ndarray) -> np.ndarray:
    """|shown - computed|, relative to the module's value where that is beyond +-1."""
    return np.abs(shown - computed) / np.maximum(1.0, np.abs(computed))


def _blank(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """NaN where no state was computed (past the end of a packed sequence)."""
    values = values.astype(np.float32, copy=True)
    values[:, :, ~valid] = np.nan
    return values


def _pad(line: tuple[str, ...], length: int) -> tuple[str, ...]:
    return line + (PAD_TOKEN,) * (length - len(line))
