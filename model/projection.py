"""Where h_t goes in state space: the raw axes for up to 3 units, PCA beyond that."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Projection:
    coords: np.ndarray  # (N, T, K) float32, K = min(H, 3) or the PCA components; NaN kept
    axis_titles: tuple[str, ...]  # e.g. ("h[0]", "h[1]") or ("PC1 (71%)", "PC2 (20%)")
    is_pca: bool


def project_states(states: np.ndarray, components: int = 2) -> Projection:
    """states (N, T, H), NaN where not computed. H <= 3: the units themselves.
    Otherwise the first `components` principal components, fitted on every computed state
    of every sequence, so the sequences share one set of axes."""
    n, t, h = states.shape
    if h <= 3:
        return Projection(states.astype(np.float32), tuple(f"h[{i}]" for i in range(h)), False)
    flat = states.reshape(-1, h).astype(np.float64)
    rows = ~np.isnan(flat).any(axis=1)
    mean = flat[rows].mean(axis=0)
    _, singular, vt = np.linalg.svd(flat[rows] - mean, full_matrices=False)
    k = min(components, vt.shape[0])
    variance = singular**2
    share = variance[:k] / variance.sum() if variance.sum() > 0 else np.zeros(k)
    coords = (flat - mean) @ vt[:k].T  # NaN rows stay NaN
    titles = tuple(f"PC{i + 1} · {share[i]:.0%} of variance" for i in range(k))
    return Projection(coords.reshape(n, t, k).astype(np.float32), titles, True)
