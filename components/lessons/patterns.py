"""The "Usage patterns" lesson: one-to-one, one-to-many, many-to-one, many-to-many and
encoder-decoder over the user's own tokens; which outputs each task uses, which tensor
holds them, and PyTorch's values of that tensor for the chosen sequence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components.charting import built_once, chart
from components.figures.parts import direction_name, visible_token
from components.figures.patterns import pattern_label, pattern_spec
from components.i18n import t
from components.lessons.view import LessonView
from components.text import shape_text
from model.errors import quoted
from model.lessons.patterns import PATTERN_NAMES, UsagePattern, output_at, usage_pattern
from model.trace import Trace

CHOICE_KEY = "patterns_choice"
DEFAULT_PATTERN = "many_to_one"
MAX_VALUES_SHOWN = 8  # values per row in the table; the rest is "…"
MAX_TOKENS_QUOTED = 20  # one-to-many: generated tokens quoted in the text


def render(view: LessonView) -> None:
    trace, seq, lang = view.trace, view.seq, view.lang
    st.caption(t("patterns_intro", lang))
    name = st.radio(
        t("patterns_choose", lang), PATTERN_NAMES, index=PATTERN_NAMES.index(DEFAULT_PATTERN),
        format_func=lambda option: pattern_label(option, lang), key=CHOICE_KEY, horizontal=True,
    )  # fmt: skip
    pattern = built_once("patterns_pattern", trace, (seq, name),
                         lambda: usage_pattern(trace, seq, name))  # fmt: skip
    spec = built_once("patterns_chart", trace, (seq, name, lang),
                      lambda: pattern_spec(pattern, trace.config, lang))  # fmt: skip
    chart(spec, f"pattern_{name}_{trace.config.cell}_seq{seq + 1}", "patterns_chart")
    _render_explanation(pattern, trace, lang)
    _render_tensors(pattern, trace, seq, lang)
    _render_values(pattern, trace, seq, lang)


def _render_explanation(pattern: UsagePattern, trace: Trace, lang: str) -> None:
    explanations = {
        "one_to_one": t("patterns_explain_one_to_one", lang, feed=pattern.feed),
        "one_to_many": t("patterns_explain_one_to_many", lang, feed=pattern.feed),
        "many_to_one": t("patterns_explain_many_to_one", lang),
        "many_to_many": t("patterns_explain_many_to_many", lang),
        "encoder_decoder": t("patterns_explain_encoder_decoder", lang),
    }
    st.markdown(explanations[pattern.name])
    if pattern.name == "encoder_decoder":
        st.caption(t("s2s_patterns_note", lang))  # the lesson that trains this model for real
    if pattern.name != "one_to_many":
        return
    if pattern.predictions:
        shown = pattern.predictions[:MAX_TOKENS_QUOTED]
        tokens = " ".join(quoted(visible_token(token)) for token in shown)
        tokens += " …" if len(pattern.predictions) > len(shown) else ""
        first = quoted(visible_token(pattern.tokens[0]))
        st.markdown(t("patterns_generated", lang, first=first, tokens=tokens))
    else:
        width, inputs = trace.output.shape[-1], trace.inputs.shape[-1]
        st.info(t("patterns_not_generated", lang, width=width, inputs=inputs), icon="ℹ️")


def _render_tensors(pattern: UsagePattern, trace: Trace, seq: int, lang: str) -> None:
    st.markdown("**" + t("patterns_tensors_title", lang) + "**")
    lines = [t("patterns_feed_line", lang, feed=pattern.feed)]
    for tensor in pattern.tensors:
        shape = shape_text(tensor.batch_shape)
        lines.append(t("patterns_tensor_line", lang, expression=tensor.expression, shape=shape,
                       seq=seq + 1, single=tensor.for_sequence))  # fmt: skip
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.caption(t("patterns_names_note", lang))
    for note in _notes(pattern, trace, lang):
        st.caption(note)


def _notes(pattern: UsagePattern, trace: Trace, lang: str) -> list[str]:
    config, notes = trace.config, []
    if config.bidirectional and pattern.name == "many_to_one":
        notes.append(t("patterns_note_bidirectional_last", lang))
    elif config.bidirectional and pattern.name != "encoder_decoder":
        notes.append(t("patterns_note_bidirectional", lang, hidden=config.hidden_size))
    if pattern.padded_end:
        notes.append(t("patterns_note_packed", lang, length=pattern.positions))
    if not config.batch_first and pattern.name == "many_to_one":
        notes.append(t("patterns_note_time_first", lang))
    if config.num_layers > 1 and pattern.name in ("many_to_one", "encoder_decoder"):
        notes.append(t("patterns_note_layers", lang, layers=config.num_layers))
    return notes


def _render_values(pattern: UsagePattern, trace: Trace, seq: int, lang: str) -> None:
    st.markdown("**" + t("patterns_values_title", lang, seq=seq + 1) + "**")
    rows = _value_rows(pattern, trace, seq, lang)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if trace.output.shape[-1] > MAX_VALUES_SHOWN:
        st.caption(t("patterns_values_cut", lang, most=MAX_VALUES_SHOWN))


def _value_rows(pattern: UsagePattern, trace: Trace, seq: int, lang: str) -> list[dict]:
    """One row per vector: the exact expression that holds it, and its values."""
    tensor_col, values_col = t("patterns_col_tensor", lang), t("patterns_col_values", lang)
    bf = trace.config.batch_first
    if pattern.name == "many_to_many":
        (tensor,) = pattern.tensors
        return [
            {tensor_col: output_at(bf, str(seq), str(step)),
             t("patterns_col_token", lang): visible_token(pattern.tokens[step]),
             values_col: vector_text(values)}
            for step, values in enumerate(tensor.values)
        ]  # fmt: skip
    if pattern.name == "one_to_many":
        return _generated_rows(pattern, tensor_col, values_col, lang)
    if pattern.name == "encoder_decoder":
        return _state_rows(pattern, trace, seq, tensor_col, values_col, lang)
    return [{tensor_col: tensor.for_sequence, values_col: vector_text(tensor.values)}
            for tensor in pattern.tensors]  # fmt: skip


def _generated_rows(pattern: UsagePattern, tensor_col: str, values_col: str, lang: str):
    (tensor,) = pattern.tensors
    rows = []
    for step, values in enumerate(tensor.values):
        fed = pattern.tokens[0] if step == 0 else pattern.predictions[step - 1]
        row = {t("patterns_col_fed", lang): visible_token(fed), tensor_col: tensor.for_sequence,
               values_col: vector_text(values)}  # fmt: skip
        if pattern.predictions:
            row[t("patterns_col_predicted", lang)] = visible_token(pattern.predictions[step])
        rows.append(row)
    return rows


def _state_rows(pattern, trace: Trace, seq: int, tensor_col: str, values_col: str, lang: str):
    """h_n (and c_n): one row per layer and direction."""
    directions = trace.num_directions
    rows = []
    for tensor in pattern.tensors:
        name = tensor.expression  # h_n or c_n
        for row, values in enumerate(tensor.values):
            where = t("fig_layer_n", lang, n=row // directions + 1)
            if directions > 1:
                where += " · " + direction_name(row % directions, lang)
            rows.append({tensor_col: f"{name}[{row}, {seq}]",
                         t("patterns_col_state", lang): where,
                         values_col: vector_text(values)})  # fmt: skip
    return rows


def vector_text(values: np.ndarray, most: int = MAX_VALUES_SHOWN) -> str:
    """PyTorch's numbers as text, 4 decimals, the first `most` of them."""
    shown = ", ".join(f"{value:.4f}" for value in values[:most])
    return "[" + shown + (", …" if len(values) > most else "") + "]"
