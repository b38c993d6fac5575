"""The "tasks" lesson's figures: accuracy against the gap (one line per cell) or against n,
the unit that does the job coloured over the tokens of one test sequence, and that unit
against the task's hidden variable with its correlation written on it. Pure functions
returning Plotly spec dicts; no Streamlit here.
"""

from __future__ import annotations

import numpy as np

from components.figures.compare import BAR_COLOURS
from components.figures.parts import (
    CELL_NAMES,
    DIVERGING_SCALE,
    FONT_SIZE,
    base_layout,
    colour_range,
    display_token,
)
from components.i18n import t as tr
from model.cells import CELL_FACTS
from model.lessons.tasks import UnitFound

GRID = "#e5e7eb"
CHANCE_GREY = "#6b7280"
MAX_CELL_TEXT = 48  # up to this many steps, each token is written in its cell
SCATTER_COLOUR = "#2b6cb0"
JITTER = 0.3  # integer variables spread over ±JITTER/2 so stacked points are seen


def unit_label(cell: str, unit: UnitFound) -> str:
    """h[3], c[7], or the gate's letter as PyTorch writes it: f[2] (LSTM's forget gate)."""
    facts = CELL_FACTS[cell]
    letters = dict(zip(facts.gates, facts.letters, strict=True)) if facts.gates else {}
    letter = letters.get(unit.quantity, unit.quantity)
    return f"{letter}[{unit.unit}]"


def accuracy_spec(
    lines: dict[str, tuple[tuple[int, ...], tuple[float, ...]]],
    title: str,
    x_title: str,
    lang: str = "en",
    chance: float | None = None,
    bound: int | None = None,
) -> dict:
    """Accuracy (share of test sequences answered right) against the gap or n: one line
    per cell (cell -> (points, accuracy)); a dotted line at chance, a dashed one at the
    largest n trained on."""
    data = []
    for cell, (points, accuracy) in lines.items():
        name = CELL_NAMES[cell]
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": name,
            "x": np.asarray(points, dtype=np.int32), "y": np.asarray(accuracy, dtype=np.float32),
            "line": {"color": BAR_COLOURS[cell], "width": 4}, "marker": {"size": 11},
            "hovertemplate": f"{name} · {x_title} = %{{x}}: %{{y:.0%}}<extra></extra>",
        })  # fmt: skip
    shapes, annotations = [], []
    if chance is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": chance,
                "y1": chance,
                "line": {"color": CHANCE_GREY, "width": 2, "dash": "dot"},
            }
        )
        annotations.append({"text": tr("tasks_fig_chance", lang), "xref": "paper", "x": 1,
                            "xanchor": "right", "y": chance, "yanchor": "bottom",
                            "showarrow": False, "font": {"color": CHANCE_GREY}})  # fmt: skip
    if bound is not None:
        shapes.append({"type": "line", "yref": "paper", "y0": 0, "y1": 1, "x0": bound + 0.5,
                       "x1": bound + 0.5, "line": {"color": "#111111", "width": 2,
                                                   "dash": "dash"}})  # fmt: skip
        annotations.append({"text": tr("tasks_fig_bound", lang, n=bound), "x": bound + 0.5,
                            "xanchor": "right", "yref": "paper", "y": 0.02, "yanchor": "bottom",
                            "showarrow": False})  # fmt: skip
    layout = base_layout(title, 420)
    layout.update(
        showlegend=len(lines) > 1, plot_bgcolor="white", shapes=shapes, annotations=annotations,
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        margin={"l": 80, "r": 30, "t": 100, "b": 70},
        xaxis={"title": {"text": x_title}, "gridcolor": GRID, "zeroline": False},
        yaxis={"title": {"text": tr("tasks_fig_accuracy", lang)}, "range": [-0.03, 1.05],
               "tickformat": ".0%", "gridcolor": GRID, "zeroline": False},
    )  # fmt: skip
    if all(len(points) <= 12 for points, _ in lines.values()):
        points = sorted({p for ps, _ in lines.values() for p in ps})
        layout["xaxis"].update(tickmode="array", tickvals=points)
    return {"data": data, "layout": layout}


def unit_text_spec(
    tokens: tuple[str, ...],
    values: np.ndarray,
    variable: np.ndarray,
    label: str,
    cell: str,
    variable_name: str,
    lang: str = "en",
) -> dict:
    """The text coloured by the unit: one row, each token in its cell, coloured by the
    unit's value there (blue below 0, white at 0, red above); under each step, the
    hidden variable."""
    steps = len(tokens)
    low, high = colour_range(np.asarray(values), bounded=False, fitted=True)
    shown = [display_token(token) for token in tokens]
    value_name = tr("fig_value", lang)
    trace = {
        "type": "heatmap", "z": np.asarray(values, dtype=np.float32)[None, :],
        "x": list(range(steps)), "y": [label], "zmin": low, "zmax": high,
        "colorscale": DIVERGING_SCALE, "name": label, "xgap": 2,
        "customdata": np.array([[f"{t} · {tok} · {variable_name} = {v:g}"
                                 for t, (tok, v) in enumerate(zip(shown, variable,
                                                                  strict=True))]],
                               dtype=object),
        "hovertemplate": f"t = %{{customdata}}<br>{label} {value_name} = %{{z:.3f}}<extra></extra>",
        "colorbar": {"title": {"text": label, "side": "right"}, "thickness": 14},
    }  # fmt: skip
    if steps <= MAX_CELL_TEXT:
        trace.update(
            text=[shown],
            texttemplate="%{text}",
            textfont={"size": FONT_SIZE + 4 if steps <= 24 else FONT_SIZE - 2},
        )
    ticks = [f"{v:g}" for v in variable]
    title = tr("tasks_fig_unit_text", lang, unit=label, cell=CELL_NAMES[cell])
    layout = base_layout(title, 250)
    every = max(1, -(-steps // 12))  # at most 12 written under the steps (a phone's width)
    layout.update(
        plot_bgcolor="white", margin={"l": 70, "r": 30, "t": 64, "b": 70},
        xaxis={"title": {"text": variable_name}, "tickmode": "array",
               "tickvals": list(range(0, steps, every)), "ticktext": ticks[::every],
               "showgrid": False, "zeroline": False, "tickangle": 0},
        yaxis={"showgrid": False, "zeroline": False, "automargin": True},
    )  # fmt: skip
    return {"data": [trace], "layout": layout}


def _jitter(count: int) -> np.ndarray:
    """A fixed spread in [-JITTER/2, JITTER/2] (golden-ratio steps: no random state)."""
    return ((np.arange(count) * 0.6180339887) % 1.0 - 0.5) * JITTER


def scatter_spec(
    variable: np.ndarray,
    values: np.ndarray,
    r: float,
    label: str,
    cell: str,
    variable_name: str,
    lang: str = "en",
) -> dict:
    """The unit's value at every test step against the hidden variable there, its
    least-squares line, and "r = 0.97" written large."""
    variable = np.asarray(variable, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    integer = bool(np.all(variable == np.round(variable)))
    x = variable + (_jitter(len(variable)) if integer else 0.0)
    data = [{
        "type": "scatter", "mode": "markers", "name": label,
        "x": x.astype(np.float32), "y": values.astype(np.float32),
        "customdata": variable.astype(np.float32),
        "marker": {"size": 8, "color": SCATTER_COLOUR, "opacity": 0.35},
        "hovertemplate": f"{variable_name} = %{{customdata:g}}<br>{label} = %{{y:.3f}}"
                         "<extra></extra>",
    }]  # fmt: skip
    if np.ptp(variable) > 0:
        slope, intercept = np.polyfit(variable, values, 1)
        ends = np.array([variable.min(), variable.max()])
        data.append({
            "type": "scatter", "mode": "lines", "name": "fit", "hoverinfo": "skip",
            "x": ends.astype(np.float32), "y": (slope * ends + intercept).astype(np.float32),
            "line": {"color": "#111111", "width": 2, "dash": "dash"},
        })  # fmt: skip
    title = tr("tasks_fig_scatter", lang, unit=label, cell=CELL_NAMES[cell])
    layout = base_layout(title, 440)
    layout.update(
        plot_bgcolor="white", margin={"l": 80, "r": 30, "t": 100, "b": 70},
        xaxis={"title": {"text": variable_name}, "gridcolor": GRID, "zeroline": False},
        yaxis={"title": {"text": tr("tasks_fig_unit_value", lang, unit=label)},
               "gridcolor": GRID, "zeroline": True, "zerolinecolor": "#9ca3af"},
        annotations=[{"text": f"<b>r = {r:.2f}</b>", "xref": "paper", "yref": "paper",
                      "x": 1.0, "y": 1.01, "xanchor": "right", "yanchor": "bottom",
                      "showarrow": False, "font": {"size": FONT_SIZE + 10},
                      "bgcolor": "rgba(255,255,255,0.85)"}],
    )  # fmt: skip
    return {"data": data, "layout": layout}
