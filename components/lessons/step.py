"""The "The step in numbers" lesson: one step of the cell with every term filled in.

The numbers come from `model.lessons.step` (torch on the module's own parameters, checked
against the trace); the LaTeX and the tables are written by `components.figures.step`.
Small layers are written out as equations; large ones show the shapes and, per gate, the
few units with the largest pre-activation in a table. LaTeX holds numbers and fixed
symbols only: the token goes in a caption, quoted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components.charting import built_once
from components.figures.parts import visible_token
from components.figures.step import (
    TOP_UNITS,
    cell_latex,
    explain,
    gate_latex,
    gate_table,
    hidden_latex,
    prev_symbol,
    result_table,
    symbolic_latex,
    update_symbols,
)
from components.i18n import t
from components.lessons.view import LessonView
from components.text import shape_text
from model.errors import quoted
from model.lessons.step import StepMath, has_state, step_math
from model.trace import Trace

SMALL_HIDDEN = 5  # hidden sizes up to this are written out as equations
SMALL_INPUT = 6  # inputs up to this wide are written out; wider ones show W x_t's result
PANEL_PX = 520  # a taller step (gates, wide layers) scrolls in a box of this height
RESULT_KEY = "step_result"  # the container holding the equation (or table) of h_t
MATCH_TOLERANCE = 1e-5


def render(view: LessonView) -> None:
    """The step under the charts' time cursor (the browser reports it while this lesson is
    open), so the equations and the charts always show the same step."""
    trace, seq = view.trace, view.seq
    step = min(max(view.step, 0), len(trace.tokens[seq]) - 1)
    _step_panel(trace, seq, view.layer, view.direction, step, view.lang)


def _step_panel(trace: Trace, seq: int, layer: int, direction: int, step: int, lang: str):
    st.caption(t("step_intro", lang))
    side = t("direction_forward" if direction == 0 else "direction_reverse", lang)
    token = quoted(visible_token(trace.tokens[seq][step]))
    st.caption(
        t("step_where", lang, step=step, token=token, seq=seq + 1, layer=layer + 1, direction=side)
    )
    if not has_state(trace, seq, step):
        st.info(t("step_no_state", lang, last=int(trace.lengths[seq]) - 1), icon="ℹ️")
        return
    # Computed once per scene and step: a rerun that changes nothing here reuses it.
    math = built_once("step_math", trace, (seq, layer, direction, step),
                      lambda: step_math(trace, seq, layer, direction, step))  # fmt: skip
    _render_context(trace, math, lang)
    hidden, width = math.h.shape[0], math.x.shape[0]
    with st.container(height=PANEL_PX if _tall(math) else "content", border=False):
        if hidden <= SMALL_HIDDEN:
            if width > SMALL_INPUT:
                st.caption(t("step_input_wide", lang, size=width))
            _render_equations(math, width <= SMALL_INPUT, lang)
        else:
            _render_tables(math, lang)
    _render_match(math, lang)


def _tall(math: StepMath) -> bool:
    """Gated cells and wide layers write more than a screen: they scroll in a box."""
    return len(math.gates) > 1 or math.h.shape[0] > SMALL_HIDDEN


def _render_context(trace: Trace, math: StepMath, lang: str) -> None:
    """Where x_t and the previous state come from, and how the weights are stored."""
    notes = []
    if bool(trace.padded_input[math.seq, math.step]):
        notes.append(t("step_padded", lang))
    if math.layer > 0:
        notes.append(
            t("step_layer_input", lang, layer=math.layer + 1, below=math.layer,
              size=math.x.shape[0])
        )  # fmt: skip
    elif (index := _one_hot_index(trace, math)) is not None:
        notes.append(t("step_onehot", lang, index=index))
    if math.previous_step is None:
        key = "step_prev_initial_lstm" if math.cell == "lstm" else "step_prev_initial"
        notes.append(t(key, lang))
    else:
        notes.append(t("step_prev_step", lang, prev=math.previous_step))
    if math.direction == 1:
        notes.append(t("step_reverse", lang))
    ih, hh = (shape for name, shape in math.weight_shapes.items() if name.startswith("weight"))
    if math.cell == "rnn":
        notes.append(t("step_shapes_rnn", lang, ih=shape_text(ih), hh=shape_text(hh)))
    else:
        order = ", ".join(gate.letter for gate in math.gates)
        notes.append(
            t("step_shapes_gates", lang, order=order, ih=shape_text(ih), hh=shape_text(hh),
              hidden=math.h.shape[0])
        )  # fmt: skip
    if not trace.config.bias:
        notes.append(t("step_no_bias", lang))
    st.caption(" ".join(notes))


def _one_hot_index(trace: Trace, math: StepMath) -> int | None:
    """The index of the 1 when layer 0 is fed a one-hot vector (not padding)."""
    config = trace.config
    if math.layer > 0 or config.tokens == "numbers" or config.encoding != "onehot":
        return None
    hot = np.flatnonzero(math.x)
    return int(hot[0]) if hot.size == 1 else None


def _render_match(math: StepMath, lang: str) -> None:
    if math.max_error < MATCH_TOLERANCE:
        st.success(t("step_match", lang, step=math.step, error=math.max_error), icon="✅")
    else:
        st.warning(t("step_mismatch", lang, error=math.max_error), icon="⚠️")


# --- small layers: the equations with every number ------------------------------------


def _render_equations(math: StepMath, write_input: bool, lang: str) -> None:
    prev = prev_symbol(math)
    if math.cell == "rnn":
        (gate,) = math.gates
        st.markdown(explain(gate, math.cell, lang))
        with st.container(key=RESULT_KEY):
            st.latex(gate_latex(gate, math, prev, write_input))
        return
    for gate in math.gates:
        st.markdown(explain(gate, math.cell, lang))
        st.latex(gate_latex(gate, math, prev, write_input))
    if math.cell == "lstm":
        st.markdown(t("step_eq_cell", lang))
        st.latex(cell_latex(math, prev))
        st.markdown(t("step_eq_hidden_lstm", lang))
    else:
        st.markdown(t("step_eq_hidden_gru", lang))
    with st.container(key=RESULT_KEY):
        st.latex(hidden_latex(math, prev))


# --- large layers: shapes and the few largest terms -----------------------------------


def _render_tables(math: StepMath, lang: str) -> None:
    st.caption(t("step_summary", lang, hidden=math.h.shape[0], count=TOP_UNITS))
    prev = prev_symbol(math)
    for gate in math.gates:
        st.markdown(explain(gate, math.cell, lang))
        st.latex(symbolic_latex(gate, prev))
        _show_table(gate_table(gate, lang))
    if math.cell != "rnn":
        if math.cell == "lstm":
            st.markdown(t("step_eq_cell", lang) + " " + t("step_eq_hidden_lstm", lang))
        else:
            st.markdown(t("step_eq_hidden_gru", lang))
        st.latex(update_symbols(math, prev))
    st.markdown(t("step_result_table", lang, count=TOP_UNITS))
    with st.container(key=RESULT_KEY):
        _show_table(result_table(math, lang))


def _show_table(table: pd.DataFrame) -> None:
    """A table with 4 decimals on every number column (the values stay exact)."""
    number = st.column_config.NumberColumn(format="%.4f")
    formats = {name: number for name in table.columns if table[name].dtype.kind == "f"}
    st.dataframe(table, hide_index=True, column_config=formats)
