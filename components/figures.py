"""Figure builders: pure functions from a Trace to a plotly Figure. No Streamlit here.

One diverging colour scale for activations in [-1, 1] everywhere; tokens on every time
axis; a time cursor that moves in the browser (Plotly frames and a slider), never by
rerunning Python.

Speed: each builder writes the figure as a plain dict (`*_spec`) and wraps it once,
unvalidated. Plotly's validating constructors and `make_subplots` cost hundreds of
milliseconds per figure with hundreds of frames; the specs here are checked by the tests
instead, and by the browser tests that draw them.
"""

from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go

from model.projection import Projection, project_states
from model.trace import Trace

DIVERGING = "RdBu_r"  # blue = negative, white = 0, red = positive
DIVERGING_SCALE = go.layout.Coloraxis(colorscale=DIVERGING).colorscale
PADDING_GREY = "#d4d4d4"  # shows through where no state was computed (NaN)
CURSOR = "#111111"
PATH_BLUE = "#2b6cb0"
UNIT_COLOURS = (
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
)  # fmt: skip
GATE_LABELS = {
    "input": "input gate i",
    "forget": "forget gate f",
    "candidate": "candidate g",
    "output": "output gate o",
    "reset": "reset gate r",
    "update": "update gate z",
}
FONT_SIZE = 16
MAX_FRAMES = 250  # longer sequences get a frame every k steps
MAX_TICK_LABELS = 60  # beyond this many steps, the time axis shows numbers only
MAX_LABEL_CHARS = 64  # ... or when steps x (longest token + 1) passes this (long words, numbers)
MAX_POINT_LABELS = 30  # beyond this many steps, trajectory points are not labelled
MAX_HOVER_CELLS = 4_000  # per-cell token hover text only for heatmaps up to this size
CONTROLS_GAP = 72  # pixels between a plot's bottom and the play buttons: room for the axis
CONTROLS_MARGIN = 160  # bottom margin holding the axis title, buttons and slider
MAX_GATE_UNITS = 32  # larger layers show only the chosen units in the gates figure

# The timeline's grid: heatmap top-left, unit lines bottom-left, state space right.
LEFT, RIGHT = (0.0, 0.492), (0.672, 1.0)
TOP, BOTTOM = (0.538, 1.0), (0.0, 0.378)


def display_token(token: str) -> str:
    """A token as Plotly text: HTML-escaped (Plotly reads a few tags), spaces visible."""
    if token == " ":
        return "␣"
    return html.escape(token, quote=False)


def time_labels(tokens: tuple[str, ...], with_step: bool = True) -> list[str]:
    if not with_step:
        return [display_token(tok) for tok in tokens]
    return [f"{display_token(tok)}<br><sub>{t}</sub>" for t, tok in enumerate(tokens)]


def tokens_fit(tokens: tuple[str, ...], most: int = MAX_TICK_LABELS) -> bool:
    """True when every token can be written under its step without overlapping."""
    longest = max((len(t) for t in tokens), default=0)
    return len(tokens) <= most and len(tokens) * (longest + 1) <= MAX_LABEL_CHARS


def colour_range(values: np.ndarray, bounded: bool) -> tuple[float, float]:
    """[-1, 1] for tanh/sigmoid quantities; symmetric around 0 beyond it otherwise."""
    if bounded:
        return -1.0, 1.0
    finite = values[np.isfinite(values)]
    largest = float(np.abs(finite).max()) if finite.size else 1.0
    largest = max(1.0, largest)
    return -largest, largest


def is_bounded(trace: Trace) -> bool:
    """True when h_t lies in [-1, 1] by construction (everything but a ReLU RNN)."""
    return not (trace.config.cell == "rnn" and trace.config.nonlinearity == "relu")


def frame_steps(steps: int) -> list[int]:
    stride = max(1, math.ceil(steps / MAX_FRAMES))
    return list(range(0, steps, stride))


def as_figure(spec: dict) -> go.Figure:
    """Wrap a finished spec without Plotly's (slow) validation."""
    return go.Figure(spec, skip_invalid=False, _validate=False)


# --- pieces ----------------------------------------------------------------------------


def _layout(title: str, height: int) -> dict:
    return {
        "title": {"text": title, "x": 0.01, "font": {"size": FONT_SIZE + 4}},
        "font": {"size": FONT_SIZE, "color": "#1f2937"},
        "height": height,
        "margin": {"l": 80, "r": 40, "t": 80, "b": CONTROLS_MARGIN},
        "paper_bgcolor": "white",
        "plot_bgcolor": PADDING_GREY,
        "hoverlabel": {"font": {"size": FONT_SIZE}},
        "showlegend": False,
    }


def _time_axis(tokens: tuple[str, ...], title: bool, with_step: bool = True, **extra) -> dict:
    steps = len(tokens)
    axis = {"range": [-0.5, steps - 0.5], "showgrid": False, "zeroline": False, "tickangle": 0}
    if tokens_fit(tokens):
        labels = time_labels(tokens, with_step)
        axis.update(tickmode="array", tickvals=list(range(steps)), ticktext=labels)
        name = "time step (token)"
    else:
        name = "time step (hover for the token)"
    if title:
        axis["title"] = {"text": name}
    return {**axis, **extra}


def _unit_axis(units: int, title: str, labels: list[str] | None = None, **extra) -> dict:
    axis = {"title": {"text": title}, "autorange": "reversed", "showgrid": False,
            "zeroline": False}  # fmt: skip
    if units <= 32:
        axis.update(tickmode="array", tickvals=list(range(units)))
        if labels is not None:
            axis["ticktext"] = labels
    return {**axis, **extra}


def _subplot_title(text: str, x: tuple[float, float], y_top: float) -> dict:
    return {
        "text": text, "x": (x[0] + x[1]) / 2, "y": y_top, "xref": "paper", "yref": "paper",
        "xanchor": "center", "yanchor": "bottom", "showarrow": False,
        "font": {"size": FONT_SIZE},
    }  # fmt: skip


def _coloraxis(zmin: float, zmax: float, **colorbar) -> dict:
    return {
        "colorscale": DIVERGING_SCALE,
        "cmin": zmin,
        "cmax": zmax,
        "colorbar": {"title": {"text": "value", "side": "top"}, "thickness": 14, **colorbar},
    }


def _heatmap(values: np.ndarray, tokens, name: str, xaxis: str, yaxis: str) -> dict:
    """values (T, H) -> a heatmap with units on y and time on x, on the shared colour axis."""
    steps, units = values.shape
    trace = {
        "type": "heatmap",
        "z": np.ascontiguousarray(values.T, dtype=np.float32),
        "x": list(range(steps)),  # plain lists: plotly.js does not decode typed x/y here
        "y": list(range(units)),
        "coloraxis": "coloraxis",
        "name": name,
        "xaxis": xaxis,
        "yaxis": yaxis,
        "hoverongaps": False,
        "hovertemplate": f"{name}[%{{y}}]<br>t = %{{x}}<br>value = %{{z:.4f}}<extra></extra>",
    }
    if steps * units <= MAX_HOVER_CELLS:
        hover_tokens = np.array([display_token(t) for t in tokens], dtype=object)
        trace["customdata"] = np.broadcast_to(hover_tokens, (units, steps))
        trace["hovertemplate"] = (
            f"{name}[%{{y}}]<br>t = %{{x}} (%{{customdata}})<br>value = %{{z:.4f}}<extra></extra>"
        )
    return trace


def _cursor_shape(t: int, xref: str, yref: str) -> dict:
    return {
        "type": "line", "xref": xref, "yref": f"{yref} domain", "x0": t, "x1": t,
        "y0": 0, "y1": 1, "line": {"color": CURSOR, "width": 3, "dash": "dot"},
    }  # fmt: skip


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


def _animation(layout: dict, layout_at, steps: int, tokens, redraw: bool) -> list[dict]:
    """Layout-only frames (plotly.js drops a heatmap when frames animate trace data), the
    slider and the play/pause buttons; the page opens at t = 0."""
    shown = frame_steps(steps)
    layout.update(layout_at(0))
    plot_height = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    below = -CONTROLS_GAP / plot_height  # the same distance in pixels on every figure
    step_args = {"frame": {"duration": 450, "redraw": redraw}, "mode": "immediate",
                 "transition": {"duration": 0}}  # fmt: skip
    layout["updatemenus"] = [{
        "type": "buttons", "direction": "left", "x": 0.0, "y": below, "xanchor": "left",
        "yanchor": "top", "pad": {"t": 30, "r": 10}, "showactive": False,
        "buttons": [
            {"label": "▶ play", "method": "animate",
             "args": [None, {**step_args, "fromcurrent": True}]},
            {"label": "❚❚ pause", "method": "animate",
             "args": [[None], {**step_args, "frame": {"duration": 0, "redraw": redraw}}]},
        ],
    }]  # fmt: skip
    layout["sliders"] = [{
        "active": 0, "x": 0.26, "len": 0.74, "y": below, "yanchor": "top", "pad": {"t": 30},
        "currentvalue": {"prefix": "time step: ", "font": {"size": FONT_SIZE + 2}},
        "font": {"size": FONT_SIZE - 4},
        "steps": [
            {"method": "animate", "label": f"{display_token(tokens[t])} · {t}",
             "args": [[str(t)], step_args]}
            for t in shown
        ],
    }]  # fmt: skip
    return [{"name": str(t), "layout": layout_at(t)} for t in shown]


def _title(what: str, trace: Trace, seq: int, layer: int, direction: int) -> str:
    parts = [f"{what} · {trace.config.cell.upper()} · sequence {seq + 1}"]
    if trace.num_layers > 1:
        parts.append(f"layer {layer + 1}")
    if trace.num_directions > 1:
        parts.append("forward" if direction == 0 else "reverse")
    return " · ".join(parts)


def _end_label(values: np.ndarray, label: str) -> list[str]:
    """The unit's name beside its last computed point, so no legend is needed."""
    text = [""] * len(values)
    finite = np.flatnonzero(np.isfinite(values))
    if finite.size:
        text[int(finite[-1])] = label
    return text


# --- the timeline ----------------------------------------------------------------------


def timeline_spec(
    trace: Trace, seq: int, layer: int, direction: int, units: list[int] | None = None
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
    data = [_heatmap(states, tokens, "h", "x", "y")]
    for index, unit in enumerate(units):
        colour = UNIT_COLOURS[index % len(UNIT_COLOURS)]
        data.append({
            "type": "scatter", "x": list(range(steps)), "y": states[:, unit].astype(np.float32),
            "mode": "lines+markers+text", "name": f"h[{unit}]", "legendgroup": "units",
            "text": _end_label(states[:, unit], f"h[{unit}]"), "textposition": "middle right",
            "textfont": {"color": colour}, "cliponaxis": False,
            "line": {"color": colour, "width": 3}, "marker": {"size": 7},
            "hovertemplate": f"h[{unit}] t=%{{x}}: %{{y:.4f}}<extra></extra>",
            "xaxis": "x3", "yaxis": "y3",
        })  # fmt: skip
    data += _state_space_traces(trace, seq, projection, three_d)
    layout = _layout(_title("Hidden state", trace, seq, layer, direction), 670)
    layout.update(
        xaxis=_time_axis(tokens, title=False, with_step=False, domain=list(LEFT), anchor="y"),
        yaxis=_unit_axis(hidden, "hidden unit", domain=list(TOP), anchor="x"),
        xaxis3=_time_axis(tokens, title=True, domain=list(LEFT), anchor="y3"),
        yaxis3={"title": {"text": "value"}, "range": [zmin * 1.05, zmax * 1.05],
                "domain": list(BOTTOM), "anchor": "x3", "gridcolor": "white"},
        coloraxis=_coloraxis(zmin, zmax, x=0.5, xanchor="left", len=0.5, y=0.78),
    )  # fmt: skip
    layout.update(_state_space_axes(projection, bounded, three_d))
    titles = [
        _subplot_title("h_t, every unit (colour = value)", LEFT, TOP[1]),
        _subplot_title("h_t in state space" + (" (PCA)" if projection.is_pca else ""), RIGHT, 1.0),
        _subplot_title("chosen units over time", LEFT, BOTTOM[1]),
    ]

    def layout_at(t: int) -> dict:
        shapes = [_cursor_shape(t, "x", "y"), _cursor_shape(t, "x3", "y3")]
        if three_d:
            return {"shapes": shapes, "annotations": titles,
                    "scene": {"annotations": _scene_label(coords, tokens, t)}}  # fmt: skip
        shapes += _point_shape(coords, t)
        return {"shapes": shapes, "annotations": titles + _point_label(coords, tokens, t)}

    scene = layout.get("scene", {})  # _animation sets the t = 0 layout, scene included
    frames = _animation(layout, layout_at, steps, tokens, redraw=three_d)
    if three_d:
        layout["scene"] = {**scene, **layout_at(0)["scene"]}
    return {"data": data, "layout": layout, "frames": frames}


def timeline_figure(trace: Trace, seq: int, layer: int, direction: int, units=None) -> go.Figure:
    return as_figure(timeline_spec(trace, seq, layer, direction, units))


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


def _state_space_axes(projection: Projection, bounded: bool, three_d: bool) -> dict:
    titles = projection.axis_titles
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
        y_axis = {"domain": [0.0, 1.0], "anchor": "x2", "title": {"text": "time step"},
                  "autorange": "reversed", "gridcolor": "white"}  # fmt: skip
    else:
        y_axis = {"domain": [0.0, 1.0], "anchor": "x2", "title": {"text": titles[1]},
                  "gridcolor": "white", "scaleanchor": "x2", "scaleratio": 1,
                  "constrain": "domain", **ranged}  # fmt: skip
        x_axis["constrain"] = "domain"
    return {"xaxis2": x_axis, "yaxis2": y_axis}


# --- gates -----------------------------------------------------------------------------


def gates_spec(trace: Trace, seq: int, layer: int, direction: int, units=None) -> dict | None:
    """LSTM: c_t and the input, forget, candidate and output gates; GRU: reset, update and
    candidate. One heatmap each, time shared, one colour scale, one cursor. Layers wider
    than MAX_GATE_UNITS show only `units` (a 256-row strip is unreadable anyway)."""
    if not trace.gates:
        return None
    tokens = trace.tokens[seq]
    panels: list[tuple[str, np.ndarray]] = []
    if trace.cell is not None:
        panels.append(("cell state c", trace.cell[layer, direction, seq]))
    labels = dict(GATE_LABELS)
    if trace.config.cell == "gru":
        labels["candidate"] = "candidate n"
    for name, values in trace.gates.items():
        panels.append((labels[name], values[layer, direction, seq]))
    steps, hidden = panels[0][1].shape
    shown_units = list(range(hidden))
    if hidden > MAX_GATE_UNITS:
        shown_units = sorted(units or range(min(hidden, len(UNIT_COLOURS))))
        panels = [(name, values[:, shown_units]) for name, values in panels]
    rows = len(panels)
    gap, bottom = 0.05, 0.0
    height = (1.0 - bottom - gap * (rows - 1)) / rows
    data, layout_axes, titles = [], {}, []
    unit_labels = [str(u) for u in shown_units]
    for row, (name, values) in enumerate(panels):
        suffix = "" if row == 0 else str(row + 1)
        top = 1.0 - row * (height + gap)
        domain = [max(0.0, round(top - height, 6)), min(1.0, round(top, 6))]
        data.append(_heatmap(values, tokens, name.split()[-1], "x", "y" + suffix))
        layout_axes["yaxis" + suffix] = _unit_axis(
            len(shown_units), "unit", unit_labels, domain=domain, anchor="x"
        )
        titles.append(_subplot_title(name, (0.0, 1.0), top))
    last_y = "y" + ("" if rows == 1 else str(rows))
    title = "Gates" + (" and cell state" if trace.cell is not None else "")
    layout = _layout(_title(title, trace, seq, layer, direction), CONTROLS_MARGIN + 80 + 160 * rows)
    layout.update(
        xaxis=_time_axis(tokens, title=True, anchor=last_y, domain=[0.0, 1.0]),
        coloraxis=_coloraxis(-1.0, 1.0),
        **layout_axes,
    )
    y_refs = ["y" + ("" if row == 0 else str(row + 1)) for row in range(rows)]

    def layout_at(t: int) -> dict:
        return {"shapes": [_cursor_shape(t, "x", ref) for ref in y_refs], "annotations": titles}

    frames = _animation(layout, layout_at, steps, tokens, redraw=False)
    return {"data": data, "layout": layout, "frames": frames}


def gates_figure(trace: Trace, seq: int, layer: int, direction: int, units=None):
    spec = gates_spec(trace, seq, layer, direction, units)
    return None if spec is None else as_figure(spec)


# --- input -----------------------------------------------------------------------------


def input_spec(trace: Trace, seq: int) -> dict:
    """What each step was fed: one-hot rows per token, embedding or number features."""
    encoded = trace.encoded
    values = trace.inputs[seq]  # (T, I)
    tokens = trace.tokens[seq]
    features = values.shape[1]
    if encoded.values is None and trace.config.encoding == "onehot":
        labels = [display_token(t) for t in encoded.vocab]
        y_title = "vocabulary (one-hot position)"
    else:
        labels = [str(i) for i in range(features)]
        y_title = "input feature"
    zmin, zmax = colour_range(values, bounded=False)
    heatmap = {
        "type": "heatmap", "z": np.ascontiguousarray(values.T, dtype=np.float32),
        "x": list(range(len(tokens))), "y": list(range(features)),
        "colorscale": DIVERGING_SCALE, "zmin": zmin, "zmax": zmax,
        "colorbar": {"title": {"text": "value", "side": "top"}, "thickness": 14},
        "hovertemplate": "t = %{x}, feature %{y}: %{z:.4f}<extra></extra>",
    }  # fmt: skip
    layout = _layout(f"Input x_t · sequence {seq + 1}", 230 + 28 * min(features, 16))
    layout.update(
        xaxis=_time_axis(tokens, title=True),
        yaxis=_unit_axis(features, y_title, labels if features <= 32 else None),
        margin={"l": 80, "r": 40, "t": 80, "b": 80},
    )
    return {"data": [heatmap], "layout": layout}


def input_figure(trace: Trace, seq: int) -> go.Figure:
    return as_figure(input_spec(trace, seq))


# --- names -----------------------------------------------------------------------------


def png_filename(kind: str, trace: Trace, seq: int, layer: int, direction: int) -> str:
    """A PNG name that says what the chart is, e.g. hidden-state_lstm_h4_seq1_layer2_reverse."""
    name = f"{kind}_{trace.config.cell}_h{trace.config.hidden_size}_seq{seq + 1}"
    if trace.num_layers > 1:
        name += f"_layer{layer + 1}"
    if trace.num_directions > 1:
        name += "_forward" if direction == 0 else "_reverse"
    return name


def chart_config(filename: str) -> dict:
    """Plotly config for st.plotly_chart: PNG button with a meaningful name, no logo."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


# --- training --------------------------------------------------------------------------


def training_spec(steps, losses, accuracies=None, shown_step: int | None = None) -> dict:
    """Loss (and, for tokens, accuracy) per training step; a dotted line marks the step
    whose weights the other charts show."""
    steps = [int(s) for s in steps]
    data = [{
        "type": "scatter", "x": steps, "y": np.asarray(losses, dtype=np.float64),
        "mode": "lines", "name": "loss", "line": {"color": PATH_BLUE, "width": 3},
        "hovertemplate": "step %{x}: loss %{y:.4f}<extra></extra>", "xaxis": "x", "yaxis": "y",
    }]  # fmt: skip
    layout = _layout("Training", 360 if accuracies is None else 480)
    layout["margin"] = {"l": 80, "r": 40, "t": 70, "b": 60}
    layout["plot_bgcolor"] = "#f3f4f6"
    split = accuracies is not None
    layout["xaxis"] = {"title": {"text": "training step"}, "anchor": "y2" if split else "y",
                       "gridcolor": "white", "zeroline": False}  # fmt: skip
    layout["yaxis"] = {"title": {"text": "loss"}, "domain": [0.45, 1.0] if split else [0, 1],
                       "gridcolor": "white", "rangemode": "tozero"}  # fmt: skip
    if split:
        data.append({
            "type": "scatter", "x": steps, "y": np.asarray(accuracies, dtype=np.float64),
            "mode": "lines", "name": "accuracy", "line": {"color": UNIT_COLOURS[1], "width": 3},
            "hovertemplate": "step %{x}: accuracy %{y:.0%}<extra></extra>",
            "xaxis": "x", "yaxis": "y2",
        })  # fmt: skip
        layout["yaxis2"] = {"title": {"text": "accuracy"}, "domain": [0.0, 0.38],
                            "range": [-0.05, 1.05], "tickformat": ".0%", "anchor": "x",
                            "gridcolor": "white"}  # fmt: skip
    if shown_step is not None:
        layout["shapes"] = [{
            "type": "line", "xref": "x", "yref": "paper", "x0": shown_step, "x1": shown_step,
            "y0": 0, "y1": 1, "line": {"color": CURSOR, "width": 2, "dash": "dot"},
        }]  # fmt: skip
    return {"data": data, "layout": layout}
