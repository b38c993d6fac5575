"""The "RNN · LSTM · GRU" figures: what each panel holds comes from the backend (the Trace,
the cell comparison), on one colour scale, with tokens on the time axes."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from torch import nn

from components.figures import compare as cf
from components.i18n import t
from model.config import ExplorerConfig
from model.presets import PRESETS
from tests.components.figures.figure_checks import (
    DEEP,
    check_layout,
    compared,
    spec_heatmaps,
    titles,
)

LECTURE = PRESETS["lecture"]


def test_cells_side_by_side_show_each_cells_states_on_one_scale(traced):
    scene = traced(DEEP)
    comparison = compared(DEEP)
    spec = cf.cells_spec(comparison, scene, 1, 1, 1)
    check_layout(spec)
    maps = spec_heatmaps(spec)
    assert len(maps) == 3
    for heat, run in zip(maps, comparison.runs, strict=True):
        np.testing.assert_array_equal(heat["z"], run.hidden[1, 1, 1].T)
        assert heat["coloraxis"] == "coloraxis"
    layout = spec["layout"]
    assert (layout["coloraxis"]["cmin"], layout["coloraxis"]["cmax"]) == (-1.0, 1.0)
    assert layout["xaxis2"]["matches"] == "x" and layout["yaxis3"]["matches"] == "y"
    assert layout["xaxis"]["ticktext"][0].startswith("h")
    assert "layer 2" in layout["title"]["text"] and "reverse" in layout["title"]["text"]


def test_cell_titles_carry_torch_parameter_counts(traced):
    spec = cf.cells_spec(compared(LECTURE), traced(LECTURE), 0, 0, 0)
    counts = [
        sum(p.numel() for p in module(4, 2).parameters()) for module in (nn.RNN, nn.LSTM, nn.GRU)
    ]
    shown = titles(spec)
    for name, count in zip(("RNN", "LSTM", "GRU"), counts, strict=True):
        assert f"{name} · {count:,} parameters" in shown


def test_a_cell_that_cannot_run_gets_an_empty_panel_with_a_note(traced):
    # An LSTM scene whose ReLU RNN counterpart overflows float32 (see tests/model/test_trace.py)
    config = ExplorerConfig(
        sequences=("a" * 1000,), nonlinearity="relu", hidden_size=2, seed=845, cell="lstm"
    )
    comparison = compared(config)
    spec = cf.cells_spec(comparison, traced(config), 0, 0, 0)
    assert len(spec_heatmaps(spec)) == 2  # LSTM and GRU
    assert any("cannot run" in text for text in titles(spec))
    assert spec["layout"]["xaxis"]["visible"] is False  # the RNN's panel
    assert "ticktext" not in spec["layout"]["xaxis2"]  # 1000 steps: numbers, hover for tokens


def test_relu_values_beyond_one_widen_the_shared_scale(traced):
    config = ExplorerConfig(sequences=("0 3 9 27",), tokens="numbers", nonlinearity="relu")
    spec = cf.cells_spec(compared(config), traced(config), 0, 0, 0)
    largest = float(np.nanmax(np.abs(compared(config).run("rnn").hidden)))
    axis = spec["layout"]["coloraxis"]
    assert largest > 1 and axis["cmax"] == pytest.approx(largest) and axis["cmin"] == -axis["cmax"]


def test_costs_are_the_backends_numbers():
    comparison = compared(LECTURE)
    spec = cf.costs_spec(comparison)
    go.Figure(spec)
    params, millis = spec["data"]
    assert params["y"] == ["RNN", "LSTM", "GRU"]
    assert params["x"].tolist() == [run.parameters for run in comparison.runs]
    np.testing.assert_allclose(millis["x"], [run.seconds * 1000 for run in comparison.runs])
    assert all(text.endswith(" ms") for text in millis["text"])


def test_two_sequences_side_by_side(traced):
    scene = traced(DEEP)
    spec = cf.pair_spec(scene, (1, 0), 1, 0)
    check_layout(spec)
    maps = spec_heatmaps(spec)
    np.testing.assert_array_equal(maps[0]["z"], scene.hidden[1, 0, 1].T)
    np.testing.assert_array_equal(maps[1]["z"], scene.hidden[1, 0, 0].T)
    assert titles(spec)[:2] == ["sequence 2", "sequence 1"]
    assert np.isnan(maps[0]["z"][:, 4]).all()  # "help" is packed: step 4 never computed


def test_every_layer_and_direction_at_once(traced):
    scene = traced(DEEP)
    spec = cf.layers_spec(scene, 0)
    check_layout(spec)
    maps = spec_heatmaps(spec)
    expected = [(layer, d) for layer in range(2) for d in range(2)]
    for heat, (layer, d) in zip(maps, expected, strict=True):
        np.testing.assert_array_equal(heat["z"], scene.hidden[layer, d, 0].T)
    assert titles(spec)[:4] == [
        "layer 1 · forward", "layer 1 · reverse", "layer 2 · forward", "layer 2 · reverse",
    ]  # fmt: skip
    top_row = spec["layout"]["yaxis"]["domain"]
    assert spec["layout"]["yaxis2"]["domain"] == top_row
    assert spec["layout"]["yaxis3"]["domain"][1] < top_row[0]  # layer 2 below layer 1


def test_row_height_grows_with_units_within_limits():
    assert cf.row_height(1) == cf.row_height(2) >= 150
    assert cf.row_height(8) > cf.row_height(2)
    assert cf.row_height(512) <= 320


def test_korean_labels_come_from_the_table(traced):
    scene = traced(DEEP)
    cells = cf.cells_spec(compared(DEEP), scene, 0, 1, 1, "ko")
    layout = cells["layout"]
    assert layout["title"]["text"].startswith(t("compare_fig_cells", "ko"))
    assert t("fig_layer_n", "ko", n=2) in layout["title"]["text"]
    assert t("direction_reverse", "ko") in layout["title"]["text"]
    assert layout["yaxis"]["title"]["text"] == t("fig_hidden_unit", "ko")
    assert layout["xaxis"]["title"]["text"] == t("fig_time_token", "ko")
    assert layout["coloraxis"]["colorbar"]["title"]["text"] == t("fig_value", "ko")
    lstm = next(run for run in compared(DEEP).runs if run.cell == "lstm")
    count = t("compare_fig_parameters", "ko", n=f"{lstm.parameters:,}")
    assert f"LSTM · {count}" in titles(cells)
    assert t("fig_value", "ko") in spec_heatmaps(cells)[0]["hovertemplate"]
    costs = cf.costs_spec(compared(DEEP), "ko")["layout"]
    assert costs["xaxis2"]["title"]["text"] == t("compare_fig_time_axis", "ko")
    assert titles(cf.layers_spec(scene, 0, "ko"))[1] == " · ".join(
        (t("fig_layer_n", "ko", n=1), t("direction_reverse", "ko"))
    )
