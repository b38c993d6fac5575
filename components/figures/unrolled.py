"""Figures of the unrolled network: boxes per timestep drawn with Plotly shapes and
annotations (no images), shared by the weights panel (the same W_ih and W_hh at every
step) and the usage-patterns panel (which positions take inputs, which outputs a task
uses). Pure functions returning spec dicts; no Streamlit here. The heatmaps of the
weights themselves are in components/weights_figure.py.

Coordinates: one column per drawn timestep (x = 0, 1, ...), rows at y = 0 (inputs),
1 (the recurrent cell) and 2 (outputs). A sequence longer than MAX_DRAWN shows its first
steps, a "…" column, and its last step.
"""

from __future__ import annotations

from components.figures.parts import FONT_SIZE, visible_token
from components.i18n import t
from model.config import ExplorerConfig
from model.lessons.patterns import UsagePattern, output_at
from model.trace import Trace

MAX_DRAWN = 8  # columns at most: the first MAX_DRAWN - 2 steps, "…", the last step
MAX_DRAWN_ENCODER = 5  # the encoder of an encoder-decoder leaves room for the decoder
MAX_BOX_CHARS = 7  # longer tokens are cut with "…" inside a box
MAX_BOX_CHARS_CROWDED = 5  # ... in a drawing of more than CROWDED columns
CROWDED = 9  # columns (drawn steps, h_n and decoder) beyond which boxes get narrow
BOX_W, BOX_H = 0.58, 0.5
W_IH_COLOUR = "#d95f02"  # the same colour wherever W_ih appears (diagram tags, heatmap title)
W_HH_COLOUR = "#7570b3"
INK, FAINT = "#1f2937", "#9ca3af"
INPUT_FILL, INPUT_LINE = "#dbeafe", "#2b6cb0"
CELL_FILL, CELL_LINE = "#fef3c7", "#b45309"
USED_FILL, USED_LINE = "#bbf7d0", "#15803d"
UNUSED_FILL, UNUSED_LINE = "#f3f4f6", "#d1d5db"
DECODER_FILL, DECODER_LINE = "#ccfbf1", "#0f766e"
FEEDBACK = "#15803d"
REVERSE = "#be185d"  # the reverse direction's arrows


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


# --- primitives --------------------------------------------------------------------------


def _box(x: float, y: float, fill: str, line: str, dash: str = "solid") -> dict:
    return {
        "type": "rect", "xref": "x", "yref": "y", "layer": "below",
        "x0": x - BOX_W / 2, "x1": x + BOX_W / 2, "y0": y - BOX_H / 2, "y1": y + BOX_H / 2,
        "fillcolor": fill, "line": {"color": line, "width": 2, "dash": dash},
    }  # fmt: skip


def _text(x: float, y: float, text: str, colour: str = INK, size: int = FONT_SIZE, **extra):
    """Text at (x, y); `mono=True` sets it in a monospace font (tensor expressions)."""
    font = {"size": size, "color": colour}
    if extra.pop("mono", False):
        font["family"] = "monospace"
    return {
        "x": x, "y": y, "xref": "x", "yref": "y", "text": text, "showarrow": False,
        "font": font, **extra,
    }  # fmt: skip


def _arrow(start: tuple[float, float], end: tuple[float, float], colour: str) -> dict:
    return {
        "x": end[0], "y": end[1], "ax": start[0], "ay": start[1], "xref": "x", "yref": "y",
        "axref": "x", "ayref": "y", "text": "", "showarrow": True, "arrowhead": 2,
        "arrowsize": 1.2, "arrowwidth": 2.5, "arrowcolor": colour,
    }  # fmt: skip


def _tag(x: float, y: float, text: str, colour: str) -> dict:
    """A small coloured label sitting on an arrow: the weight that arrow multiplies by."""
    return _text(x, y, text, "white", FONT_SIZE - 1, bgcolor=colour, borderpad=3)


def _layout(title: str, x_range, y_range, rows: dict[float, str], height: int) -> dict:
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


def _gap(column: int, rows: tuple[int, ...]) -> list[dict]:
    return [_text(column, row, "…", FAINT, FONT_SIZE + 10) for row in rows]


# --- the shared weights ------------------------------------------------------------------


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
            notes += _gap(column, (0, 1))
            continue
        shapes += [_box(column, 0, INPUT_FILL, INPUT_LINE), _box(column, 1, CELL_FILL, CELL_LINE)]
        notes += [
            _text(column, 0, box_text(tokens[position])),
            _text(column, -0.4, f"t = {position}", FAINT, FONT_SIZE - 2),
            _text(column, 1, f"h<sub>{position}</sub>"),
            _arrow((column, BOX_H / 2), (column, 1 - BOX_H / 2), W_IH_COLOUR),
            _tag(column, 0.5, "W<sub>ih</sub>", W_IH_COLOUR),
        ]
    start = len(drawn) if reverse else -1  # the initial state enters where reading starts
    shapes.append(_box(start, 1, UNUSED_FILL, FAINT))
    notes.append(_text(start, 1, t("unrolled_initial", lang), INK, FONT_SIZE - 2))
    order = range(len(drawn), -1, -1) if reverse else range(-1, len(drawn))
    columns = list(order)
    for before, after in zip(columns, columns[1:], strict=False):
        step = after - before  # +1 forward, -1 reverse
        notes.append(_arrow((before + step * BOX_W / 2, 1), (after - step * BOX_W / 2, 1),
                            W_HH_COLOUR))  # fmt: skip
        real = all(0 <= c < len(drawn) and drawn[c] is not None for c in (before, after))
        if real:
            notes.append(_tag((before + after) / 2, 1.32, "W<sub>hh</sub>", W_HH_COLOUR))
    rows = {0: t("unrolled_row_input" if layer == 0 else "unrolled_row_below", lang),
            1: t("unrolled_row_hidden", lang)}  # fmt: skip
    title = t("unrolled_title", lang, seq=seq + 1, where=where_label(trace, layer, direction, lang))
    x_range = (-0.6, len(drawn) + 0.6) if reverse else (-1.6, len(drawn) - 0.4)
    layout = _layout(title, x_range, (-0.65, 1.6), rows, 330)
    layout.update(shapes=shapes, annotations=notes)
    return {"data": [], "layout": layout}


def where_label(trace: Trace, layer: int, direction: int, lang: str) -> str:
    """ " · layer 2 · reverse" when there is more than one layer or direction, else ""."""
    parts = [t("weights_layer", lang, layer=layer + 1)] if trace.num_layers > 1 else []
    if trace.num_directions > 1:
        parts.append(t("direction_forward" if direction == 0 else "direction_reverse", lang))
    return "".join(" · " + part for part in parts)


# --- usage patterns ----------------------------------------------------------------------


def pattern_label(name: str, lang: str) -> str:
    labels = {
        "one_to_one": t("patterns_name_one_to_one", lang),
        "one_to_many": t("patterns_name_one_to_many", lang),
        "many_to_one": t("patterns_name_many_to_one", lang),
        "many_to_many": t("patterns_name_many_to_many", lang),
        "encoder_decoder": t("patterns_name_encoder_decoder", lang),
    }
    return labels[name]


def pattern_example(name: str, lang: str) -> str:
    examples = {
        "one_to_one": t("patterns_example_one_to_one", lang),
        "one_to_many": t("patterns_example_one_to_many", lang),
        "many_to_one": t("patterns_example_many_to_one", lang),
        "many_to_many": t("patterns_example_many_to_many", lang),
        "encoder_decoder": t("patterns_example_encoder_decoder", lang),
    }
    return examples[name]


def pattern_spec(pattern: UsagePattern, config: ExplorerConfig, lang: str) -> dict:
    """The unrolled network of one usage pattern over the user's tokens: inputs fed
    (the user's tokens, or a prediction fed back), outputs the task uses (green) or ignores
    (grey), and the tensor that holds what it uses."""
    encoder = pattern.name == "encoder_decoder"
    holds_state = any(tensor.holds == "final_state" for tensor in pattern.tensors)
    drawn = drawn_positions(pattern.positions, MAX_DRAWN_ENCODER if encoder else MAX_DRAWN)
    end = len(drawn)  # the column after the last drawn step
    right = end + (pattern.decoder_steps + 1 if encoder else 1 if holds_state else 0)
    most = MAX_BOX_CHARS_CROWDED if right > CROWDED else MAX_BOX_CHARS
    shapes, notes = _pattern_columns(pattern, drawn, config, most)
    if holds_state:
        shapes.append(_box(end, 1, USED_FILL, USED_LINE))
        notes += [_text(end, 1, "h<sub>n</sub>"), _arrow((end - 1 + BOX_W / 2, 1),
                                                         (end - BOX_W / 2, 1), INK)]  # fmt: skip
        label = _state_label(pattern, lang)
        notes.append(_text(end, 0.42, label, USED_LINE, FONT_SIZE - 1, mono=True))
    if encoder:
        decoder_shapes, decoder_notes = _decoder(end + 1, pattern.decoder_steps, config.cell, lang)
        shapes += decoder_shapes
        notes += decoder_notes
        notes.append(_arrow((end + BOX_W / 2, 1), (end + 1 - BOX_W / 2, 1), INK))
    notes += _output_bracket(pattern, drawn, config, lang, shapes)
    rows = {0: t("patterns_row_inputs", lang), 1: t("patterns_row_cells", lang),
            2: t("patterns_row_outputs", lang)}  # fmt: skip
    title = f"{pattern_label(pattern.name, lang)} · {pattern_example(pattern.name, lang)}"
    layout = _layout(title, (-0.6, max(right, 2) + 0.6), (-0.55, 2.9), rows, 470)
    layout.update(shapes=shapes, annotations=notes)
    return {"data": [], "layout": layout}


def _feedback(column: int, colour: str = FEEDBACK) -> tuple[dict, dict]:
    """The dashed path from the previous output to this input, and its arrowhead."""
    x_gap = column - 0.5
    path = {
        "type": "path", "xref": "x", "yref": "y", "layer": "below",
        "path": f"M {column - 1 + BOX_W / 2},2 H {x_gap} V 0",
        "line": {"color": colour, "width": 2.5, "dash": "dash"},
    }  # fmt: skip
    return path, _arrow((x_gap, 0), (column - BOX_W / 2, 0), colour)


def _pattern_columns(pattern: UsagePattern, drawn, config: ExplorerConfig, most: int):
    """Inputs, cells and outputs of every drawn position, and the arrows between cells."""
    shapes: list[dict] = []
    notes: list[dict] = []
    for column, position in enumerate(drawn):
        if position is None:
            notes += _gap(column, (0, 1, 2))
            continue
        _input_box(pattern, column, position, drawn, shapes, notes, most)
        shapes.append(_box(column, 1, CELL_FILL, CELL_LINE))
        notes.append(_text(column, 1, config.cell.upper(), INK, FONT_SIZE - 2))
        _output_box(pattern, column, position, shapes, notes, most)
    for before in range(len(drawn) - 1):
        notes.append(_arrow((before + BOX_W / 2, 1.08), (before + 1 - BOX_W / 2, 1.08), INK))
        if config.bidirectional:  # the reverse direction reads right to left
            back = _arrow((before + 1 - BOX_W / 2, 0.92), (before + BOX_W / 2, 0.92), REVERSE)
            notes.append(back)
    return shapes, notes


def _input_box(pattern: UsagePattern, column: int, position: int, drawn, shapes, notes, most):
    """A user's token, or the previous prediction fed back (dashed, with its path)."""
    if position in pattern.fed_back:
        shapes.append(_box(column, 0, "white", FEEDBACK, "dash"))
        previous = position - 1
        fed = pattern.predictions[previous] if pattern.predictions else None
        notes.append(_text(column, 0, box_text(fed, most) if fed else f"ŷ<sub>{previous}</sub>",
                           FEEDBACK))  # fmt: skip
        if drawn[column - 1] == previous:
            path, head = _feedback(column)
            shapes.append(path)
            notes.append(head)
    elif position in pattern.inputs:
        shapes.append(_box(column, 0, INPUT_FILL, INPUT_LINE))
        size = FONT_SIZE if most == MAX_BOX_CHARS else FONT_SIZE - 2  # crowded: smaller
        notes.append(_text(column, 0, box_text(pattern.tokens[position], most), INK, size))
    else:
        return
    notes.append(_arrow((column, BOX_H / 2), (column, 1 - BOX_H / 2), INK))


def _output_box(pattern: UsagePattern, column: int, position: int, shapes, notes, most):
    """Green when the task uses this output (with its prediction, if any), grey if not."""
    used = position in pattern.outputs
    fill, line = (USED_FILL, USED_LINE) if used else (UNUSED_FILL, UNUSED_LINE)
    shapes.append(_box(column, 2, fill, line))
    shown = f"h<sub>{position}</sub>"
    if used and pattern.predictions:
        shown = box_text(pattern.predictions[position], most)
    notes.append(_text(column, 2, f"<b>{shown}</b>" if used else shown, INK if used else FAINT))
    notes.append(_arrow((column, 1 + BOX_H / 2), (column, 2 - BOX_H / 2), line))


def _decoder(first: int, steps: int, cell: str, lang: str) -> tuple[list[dict], list[dict]]:
    """A decoder drawn after the encoder: a second RNN, not built here."""
    shapes: list[dict] = []
    notes: list[dict] = []
    for step in range(steps):
        column = first + step
        if step == 0:
            shapes.append(_box(column, 0, "white", DECODER_LINE, "dash"))
            notes.append(_text(column, 0, t("patterns_start", lang), DECODER_LINE, FONT_SIZE - 2))
        else:
            shapes.append(_box(column, 0, "white", FEEDBACK, "dash"))
            notes.append(_text(column, 0, f"ŷ<sub>{step}</sub>", FEEDBACK))
            path, head = _feedback(column)
            shapes.append(path)
            notes.append(head)
            notes.append(_arrow((column - 1 + BOX_W / 2, 1), (column - BOX_W / 2, 1), DECODER_LINE))
        shapes += [_box(column, 1, DECODER_FILL, DECODER_LINE, "dash"),
                   _box(column, 2, USED_FILL, USED_LINE)]  # fmt: skip
        notes += [
            _text(column, 1, cell.upper(), DECODER_LINE, FONT_SIZE - 2),
            _text(column, 2, f"<b>ŷ<sub>{step + 1}</sub></b>"),
            _arrow((column, BOX_H / 2), (column, 1 - BOX_H / 2), INK),
            _arrow((column, 1 + BOX_H / 2), (column, 2 - BOX_H / 2), USED_LINE),
        ]
    middle = first + (steps - 1) / 2
    notes.append(_text(middle, 2.62, t("patterns_decoder_note", lang), DECODER_LINE,
                       FONT_SIZE - 1))  # fmt: skip
    return shapes, notes


def _state_label(pattern: UsagePattern, lang: str) -> str:
    """The final-state tensor(s) under the h_n box, short enough to fit."""
    names = [tensor.expression for tensor in pattern.tensors if tensor.holds == "final_state"]
    if pattern.name == "encoder_decoder":
        return t("patterns_handoff", lang, tensors=", ".join(names))
    if names[0].startswith("torch.cat"):
        return "h_n[-2],<br>h_n[-1]"
    return names[0]


def _output_bracket(pattern, drawn, config: ExplorerConfig, lang: str, shapes: list) -> list:
    """A bracket over the outputs the task uses, with the tensor that holds them."""
    columns = [c for c, p in enumerate(drawn) if p is not None and p in pattern.outputs]
    tensors = [tensor for tensor in pattern.tensors if tensor.holds == "outputs"]
    if not columns or not tensors:
        return []
    left, right = min(columns) - BOX_W / 2, max(columns) + BOX_W / 2
    if pattern.name == "many_to_many":
        label = t("patterns_every_step", lang, expr=output_at(config.batch_first, ":", "t"))
    elif pattern.name == "one_to_many":
        label = t("patterns_each_call", lang, expr=tensors[0].expression)
    else:
        expression = tensors[0].expression
        label = expression if len(expression) <= 20 else tensors[0].for_sequence
    shapes.append({
        "type": "path", "xref": "x", "yref": "y",
        "path": f"M {left},2.33 V 2.42 H {right} V 2.33",
        "line": {"color": USED_LINE, "width": 2},
    })  # fmt: skip
    return [_text((left + right) / 2, 2.6, label, USED_LINE, FONT_SIZE, mono=True)]
