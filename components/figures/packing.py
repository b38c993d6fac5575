"""The "Packed sequences" lesson's figures: the padded batch as a grid of token cells, the
same rows sorted by length, and `packed.data` as one column of rows grouped by step with
`batch_sizes` beside each group and each row's h_t as a heatmap beside it. Every cell is
coloured by its sequence (padding grey), so a row of `packed.data` shows where it came
from. Pure builders returning Plotly spec dicts; no Streamlit here.
"""

from __future__ import annotations

import numpy as np

from components.figures.parts import (
    FONT_SIZE,
    PADDING_GREY,
    UNIT_COLOURS,
    base_layout,
    coloraxis,
    colour_range,
    direction_name,
    display_token,
    titled,
    unit_axis,
)
from components.i18n import t as tr
from model.encoding import PAD_TOKEN
from model.lessons.packing import Packing

MAX_GRID_STEPS = 24  # the grids show at most this many steps (the first ones)
MAX_PACKED_ROWS = 40  # packed.data shows whole step groups up to this many rows
CELL_PX = 40  # height of a grid row
ROW_PX = 28  # height of a packed row
TINT = 0.55  # a sequence's colour mixed with this much white: dark text stays readable
TEXT_COLOUR = "#1f2937"
GROUP_LINE = "#111111"
# packed figure: the token column, batch_sizes, then h_t; a phone's plot is ~190 px wide,
# so the sizes' column (~40 px there) holds a bold number and its name sits above it
TOKEN_COLUMN = (0.0, 0.14)
SIZES_X = 0.255  # the centre of the batch_sizes column
STATES_COLUMN = (0.37, 1.0)


def sequence_colour(seq: int) -> str:
    """A light tint of the seq-th unit colour (cycling past eight sequences)."""
    base = UNIT_COLOURS[seq % len(UNIT_COLOURS)].lstrip("#")
    rgb = [int(base[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(c + (255 - c) * TINT):02x}" for c in rgb)


def _colourscale(batch: int) -> list:
    """A step scale: value b in 0..batch-1 is sequence b's colour, `batch` is padding."""
    colours = [sequence_colour(b) for b in range(batch)] + [PADDING_GREY]
    bins = len(colours)
    scale = []
    for k, colour in enumerate(colours):
        scale += [[k / bins, colour], [(k + 1) / bins, colour]]
    return scale


def cell_text(token: str, most: int) -> str:
    """A token written in its cell: cut to `most` characters (the hover has it whole)."""
    shown = token if len(token) <= most else token[: max(1, most - 1)] + "…"
    return display_token(shown)


def _cell_chars(steps: int) -> int:
    """Characters a grid cell writes: few steps leave room for a short word."""
    return int(min(8, max(2, 24 // max(steps, 1))))


def _cell_font(steps: int) -> int:
    """Smaller type for many columns, so a token stays inside its cell on a phone."""
    return FONT_SIZE + 2 if steps <= 16 else FONT_SIZE


def _token_cells(rows, sequences, steps, lang: str, most: int, size: int, **placement) -> dict:
    """A heatmap of token cells: `rows` (K, S) tokens, `sequences` (K,) whose they are,
    `steps` (K, S) the step of each cell."""
    batch = placement.pop("batch")
    z = [[batch if tok == PAD_TOKEN else seq for tok in row] for row, seq in
         zip(rows, sequences, strict=True)]  # fmt: skip
    hover = (f"{tr('packing_fig_sequence', lang)} %{{customdata[0]}} · t = %{{customdata[1]}}"
             f"<br>{tr('packing_fig_token', lang)} %{{customdata[2]}}")  # fmt: skip
    return {
        "type": "heatmap", "z": np.array(z, dtype=np.float32),
        "x": list(range(len(rows[0]))), "y": list(range(len(rows))),
        "text": [[cell_text(tok, most) for tok in row] for row in rows],
        "customdata": [[[seq + 1, t, display_token(tok)] for tok, t in zip(row, row_steps,
                        strict=True)] for row, seq, row_steps in zip(rows, sequences, steps,
                                                                     strict=True)],
        "texttemplate": "%{text}", "textfont": {"size": size, "color": TEXT_COLOUR},
        "colorscale": _colourscale(batch), "zmin": -0.5, "zmax": batch + 0.5,
        "showscale": False, "xgap": 2, "ygap": 2,
        "hovertemplate": hover + "<extra></extra>", **placement,
    }  # fmt: skip


def _row_label(packing: Packing, seq: int, lang: str) -> str:
    return tr("packing_fig_row", lang, n=seq + 1, length=int(packing.lengths[seq]))


def grid_spec(packing: Packing, lang: str = "en", sorted_order: bool = False) -> dict:
    """(1) The padded batch, rows in typed order; (2) with `sorted_order`, the same rows in
    torch's sorted order (longest first), each labelled with its typed number and length."""
    order = packing.sorted_indices.tolist() if sorted_order else list(range(len(packing.lengths)))
    steps = len(packing.tokens[0])
    shown = min(steps, MAX_GRID_STEPS)
    rows = [packing.tokens[b][:shown] for b in order]
    steps_of = [list(range(shown))] * len(order)
    cells = _token_cells(
        rows, order, steps_of, lang, _cell_chars(shown), _cell_font(shown), batch=len(order)
    )
    key = "packing_fig_sorted" if sorted_order else "packing_fig_padded"
    title = tr(key, lang)
    if shown < steps:
        title = titled(title, tr("packing_fig_first_steps", lang, shown=shown, steps=steps))
    layout = base_layout(title, 150 + CELL_PX * len(order))
    layout.update(
        plot_bgcolor="white",
        margin={"l": 20, "r": 20, "t": 56, "b": 64},
        xaxis={"title": {"text": tr("packing_fig_step", lang)}, "tickmode": "array",
               "tickvals": list(range(0, shown, 1 if shown <= 12 else 2)), "showgrid": False,
               "zeroline": False, "automargin": True, "fixedrange": True},
        yaxis={"autorange": "reversed", "tickmode": "array", "tickvals": list(range(len(order))),
               "ticktext": [_row_label(packing, b, lang) for b in order], "showgrid": False,
               "zeroline": False, "automargin": True, "fixedrange": True},
    )  # fmt: skip
    return {"data": [cells], "layout": layout}


def shown_rows(packing: Packing, most: int = MAX_PACKED_ROWS) -> int:
    """How many rows of packed.data the figure shows: whole step groups up to `most`
    rows, and at least the first group."""
    starts = packing.group_starts()
    fitting = starts[starts <= most]
    return int(max(fitting[-1], starts[1] if len(starts) > 1 else 0))


def packed_spec(
    packing: Packing, layer: int = 0, direction: int = 0, lang: str = "en",
    fitted: bool = True, bounded: bool = True,
) -> dict:  # fmt: skip
    """(3) packed.data as one column of rows grouped by step, batch_sizes beside each group,
    and (4) each row's h_t (units as columns) beside it on one diverging scale."""
    rows = shown_rows(packing)
    sequences = packing.row_sequence[:rows].tolist()
    steps = packing.row_step[:rows].tolist()
    tokens = [(packing.tokens[b][t],) for b, t in zip(sequences, steps, strict=True)]
    column = _token_cells(tokens, sequences, [[t] for t in steps], lang, 6, FONT_SIZE + 2,
                          batch=len(packing.lengths), xaxis="x", yaxis="y")  # fmt: skip
    data = [column]
    layout = base_layout(_packed_title(packing, rows, lang), 170 + ROW_PX * rows)
    pairs = zip(sequences, steps, strict=True)
    labels = [tr("packing_fig_packed_row", lang, n=b + 1, t=t) for b, t in pairs]
    layout.update(
        plot_bgcolor="white",
        margin={"l": 20, "r": 20, "t": 64, "b": 64},
        xaxis={"domain": list(TOKEN_COLUMN), "ticks": "", "tickmode": "array",
               "tickvals": [0], "ticktext": [" "],  # a blank label: its title level with h_t's
               "showgrid": False,
               "zeroline": False, "fixedrange": True, "anchor": "y",
               "title": {"text": tr("packing_fig_data", lang)}},
        yaxis={"autorange": "reversed", "tickmode": "array", "tickvals": list(range(rows)),
               "ticktext": labels, "showgrid": False, "zeroline": False, "automargin": True,
               "fixedrange": True, "anchor": "x"},
        annotations=_batch_size_notes(packing, rows),
        shapes=_group_lines(packing, rows),
    )  # fmt: skip
    if packing.hidden is not None:
        data.append(_states(packing, rows, layer, direction, lang))
        layout.update(_state_axes(packing, layer, direction, lang, fitted, bounded))
        layout["annotations"].append(_header("h_t", sum(STATES_COLUMN) / 2))
        layout["title"]["text"] = titled(
            layout["title"]["text"], _where(packing, layer, direction, lang)
        )
    else:
        layout["xaxis"]["domain"] = [0.0, 0.4]
    return {"data": data, "layout": layout}


def _packed_title(packing: Packing, rows: int, lang: str) -> str:
    title = tr("packing_fig_packed", lang, rows=packing.rows, steps=len(packing.batch_sizes))
    if rows < packing.rows:
        return titled(title, tr("packing_fig_first_rows", lang, shown=rows))
    return title


def _header(text: str, x: float) -> dict:
    """A column's name above its first row."""
    return {"text": f"<b>{text}</b>", "x": x, "y": -0.5, "xref": "paper", "yref": "y",
            "xanchor": "center", "yanchor": "bottom", "showarrow": False,
            "font": {"size": FONT_SIZE}}  # fmt: skip


def _batch_size_notes(packing: Packing, rows: int) -> list[dict]:
    """The name batch_sizes over the column of sizes, then each step's size beside its
    group (the rows' labels say the step)."""
    starts = packing.group_starts()
    notes = [_header("batch_sizes", SIZES_X)]
    for t, size in enumerate(packing.batch_sizes.tolist()):
        if starts[t + 1] > rows:
            break
        middle = (starts[t] + starts[t + 1] - 1) / 2
        notes.append({
            "text": f"<b>{size}</b>", "x": SIZES_X, "y": middle, "xref": "paper", "yref": "y",
            "xanchor": "center", "yanchor": "middle", "showarrow": False,
            "font": {"size": FONT_SIZE + 4},
        })  # fmt: skip
    return notes


def _group_lines(packing: Packing, rows: int) -> list[dict]:
    """A line between two steps' groups, across the column, the sizes and the states."""
    return [
        {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": start - 0.5,
         "y1": start - 0.5, "line": {"color": GROUP_LINE, "width": 2}}
        for start in packing.group_starts()[1:-1].tolist() if start < rows
    ]  # fmt: skip


def _where(packing: Packing, layer: int, direction: int, lang: str) -> str:
    """ "layer 2 · reverse": the states' layer and direction, when there is a choice."""
    where = [tr("fig_layer_n", lang, n=layer + 1)] if packing.hidden.shape[0] > 1 else []
    if packing.hidden.shape[1] > 1:
        where.append(direction_name(direction, lang))
    return titled(*where)


def _states(packing: Packing, rows: int, layer: int, direction: int, lang: str) -> dict:
    values = packing.hidden[layer, direction, :rows]  # (R, H)
    hover = (f"{tr('packing_fig_sequence', lang)} %{{customdata[0]}} · t = %{{customdata[1]}}"
             "<br>h[%{x}] = %{z:.4f}")  # fmt: skip
    return {
        "type": "heatmap", "z": np.ascontiguousarray(values, dtype=np.float32),
        "x": list(range(values.shape[1])), "y": list(range(rows)),
        "coloraxis": "coloraxis", "xaxis": "x2", "yaxis": "y",
        "customdata": [[[b + 1, t]] * values.shape[1] for b, t in
                       zip(packing.row_sequence[:rows].tolist(),
                           packing.row_step[:rows].tolist(), strict=True)],
        "hovertemplate": hover + "<extra></extra>",
    }  # fmt: skip


def _state_axes(packing: Packing, layer, direction, lang: str, fitted: bool, bounded: bool) -> dict:
    units = packing.hidden.shape[-1]
    zmin, zmax = colour_range(packing.hidden[layer, direction], bounded, fitted)
    axis = unit_axis(units, tr("fig_unit", lang), domain=list(STATES_COLUMN), anchor="y")
    axis["autorange"] = True  # units left to right
    axis.update(fixedrange=True)
    return {
        "xaxis2": axis,
        "coloraxis": coloraxis(
            zmin,
            zmax,
            lang,
            fitted=fitted,
            x=1.02,
            xanchor="left",
            len=0.8,
            y=0.5,
            yanchor="middle",
        ),
    }
