"""Figure builders: pure functions from a Trace to a plotly Figure. No Streamlit here.

One diverging colour scale for activations in [-1, 1] everywhere; tokens on every time
axis; a time cursor that moves in the browser (Plotly frames and a slider), never by
rerunning Python.
"""

from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from model.encoding import PAD_TOKEN
from model.projection import project_states
from model.trace import Trace

DIVERGING = "RdBu_r"  # blue = negative, white = 0, red = positive
PADDING_GREY = "#d4d4d4"  # shows through where no state was computed (NaN)
CURSOR = "#111111"
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


def display_token(token: str) -> str:
    """A token as Plotly text: HTML-escaped (Plotly reads a few tags), spaces visible."""
    if token == " ":
        return "␣"
    return html.escape(token, quote=False)


def time_labels(tokens: tuple[str, ...]) -> list[str]:
    return [f"{display_token(tok)}<br><sub>{t}</sub>" for t, tok in enumerate(tokens)]


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


def _base_layout(fig: go.Figure, title: str, height: int) -> None:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": FONT_SIZE + 4}},
        template="plotly_white",
        font={"size": FONT_SIZE},
        height=height,
        margin={"l": 80, "r": 40, "t": 80, "b": 110},
        plot_bgcolor=PADDING_GREY,
        hoverlabel={"font": {"size": FONT_SIZE}},
    )


def tokens_fit(tokens: tuple[str, ...], most: int = MAX_TICK_LABELS) -> bool:
    """True when every token can be written under its step without overlapping."""
    longest = max((len(t) for t in tokens), default=0)
    return len(tokens) <= most and len(tokens) * (longest + 1) <= MAX_LABEL_CHARS


def _time_axis(fig: go.Figure, tokens: tuple[str, ...], row: int, col: int, title: bool) -> None:
    steps = len(tokens)
    axis = {"range": [-0.5, steps - 0.5], "showgrid": False, "zeroline": False, "tickangle": 0}
    if tokens_fit(tokens):
        axis.update(tickmode="array", tickvals=list(range(steps)), ticktext=time_labels(tokens))
        axis_title = "time step (token)"
    else:
        axis_title = "time step (hover for the token)"
    fig.update_xaxes(**axis, title_text=axis_title if title else None, row=row, col=col)


def _slider_and_buttons(steps: list[int], tokens: tuple[str, ...], redraw: bool) -> dict:
    """Play/pause buttons and a slider whose steps are the frames, labelled by token."""
    animation = {"frame": {"duration": 450, "redraw": redraw}, "mode": "immediate",
                 "transition": {"duration": 0}}  # fmt: skip
    slider_steps = [
        {"method": "animate", "label": f"{display_token(tokens[t])} · {t}",
         "args": [[str(t)], animation]}
        for t in steps
    ]  # fmt: skip
    return {
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.13,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 30, "r": 10},
                "showactive": False,
                "buttons": [
                    {
                        "label": "▶ play",
                        "method": "animate",
                        "args": [None, {**animation, "fromcurrent": True}],
                    },
                    {
                        "label": "❚❚ pause",
                        "method": "animate",
                        "args": [[None], {**animation, "frame": {"duration": 0, "redraw": redraw}}],
                    },
                ],  # fmt: skip
            }
        ],
        "sliders": [
            {
                "active": 0,
                "x": 0.26,
                "len": 0.74,
                "y": -0.13,
                "yanchor": "top",
                "pad": {"t": 30},
                "currentvalue": {"prefix": "time step: ", "font": {"size": FONT_SIZE + 2}},
                "font": {"size": FONT_SIZE - 4},
                "steps": slider_steps,
            }
        ],
    }


def _heatmap(values: np.ndarray, tokens, bounded_range, name: str, coloraxis: str) -> go.Heatmap:
    """values (T, H) -> units on y, time on x."""
    steps, units = values.shape
    hover_tokens = np.array([display_token(t) for t in tokens], dtype=object)
    return go.Heatmap(
        z=np.ascontiguousarray(values.T, dtype=np.float32),
        x=list(range(steps)),  # plain lists: plotly.js does not decode typed x/y of heatmaps
        y=list(range(units)),
        customdata=np.broadcast_to(hover_tokens, (units, steps)),
        coloraxis=coloraxis,
        name=name,
        hovertemplate=(
            f"{name}[%{{y}}]<br>t = %{{x}} (%{{customdata}})<br>value = %{{z:.4f}}<extra></extra>"
        ),
        hoverongaps=False,
    )


def timeline_figure(
    trace: Trace, seq: int, layer: int, direction: int, units: list[int] | None = None
) -> go.Figure:
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
    fig = make_subplots(
        rows=2,
        cols=2,
        column_widths=[0.6, 0.4],
        row_heights=[0.55, 0.45],
        specs=[[{}, {"rowspan": 2, "type": "scene" if three_d else "xy"}], [{}, None]],
        horizontal_spacing=0.18,
        vertical_spacing=0.16,
        subplot_titles=(
            "h_t, every unit (colour = value)",
            "h_t in state space" + (" (PCA)" if projection.is_pca else ""),
            "chosen units over time",
        ),
    )
    fig.add_trace(_heatmap(states, tokens, (zmin, zmax), "h", "coloraxis"), row=1, col=1)
    for colour_index, unit in enumerate(units):
        fig.add_trace(
            go.Scatter(
                x=list(range(steps)),
                y=states[:, unit].astype(np.float32),
                mode="lines+markers+text",
                text=_end_label(states[:, unit], f"h[{unit}]"),
                textposition="middle right",
                textfont={"color": UNIT_COLOURS[colour_index % len(UNIT_COLOURS)]},
                cliponaxis=False,
                name=f"h[{unit}]",
                line={"color": UNIT_COLOURS[colour_index % len(UNIT_COLOURS)], "width": 3},
                marker={"size": 7},
                legendgroup="units",
                hovertemplate=f"h[{unit}]" + " t=%{x}: %{y:.4f}<extra></extra>",
            ),
            row=2,
            col=1,
        )
    _add_context_paths(fig, projection.coords, seq, three_d)
    _add_path(fig, trace, seq, coords, three_d)
    heat, lines = _refs(fig, 1, 1), _refs(fig, 2, 1)
    space = None if three_d else _refs(fig, 1, 2)

    def shapes(t: int) -> list[dict]:
        marks = [_cursor_shape(t, *heat), _cursor_shape(t, *lines)]
        if not three_d:
            marks += _point_shape(coords, t, *space)
        return marks

    def labels(t: int) -> list[dict]:
        return [] if three_d else _point_label(coords, tokens, t, *space)

    layout_at = _cursor_layout(fig, shapes, labels, three_d, coords, tokens)
    shown = frame_steps(steps)
    fig.frames = [go.Frame(name=str(t), layout=layout_at(t)) for t in shown]
    fig.update_layout(layout_at(0))
    _base_layout(fig, _title("Hidden state", trace, seq, layer, direction), 640)
    fig.update_layout(
        coloraxis={
            "colorscale": DIVERGING,
            "cmin": zmin,
            "cmax": zmax,
            "colorbar": {
                "title": {"text": "value", "side": "top"},
                "x": 0.5,
                "xanchor": "left",
                "len": 0.5,
                "y": 0.78,
                "thickness": 14,
            },
        },  # fmt: skip
        showlegend=False,
        **_slider_and_buttons(shown, tokens, redraw=three_d),
    )
    _time_axis(fig, tokens, row=1, col=1, title=False)
    _time_axis(fig, tokens, row=2, col=1, title=True)
    fig.update_yaxes(
        title_text="hidden unit", autorange="reversed", tickmode="array",
        tickvals=list(range(hidden)) if hidden <= 32 else None, row=1, col=1,
    )  # fmt: skip
    fig.update_yaxes(title_text="value", range=[zmin * 1.05, zmax * 1.05], row=2, col=1)
    _state_space_axes(fig, projection, bounded, three_d)
    fig.update_xaxes(showticklabels=True, row=1, col=1)
    return fig


def _end_label(values: np.ndarray, label: str) -> list[str]:
    """The unit's name beside its last computed point, so no legend is needed."""
    text = [""] * len(values)
    finite = np.flatnonzero(np.isfinite(values))
    if finite.size:
        text[int(finite[-1])] = label
    return text


def _refs(fig: go.Figure, row: int, col: int) -> tuple[str, str]:
    """('x2', 'y2')-style references of an xy subplot."""
    subplot = fig.get_subplot(row, col)
    return subplot.yaxis.anchor, subplot.xaxis.anchor


def _cursor_shape(t: int, xref: str, yref: str) -> dict:
    return {
        "type": "line", "xref": xref, "yref": f"{yref} domain", "x0": t, "x1": t,
        "y0": 0, "y1": 1, "line": {"color": CURSOR, "width": 3, "dash": "dot"},
    }  # fmt: skip


def _point_shape(coords: np.ndarray, t: int, xref: str, yref: str) -> list[dict]:
    x, y = _plane(coords)
    if not (np.isfinite(x[t]) and np.isfinite(y[t])):
        return []
    return [{
        "type": "circle", "xref": xref, "yref": yref, "xsizemode": "pixel",
        "ysizemode": "pixel", "xanchor": float(x[t]), "yanchor": float(y[t]),
        "x0": -12, "x1": 12, "y0": -12, "y1": 12, "line": {"color": CURSOR, "width": 4},
    }]  # fmt: skip


def _point_label(coords: np.ndarray, tokens, t: int, xref: str, yref: str) -> list[dict]:
    x, y = _plane(coords)
    if not (np.isfinite(x[t]) and np.isfinite(y[t])):
        return []
    return [{
        "x": float(x[t]), "y": float(y[t]), "xref": xref, "yref": yref,
        "text": f"<b>{display_token(tokens[t])}</b> (t={t})", "showarrow": True,
        "arrowhead": 0, "arrowwidth": 2, "ax": 0, "ay": 44,
        "font": {"size": FONT_SIZE + 2, "color": CURSOR}, "bgcolor": "rgba(255,255,255,0.85)",
    }]  # fmt: skip


def _cursor_layout(fig: go.Figure, shapes, labels, three_d: bool, coords, tokens):
    """t -> the layout of frame t: the cursor shapes, plus the figure's own annotations
    (subplot titles), which a frame's annotation list would otherwise replace.
    Frames change layout only: a heatmap vanishes when plotly.js animates trace data."""
    static = [a.to_plotly_json() for a in fig.layout.annotations]

    def layout_at(t: int) -> dict:
        layout = {"shapes": shapes(t), "annotations": static + labels(t)}
        if three_d:
            layout["scene"] = {"annotations": _scene_label(coords, tokens, t)}
        return layout

    return layout_at


def _scene_label(coords: np.ndarray, tokens, t: int) -> list[dict]:
    if not np.isfinite(coords[t]).all():
        return []
    x, y, z = (float(v) for v in coords[t])
    return [{
        "x": x, "y": y, "z": z, "text": f"<b>{display_token(tokens[t])}</b> (t={t})",
        "showarrow": True, "arrowhead": 0, "arrowwidth": 2, "ax": 0, "ay": -44,
        "font": {"size": FONT_SIZE + 2, "color": CURSOR}, "bgcolor": "rgba(255,255,255,0.85)",
    }]  # fmt: skip


def _plane(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(T, K) -> x, y. One unit: x = value, y = time step (a path along a line)."""
    if coords.shape[1] == 1:
        return coords[:, 0], np.arange(len(coords), dtype=np.float32)
    return coords[:, 0], coords[:, 1]


def _add_path(fig: go.Figure, trace: Trace, seq: int, coords: np.ndarray, three_d: bool):
    tokens = trace.tokens[seq]
    fits = tokens_fit(tokens, MAX_POINT_LABELS)
    labels = [display_token(t) for t in tokens] if fits else None
    common = {
        "mode": "lines+markers+text" if labels else "lines+markers",
        "text": labels,
        "name": "path of h_t",
        "showlegend": False,
        "customdata": list(range(len(tokens))),
        "hovertext": [display_token(t) for t in tokens],
        "hovertemplate": "t=%{customdata}: %{hovertext}<extra></extra>",
    }
    if three_d:
        fig.add_trace(
            go.Scatter3d(x=coords[:, 0], y=coords[:, 1], z=coords[:, 2], **common,
                         line={"color": "#2b6cb0", "width": 5}, marker={"size": 4}),
            row=1, col=2,
        )  # fmt: skip
        return
    x, y = _plane(coords)
    fig.add_trace(
        go.Scatter(x=x, y=y, **common, textposition="top center",
                   line={"color": "#2b6cb0", "width": 3},
                   marker={"size": 10, "color": "#2b6cb0"}),
        row=1, col=2,
    )  # fmt: skip


def _add_context_paths(fig: go.Figure, all_coords: np.ndarray, seq: int, three_d: bool):
    """The other sequences' paths, faint, for comparison (one trace for all)."""
    others = [i for i in range(all_coords.shape[0]) if i != seq]
    if not others:
        return
    gap = np.full((1, all_coords.shape[2]), np.nan, dtype=np.float32)
    joined = np.concatenate([np.concatenate([all_coords[i], gap]) for i in others])
    style = {"mode": "lines", "line": {"color": "#9aa5b1", "width": 2}, "opacity": 0.6,
             "name": "other sequences", "hoverinfo": "skip", "showlegend": False}  # fmt: skip
    if three_d:
        fig.add_trace(
            go.Scatter3d(x=joined[:, 0], y=joined[:, 1], z=joined[:, 2], **style), row=1, col=2
        )
        return
    if joined.shape[1] == 1:  # one unit: time on y, per sequence
        ys = np.concatenate(
            [np.append(np.arange(all_coords.shape[1]), np.nan) for _ in others]
        ).astype(np.float32)
        fig.add_trace(go.Scatter(x=joined[:, 0], y=ys, **style), row=1, col=2)
        return
    fig.add_trace(go.Scatter(x=joined[:, 0], y=joined[:, 1], **style), row=1, col=2)


def _state_space_axes(fig: go.Figure, projection, bounded: bool, three_d: bool) -> None:
    titles = projection.axis_titles
    limit = None
    if bounded and not projection.is_pca:  # symmetric around 0, never past tanh's [-1, 1]
        finite = projection.coords[np.isfinite(projection.coords)]
        largest = float(np.abs(finite).max()) if finite.size else 1.0
        half = min(1.1, max(0.2, 1.2 * largest))
        limit = [-half, half]
    if three_d:
        axis = {"range": limit} if limit else {}
        fig.update_scenes(
            xaxis={"title": {"text": titles[0]}, **axis},
            yaxis={"title": {"text": titles[1]}, **axis},
            zaxis={"title": {"text": titles[2]}, **axis},
            aspectmode="cube",
        )
        return
    if len(titles) == 1:
        fig.update_xaxes(title_text=titles[0], range=limit, row=1, col=2)
        fig.update_yaxes(title_text="time step", autorange="reversed", row=1, col=2)
        return
    fig.update_xaxes(title_text=titles[0], range=limit, row=1, col=2, constrain="domain")
    fig.update_yaxes(
        title_text=titles[1], range=limit, row=1, col=2, scaleanchor="x2", scaleratio=1
    )
    fig.update_xaxes(showgrid=True, gridcolor="white", row=1, col=2)
    fig.update_yaxes(showgrid=True, gridcolor="white", row=1, col=2)


def gates_figure(trace: Trace, seq: int, layer: int, direction: int) -> go.Figure | None:
    """LSTM: c_t and the input, forget, candidate and output gates; GRU: reset, update and
    candidate. One heatmap each, time shared, one colour scale, one cursor."""
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
    rows = len(panels)
    steps, hidden = panels[0][1].shape
    fig = make_subplots(
        rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.04,
        subplot_titles=[name for name, _ in panels],
    )  # fmt: skip
    for row, (name, values) in enumerate(panels, start=1):
        short = name.split()[-1]
        fig.add_trace(_heatmap(values, tokens, (-1, 1), short, "coloraxis"), row=row, col=1)
        fig.update_yaxes(title_text="unit", autorange="reversed", row=row, col=1)
        _time_axis(fig, tokens, row=row, col=1, title=row == rows)
    refs = [_refs(fig, row, 1) for row in range(1, rows + 1)]
    layout_at = _cursor_layout(
        fig, lambda t: [_cursor_shape(t, *ref) for ref in refs], lambda t: [], False, None, None
    )
    shown = frame_steps(steps)
    fig.frames = [go.Frame(name=str(t), layout=layout_at(t)) for t in shown]
    fig.update_layout(layout_at(0))
    title = "Gates" + (" and cell state" if trace.cell is not None else "")
    _base_layout(fig, _title(title, trace, seq, layer, direction), 160 + 170 * rows)
    fig.update_layout(
        coloraxis={"colorscale": DIVERGING, "cmin": -1, "cmax": 1,
                   "colorbar": {"title": {"text": "value"}, "thickness": 14}},
        showlegend=False,
        **_slider_and_buttons(shown, tokens, redraw=False),
    )  # fmt: skip
    fig.update_layout(sliders=[{**fig.layout.sliders[0].to_plotly_json(), "y": -0.05}])
    fig.update_layout(updatemenus=[{**fig.layout.updatemenus[0].to_plotly_json(), "y": -0.05}])
    fig.update_layout(margin={"b": 150})
    return fig


def input_figure(trace: Trace, seq: int) -> go.Figure:
    """What each step was fed: one-hot rows per token, embedding or number features."""
    encoded = trace.encoded
    values = trace.inputs[seq]  # (T, I)
    tokens = trace.tokens[seq]
    if encoded.values is None and trace.config.encoding == "onehot":
        y_labels = [display_token(t) for t in encoded.vocab]
        y_title = "vocabulary (one-hot position)"
    else:
        y_labels = [str(i) for i in range(values.shape[1])]
        y_title = "input feature"
    zmin, zmax = colour_range(values, bounded=False)
    fig = go.Figure(
        go.Heatmap(
            z=np.ascontiguousarray(values.T, dtype=np.float32),
            x=list(range(len(tokens))),
            y=list(range(values.shape[1])),
            colorscale=DIVERGING,
            zmin=zmin,
            zmax=zmax,
            colorbar={"title": {"text": "value"}, "thickness": 14},
            hovertemplate="t = %{x}, feature %{y}: %{z:.4f}<extra></extra>",
        )
    )
    _base_layout(fig, f"Input x_t, sequence {seq + 1}", 200 + 28 * min(values.shape[1], 16))
    fig.update_yaxes(
        title_text=y_title, autorange="reversed", tickmode="array",
        tickvals=list(range(len(y_labels))) if len(y_labels) <= 32 else None,
        ticktext=y_labels if len(y_labels) <= 32 else None,
    )  # fmt: skip
    fig.update_xaxes(range=[-0.5, len(tokens) - 0.5], title_text="time step (token)")
    if tokens_fit(tokens):
        fig.update_xaxes(
            tickmode="array", tickvals=list(range(len(tokens))), ticktext=time_labels(tokens)
        )
    return fig


def _title(what: str, trace: Trace, seq: int, layer: int, direction: int) -> str:
    parts = [f"{what} · {trace.config.cell.upper()} · sequence {seq + 1}"]
    if trace.num_layers > 1:
        parts.append(f"layer {layer + 1}")
    if trace.num_directions > 1:
        parts.append("forward" if direction == 0 else "reverse")
    return " · ".join(parts)


def png_filename(kind: str, trace: Trace, seq: int, layer: int, direction: int) -> str:
    """A PNG name that says what the chart is, e.g. hidden-state_lstm_seq1_layer2_reverse."""
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


__all__ = [
    "DIVERGING",
    "PAD_TOKEN",
    "chart_config",
    "gates_figure",
    "input_figure",
    "png_filename",
    "timeline_figure",
]
