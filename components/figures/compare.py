"""The "RNN · LSTM · GRU" lesson's figures: small multiples of heatmaps on one colour
scale (cells side by side, two sequences, layers x directions) and the cost bars; the
grid of panels is shared with the "Why recurrence" figure (`components.figures.order`).
Pure functions returning Plotly spec dicts; no Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from components.figures.parts import (
    CELL_NAMES,
    CURSOR,
    FONT_SIZE,
    base_layout,
    bounded,
    coloraxis,
    colour_range,
    direction_name,
    heatmap,
    subplot_title,
    time_labels,
    titled,
    unit_axis,
    where,
)
from components.i18n import t as tr
from model.lessons.compare import Comparison
from model.trace import Trace

BAR_COLOURS = {"rnn": "#7570b3", "lstm": "#d95f02", "gru": "#1b9e77"}
LABEL_CHARS = 120  # tick-label characters that fit across the full width
COL_GAP = 0.05  # between panel columns, fraction of the width
ROW_GAP_PX = 96  # between panel rows: tick labels of the row above and a panel title
TOP_PX, BOTTOM_PX = 96, 70  # figure title; x-axis title
COLOURBAR_PX = 220  # shortest colour bar


@dataclass(frozen=True)
class Panel:
    title: str
    values: np.ndarray | None  # (T, H); None: an empty panel saying `note`
    tokens: tuple[str, ...]
    name: str = "h"  # the quantity, in the hover text (a tensor name or a table text)
    note: str = ""
    boxes: tuple[int, ...] = field(default=())  # steps outlined in this panel


def row_height(units: int) -> int:
    """Pixels per panel row: a few rows of units stay readable, many stay on screen."""
    return int(min(320, max(150, 50 + 26 * units)))


def grid_spec(
    panels: list[Panel],
    cols: int,
    title: str,
    zrange: tuple[float, float],
    units: int,
    lang: str = "en",
) -> dict:
    """Panels row by row, `cols` per row, on one shared colour axis and shared axes."""
    rows = -(-len(panels) // cols)
    plot_px = row_height(units)
    height = TOP_PX + BOTTOM_PX + rows * plot_px + (rows - 1) * ROW_GAP_PX
    data, axes, annotations, shapes = [], {}, [], []
    for index, panel in enumerate(panels):
        row, col = divmod(index, cols)
        suffix = "" if index == 0 else str(index + 1)
        x_dom, y_dom = _panel_domain(row, col, cols, plot_px, height)
        steps = len(panel.tokens)
        shared = {} if index == 0 else {"matches": "x"}
        axes["xaxis" + suffix] = {
            **_time_axis(panel.tokens, cols, row == rows - 1, lang),
            "domain": list(x_dom), "anchor": "y" + suffix, **shared,
        }  # fmt: skip
        axes["yaxis" + suffix] = unit_axis(
            units, tr("fig_hidden_unit", lang) if col == 0 else "", domain=list(y_dom),
            anchor="x" + suffix,
            **({} if index == 0 else {"matches": "y"}),
        )  # fmt: skip
        annotations.append(subplot_title(panel.title, x_dom, y_dom[1]))
        if panel.values is None:
            annotations.append(_note(panel.note, x_dom, y_dom))
            axes["xaxis" + suffix].update(visible=False, range=[-0.5, max(steps, 1) - 0.5])
            axes["yaxis" + suffix]["visible"] = False
            continue
        data.append(
            heatmap(panel.values, panel.tokens, panel.name, "x" + suffix, "y" + suffix, lang)
        )
        shapes += [_box(t, "x" + suffix, "y" + suffix) for t in panel.boxes]
    layout = base_layout(title, height)
    layout.update(axes)
    layout.update(
        margin={"l": 80, "r": 40, "t": TOP_PX, "b": BOTTOM_PX},
        coloraxis=coloraxis(*zrange, lang, lenmode="pixels", len=_colourbar_px(plot_px, height),
                            y=1.0, yanchor="top"),
        annotations=annotations,
        shapes=shapes,
    )  # fmt: skip
    return {"data": data, "layout": layout}


def _panel_domain(row: int, col: int, cols: int, plot_px: int, height: int) -> tuple:
    """The (x, y) domains of the panel at `row`, `col`: fixed pixels per row."""
    width = (1.0 - COL_GAP * (cols - 1)) / cols
    x_dom = (round(col * (width + COL_GAP), 6), round(col * (width + COL_GAP) + width, 6))
    top_px = row * (plot_px + ROW_GAP_PX)
    plot_h = height - TOP_PX - BOTTOM_PX
    y_dom = (round(1 - (top_px + plot_px) / plot_h, 6), round(1 - top_px / plot_h, 6))
    return x_dom, y_dom


def _colourbar_px(plot_px: int, height: int) -> int:
    """Long enough to read its ticks, never past the figure's bottom."""
    return int(min(max(plot_px, COLOURBAR_PX), height - TOP_PX - 20))


def _time_axis(tokens: tuple[str, ...], cols: int, title: bool, lang: str) -> dict:
    steps = len(tokens)
    axis = {"range": [-0.5, steps - 0.5], "showgrid": False, "zeroline": False, "tickangle": 0}
    longest = max((len(t) for t in tokens), default=0)
    if steps * (longest + 1) <= LABEL_CHARS / cols:
        axis.update(tickmode="array", tickvals=list(range(steps)), ticktext=time_labels(tokens))
        name = tr("fig_time_token", lang)
    else:
        name = tr("fig_time_hover", lang)
    if title:
        axis["title"] = {"text": name}
    return axis


def _note(text: str, x_dom, y_dom) -> dict:
    return {
        "text": text, "x": (x_dom[0] + x_dom[1]) / 2, "y": (y_dom[0] + y_dom[1]) / 2,
        "xref": "paper", "yref": "paper", "showarrow": False, "align": "center",
        "font": {"size": FONT_SIZE - 2, "color": "#7f1d1d"},
    }  # fmt: skip


def _box(t: int, xref: str, yref: str) -> dict:
    return {
        "type": "rect", "xref": xref, "yref": f"{yref} domain", "x0": t - 0.5, "x1": t + 0.5,
        "y0": 0, "y1": 1, "line": {"color": CURSOR, "width": 3},
    }  # fmt: skip


def joint_range(values: list[np.ndarray], bounded: bool) -> tuple[float, float]:
    """One colour range over every panel's values."""
    finite = [v[np.isfinite(v)] for v in values]
    joined = np.concatenate(finite) if finite else np.zeros(0, dtype=np.float32)
    return colour_range(joined, bounded)


# --- the builders ----------------------------------------------------------------------


def cells_spec(
    comparison: Comparison, trace: Trace, seq: int, layer: int, direction: int, lang: str = "en"
) -> dict:
    """RNN, LSTM and GRU side by side: h_t of the same sequence, layer and direction."""
    tokens = trace.tokens[seq]
    panels, shown = [], []
    for run in comparison.runs:
        name = CELL_NAMES[run.cell]
        if run.hidden is None:
            panels.append(Panel(name, None, tokens, note=tr("compare_fig_cannot_run", lang)))
            continue
        values = run.hidden[layer, direction, seq]
        shown.append(values)
        count = tr("compare_fig_parameters", lang, n=f"{run.parameters:,}")
        panels.append(Panel(f"{name} · {count}", values, tokens))
    zrange = joint_range(shown, bounded("rnn", comparison.config.nonlinearity))
    title = titled(tr("compare_fig_cells", lang), where(trace, lang, seq, layer, direction))
    return grid_spec(panels, 3, title, zrange, trace.hidden.shape[-1], lang)


def costs_spec(comparison: Comparison, lang: str = "en") -> dict:
    """Parameters and forward time per cell, as two bar charts side by side."""
    runs = [run for run in comparison.runs if run.hidden is not None]
    names = [CELL_NAMES[run.cell] for run in runs]
    colours = [BAR_COLOURS[run.cell] for run in runs]
    params = np.array([run.parameters for run in runs], dtype=np.float64)
    millis = np.array([run.seconds * 1000 for run in runs], dtype=np.float64)
    bars = []
    for values, axis, text in (
        (params, "", [f"{int(v):,}" for v in params]),
        (millis, "2", [tr("compare_fig_ms", lang, ms=f"{v:.3g}") for v in millis]),
    ):
        bars.append({
            "type": "bar", "orientation": "h", "x": values, "y": names, "text": text,
            "textposition": "outside", "cliponaxis": False, "marker": {"color": colours},
            "xaxis": "x" + axis, "yaxis": "y" + axis, "hoverinfo": "skip",
        })  # fmt: skip
    layout = base_layout(tr("compare_fig_costs", lang), 110 + 48 * max(len(runs), 1) + 70)
    layout.update(
        margin={"l": 80, "r": 90, "t": 90, "b": 70},
        plot_bgcolor="white",
        xaxis={"domain": [0.0, 0.42], "title": {"text": tr("compare_fig_param_axis", lang)},
               "rangemode": "tozero", "gridcolor": "#e5e7eb",
               "range": [0, 1.25 * params.max(initial=1.0)]},
        xaxis2={"domain": [0.56, 0.98], "title": {"text": tr("compare_fig_time_axis", lang)},
                "gridcolor": "#e5e7eb", "range": [0, 1.3 * millis.max(initial=1e-3)]},
        yaxis={"autorange": "reversed", "anchor": "x"},
        yaxis2={"autorange": "reversed", "anchor": "x2", "showticklabels": False},
    )  # fmt: skip
    return {"data": bars, "layout": layout}


def pair_spec(
    trace: Trace, seqs: tuple[int, int], layer: int, direction: int, lang: str = "en",
    when: str = "",
) -> dict:  # fmt: skip
    """The scene's cell on two sequences of the batch, side by side; `when` is added to
    the title (the training step shown)."""
    panels = [
        Panel(tr("fig_sequence_n", lang, n=s + 1), trace.hidden[layer, direction, s],
              trace.tokens[s])
        for s in seqs
    ]  # fmt: skip
    cell = CELL_NAMES[trace.config.cell]
    two = tr("compare_fig_two_sequences", lang, cell=cell)
    title = titled(two, where(trace, lang, layer=layer, direction=direction)) + when
    zrange = joint_range(
        [p.values for p in panels], bounded(trace.config.cell, trace.config.nonlinearity)
    )
    return grid_spec(panels, 2, title, zrange, trace.hidden.shape[-1], lang)


def layers_spec(trace: Trace, seq: int, lang: str = "en", when: str = "") -> dict:
    """Every layer (rows, first layer on top) and direction (columns) at once; `when` is
    added to the title (the training step shown)."""
    tokens = trace.tokens[seq]
    panels = []
    for layer in range(trace.num_layers):
        for direction in range(trace.num_directions):
            title = tr("fig_layer_n", lang, n=layer + 1)
            if trace.num_directions > 1:
                title += f" · {direction_name(direction, lang)}"
            panels.append(Panel(title, trace.hidden[layer, direction, seq], tokens))
    zrange = joint_range([trace.hidden], bounded(trace.config.cell, trace.config.nonlinearity))
    every = tr("compare_fig_every_layer", lang, cell=CELL_NAMES[trace.config.cell])
    title = titled(every, where(trace, lang, seq)) + when
    return grid_spec(panels, trace.num_directions, title, zrange, trace.hidden.shape[-1], lang)
