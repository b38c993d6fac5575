"""The "Gates & cell state" figure on its own: every panel is the trace's gate or cell
state, on one colour scale, with one cursor per panel, moved by the stepper."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from components.figures.gates import gates_figure, gates_spec
from components.figures.timeline import WINDOW_STEPS
from model.config import ExplorerConfig
from model.presets import PRESETS
from tests.components.figures.figure_checks import check_cursor, heatmaps


def test_rnn_has_no_gates_figure(traced):
    assert gates_figure(traced(PRESETS["lecture"]), 0, 0, 0) is None


@pytest.mark.parametrize(
    ("cell", "titles"),
    [
        ("lstm", ["cell state c", "input gate i", "forget gate f", "candidate g", "output gate o"]),
        ("gru", ["reset gate r", "update gate z", "candidate n"]),
    ],
)
def test_gates_figure_panels_equal_the_trace(cell, titles, traced):
    config = ExplorerConfig(
        sequences=("hello", "hi"), cell=cell, hidden_size=3, num_layers=2, bidirectional=True
    )
    result = traced(config)
    seq, layer, direction = 1, 1, 1
    figure = gates_figure(result, seq, layer, direction)
    panels = heatmaps(figure)
    assert len(panels) == len(titles)
    assert [a.text for a in figure.layout.annotations][: len(titles)] == titles
    expected = ([result.cell] if cell == "lstm" else []) + list(result.gates.values())
    for panel, values in zip(panels, expected, strict=True):
        z = np.asarray(panel.z)
        assert z.dtype == np.float32
        np.testing.assert_array_equal(z, values[layer, direction, seq].T)
        assert panel.coloraxis == "coloraxis"
    axis = figure.layout.coloraxis
    assert (axis.cmin, axis.cmax) == (-1, 1)
    assert axis.colorscale == go.layout.Coloraxis(colorscale="RdBu_r").colorscale
    meta = check_cursor(gates_spec(result, seq, layer, direction), steps=5, cursors=len(titles))
    assert meta["window_axes"] == []  # five steps: no window to pan
    assert "layer 2" in figure.layout.title.text and "reverse" in figure.layout.title.text


def test_long_sequences_open_on_a_window_that_pans(traced):
    steps = WINDOW_STEPS + 51
    line = " ".join(f"{math.sin(t / 5):.2f}" for t in range(steps))
    config = ExplorerConfig(sequences=(line,), tokens="numbers", cell="gru", hidden_size=2)
    spec = gates_spec(traced(config), 0, 0, 0)
    meta = check_cursor(spec, steps, cursors=3)  # reset, update, candidate
    assert meta["window_axes"] == ["xaxis"]
    layout = spec["layout"]
    assert layout["xaxis"]["range"] == [-0.5, WINDOW_STEPS - 0.5]
    assert layout["dragmode"] == "pan"
    assert [np.asarray(h["z"]).shape[1] for h in spec["data"]] == [steps] * 3  # all drawn
