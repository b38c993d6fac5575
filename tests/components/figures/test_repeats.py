"""The "Same token, different state" figure on its own: a Trace in, a Plotly spec out,
checked against the trace's arrays and torch functions, and validated by Plotly itself."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch

from components.figures import repeats as rf
from components.figures.parts import DIVERGING_SCALE, MARK
from model.config import ExplorerConfig
from model.lessons.repeats import find_repeats
from model.presets import PRESETS

HELLO = PRESETS["hello"]
HOSTILE = ExplorerConfig(sequences=("<b>x</b> <i>y</i> <b>x</b>", "a & b"), tokens="words")


def validated(spec: dict) -> go.Figure:
    """Plotly's own validation: every property name and value must exist."""
    return go.Figure(spec)


def shape_steps(spec: dict, colour: str) -> list[int]:
    return sorted(
        round((s["x0"] + s["x1"]) / 2) for s in spec["layout"]["shapes"]
        if s["line"]["color"] == colour and s["xref"] == "x"
    )  # fmt: skip


def test_repeats_figure_outlines_the_two_ls_of_hello(traced):
    scene = traced(HELLO)
    report = find_repeats(scene, 0, 0, 0)
    spec = rf.repeats_spec(scene, 0, 0, 0, report, "l", "en")
    validated(spec)
    cells, matrix = spec["data"]
    np.testing.assert_array_equal(cells["z"], scene.hidden[0, 0, 0].T)
    h = torch.from_numpy(scene.hidden[0, 0, 0])
    np.testing.assert_allclose(matrix["z"], torch.cdist(h, h).numpy(), atol=1e-6)
    assert shape_steps(spec, MARK) == [2, 3]
    pairs = {(s["x0"] + 0.5, s["y0"] + 0.5) for s in spec["layout"]["shapes"] if s["xref"] == "x2"}
    assert pairs == {(2, 3), (3, 2)}
    ticks = spec["layout"]["xaxis"]["ticktext"]
    assert ticks[2].startswith("<b>") and ticks[3].startswith("<b>") and "<b>" not in ticks[0]
    assert spec["layout"]["coloraxis"]["colorscale"] == DIVERGING_SCALE
    assert spec["layout"]["coloraxis2"]["cmin"] == 0.0


def test_long_sequences_leave_out_the_distance_matrix(traced):
    text = "ab" * (rf.MAX_MATRIX_STEPS // 2 + 1)
    scene = traced(ExplorerConfig(sequences=(text,), hidden_size=3))
    spec = rf.repeats_spec(scene, 0, 0, 0, find_repeats(scene, 0, 0, 0), "a", "en")
    validated(spec)
    assert [d["type"] for d in spec["data"]] == ["heatmap"]  # no matrix
    # read 61 times: one path with a tick at each step instead of 61 outlines
    (rug,) = spec["layout"]["shapes"]
    ticks = [int(part.split(",")[0]) for part in rug["path"].split("M ")[1:]]
    assert ticks == list(range(0, len(text), 2))


def test_a_token_read_often_gets_outlines_but_no_pair_boxes(traced):
    text = "a" + "xya" * 14  # "a" at 15 steps: outlined columns, too many pairs to outline
    scene = traced(ExplorerConfig(sequences=(text,), hidden_size=2))
    spec = rf.repeats_spec(scene, 0, 0, 0, find_repeats(scene, 0, 0, 0), "a", "en")
    validated(spec)
    assert shape_steps(spec, MARK) == [t for t, ch in enumerate(text) if ch == "a"]
    assert not [s for s in spec["layout"]["shapes"] if s["xref"] == "x2"]
    assert [d["type"] for d in spec["data"]] == ["heatmap", "heatmap"]


def test_user_tokens_are_escaped_in_the_repeats_figure(traced):
    scene = traced(HOSTILE)
    spec = rf.repeats_spec(scene, 0, 0, 0, find_repeats(scene, 0, 0, 0), "<b>x</b>", "en")
    validated(spec)
    assert "&lt;b&gt;x&lt;/b&gt;" in spec["layout"]["title"]["text"]
    everything = str(spec)
    assert "<b>x</b>" not in everything and "<i>" not in everything
