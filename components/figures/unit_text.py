"""The "A unit in the text" lesson's figures: every unit of h, c or a gate as a clickable
heatmap (a click picks a unit, a box picks a stretch of time), and the typed text
coloured by one unit, one row per sequence. Pure builders returning Plotly spec dicts;
no Streamlit here.

User text reaches these figures only as Plotly labels, escaped by `display_token`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from components.figures.parts import (
    FONT_SIZE,
    MARK,
    PADDING_GREY,
    base_layout,
    coloraxis,
    colour_range,
    display_token,
    heatmap,
    is_bounded,
    time_axis,
    titled,
    unit_axis,
    where,
)
from components.i18n import t
from model.lessons.unit_text import HIDDEN, quantity_values
from model.trace import Trace

SYMBOLS = {"h": "h", "c": "c", "input": "i", "forget": "f", "candidate": "g", "output": "o",
           "reset": "r", "update": "z"}  # fmt: skip
MAX_OVERLAY_POINTS = 6_000  # clickable points over the units heatmap (steps thinned beyond)
MAX_TEXT_ROWS = 40  # rows of the text view; more sequences are windowed around the chosen one
ROW_CHARS = 80  # characters of text per row (tokens are padded to the longest)
MAX_ROW_TOKENS = 40  # at most this many tokens per row
MIN_ROW_TOKENS = 16  # short texts still get cells of a readable width
MAX_CELL_CHARS = 10  # longer tokens are cut with "…" in the text view
TEXT_ROW_PX = 46
MIN_TEXT_PLOT = 170  # pixels of plot at least: room for a readable colour bar
STRETCH = "#7c3aed"  # outline of the time stretch chosen on the heatmap


# --- names -----------------------------------------------------------------------------


def symbol(trace: Trace, quantity: str) -> str:
    """h, c, i, f, g (LSTM candidate), n (GRU candidate), o, r, z."""
    if quantity == "candidate" and trace.config.cell == "gru":
        return "n"
    return SYMBOLS[quantity]


def unit_name(trace: Trace, quantity: str, unit: int) -> str:
    return f"{symbol(trace, quantity)}[{unit}]"


def quantity_label(trace: Trace, quantity: str, lang: str) -> str:
    """The quantity in words, e.g. "forget gate f"."""
    labels = {
        "h": t("unit_text_q_h", lang),
        "c": t("unit_text_q_c", lang),
        "input": t("unit_text_q_input", lang),
        "forget": t("unit_text_q_forget", lang),
        "candidate": t("unit_text_q_candidate", lang, symbol=symbol(trace, "candidate")),
        "output": t("unit_text_q_output", lang),
        "reset": t("unit_text_q_reset", lang),
        "update": t("unit_text_q_update", lang),
    }
    return labels[quantity]


def _bounds(trace: Trace, quantity: str, values: np.ndarray) -> tuple[float, float]:
    """[-1, 1] (c saturates there, as in the gates view); a ReLU h gets its own range."""
    return colour_range(values, bounded=quantity != HIDDEN or is_bounded(trace))


# --- a unit's heatmap, clickable -------------------------------------------------------


def unit_heatmap_spec(
    trace: Trace, quantity: str, seq: int, layer: int, direction: int, unit: int,
    stretch: tuple[int, int] | None, lang: str,
) -> dict:  # fmt: skip
    """Every unit of h, c or a gate over time, for one sequence. Plotly heatmaps cannot be
    selected, so an invisible scatter puts one point on each cell (customdata = unit):
    a click returns its unit, a box over time returns its stretch. The chosen unit's row
    and the chosen stretch are outlined."""
    values = quantity_values(trace, quantity)
    states = values[layer, direction, seq]  # (T, H)
    tokens = trace.tokens[seq]
    steps, units = states.shape
    sym = symbol(trace, quantity)
    cells = heatmap(states, tokens, sym, "x", "y")
    for key in ("customdata", "hovertemplate"):
        cells.pop(key, None)
    cells["hoverinfo"] = "skip"  # the overlay below carries the hover and the clicks
    height = int(min(660, max(400, 190 + 26 * units)))
    title = t("unit_text_fig_heatmap_title", lang, quantity=quantity_label(trace, quantity, lang))
    layout = base_layout(titled(title, where(trace, lang, seq, layer, direction)), height)
    layout["margin"] = {"l": 80, "r": 40, "t": 80, "b": 110}
    zmin, zmax = _bounds(trace, quantity, values)
    labels = [unit_name(trace, quantity, u) for u in range(units)]
    layout.update(
        xaxis=time_axis(tokens, title=True, lang=lang, fixedrange=True),
        yaxis=unit_axis(units, t("fig_unit", lang), labels, autorange=False,
                        range=[units - 0.5, -0.5], fixedrange=True),  # no marker margin
        coloraxis=coloraxis(zmin, zmax),
        hovermode="closest", hoverdistance=-1, selectdirection="h",
        **_drag_modes(lang),
    )  # fmt: skip
    layout["coloraxis"]["colorbar"]["title"]["text"] = sym
    layout["shapes"] = [_unit_row(unit)] + ([_stretch(*stretch)] if stretch else [])
    return {"data": [cells, _overlay(states, tokens, sym)], "layout": layout}


def _drag_modes(lang: str) -> dict:
    """Streamlit lets a click select a point only outside box-select mode (it sets
    clickmode to "event" there), so two buttons switch the drag mode: "pan" on fixed
    axes (a click picks a unit; dragging does nothing) and "select" (drag over time).
    Streamlit follows the switch: its figure state tracks the drag mode."""
    button = {"method": "relayout"}
    return {
        "dragmode": "pan",
        "updatemenus": [{
            "type": "buttons", "direction": "left", "showactive": True, "active": 0,
            "x": 1.0, "xanchor": "right", "y": 1.02, "yanchor": "bottom",
            "pad": {"r": 0, "t": 0}, "font": {"size": FONT_SIZE - 2},
            "buttons": [
                {**button, "label": t("unit_text_fig_mode_click", lang),
                 "args": [{"dragmode": "pan"}]},
                {**button, "label": t("unit_text_fig_mode_box", lang),
                 "args": [{"dragmode": "select"}]},
            ],
        }],
    }  # fmt: skip


def overlay_steps(steps: int, units: int) -> np.ndarray:
    """The steps that get a clickable point: all of them, or every k-th step when
    units x steps would pass MAX_OVERLAY_POINTS (a click then lands on the nearest one)."""
    columns = max(1, MAX_OVERLAY_POINTS // units)  # steps that fit with every unit
    return np.arange(0, steps, max(1, math.ceil(steps / columns)))


def _overlay(states: np.ndarray, tokens, sym: str) -> dict:
    steps, units = states.shape
    shown = overlay_steps(steps, units)
    x = np.tile(shown, units).astype(np.int32)  # unit-major: all steps of unit 0, then 1...
    y = np.repeat(np.arange(units), len(shown)).astype(np.int32)
    labels = [display_token(tok) for tok in tokens]
    pairs = zip(y.tolist(), x.tolist(), strict=True)
    hover = np.array(
        [f"{sym}[{u}] · t = {s} ({labels[s]})<br>{_value(states[s, u])}" for u, s in pairs],
        dtype=object,
    )
    return {
        "type": "scatter", "mode": "markers", "x": x, "y": y, "customdata": y.copy(),
        "hovertext": hover, "hovertemplate": "%{hovertext}<extra></extra>",
        "marker": {"size": 14, "opacity": 0, "symbol": "square"},
        "selected": {"marker": {"opacity": 0}}, "unselected": {"marker": {"opacity": 0}},
        "name": "cells", "showlegend": False, "hoverlabel": {"bgcolor": "white"},
    }  # fmt: skip


def _value(value: float) -> str:
    return f"value = {value:.4f}" if np.isfinite(value) else "not computed"


def _unit_row(unit: int) -> dict:
    return {"type": "rect", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1,
            "y0": unit - 0.5, "y1": unit + 0.5, "line": {"color": MARK, "width": 3}}  # fmt: skip


def _stretch(start: int, stop: int) -> dict:
    return {"type": "rect", "xref": "x", "yref": "y domain", "x0": start - 0.5,
            "x1": stop + 0.5, "y0": 0, "y1": 1,
            "line": {"color": STRETCH, "width": 4, "dash": "dash"}}  # fmt: skip


# --- the text, coloured by one unit ----------------------------------------------------


@dataclass(frozen=True)
class TextGrid:
    """How the sequences are laid out as rows of text."""

    columns: int  # tokens per row
    rows_per_sequence: int
    steps_shown: int  # first steps of each sequence shown (all, unless very long)
    sequences: tuple[int, ...]  # the sequences shown (a window around the chosen one)

    @property
    def rows(self) -> int:
        return self.rows_per_sequence * len(self.sequences)


def text_grid(trace: Trace, seq: int) -> TextGrid:
    batch, steps = len(trace.tokens), len(trace.tokens[0])
    longest = max(len(tok) for line in trace.tokens for tok in line)
    width = min(longest, MAX_CELL_CHARS) + 1
    columns = max(1, min(MAX_ROW_TOKENS, ROW_CHARS // width, max(steps, MIN_ROW_TOKENS)))
    rows = min(math.ceil(steps / columns), MAX_TEXT_ROWS)
    fit = max(1, MAX_TEXT_ROWS // rows)  # sequences that fit
    first = min(max(0, seq - fit // 2), max(0, batch - fit))
    shown = tuple(range(first, min(batch, first + fit)))
    return TextGrid(columns, rows, min(steps, rows * columns), shown)


def _cell_text(token: str) -> str:
    short = token if len(token) <= MAX_CELL_CHARS else token[: MAX_CELL_CHARS - 1] + "…"
    return display_token(short)


def unit_text_spec(
    trace: Trace, quantity: str, layer: int, direction: int, unit: int, seq: int, lang: str
) -> dict:
    """Every sequence's tokens as a row of cells coloured by one unit's value, as in
    Karpathy's cell visualisations; long sequences wrap onto several rows."""
    values = quantity_values(trace, quantity)
    grid = text_grid(trace, seq)
    name = unit_name(trace, quantity, unit)
    cells = _text_cells(trace, values[layer, direction, :, :, unit], grid, name, lang)
    z, missing, text, hover = cells
    size = FONT_SIZE + 4 if grid.columns > 8 else FONT_SIZE + 6
    data = [
        {"type": "heatmap", "z": missing, "colorscale": [[0, PADDING_GREY], [1, PADDING_GREY]],
         "showscale": False, "hoverinfo": "skip", "xgap": 2, "ygap": 10},
        {"type": "heatmap", "z": z, "coloraxis": "coloraxis", "text": text,
         "texttemplate": "%{text}", "textfont": {"size": size}, "customdata": hover,
         "hovertemplate": "%{customdata}<extra></extra>", "hoverongaps": False,
         "xgap": 2, "ygap": 10},
    ]  # fmt: skip
    title = t("unit_text_fig_text_title", lang, unit=name,
              quantity=quantity_label(trace, quantity, lang))  # fmt: skip
    title = titled(title, where(trace, lang, layer=layer, direction=direction))  # every sequence
    layout, colorbar = _text_layout(title, grid, seq, lang)
    layout["coloraxis"] = coloraxis(*_bounds(trace, quantity, values), **colorbar)
    layout["coloraxis"]["colorbar"]["title"]["text"] = name
    return {"data": data, "layout": layout}


def _text_cells(trace: Trace, per_step: np.ndarray, grid: TextGrid, name: str, lang: str):
    """per_step (N, T) -> the grid's values, grey cells (never computed), cell text and
    hover text, each (rows, columns)."""
    z = np.full((grid.rows, grid.columns), np.nan, dtype=np.float32)
    missing = np.full_like(z, np.nan)  # 1 where a step exists but was never computed
    text = np.full(z.shape, "", dtype=object)
    hover = np.full(z.shape, "", dtype=object)
    for block, n in enumerate(grid.sequences):
        for step in range(grid.steps_shown):
            row = block * grid.rows_per_sequence + step // grid.columns
            col = step % grid.columns
            token, value = trace.tokens[n][step], per_step[n, step]
            where = t(
                "unit_text_fig_where", lang, number=n + 1, step=step, token=display_token(token)
            )
            if np.isfinite(value):
                z[row, col], text[row, col] = value, _cell_text(token)
                hover[row, col] = f"{where}<br>{name} = {value:.4f}"
            else:
                missing[row, col] = 1.0
                hover[row, col] = where
    return z, missing, text, hover


def _text_layout(title: str, grid: TextGrid, seq: int, lang: str) -> tuple[dict, dict]:
    """Rows labelled by sequence (the chosen one in bold; a wrapped row by its first
    step); a short text keeps its cells' width instead of stretching across."""
    labels = []
    for n in grid.sequences:
        for part in range(grid.rows_per_sequence):
            label = f"{n + 1}" if part == 0 else f"{n + 1} · t{part * grid.columns}"
            labels.append(f"<b>{label}</b>" if n == seq else label)
    one_row = grid.rows_per_sequence == 1
    margin = {"l": 90, "r": 40, "t": 70, "b": 80 if one_row else 30}
    layout = base_layout(
        title, margin["t"] + margin["b"] + max(MIN_TEXT_PLOT, TEXT_ROW_PX * grid.rows)
    )
    shown = min(grid.columns, grid.steps_shown)
    width = 0.93 * shown / grid.columns
    layout.update(
        margin=margin, plot_bgcolor="white",
        xaxis={"range": [-0.5, shown - 0.5], "showgrid": False, "zeroline": False,
               "domain": [0.0, width], "showticklabels": one_row, "tickmode": "array",
               "tickvals": list(range(shown)) if one_row else [], "fixedrange": True},
        yaxis={"autorange": "reversed", "showgrid": False, "zeroline": False,
               "tickmode": "array", "tickvals": list(range(grid.rows)), "ticktext": labels,
               "title": {"text": t("unit_text_fig_sequence_axis", lang)}, "fixedrange": True},
    )  # fmt: skip
    if one_row:
        layout["xaxis"]["title"] = {"text": t("unit_text_fig_step_axis", lang), "standoff": 6}
    return layout, {"x": width + 0.01, "xanchor": "left", "len": 1.0}
