"""Where h_t goes in state space: the raw axes for up to 3 units, PCA beyond that."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True, eq=False)
class Projection:
    coords: np.ndarray  # (N, T, K) float32, K = min(H, 3) or the PCA components; NaN kept
    axis_titles: tuple[str, ...]  # e.g. ("h[0]", "h[1]") or ("PC1 (71%)", "PC2 (20%)")
    is_pca: bool
    shares: tuple[float, ...] = ()  # PCA: the share of variance each axis explains


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
    centred = torch.from_numpy(flat[rows] - mean)
    # eigenvectors of the (H, H) scatter matrix: the principal axes, far cheaper than an
    # SVD of the (steps, H) data for long sequences
    variance, vectors = torch.linalg.eigh(centred.T @ centred)
    variance, vectors = variance.flip(0).clamp(min=0).numpy(), vectors.flip(1).numpy().T
    k = min(components, h)
    axes = vectors[:k] * np.sign(vectors[:k, [0]] + (vectors[:k, [0]] == 0))  # fixed sign
    total = variance.sum()
    share = variance[:k] / total if total > 0 else np.zeros(k)
    coords = (flat - mean) @ axes.T  # NaN rows stay NaN
    titles = tuple(f"PC{i + 1} · {share[i]:.0%} of variance" for i in range(k))
    shares = tuple(float(s) for s in share)
    return Projection(coords.reshape(n, t, k).astype(np.float32), titles, True, shares)
