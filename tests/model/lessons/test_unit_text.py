"""Quantities of a trace and unit rankings over a stretch of time, against direct numpy
on the trace's own arrays."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from model.config import ExplorerConfig
from model.lessons.unit_text import quantities, quantity_values, rank_units
from model.trace import trace

pytestmark = pytest.mark.usefixtures("single_thread_torch")

FINITE = st.floats(-3, 3, allow_nan=False, width=32)


def states_with_gaps():
    """(T, H) float32 arrays whose rows are sometimes NaN (not computed)."""
    return st.tuples(st.integers(1, 12), st.integers(1, 6)).flatmap(
        lambda shape: st.tuples(
            hnp.arrays(np.float32, shape, elements=FINITE),
            hnp.arrays(bool, (shape[0],)),
        )
    )


def with_gaps(values: np.ndarray, gaps: np.ndarray) -> np.ndarray:
    values = values.copy()
    values[gaps] = np.nan
    return values


# --- quantities ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "names"),
    [("rnn", ("h",)), ("lstm", ("h", "c", "input", "forget", "candidate", "output")),
     ("gru", ("h", "reset", "update", "candidate"))],
)  # fmt: skip
def test_quantities_name_what_the_trace_holds(cell, names):
    scene = trace(ExplorerConfig(cell=cell, hidden_size=3))
    assert quantities(scene) == names
    assert quantity_values(scene, "h") is scene.hidden
    for name in names[1:]:
        expected = scene.cell if name == "c" else scene.gates[name]
        assert quantity_values(scene, name) is expected
    with pytest.raises(ValueError):
        quantity_values(scene, "c" if cell != "lstm" else "reset")


# --- ranking units over a stretch ------------------------------------------------------


@given(data=states_with_gaps(), start=st.integers(-2, 14), stop=st.integers(-2, 14))
@example(data=(np.zeros((2, 1), dtype=np.float32), np.array([False, False])), start=-2, stop=-2)
def test_ranking_is_the_contrast_inside_versus_outside(data, start, stop):
    values = with_gaps(*data)
    ranking = rank_units(values, start, stop)
    steps = len(values)
    lo, hi = max(0, min(start, stop)), min(steps - 1, max(start, stop))
    computed = np.isfinite(values).all(axis=1)
    inside = computed & (np.arange(steps) >= lo) & (np.arange(steps) <= hi)
    outside = computed & ~inside
    if not inside.any():
        assert ranking is None
        return
    mean_in = values[inside].astype(np.float64).mean(axis=0)
    mean_out = values[outside].astype(np.float64).mean(axis=0) if outside.any() else None
    score = np.abs(mean_in - mean_out) if mean_out is not None else np.abs(mean_in)
    assert sorted(ranking.units.tolist()) == list(range(values.shape[1]))
    np.testing.assert_allclose(ranking.score, score[ranking.units], atol=1e-9)
    np.testing.assert_allclose(ranking.inside, mean_in[ranking.units], atol=1e-9)
    assert ranking.has_outside == (mean_out is not None)
    if mean_out is not None:
        np.testing.assert_allclose(ranking.outside, mean_out[ranking.units], atol=1e-9)
    assert (np.diff(ranking.score) <= 1e-12).all()  # best first
    assert (ranking.start, ranking.stop) == (lo, hi)


def test_ranking_finds_the_unit_that_switches_on_inside_the_stretch():
    values = np.zeros((8, 4), dtype=np.float32)
    values[:, 0] = 0.9  # always on: not specific to the stretch
    values[3:6, 2] = 0.8  # on exactly inside steps 3..5
    values[3:6, 3] = -0.5  # off inside (a negative contrast also counts)
    ranking = rank_units(values, 3, 5)
    assert ranking.units.tolist() == [2, 3, 0, 1]
    assert ranking.score[0] == pytest.approx(0.8) and ranking.score[2] == pytest.approx(0.0)


def test_ranking_of_a_real_trace_uses_the_gate_values():
    scene = trace(ExplorerConfig(sequences=("hello",), cell="lstm", hidden_size=4))
    forget = quantity_values(scene, "forget")[0, 0, 0]  # (T, H)
    ranking = rank_units(forget, 1, 2)
    expected = np.abs(forget[1:3].mean(0, dtype=np.float64) - forget[[0, 3, 4]].mean(0))
    assert ranking.units[0] == int(np.argmax(expected))
    np.testing.assert_allclose(np.sort(ranking.score)[::-1], np.sort(expected)[::-1], atol=1e-7)
