"""Five ways to use a recurrent network, over the user's own tokens.

For each pattern: which positions of the unrolled network take one of the user's tokens,
which take the previous prediction instead, which outputs the task uses, which tensor
expression holds those outputs for this configuration (`batch_first` decides whether
time is the first or the second index; two directions change what `output[:, -1]` and
`h_n[-1]` mean), and PyTorch's own values of that expression for one sequence.

The values come from the Trace (the module's own `output`, `h_n`, `c_n`), or, for the
patterns that feed the module something else (one step only; its own predictions), from
the same module rebuilt with the trace's weights. No Streamlit, no Plotly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from model.cells import make_module
from model.trace import Trace

PATTERN_NAMES = ("one_to_one", "one_to_many", "many_to_one", "many_to_many", "encoder_decoder")
MAX_GENERATED = 50  # one-to-many: at most this many predictions are fed back
DECODER_STEPS = 3  # encoder-decoder: decoder positions drawn (a second RNN, not built here)


@dataclass(frozen=True)
class UsedTensor:
    """One tensor expression the task reads, with PyTorch's values for one sequence."""

    expression: str  # for the whole batch, e.g. "output[:, -1]"
    batch_shape: tuple[int, ...]  # shape of `expression`
    for_sequence: str  # the same for sequence i alone, e.g. "output[2, -1]"
    values: np.ndarray  # float32 values of `for_sequence` (one-to-many: one row per step)
    holds: str  # "outputs": the outputs drawn on top; "final_state": h_n / c_n


@dataclass(frozen=True)
class UsagePattern:
    name: str  # one of PATTERN_NAMES
    feed: str  # what the module is fed, e.g. "x" or "x[:, :1]"
    positions: int  # positions of the unrolled network (the encoder's, for encoder-decoder)
    inputs: tuple[int, ...]  # positions fed one of the user's tokens
    fed_back: tuple[int, ...]  # positions fed the previous position's prediction
    outputs: tuple[int, ...]  # positions whose output the task uses
    tokens: tuple[str, ...]  # the user's token at each position fed one
    tensors: tuple[UsedTensor, ...]
    predictions: tuple[str, ...] = ()  # one-to-many: the token predicted at each position
    padded_end: bool = False  # packed batch, shorter sequence: output[:, -1] is padding
    decoder_steps: int = 0


def usage_pattern(trace: Trace, seq: int, name: str) -> UsagePattern:
    """The pattern `name` over sequence `seq` (as PyTorch read it)."""
    builders = {
        "one_to_one": _one_to_one,
        "one_to_many": _one_to_many,
        "many_to_one": _many_to_one,
        "many_to_many": _many_to_many,
        "encoder_decoder": _encoder_decoder,
    }
    if name not in builders:
        raise ValueError(f"unknown usage pattern {name!r}; one of {', '.join(PATTERN_NAMES)}")
    return builders[name](trace, seq)


def can_generate(trace: Trace) -> bool:
    """True when an output can be fed back as the next input without an extra layer: the
    outputs are logits over the one-hot vocabulary (hidden size = vocabulary size, one
    direction), as in the hihello lecture."""
    config, encoded = trace.config, trace.encoded
    return (
        encoded.values is None
        and config.encoding == "onehot"
        and config.num_directions == 1
        and config.hidden_size == len(encoded.vocab)
    )


# --- expressions -------------------------------------------------------------------------


def output_at(batch_first: bool, seq: str, time: str) -> str:
    """`output` indexed by sequence and time in the module's layout; ':' keeps an axis."""
    first, second = (seq, time) if batch_first else (time, seq)
    if second == ":":
        return "output" if first == ":" else f"output[{first}]"
    return f"output[{first}, {second}]"


def _length(trace: Trace, seq: int) -> int:
    return int(trace.lengths[seq])


def _tokens(trace: Trace, seq: int, count: int) -> tuple[str, ...]:
    return tuple(trace.tokens[seq][:count])


def _output_width(trace: Trace) -> int:
    return trace.output.shape[-1]  # D * H


def _batch_time(trace: Trace) -> tuple[int, int]:
    """The output's leading shape (batch, time) in the module's layout."""
    batch, time = trace.output.shape[:2]
    return (batch, time) if trace.config.batch_first else (time, batch)


# --- the five patterns ---------------------------------------------------------------------


def _many_to_one(trace: Trace, seq: int) -> UsagePattern:
    """A sentence -> a sentiment: every token in, the last step's output used."""
    bf, length = trace.config.batch_first, _length(trace, seq)
    last, batch, width = length - 1, trace.output.shape[0], _output_width(trace)
    padded_end = trace.packed and length < trace.output.shape[1]
    if trace.packed:  # output[:, -1] is padding for every shorter sequence
        expression = "output[torch.arange(len(lengths)), lengths - 1]"  # lengths: as packed
        for_seq = output_at(bf, str(seq), str(last))
    else:
        expression, for_seq = output_at(bf, ":", "-1"), output_at(bf, str(seq), "-1")
    tensors = [UsedTensor(expression, (batch, width), for_seq, trace.output[seq, last], "outputs")]
    hidden = trace.h_n.shape[-1]
    if trace.config.bidirectional:  # the forward direction's end and the reverse's end
        values = np.concatenate([trace.h_n[-2, seq], trace.h_n[-1, seq]])
        tensors.append(UsedTensor(
            "torch.cat((h_n[-2], h_n[-1]), dim=1)", (batch, 2 * hidden),
            f"torch.cat((h_n[-2, {seq}], h_n[-1, {seq}]))", values, "final_state",
        ))  # fmt: skip
    else:
        last_state = trace.h_n[-1, seq]  # the top layer's state after the last token
        tensors.append(
            UsedTensor("h_n[-1]", (batch, hidden), f"h_n[-1, {seq}]", last_state, "final_state")
        )
    return UsagePattern(
        "many_to_one", "x", length, tuple(range(length)), (), (last,),
        _tokens(trace, seq, length), tuple(tensors), padded_end=padded_end,
    )  # fmt: skip


def _many_to_many(trace: Trace, seq: int) -> UsagePattern:
    """A label per frame of a video: every token in, every step's output used."""
    bf, length = trace.config.batch_first, _length(trace, seq)
    time = f":{length}" if length < trace.output.shape[1] else ":"
    tensor = UsedTensor(
        "output", (*_batch_time(trace), _output_width(trace)), output_at(bf, str(seq), time),
        trace.output[seq, :length], "outputs",
    )  # fmt: skip
    steps = tuple(range(length))
    return UsagePattern(
        "many_to_many", "x", length, steps, (), steps, _tokens(trace, seq, length), (tensor,)
    )


def _encoder_decoder(trace: Trace, seq: int) -> UsagePattern:
    """Translation: an encoder reads every token; its h_n (and c_n) starts a decoder."""
    length = _length(trace, seq)
    tensors = [UsedTensor("h_n", trace.h_n.shape, f"h_n[:, {seq}]", trace.h_n[:, seq],
                          "final_state")]  # fmt: skip
    if trace.c_n is not None:
        tensors.append(UsedTensor("c_n", trace.c_n.shape, f"c_n[:, {seq}]", trace.c_n[:, seq],
                                  "final_state"))  # fmt: skip
    return UsagePattern(
        "encoder_decoder", "x", length, tuple(range(length)), (), (),
        _tokens(trace, seq, length), tuple(tensors), decoder_steps=DECODER_STEPS,
    )  # fmt: skip


def _one_to_one(trace: Trace, seq: int) -> UsagePattern:
    """One input, one output: the module fed only the sequence's first step."""
    bf = trace.config.batch_first
    output = run_steps(trace, seq, trace.inputs[seq, :1])
    tensor = UsedTensor(
        output_at(bf, ":", "0"), (trace.output.shape[0], _output_width(trace)),
        output_at(bf, str(seq), "0"), output[0], "outputs",
    )  # fmt: skip
    feed = "x[:, :1]" if bf else "x[:1]"
    return UsagePattern("one_to_one", feed, 1, (0,), (), (0,), _tokens(trace, seq, 1), (tensor,))


def _one_to_many(trace: Trace, seq: int) -> UsagePattern:
    """A first token, then each prediction fed back as the next input (a generator)."""
    bf = trace.config.batch_first
    feed = "x[:, :1]" if bf else "x[:1]"
    steps = min(_length(trace, seq), MAX_GENERATED)
    if can_generate(trace):
        outputs, predictions = generate(trace, seq, steps)
    else:  # without an output layer only the first step's output exists
        outputs = run_steps(trace, seq, trace.inputs[seq, :1])
        predictions = ()
    tensor = UsedTensor(
        output_at(bf, ":", "0"), (trace.output.shape[0], _output_width(trace)),
        output_at(bf, str(seq), "0"), outputs, "outputs",
    )  # fmt: skip
    return UsagePattern(
        "one_to_many", feed, steps, (0,), tuple(range(1, steps)), tuple(range(steps)),
        _tokens(trace, seq, 1), (tensor,), predictions=predictions,
    )  # fmt: skip


# --- running the module again ------------------------------------------------------------


def _initial_state(trace: Trace, seq: int):
    h0 = torch.from_numpy(trace.initial_hidden[:, seq : seq + 1].copy())  # (L*D, 1, H)
    if trace.initial_cell is None:
        return h0
    return h0, torch.from_numpy(trace.initial_cell[:, seq : seq + 1].copy())


def run_steps(trace: Trace, seq: int, inputs: np.ndarray) -> np.ndarray:
    """Feed `inputs` (T, I) to the module from sequence `seq`'s initial state; its
    output (T, D*H)."""
    rnn = make_module(trace.config, trace.weights)
    x = torch.from_numpy(np.ascontiguousarray(inputs))[None]  # (1, T, I)
    with torch.no_grad():
        output, _ = rnn(x, _initial_state(trace, seq))
    return output[0].numpy()


def generate(trace: Trace, seq: int, steps: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Greedy generation, as the hihello lecture samples: feed the sequence's first token,
    then at each step the one-hot vector of the output's largest entry. Returns the
    outputs (steps, H) and the predicted tokens."""
    vocab = trace.encoded.vocab
    rnn = make_module(trace.config, trace.weights)
    eye = torch.eye(len(vocab))
    state = _initial_state(trace, seq)
    step_input = torch.from_numpy(trace.inputs[seq, :1].copy())[None]  # (1, 1, V)
    outputs, predictions = [], []
    with torch.no_grad():
        for _ in range(steps):
            output, state = rnn(step_input, state)
            logits = output[0, -1]
            index = int(logits.argmax())
            outputs.append(logits.numpy())
            predictions.append(vocab[index])
            step_input = eye[index][None, None]
    return np.stack(outputs), tuple(predictions)
