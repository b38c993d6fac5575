"""The "Memory over time" lesson's figures: the influence triangles of RNN, LSTM and GRU on
one log colour scale, the influence on the last state against the gap, W_hh's eigenvalues
in the complex plane, and the (scaled) modules' hidden states. Pure functions returning
Plotly spec dicts; no Streamlit here.

Influence is drawn as log10 of the absolute norms: one colour scale for the three cells,
nothing normalised per row (Distill's "Memorization in RNNs" scaled each row to its own
maximum, which hides vanishing; the charts here say they do not).
"""

from __future__ import annotations

import math

import numpy as np

from components.figures.compare import BAR_COLOURS, Panel, grid_spec, joint_range
from components.figures.parts import (
    CELL_NAMES,
    FONT_SIZE,
    base_layout,
    bounded,
    display_token,
    subplot_title,
    titled,
    where,
)
from components.i18n import t as tr
from model.lessons.memory import Memory
from model.lessons.memory_influence import Influence
from model.trace import Trace

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
COLOUR_DECADES = 20  # the colour scale spans at most this many powers of ten below the top
INFLUENCE_COLOURS = "Viridis"  # dark = faint influence, yellow = strong; no zero to centre
BLANK = "white"  # where h_t cannot depend on x_s (read later), and the diagonal s = t
COL_GAP = 0.06  # between the three panels, fraction of the width
TICK_TOKENS = 24  # up to this many steps, the axes write each token under its step
TOKEN_CHARS = 3  # ... when no token is longer than this
# a legend under everything (the x-axis title included), wherever the plot ends
BOTTOM_LEGEND = {"orientation": "h", "x": 0.0, "xanchor": "left", "yref": "container", "y": 0.0,
                 "yanchor": "bottom"}  # fmt: skip
BLOCK_COLOURS = {  # W_hh's blocks by PyTorch's letter, in the eigenvalue chart
    "h": "#7570b3", "i": "#1b9e77", "f": "#d95f02", "g": "#7570b3", "o": "#e7298a",
    "r": "#66a61e", "z": "#e6ab02", "n": "#7570b3",
}  # fmt: skip


def _columns(count: int) -> list[tuple[float, float]]:
    width = (1.0 - COL_GAP * (count - 1)) / count
    return [(round(i * (width + COL_GAP), 6), round(i * (width + COL_GAP) + width, 6))
            for i in range(count)]  # fmt: skip


def _panel_title(run: Influence, when: str) -> str:
    return CELL_NAMES[run.cell] + (when if run.own else "")


def _step_axis(run: Influence, tokens: tuple[str, ...], title: str, **extra) -> dict:
    """The steps shown, by their time index; each token under its step when they fit."""
    positions = run.positions
    axis = {"range": [positions[0] - 0.5, positions[-1] + 0.5], "showgrid": False,
            "zeroline": False, "automargin": True, "title": {"text": title}}  # fmt: skip
    longest = max((len(tokens[p]) for p in positions), default=0)
    if len(positions) <= TICK_TOKENS and longest <= TOKEN_CHARS:
        labels = [display_token(tokens[p]) for p in positions]
        axis.update(tickmode="array", tickvals=positions.tolist(), ticktext=labels, tickangle=0)
    return {**axis, **extra}


def log_range(runs: list[np.ndarray]) -> tuple[float, float]:
    """(low, high) in powers of ten over every panel's finite positive values: the top is
    the largest, the bottom at most COLOUR_DECADES below it."""
    values = np.concatenate([r[np.isfinite(r) & (r > 0)] for r in runs] or [np.zeros(0)])
    if values.size == 0:
        return -1.0, 0.0
    high = math.log10(values.max())
    low = max(math.log10(values.min()), high - COLOUR_DECADES)
    return (low, high) if high - low > 1e-9 else (high - 1, high)


def log_values(values: np.ndarray, low: float) -> np.ndarray:
    """log10 of the norms, float32; zeros at the scale's bottom, NaN kept (blank)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logged = np.log10(values)
    logged = np.where(np.isneginf(logged), low, logged)
    logged = np.where(np.isposinf(logged), np.nan, logged)  # an overflow: blank
    return np.maximum(logged, low).astype(np.float32)


def _decade_ticks(low: float, high: float) -> dict:
    first, last = math.ceil(low), math.floor(high)
    step = max(1, math.ceil((last - first + 1) / 8))
    values = list(range(last, first - 1, -step))[::-1] or [round(high)]
    text = [f"10{str(v).translate(SUPERSCRIPT)}" for v in values]  # no markup: 10⁻⁴
    return {"tickmode": "array", "tickvals": values, "ticktext": text}


def influence_spec(
    memory: Memory, trace: Trace, which: str = "input", lang: str = "en", when: str = ""
) -> dict:
    """RNN, LSTM and GRU side by side: ||dh_t/dx_s|| (`which` "input") or ||dh_t/dh_s||
    ("state") for every pair of steps, log10 on one colour axis, rows t and columns s."""
    tokens = trace.tokens[memory.seq]
    runs = list(memory.influences)
    matrices = [r.on_input if which == "input" else r.on_state for r in runs]
    low, high = log_range(matrices)
    quantity = tr("memory_fig_dx" if which == "input" else "memory_fig_dh", lang)
    height, top, bottom = 540, 150, 90
    data, layout_axes, annotations = [], {}, []
    for index, (run, matrix, x_dom) in enumerate(
        zip(runs, matrices, _columns(max(len(runs), 1)), strict=False)
    ):
        suffix = "" if index == 0 else str(index + 1)
        data.append({
            "type": "heatmap", "z": log_values(matrix, low), "x": run.positions.tolist(),
            "y": run.positions.tolist(), "coloraxis": "coloraxis", "xaxis": "x" + suffix,
            "yaxis": "y" + suffix, "hoverongaps": False, "name": CELL_NAMES[run.cell],
            "hovertemplate": f"{CELL_NAMES[run.cell]} · t = %{{y}} · s = %{{x}}<br>"
                             f"{quantity} ≈ 10^%{{z:.2f}}<extra></extra>",
        })  # fmt: skip
        x_title = tr("memory_fig_axis_s" if which == "input" else "memory_fig_axis_hs", lang)
        layout_axes["xaxis" + suffix] = _step_axis(
            run, tokens, x_title, domain=list(x_dom), anchor="y" + suffix
        )
        y_title = tr("memory_fig_axis_t", lang) if index == 0 else ""
        layout_axes["yaxis" + suffix] = _step_axis(
            run, tokens, y_title, domain=[0.0, 1.0], anchor="x" + suffix, autorange="reversed"
        )
        layout_axes["yaxis" + suffix].pop("range")
        annotations.append(subplot_title(_panel_title(run, when), x_dom, 1.0))
    place = where(trace, lang, memory.seq, memory.layer, memory.direction)
    layout = base_layout(tr("memory_fig_influence", lang, quantity=quantity), height)
    subtitled(layout, place, tr("memory_fig_absolute", lang))
    layout.update(layout_axes)
    tidy_panels(layout, len(runs))
    layout.update(
        margin={"l": 70, "r": 30, "t": top, "b": bottom},
        plot_bgcolor=BLANK,
        annotations=annotations,
        coloraxis={
            "colorscale": INFLUENCE_COLOURS, "cmin": low, "cmax": high,
            "colorbar": {"title": {"text": quantity, "side": "right"}, "thickness": 14,
                         **_decade_ticks(low, high)},
        },
    )  # fmt: skip
    return {"data": data, "layout": layout}


def subtitled(layout: dict, *lines: str) -> None:
    """Smaller lines under the title (Plotly does not wrap text: one line each)."""
    layout["title"]["subtitle"] = {
        "text": "<br>".join(line for line in lines if line),
        "font": {"size": FONT_SIZE - 3, "color": "#4b5563"},
    }


def tidy_panels(layout: dict, count: int) -> None:
    """Panels side by side read as one chart, and fit a phone: the unit or step labels on
    the left panel only, the x-axis title under the middle one, a few x ticks."""
    middle = (count - 1) // 2
    for index in range(count):
        suffix = "" if index == 0 else str(index + 1)
        x_axis, y_axis = layout["xaxis" + suffix], layout["yaxis" + suffix]
        x_axis.setdefault("nticks", 4)
        if index != middle:
            x_axis["title"] = {"text": ""}
        if index > 0:
            y_axis["showticklabels"] = False
            y_axis["title"] = {"text": ""}


def _decade_step(values: list[np.ndarray]) -> int:
    """Ticks of a log axis every this many powers of ten: at most about 8 of them, and
    never Plotly's 2 and 5 between two powers (they crowd a short range)."""
    low, high = log_range(values)
    return max(1, math.ceil((high - low) / 8))


def gap_spec(memory: Memory, trace: Trace, lang: str = "en", when: str = "") -> dict:
    """Influence of x_s on the last state read, against the gap t - s: one line per cell,
    log y axis (a straight falling line is an exponential decay)."""
    lines = []
    markers = memory.steps <= TICK_TOKENS * 2
    back = tr("memory_fig_steps_back", lang)
    for run in memory.influences:
        values = run.by_gap.astype(np.float64)
        values = np.where(np.isfinite(values) & (values > 0), values, np.nan)
        lines.append({
            "type": "scatter", "mode": "lines+markers" if markers else "lines",
            "x": np.arange(len(values), dtype=np.int32), "y": values,
            "name": _panel_title(run, when), "line": {"color": BAR_COLOURS[run.cell], "width": 3},
            "marker": {"size": 7}, "connectgaps": False,
            "hovertemplate": f"{CELL_NAMES[run.cell]} · %{{x}} {back}: %{{y:.3e}}<extra></extra>",
        })  # fmt: skip
    place = where(trace, lang, memory.seq, memory.layer, memory.direction)
    layout = base_layout(tr("memory_fig_gap", lang), 460)
    subtitled(layout, place, tr("memory_fig_absolute_line", lang))
    layout.update(
        showlegend=True, plot_bgcolor="white", legend=BOTTOM_LEGEND,
        margin={"l": 80, "r": 30, "t": 120, "b": 120},
        xaxis={"title": {"text": tr("memory_fig_gap_axis", lang)}, "gridcolor": "#e5e7eb",
               "zeroline": False, "rangemode": "tozero"},
        yaxis={"type": "log", "title": {"text": tr("memory_fig_gap_value", lang)},
               "gridcolor": "#e5e7eb", "exponentformat": "power",
               "dtick": _decade_step([line["y"] for line in lines])},
    )  # fmt: skip
    return {"data": lines, "layout": layout}


def eigen_spec(
    eigenvalues: dict[str, dict[str, np.ndarray]], scale: float, lang: str = "en"
) -> dict:
    """Each cell's W_hh blocks' eigenvalues (times `scale`) in the complex plane, beside
    the unit circle; one panel per cell, the same range in every panel."""
    cells = list(eigenvalues)
    largest = max((float(np.abs(v).max()) * scale for blocks in eigenvalues.values()
                   for v in blocks.values() if v.size), default=1.0)  # fmt: skip
    reach = round(max(1.2, 1.1 * largest), 3)
    data, axes, annotations, shapes = [], {}, [], []
    for index, (cell, x_dom) in enumerate(zip(cells, _columns(len(cells)), strict=True)):
        suffix = "" if index == 0 else str(index + 1)
        for letter, values in eigenvalues[cell].items():
            scaled = values * scale
            radius = float(np.abs(scaled).max()) if scaled.size else 0.0
            name = f"{CELL_NAMES[cell]} W_h{letter} · ρ = {radius:.2f}"
            data.append({
                "type": "scatter", "mode": "markers", "x": scaled.real.astype(np.float32),
                "y": scaled.imag.astype(np.float32), "name": name, "xaxis": "x" + suffix,
                "yaxis": "y" + suffix,
                "marker": {"size": 8, "color": BLOCK_COLOURS[letter], "opacity": 0.8,
                           "symbol": "circle" if cell == "rnn" else "diamond"},
                "hovertemplate": f"{name}<br>%{{x:.3f}} %{{y:+.3f}}i<extra></extra>",
            })  # fmt: skip
        axis = {"range": [-reach, reach], "zeroline": True, "zerolinecolor": "#9ca3af",
                "gridcolor": "#e5e7eb", "automargin": True}  # fmt: skip
        axes["xaxis" + suffix] = {**axis, "domain": list(x_dom), "anchor": "y" + suffix,
                                  "title": {"text": tr("memory_fig_real", lang)}}  # fmt: skip
        axes["yaxis" + suffix] = {**axis, "anchor": "x" + suffix, "scaleanchor": "x" + suffix,
                                  "constrain": "domain", "constraintoward": "top",
                                  "title": {"text": tr("memory_fig_imag", lang) if index == 0
                                            else ""}}  # fmt: skip
        shapes.append({"type": "circle", "xref": "x" + suffix, "yref": "y" + suffix,
                       "x0": -1, "x1": 1, "y0": -1, "y1": 1,
                       "line": {"color": "#111111", "width": 1.5, "dash": "dot"}})  # fmt: skip
        annotations.append(subplot_title(CELL_NAMES[cell], x_dom, 1.0))
    title = tr("memory_fig_eigen", lang, k=f"{scale:g}")
    layout = base_layout(title, 600)
    layout.update(axes)
    layout.update(
        showlegend=True, plot_bgcolor="white", shapes=shapes, annotations=annotations,
        legend={**BOTTOM_LEGEND, "font": {"size": FONT_SIZE - 3}},
        margin={"l": 70, "r": 30, "t": 90, "b": 130},
    )  # fmt: skip
    tidy_panels(layout, len(cells))
    return {"data": data, "layout": layout}


def states_spec(memory: Memory, trace: Trace, lang: str = "en", when: str = "") -> dict:
    """h_t of each (scaled) cell over the steps shown, side by side on one colour scale."""
    tokens = trace.tokens[memory.seq]
    panels = []
    for run in memory.influences:
        shown = tuple(tokens[p] for p in run.positions)
        panels.append(Panel(_panel_title(run, when), run.hidden.astype(np.float32), shown))
    first = memory.influences[0].positions if memory.influences else np.zeros(1, dtype=int)
    steps = ""
    if first[0] != 0 or len(first) < memory.total_steps:
        steps = tr("memory_fig_steps", lang, first=int(first[0]), last=int(first[-1]))
    title = titled(tr("memory_fig_states", lang, k=f"{memory.scale:g}"), steps,
                   where(trace, lang, memory.seq, memory.layer, memory.direction))  # fmt: skip
    zrange = joint_range([p.values for p in panels],
                         bounded("rnn", trace.config.nonlinearity))  # fmt: skip
    spec = grid_spec(panels, 3, title, zrange, trace.config.hidden_size, lang)
    tidy_panels(spec["layout"], len(panels))
    return spec
