"""What the "The step in numbers" lesson writes: one step of the cell as LaTeX equations
with every number filled in (small layers), and as tables of the few units with the
largest terms (large layers). Pure functions of `model.lessons.step`'s numbers (LaTeX
strings and DataFrames); no Streamlit here. LaTeX holds numbers and fixed symbols only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from components.i18n import t
from model.lessons.step import TERMS, GateTerms, StepMath, dominant_terms, top_units

TOP_UNITS = 5  # rows of each table when the layer is too large to write out
ACTIVATION_TEX = {"tanh": r"\tanh", "relu": r"\operatorname{ReLU}", "sigmoid": r"\sigma"}


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
    w_i, w_h, b_i, b_h = symbols(gate.letter)
    act = ACTIVATION_TEX[gate.activation]
    lhs = f"{gate.letter}_t"
    reset = "r_t" if gate.reset is not None else None
    symbolic = sum_terms(f"{w_i} x_t", b_i, f"{w_h} {prev}", b_h, reset, gate)
    x_product = matrix(gate.w_ih) + vector(math.x) + " = " if write_input else ""
    h_product = matrix(gate.w_hh) + vector(math.h_prev)
    terms = sum_terms(
        vector(gate.input_term), vector(gate.b_ih), vector(gate.hidden_term),
        vector(gate.b_hh), vector(gate.reset) if reset else None, gate,
    )  # fmt: skip
    lines = [
        rf"{lhs} &= {act}\left({symbolic}\right)",
        rf"{w_i} x_t &= {x_product}{vector(gate.input_term)}",
        rf"{w_h} {prev} &= {h_product} = {vector(gate.hidden_term)}",
        rf"{lhs} &= {act}\left({terms}\right)",
        rf"&= {act}\left({vector(gate.pre)}\right) = {vector(gate.value)}",
    ]
    return aligned(lines)


def cell_latex(math: StepMath, prev: str) -> str:
    """c_t = f ⊙ c_{t-1} + i ⊙ g, with numbers."""
    i, f, g, _ = (gate.value for gate in math.gates)
    c_prev = prev.replace("h", "c", 1)
    lines = [
        rf"c_t &= f_t \odot {c_prev} + i_t \odot g_t",
        rf"&= {vector(f)} \odot {vector(math.c_prev)} + {vector(i)} \odot {vector(g)}"
        rf" = {vector(math.c)}",
    ]
    return aligned(lines)


def hidden_latex(math: StepMath, prev: str) -> str:
    """LSTM h_t = o ⊙ tanh(c_t); GRU h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}; with numbers."""
    if math.cell == "lstm":
        o = math.gate("output").value
        lines = [
            r"h_t &= o_t \odot \tanh(c_t)",
            rf"&= {vector(o)} \odot \tanh\left({vector(math.c)}\right) = {vector(math.h)}",
        ]
    else:
        z, n = math.gate("update").value, math.gate("candidate").value
        lines = [
            rf"h_t &= (1 - z_t) \odot n_t + z_t \odot {prev}",
            rf"&= \left(1 - {vector(z)}\right) \odot {vector(n)} + {vector(z)} \odot "
            rf"{vector(math.h_prev)} = {vector(math.h)}",
        ]
    return aligned(lines)


def sum_terms(x_part, b_i, h_part, b_h, reset, gate: GateTerms) -> str:
    """W x + b_i + [r ⊙] (W h + b_h), without the biases when the module has none."""
    bias = gate.b_ih is not None
    left = f"{x_part} + {b_i}" if bias else x_part
    right = f"{h_part} + {b_h}" if bias else h_part
    if reset is None:
        return f"{left} + {right}"
    return rf"{left} + {reset} \odot \left({right}\right)"


def symbols(letter: str) -> tuple[str, str, str, str]:
    """PyTorch's names: W_ih, W_hh, b_ih, b_hh for an RNN; W_ii, W_hi, b_ii, b_hi, ..."""
    if letter == "h":
        return "W_{ih}", "W_{hh}", "b_{ih}", "b_{hh}"
    return f"W_{{i{letter}}}", f"W_{{h{letter}}}", f"b_{{i{letter}}}", f"b_{{h{letter}}}"


def prev_symbol(math: StepMath) -> str:
    return "h_{t-1}" if math.direction == 0 else "h_{t+1}"


def aligned(lines: list[str]) -> str:
    return r"\begin{aligned}" + r" \\[4pt] ".join(lines) + r"\end{aligned}"


def number_tex(value: float) -> str:
    """4 decimals; huge values (an unbounded ReLU) in scientific notation."""
    value = float(value)
    if abs(value) >= 1e4:
        mantissa, exponent = f"{value:.3e}".split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    text = f"{value:.4f}"
    return "0.0000" if text == "-0.0000" else text


def vector(values: np.ndarray | None) -> str:
    if values is None:
        return ""
    return r"\begin{bmatrix}" + r" \\ ".join(number_tex(v) for v in values) + r"\end{bmatrix}"


def matrix(values: np.ndarray) -> str:
    rows = (" & ".join(number_tex(v) for v in row) for row in values)
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def symbolic_latex(gate: GateTerms, prev: str) -> str:
    """The gate's equation with the shape of every term under it."""
    w_i, w_h, b_i, b_h = symbols(gate.letter)
    hidden, width = gate.w_ih.shape
    under = {
        "x": rf"\underbrace{{{w_i} x_t}}_{{({hidden}\times{width})({width})}}",
        "h": rf"\underbrace{{{w_h} {prev}}}_{{({hidden}\times{hidden})({hidden})}}",
        "b_i": rf"\underbrace{{{b_i}}}_{{({hidden})}}",
        "b_h": rf"\underbrace{{{b_h}}}_{{({hidden})}}",
    }
    reset = "r_t" if gate.reset is not None else None
    inner = sum_terms(under["x"], under["b_i"], under["h"], under["b_h"], reset, gate)
    return rf"{gate.letter}_t = {ACTIVATION_TEX[gate.activation]}\left({inner}\right)"


def update_symbols(math: StepMath, prev: str) -> str:
    if math.cell == "lstm":
        c_prev = prev.replace("h", "c", 1)
        return rf"c_t = f_t \odot {c_prev} + i_t \odot g_t, \quad h_t = o_t \odot \tanh(c_t)"
    return rf"h_t = (1 - z_t) \odot n_t + z_t \odot {prev}"


def term_labels(gate: GateTerms, lang: str) -> dict[str, str]:
    """Column titles for TERMS: PyTorch's symbol of each term, and where it comes from."""
    w_i, w_h, b_i, b_h = (s.replace("{", "").replace("}", "") for s in symbols(gate.letter))
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
