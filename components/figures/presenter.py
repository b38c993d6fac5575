"""Presenter mode for figures: the same spec, readable at the back of a lecture hall.
Pure: `components.charting` applies it when the presenter switch is on, so the builders
know nothing about the lecture hall."""

from __future__ import annotations

import numpy as np

from components.figures.cursor import cursor_meta
from components.figures.parts import cartesian_axes

PRESENTER_FONT = 1.4  # presenter mode: fonts x1.4, markers x1.6, lines x1.6
PRESENTER_MARK = 1.6
PRESENTER_TICKS = 0.6  # an axis that asks for n ticks asks for 0.6 n (at least 3)
PRESENTER_WINDOW = 0.6  # a long sequence's window of steps, narrowed for the larger tokens
PRESENTER_CAMERA = 1.45  # a 3-D scene's camera steps back: its larger labels stay in view


def enlarge(spec: dict) -> dict:
    """A copy of a figure spec for the back of a lecture hall: every font size, marker
    size and line width scaled up, and the plot a little taller, except the charts with a
    time cursor, which are sized to fit a projector's first screen already. The input is
    not changed (specs are memoised)."""
    big = _scaled(spec, "")
    layout = big.setdefault("layout", {})
    cursor = cursor_meta(layout)
    if "height" in layout and cursor is None:
        layout["height"] = int(layout["height"] * 1.15)
    if "legend" in spec.get("layout", {}):  # the legend stays clear of the colour bar
        legend_font = spec["layout"]["legend"].get("font", {})
        if "size" in legend_font:
            layout["legend"]["font"]["size"] = legend_font["size"]
    if "subtitle" in layout.get("title", {}) and "t" in layout.get("margin", {}):
        # the title and its subtitle are centred in the top margin: it grows with them
        layout["margin"]["t"] = round(layout["margin"]["t"] * PRESENTER_FONT)
    measure = layout.get("margin", {}).get("autoexpand") is False  # larger labels: measure
    if measure:
        layout["margin"]["autoexpand"] = True
    scene = layout.get("scene", {})
    scene_axes = [scene[name] for name in ("xaxis", "yaxis", "zaxis") if name in scene]
    for axis in [*cartesian_axes(layout), *scene_axes]:
        if "nticks" in axis:  # larger tick labels: fewer of them, or they touch
            axis["nticks"] = max(3, round(axis["nticks"] * PRESENTER_TICKS))
    for axis in cartesian_axes(layout) if measure else []:
        axis["automargin"] = True
    eye = scene.get("camera", {}).get("eye")
    if eye:  # a scene's labels are drawn around its cube, inside the chart's width
        scene["camera"]["eye"] = {k: v * PRESENTER_CAMERA for k, v in eye.items()}
    for axis in (cursor or {}).get("window_axes", []):  # larger type: a narrower window
        low, high = layout[axis]["range"]
        layout[axis]["range"] = [low, low + (high - low) * PRESENTER_WINDOW]
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
