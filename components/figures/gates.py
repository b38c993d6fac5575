"""The "Gates" lesson's figure: an LSTM's cell state c_t and its input, forget, candidate
and output gates, or a GRU's reset, update and candidate gates; one heatmap each, time
shared, one colour scale, one cursor. A pure builder; no Streamlit here.
"""

from __future__ import annotations

import numpy as np

from components.figures.cursor import cursor_shape, time_meta
from components.figures.parts import (
    MAX_GATE_UNITS,
    UNIT_COLOURS,
    as_figure,
    base_layout,
    chart_title,
    coloraxis,
    heatmap,
    subplot_title,
    time_axis,
    unit_axis,
)
from components.figures.timeline import WINDOW_STEPS, window_range
from components.i18n import t as tr
from model.trace import Trace


def gate_label(name: str, cell: str, lang: str = "en") -> str:
    """'input gate i', ...; GRU's candidate is n, LSTM's g."""
    if name == "candidate" and cell == "gru":
        return tr("gate_candidate_n", lang)
    return tr("gate_" + name, lang)


def gates_spec(
    trace: Trace, seq: int, layer: int, direction: int, units=None, lang: str = "en",
    when: str = "",
) -> dict | None:  # fmt: skip
    """LSTM: c_t and the input, forget, candidate and output gates; GRU: reset, update and
    candidate. One heatmap each, time shared, one colour scale, one cursor. Layers wider
    than MAX_GATE_UNITS show only `units` (a 256-row strip is unreadable anyway). `when`
    is added to the title (the training step shown, " · after 40 training steps")."""
    if not trace.gates:
        return None
    tokens = trace.tokens[seq]
    panels: list[tuple[str, np.ndarray]] = []
    if trace.cell is not None:
        panels.append((tr("gates_fig_cell_state", lang), trace.cell[layer, direction, seq]))
    for name, values in trace.gates.items():
        panels.append((gate_label(name, trace.config.cell, lang), values[layer, direction, seq]))
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
        data.append(heatmap(values, tokens, name.split()[-1], "x", "y" + suffix, lang))
        layout_axes["yaxis" + suffix] = unit_axis(
            len(shown_units), tr("fig_unit", lang), unit_labels, domain=domain, anchor="x"
        )
        titles.append(subplot_title(name, (0.0, 1.0), top))
    last_y = "y" + ("" if rows == 1 else str(rows))
    title = tr("gates_fig_title_cell" if trace.cell is not None else "gates_fig_title", lang)
    title = chart_title(title, trace, seq, layer, direction, lang) + when
    layout = base_layout(title, 150 + 150 * rows)
    windowed = steps > WINDOW_STEPS
    layout.update(
        xaxis=time_axis(tokens, title=True, lang=lang, anchor=last_y, domain=[0.0, 1.0],
                        range=window_range(steps), windowed=windowed, with_step=not windowed),
        coloraxis=coloraxis(-1.0, 1.0, lang),
        shapes=[cursor_shape(0, "x", "y" + ("" if row == 0 else str(row + 1)))
                for row in range(rows)],
        annotations=titles,
        meta=time_meta(steps, window_axes=["xaxis"] if windowed else []),
        dragmode="pan" if windowed else "zoom",
        **layout_axes,
    )  # fmt: skip
    return {"data": data, "layout": layout}


def gates_figure(trace: Trace, seq: int, layer: int, direction: int, units=None, lang="en"):
    spec = gates_spec(trace, seq, layer, direction, units, lang)
    return None if spec is None else as_figure(spec)
