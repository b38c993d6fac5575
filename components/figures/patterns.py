"""The "Usage patterns" lesson's figure: the unrolled network of one usage pattern
(one-to-one, one-to-many, many-to-one, many-to-many, encoder-decoder) over the user's
tokens: which positions take inputs, which outputs the task uses, and the tensor that
holds them. A pure builder returning a spec dict; no Streamlit here.
"""

from __future__ import annotations

from components.figures.parts import FONT_SIZE
from components.figures.unrolled import (
    BOX_H,
    BOX_W,
    CELL_FILL,
    CELL_LINE,
    FAINT,
    INK,
    INPUT_FILL,
    INPUT_LINE,
    MAX_BOX_CHARS,
    MAX_DRAWN,
    UNUSED_FILL,
    UNUSED_LINE,
    arrow,
    box,
    box_text,
    diagram_layout,
    drawn_positions,
    gap_marks,
    note,
)
from components.i18n import t
from model.config import ExplorerConfig
from model.lessons.patterns import UsagePattern, output_at

MAX_DRAWN_ENCODER = 5  # the encoder of an encoder-decoder leaves room for the decoder
MAX_BOX_CHARS_CROWDED = 5  # box text is cut shorter in a drawing of more than CROWDED columns
CROWDED = 9  # columns (drawn steps, h_n and decoder) beyond which boxes get narrow
USED_FILL, USED_LINE = "#bbf7d0", "#15803d"
DECODER_FILL, DECODER_LINE = "#ccfbf1", "#0f766e"
FEEDBACK = "#15803d"
REVERSE = "#be185d"  # the reverse direction's arrows


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
        shapes.append(box(end, 1, USED_FILL, USED_LINE))
        notes += [note(end, 1, "h<sub>n</sub>"), arrow((end - 1 + BOX_W / 2, 1),
                                                      (end - BOX_W / 2, 1), INK)]  # fmt: skip
        label = _state_label(pattern, lang)
        notes.append(note(end, 0.42, label, USED_LINE, FONT_SIZE - 1, mono=True))
    if encoder:
        decoder_shapes, decoder_notes = _decoder(end + 1, pattern.decoder_steps, config.cell, lang)
        shapes += decoder_shapes
        notes += decoder_notes
        notes.append(arrow((end + BOX_W / 2, 1), (end + 1 - BOX_W / 2, 1), INK))
    notes += _output_bracket(pattern, drawn, config, lang, shapes)
    rows = {0: t("patterns_row_inputs", lang), 1: t("patterns_row_cells", lang),
            2: t("patterns_row_outputs", lang)}  # fmt: skip
    title = f"{pattern_label(pattern.name, lang)} · {pattern_example(pattern.name, lang)}"
    layout = diagram_layout(title, (-0.6, max(right, 2) + 0.6), (-0.55, 2.9), rows, 470)
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
    return path, arrow((x_gap, 0), (column - BOX_W / 2, 0), colour)


def _pattern_columns(pattern: UsagePattern, drawn, config: ExplorerConfig, most: int):
    """Inputs, cells and outputs of every drawn position, and the arrows between cells."""
    shapes: list[dict] = []
    notes: list[dict] = []
    for column, position in enumerate(drawn):
        if position is None:
            notes += gap_marks(column, (0, 1, 2))
            continue
        _input_box(pattern, column, position, drawn, shapes, notes, most)
        shapes.append(box(column, 1, CELL_FILL, CELL_LINE))
        notes.append(note(column, 1, config.cell.upper(), INK, FONT_SIZE - 2))
        _output_box(pattern, column, position, shapes, notes, most)
    for before in range(len(drawn) - 1):
        notes.append(arrow((before + BOX_W / 2, 1.08), (before + 1 - BOX_W / 2, 1.08), INK))
        if config.bidirectional:  # the reverse direction reads right to left
            back = arrow((before + 1 - BOX_W / 2, 0.92), (before + BOX_W / 2, 0.92), REVERSE)
            notes.append(back)
    return shapes, notes


def _input_box(pattern: UsagePattern, column: int, position: int, drawn, shapes, notes, most):
    """A user's token, or the previous prediction fed back (dashed, with its path)."""
    if position in pattern.fed_back:
        shapes.append(box(column, 0, "white", FEEDBACK, "dash"))
        previous = position - 1
        fed = pattern.predictions[previous] if pattern.predictions else None
        notes.append(note(column, 0, box_text(fed, most) if fed else f"ŷ<sub>{previous}</sub>",
                          FEEDBACK))  # fmt: skip
        if drawn[column - 1] == previous:
            path, head = _feedback(column)
            shapes.append(path)
            notes.append(head)
    elif position in pattern.inputs:
        shapes.append(box(column, 0, INPUT_FILL, INPUT_LINE))
        size = FONT_SIZE if most == MAX_BOX_CHARS else FONT_SIZE - 2  # crowded: smaller
        notes.append(note(column, 0, box_text(pattern.tokens[position], most), INK, size))
    else:
        return
    notes.append(arrow((column, BOX_H / 2), (column, 1 - BOX_H / 2), INK))


def _output_box(pattern: UsagePattern, column: int, position: int, shapes, notes, most):
    """Green when the task uses this output (with its prediction, if any), grey if not."""
    used = position in pattern.outputs
    fill, line = (USED_FILL, USED_LINE) if used else (UNUSED_FILL, UNUSED_LINE)
    shapes.append(box(column, 2, fill, line))
    shown = f"h<sub>{position}</sub>"
    if used and pattern.predictions:
        shown = box_text(pattern.predictions[position], most)
    notes.append(note(column, 2, f"<b>{shown}</b>" if used else shown, INK if used else FAINT))
    notes.append(arrow((column, 1 + BOX_H / 2), (column, 2 - BOX_H / 2), line))


def _decoder(first: int, steps: int, cell: str, lang: str) -> tuple[list[dict], list[dict]]:
    """A decoder drawn after the encoder: a second RNN, not built here."""
    shapes: list[dict] = []
    notes: list[dict] = []
    for step in range(steps):
        column = first + step
        if step == 0:
            shapes.append(box(column, 0, "white", DECODER_LINE, "dash"))
            notes.append(note(column, 0, t("patterns_start", lang), DECODER_LINE, FONT_SIZE - 2))
        else:
            shapes.append(box(column, 0, "white", FEEDBACK, "dash"))
            notes.append(note(column, 0, f"ŷ<sub>{step}</sub>", FEEDBACK))
            path, head = _feedback(column)
            shapes.append(path)
            notes.append(head)
            notes.append(arrow((column - 1 + BOX_W / 2, 1), (column - BOX_W / 2, 1), DECODER_LINE))
        shapes += [box(column, 1, DECODER_FILL, DECODER_LINE, "dash"),
                   box(column, 2, USED_FILL, USED_LINE)]  # fmt: skip
        notes += [
            note(column, 1, cell.upper(), DECODER_LINE, FONT_SIZE - 2),
            note(column, 2, f"<b>ŷ<sub>{step + 1}</sub></b>"),
            arrow((column, BOX_H / 2), (column, 1 - BOX_H / 2), INK),
            arrow((column, 1 + BOX_H / 2), (column, 2 - BOX_H / 2), USED_LINE),
        ]
    middle = first + (steps - 1) / 2
    notes.append(note(middle, 2.62, t("patterns_decoder_note", lang), DECODER_LINE,
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
    return [note((left + right) / 2, 2.6, label, USED_LINE, FONT_SIZE, mono=True)]
