"""The "Shared weights" lesson's figures: the chosen layer and direction unrolled over a
sequence (the same W_ih and W_hh at every step), and the heatmap of its parameters: W_ih,
W_hh and the biases side by side, on the same rows (gate blocks of hidden units) and one
colour scale symmetric around 0. Pure functions returning spec dicts; no Streamlit here.
"""

from __future__ import annotations

import numpy as np

from components.figures.parts import FONT_SIZE, coloraxis, where
from components.figures.unrolled import (
    BOX_H,
    BOX_W,
    CELL_FILL,
    CELL_LINE,
    FAINT,
    INK,
    INPUT_FILL,
    INPUT_LINE,
    UNUSED_FILL,
    W_HH_COLOUR,
    W_IH_COLOUR,
    arrow,
    box,
    box_text,
    diagram_layout,
    drawn_positions,
    gap_marks,
    note,
    tag,
)
from components.i18n import t
from model.trace import Trace

MAX_VALUE_TEXT = (16, 12)  # each weight is written in its cell up to this many rows, columns
MAX_AXIS_LABELS = 40  # beyond this many columns (or rows), axes show numbers
MAX_WEIGHT_HOVER = 4_000  # cells per matrix with a full hover name (row and column)
MAX_WEIGHT_UNITS = 48  # wider layers: the first units of each gate block are drawn
MAX_WEIGHT_COLUMNS = 128  # ... and the first columns of W_ih and W_hh
ROLES = (("W_ih", "weight_ih"), ("W_hh", "weight_hh"), ("b_ih", "bias_ih"), ("b_hh", "bias_hh"))
SYMBOLS = {"W_ih": "W<sub>ih</sub>", "W_hh": "W<sub>hh</sub>", "b_ih": "b<sub>ih</sub>",
           "b_hh": "b<sub>hh</sub>"}  # fmt: skip
COLOURS = {"W_ih": W_IH_COLOUR, "W_hh": W_HH_COLOUR, "b_ih": W_IH_COLOUR, "b_hh": W_HH_COLOUR}


def shared_weights_spec(trace: Trace, seq: int, layer: int, direction: int, lang: str) -> dict:
    """The chosen layer and direction unrolled over sequence `seq`: at every step the same
    W_ih (input -> cell) and the same W_hh (previous state -> cell), in the same colours."""
    length = int(trace.lengths[seq])
    tokens = trace.tokens[seq][:length]
    drawn = drawn_positions(length)
    reverse = direction == 1
    shapes: list[dict] = []
    notes: list[dict] = []
    for column, position in enumerate(drawn):
        if position is None:
            notes += gap_marks(column, (0, 1))
            continue
        shapes += [box(column, 0, INPUT_FILL, INPUT_LINE), box(column, 1, CELL_FILL, CELL_LINE)]
        notes += [
            note(column, 0, box_text(tokens[position])),
            note(column, -0.4, f"t = {position}", FAINT, FONT_SIZE - 2),
            note(column, 1, f"h<sub>{position}</sub>"),
            arrow((column, BOX_H / 2), (column, 1 - BOX_H / 2), W_IH_COLOUR),
            tag(column, 0.5, "W<sub>ih</sub>", W_IH_COLOUR),
        ]
    start = len(drawn) if reverse else -1  # the initial state enters where reading starts
    shapes.append(box(start, 1, UNUSED_FILL, FAINT))
    notes.append(note(start, 1, t("weights_unrolled_initial", lang), INK, FONT_SIZE - 2))
    order = range(len(drawn), -1, -1) if reverse else range(-1, len(drawn))
    columns = list(order)
    for before, after in zip(columns, columns[1:], strict=False):
        step = after - before  # +1 forward, -1 reverse
        notes.append(arrow((before + step * BOX_W / 2, 1), (after - step * BOX_W / 2, 1),
                           W_HH_COLOUR))  # fmt: skip
        real = all(0 <= c < len(drawn) and drawn[c] is not None for c in (before, after))
        if real:
            notes.append(tag((before + after) / 2, 1.32, "W<sub>hh</sub>", W_HH_COLOUR))
    below = "weights_unrolled_row_input" if layer == 0 else "weights_unrolled_row_below"
    rows = {0: t(below, lang), 1: t("weights_unrolled_row_hidden", lang)}
    shown = where(trace, lang, layer=layer, direction=direction)
    title = t("weights_unrolled_title", lang, seq=seq + 1, where=f" · {shown}" if shown else "")
    x_range = (-0.6, len(drawn) + 0.6) if reverse else (-1.6, len(drawn) - 0.4)
    layout = diagram_layout(title, x_range, (-0.65, 1.6), rows, 330)
    layout.update(shapes=shapes, annotations=notes)
    return {"data": [], "layout": layout}


def parameter_names(layer: int, direction: int) -> dict[str, str]:
    """Role -> PyTorch's parameter name, e.g. W_ih -> weight_ih_l1_reverse."""
    suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
    return {role: name + suffix for role, name in ROLES}


def weights_cut(trace: Trace, layer: int) -> bool:
    """True when the heatmaps show only part of each matrix (see MAX_WEIGHT_UNITS)."""
    widest = max(trace.weights[f"weight_ih_l{layer}"].shape[1], trace.config.hidden_size)
    return trace.config.hidden_size > MAX_WEIGHT_UNITS or widest > MAX_WEIGHT_COLUMNS


def weights_spec(trace: Trace, layer: int, direction: int, lang: str, when: str = "") -> dict:
    """Heatmaps of W_ih, W_hh and the biases of one layer and direction, side by side on
    the same rows (G gate blocks of H rows), on one colour scale symmetric around 0 over
    the whole of these parameters. `when` is added to the title's place (the training
    step shown, " · after 40 training steps")."""
    names = parameter_names(layer, direction)
    panels = [(role, trace.weights[name]) for role, name in names.items() if name in trace.weights]
    cell, hidden = trace.config.cell, trace.config.hidden_size
    gates = panels[0][1].shape[0] // hidden
    units = min(hidden, MAX_WEIGHT_UNITS)
    rows = np.array([gate * hidden + unit for gate in range(gates) for unit in range(units)])
    largest = max(float(abs(values).max()) for _, values in panels) or 1.0
    columns = [min(values.shape[1], MAX_WEIGHT_COLUMNS) if values.ndim == 2 else 1
               for _, values in panels]  # fmt: skip
    row_names = _row_names(cell, gates, units)
    data, axes, titles = [], {}, []
    for index, ((role, values), domain) in enumerate(zip(panels, _panel_domains(columns),
                                                         strict=True)):  # fmt: skip
        suffix = "" if index == 0 else str(index + 1)
        matrix = (values if values.ndim == 2 else values[:, None])[rows, :MAX_WEIGHT_COLUMNS]
        labels, axis_title = _column_names(trace, layer, role, lang)
        labels = labels[:MAX_WEIGHT_COLUMNS]
        data.append(_weight_heatmap(role, matrix, row_names, labels, "x" + suffix, lang))
        axes["xaxis" + suffix] = _column_axis(labels, axis_title, domain)
        titles.append(_panel_title(role, names[role], values.shape, domain))
    plot_height = min(max(len(rows) * 34, 150), 720)
    shown = where(trace, lang, layer=layer, direction=direction)
    title = t("weights_heatmap_title", lang, where=(f" · {shown}" if shown else "") + when)
    layout = {
        "title": {"text": title, "x": 0.01,
                  "y": 1.0, "yref": "container", "yanchor": "top", "pad": {"t": 12},
                  "font": {"size": FONT_SIZE + 2}},
        "font": {"size": FONT_SIZE, "color": INK}, "height": plot_height + 270,
        "margin": {"l": 150, "r": 30, "t": 150, "b": 120}, "paper_bgcolor": "white",
        "plot_bgcolor": "white", "showlegend": False, "annotations": titles,
        "coloraxis": _weights_colour_axis(largest, lang),
        "yaxis": _row_axis(cell, row_names, gates, units, lang),
        "shapes": _block_lines(gates, units),
        **axes,
    }  # fmt: skip
    return {"data": data, "layout": layout}


def _panel_domains(columns: list[int]) -> list[tuple[float, float]]:
    """Widths: biases narrow and fixed, W_ih and W_hh sharing the rest by column count."""
    gap, bias_width = 0.035, 0.1
    biases = len(columns) - 2
    rest = 1.0 - biases * bias_width - (len(columns) - 1) * gap
    share = min(max(columns[0] / (columns[0] + columns[1]), 0.3), 0.7)
    widths = [rest * share, rest * (1 - share)] + [bias_width] * biases
    domains, start = [], 0.0
    for width in widths:
        domains.append((round(start, 4), round(min(start + width, 1.0), 4)))
        start += width + gap
    return domains


def _row_names(cell: str, gates: int, units: int) -> list[str]:
    """A name per row: h[u] for an RNN, the gate letter and unit otherwise (i[0], f[0], ...)."""
    if gates == 1:
        return [f"h[{u}]" for u in range(units)]
    letters = "ifgo" if cell == "lstm" else "rzn"
    return [f"{letter}[{u}]" for letter in letters for u in range(units)]


def _gate_names(cell: str, lang: str) -> list[str]:
    if cell == "lstm":
        return [t("weights_gate_input", lang), t("weights_gate_forget", lang),
                t("weights_gate_candidate_g", lang), t("weights_gate_output", lang)]  # fmt: skip
    return [t("weights_gate_reset", lang), t("weights_gate_update", lang),
            t("weights_gate_candidate_n", lang)]  # fmt: skip


def _row_axis(cell: str, row_names: list[str], gates: int, units: int, lang: str) -> dict:
    axis = {"autorange": "reversed", "showgrid": False, "zeroline": False, "anchor": "x",
            "domain": [0.0, 1.0], "ticks": ""}  # fmt: skip
    if gates == 1:  # one block: the rows are the hidden units
        axis["title"] = {"text": t("weights_rows_units", lang)}
        if units <= MAX_AXIS_LABELS:
            axis.update(tickmode="array", tickvals=list(range(units)), ticktext=row_names)
        return axis
    centres = [block * units + (units - 1) / 2 for block in range(gates)]
    axis["title"] = {"text": t("weights_rows_gates", lang, hidden=units)}
    axis.update(tickmode="array", tickvals=centres, ticktext=_gate_names(cell, lang))
    return axis


def _block_lines(gates: int, units: int) -> list[dict]:
    """A line between gate blocks, across every panel."""
    return [
        {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1,
         "y0": block * units - 0.5, "y1": block * units - 0.5,
         "line": {"color": INK, "width": 2}}
        for block in range(1, gates)
    ]  # fmt: skip


def _column_names(trace: Trace, layer: int, role: str, lang: str) -> tuple[list[str], str]:
    """Tick labels and title of a panel's columns: what each weight column multiplies."""
    hidden = trace.config.hidden_size
    if role.startswith("b"):
        return [], ""
    if role == "W_hh":
        return [f"h[{u}]" for u in range(hidden)], t("weights_columns_previous", lang)
    if layer > 0:
        if trace.num_directions == 1:
            return [f"h[{u}]" for u in range(hidden)], t("weights_columns_below", lang, layer=layer)
        names = [f"→h[{u}]" for u in range(hidden)] + [f"←h[{u}]" for u in range(hidden)]
        return names, t("weights_columns_below", lang, layer=layer)
    encoded = trace.encoded
    width = trace.weights["weight_ih_l0"].shape[1]
    if encoded.values is None and trace.config.encoding == "onehot":
        return [box_text(token) for token in encoded.vocab], t("weights_columns_onehot", lang)
    if encoded.values is None:
        return [str(i) for i in range(width)], t("weights_columns_embedding", lang)
    return [str(i) for i in range(width)], t("weights_columns_numbers", lang)


def _column_axis(labels: list[str], title: str, domain: tuple[float, float]) -> dict:
    axis = {"domain": list(domain), "anchor": "y", "showgrid": False, "zeroline": False,
            "tickangle": 0}  # fmt: skip
    if not labels:
        axis.update(showticklabels=False, ticks="")
    elif len(labels) <= MAX_AXIS_LABELS:
        axis.update(tickmode="array", tickvals=list(range(len(labels))), ticktext=labels)
    if title:
        axis["title"] = {"text": title}
    return axis


def _panel_title(role: str, name: str, shape: tuple[int, ...], domain) -> dict:
    """Two lines: symbol and shape, then PyTorch's name (biases: symbol, then shape)."""
    symbol = f"<b style='color:{COLOURS[role]}'>{SYMBOLS[role]}</b>"
    size = "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"
    text = f"{symbol} {size}<br>{name}" if len(shape) == 2 else f"{symbol}<br>{size}"
    return {
        "text": text, "x": (domain[0] + domain[1]) / 2, "y": 1.0, "xref": "paper",
        "yref": "paper", "xanchor": "center", "yanchor": "bottom", "yshift": 8,
        "showarrow": False, "font": {"size": FONT_SIZE},
    }  # fmt: skip


def _weights_colour_axis(largest: float, lang: str) -> dict:
    axis = coloraxis(-largest, largest, lang, thickness=16)
    axis["colorbar"]["title"] = {"text": t("weights_colorbar", lang), "side": "top"}
    return axis


def _weight_heatmap(role, matrix, row_names, column_names, xaxis: str, lang: str) -> dict:
    rows, columns = matrix.shape
    trace = {
        "type": "heatmap", "z": np.ascontiguousarray(matrix, dtype=np.float32),
        "x": list(range(columns)), "y": list(range(rows)), "coloraxis": "coloraxis",
        "xaxis": xaxis, "yaxis": "y", "name": role, "xgap": 1, "ygap": 1,
    }  # fmt: skip
    names = np.array(row_names, dtype=object)[:, None]  # the row's gate and unit
    if rows * columns <= MAX_WEIGHT_HOVER and column_names:
        names = np.array([[f"{row} ← {column}" for column in column_names] for row in row_names],
                         dtype=object)  # fmt: skip
    trace["customdata"] = np.broadcast_to(names, (rows, columns))
    column = t("weights_hover_column", lang)
    trace["hovertemplate"] = (
        f"{role}: %{{customdata}} ({column} %{{x}})<br>%{{z:.4f}}<extra></extra>"
    )
    if rows <= MAX_VALUE_TEXT[0] and columns <= MAX_VALUE_TEXT[1]:
        trace["texttemplate"] = "%{z:.3f}"
        trace["textfont"] = {"size": FONT_SIZE - 2}
    return trace
