"""Questions asked of a trace: where a token repeats and how far apart its states are, and
which units are most active over a stretch of time.

Distances are computed with torch (`torch.cdist` in float64) on the trace's float32
states. Positions a sequence never computed (NaN in the trace) and padding tokens
are left out everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from model.encoding import PAD_TOKEN
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


# --- repeated tokens -------------------------------------------------------------------


def token_steps(tokens: tuple[str, ...], valid: np.ndarray) -> dict[str, tuple[int, ...]]:
    """Each token of one sequence -> the computed steps that read it, first appearance
    first. Padding ("·") and steps past the end are left out."""
    found: dict[str, list[int]] = {}
    for step, token in enumerate(tokens):
        if token != PAD_TOKEN and bool(valid[step]):
            found.setdefault(token, []).append(step)
    return {token: tuple(steps) for token, steps in found.items()}


def repeated_tokens(tokens: tuple[str, ...], valid: np.ndarray) -> dict[str, tuple[int, ...]]:
    """Only the tokens read at two or more computed steps."""
    return {tok: steps for tok, steps in token_steps(tokens, valid).items() if len(steps) > 1}


def pairwise_distances(states: np.ndarray) -> np.ndarray:
    """states (T, H) -> (T, T) float64 Euclidean distances: torch.cdist in float64 (its
    matrix-product shortcut beyond 25 rows is then good to ~1e-6; in float32 it is off by
    1e-3), with each state's distance to itself set to exactly 0. NaN rows stay NaN."""
    x = torch.from_numpy(np.asarray(states, dtype=np.float64))
    distances = torch.cdist(x, x)
    distances.diagonal().masked_fill_(~torch.isnan(distances.diagonal()), 0.0)
    return distances.numpy()


def cosine_similarities(states: np.ndarray) -> np.ndarray:
    """states (T, H) -> (T, T) float64 cosine similarity: unit vectors (norms floored at
    1e-8, as torch.nn.functional.cosine_similarity does) multiplied, so no (T, T, H)
    tensor is ever built."""
    x = torch.from_numpy(np.asarray(states, dtype=np.float64))
    unit = torch.nn.functional.normalize(x, dim=1, eps=1e-8)
    return (unit @ unit.T).numpy()


def _upper(matrix: np.ndarray) -> np.ndarray:
    """The values above the diagonal: one per pair."""
    return matrix[np.triu_indices(matrix.shape[0], k=1)]


@dataclass(frozen=True, eq=False)
class Repeat:
    """One token read at several steps, and how far apart the states after it are."""

    token: str
    steps: tuple[int, ...]  # (k,) the computed steps that read it
    distances: np.ndarray  # (k, k) Euclidean distance between the states at those steps
    cosine: np.ndarray  # (k, k) cosine similarity between them

    @property
    def mean_distance(self) -> float:
        return float(_upper(self.distances).mean())

    @property
    def mean_cosine(self) -> float:
        return float(_upper(self.cosine).mean())

    @property
    def closest(self) -> tuple[int, int, float]:
        return self._pair(np.argmin)

    @property
    def farthest(self) -> tuple[int, int, float]:
        return self._pair(np.argmax)

    def _pair(self, pick) -> tuple[int, int, float]:
        rows, cols = np.triu_indices(len(self.steps), k=1)
        i = int(pick(self.distances[rows, cols]))
        a, b = int(rows[i]), int(cols[i])
        return self.steps[a], self.steps[b], float(self.distances[a, b])


@dataclass(frozen=True, eq=False)
class RepeatsReport:
    """Repeated tokens of one sequence (one layer, one direction) and, for contrast, the
    typical distance between any two of its states."""

    repeats: tuple[Repeat, ...]  # in order of first appearance
    distances: np.ndarray  # (T, T) float64 between every two steps; NaN past the end
    typical_distance: float | None  # mean over every pair of computed steps; None if < 2
    pairs: int  # how many pairs that mean is taken over

    def find(self, token: str) -> Repeat | None:
        return next((r for r in self.repeats if r.token == token), None)


def find_repeats(trace: Trace, seq: int, layer: int, direction: int) -> RepeatsReport:
    states = trace.hidden[layer, direction, seq]  # (T, H)
    valid = trace.valid[seq]
    distances = pairwise_distances(states)
    cosine = cosine_similarities(states)
    repeats = tuple(
        Repeat(token, steps, distances[np.ix_(steps, steps)], cosine[np.ix_(steps, steps)])
        for token, steps in repeated_tokens(trace.tokens[seq], valid).items()
    )
    computed = np.flatnonzero(valid)
    among = _upper(distances[np.ix_(computed, computed)])
    typical = float(among.mean()) if among.size else None
    return RepeatsReport(repeats, distances, typical, int(among.size))


def sequences_with_repeats(trace: Trace) -> list[int]:
    """The sequences (as read) in which some token repeats."""
    valid = trace.valid
    return [n for n, tokens in enumerate(trace.tokens) if repeated_tokens(tokens, valid[n])]


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
