"""The pieces every figure is built from: colours, limits, token labels, axes, the shared
colour axis, heatmaps, the time cursor and its animation. Pure functions returning plain
dicts; no Streamlit here.
"""

from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go

from components.i18n import t as tr
from model.trace import Trace

DIVERGING = "RdBu_r"  # blue = negative, white = 0, red = positive
DIVERGING_SCALE = go.layout.Coloraxis(colorscale=DIVERGING).colorscale
PADDING_GREY = "#d4d4d4"  # shows through where no state was computed (NaN)
CURSOR = "#111111"
MARK = CURSOR  # outlines: a repeated token's steps, the chosen unit
PATH_BLUE = "#2b6cb0"
UNIT_COLOURS = (
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
)  # fmt: skip
CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}  # how the page writes each cell

FONT_SIZE = 16
AXIS_TITLE_PX = 40  # a y axis title's line and the gaps beside it
MAX_TICK_LABELS = 60  # beyond this many steps, the time axis shows numbers only
MAX_LABEL_CHARS = 64  # ... or when steps x (longest token + 1) passes this (long words, numbers)
MAX_POINT_LABELS = 30  # beyond this many steps, trajectory points are not labelled
MAX_HOVER_CELLS = 4_000  # per-cell token hover text only for heatmaps up to this size
MAX_WINDOW_TOKEN_CHARS = 3  # a windowed time axis writes tokens up to this long
UNIT_TICKS_SHOWN = 12  # unit axes label at most this many units (a 170 px heatmap on a projector)
MAX_GATE_UNITS = 32  # larger layers show only the chosen units in the gates figure


# White space that is a token of its own (characters read as one stream keep spaces,
# tabs and line breaks) gets a visible sign, on an axis and in a select box alike.
VISIBLE_SPACE = {" ": "␣", "\n": "⏎", "\t": "⇥"}


def visible_token(token: str) -> str:
    """A token as plain text with a lone space, tab or line break made visible."""
    return VISIBLE_SPACE.get(token, token)


def display_token(token: str) -> str:
    """A token as Plotly text: HTML-escaped (Plotly reads a few tags), spaces visible."""
    return html.escape(visible_token(token), quote=False)


def time_labels(tokens: tuple[str, ...], with_step: bool = True) -> list[str]:
    if not with_step:
        return [display_token(tok) for tok in tokens]
    return [f"{display_token(tok)}<br><sub>{t}</sub>" for t, tok in enumerate(tokens)]


def tokens_fit(tokens: tuple[str, ...], most: int = MAX_TICK_LABELS) -> bool:
    """True when every token can be written under its step without overlapping."""
    longest = max((len(t) for t in tokens), default=0)
    return len(tokens) <= most and len(tokens) * (longest + 1) <= MAX_LABEL_CHARS


def colour_range(values: np.ndarray, bounded: bool, fitted: bool = False) -> tuple[float, float]:
    """Symmetric about 0, so white is always 0. Fixed: [-1, 1] for tanh/sigmoid
    quantities, the largest |value| (at least 1) otherwise. Fitted: the largest |value|,
    so small states (LSTM, GRU, wide layers) use the whole scale."""
    finite = values[np.isfinite(values)]
    largest = float(np.abs(finite).max()) if finite.size else 1.0
    if fitted:
        return -max(largest, 1e-6), max(largest, 1e-6)
    if bounded:
        return -1.0, 1.0
    largest = max(1.0, largest)
    return -largest, largest


def bounded(cell: str, nonlinearity: str) -> bool:
    """True when h_t lies in [-1, 1] by construction (everything but a ReLU RNN)."""
    return not (cell == "rnn" and nonlinearity == "relu")


def is_bounded(trace: Trace) -> bool:
    return bounded(trace.config.cell, trace.config.nonlinearity)


def as_figure(spec: dict) -> go.Figure:
    """Wrap a finished spec without Plotly's (slow) validation."""
    return go.Figure(spec, skip_invalid=False, _validate=False)


# --- pieces ----------------------------------------------------------------------------


def base_layout(title: str, height: int) -> dict:
    return {
        "title": {"text": title, "x": 0.01, "font": {"size": FONT_SIZE + 4}},
        "font": {"size": FONT_SIZE, "color": "#1f2937"},
        "height": height,
        "margin": {"l": 80, "r": 40, "t": 64, "b": 72},
        "paper_bgcolor": "white",
        "plot_bgcolor": PADDING_GREY,
        "hoverlabel": {"font": {"size": FONT_SIZE}},
        "showlegend": False,
    }


def text_px(text: str, size: float = FONT_SIZE) -> float:
    """About how wide a label is drawn: Latin glyphs ~0.62 of the font size, CJK a whole."""
    return sum(size * (1.0 if ord(char) >= 0x2E80 else 0.62) for char in text)


def cartesian_axes(layout: dict) -> list[dict]:
    """A layout's x and y axes (xaxis, yaxis2, ...), to change in place."""
    return [
        v for k, v in layout.items() if k.startswith(("xaxis", "yaxis")) and isinstance(v, dict)
    ]


def fixed_margins(layout: dict, **margin: int) -> dict:
    """Margins given in full so that Plotly does not measure the labels to find them: the
    margin's autoexpand and every axis's automargin off. Measuring (a bounding box per
    tick label, then a second layout pass) was 60 % of drawing the hidden-state chart, and
    Streamlit draws a new chart twice. The builder gives margins that hold its labels
    (`text_px`); presenter mode's larger type turns the measuring back on
    (components.figures.presenter.enlarge)."""
    layout["margin"] = {**layout.get("margin", {}), **margin, "autoexpand": False}
    for axis in cartesian_axes(layout):
        axis["automargin"] = False
    return layout


def left_margin(labels: list[str], least: int) -> int:
    """Room for a y axis's title and its longest tick label."""
    return max(least, round(AXIS_TITLE_PX + max((text_px(x) for x in labels), default=0)))


def time_axis(
    tokens: tuple[str, ...],
    title: bool,
    with_step: bool = True,
    lang: str = "en",
    windowed: bool = False,
    **extra,
) -> dict:
    """Tokens under their steps (with the step numbers when `with_step`). A `windowed`
    axis shows a window of a long sequence at a time, so short tokens are written under
    every step however long the sequence."""
    steps = len(tokens)
    axis = {"range": [-0.5, steps - 0.5], "showgrid": False, "zeroline": False, "tickangle": 0,
            "automargin": True}  # fmt: skip
    longest = max((len(token) for token in tokens), default=0)
    if windowed and longest <= MAX_WINDOW_TOKEN_CHARS:
        labels = time_labels(tokens, with_step=False)
        axis.update(tickmode="array", tickvals=list(range(steps)), ticktext=labels)
        name = tr("fig_time_token", lang)
    elif tokens_fit(tokens):
        labels = time_labels(tokens, with_step)
        axis.update(tickmode="array", tickvals=list(range(steps)), ticktext=labels)
        name = tr("fig_time_token", lang)
    else:
        name = tr("fig_time_hover", lang)
    if title:
        axis["title"] = {"text": name}
    return {**axis, **extra}


def unit_axis(units: int, title: str, labels: list[str] | None = None, **extra) -> dict:
    axis = {"title": {"text": title}, "autorange": "reversed", "showgrid": False,
            "zeroline": False, "automargin": True}  # fmt: skip
    if units <= 32:  # every unit up to UNIT_TICKS_SHOWN, else every k-th: labels never overlap
        step = math.ceil(units / UNIT_TICKS_SHOWN)
        axis.update(tickmode="array", tickvals=list(range(0, units, step)))
        if labels is not None:
            axis["ticktext"] = labels[::step]
    return {**axis, **extra}


def subplot_title(text: str, x: tuple[float, float], y_top: float) -> dict:
    return {
        "text": text, "x": (x[0] + x[1]) / 2, "y": y_top, "xref": "paper", "yref": "paper",
        "xanchor": "center", "yanchor": "bottom", "showarrow": False,
        "font": {"size": FONT_SIZE},
    }  # fmt: skip


def coloraxis(
    zmin: float, zmax: float, lang: str = "en", fitted: bool | None = None, **colorbar
) -> dict:
    """The shared colour axis; with `fitted` given, its title says which scale it is
    ("fitted ±0.42" or "fixed ±1"), written on its side so it never meets an axis title."""
    title = {"text": tr("fig_value", lang), "side": "top"}
    if fitted is not None:
        key = "fig_colour_fitted" if fitted else "fig_colour_fixed"
        title = {"text": tr(key, lang, bound=f"{zmax:.2g}"), "side": "right"}
    return {
        "colorscale": DIVERGING_SCALE,
        "cmin": zmin,
        "cmax": zmax,
        "colorbar": {"title": title, "thickness": 14, **colorbar},
    }


def heatmap(
    values: np.ndarray, tokens, name: str, xaxis: str, yaxis: str, lang: str = "en"
) -> dict:
    """values (T, H) -> a heatmap with units on y and time on x, on the shared colour axis."""
    steps, units = values.shape
    value = tr("fig_value", lang)
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
        "hovertemplate": f"{name}[%{{y}}]<br>t = %{{x}}<br>{value} = %{{z:.4f}}<extra></extra>",
    }
    if steps * units <= MAX_HOVER_CELLS:
        # "2 · l": %{x} would print the axis's tick text (the token), not the step
        hover_steps = np.array([f"{t} · {display_token(token)}" for t, token in enumerate(tokens)],
                               dtype=object)  # fmt: skip
        trace["customdata"] = np.broadcast_to(hover_steps, (units, steps))
        trace["hovertemplate"] = (
            f"{name}[%{{y}}]<br>t = %{{customdata}}<br>{value} = %{{z:.4f}}<extra></extra>"
        )
    return trace


def direction_name(direction: int, lang: str = "en") -> str:
    return tr("direction_forward" if direction == 0 else "direction_reverse", lang)


def where(
    trace: Trace, lang: str, seq: int | None = None, layer: int | None = None,
    direction: int | None = None,
) -> str:  # fmt: skip
    """What a chart shows, for its title: "sequence 2 · layer 1 · reverse". The sequence
    when given; the layer and the direction when given and the scene has more than one."""
    parts = [] if seq is None else [tr("fig_sequence_n", lang, n=seq + 1)]
    if layer is not None and trace.num_layers > 1:
        parts.append(tr("fig_layer_n", lang, n=layer + 1))
    if direction is not None and trace.num_directions > 1:
        parts.append(direction_name(direction, lang))
    return " · ".join(parts)


def titled(*parts: str) -> str:
    """A title from its parts, " · " between the ones that are not empty."""
    return " · ".join(part for part in parts if part)


def chart_title(
    what: str, trace: Trace, seq: int, layer: int | None = None, direction: int | None = None,
    lang: str = "en",
) -> str:  # fmt: skip
    """e.g. "h_t · LSTM · sequence 2 · layer 1 · reverse" (the layer and the direction
    when given and the scene has more than one)."""
    cell = CELL_NAMES[trace.config.cell]
    return titled(what, cell, where(trace, lang, seq, layer, direction))
