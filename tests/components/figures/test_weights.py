"""The "Shared weights" figures on their own: a Trace in, a Plotly spec out, inspected as
data. Every matrix is compared with a torch.nn module built as a notebook would build it;
the unrolled diagram shows the same W_ih and W_hh at every step."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from torch import nn

from components.charting import binary
from components.figures import weights as wf
from components.figures.unrolled import (
    CELL_FILL,
    INPUT_FILL,
    MAX_DRAWN,
    UNUSED_FILL,
    W_HH_COLOUR,
    W_IH_COLOUR,
)
from components.i18n import t
from model.config import ExplorerConfig
from model.presets import PRESETS

LSTM_2_BI = ExplorerConfig(
    sequences=("hello", "hi"), cell="lstm", hidden_size=3, num_layers=2, bidirectional=True
)
MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def student_module(config: ExplorerConfig, input_size: int) -> nn.RNNBase:
    torch.manual_seed(config.seed)
    return MODULES[config.cell](
        input_size, config.hidden_size, num_layers=config.num_layers, bias=config.bias,
        batch_first=config.batch_first, bidirectional=config.bidirectional,
    )  # fmt: skip


def valid(spec: dict) -> dict:
    """The spec as the browser gets it; Plotly's own validator must accept it."""
    go.Figure(binary(spec))
    json.dumps(binary(spec), default=str)
    return spec


def texts(spec: dict) -> list[str]:
    return [note["text"] for note in spec["layout"]["annotations"]]


@pytest.mark.parametrize(("layer", "direction"), [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_heatmaps_are_the_modules_parameters(traced, layer, direction):
    trace = traced(LSTM_2_BI)
    module = student_module(LSTM_2_BI, len(trace.encoded.vocab))
    spec = valid(wf.weights_spec(trace, layer, direction, "en"))
    suffix = f"_l{layer}" + ("_reverse" if direction else "")
    expected = [getattr(module, name + suffix).detach().numpy()
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]  # fmt: skip
    shown = [np.asarray(trace_["z"]) for trace_ in spec["data"]]
    assert len(shown) == 4
    for values, reference in zip(shown, expected, strict=True):
        np.testing.assert_array_equal(values, reference.reshape(values.shape))
    largest = max(float(np.abs(p).max()) for p in expected)
    axis = spec["layout"]["coloraxis"]
    assert axis["cmin"] == -axis["cmax"] and axis["cmax"] == pytest.approx(largest)
    assert "not bounded" in axis["colorbar"]["title"]["text"]
    titles = " ".join(texts(spec))
    assert f"weight_ih{suffix}" in titles and f"weight_hh{suffix}" in titles
    assert f"({12}, {5 if layer == 0 else 6})" in titles and "(12,)" in titles
    assert len(spec["layout"]["shapes"]) == 3  # lines between the 4 gate blocks
    assert spec["layout"]["yaxis"]["ticktext"][0] == t("weights_gate_input", "en")


def test_one_hot_columns_are_the_vocabulary(traced):
    trace = traced(PRESETS["lecture"])
    spec = valid(wf.weights_spec(trace, 0, 0, "en"))
    assert spec["layout"]["xaxis"]["ticktext"] == ["h", "e", "l", "o"]
    assert spec["layout"]["xaxis2"]["ticktext"] == ["h[0]", "h[1]"]
    assert spec["layout"]["yaxis"]["ticktext"] == ["h[0]", "h[1]"]  # RNN: rows are units
    assert "texttemplate" in spec["data"][0]  # small enough to write every weight


def test_without_bias_only_the_two_matrices(traced):
    config = PRESETS["lecture"].with_changes(bias=False)
    module = student_module(config, 4)
    spec = valid(wf.weights_spec(traced(config), 0, 0, "en"))
    assert [d["name"] for d in spec["data"]] == ["W_ih", "W_hh"]
    np.testing.assert_array_equal(spec["data"][1]["z"], module.weight_hh_l0.detach().numpy())


def test_a_large_layer_draws_the_first_units_of_each_gate(traced):
    hidden = wf.MAX_WEIGHT_UNITS + 4
    config = ExplorerConfig(sequences=("hello",), cell="gru", hidden_size=hidden)
    trace = traced(config)
    assert wf.weights_cut(trace, 0) and not wf.weights_cut(traced(PRESETS["lecture"]), 0)
    spec = valid(wf.weights_spec(trace, 0, 0, "en"))
    w_hh = trace.weights["weight_hh_l0"]
    units = wf.MAX_WEIGHT_UNITS
    rows = [gate * hidden + u for gate in range(3) for u in range(units)]
    np.testing.assert_array_equal(spec["data"][1]["z"], w_hh[rows, : units + 4])
    assert spec["layout"]["coloraxis"]["cmax"] == pytest.approx(
        max(float(np.abs(trace.weights[n]).max()) for n in trace.weights)
    )


def test_embedding_and_numbers_label_their_features(traced):
    spec = wf.weights_spec(traced(PRESETS["sentence"]), 0, 0, "en")
    assert spec["layout"]["xaxis"]["title"]["text"] == t("weights_columns_embedding", "en")
    spec = wf.weights_spec(traced(PRESETS["sine"]), 0, 0, "en")
    assert spec["layout"]["xaxis"]["title"]["text"] == t("weights_columns_numbers", "en")


def test_korean_labels(traced):
    spec = wf.weights_spec(traced(LSTM_2_BI), 0, 1, "ko")
    assert "역방향" in spec["layout"]["title"]["text"]
    assert spec["layout"]["yaxis"]["ticktext"][1] == "망각 게이트 f"
    assert spec["layout"]["coloraxis"]["colorbar"]["title"]["text"] == t("weights_colorbar", "ko")


def test_user_tokens_never_reach_plotly_as_markup(traced):
    config = ExplorerConfig(sequences=("<b>x</b> <i>y</i>",), tokens="words", hidden_size=2)
    shown = json.dumps(binary(wf.weights_spec(traced(config), 0, 0, "en")), default=str)
    assert "<b>x" not in shown and "<i>" not in shown


# --- the unrolled network with its shared weights -------------------------------------------


def rects(spec: dict, fill: str) -> list[dict]:
    return [s for s in spec["layout"]["shapes"] if s["type"] == "rect" and s["fillcolor"] == fill]


def arrows(spec: dict, colour: str) -> list[dict]:
    notes = spec["layout"]["annotations"]
    return [n for n in notes if n.get("showarrow") and n.get("arrowcolor") == colour]


def test_every_step_shows_the_same_w_ih_and_w_hh(traced):
    trace = traced(PRESETS["lecture"])  # sequence 1 as PyTorch read it: h, e, l
    spec = valid(wf.shared_weights_spec(trace, 0, 0, 0, "en"))
    notes = spec["layout"]["annotations"]
    tags = [n for n in notes if n.get("bgcolor")]
    w_ih = [n for n in tags if n["text"] == "W<sub>ih</sub>"]
    w_hh = [n for n in tags if n["text"] == "W<sub>hh</sub>"]
    assert len(w_ih) == 3 and len(w_hh) == 2  # one per input; one per step-to-step arrow
    assert {n["bgcolor"] for n in w_ih} == {W_IH_COLOUR}
    assert {n["bgcolor"] for n in w_hh} == {W_HH_COLOUR}
    assert len(rects(spec, INPUT_FILL)) == len(rects(spec, CELL_FILL)) == 3
    assert [x for x in texts(spec) if x in ("h", "e", "l")] == ["h", "e", "l"]  # tokens, in order
    steps = arrows(spec, W_HH_COLOUR)  # initial state -> h0 -> h1 -> h2
    assert len(steps) == 3 and all(a["x"] > a["ax"] for a in steps)
    assert spec["layout"]["title"]["text"].startswith("Unrolled over sequence 1")


def test_the_reverse_direction_runs_right_to_left(traced):
    trace = traced(LSTM_2_BI)
    spec = valid(wf.shared_weights_spec(trace, 0, 1, 1, "en"))
    steps = arrows(spec, W_HH_COLOUR)
    assert len(steps) == 5 and all(a["x"] < a["ax"] for a in steps)
    (start,) = rects(spec, UNUSED_FILL)  # the initial state enters at the right
    assert start["x0"] > max(r["x0"] for r in rects(spec, CELL_FILL))
    assert "layer 2 · reverse" in spec["layout"]["title"]["text"]
    rows = spec["layout"]["yaxis"]["ticktext"]
    assert rows[0] == t("weights_unrolled_row_below", "en")  # layer 2 reads layer 1's h_t


def test_a_long_sequence_is_drawn_with_its_gap(traced):
    config = ExplorerConfig(sequences=("abcdefghijklmnopqrst",), hidden_size=2)
    spec = valid(wf.shared_weights_spec(traced(config), 0, 0, 0, "en"))
    assert len(rects(spec, INPUT_FILL)) == MAX_DRAWN - 1
    assert texts(spec).count("…") == 2  # the gap, in both rows
    assert "t = 19" in texts(spec) and "t = 6" not in texts(spec)


def test_user_tokens_never_reach_the_unrolled_diagram_as_markup(traced):
    config = ExplorerConfig(sequences=("<b>x</b> <i>y</i>",), tokens="words", hidden_size=2)
    spec = wf.shared_weights_spec(traced(config), 0, 0, 0, "en")
    shown = json.dumps(binary(spec), default=str)
    assert "<b>x" not in shown and "<i>" not in shown
