"""The plain-torch reference: what a student's notebook computes, written without any of
the app's code (no model.*), so the app is checked against torch.nn itself.

Three levels, each built from the one above:

- the lecture: `LETTERS`, `letters_input`, `lecture_module`, `lecture_outputs`, and any
  module by name on any input (`plain_outputs`);
- a scene's module: `one_hot_batch`, `rnn_by_name`, `torch_module` / `seeded_module`
  (the ExplorerConfig's cell by name), `initial_state`, `forward` / `run_module` (packing
  unequal lines),
  `trace_reference` (everything a Trace must show) and `lower_layer_outputs`;
- step by step: `reference_steps`, a plain loop per cell over torch.nn.RNNCell /
  LSTMCell / GRUCell, every layer and direction, from a Trace's inputs and weights.

The ExplorerConfig is only read (its fields), never asked to compute anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

if TYPE_CHECKING:
    from model.config import ExplorerConfig
    from model.trace import Trace

MODULES: dict[str, type[nn.RNNBase]] = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
CELLS: dict[str, type[nn.RNNCellBase]] = {
    "rnn": nn.RNNCell,
    "lstm": nn.LSTMCell,
    "gru": nn.GRUCell,
}

# --- the lecture ("RNN basics") --------------------------------------------------------

LETTERS = {"h": [1, 0, 0, 0], "e": [0, 1, 0, 0], "l": [0, 0, 1, 0], "o": [0, 0, 0, 1]}
LECTURE_WORDS = ("hello", "eolll", "lleel")


def letters_input(words: Sequence[str] = LECTURE_WORDS) -> torch.Tensor:
    """The lecture's one-hot h, e, l, o batch: (3, 5, 4) for its three words."""
    return torch.Tensor([[LETTERS[c] for c in word] for word in words])


def module_class(cell: str | type[nn.RNNBase]) -> type[nn.RNNBase]:
    return MODULES[cell] if isinstance(cell, str) else cell


def plain_module(
    cell: str | type[nn.RNNBase], input_size: int, hidden: int, seed: int = 0, **options
) -> nn.RNNBase:
    """torch.manual_seed(seed), then torch.nn.RNN / LSTM / GRU(input_size, hidden, ...)."""
    torch.manual_seed(seed)
    return module_class(cell)(input_size, hidden, **options)


def plain_outputs(
    cell: str | type[nn.RNNBase],
    x: torch.Tensor,
    hidden: int,
    seed: int = 0,
    *,
    grad: bool = False,
    **options,
) -> torch.Tensor:
    """`outputs, _ = module(x)` for the module plain_module builds; without gradients
    unless `grad` (then it prints with its grad_fn, as a notebook's does)."""
    module = plain_module(cell, x.shape[-1], hidden, seed, **options)
    with torch.set_grad_enabled(grad):
        outputs, _ = module(x)
    return outputs


def lecture_module(
    cell: str | type[nn.RNNBase] = "rnn", hidden: int = 2, seed: int = 0, **options
) -> nn.RNNBase:
    """The lecture's `rnn = torch.nn.RNN(4, 2)` after `torch.manual_seed(0)` (or another
    cell, size, seed or option)."""
    return plain_module(cell, 4, hidden, seed, **options)


def lecture_outputs(
    cell: str | type[nn.RNNBase] = "rnn",
    words: Sequence[str] = LECTURE_WORDS,
    hidden: int = 2,
    seed: int = 0,
    *,
    grad: bool = False,
    **options,
) -> torch.Tensor:
    """The lecture's `outputs`: (3, 5, 2) for its words, read by PyTorch as 5 sequences of
    3 steps unless batch_first=True. `grad=True`: exactly what the lecture prints, with
    its `grad_fn`."""
    return plain_outputs(cell, letters_input(words), hidden, seed, grad=grad, **options)


# --- a scene's module --------------------------------------------------------------------


def one_hot_batch(lines: Sequence[str]) -> torch.Tensor:
    """(B, T, V) one-hot of single-character tokens, vocabulary by first appearance,
    zero vectors at padding."""
    vocab = list(dict.fromkeys("".join(lines)))
    x = torch.zeros(len(lines), max(len(line) for line in lines), len(vocab))
    for row, line in enumerate(lines):
        for t, char in enumerate(line):
            x[row, t, vocab.index(char)] = 1.0
    return x


def one_hot(text: str) -> torch.Tensor:
    """(T, V): one line, one-hot, vocabulary by first appearance."""
    return one_hot_batch((text,))[0]


def rnn_by_name(
    cell: str, input_size: int, hidden: int, nonlinearity: str = "tanh", **options
) -> nn.RNNBase:
    """torch.nn.RNN / LSTM / GRU by name; `nonlinearity` goes to an RNN only."""
    extra = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
    return MODULES[cell](input_size, hidden, **extra, **options)


def torch_module(
    config: ExplorerConfig, input_size: int, num_layers: int | None = None
) -> nn.RNNBase:
    """The config's module, built by name from the current random stream (no seeding);
    `num_layers` overrides the config's (a module holding only the lower layers)."""
    return rnn_by_name(
        config.cell,
        input_size,
        config.hidden_size,
        config.nonlinearity,
        num_layers=config.num_layers if num_layers is None else num_layers,
        bias=config.bias,
        batch_first=config.batch_first,
        bidirectional=config.bidirectional,
    )


def seeded_module(config: ExplorerConfig, input_size: int) -> nn.RNNBase:
    """A notebook's first lines: torch.manual_seed(config.seed), then the module."""
    torch.manual_seed(config.seed)
    return torch_module(config, input_size)


def initial_state(config: ExplorerConfig, batch: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    """h0 (and c0 for an LSTM): (L*D, batch, H) zeros, or torch.randn drawn h0 first when
    init_state is random."""
    shape = (config.num_layers * config.num_directions, batch, config.hidden_size)
    random = config.init_state == "random"
    h0 = torch.randn(shape) if random else torch.zeros(shape)
    c0 = None
    if config.cell == "lstm":
        c0 = torch.randn(shape) if random else torch.zeros(shape)
    return h0, c0


def forward(
    module: nn.RNNBase,
    x: torch.Tensor,
    lengths: Sequence[int],
    packed: bool,
    state=None,
) -> tuple[torch.Tensor, object]:
    """(output, final) of module(x, state), in the module's own layout, with autograd (a
    training loop's forward). `packed`: x's lines (batch_first) are packed to their
    lengths first and the output padded back with zeros to x's length."""
    if not packed:
        return module(x, state)
    sequence = nn.utils.rnn.pack_padded_sequence(
        x, torch.tensor(list(lengths)), batch_first=True, enforce_sorted=False
    )
    out, final = module(sequence, state)
    out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    return out, final


def run_module(
    module: nn.RNNBase,
    x: torch.Tensor,
    lengths: Sequence[int],
    packed: bool,
    state=None,
) -> tuple[torch.Tensor, object]:
    """forward() without gradients: what the module shows."""
    with torch.no_grad():
        return forward(module, x, lengths, packed, state)


def _read_layout(module: nn.RNNBase, out: torch.Tensor) -> torch.Tensor:
    """(seq, batch, ...) -> the read layout (batch, seq, ...) when not batch_first."""
    return out if module.batch_first else out.transpose(0, 1)


@dataclass
class Reference:
    """What the module computed, as a Trace must show it."""

    module: nn.RNNBase
    x_typed: torch.Tensor  # (B, T, I) as typed
    lengths_typed: list[int]
    x_read: torch.Tensor  # (N, T, I)
    lengths: np.ndarray  # (N,) read lengths
    packed: bool
    h0: torch.Tensor
    c0: torch.Tensor | None
    output: np.ndarray  # (N, T, D*H) read layout, zeros past each end
    h_n: np.ndarray
    c_n: np.ndarray | None


def trace_reference(
    config: ExplorerConfig,
    lengths_typed: Sequence[int],
    make_x: Callable[[], torch.Tensor],
) -> Reference:
    """torch.manual_seed(seed); x = make_x() (an embedding draws here); the module;
    h0/c0 = torch.randn when init_state is random. Then run it, packing unequal lines
    when batch_first."""
    torch.manual_seed(config.seed)
    x = make_x()  # (B, T, I) as typed
    module = torch_module(config, x.shape[-1])
    module.eval()
    batch, steps = (x.shape[0], x.shape[1]) if config.batch_first else (x.shape[1], x.shape[0])
    h0, c0 = initial_state(config, batch)
    packed = config.batch_first and len(set(lengths_typed)) > 1
    out, final = run_module(module, x, lengths_typed, packed, h0 if c0 is None else (h0, c0))
    h_n, c_n = final if isinstance(final, tuple) else (final, None)
    lengths = np.array(lengths_typed) if config.batch_first else np.full(batch, steps)
    x_read = x if config.batch_first else x.transpose(0, 1)
    return Reference(
        module=module,
        x_typed=x,
        lengths_typed=list(lengths_typed),
        x_read=x_read,
        lengths=lengths,
        packed=packed,
        h0=h0,
        c0=c0,
        output=_read_layout(module, out).numpy(),
        h_n=h_n.numpy(),
        c_n=None if c_n is None else c_n.numpy(),
    )


def lower_layer_outputs(config: ExplorerConfig, ref: Reference) -> list[np.ndarray]:
    """Output of layers 0..l for every l below the top, from a plain (l+1)-layer module
    holding the first l+1 layers' weights: every layer's h_t, independently."""
    D = config.num_directions
    state = ref.module.state_dict()
    outputs = []
    for top in range(config.num_layers - 1):
        sub = torch_module(config, ref.x_typed.shape[-1], top + 1)
        sub.load_state_dict(
            {k: v for k, v in state.items() if int(re.search(r"_l(\d+)", k)[1]) <= top}
        )
        sub.eval()
        rows = slice(0, (top + 1) * D)
        h0 = ref.h0[rows]
        initial = h0 if ref.c0 is None else (h0, ref.c0[rows])
        out, _ = run_module(sub, ref.x_typed, ref.lengths_typed, ref.packed, initial)
        outputs.append(_read_layout(sub, out).numpy())
    return outputs


# --- step by step: a plain loop per cell -------------------------------------------------


def torch_cell(result: Trace, layer: int, direction: int) -> nn.RNNCellBase:
    """A torch.nn cell holding this layer and direction's parameters (from the Trace)."""
    config = result.config
    suffix = f"_l{layer}" + ("_reverse" if direction else "")
    w_ih = torch.from_numpy(result.weights["weight_ih" + suffix])
    extra = {"nonlinearity": config.nonlinearity} if config.cell == "rnn" else {}
    cell = CELLS[config.cell](w_ih.shape[1], config.hidden_size, bias=config.bias, **extra)
    names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if config.bias else [])
    cell.load_state_dict({name: torch.from_numpy(result.weights[name + suffix]) for name in names})
    return cell


def reference_steps(result: Trace) -> dict[tuple[int, int, int, int], dict]:
    """(layer, direction, seq, t) -> x, h_prev, c_prev, h, c: torch.nn cells loaded with
    the Trace's parameters, run over every sequence layer by layer and direction by
    direction from its initial state."""
    config = result.config
    layers, directions = config.num_layers, config.num_directions
    found = {}
    with torch.no_grad():
        for seq, length in enumerate(result.lengths.tolist()):
            layer_in = torch.from_numpy(result.inputs[seq, :length])  # (T, I)
            for layer in range(layers):
                outputs = []
                for d in range(directions):
                    cell, row = torch_cell(result, layer, d), layer * directions + d
                    h = torch.from_numpy(result.initial_hidden[row, seq])
                    c = None
                    if config.cell == "lstm":
                        c = torch.from_numpy(result.initial_cell[row, seq])
                    out = torch.zeros(length, config.hidden_size)
                    order = range(length) if d == 0 else range(length - 1, -1, -1)
                    for t in order:
                        entry = {"x": layer_in[t], "h_prev": h, "c_prev": c}
                        if c is None:
                            h = cell(layer_in[t][None], h[None])[0]
                        else:
                            h, c = (v[0] for v in cell(layer_in[t][None], (h[None], c[None])))
                        found[(layer, d, seq, t)] = {**entry, "h": h, "c": c}
                        out[t] = h
                    outputs.append(out)
                layer_in = torch.cat(outputs, dim=-1)
    return found
