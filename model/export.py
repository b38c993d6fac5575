"""The scene's states as a table (CSV) and as arrays (NumPy .npz)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from model.trace import Trace


def states_table(trace: Trace) -> pd.DataFrame:
    """One row per (sequence, layer, direction, timestep) with a computed state; columns
    h_0..h_{H-1}, then c_* (LSTM) and one block per gate (e.g. forget_0..). Sequences and
    layers count from 1, as on screen; timesteps and units from 0, as on the axes."""
    L, D, N, T, H = trace.hidden.shape
    layer, direction, seq, step = np.meshgrid(
        np.arange(L), np.arange(D), np.arange(N), np.arange(T), indexing="ij"
    )
    keep = np.broadcast_to(trace.valid, (L, D, N, T)).reshape(-1)
    tokens = np.array(trace.tokens, dtype=object)  # (N, T)
    columns = {
        "sequence": seq.reshape(-1) + 1,
        "layer": layer.reshape(-1) + 1,
        "direction": np.where(direction.reshape(-1) == 0, "forward", "reverse"),
        "timestep": step.reshape(-1),
        "token": tokens[seq.reshape(-1), step.reshape(-1)],
    }
    blocks = {"h": trace.hidden}
    if trace.cell is not None:
        blocks["c"] = trace.cell
    blocks.update(trace.gates)
    for name, values in blocks.items():
        flat = values.reshape(-1, H)
        for unit in range(H):
            columns[f"{name}_{unit}"] = flat[:, unit]
    return pd.DataFrame(columns)[keep].reset_index(drop=True)


def states_csv(trace: Trace) -> bytes:
    return states_table(trace).to_csv(index=False, float_format="%.7g").encode("utf-8")


def states_npz(trace: Trace) -> bytes:
    """Arrays keep their (L, D, N, T, H) shape; NaN marks steps never computed."""
    arrays = {
        "hidden": trace.hidden,
        "tokens": np.array(trace.tokens, dtype=np.str_),
        "lengths": trace.lengths,
        "inputs": trace.inputs,
        "output": trace.output,
        "h_n": trace.h_n,
    }
    arrays["h0"] = trace.initial_hidden
    if trace.cell is not None:
        arrays["cell"] = trace.cell
        arrays["c_n"] = trace.c_n
        arrays["c0"] = trace.initial_cell
    arrays.update({f"gate_{k}": v for k, v in trace.gates.items()})
    arrays.update({f"pre_{k}": v for k, v in trace.preactivations.items()})
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()
