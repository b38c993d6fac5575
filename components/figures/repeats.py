"""The "Same token, different state" lesson's figure: a repeated token's states (the
heatmap of h_t with the token's steps outlined) beside the distance between the states
at every two steps. A pure builder returning a Plotly spec dict; no Streamlit here.

User text reaches this figure only as Plotly labels, escaped by `display_token`.
"""

from __future__ import annotations

import numpy as np

from components.figures.parts import (
    MARK,
    base_layout,
    coloraxis,
    colour_range,
    display_token,
    heatmap,
    is_bounded,
    subplot_title,
    time_axis,
    titled,
    unit_axis,
    where,
)
from components.i18n import t
from model.lessons.repeats import RepeatsReport
from model.trace import Trace

MAX_MATRIX_STEPS = 120  # longer sequences: no step-by-step distance matrix
MAX_OUTLINED = 40  # a token read more often is marked by ticks, not outlined columns
MAX_OUTLINED_PAIRS = 12  # ... and its pairs in the distance matrix are not outlined
PAIR = "#e6550d"  # outline of a repeated token's pairs in the distance matrix
DISTANCE_SCALE = "Greys"  # reversed: 0 = white, far = dark (distances are not activations)


def repeats_spec(
    trace: Trace, seq: int, layer: int, direction: int, report: RepeatsReport, token: str,
    lang: str,
) -> dict:  # fmt: skip
    """Left: h_t of every unit with the token's steps outlined. Right (sequences up to
    MAX_MATRIX_STEPS): the distance between h_t at every two steps, the token's pairs
    outlined. Every number is the backend's (`report`)."""
    states = trace.hidden[layer, direction, seq]  # (T, H)
    tokens = trace.tokens[seq]
    steps, units = states.shape
    repeat = report.find(token)
    marked = repeat.steps if repeat else ()
    matrix = steps <= MAX_MATRIX_STEPS
    left = (0.0, 0.40) if matrix else (0.0, 0.93)
    right = (0.55, 0.93)
    zmin, zmax = colour_range(trace.hidden, is_bounded(trace))
    data = [heatmap(states, tokens, "h", "x", "y")]
    shown = display_token(token)
    title = t("repeats_fig_title", lang, token=shown)
    layout = base_layout(titled(title, where(trace, lang, seq, layer, direction)), 520)
    layout["margin"] = {"l": 80, "r": 40, "t": 110, "b": 100}
    time_x = time_axis(tokens, title=True, lang=lang, domain=list(left), anchor="y")
    layout.update(
        xaxis=bold_ticks(time_x, marked),
        yaxis=unit_axis(
            units,
            t("fig_unit", lang),
            domain=[0.0, 1.0],
            anchor="x",
            autorange=False,
            range=[units - 0.5, -0.5],
        ),
        coloraxis=coloraxis(zmin, zmax, x=left[1] + 0.01, xanchor="left", len=1.0),
    )
    layout["coloraxis"]["colorbar"]["title"]["text"] = "h"
    if len(marked) <= MAX_OUTLINED:
        shapes = [_column(step, "x", "y") for step in marked]
    else:  # hundreds of outlines are slow and unreadable: one tick per step instead
        shapes = [_rug(marked)]
    titles = [subplot_title(t("repeats_fig_left", lang, token=shown), left, 1.03)]
    if matrix:
        data.append(_distance_matrix(report.distances, tokens))
        layout.update(_matrix_axes(tokens, marked, right, lang))
        if len(marked) <= MAX_OUTLINED_PAIRS:
            shapes += [_pair_box(a, b) for a in marked for b in marked if a != b]
        titles.append(subplot_title(t("repeats_fig_right", lang), right, 1.03))
    layout["shapes"], layout["annotations"] = shapes, titles
    return {"data": data, "layout": layout}


def _column(step: int, xref: str, yref: str) -> dict:
    return {"type": "rect", "xref": xref, "yref": f"{yref} domain", "x0": step - 0.5,
            "x1": step + 0.5, "y0": 0, "y1": 1, "line": {"color": MARK, "width": 4}}  # fmt: skip


def _rug(steps: tuple[int, ...]) -> dict:
    """One path shape: a short tick down from the heatmap's top edge at each step."""
    path = " ".join(f"M {step},1 L {step},0.88" for step in steps)
    return {"type": "path", "xref": "x", "yref": "y domain", "path": path,
            "line": {"color": MARK, "width": 3}}  # fmt: skip


def _pair_box(a: int, b: int) -> dict:
    return {"type": "rect", "xref": "x2", "yref": "y2", "x0": a - 0.5, "x1": a + 0.5,
            "y0": b - 0.5, "y1": b + 0.5, "line": {"color": PAIR, "width": 4}}  # fmt: skip


def _distance_matrix(distances: np.ndarray, tokens) -> dict:
    steps = len(tokens)
    labels = np.array([display_token(tok) for tok in tokens], dtype=object)
    hover = np.array([[f"h_{i} ({labels[i]}) ↔ h_{j} ({labels[j]})" for j in range(steps)]
                      for i in range(steps)], dtype=object)  # fmt: skip
    return {
        "type": "heatmap", "z": distances.astype(np.float32), "x": list(range(steps)),
        "y": list(range(steps)), "xaxis": "x2", "yaxis": "y2", "coloraxis": "coloraxis2",
        "customdata": hover, "hoverongaps": False, "name": "distance",
        "hovertemplate": "%{customdata}<br>distance = %{z:.4f}<extra></extra>",
    }  # fmt: skip


def _matrix_axes(tokens, marked, right: tuple[float, float], lang: str) -> dict:
    x_axis = time_axis(tokens, title=True, lang=lang, domain=list(right), anchor="y2")
    x_axis = bold_ticks(x_axis, marked)
    y_axis = bold_ticks(time_axis(tokens, title=False, with_step=False, anchor="x2"), marked)
    y_axis.update(domain=[0.0, 1.0], autorange="reversed", scaleanchor="x2", constrain="domain")
    y_axis.pop("range", None)
    x_axis["constrain"] = "domain"
    colorbar = {"title": {"text": t("repeats_fig_distance", lang), "side": "top"},
                "thickness": 14, "x": right[1] + 0.01, "xanchor": "left", "len": 1.0}  # fmt: skip
    scale = {"colorscale": DISTANCE_SCALE, "reversescale": True, "cmin": 0.0, "colorbar": colorbar}
    return {"xaxis2": x_axis, "yaxis2": y_axis, "coloraxis2": scale}


def bold_ticks(axis: dict, steps: tuple[int, ...]) -> dict:
    """Marked steps' tick labels in bold (labels are already escaped)."""
    if "ticktext" in axis:
        axis["ticktext"] = [f"<b>{label}</b>" if i in steps else label
                            for i, label in enumerate(axis["ticktext"])]  # fmt: skip
    return axis
