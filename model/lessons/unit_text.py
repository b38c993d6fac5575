"""Which units are most active over a stretch of time, for any quantity a trace holds:
the hidden state h, the LSTM's cell state c, or a gate.

Means are taken with torch in float64 over the trace's float32 values; positions a
sequence never computed (NaN in the trace) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from model.trace import Trace

HIDDEN, CELL = "h", "c"  # names of the non-gate quantities


# --- which quantities a trace has ------------------------------------------------------


def quantities(trace: Trace) -> tuple[str, ...]:
    """The hidden state h, then the cell state c (LSTM), then the gates in PyTorch's order."""
    names = [HIDDEN] + ([CELL] if trace.cell is not None else [])
    return (*names, *trace.gates)


def quantity_values(trace: Trace, quantity: str) -> np.ndarray:
    """(L, D, N, T, H) float32 values of h, c or a gate; NaN where not computed."""
    if quantity == HIDDEN:
        return trace.hidden
    if quantity == CELL and trace.cell is not None:
        return trace.cell
    if quantity in trace.gates:
        return trace.gates[quantity]
    raise ValueError(f"this trace has no {quantity!r} (it has {', '.join(quantities(trace))})")


# --- units most active over a stretch of time ------------------------------------------


@dataclass(frozen=True, eq=False)
class UnitRanking:
    """Units ranked by how differently they behave inside a stretch of steps than in the
    rest of the sequence (LSTMVis's idea): score = |mean inside - mean outside|, or
    |mean inside| when the stretch covers every computed step."""

    start: int  # first step of the stretch
    stop: int  # last step of the stretch (inclusive)
    units: np.ndarray  # (H,) unit indices, highest score first (ties: lower index first)
    score: np.ndarray  # (H,) score of each unit, in that order
    inside: np.ndarray  # (H,) mean value inside the stretch, in that order
    outside: np.ndarray  # (H,) mean value at the other computed steps (NaN if none)

    @property
    def has_outside(self) -> bool:
        return bool(np.isfinite(self.outside).all())


def rank_units(values: np.ndarray, start: int, stop: int) -> UnitRanking | None:
    """values (T, H) of one sequence, NaN where not computed; the stretch start..stop
    (inclusive). None when no computed step lies in the stretch."""
    steps = values.shape[0]
    computed = np.isfinite(values).all(axis=1)
    start, stop = max(0, min(start, stop)), min(steps - 1, max(start, stop))
    index = np.arange(steps)
    in_range = (index >= start) & (index <= stop)  # a stretch wholly before 0 is empty
    inside_rows, outside_rows = computed & in_range, computed & ~in_range
    if not inside_rows.any():
        return None
    as_tensor = torch.from_numpy(np.asarray(values, dtype=np.float64))
    inside = as_tensor[torch.from_numpy(inside_rows)].mean(dim=0)
    if outside_rows.any():
        outside = as_tensor[torch.from_numpy(outside_rows)].mean(dim=0)
        score = (inside - outside).abs()
    else:
        outside = torch.full_like(inside, float("nan"))
        score = inside.abs()
    order = torch.from_numpy(np.lexsort((np.arange(score.numel()), -score.numpy())))
    return UnitRanking(
        start, stop, order.numpy(), score[order].numpy(), inside[order].numpy(),
        outside[order].numpy(),
    )  # fmt: skip
