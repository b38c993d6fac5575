"""The names a chart carries out of the page: its PNG file and its download config."""

from __future__ import annotations

import json

from components.figures import names
from model.config import ExplorerConfig
from model.presets import PRESETS


def test_png_filename_says_cell_size_sequence_layer_direction(traced):
    config = ExplorerConfig(
        sequences=("hello", "hi"), cell="lstm", hidden_size=3, num_layers=2, bidirectional=True
    )
    result = traced(config)
    assert names.png_filename("hidden-state", result, 1, 1, 1) == (
        "hidden-state_lstm_h3_seq2_layer2_reverse"
    )
    assert names.png_filename("gates", result, 0, 0, 0) == "gates_lstm_h3_seq1_layer1_forward"
    single = traced(PRESETS["lecture"])
    assert names.png_filename("hidden-state", single, 4, 0, 0) == "hidden-state_rnn_h2_seq5"
    assert names.png_filename("weights", result, None, 1, 0) == "weights_lstm_h3_layer2_forward"


def test_chart_config_names_the_png():
    config = names.chart_config("hidden-state_gru_h3_seq1")
    assert config["toImageButtonOptions"]["filename"] == "hidden-state_gru_h3_seq1"
    assert config["toImageButtonOptions"]["format"] == "png"
    assert config["displaylogo"] is False
    json.dumps(config)  # it travels to the browser as JSON
