"""The "Shared weights" tab through AppTest, compared with plain torch.nn modules built the
way the lecture's notebook builds them."""

from __future__ import annotations

import re

import numpy as np
import pytest
from torch import nn

from components.i18n import t
from tests.support.reference import lecture_module


def shown_count(page) -> int:
    """The whole module's parameter count, as the page writes it."""
    line = next(b for b in page.bodies("markdown") if "rnn.parameters()" in b)
    return int(re.search(r"\*\*([\d,]+) parameters\*\*", line).group(1).replace(",", ""))


def test_weights_tab_shows_the_lecture_modules_parameters(page):
    page.open("tab_weights")
    charts = page.charts()
    assert {"weights_unrolled_chart", "weights_chart"} <= set(charts)
    rnn = lecture_module()
    shown = page.heatmaps("weights_chart")
    expected = [rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0]
    assert len(shown) == 4
    for values, parameter in zip(shown, expected, strict=True):
        np.testing.assert_array_equal(values, parameter.detach().numpy().reshape(values.shape))
    assert shown_count(page) == sum(p.numel() for p in rnn.parameters()) == 16
    assert t("weights_caption_onehot", "en") in page.bodies("caption")
    layout = charts["weights_chart"]["layout"]
    assert layout["xaxis"]["ticktext"] == ["h", "e", "l", "o"]
    unrolled = charts["weights_unrolled_chart"]["layout"]
    tags = [note["text"] for note in unrolled["annotations"] if note.get("bgcolor")]
    assert tags.count("W<sub>ih</sub>") == 3 and tags.count("W<sub>hh</sub>") == 2
    assert any(t("weights_any_length", "en") == body for body in page.bodies("markdown"))


def test_weights_follow_layer_and_direction(page):
    page.set(main_cell="lstm", main_num_layers=2, main_bidirectional=True, main_hidden_size=3)
    page.set(main_view_layer=1, main_view_dir=1)
    page.open("tab_weights")
    lstm = lecture_module(nn.LSTM, 3, num_layers=2, bidirectional=True)
    shown = page.heatmaps("weights_chart")
    np.testing.assert_array_equal(shown[0], lstm.weight_ih_l1_reverse.detach().numpy())
    np.testing.assert_array_equal(shown[1], lstm.weight_hh_l1_reverse.detach().numpy())
    assert shown_count(page) == sum(p.numel() for p in lstm.parameters())
    spec = page.charts()["weights_chart"]
    assert "layer 2 · reverse" in spec["layout"]["title"]["text"]
    assert "weight_ih_l1_reverse" in " ".join(n["text"] for n in spec["layout"]["annotations"])
    largest = max(float(p.detach().abs().max()) for n, p in lstm.named_parameters()
                  if n.endswith("_l1_reverse"))  # fmt: skip
    assert spec["layout"]["coloraxis"]["cmax"] == pytest.approx(largest)
    gates = t("weights_caption_gates", "en", gates=4, hidden=3, order="i, f, g, o")
    assert gates in page.bodies("caption")


def test_bias_off_says_there_are_no_biases(page):
    page.set(main_bias=False, main_cell="gru")
    page.open("tab_weights")
    gru = lecture_module(nn.GRU, 2, bias=False)
    assert len(page.heatmaps("weights_chart")) == 2
    assert t("weights_no_bias", "en") in page.bodies("info")
    assert shown_count(page) == sum(p.numel() for p in gru.parameters())
