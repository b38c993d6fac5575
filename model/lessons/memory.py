"""Memory over time: how strongly a state still depends on an earlier input or state, for
RNN, LSTM and GRU on the scene's sequence, and what scaling the recurrent weights W_hh
by a factor k does to it.

What is computed (decided here; the page says the same):

* x_s is the network's input at step s of the chosen sequence, as PyTorch read it (the
  one-hot or embedded vector: `Trace.inputs`); h_t is the chosen layer and direction's
  state at step t. A reverse direction reads from the end, so there h_t depends on x_s
  for s >= t: "earlier" always means earlier in the direction's reading order.
* Influence of the input: ||dh_t/dx_s||, the Frobenius norm of the (H, I) Jacobian, for
  every s read no later than t. Influence of a state: ||dh_t/dh_s|| for s read before t,
  h_s moved alone (an LSTM's c_s and the layers below held as they are). Absolute values:
  nothing is normalised per row or per chart.
* In a stack, x_s reaches layer l through the layers below, and they are part of the
  recurrence here. Above a bidirectional layer every state depends on every input (the
  reverse direction below has read the future), so a bidirectional network's influence
  is computed for its first layer (`Memory.layer` says which layer was used).

How (float64 copies of the weights, exact up to rounding): the step function of the
stack (model.cells' equations, which the tracer checks against PyTorch) gives the per-step
Jacobians J_k = dz_k/dz_{k-1} and B_k = dz_k/dx_k through `torch.func.jacrev`, vmapped over
the steps (z: the states of every layer up to l, with c beside h for an LSTM). One sweep
back in time then carries, for every t at once, C_t = dh_t/dz_s: dh_t/dx_s = C_t B_s, and
C_t <- C_t J_s (the chain rule as N^2/2 batched matrix products). Tests check the result
against finite differences of the torch.nn module and against the product of per-step
Jacobians of torch.nn.RNNCell / LSTMCell / GRUCell.

The cost grows with steps^2 x hidden x state^2, so it is bounded by MAX_INFLUENCE_WORK
(and the charts by MAX_INFLUENCE_STEPS): a longer sequence shows its first N steps read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from model.cells import (
    CELL_FACTS,
    build_model,
)
from model.config import CELLS, ExplorerConfig
from model.errors import ConfigError
from model.lessons.memory_influence import CellSource, Influence, influence, layer_weights64
from model.trace import Trace

# --- limits (listed on the page by components/sidebar/limits.py) -----------------------------
MAX_INFLUENCE_STEPS = 200  # steps in the influence charts: a 200 x 200 triangle per cell
# multiply-adds for the three cells' influence together (per-step Jacobians plus the sweep,
# `influence_work`): about a quarter of a second on one idle core here (bench/memory.py)
MAX_INFLUENCE_WORK = 5_000_000_000
MIN_SCALE = 0.25  # the smallest factor W_hh can be scaled by
MAX_SCALE = 4.0  # the largest


@dataclass(frozen=True, eq=False)
class Memory:
    """The three cells on one sequence, W_hh scaled by `scale`."""

    seq: int
    layer: int  # the layer whose states are shown (the first, above a bidirectional one)
    direction: int
    scale: float
    steps: int  # N, the steps shown (the first read)
    total_steps: int  # the steps this direction reads in the sequence
    influences: tuple[Influence, ...]  # in CELLS order, the cells that could run
    errors: tuple[tuple[str, str], ...] = ()  # (cell, the English reason) for the others

    def of(self, cell: str) -> Influence | None:
        return next((item for item in self.influences if item.cell == cell), None)


# --- the cells' modules ------------------------------------------------------------------


def cell_sources(trace: Trace, seq: int) -> tuple[list[CellSource], list[tuple[str, str]]]:
    """RNN, LSTM and GRU for sequence `seq` of the scene: the scene's own module for its
    cell, the seeded build of the scene's config for the others (same input, seed and
    hidden size). Returns the sources and (cell, reason) for cells that cannot be built."""
    sources, errors = [], []
    for cell in CELLS:
        if cell == trace.config.cell:
            c0 = None if trace.initial_cell is None else trace.initial_cell[:, seq].copy()
            sources.append(
                CellSource(trace.config, trace.weights, trace.initial_hidden[:, seq].copy(), c0,
                           own=True)
            )  # fmt: skip
            continue
        config = replace(trace.config, cell=cell)
        try:
            built = build_model(config, trace.encoded)
        except ConfigError as error:
            errors.append((cell, str(error)))
            continue
        weights = {name: p.detach().numpy().copy() for name, p in built.rnn.named_parameters()}
        c0 = None if built.c0 is None else built.c0[:, seq].numpy().copy()
        sources.append(CellSource(config, weights, built.h0[:, seq].numpy().copy(), c0, own=False))
    return sources, errors


def shown_layer(config: ExplorerConfig, layer: int) -> int:
    """The layer whose influence is computed: the chosen one, or the first above a
    bidirectional layer (where every state depends on every input)."""
    return 0 if config.bidirectional else layer


def read_steps(trace: Trace, seq: int) -> int:
    return int(trace.lengths[seq])


# --- the budget ----------------------------------------------------------------------------


def state_size(cell: str, hidden: int, layers: int) -> int:
    """Size of z, the stack's state: h (and an LSTM's c) of every layer up to the one shown."""
    return layers * hidden * (2 if CELL_FACTS[cell].has_cell_state else 1)


def influence_work(cell: str, hidden: int, layers: int, input_size: int, steps: int) -> int:
    """Multiply-adds of one cell's influence over `steps` steps: the per-step Jacobians (a
    reverse pass of the stack's step per entry of z) and the sweep (for each pair s <= t,
    C_t B_s and C_t J_s)."""
    size = state_size(cell, hidden, layers)
    blocks = CELL_FACTS[cell].blocks
    widths = [input_size] + [hidden] * (layers - 1)  # what each layer reads
    step = sum(blocks * hidden * (width + hidden) for width in widths)
    pairs = steps * (steps + 1) // 2
    return steps * size * 2 * step + pairs * hidden * size * (size + input_size)


def influence_steps(config: ExplorerConfig, layer: int, input_size: int, total: int) -> int:
    """N: the most steps (at most `total` and MAX_INFLUENCE_STEPS) whose influence for all
    three cells fits MAX_INFLUENCE_WORK; 0 when not even one step does."""
    layers = shown_layer(config, layer) + 1

    def work(steps: int) -> int:
        return sum(
            influence_work(cell, config.hidden_size, layers, input_size, steps) for cell in CELLS
        )

    steps = min(total, MAX_INFLUENCE_STEPS)
    while steps > 0 and work(steps) > MAX_INFLUENCE_WORK:
        steps = max(0, min(steps - 1, int(steps * math.sqrt(MAX_INFLUENCE_WORK / work(steps)))))
    return steps


def check_scale(scale: float) -> float:
    if (
        isinstance(scale, bool)
        or not isinstance(scale, int | float)
        or not MIN_SCALE <= scale <= MAX_SCALE
    ):
        raise ConfigError(
            f"The scale of W_hh must be a number from {MIN_SCALE:g} to {MAX_SCALE:g} "
            f"(got {scale!r}).",
            "err_memory_scale",
            low=f"{MIN_SCALE:g}",
            high=f"{MAX_SCALE:g}",
            got=repr(scale),
        )
    return float(scale)


# --- the lesson ------------------------------------------------------------------------------


def memory_run(
    trace: Trace,
    seq: int,
    layer: int,
    direction: int,
    scale: float = 1.0,
    sources: tuple[list[CellSource], list[tuple[str, str]]] | None = None,
) -> Memory:
    """The three cells' influence on sequence `seq`, W_hh times `scale`, for the first
    N steps read (`influence_steps`). `sources`: `cell_sources(trace, seq)` when at hand."""
    scale = check_scale(scale)
    cells, errors = cell_sources(trace, seq) if sources is None else sources
    used = shown_layer(trace.config, layer)
    total = read_steps(trace, seq)
    inputs = trace.inputs[seq, :total]
    steps = influence_steps(trace.config, used, inputs.shape[-1], total)
    if steps == 0:
        raise ConfigError(
            f"This network is too large for the influence view: one step of RNN, LSTM and "
            f"GRU with hidden size {trace.config.hidden_size} and {used + 1} layer(s) "
            f"already passes the limit of {MAX_INFLUENCE_WORK:,} operations. Use a smaller "
            "hidden size or fewer layers.",
            "err_influence_too_big",
            hidden=trace.config.hidden_size,
            layers=used + 1,
            limit=MAX_INFLUENCE_WORK,
        )
    results = tuple(influence(source, inputs, used, direction, scale, steps) for source in cells)
    return Memory(seq, used, direction, scale, steps, total, results, tuple(errors))


def recurrent_eigenvalues(source: CellSource, layer: int, direction: int) -> dict[str, np.ndarray]:
    """PyTorch's letter of each H x H block of W_hh (RNN h; LSTM i, f, g, o; GRU r, z, n)
    -> its eigenvalues (complex128), unscaled: scaling W_hh by k scales them by k."""
    w_hh = layer_weights64(source.weights, layer, direction, 1.0).w_hh.numpy()
    facts = CELL_FACTS[source.cell]
    blocks = np.split(w_hh, facts.blocks, axis=0)
    return {
        letter: np.linalg.eigvals(block).astype(np.complex128)
        for letter, block in zip(facts.letters, blocks, strict=True)
    }


def spectral_radius(eigenvalues: dict[str, np.ndarray], scale: float = 1.0) -> dict[str, float]:
    """Each block's largest |eigenvalue|, times `scale`."""
    return {letter: float(np.abs(values).max()) * scale for letter, values in eigenvalues.items()}


def memory_code(trace: Trace, memory: Memory) -> str:
    """Plain PyTorch, to run after the scene's code (model.codegen.python_code), that
    scales every W_hh by the chosen factor and computes the influence of each shown input
    on the last state read (the line against the gap), for the scene's own cell."""
    config = trace.config
    seq, layer, direction = memory.seq, memory.layer, memory.direction
    own = memory.of(config.cell)
    first, stop = (int(own.positions[0]), int(own.positions[-1]) + 1) if own else (0, 0)
    picked = f"input_data[{seq}, {first}:{stop}]" if config.batch_first else (
        f"input_data[{first}:{stop}, {seq}]"
    )  # fmt: skip
    batch_axis = 0 if config.batch_first else 1
    state = ""
    if config.init_state == "random":
        rows = f"[:, {seq}:{seq + 1}]"
        state = f", (h0{rows}, c0{rows})" if config.cell == "lstm" else f", h0{rows}"
    names = [
        f"weight_hh_l{j}" + suffix
        for j in range(config.num_layers)
        for suffix in ("", "_reverse")[: config.num_directions]
    ]
    width = trace.inputs.shape[-1]
    row = layer * config.num_directions + direction
    which = f"layer {layer + 1}, {'reverse' if direction else 'forward'}"
    h_n = "status[0]  # an LSTM returns (h_n, c_n)" if config.cell == "lstm" else "status"
    return "\n".join([
        '# after the code in the "PyTorch code" tab, which builds input_data and rnn',
        f"k = {memory.scale:g}  # the scale of W_hh (1 = PyTorch's initialisation)",
        "with torch.no_grad():",
        *[f"    rnn.{name}.mul_(k)" for name in names],
        "",
        f"x = {picked}.detach()  # ({stop - first}, {width}): sequence {seq + 1} as read, "
        "the steps shown",
        "with torch.no_grad():",
        f"    outputs, _status = rnn(x.unsqueeze({batch_axis}){state})",
        "print(outputs)  # h_t of the scaled module (its top layer)",
        "",
        "",
        "def last_state(x):",
        f"    _, status = rnn(x.unsqueeze({batch_axis}){state})",
        f"    h_n = {h_n}",
        f"    return h_n[{row}, 0]  # {which}: its state after the last step it read",
        "",
        "",
        "# the norm of d h_last / d x_s for each step s: the influence of each input",
        "jacobian = torch.autograd.functional.jacobian(last_state, x)  # (hidden, steps, input)",
        "influence = jacobian.norm(dim=(0, 2))",
        "print(influence)",
        "",
    ])  # fmt: skip
