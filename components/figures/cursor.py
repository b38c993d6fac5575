"""The time cursor's marks in a figure, moved in the browser by `components.stepper`.

A figure with a time cursor names the shapes and labels that move (a dotted line per
time axis, a ring and its label in state space) and carries, in `layout.meta[0].hse`, its
number of steps and the per-step positions of whatever is not a vertical line. The
stepper relayouts only those: no Plotly frames (plotly.js drops a heatmap when frames
carry trace data, and a chart redrawn by fullscreen or a new scene loses its frames but
keeps its layout). Pure: plain dicts, no Streamlit.
"""

from __future__ import annotations

import numpy as np

CURSOR = "#111111"
CURSOR_NAME = "hse_cursor"  # a dotted vertical line at x = t on a time axis
POINT_NAME = "hse_point"  # the ring around the current step's point in state space
POINT_LABEL_NAME = "hse_point_label"  # ... and its token label


def cursor_shape(t: int, xref: str, yref: str) -> dict:
    return {
        "type": "line", "name": CURSOR_NAME, "xref": xref, "yref": f"{yref} domain",
        "x0": t, "x1": t, "y0": 0, "y1": 1, "line": {"color": CURSOR, "width": 3, "dash": "dot"},
    }  # fmt: skip


def time_meta(steps: int, **moving) -> list[dict]:
    """layout.meta of a figure with a time cursor: `steps`, `step` (the step its marks are
    drawn at: 0, so the stepper leaves a new chart alone when the cursor is there), and
    optionally `point` (x, y, text per step: the state-space ring), `scene_point` (x, y,
    z, text and the trace index of a 3-D marker) and `window_axes` (x axes that pan to
    keep the cursor in view).

    A one-item list, not a dict: Plotly.react compares an object-valued `meta` by
    identity, so every redraw with an equal copy of the spec (Streamlit redraws each new
    chart once more with its theme applied to a JSON copy) became a full replot; a list
    is compared like the data arrays, by `datarevision` (components.charting)."""
    return [{"hse": {"steps": int(steps), "step": 0, **moving}}]


def cursor_meta(layout: dict) -> dict | None:
    """The time cursor's meta (`time_meta`'s dict) of a figure's layout, or None."""
    meta = layout.get("meta")
    if isinstance(meta, list) and meta and isinstance(meta[0], dict):
        return meta[0].get("hse")
    return None


def finite_list(values: np.ndarray) -> list[float | None]:
    """Per-step positions as JSON: floats, None where no state was computed."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=np.float64)]
