"""The batch_first pitfall as a picture: the grid of tokens as typed beside the grid
PyTorch read. Pure: a spec dict from a Trace, no Streamlit."""

from __future__ import annotations

import numpy as np

from components.figures.parts import FONT_SIZE, base_layout, display_token
from components.i18n import t
from model.trace import Trace

MAX_GRID_CELLS = 240  # beyond this many tokens the picture is not drawn (the text says it)
# one colour per typed line (a qualitative palette: the colours only tell lines apart)
LINE_COLOURS = ("#8dd3c7", "#fdb462", "#bebada", "#fb8072", "#80b1d3", "#b3de69", "#fccde5",
                "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f", "#a6cee3", "#e5c494", "#b2df8a",
                "#fbb4ae", "#decbe4")  # fmt: skip


def grid_fits(trace: Trace) -> bool:
    return trace.encoded.batch_size * trace.encoded.max_length <= MAX_GRID_CELLS


def pitfall_spec(trace: Trace, lang: str) -> dict:
    """Left: lines × tokens as typed; right: sequences × steps as read with batch_first
    off (each read sequence is one column of the typed grid). Colour = typed line."""
    typed = [list(line) for line in trace.tokens]  # read (T, N) -> typed lines are columns
    lines, steps = len(typed[0]), len(typed)  # as typed: lines x tokens
    line_of = np.tile(np.arange(lines, dtype=np.float32), (steps, 1))  # (read N, read T)
    typed_text = [[display_token(typed[s][b]) for s in range(steps)] for b in range(lines)]
    read_text = [[display_token(typed[s][b]) for b in range(lines)] for s in range(steps)]
    colours = LINE_COLOURS[: max(lines, 1)]
    scale = _discrete(colours)
    layout = base_layout(t("pitfall_title", lang), height=120 + 44 * max(lines, steps))
    layout["margin"] = {"l": 150, "r": 20, "t": 90, "b": 90}
    layout["plot_bgcolor"] = "white"
    left, right = (0.0, 0.42), (0.58, 1.0)
    layout["xaxis"] = _axis(left, t("pitfall_typed_x", lang), "y")
    layout["yaxis"] = _axis((0, 1), t("pitfall_typed_y", lang), "x", reverse=True)
    layout["xaxis2"] = _axis(right, t("pitfall_read_x", lang), "y2")
    layout["yaxis2"] = _axis((0, 1), t("pitfall_read_y", lang), "x2", reverse=True)
    layout["annotations"] = [
        _subtitle(t("pitfall_typed", lang, lines=lines, steps=steps), left),
        _subtitle(t("pitfall_read", lang, lines=lines, steps=steps), right),
    ]
    cell = {"type": "heatmap", "colorscale": scale, "zmin": -0.5, "zmax": max(lines, 1) - 0.5,
            "showscale": False, "xgap": 3, "ygap": 3, "texttemplate": "%{text}",
            "textfont": {"size": FONT_SIZE + 2}}  # fmt: skip
    data = [
        {**cell, "z": line_of.T.copy(), "text": typed_text, "x": list(range(steps)),
         "y": list(range(lines)), "xaxis": "x", "yaxis": "y",
         "hovertemplate": _hover("pitfall_line", lang)},
        {**cell, "z": line_of.copy(), "text": read_text, "x": list(range(lines)),
         "y": list(range(steps)), "xaxis": "x2", "yaxis": "y2",
         "hovertemplate": _hover("pitfall_sequence", lang)},
    ]  # fmt: skip
    return {"data": data, "layout": layout}


def _hover(row: str, lang: str) -> str:
    return f"{t(row, lang)} %{{y}} · {t('pitfall_step', lang)} %{{x}}: %{{text}}<extra></extra>"


def _axis(domain, title: str, anchor: str, reverse: bool = False) -> dict:
    axis = {"domain": list(domain), "anchor": anchor, "title": {"text": title},
            "tickmode": "linear", "dtick": 1, "showgrid": False, "zeroline": False}  # fmt: skip
    if reverse:
        axis["autorange"] = "reversed"
    return axis


def _subtitle(text: str, x) -> dict:
    return {"text": text, "x": sum(x) / 2, "y": 1.02, "xref": "paper", "yref": "paper",
            "xanchor": "center", "yanchor": "bottom", "showarrow": False,
            "font": {"size": FONT_SIZE + 1}}  # fmt: skip


def _discrete(colours) -> list:
    """A stepwise colour scale: integer z = k gets colours[k]."""
    n = len(colours)
    if n == 1:
        return [[0, colours[0]], [1, colours[0]]]
    scale = []
    for k, colour in enumerate(colours):
        scale += [[k / n, colour], [(k + 1) / n, colour]]
    return scale
