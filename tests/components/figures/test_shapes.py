"""The batch_first pitfall figure on its own: the grid as typed beside the grid PyTorch
read, each read sequence one column of what was typed."""

from __future__ import annotations

import plotly.graph_objects as go

from components.figures.shapes import grid_fits, pitfall_spec
from model.presets import PRESETS


def test_the_lecture_typed_three_words_and_pytorch_read_five_columns(traced):
    scene = traced(PRESETS["lecture"])  # hello, eolll, lleel with batch_first off
    assert grid_fits(scene)
    spec = pitfall_spec(scene, "en")
    go.Figure(spec)  # Plotly accepts it
    typed, read = spec["data"]
    assert ["".join(row) for row in typed["text"]] == ["hello", "eolll", "lleel"]
    assert ["".join(row) for row in read["text"]] == ["hel", "eol", "lle", "lle", "oll"]
    assert typed["xaxis"] == "x" and read["xaxis"] == "x2"
