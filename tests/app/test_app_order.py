"""The "Why recurrence" tab through AppTest. Expected values come from plain torch.nn
modules built as a notebook builds them, or from the backend (itself tested against
torch.nn in tests/model)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from components.i18n import t
from model.encoding import encode
from model.lessons.order import order_run
from model.presets import PRESETS
from model.trace import trace, trace_model
from model.training.config import TrainConfig
from model.training.network import built_model_for
from model.training.run import train_to_end
from tests.support.reference import lecture_outputs

TRAIN = "FormSubmitter:main_train_form-Train"


def test_hello_and_a_shuffle_through_the_same_rnn_beside_the_feedforward(make_app):
    page = make_app({"preset": "hello"}).open("tab_order")
    rnn_original, ff_original, rnn_shuffled, ff_shuffled = page.heatmaps("order_chart")
    np.testing.assert_allclose(
        rnn_original, lecture_outputs("rnn", ["hello"], batch_first=True)[0].T, atol=1e-6
    )
    run = order_run(trace(PRESETS["hello"]), 0, 0)
    shuffled = "".join(run.shuffled_tokens)
    assert sorted(shuffled) == sorted("hello") and shuffled != "hello"
    np.testing.assert_allclose(
        rnn_shuffled, lecture_outputs("rnn", [shuffled], batch_first=True)[0].T, atol=1e-6
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
    assert t("compare_trained", "en") in page.bodies("info")


def test_the_lecture_column_and_a_shuffle_that_keeps_no_token_in_place(page):
    page.open("tab_order")  # the lecture: sequence 1 as read is the column h, e, l
    run = order_run(trace(PRESETS["lecture"]), 0, 0)
    assert run.tokens == ("h", "e", "l") and not run.same_step.any()
    assert t("order_none_kept", "en") in page.bodies("caption")
    assert page.charts()["order_chart"]["layout"]["shapes"] == []
    outputs = lecture_outputs("rnn", ["hello", "eolll", "lleel"])  # read as (3, 5, 4)
    np.testing.assert_allclose(page.heatmaps("order_chart")[0], outputs[:, 0].numpy().T, atol=1e-6)
    (code,) = page.at.code
    assert "x = input_data[:, 0].detach()" in code.value  # batch_first off: a column
