"""Packed sequences, shown: what `pack_padded_sequence` does to the scene's batch, read
from a real call on the scene's own input, as the course's packed-sequence lab prints it.

* the padded batch (a token per [b, t], PAD_TOKEN past each end), in typed order;
* torch's order after sorting by length (`sorted_indices`, `unsorted_indices` of its own
  PackedSequence with `enforce_sorted=False`: never re-derived here);
* `packed.data`: which (sequence, step) each row is, and `batch_sizes`;
* per packed row, h_t of every layer and direction, from the packed output of the scene's
  module (its very weights and initial state, trained or not). Each equals the trace's
  h_t at that (sequence, step); `max_error` says by how much at most.

The explorer packs only unequal lines with batch_first on (`Trace.packed`); otherwise
`packed_by_explorer` is False and this still shows what packing the typed lines WOULD do
(with batch_first off PyTorch reads the columns, so there are no packed states to show).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

from model.cells import BuiltModel, layer_parameters, make_module
from model.encoding import PAD_TOKEN
from model.trace import Trace

CODE_LINE = 88  # the generated code wraps its data lines at this width


@dataclass(frozen=True, eq=False)
class Packing:
    """One scene's batch packed. B sequences (typed order), T steps, R = sum of lengths
    packed rows, L layers, D directions, H hidden units."""

    tokens: tuple[tuple[str, ...], ...]  # (B, T) token per [b, t], PAD_TOKEN past each end
    lengths: np.ndarray  # (B,) int64 steps of each typed sequence
    sorted_indices: np.ndarray  # (B,) torch's: the i-th longest sequence is sorted_indices[i]
    unsorted_indices: np.ndarray  # (B,) torch's: where each typed sequence went
    batch_sizes: np.ndarray  # (T,) int64 torch's: sequences still running at step t
    row_sequence: np.ndarray  # (R,) int64 typed sequence of each row of packed.data
    row_step: np.ndarray  # (R,) int64 step of each row of packed.data
    hidden: np.ndarray | None  # (L, D, R, H) float32 h_t of each packed row; None: not batch_first
    packed_by_explorer: bool  # the explorer itself runs this batch packed (Trace.packed)
    batch_first: bool  # the scene's batch_first: off means PyTorch read the columns instead
    max_error: float  # largest |packed row's h_t - the trace's h_t| (0.0 when hidden is None)
    printed: str  # what packing_code prints: batch_sizes, then sorted_indices

    @property
    def equal_lengths(self) -> bool:
        return len(set(self.lengths.tolist())) == 1

    @property
    def rows(self) -> int:
        return len(self.row_sequence)

    @property
    def sorted_tokens(self) -> tuple[tuple[str, ...], ...]:
        """(B, T) the padded rows in torch's sorted order (longest first)."""
        return tuple(self.tokens[b] for b in self.sorted_indices)

    @property
    def row_tokens(self) -> tuple[str, ...]:
        """(R,) the token each packed row carries."""
        return tuple(
            self.tokens[b][t] for b, t in zip(self.row_sequence, self.row_step, strict=True)
        )

    def group_starts(self) -> np.ndarray:
        """(T + 1,) where each step's group of rows begins in packed.data, then R."""
        return np.concatenate([[0], np.cumsum(self.batch_sizes)]).astype(np.int64)


def packing(trace: Trace) -> Packing:
    encoded, config = trace.encoded, trace.config
    lengths = encoded.lengths.astype(np.int64)
    x_typed = _typed_input(trace)  # (B, T, I) as typed, zeros at padding
    packed = pack_padded_sequence(
        x_typed, torch.from_numpy(lengths), batch_first=True, enforce_sorted=False
    )
    rows = _row_positions(lengths, encoded.max_length)
    if not torch.equal(rows.sorted_indices, packed.sorted_indices):  # the same call, same order
        raise AssertionError("pack_padded_sequence sorted the index batch differently")
    row_index = rows.data.numpy()
    row_sequence, row_step = row_index // encoded.max_length, row_index % encoded.max_length
    hidden, error = None, 0.0
    if config.batch_first:
        hidden = packed_states(trace, packed)
        error = _max_error(trace, hidden, row_sequence, row_step)
    tokens = tuple(
        line + (PAD_TOKEN,) * (encoded.max_length - len(line)) for line in encoded.token_lines
    )
    return Packing(
        tokens=tokens,
        lengths=lengths,
        sorted_indices=packed.sorted_indices.numpy().copy(),
        unsorted_indices=packed.unsorted_indices.numpy().copy(),
        batch_sizes=packed.batch_sizes.numpy().astype(np.int64),
        row_sequence=row_sequence.astype(np.int64),
        row_step=row_step.astype(np.int64),
        hidden=hidden,
        packed_by_explorer=trace.packed,
        batch_first=config.batch_first,
        max_error=error,
        printed=f"{packed.batch_sizes}\n{packed.sorted_indices}\n",
    )


def _typed_input(trace: Trace) -> torch.Tensor:
    """(B, T, I) float32: what the typed lines were fed, in the layout the user typed."""
    inputs = trace.inputs if trace.config.batch_first else trace.inputs.transpose(1, 0, 2)
    return torch.from_numpy(np.ascontiguousarray(inputs, dtype=np.float32))


def _row_positions(lengths: np.ndarray, steps: int) -> PackedSequence:
    """The batch of flat positions b * T + t packed with the same lengths: its data says
    which (sequence, step) each packed row is, in torch's own order."""
    positions = torch.arange(len(lengths) * steps).reshape(len(lengths), steps)
    return pack_padded_sequence(
        positions, torch.from_numpy(lengths), batch_first=True, enforce_sorted=False
    )


def packed_states(trace: Trace, packed: PackedSequence) -> np.ndarray:
    """(L, D, R, H) float32 h_t of every packed row: the scene's module (its weights and
    initial state) run on the packed batch for the top layer, as `rnn(packed_X)` in the
    lab; the layers below from one-layer modules of the same weights, each fed the packed
    output of the one below (a PackedSequence, rows in the same order)."""
    config = trace.config
    L, D, H = trace.num_layers, trace.num_directions, config.hidden_size
    rnn = make_module(config, trace.weights)  # batch-first, as the typed batch
    h0 = torch.from_numpy(trace.initial_hidden.copy())  # (L*D, B, H) typed order
    c0 = None if trace.initial_cell is None else torch.from_numpy(trace.initial_cell.copy())
    layers, layer_input = [], packed
    with torch.no_grad():
        for layer in range(L - 1):
            single = make_module(config, layer_parameters(rnn, layer))
            rows = slice(layer * D, (layer + 1) * D)
            state = _state(BuiltModel(single, None, h0[rows], None if c0 is None else c0[rows]))
            layer_input, _ = single(layer_input, state)
            layers.append(layer_input.data)
        top, _ = rnn(packed, _state(BuiltModel(rnn, None, h0, c0)))
        layers.append(top.data)
    stacked = torch.stack(layers).numpy()  # (L, R, D*H)
    return np.ascontiguousarray(
        stacked.reshape(L, -1, D, H).transpose(0, 2, 1, 3), dtype=np.float32
    )


def _state(built: BuiltModel):
    return built.h0 if built.c0 is None else (built.h0, built.c0)


def _max_error(trace: Trace, hidden: np.ndarray, row_sequence, row_step) -> float:
    shown = trace.hidden[:, :, row_sequence, row_step]  # (L, D, R, H)
    if not shown.size:
        return 0.0
    difference = np.abs(hidden - shown) / np.maximum(1.0, np.abs(shown))
    return float(difference.max())


def packing_code(trace: Trace) -> str:
    """Plain PyTorch in the lab's shape (RNN/packed_sequence.py): the typed lines as index
    tensors, padded, packed with `enforce_sorted=False`; prints `batch_sizes` and
    `sorted_indices` (what `Packing.printed` holds)."""
    lines = trace.encoded.token_lines
    as_strings = trace.config.tokens == "chars" and all(
        len(token) == 1 for line in lines for token in line
    )  # one code point per token: a string iterates as the tokens, as in the lab
    items = ["".join(line) if as_strings else list(line) for line in lines]
    what = "character" if as_strings else "token"
    return "\n".join([
        "import torch",
        "from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence",
        "",
        *_data_lines(items),
        "",
        f"# each {what}'s index, in order of first appearance",
        "vocab = list(dict.fromkeys(token for seq in data for token in seq))",
        "token2idx = {token: i for i, token in enumerate(vocab)}",
        "X = [torch.LongTensor([token2idx[token] for token in seq]) for seq in data]",
        "lengths = torch.LongTensor([len(seq) for seq in X])",
        f"X = pad_sequence(X, batch_first=True)  # {_shape(trace)}: padded with index 0",
        "",
        "# the lab sorts by length first; enforce_sorted=False sorts (and unsorts) for you",
        "packed = pack_padded_sequence(X, lengths, batch_first=True, enforce_sorted=False)",
        "print(packed.batch_sizes)  # sequences still running at each step",
        "print(packed.sorted_indices)  # longest first: the order of each step's rows",
        "# rnn(packed) runs only these rows; pad_packed_sequence(output, batch_first=True)",
        "# puts them back in typed order, zeros past each end",
        "",
    ])  # fmt: skip


def _shape(trace: Trace) -> str:
    return f"({trace.encoded.batch_size}, {trace.encoded.max_length})"


def _data_lines(items: list) -> list[str]:
    """`data = [...]`, one sequence per line when it does not fit on one."""
    one = f"data = {items!r}"
    if len(one) <= CODE_LINE:
        return [one]
    return ["data = ["] + [f"    {item!r}," for item in items] + ["]"]
