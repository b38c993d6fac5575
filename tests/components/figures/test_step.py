"""The step lesson's pure parts: the LaTeX it writes and the tables it shows hold
model.lessons.step's numbers (which tests/model/lessons/test_step.py checks against torch),
rounded only in print."""

from __future__ import annotations

import re

import numpy as np
import pytest

from components.figures.step import (
    TOP_UNITS,
    cell_latex,
    explain,
    gate_latex,
    gate_table,
    hidden_latex,
    number_tex,
    result_table,
)
from components.i18n import t
from model.config import ExplorerConfig
from model.lessons.step import step_math

BMATRIX = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}")


def matrices(latex: str) -> list[np.ndarray]:
    """Every bmatrix in the LaTeX, as a 2-D array of the printed numbers."""
    found = []
    for body in BMATRIX.findall(latex):
        rows = [row.split("&") for row in body.split(r"\\")]
        found.append(np.array([[float(v) for v in row] for row in rows]))
    return found


def printed(values) -> np.ndarray:
    return np.array([float(number_tex(v)) for v in np.ravel(values)])


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.12344, "0.1234"),
        (-0.00001, "0.0000"),
        (-1.5, "-1.5000"),
        (123456.7, r"1.235 \times 10^{5}"),
    ],
)
def test_numbers_have_four_decimals_and_no_negative_zero(value, text):
    assert number_tex(value) == text


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_each_gate_equation_shows_its_weights_inputs_terms_and_value(traced, cell):
    config = ExplorerConfig(sequences=("hello",), cell=cell, hidden_size=3, seed=5)
    math = step_math(traced(config), 0, 0, 0, 2)
    for gate in math.gates:
        latex = gate_latex(gate, math, "h_{t-1}", write_input=True)
        shown = matrices(latex)
        w_ih, x, wx, w_hh, h_prev, wh = shown[:6]
        np.testing.assert_array_equal(w_ih.ravel(), printed(gate.w_ih))
        np.testing.assert_array_equal(x.ravel(), printed(math.x))
        np.testing.assert_array_equal(wx.ravel(), printed(gate.input_term))
        np.testing.assert_array_equal(w_hh.ravel(), printed(gate.w_hh))
        np.testing.assert_array_equal(h_prev.ravel(), printed(math.h_prev))
        np.testing.assert_array_equal(wh.ravel(), printed(gate.hidden_term))
        pre, value = shown[-2:]
        np.testing.assert_array_equal(pre.ravel(), printed(gate.pre))
        np.testing.assert_array_equal(value.ravel(), printed(gate.value))
        letter = "h" if cell == "rnn" else gate.letter
        assert latex.startswith(rf"\begin{{aligned}}{letter}_t &=")
    if cell == "rnn":
        np.testing.assert_array_equal(shown[-1].ravel(), printed(math.h))


def test_the_state_updates_end_in_c_t_and_h_t(traced):
    config = ExplorerConfig(sequences=("hello",), cell="lstm", hidden_size=2, seed=2)
    math = step_math(traced(config), 0, 0, 0, 3)
    np.testing.assert_array_equal(matrices(cell_latex(math, "h_{t-1}"))[-1].ravel(),
                                  printed(math.c))  # fmt: skip
    np.testing.assert_array_equal(matrices(hidden_latex(math, "h_{t-1}"))[-1].ravel(),
                                  printed(math.h))  # fmt: skip
    gru = step_math(traced(config.with_changes(cell="gru")), 0, 0, 0, 3)
    shown = matrices(hidden_latex(gru, "h_{t-1}"))
    np.testing.assert_array_equal(shown[3].ravel(), printed(gru.h_prev))  # (1-z) n + z h
    np.testing.assert_array_equal(shown[-1].ravel(), printed(gru.h))


def test_a_wide_input_and_no_bias_are_written_without_the_missing_parts(traced):
    config = ExplorerConfig(sequences=("abcdefgh",), hidden_size=2, bias=False)
    math = step_math(traced(config), 0, 0, 0, 1)
    latex = gate_latex(math.gates[0], math, "h_{t-1}", write_input=False)
    assert "b_{" not in latex
    assert len(matrices(latex)) == 8  # W x; W_hh, h_(t-1), W h; sum of W x, W h; pre, h
    assert matrices(latex)[0].shape == (2, 1)


def test_the_gru_candidate_shows_the_reset_gate_on_the_hidden_part(traced):
    config = ExplorerConfig(sequences=("hello",), cell="gru", hidden_size=2)
    math = step_math(traced(config), 0, 0, 0, 1)
    latex = gate_latex(math.gate("candidate"), math, "h_{t-1}", write_input=True)
    assert r"r_t \odot \left(W_{hn} h_{t-1} + b_{hn}\right)" in latex
    reset = matrices(latex)[-5]  # terms: W x, b, r, W h, b; then pre, n
    np.testing.assert_array_equal(reset.ravel(), printed(math.gate("reset").value))


def test_large_layers_show_the_units_with_the_largest_pre_activation(traced):
    config = ExplorerConfig(sequences=("hello",), cell="lstm", hidden_size=12, seed=4)
    result = traced(config)
    math = step_math(result, 0, 0, 0, 2)
    for gate in math.gates:
        table = gate_table(gate, "en")
        units = table[t("step_col_unit", "en")].to_numpy()
        assert len(units) == TOP_UNITS
        np.testing.assert_array_equal(table[t("step_col_pre", "en")], gate.pre[units])
        assert np.abs(gate.pre[units]).min() >= np.delete(np.abs(gate.pre), units).max()
        terms = table.iloc[:, 1:5].to_numpy().sum(axis=1)
        np.testing.assert_allclose(terms, gate.pre[units], atol=1e-5)
        np.testing.assert_allclose(
            table[f"{t('step_col_value', 'en')} {gate.letter}_t"],
            result.gates[gate.name][0, 0, 0, 2, units], atol=1e-5,
        )  # fmt: skip
    states = result_table(math, "en")
    units = states[t("step_col_unit", "en")].to_numpy()
    np.testing.assert_allclose(states["h_t"], result.hidden[0, 0, 0, 2, units], atol=1e-5)
    np.testing.assert_allclose(states["c_t"], result.cell[0, 0, 0, 2, units], atol=1e-5)


def test_every_equation_is_explained_in_every_language(traced):
    for cell in ("rnn", "lstm", "gru"):
        math = step_math(traced(ExplorerConfig(sequences=("ab",), cell=cell)), 0, 0, 0, 0)
        for gate in math.gates:
            english, korean = explain(gate, cell, "en"), explain(gate, cell, "ko")
            assert english and korean and english != korean
