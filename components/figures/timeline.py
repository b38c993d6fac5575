"""The main view's figure: the hidden state of one sequence, layer and direction as a
heatmap (units x time), the chosen units as lines, and the path of h_t through state
space, with one time cursor across all three. A pure builder; no Streamlit here; the
shared pieces are in `components.figures.parts`.

One diverging colour scale for activations in [-1, 1] everywhere; tokens on every time
axis; a time cursor that moves in the browser (Plotly frames and a slider), never by
rerunning Python.

Speed: each builder writes the figure as a plain dict (`*_spec`) and wraps it once,
unvalidated. Plotly's validating constructors and `make_subplots` cost hundreds of
milliseconds per figure with hundreds of frames; the specs here are checked by the tests
instead, and by the browser tests that draw them.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.figures.parts import (
    BOTTOM,
    CURSOR,
    FONT_SIZE,
    LEFT,
    MAX_POINT_LABELS,
    PATH_BLUE,
    RIGHT,
    TOP,
    UNIT_COLOURS,
    animation,
    as_figure,
    base_layout,
    chart_title,
    coloraxis,
    colour_range,
    cursor_shape,
    display_token,
    heatmap,
    is_bounded,
    subplot_title,
    time_axis,
    tokens_fit,
    unit_axis,
)
from components.i18n import t as tr
from model.projection import Projection, project_states
from model.trace import Trace


def _plane(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(T, K) -> x, y. One unit: x = value, y = time step (a path along a line)."""
    if coords.shape[1] == 1:
        return coords[:, 0], np.arange(len(coords), dtype=np.float32)
    return coords[:, 0], coords[:, 1]


def _point_shape(coords: np.ndarray, t: int) -> list[dict]:
    """Always one shape (hidden past a line's end): frames merge shape lists by index, so a
    missing one would leave the previous step's circle on screen."""
    x, y = _plane(coords)
    if not (np.isfinite(x[t]) and np.isfinite(y[t])):
        return [{"type": "circle", "xref": "x2", "yref": "y2", "visible": False,
                 "x0": 0, "x1": 0, "y0": 0, "y1": 0}]  # fmt: skip
    return [{
        "type": "circle", "xref": "x2", "yref": "y2", "xsizemode": "pixel",
        "ysizemode": "pixel", "xanchor": float(x[t]), "yanchor": float(y[t]),
        "x0": -12, "x1": 12, "y0": -12, "y1": 12, "line": {"color": CURSOR, "width": 4},
    }]  # fmt: skip


def _label(tokens, t: int) -> str:
    return f"<b>{display_token(tokens[t])}</b> (t={t})"


def _point_label(coords: np.ndarray, tokens, t: int) -> list[dict]:
    x, y = _plane(coords)
    if not (np.isfinite(x[t]) and np.isfinite(y[t])):  # always one label, as for the shape
        return [{"x": 0, "y": 0, "xref": "x2", "yref": "y2", "text": "", "visible": False,
                 "showarrow": False}]  # fmt: skip
    return [{
        "x": float(x[t]), "y": float(y[t]), "xref": "x2", "yref": "y2", "text": _label(tokens, t),
        "showarrow": True, "arrowhead": 0, "arrowwidth": 2, "ax": 0, "ay": 44,
        "font": {"size": FONT_SIZE + 2, "color": CURSOR}, "bgcolor": "rgba(255,255,255,0.85)",
    }]  # fmt: skip


def _scene_label(coords: np.ndarray, tokens, t: int) -> list[dict]:
    if not np.isfinite(coords[t]).all():  # always one label, as for the 2-D shape
        return [{"x": 0, "y": 0, "z": 0, "text": "", "visible": False, "showarrow": False}]
    x, y, z = (float(v) for v in coords[t])
    return [{
        "x": x, "y": y, "z": z, "text": _label(tokens, t), "showarrow": True, "arrowhead": 0,
        "arrowwidth": 2, "ax": 0, "ay": -44, "font": {"size": FONT_SIZE + 2, "color": CURSOR},
        "bgcolor": "rgba(255,255,255,0.85)",
    }]  # fmt: skip


# --- the timeline ----------------------------------------------------------------------


def timeline_spec(
    trace: Trace,
    seq: int,
    layer: int,
    direction: int,
    units: list[int] | None = None,
    lang: str = "en",
) -> dict:
    """The main view: heatmap of h_t (units x time), each chosen unit as a line, and the
    path of h_t through state space, with one time cursor across all three."""
    states = trace.hidden[layer, direction, seq]  # (T, H)
    tokens = trace.tokens[seq]
    steps, hidden = states.shape
    units = list(range(min(hidden, len(UNIT_COLOURS)))) if units is None else units
    bounded = is_bounded(trace)
    zmin, zmax = colour_range(trace.hidden, bounded)
    projection = project_states(trace.hidden[layer, direction])
    coords = projection.coords[seq]  # (T, K)
    three_d = coords.shape[1] == 3
    data = [heatmap(states, tokens, "h", "x", "y", lang), *_unit_lines(states, units)]
    data += _state_space_traces(trace, seq, projection, three_d)
    title = chart_title(tr("fig_hidden_state", lang), trace, seq, layer, direction, lang)
    layout = base_layout(title, 670)
    layout.update(_left_axes(tokens, hidden, zmin, zmax, lang))
    layout.update(_state_space_axes(projection, bounded, three_d, lang))
    space = tr("fig_state_space_pca" if projection.is_pca else "fig_state_space", lang)
    titles = [
        subplot_title(tr("fig_every_unit", lang), LEFT, TOP[1]),
        subplot_title(space, RIGHT, 1.0),
        subplot_title(tr("fig_chosen_units", lang), LEFT, BOTTOM[1]),
    ]

    def layout_at(t: int) -> dict:
        shapes = [cursor_shape(t, "x", "y"), cursor_shape(t, "x3", "y3")]
        if three_d:
            return {"shapes": shapes, "annotations": titles,
                    "scene": {"annotations": _scene_label(coords, tokens, t)}}  # fmt: skip
        shapes += _point_shape(coords, t)
        return {"shapes": shapes, "annotations": titles + _point_label(coords, tokens, t)}

    scene = layout.get("scene", {})  # animation sets the t = 0 layout, scene included
    frames = animation(layout, layout_at, steps, tokens, redraw=three_d, lang=lang)
    if three_d:
        layout["scene"] = {**scene, **layout_at(0)["scene"]}
    return {"data": data, "layout": layout, "frames": frames}


def _unit_lines(states: np.ndarray, units: list[int]) -> list[dict]:
    """Each chosen unit of h_t (T, H) as a line, named at its last point."""
    lines = []
    for index, unit in enumerate(units):
        colour = UNIT_COLOURS[index % len(UNIT_COLOURS)]
        lines.append({
            "type": "scatter", "x": list(range(len(states))),
            "y": states[:, unit].astype(np.float32),
            "mode": "lines+markers+text", "name": f"h[{unit}]", "legendgroup": "units",
            "text": end_label(states[:, unit], f"h[{unit}]"), "textposition": "middle right",
            "textfont": {"color": colour}, "cliponaxis": False,
            "line": {"color": colour, "width": 3}, "marker": {"size": 7},
            "hovertemplate": f"h[{unit}] t=%{{x}}: %{{y:.4f}}<extra></extra>",
            "xaxis": "x3", "yaxis": "y3",
        })  # fmt: skip
    return lines


def _left_axes(tokens, hidden: int, zmin: float, zmax: float, lang: str) -> dict:
    """The heatmap's axes (top left), the unit lines' (bottom left), the colour axis."""
    return {
        "xaxis": time_axis(tokens, title=False, with_step=False, lang=lang, domain=list(LEFT),
                           anchor="y"),
        "yaxis": unit_axis(hidden, tr("fig_hidden_unit", lang), domain=list(TOP), anchor="x"),
        "xaxis3": time_axis(tokens, title=True, lang=lang, domain=list(LEFT), anchor="y3"),
        "yaxis3": {"title": {"text": tr("fig_value", lang)},
                   "range": [zmin * 1.05, zmax * 1.05], "domain": list(BOTTOM),
                   "anchor": "x3", "gridcolor": "white"},
        "coloraxis": coloraxis(zmin, zmax, lang, x=0.5, xanchor="left", len=0.5, y=0.78),
    }  # fmt: skip


def timeline_figure(
    trace: Trace, seq: int, layer: int, direction: int, units=None, lang: str = "en"
) -> go.Figure:
    return as_figure(timeline_spec(trace, seq, layer, direction, units, lang))


def _state_space_traces(trace: Trace, seq: int, projection: Projection, three_d: bool) -> list:
    """The other sequences' paths (faint, one trace), then this sequence's path."""
    all_coords = projection.coords
    coords = all_coords[seq]
    tokens = trace.tokens[seq]
    axes = {"scene": "scene"} if three_d else {"xaxis": "x2", "yaxis": "y2"}
    kind = "scatter3d" if three_d else "scatter"
    traces = []
    others = [i for i in range(all_coords.shape[0]) if i != seq]
    if others:
        gap = np.full((1, all_coords.shape[2]), np.nan, dtype=np.float32)
        joined = np.concatenate([np.concatenate([all_coords[i], gap]) for i in others])
        if joined.shape[1] == 1:  # one unit: time on y, per sequence
            line = np.append(np.arange(all_coords.shape[1], dtype=np.float32), np.nan)
            xy = {"x": joined[:, 0], "y": np.tile(line, len(others)).astype(np.float32)}
        else:
            xy = {"x": joined[:, 0], "y": joined[:, 1]}
            if three_d:
                xy["z"] = joined[:, 2]
        traces.append({
            "type": kind, **xy, **axes, "mode": "lines", "opacity": 0.6,
            "line": {"color": "#9aa5b1", "width": 2}, "name": "other sequences",
            "hoverinfo": "skip", "showlegend": False,
        })  # fmt: skip
    labels = [display_token(t) for t in tokens] if tokens_fit(tokens, MAX_POINT_LABELS) else None
    x, y = _plane(coords)
    path = {
        "type": kind, **axes, "x": x, "y": y, "name": "path of h_t", "showlegend": False,
        "mode": "lines+markers+text" if labels else "lines+markers", "text": labels,
        "customdata": list(range(len(tokens))),
        "hovertext": [display_token(t) for t in tokens],
        "hovertemplate": "t=%{customdata}: %{hovertext}<extra></extra>",
    }  # fmt: skip
    if three_d:
        path.update(z=coords[:, 2], line={"color": PATH_BLUE, "width": 5}, marker={"size": 4})
    else:
        path.update(textposition="top center", line={"color": PATH_BLUE, "width": 3},
                    marker={"size": 10, "color": PATH_BLUE})  # fmt: skip
    traces.append(path)
    return traces


def _state_space_axes(projection: Projection, bounded: bool, three_d: bool, lang: str) -> dict:
    titles = projection_titles(projection, lang)
    limit = None
    if bounded and not projection.is_pca:  # symmetric around 0, never past tanh's [-1, 1]
        finite = projection.coords[np.isfinite(projection.coords)]
        largest = float(np.abs(finite).max()) if finite.size else 1.0
        half = min(1.1, max(0.2, 1.2 * largest))
        limit = [-half, half]
    ranged = {"range": limit} if limit else {}
    if three_d:
        return {"scene": {
            "domain": {"x": list(RIGHT), "y": [0.0, 1.0]}, "aspectmode": "cube",
            "xaxis": {"title": {"text": titles[0]}, **ranged},
            "yaxis": {"title": {"text": titles[1]}, **ranged},
            "zaxis": {"title": {"text": titles[2]}, **ranged},
        }}  # fmt: skip
    x_axis = {"domain": list(RIGHT), "anchor": "y2", "title": {"text": titles[0]},
              "gridcolor": "white", **ranged}  # fmt: skip
    if len(titles) == 1:
        y_axis = {"domain": [0.0, 1.0], "anchor": "x2", "autorange": "reversed",
                  "title": {"text": tr("fig_time_step", lang)}, "gridcolor": "white"}  # fmt: skip
    else:
        y_axis = {"domain": [0.0, 1.0], "anchor": "x2", "title": {"text": titles[1]},
                  "gridcolor": "white", "scaleanchor": "x2", "scaleratio": 1,
                  "constrain": "domain", **ranged}  # fmt: skip
        x_axis["constrain"] = "domain"
    return {"xaxis2": x_axis, "yaxis2": y_axis}


def projection_titles(projection: Projection, lang: str = "en") -> tuple[str, ...]:
    """Axis titles of the state-space plot: h[i], or PC k with its share of variance."""
    if not projection.is_pca:
        return projection.axis_titles
    return tuple(
        tr("fig_pc", lang, k=k + 1, share=f"{share:.0%}")
        for k, share in enumerate(projection.shares)
    )


def end_label(values: np.ndarray, label: str) -> list[str]:
    """The unit's name beside its last computed point, so no legend is needed."""
    text = [""] * len(values)
    finite = np.flatnonzero(np.isfinite(values))
    if finite.size:
        text[int(finite[-1])] = label
    return text
