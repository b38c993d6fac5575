"""Memory over time, one cell: the autograd behind the memory lesson (model/lessons/memory.py
says what is computed and why). The stack's step function in float64 (model.cells'
equations), its per-step Jacobians through `torch.func.jacrev` vmapped over the steps, and
one sweep back in time that turns them into ||dh_t/dx_s|| and ||dh_t/dh_s|| for every t
at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from model.config import ExplorerConfig
from model.equations import LayerWeights, step_gru, step_lstm, step_rnn


@dataclass(frozen=True, eq=False)
class CellSource:
    """One cell's module for the scene's sequence: its weights by PyTorch's names and the
    sequence's initial state. `own`: the scene's own module (trained, if the scene is);
    the other cells are built from the scene's seed, untrained."""

    config: ExplorerConfig  # the scene's, with this cell
    weights: dict[str, np.ndarray]
    h0: np.ndarray  # (L*D, H) the sequence's initial h
    c0: np.ndarray | None  # (L*D, H) LSTM only
    own: bool

    @property
    def cell(self) -> str:
        return self.config.cell


@dataclass(frozen=True, eq=False)
class Influence:
    """One cell on the chosen sequence, N steps, every matrix in time order [t, s]."""

    cell: str
    positions: np.ndarray  # (N,) the time steps shown, ascending
    reverse: bool  # the direction reads from the end
    on_input: np.ndarray  # (N, N) ||dh_t/dx_s||; NaN where h_t cannot depend on x_s
    on_state: np.ndarray  # (N, N) ||dh_t/dh_s|| for s read before t; NaN elsewhere
    hidden: np.ndarray  # (N, H) h_t of the (scaled) module, float64
    own: bool  # the scene's own module

    @property
    def last(self) -> int:
        """Row of the last state read: the last step, or the first for a reverse read."""
        return 0 if self.reverse else len(self.positions) - 1

    @property
    def by_gap(self) -> np.ndarray:
        """(N,) influence of x_s on the last state read, at gap 0, 1, ... from it."""
        row = self.on_input[self.last]
        return row.copy() if self.reverse else row[::-1].copy()

    @property
    def finite(self) -> bool:
        values = np.concatenate([self.on_input.ravel(), self.on_state.ravel(), self.hidden.ravel()])
        return bool(np.isfinite(values[~np.isnan(values)]).all())


# --- one cell ------------------------------------------------------------------------------


def layer_weights64(
    weights: dict[str, np.ndarray], layer: int, direction: int, scale: float
) -> LayerWeights:
    """Layer `layer`, direction `direction`, in float64, W_hh times `scale`."""
    suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")

    def get(name: str) -> torch.Tensor:
        return torch.from_numpy(np.asarray(weights[name + suffix], dtype=np.float64))

    w_ih, w_hh = get("weight_ih"), get("weight_hh") * scale
    if "bias_ih" + suffix in weights:
        b_ih, b_hh = get("bias_ih"), get("bias_hh")
    else:
        b_ih = b_hh = torch.zeros(w_ih.shape[0], dtype=torch.float64)
    return LayerWeights(w_ih, w_hh, b_ih, b_hh)


def stack_step(cell: str, nonlinearity: str, layers: list[LayerWeights], hidden: int):
    """z_{k-1}, x_k -> z_k for a stack of layers read in one direction; z holds each
    layer's h (then an LSTM's c), the first layer first. Shapes (S,), (I,) -> (S,)."""
    width = 2 * hidden if cell == "lstm" else hidden

    def step(z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        new, layer_input = [], x
        for index, w in enumerate(layers):
            h = z[index * width : index * width + hidden]
            if cell == "lstm":
                c = z[index * width + hidden : (index + 1) * width]
                out = step_lstm(layer_input, h, c, w)
                new += [out["h"], out["c"]]
            elif cell == "gru":
                out = step_gru(layer_input, h, w)
                new.append(out["h"])
            else:
                out = step_rnn(layer_input, h, w, nonlinearity)
                new.append(out["h"])
            layer_input = out["h"]
        return torch.cat(new)

    return step


def influence(
    source: CellSource,
    inputs: np.ndarray,
    layer: int,
    direction: int,
    scale: float = 1.0,
    steps: int | None = None,
) -> Influence:
    """One cell's influence matrices on one sequence. `inputs` (T, I): what each step was
    fed, in time order; `layer`: the top of the stack (layers 0..layer, all read in
    `direction`; a bidirectional network: layer 0 only); `steps`: the first N read."""
    config = source.config
    hidden, total = config.hidden_size, inputs.shape[0]
    steps = total if steps is None else steps
    directions = config.num_directions
    reverse = direction == 1
    positions = np.arange(total - steps, total) if reverse else np.arange(steps)
    read = positions[::-1] if reverse else positions  # time step of each step read
    x = torch.from_numpy(np.asarray(inputs[read], dtype=np.float64))  # (N, I) reading order
    stack = [layer_weights64(source.weights, j, direction, scale) for j in range(layer + 1)]
    step = stack_step(config.cell, config.nonlinearity, stack, hidden)
    z0 = _initial_state(source, layer, direction, directions)
    with torch.no_grad():
        states = [z0]
        for k in range(steps):
            states.append(step(states[-1], x[k]))
    z = torch.stack(states)  # (N + 1, S): z_{-1} .. z_{N-1}
    jacobians, input_jacobians = torch.func.vmap(torch.func.jacrev(step, argnums=(0, 1)))(
        z[:-1], x
    )  # (N, S, S), (N, S, I)
    width = 2 * hidden if config.cell == "lstm" else hidden
    rows = slice(layer * width, layer * width + hidden)
    on_input, on_state = sweep(jacobians, input_jacobians, rows)
    hidden_read = z[1:, rows].numpy()
    if reverse:  # reading order -> time order
        on_input, on_state = on_input[::-1, ::-1], on_state[::-1, ::-1]
        hidden_read = hidden_read[::-1]
    return Influence(
        cell=config.cell,
        positions=positions,
        reverse=reverse,
        on_input=np.ascontiguousarray(on_input),
        on_state=np.ascontiguousarray(on_state),
        hidden=np.ascontiguousarray(hidden_read),
        own=source.own,
    )


def _initial_state(source: CellSource, layer: int, direction: int, directions: int):
    """z_{-1}: each layer's h0 (and c0) of this direction, the first layer first."""
    parts = []
    for j in range(layer + 1):
        row = j * directions + direction
        parts.append(source.h0[row])
        if source.c0 is not None:
            parts.append(source.c0[row])
    return torch.from_numpy(np.concatenate(parts).astype(np.float64))


def sweep(jacobians: torch.Tensor, input_jacobians: torch.Tensor, rows: slice):
    """(N, N) ||dh_t/dx_s|| and ||dh_t/dh_s|| in reading order [t, s], from the per-step
    J_k = dz_k/dz_{k-1} (N, S, S) and B_k = dz_k/dx_k (N, S, I); h = z[rows]. The rows
    of every C_t sit in one (N * H, S) matrix, so each step is one plain matrix product."""
    steps, size, _ = jacobians.shape
    pick = torch.eye(size, dtype=torch.float64)[rows]  # (H, S): dh_t/dz_t
    hidden = pick.shape[0]
    cotangents = torch.empty((steps * hidden, size), dtype=torch.float64)
    spare = torch.empty_like(cotangents)
    on_input = np.full((steps, steps), np.nan)
    on_state = np.full((steps, steps), np.nan)
    for s in range(steps - 1, -1, -1):
        cotangents[s * hidden : (s + 1) * hidden] = pick
        active = cotangents[s * hidden :]  # dh_t/dz_s for t = s .. N-1, H rows each
        on_input[s:, s] = _norms(active @ input_jacobians[s], hidden)
        on_state[s + 1 :, s] = _norms(active[hidden:, rows], hidden)
        if s:  # now dh_t/dz_{s-1}
            torch.mm(active, jacobians[s], out=spare[s * hidden :])
            cotangents, spare = spare, cotangents
    return on_input, on_state


def _norms(rows: torch.Tensor, hidden: int) -> np.ndarray:
    """Frobenius norm of each block of `hidden` rows."""
    return rows.square().reshape(-1, hidden * rows.shape[1]).sum(dim=1).sqrt().numpy()
