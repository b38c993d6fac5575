"""The unrolled network, drawn with Plotly shapes and annotations (no images): the pieces
the "Shared weights" diagram (`components.figures.weights`) and the "Usage patterns"
diagrams (`components.figures.patterns`) are drawn with. Pure functions returning
spec dicts; no Streamlit here.

Coordinates: one column per drawn timestep (x = 0, 1, ...), rows at y = 0 (inputs),
1 (the recurrent cell) and 2 (outputs). A sequence longer than MAX_DRAWN shows its first
steps, a "…" column, and its last step.
"""

from __future__ import annotations

from components.figures.parts import FONT_SIZE, visible_token

MAX_DRAWN = 8  # columns at most: the first MAX_DRAWN - 2 steps, "…", the last step
MAX_BOX_CHARS = 7  # longer tokens are cut with "…" inside a box
BOX_W, BOX_H = 0.58, 0.5
W_IH_COLOUR = "#d95f02"  # the same colour wherever W_ih appears (diagram tags, heatmap title)
W_HH_COLOUR = "#7570b3"
INK, FAINT = "#1f2937", "#9ca3af"
INPUT_FILL, INPUT_LINE = "#dbeafe", "#2b6cb0"
CELL_FILL, CELL_LINE = "#fef3c7", "#b45309"
UNUSED_FILL, UNUSED_LINE = "#f3f4f6", "#d1d5db"


def drawn_positions(steps: int, most: int = MAX_DRAWN) -> list[int | None]:
    """The timesteps drawn, None where "…" stands for the steps left out."""
    if steps <= most:
        return list(range(steps))
    return [*range(most - 2), None, steps - 1]


def box_text(token: str, most: int = MAX_BOX_CHARS) -> str:
    """A token inside a box: visible spaces, cut to `most` characters, HTML-escaped."""
    text = visible_token(token)
    text = text if len(text) <= most else text[: most - 1] + "…"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def box(x: float, y: float, fill: str, line: str, dash: str = "solid") -> dict:
    return {
        "type": "rect", "xref": "x", "yref": "y", "layer": "below",
        "x0": x - BOX_W / 2, "x1": x + BOX_W / 2, "y0": y - BOX_H / 2, "y1": y + BOX_H / 2,
        "fillcolor": fill, "line": {"color": line, "width": 2, "dash": dash},
    }  # fmt: skip


def note(x: float, y: float, text: str, colour: str = INK, size: int = FONT_SIZE, **extra):
    """Text at (x, y); `mono=True` sets it in a monospace font (tensor expressions)."""
    font = {"size": size, "color": colour}
    if extra.pop("mono", False):
        font["family"] = "monospace"
    return {
        "x": x, "y": y, "xref": "x", "yref": "y", "text": text, "showarrow": False,
        "font": font, **extra,
    }  # fmt: skip


def arrow(start: tuple[float, float], end: tuple[float, float], colour: str) -> dict:
    return {
        "x": end[0], "y": end[1], "ax": start[0], "ay": start[1], "xref": "x", "yref": "y",
        "axref": "x", "ayref": "y", "text": "", "showarrow": True, "arrowhead": 2,
        "arrowsize": 1.2, "arrowwidth": 2.5, "arrowcolor": colour,
    }  # fmt: skip


def tag(x: float, y: float, text: str, colour: str) -> dict:
    """A small coloured label sitting on an arrow: the weight that arrow multiplies by."""
    return note(x, y, text, "white", FONT_SIZE - 1, bgcolor=colour, borderpad=3)


def diagram_layout(title: str, x_range, y_range, rows: dict[float, str], height: int) -> dict:
    return {
        "title": {"text": title, "x": 0.01, "font": {"size": FONT_SIZE + 2}},
        "font": {"size": FONT_SIZE, "color": INK},
        "height": height,
        "margin": {"l": 120, "r": 20, "t": 60, "b": 20},
        "paper_bgcolor": "white", "plot_bgcolor": "white", "showlegend": False,
        "xaxis": {"range": list(x_range), "visible": False, "fixedrange": True},
        "yaxis": {"range": list(y_range), "fixedrange": True, "showgrid": False,
                  "zeroline": False, "tickmode": "array", "tickvals": list(rows),
                  "ticktext": list(rows.values()), "ticks": ""},
    }  # fmt: skip


def gap_marks(column: int, rows: tuple[int, ...]) -> list[dict]:
    return [note(column, row, "…", FAINT, FONT_SIZE + 10) for row in rows]
