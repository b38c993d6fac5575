"""The step in numbers against torch.nn's own cells and against the trace.

The reference (tests/support/reference.py) runs torch.nn.RNNCell / LSTMCell / GRUCell,
loaded with the module's parameters, over every sequence, layer by layer and direction by
direction, from the initial state: its x_t, previous state and new state at each step are
what stepmath must show there."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from model.config import ExplorerConfig
from model.lessons.step import (
    TERMS,
    dominant_terms,
    has_state,
    layer_input,
    previous_step,
    step_math,
    top_units,
)
from model.trace import Trace, trace
from tests.support.reference import reference_steps
from tests.support.strategies import CELL_KINDS, small_configs

pytestmark = pytest.mark.usefixtures("single_thread_torch")

TOL = 1e-5  # absolute within +-1, relative beyond (an unbounded ReLU), as the trace checks


def close(actual, expected) -> None:
    np.testing.assert_allclose(actual, expected, atol=TOL, rtol=TOL)


def check_every_step(result: Trace) -> int:
    """Every computed position: stepmath equals the torch cells and the trace."""
    expected = reference_steps(result)
    for (layer, d, seq, t), ref in expected.items():
        math = step_math(result, seq, layer, d, t)
        where = (layer, d, seq, t)
        close(math.x, ref["x"].numpy())
        close(math.h_prev, ref["h_prev"].numpy())
        close(math.h, ref["h"].numpy())
        if ref["c"] is not None:
            close(math.c_prev, ref["c_prev"].numpy())
            close(math.c, ref["c"].numpy())
        else:
            assert math.c is None and math.c_prev is None
        # ... and the trace, i.e. every chart, holds the same numbers
        close(math.h, result.hidden[where])
        for gate in math.gates:
            close(gate.pre, result.preactivations[gate.name][where])
            if result.gates:
                close(gate.value, result.gates[gate.name][where])
            total = sum(gate.contributions().values())
            close(total, gate.pre)
        assert math.max_error < TOL
    assert len(expected) == int(result.valid.sum()) * result.num_layers * result.num_directions
    return len(expected)


@pytest.mark.parametrize(
    ("kind", "bidirectional", "bias", "batch_first"),
    list(itertools.product(CELL_KINDS, [False, True], [True, False], [True, False])),
)
def test_every_step_of_two_layers_equals_the_torch_cells(kind, bidirectional, bias, batch_first):
    config = ExplorerConfig(
        sequences=("hello", "hi", "ohm"),
        cell=kind[0],
        nonlinearity=kind[1],
        hidden_size=3,
        num_layers=2,
        bidirectional=bidirectional,
        bias=bias,
        batch_first=batch_first,
        init_state="random",
        seed=7,
    )
    assert check_every_step(trace(config)) > 0


@settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(config=small_configs(max_chars=5, max_lines=3, max_hidden=4, max_layers=3))
def test_random_small_configurations_equal_the_torch_cells(config):
    check_every_step(trace(config))


def test_numbers_and_embeddings_are_fed_as_the_trace_read_them():
    numbers = ExplorerConfig(sequences=("0.1 2; 0.5 -1; 0.9 3",), tokens="numbers", cell="lstm")
    embedded = ExplorerConfig(
        sequences=("the cat sat",), tokens="words", encoding="embedding", input_size=5,
        hidden_size=6, cell="gru", bidirectional=True, num_layers=2,
    )  # fmt: skip
    for config in (numbers, embedded):
        check_every_step(trace(config))


def test_no_state_past_the_end_of_a_packed_sequence():
    result = trace(ExplorerConfig(sequences=("hello", "hi"), cell="gru", bidirectional=True))
    assert result.packed
    assert has_state(result, 1, 1) and not has_state(result, 1, 2)
    with pytest.raises(ValueError, match="no state"):
        step_math(result, 1, 0, 0, 3)


def test_the_previous_state_comes_from_the_reading_order():
    result = trace(ExplorerConfig(sequences=("hello", "hi"), bidirectional=True))
    assert previous_step(result, 0, 0, 0) is None
    assert previous_step(result, 0, 0, 3) == 2
    assert previous_step(result, 0, 1, 4) is None  # the reverse direction starts at the end
    assert previous_step(result, 0, 1, 3) == 4
    assert previous_step(result, 1, 1, 1) is None  # ... of each sequence's own length
    assert previous_step(result, 1, 1, 0) == 1
    first = step_math(result, 1, 0, 1, 1)
    np.testing.assert_array_equal(first.h_prev, result.initial_hidden[1, 1])


def test_a_layer_above_the_first_is_fed_both_directions_of_the_layer_below():
    result = trace(ExplorerConfig(sequences=("abc",), hidden_size=2, num_layers=2,
                                  bidirectional=True))  # fmt: skip
    fed = layer_input(result, 0, 1, 2)
    np.testing.assert_array_equal(fed, np.concatenate([result.hidden[0, 0, 0, 2],
                                                       result.hidden[0, 1, 0, 2]]))  # fmt: skip
    assert step_math(result, 0, 1, 1, 2).gates[0].w_ih.shape == (2, 4)


def test_gates_are_pytorchs_row_blocks_and_the_gru_reset_scales_the_hidden_bias():
    result = trace(ExplorerConfig(sequences=("hello",), cell="gru", hidden_size=3, seed=3))
    math = step_math(result, 0, 0, 0, 2)
    assert [g.name for g in math.gates] == ["reset", "update", "candidate"]
    assert [g.letter for g in math.gates] == ["r", "z", "n"]
    for index, gate in enumerate(math.gates):
        rows = slice(index * 3, (index + 1) * 3)
        np.testing.assert_array_equal(gate.w_ih, result.weights["weight_ih_l0"][rows])
        np.testing.assert_array_equal(gate.b_hh, result.weights["bias_hh_l0"][rows])
    candidate, reset = math.gate("candidate"), math.gate("reset")
    np.testing.assert_array_equal(candidate.reset, reset.value)
    terms = candidate.contributions()
    np.testing.assert_allclose(terms["hidden_bias"], reset.value * candidate.b_hh, atol=1e-7)
    # torch's own functional GRU cell agrees on h_t
    expected = torch.gru_cell(
        torch.from_numpy(math.x)[None], torch.from_numpy(math.h_prev)[None],
        *(torch.from_numpy(result.weights[n]) for n in
          ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")),
    )[0]  # fmt: skip
    close(math.h, expected.numpy())


def test_without_bias_there_are_no_bias_terms():
    result = trace(ExplorerConfig(sequences=("hello",), cell="lstm", bias=False))
    math = step_math(result, 0, 0, 0, 1)
    assert set(math.weight_shapes) == {"weight_ih_l0", "weight_hh_l0"}
    for gate in math.gates:
        assert gate.b_ih is None and gate.b_hh is None
        assert not gate.contributions()["input_bias"].any()


def test_a_trace_that_differs_is_reported():
    result = trace(ExplorerConfig(sequences=("hello",), cell="lstm"))
    assert step_math(result, 0, 0, 0, 3).max_error < TOL
    hidden = result.hidden.copy()
    hidden[0, 0, 0, 3] += np.float32(0.01)  # what a chart would show at that step
    wrong = replace(result, hidden=hidden)
    assert step_math(wrong, 0, 0, 0, 3).max_error == pytest.approx(0.01, rel=1e-3)


@given(hnp.arrays(np.float32, st.integers(1, 40), elements=st.floats(-5, 5, width=32)),
       st.integers(1, 8))  # fmt: skip
def test_top_units_are_the_largest_in_size_largest_first(values, count):
    chosen = top_units(values, count)
    assert len(chosen) == min(count, len(values))
    sizes = np.abs(values[chosen])
    assert (np.diff(sizes) <= 0).all()
    rest = np.delete(np.abs(values), chosen)
    assert rest.size == 0 or rest.max() <= sizes.min()


def test_the_dominant_term_is_the_largest_in_size():
    result = trace(ExplorerConfig(sequences=("hello",), cell="lstm", hidden_size=8, seed=1))
    for gate in step_math(result, 0, 0, 0, 2).gates:
        stacked = np.abs(np.stack([gate.contributions()[name] for name in TERMS]))
        winners = dominant_terms(gate)
        np.testing.assert_array_equal(stacked[winners, np.arange(8)], stacked.max(axis=0))
