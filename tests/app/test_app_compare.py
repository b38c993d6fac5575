"""The tabs "RNN · LSTM · GRU" and "Why recurrence" through AppTest. Expected values come
from plain torch.nn modules built as a notebook builds them, or from the backend (itself
tested against torch.nn in tests/model)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from components.i18n import t
from model.config import ExplorerConfig
from model.encoding import encode
from model.lessons.order import order_run
from model.presets import PRESETS
from model.trace import trace, trace_model
from model.training.config import TrainConfig
from model.training.network import built_model_for
from model.training.run import train_to_end

LETTERS = {"h": [1, 0, 0, 0], "e": [0, 1, 0, 0], "l": [0, 0, 1, 0], "o": [0, 0, 0, 1]}
MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
TRAIN = "FormSubmitter:main_train_form-Train"


def notebook_outputs(cell: str, words: list[str], **options) -> torch.Tensor:
    """torch.manual_seed(0), the module by name, the lecture's one-hot input."""
    torch.manual_seed(0)
    module = MODULES[cell](4, 2, **options)
    with torch.no_grad():
        outputs, _ = module(torch.Tensor([[LETTERS[c] for c in word] for word in words]))
    return outputs


def test_cells_side_by_side_are_torch_nn_on_the_lecture_input(page):
    page.open("tab_compare")
    maps = page.heatmaps("compare_cells_chart")
    assert len(maps) == 3
    for heat, cell in zip(maps, ("rnn", "lstm", "gru"), strict=True):
        outputs = notebook_outputs(cell, ["hello", "eolll", "lleel"])  # read as (3, 5, 4)
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
    assert t("cmp_one_sequence", "en") in infos and t("cmp_layers_single", "en") in infos
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


def test_hello_and_a_shuffle_through_the_same_rnn_beside_the_feedforward(make_app):
    page = make_app({"preset": "hello"}).open("tab_order")
    rnn_original, ff_original, rnn_shuffled, ff_shuffled = page.heatmaps("order_chart")
    np.testing.assert_allclose(
        rnn_original, notebook_outputs("rnn", ["hello"], batch_first=True)[0].T, atol=1e-6
    )
    run = order_run(trace(PRESETS["hello"]), 0, 0)
    shuffled = "".join(run.shuffled_tokens)
    assert sorted(shuffled) == sorted("hello") and shuffled != "hello"
    np.testing.assert_allclose(
        rnn_shuffled, notebook_outputs("rnn", [shuffled], batch_first=True)[0].T, atol=1e-6
    )
    np.testing.assert_allclose(ff_original, run.feedforward.T, atol=1e-6)
    np.testing.assert_allclose(ff_shuffled, run.shuffled_feedforward.T, atol=1e-6)
    assert f"`hello` · shuffled: `{shuffled}`" in " ".join(page.bodies("markdown"))
    (code,) = page.at.code
    assert "ff = torch.nn.Linear(4 + 1, 2)" in code.value
    metrics = {m.label: m.value for m in page.at.metric}
    distance = metrics[t("order_rnn_distance", "en", cell="RNN")]
    assert float(distance) == pytest.approx(float(run.final_distance[0]), abs=1e-4)


def test_another_order_draws_a_new_shuffle_and_keeps_it(make_app):
    page = make_app({"preset": "hello"}).open("tab_order")
    before = page.heatmaps("order_chart")[2]
    page.at.button(key="order_shuffle").click()
    page.run()
    run = order_run(trace(PRESETS["hello"]), 0, 1)
    after = page.heatmaps("order_chart")
    np.testing.assert_allclose(after[2], run.shuffled_hidden[0, 0].T, atol=1e-6)
    assert not np.allclose(after[2], before)
    page.run()  # a rerun that presses nothing keeps the order drawn
    np.testing.assert_allclose(page.heatmaps("order_chart")[2], after[2])


def test_a_sequence_of_one_repeated_token_cannot_be_shuffled(make_app):
    page = make_app({"seq": "aaaa"}).open("tab_order")
    assert t("order_all_same", "en") in page.bodies("info")
    assert page.at.button(key="order_shuffle").disabled


def test_trained_weights_are_shuffled_too_and_the_compare_tab_says_its_cells_are_untrained(
    make_app,
):
    config = PRESETS["hihello"]
    page = make_app({"preset": "hihello"})
    (button,) = [b for b in page.at.button if b.key == TRAIN]
    button.click()
    page.run()
    weights = train_to_end(config, TrainConfig()).weights
    encoded = encode(config)
    module = built_model_for(config, weights, encoded).rnn
    page.open("tab_order")
    run = order_run(trace_model(config, encoded, built_model_for(config, weights, encoded)), 0, 0)
    x = torch.from_numpy(trace(config).inputs[0][run.order])[None]
    with torch.no_grad():
        outputs, _ = module(x)
    np.testing.assert_allclose(page.heatmaps("order_chart")[2], outputs[0].numpy().T, atol=1e-5)
    assert t("order_code_trained", "en", cell="RNN") in page.bodies("caption")
    page.open("tab_compare")
    assert t("cmp_trained", "en") in page.bodies("info")


def test_the_lecture_column_and_a_shuffle_that_keeps_no_token_in_place(page):
    page.open("tab_order")  # the lecture: sequence 1 as read is the column h, e, l
    run = order_run(trace(PRESETS["lecture"]), 0, 0)
    assert run.tokens == ("h", "e", "l") and not run.same_step.any()
    assert t("order_none_kept", "en") in page.bodies("caption")
    assert page.charts()["order_chart"]["layout"]["shapes"] == []
    outputs = notebook_outputs("rnn", ["hello", "eolll", "lleel"])  # read as (3, 5, 4)
    np.testing.assert_allclose(page.heatmaps("order_chart")[0], outputs[:, 0].numpy().T, atol=1e-6)
    (code,) = page.at.code
    assert "x = input_data[:, 0].detach()" in code.value  # batch_first off: a column
