"""Presenter mode for figures: the same spec, readable at the back of a lecture hall.
Pure: `components.charting` applies it when the presenter switch is on, so the builders
know nothing about the lecture hall."""

from __future__ import annotations

import numpy as np

PRESENTER_FONT = 1.4  # presenter mode: fonts x1.4, markers x1.6, lines x1.6
PRESENTER_MARK = 1.6


def enlarge(spec: dict) -> dict:
    """A copy of a figure spec for the back of a lecture hall: every font size, marker
    size and line width scaled up, and the plot a little taller, except the charts with a
    time cursor, which are sized to fit a projector's first screen already. The input is
    not changed (specs are memoised)."""
    big = _scaled(spec, "")
    layout = big.setdefault("layout", {})
    if "height" in layout and "hse" not in layout.get("meta", {}):
        layout["height"] = int(layout["height"] * 1.15)
    return big


def _scaled(node, parent: str):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "size" and parent in ("font", "tickfont", "textfont"):
                out[key] = _times(value, PRESENTER_FONT)
            elif key == "size" and parent == "marker" or key == "width" and parent == "line":
                out[key] = _times(value, PRESENTER_MARK)
            else:
                out[key] = _scaled(value, key)
        return out
    if isinstance(node, list):
        return [_scaled(item, parent) for item in node]
    return node


def _times(value, factor: float):
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return round(value * factor, 1)
    if isinstance(value, np.ndarray) and value.dtype.kind in "fi":
        return (value * factor).astype(np.float32)
    if isinstance(value, list):
        return [_times(v, factor) for v in value]
    return value
