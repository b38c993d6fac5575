"""The lesson panel "The step in numbers": one step of the cell with every term filled in.

The numbers come from `model.lessons.step` (torch on the module's own parameters, checked
against the trace). Small layers are written out as LaTeX equations; large ones show
the shapes and, per gate, the few units with the largest pre-activation in a table.
LaTeX holds numbers and fixed symbols only: the token goes in a caption, quoted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components.charting import built_once
from components.figures.parts import visible_token
from components.i18n import t
from model.errors import quoted
from model.lessons.step import (
    TERMS,
    GateTerms,
    StepMath,
    dominant_terms,
    has_state,
    step_math,
    top_units,
)
from model.trace import Trace

SMALL_HIDDEN = 5  # hidden sizes up to this are written out as equations
SMALL_INPUT = 6  # inputs up to this wide are written out; wider ones show W x_t's result
TOP_UNITS = 5  # rows of each table when the layer is too large to write out
# A token in the step chooser is cut to this many characters. The chooser renders its
# labels as Markdown, so the token goes in a code span (model.config.quoted).
MAX_LABEL_CHARS = 12
STEP_KEY = "step_time"
RESULT_KEY = "step_result"  # the container holding the equation (or table) of h_t
MATCH_TOLERANCE = 1e-5
# Fixed CSS, no user text: the chooser's thumb is narrow, and a code span in it would
# otherwise wrap after each character.
CHOOSER_STYLE = f"<style>.st-key-{STEP_KEY} code {{ white-space: nowrap; }}</style>"
ACTIVATION_TEX = {"tanh": r"\tanh", "relu": r"\operatorname{ReLU}", "sigmoid": r"\sigma"}


def render_step(trace: Trace, seq: int, layer: int, direction: int, lang: str) -> None:
    _step_panel(trace, seq, layer, direction, lang)


@st.fragment
def _step_panel(trace: Trace, seq: int, layer: int, direction: int, lang: str) -> None:
    """A fragment: moving the step chooser reruns only this panel."""
    st.caption(t("step_intro", lang))
    step = _choose_step(trace, seq, lang)
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
    if hidden <= SMALL_HIDDEN:
        if width > SMALL_INPUT:
            st.caption(t("step_input_wide", lang, size=width))
        _render_equations(math, width <= SMALL_INPUT, lang)
    else:
        _render_tables(math, lang)
    _render_match(math, lang)


def _choose_step(trace: Trace, seq: int, lang: str) -> int:
    tokens = trace.tokens[seq]
    steps = list(range(len(tokens)))
    if len(steps) == 1:  # nothing to choose (a slider of one option is a lone dot)
        return 0
    st.html(CHOOSER_STYLE)
    chosen = st.session_state.get(STEP_KEY)
    if chosen is not None and chosen not in steps:  # the scene changed: stay in range
        st.session_state[STEP_KEY] = steps[-1]
    return st.select_slider(
        t("step_choose", lang), options=steps, key=STEP_KEY,
        format_func=lambda s: f"{s} · {quoted(visible_token(tokens[s]), MAX_LABEL_CHARS)}",
        help=t("step_choose_help", lang), persist_state="page",
    )  # fmt: skip


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
        notes.append(t("step_shapes_rnn", lang, ih=_shape(ih), hh=_shape(hh)))
    else:
        order = ", ".join(gate.letter for gate in math.gates)
        notes.append(
            t("step_shapes_gates", lang, order=order, ih=_shape(ih), hh=_shape(hh),
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
    prev = _prev_symbol(math)
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


def explain(gate: GateTerms, cell: str, lang: str) -> str:
    """One or two plain sentences on what this equation does."""
    match gate.name:
        case "hidden":
            key = "step_eq_rnn_tanh" if gate.activation == "tanh" else "step_eq_rnn_relu"
        case "candidate":
            key = "step_eq_candidate_lstm" if cell == "lstm" else "step_eq_candidate_gru"
        case "input":
            key = "step_eq_input"
        case "forget":
            key = "step_eq_forget"
        case "output":
            key = "step_eq_output"
        case "reset":
            key = "step_eq_reset"
        case _:
            key = "step_eq_update"
    return t(key, lang)


def gate_latex(gate: GateTerms, math: StepMath, prev: str, write_input: bool) -> str:
    """The gate's equation, its two products worked out, then the sum and the activation."""
    w_i, w_h, b_i, b_h = _symbols(gate.letter)
    act = ACTIVATION_TEX[gate.activation]
    lhs = f"{gate.letter}_t"
    reset = "r_t" if gate.reset is not None else None
    symbolic = _sum(f"{w_i} x_t", b_i, f"{w_h} {prev}", b_h, reset, gate)
    x_product = _matrix(gate.w_ih) + _vector(math.x) + " = " if write_input else ""
    h_product = _matrix(gate.w_hh) + _vector(math.h_prev)
    terms = _sum(
        _vector(gate.input_term), _vector(gate.b_ih), _vector(gate.hidden_term),
        _vector(gate.b_hh), _vector(gate.reset) if reset else None, gate,
    )  # fmt: skip
    lines = [
        rf"{lhs} &= {act}\left({symbolic}\right)",
        rf"{w_i} x_t &= {x_product}{_vector(gate.input_term)}",
        rf"{w_h} {prev} &= {h_product} = {_vector(gate.hidden_term)}",
        rf"{lhs} &= {act}\left({terms}\right)",
        rf"&= {act}\left({_vector(gate.pre)}\right) = {_vector(gate.value)}",
    ]
    return _aligned(lines)


def cell_latex(math: StepMath, prev: str) -> str:
    """c_t = f ⊙ c_{t-1} + i ⊙ g, with numbers."""
    i, f, g, _ = (gate.value for gate in math.gates)
    c_prev = prev.replace("h", "c", 1)
    lines = [
        rf"c_t &= f_t \odot {c_prev} + i_t \odot g_t",
        rf"&= {_vector(f)} \odot {_vector(math.c_prev)} + {_vector(i)} \odot {_vector(g)}"
        rf" = {_vector(math.c)}",
    ]
    return _aligned(lines)


def hidden_latex(math: StepMath, prev: str) -> str:
    """LSTM h_t = o ⊙ tanh(c_t); GRU h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}; with numbers."""
    if math.cell == "lstm":
        o = math.gate("output").value
        lines = [
            r"h_t &= o_t \odot \tanh(c_t)",
            rf"&= {_vector(o)} \odot \tanh\left({_vector(math.c)}\right) = {_vector(math.h)}",
        ]
    else:
        z, n = math.gate("update").value, math.gate("candidate").value
        lines = [
            rf"h_t &= (1 - z_t) \odot n_t + z_t \odot {prev}",
            rf"&= \left(1 - {_vector(z)}\right) \odot {_vector(n)} + {_vector(z)} \odot "
            rf"{_vector(math.h_prev)} = {_vector(math.h)}",
        ]
    return _aligned(lines)


def _sum(x_part, b_i, h_part, b_h, reset, gate: GateTerms) -> str:
    """W x + b_i + [r ⊙] (W h + b_h), without the biases when the module has none."""
    bias = gate.b_ih is not None
    left = f"{x_part} + {b_i}" if bias else x_part
    right = f"{h_part} + {b_h}" if bias else h_part
    if reset is None:
        return f"{left} + {right}"
    return rf"{left} + {reset} \odot \left({right}\right)"


def _symbols(letter: str) -> tuple[str, str, str, str]:
    """PyTorch's names: W_ih, W_hh, b_ih, b_hh for an RNN; W_ii, W_hi, b_ii, b_hi, ..."""
    if letter == "h":
        return "W_{ih}", "W_{hh}", "b_{ih}", "b_{hh}"
    return f"W_{{i{letter}}}", f"W_{{h{letter}}}", f"b_{{i{letter}}}", f"b_{{h{letter}}}"


def _prev_symbol(math: StepMath) -> str:
    return "h_{t-1}" if math.direction == 0 else "h_{t+1}"


def _aligned(lines: list[str]) -> str:
    return r"\begin{aligned}" + r" \\[4pt] ".join(lines) + r"\end{aligned}"


def number_tex(value: float) -> str:
    """4 decimals; huge values (an unbounded ReLU) in scientific notation."""
    value = float(value)
    if abs(value) >= 1e4:
        mantissa, exponent = f"{value:.3e}".split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    text = f"{value:.4f}"
    return "0.0000" if text == "-0.0000" else text


def _vector(values: np.ndarray | None) -> str:
    if values is None:
        return ""
    return r"\begin{bmatrix}" + r" \\ ".join(number_tex(v) for v in values) + r"\end{bmatrix}"


def _matrix(values: np.ndarray) -> str:
    rows = (" & ".join(number_tex(v) for v in row) for row in values)
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


# --- large layers: shapes and the few largest terms -----------------------------------


def _render_tables(math: StepMath, lang: str) -> None:
    st.caption(t("step_summary", lang, hidden=math.h.shape[0], count=TOP_UNITS))
    prev = _prev_symbol(math)
    for gate in math.gates:
        st.markdown(explain(gate, math.cell, lang))
        st.latex(_symbolic_latex(gate, prev))
        _show_table(gate_table(gate, lang))
    if math.cell != "rnn":
        if math.cell == "lstm":
            st.markdown(t("step_eq_cell", lang) + " " + t("step_eq_hidden_lstm", lang))
        else:
            st.markdown(t("step_eq_hidden_gru", lang))
        st.latex(_update_symbols(math, prev))
    st.markdown(t("step_result_table", lang, count=TOP_UNITS))
    with st.container(key=RESULT_KEY):
        _show_table(result_table(math, lang))


def _symbolic_latex(gate: GateTerms, prev: str) -> str:
    """The gate's equation with the shape of every term under it."""
    w_i, w_h, b_i, b_h = _symbols(gate.letter)
    hidden, width = gate.w_ih.shape
    under = {
        "x": rf"\underbrace{{{w_i} x_t}}_{{({hidden}\times{width})({width})}}",
        "h": rf"\underbrace{{{w_h} {prev}}}_{{({hidden}\times{hidden})({hidden})}}",
        "b_i": rf"\underbrace{{{b_i}}}_{{({hidden})}}",
        "b_h": rf"\underbrace{{{b_h}}}_{{({hidden})}}",
    }
    reset = "r_t" if gate.reset is not None else None
    inner = _sum(under["x"], under["b_i"], under["h"], under["b_h"], reset, gate)
    return rf"{gate.letter}_t = {ACTIVATION_TEX[gate.activation]}\left({inner}\right)"


def _update_symbols(math: StepMath, prev: str) -> str:
    if math.cell == "lstm":
        c_prev = prev.replace("h", "c", 1)
        return rf"c_t = f_t \odot {c_prev} + i_t \odot g_t, \quad h_t = o_t \odot \tanh(c_t)"
    return rf"h_t = (1 - z_t) \odot n_t + z_t \odot {prev}"


def term_labels(gate: GateTerms, lang: str) -> dict[str, str]:
    """Column titles for TERMS: PyTorch's symbol of each term, and where it comes from."""
    w_i, w_h, b_i, b_h = (s.replace("{", "").replace("}", "") for s in _symbols(gate.letter))
    scale = "r⊙" if gate.reset is not None else ""
    return {
        "input": t("step_col_input", lang, term=f"{w_i} x_t"),
        "input_bias": t("step_col_bias", lang, term=b_i),
        "hidden": t("step_col_state", lang, term=f"{scale}{w_h} h"),
        "hidden_bias": t("step_col_bias", lang, term=f"{scale}{b_h}"),
    }


def gate_table(gate: GateTerms, lang: str) -> pd.DataFrame:
    """The TOP_UNITS units with the largest |pre-activation|: terms, sum, value, winner."""
    units = top_units(gate.pre, TOP_UNITS)
    labels = term_labels(gate, lang)
    terms = gate.contributions()
    winners = dominant_terms(gate)
    columns = {t("step_col_unit", lang): units}
    for name in TERMS:
        if name.endswith("bias") and gate.b_ih is None:
            continue
        columns[labels[name]] = terms[name][units]
    columns[t("step_col_pre", lang)] = gate.pre[units]
    columns[t("step_col_value", lang) + f" {gate.letter}_t"] = gate.value[units]
    columns[t("step_col_largest", lang)] = [labels[TERMS[w]] for w in winners[units]]
    return pd.DataFrame(columns)


def result_table(math: StepMath, lang: str) -> pd.DataFrame:
    """The units whose state changed most: the update's inputs and h_t."""
    units = top_units(math.h - math.h_prev, TOP_UNITS)
    prev = "h_(t−1)" if math.direction == 0 else "h_(t+1)"
    columns = {t("step_col_unit", lang): units, prev: math.h_prev[units]}
    if math.cell == "lstm":
        i, f, g, o = (gate.value[units] for gate in math.gates)
        c_prev = prev.replace("h", "c", 1)
        columns |= {"f_t": f, c_prev: math.c_prev[units], "i_t": i, "g_t": g}
        columns |= {"c_t": math.c[units], "o_t": o}
    elif math.cell == "gru":
        columns |= {"z_t": math.gate("update").value[units]}
        columns |= {"n_t": math.gate("candidate").value[units]}
    columns["h_t"] = math.h[units]
    return pd.DataFrame(columns)


def _show_table(table: pd.DataFrame) -> None:
    """A table with 4 decimals on every number column (the values stay exact)."""
    number = st.column_config.NumberColumn(format="%.4f")
    formats = {name: number for name in table.columns if table[name].dtype.kind == "f"}
    st.dataframe(table, hide_index=True, column_config=formats)


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"
