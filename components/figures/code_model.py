"""The "code_model" lesson's figures: the code as it is laid out (one cell per character,
by line and column), each cell coloured by one unit's value after that character, and
the four units found with their correlations. Pure functions returning Plotly spec
dicts; no Streamlit here.
"""

from __future__ import annotations

import numpy as np

from components.figures.parts import DIVERGING_SCALE, FONT_SIZE, base_layout, colour_range
from components.i18n import t as tr

MAX_GRID_LINES = 60  # the code grid draws at most this many lines ...
MAX_GRID_COLUMNS = 90  # ... and this many columns of each (the states cover everything)
ROW_PIXELS = 28  # height of one line of code in the grid
SHOWN = {" ": "", "\n": "⏎", "\t": "⇥"}  # how white space is written in its cell
GRID = "#e5e7eb"


def code_grid(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The line and the column of every character (T,) each, 0-based."""
    lines = np.zeros(len(text), dtype=np.int64)
    columns = np.zeros(len(text), dtype=np.int64)
    line = column = 0
    for index, char in enumerate(text):
        lines[index], columns[index] = line, column
        line, column = (line + 1, 0) if char == "\n" else (line, column + 1)
    return lines, columns


def _text_size(columns: int) -> int:
    """Characters as large as the cells allow (a wide line gets narrow cells)."""
    return FONT_SIZE if columns <= 40 else FONT_SIZE - 2 if columns <= 70 else FONT_SIZE - 4


def code_unit_spec(text: str, values: np.ndarray, unit: str, label: str, lang: str = "en") -> dict:
    """The code in a grid of characters, each coloured by `values` (T,), the unit's value
    after reading it: blue below 0, white at 0, red above (symmetric, fitted to the
    largest |value|). Cells without a character stay empty."""
    values = np.asarray(values, dtype=np.float64)
    lines, columns = code_grid(text)
    rows = min(int(lines.max()) + 1 if len(text) else 1, MAX_GRID_LINES)
    width = min(int(columns.max()) + 1 if len(text) else 1, MAX_GRID_COLUMNS)
    z = np.full((rows, width), np.nan)
    written = np.full((rows, width), "", dtype=object)
    hover = np.full((rows, width), "", dtype=object)
    shown = (lines < rows) & (columns < width)
    for index in np.flatnonzero(shown):
        row, column, char = lines[index], columns[index], text[index]
        z[row, column] = values[index]
        written[row, column] = SHOWN.get(char, char)
        hover[row, column] = f"{row + 1}:{column + 1} · {repr(char)[1:-1] or ' '}"
    low, high = colour_range(values[shown] if shown.any() else values, bounded=False, fitted=True)
    value_name = tr("fig_value", lang)
    trace = {
        "type": "heatmap", "z": z.astype(np.float32), "zmin": low, "zmax": high,
        "x": np.arange(width, dtype=np.int32), "y": np.arange(rows, dtype=np.int32),
        "colorscale": DIVERGING_SCALE, "xgap": 1, "ygap": 1, "hoverongaps": False,
        "text": written, "texttemplate": "%{text}",
        "textfont": {"size": _text_size(width), "family": "monospace"},
        "customdata": hover,
        "hovertemplate": f"%{{customdata}}<br>{unit} {value_name} = %{{z:.3f}}<extra></extra>",
        "colorbar": {"thickness": 12,  # the unit is named in the title
                     "orientation": "h", "x": 0.5, "y": 0.0, "yanchor": "bottom", "len": 0.6,
                     "yref": "container", "ypad": 8},
    }  # fmt: skip
    title = tr("code_model_fig_text_title", lang, unit=unit, label=label)
    layout = base_layout(title, 190 + ROW_PIXELS * rows)
    annotations = []
    if not shown.all():
        annotations.append({"text": tr("code_model_fig_cropped", lang, lines=MAX_GRID_LINES,
                                        columns=MAX_GRID_COLUMNS),
                            "xref": "paper", "yref": "paper", "x": 0, "y": 0,
                            "yanchor": "top", "yshift": -30, "showarrow": False,
                            "font": {"size": FONT_SIZE - 2}})  # fmt: skip
    layout.update(
        plot_bgcolor="white", annotations=annotations,
        margin={"l": 50, "r": 16, "t": 64, "b": 126},  # the colour bar lies under the axis
        xaxis={"title": {"text": tr("code_model_fig_column", lang)}, "side": "bottom",
               "showgrid": False, "zeroline": False, "tickmode": "array",
               "tickvals": list(range(0, width, 10)),
               "ticktext": [str(c + 1) for c in range(0, width, 10)]},
        yaxis={"title": {"text": tr("code_model_fig_line", lang)}, "autorange": "reversed",
               "showgrid": False, "zeroline": False, "tickmode": "array",
               "tickvals": list(range(0, rows, 5)),
               "ticktext": [str(r + 1) for r in range(0, rows, 5)]},
    )  # fmt: skip
    return {"data": [trace], "layout": layout}


def units_spec(found: dict[str, tuple[str, float] | None], names: dict[str, str],
               lang: str = "en") -> dict:  # fmt: skip
    """One bar per label: the r of the unit found for it (label -> (unit, r), None when
    the label does not vary in this code), on [-1, 1], coloured like the states."""
    labels = list(found)
    r = np.array([found[k][1] if found[k] else np.nan for k in labels], dtype=np.float64)
    text = [f"{found[k][0]} · r = {found[k][1]:.2f}" if found[k] else
            tr("code_model_fig_constant", lang) for k in labels]  # fmt: skip
    ticks = [f"{names[k]}<br><b>{line}</b>" for k, line in zip(labels, text, strict=True)]
    trace = {  # the unit and its r are written under the label: they fit a phone's width
        "type": "bar", "orientation": "h", "x": np.nan_to_num(r).astype(np.float32),
        "y": ticks, "text": text, "textposition": "none",
        "marker": {"color": np.nan_to_num(r).astype(np.float32), "colorscale": DIVERGING_SCALE,
                   "cmin": -1, "cmax": 1, "line": {"color": "#374151", "width": 1}},
        "hovertemplate": "%{text}<extra></extra>",
    }  # fmt: skip
    layout = base_layout(tr("code_model_fig_units_title", lang), 120 + 72 * len(labels))
    layout.update(
        plot_bgcolor="white", margin={"l": 20, "r": 20, "t": 64, "b": 64},
        xaxis={"title": {"text": tr("code_model_fig_r", lang)}, "range": [-1.05, 1.05],
               "tickvals": [-1, -0.5, 0, 0.5, 1], "gridcolor": GRID, "zeroline": True,
               "zerolinecolor": "#111111", "zerolinewidth": 2},
        yaxis={"autorange": "reversed", "automargin": True},
    )  # fmt: skip
    return {"data": [trace], "layout": layout}
