"""Why recurrence: the same tokens in another order, through the same module, and the
feed-forward alternative with a position index appended.

* `shuffle_order(tokens, seed)`: a seeded permutation whose token order differs from the
  original whenever that is possible (not every token equal).
* `order_run(trace, seq, seed)`: sequence `seq` as PyTorch read it and the same input
  vectors in the shuffled order, through the scene's own module (its very weights, trained
  or not, loaded from `trace.weights`), traced layer by layer and direction by direction
  with `model.trace.trace_model`; and a seeded `nn.Linear(input + 1, hidden)` + tanh
  applied to each step's input vector with the position index t appended.

The feed-forward output at step t is a function of (x_t, t) alone: where the shuffled
sequence has the original token at the same step, it is identical; the RNN state is not,
since it carries everything read before.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import nn

from model.cells import CELL_FACTS, SEED_LOCK, BuiltModel, make_module
from model.encoding import EncodedBatch
from model.trace import Trace, trace_model

SHUFFLE_TRIES = 8  # seeded draws before the deterministic swap that forces a difference


def shuffle_order(tokens: tuple[str, ...], seed: int) -> np.ndarray:
    """(T,) int64 permutation p: the shuffled sequence reads tokens[p[t]] at step t. Its
    tokens differ from the original order whenever not every token is the same."""
    count = len(tokens)
    rng = np.random.default_rng(seed)
    order = np.arange(count, dtype=np.int64)
    for _ in range(SHUFFLE_TRIES):
        order = rng.permutation(count).astype(np.int64)
        if _reordered(tokens, order) != tuple(tokens):
            return order
    other = next((t for t in range(count) if tokens[order[t]] != tokens[order[0]]), None)
    if other is not None:  # swap two different tokens: now it differs
        order[[0, other]] = order[[other, 0]]
    return order


def _reordered(tokens, order: np.ndarray) -> tuple[str, ...]:
    return tuple(tokens[i] for i in order)


@dataclass(frozen=True, eq=False)
class OrderRun:
    """One read sequence and its shuffle. T = steps the sequence computed, H hidden,
    L layers, D directions."""

    tokens: tuple[str, ...]  # (T,) as PyTorch read them
    order: np.ndarray  # (T,) the shuffled sequence reads tokens[order[t]] at step t
    shuffled_tokens: tuple[str, ...]  # (T,)
    hidden: np.ndarray  # (L, D, T, H) the scene's h_t
    shuffled_hidden: np.ndarray  # (L, D, T, H) h_t for the shuffled input, same module
    final: np.ndarray  # (L*D, H) the scene's h_n for this sequence
    shuffled_final: np.ndarray  # (L*D, H) h_n for the shuffled input
    feedforward: np.ndarray  # (T, H) tanh(Linear([x_t, t])) in the original order
    shuffled_feedforward: np.ndarray  # (T, H) the same for the shuffled order
    max_error: float  # the shuffled trace against its module's own output

    @property
    def differs(self) -> bool:
        return self.shuffled_tokens != self.tokens

    @property
    def same_step(self) -> np.ndarray:
        """(T,) True where the shuffled sequence has the original token at that step."""
        return np.array([a == b for a, b in zip(self.tokens, self.shuffled_tokens, strict=True)])

    @property
    def final_distance(self) -> np.ndarray:
        """(L*D,) Euclidean distance between the two end states h_n, per layer and direction."""
        return np.linalg.norm(self.final - self.shuffled_final, axis=-1)

    @property
    def feedforward_last_distance(self) -> float:
        """Distance between the feed-forward outputs at the last step."""
        return float(np.linalg.norm(self.feedforward[-1] - self.shuffled_feedforward[-1]))


def order_run(trace: Trace, seq: int, seed: int) -> OrderRun:
    steps = int(trace.lengths[seq])
    tokens = tuple(trace.tokens[seq][:steps])
    inputs = trace.inputs[seq, :steps]  # (T, I) what each step was fed
    order = shuffle_order(tokens, seed)
    shuffled = shuffled_trace(trace, seq, order)
    config = trace.config
    position = np.arange(steps, dtype=np.float32)
    return OrderRun(
        tokens=tokens,
        order=order,
        shuffled_tokens=_reordered(tokens, order),
        hidden=trace.hidden[:, :, seq, :steps],
        shuffled_hidden=shuffled.hidden[:, :, 0],
        final=trace.h_n[:, seq],
        shuffled_final=shuffled.h_n[:, 0],
        feedforward=feedforward(inputs, position, config.hidden_size, config.seed),
        shuffled_feedforward=feedforward(inputs[order], position, config.hidden_size, config.seed),
        max_error=shuffled.max_error,
    )


def shuffled_trace(trace: Trace, seq: int, order: np.ndarray) -> Trace:
    """Read sequence `seq` with its input vectors in `order`, through a module holding the
    scene's weights and initial state, traced as one batch-first sequence."""
    config = replace(trace.config, batch_first=True)  # one (1, T, I) sequence
    steps = len(order)
    values = trace.inputs[seq, order][None].copy()  # (1, T, I): the same vectors, reordered
    encoded = EncodedBatch(
        token_lines=(tuple(trace.tokens[seq][i] for i in order),),
        vocab=(),
        indices=np.zeros((1, steps), dtype=np.int64),
        values=values,  # fed as they are: embedding or one-hot already applied
        lengths=np.array([steps], dtype=np.int64),
        tokens=trace.config.tokens,
    )
    h0 = torch.from_numpy(trace.initial_hidden[:, seq : seq + 1].copy())
    c0 = None
    if trace.initial_cell is not None:
        c0 = torch.from_numpy(trace.initial_cell[:, seq : seq + 1].copy())
    built = BuiltModel(make_module(trace.config, trace.weights), None, h0, c0)
    return trace_model(config, encoded, built)


def feedforward_layer(input_size: int, hidden_size: int, seed: int) -> nn.Linear:
    """`torch.manual_seed(seed)` then `nn.Linear(input_size + 1, hidden_size)`: the extra
    input is the position index."""
    with SEED_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        layer = nn.Linear(input_size + 1, hidden_size)
    return layer.eval()


def feedforward(inputs: np.ndarray, position: np.ndarray, hidden_size: int, seed: int):
    """(T, I) inputs and (T,) positions -> (T, H) tanh(W [x_t, t] + b), float32."""
    layer = feedforward_layer(inputs.shape[-1], hidden_size, seed)
    x = torch.cat([torch.from_numpy(inputs), torch.from_numpy(position)[:, None]], dim=1)
    with torch.no_grad():
        return torch.tanh(layer(x)).numpy()


def order_code(trace: Trace, seq: int, order: np.ndarray) -> str:
    """Plain PyTorch, to run after the scene's code (model.codegen.python_code), that
    reorders sequence `seq` and applies the feed-forward alternative."""
    config = trace.config
    steps, width, hidden = len(order), trace.inputs.shape[-1], config.hidden_size
    if config.batch_first:
        picked, batch_axis = f"input_data[{seq}, :{steps}]", 0
    else:
        picked, batch_axis = f"input_data[:, {seq}]", 1
    state = ""
    if config.init_state == "random":
        rows = f"[:, {seq}:{seq + 1}]"
        cell_state = CELL_FACTS[config.cell].has_cell_state
        state = f", (h0{rows}, c0{rows})" if cell_state else f", h0{rows}"
    return "\n".join([
        '# after the code in the "PyTorch code" tab, which builds input_data and rnn',
        f"x = {picked}.detach()  # ({steps}, {width}): sequence {seq + 1} as PyTorch read it",
        *_wrapped(f"order = torch.tensor({order.tolist()})"),
        "",
        "# the same module, the same vectors, another order (step t reads step order[t])",
        f"shuffled_outputs, shuffled_status = rnn(x[order].unsqueeze({batch_axis}){state})",
        "",
        "# the feed-forward alternative: one linear layer on [x_t, t], then tanh",
        f"position = torch.arange({steps}, dtype=torch.float32).unsqueeze(1)  # ({steps}, 1)",
        f"torch.manual_seed({config.seed})",
        f"ff = torch.nn.Linear({width} + 1, {hidden})",
        "ff_outputs = torch.tanh(ff(torch.cat([x, position], dim=1)))  # step t: x_t and t only",
        "ff_shuffled = torch.tanh(ff(torch.cat([x[order], position], dim=1)))",
        "print(ff_outputs)",
        "print(ff_shuffled)",
        "",
    ])  # fmt: skip


def _wrapped(line: str, width: int = 88) -> list[str]:
    """A long `name = torch.tensor([...])` line as Python that still runs."""
    if len(line) <= width:
        return [line]
    head, numbers = line.split("[", 1)
    rows = textwrap.wrap(numbers.rstrip("])"), width - 4, break_on_hyphens=False)
    return [head + "["] + ["    " + row for row in rows] + ["])"]
