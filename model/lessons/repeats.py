"""Where a token repeats in a sequence, and how far apart the states after it are.

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
