"""The "RNN · LSTM · GRU" tab through AppTest. Expected values come from plain torch.nn
modules built as a notebook builds them, or from the backend (itself tested against
torch.nn in tests/model)."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from components.i18n import t
from model.config import ExplorerConfig
from model.presets import PRESETS
from model.trace import trace
from tests.support.reference import MODULES, lecture_outputs


def test_cells_side_by_side_are_torch_nn_on_the_lecture_input(page):
    page.open("tab_compare")
    maps = page.heatmaps("compare_cells_chart")
    assert len(maps) == 3
    for heat, cell in zip(maps, ("rnn", "lstm", "gru"), strict=True):
        outputs = lecture_outputs(cell, ["hello", "eolll", "lleel"])  # read as (3, 5, 4)
        np.testing.assert_allclose(heat, outputs[:, 0].numpy().T, atol=1e-6)
    spec = page.charts()["compare_cells_chart"]
    assert (spec["layout"]["coloraxis"]["cmin"], spec["layout"]["coloraxis"]["cmax"]) == (-1, 1)


def test_costs_are_torch_parameter_counts_and_a_measured_time(page, ref):
    page.open("tab_compare")
    params, millis = page.charts()["compare_costs_chart"]["data"]
    expected = [sum(p.numel() for p in MODULES[c](4, 2).parameters()) for c in MODULES]
    assert ref.decode(params["x"]).tolist() == expected == [16, 64, 48]
    assert (ref.decode(millis["x"]) > 0).all()
    captions = " ".join(page.bodies("caption"))
    assert "measured on the server" in captions and "an LSTM 4 (i, f, g, o)" in captions


def test_the_same_cell_on_two_chosen_sequences(page):
    page.open("tab_compare")
    scene = trace(PRESETS["lecture"])
    first, second = page.heatmaps("compare_pair_chart")
    np.testing.assert_allclose(first, scene.hidden[0, 0, 0].T, atol=1e-6)
    np.testing.assert_allclose(second, scene.hidden[0, 0, 1].T, atol=1e-6)
    options = page.widget("compare_seq_b").options
    page.set(compare_seq_a=options[4], compare_seq_b=options[3])
    first, second = page.heatmaps("compare_pair_chart")
    np.testing.assert_allclose(first, scene.hidden[0, 0, 4].T, atol=1e-6)
    np.testing.assert_allclose(second, scene.hidden[0, 0, 3].T, atol=1e-6)


def test_one_sequence_and_one_layer_say_what_to_change(make_app):
    page = make_app({"preset": "hello"}).open("tab_compare")
    infos = page.bodies("info")
    assert t("compare_one_sequence", "en") in infos and t("compare_layers_single", "en") in infos
    assert "compare_pair_chart" not in page.charts()
    assert "compare_layers_chart" not in page.charts()


def test_every_layer_and_direction_of_a_deep_bidirectional_lstm(make_app):
    query = {"seq": ["hello", "help"], "cell": "lstm", "layers": "2", "bidirectional": "1"}
    page = make_app(query).open("tab_compare")
    config = ExplorerConfig(
        sequences=("hello", "help"), cell="lstm", num_layers=2, bidirectional=True
    )
    scene = trace(config)
    maps = page.heatmaps("compare_layers_chart")
    assert len(maps) == 4
    for heat, (layer, d) in zip(maps, [(0, 0), (0, 1), (1, 0), (1, 1)], strict=True):
        np.testing.assert_allclose(heat, scene.hidden[layer, d, 0].T, atol=1e-6)
    torch.manual_seed(0)
    lstm = nn.LSTM(5, 2, num_layers=2, bidirectional=True, batch_first=True)
    x = nn.functional.one_hot(torch.tensor([0, 1, 2, 2, 3]), 5).float()[None]
    with torch.no_grad():
        outputs, _ = lstm(x)  # the top layer: forward then reverse units
    np.testing.assert_allclose(maps[2], outputs[0, :, :2].numpy().T, atol=1e-6)
    np.testing.assert_allclose(maps[3], outputs[0, :, 2:].numpy().T, atol=1e-6)


def test_a_cell_that_cannot_run_the_scene_is_named_and_the_others_shown(make_app):
    # the LSTM scene runs; the ReLU RNN on the same input overflows float32
    query = {"seq": "a" * 1000, "cell": "lstm", "nonlinearity": "relu", "seed": "845"}
    page = make_app(query).open("tab_compare")
    warnings = " ".join(page.bodies("warning"))
    assert "RNN cannot run this scene" in warnings and "float32" in warnings
    assert len(page.heatmaps("compare_cells_chart")) == 2
