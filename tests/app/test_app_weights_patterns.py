"""The "Shared weights" and "Usage patterns" tabs through AppTest, compared with plain
torch.nn modules built the way the lecture's notebook builds them."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from torch import nn

from components.figures.unrolled import pattern_label
from components.i18n import t
from model.lessons.patterns import PATTERN_NAMES

DISPLAY_TOL = 5.1e-5  # the table shows 4 decimals
LETTERS = {"h": [1, 0, 0, 0], "e": [0, 1, 0, 0], "l": [0, 0, 1, 0], "o": [0, 0, 0, 1]}
LECTURE = torch.Tensor([[LETTERS[c] for c in word] for word in ("hello", "eolll", "lleel")])


def lecture_module(cell=nn.RNN, hidden=2, **options) -> nn.RNNBase:
    torch.manual_seed(0)
    return cell(4, hidden, **options)


def shown_count(page) -> int:
    """The whole module's parameter count, as the page writes it."""
    line = next(b for b in page.bodies("markdown") if "rnn.parameters()" in b)
    return int(re.search(r"\*\*([\d,]+) parameters\*\*", line).group(1).replace(",", ""))


def table(page):
    """The values table of the patterns tab (other tables have no "values" column)."""
    (frame,) = [f.value for f in page.at.dataframe if "values" in f.value.columns]
    return frame


def numbers(text: str) -> np.ndarray:
    return np.array([float(x) for x in text.strip("[]").split(", ") if x != "…"])


# --- shared weights -------------------------------------------------------------------------


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


# --- usage patterns ----------------------------------------------------------------------------


def test_many_to_one_shows_pytorchs_last_output_and_h_n(page):
    page.open("tab_patterns")
    assert page.value("patterns_choice") == "many_to_one"
    rnn = lecture_module()
    with torch.no_grad():
        output, h_n = rnn(LECTURE)  # batch_first off: 5 sequences of 3 steps
    rows = table(page)
    assert list(rows["tensor"]) == ["output[-1, 0]", "h_n[-1, 0]"]
    np.testing.assert_allclose(numbers(rows["values"][0]), output[-1, 0], atol=DISPLAY_TOL)
    np.testing.assert_allclose(numbers(rows["values"][1]), h_n[-1, 0], atol=DISPLAY_TOL)
    assert t("patterns_note_time_first", "en") in page.bodies("caption")
    title = page.charts()["patterns_chart"]["layout"]["title"]["text"]
    assert title.startswith(pattern_label("many_to_one", "en"))


@pytest.mark.parametrize("name", PATTERN_NAMES)
def test_every_pattern_draws_and_lists_its_values(page, name):
    page.open("tab_patterns")
    page.set(patterns_choice=name)
    spec = page.charts()["patterns_chart"]
    assert spec["layout"]["title"]["text"].startswith(pattern_label(name, "en"))
    rows = table(page)
    assert len(rows) >= 1 and all(len(numbers(v)) == 2 for v in rows["values"])


def test_a_packed_shorter_line_is_read_at_its_own_end(page):
    page.set(main_batch_first=True, main_sequences="hello\nhi")
    page.set(main_view_seq="2: hi")
    page.open("tab_patterns")
    torch.manual_seed(0)
    rnn = nn.RNN(5, 2, batch_first=True)
    x = torch.zeros(2, 5, 5)
    for row, word in enumerate(("hello", "hi")):
        for step, char in enumerate(word):
            x[row, step, "heloi".index(char)] = 1  # vocabulary by first appearance
    packed = nn.utils.rnn.pack_padded_sequence(x, torch.tensor([5, 2]), batch_first=True)
    with torch.no_grad():
        out, h_n = rnn(packed)
    output, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=5)
    rows = table(page)
    assert list(rows["tensor"]) == ["output[1, 1]", "h_n[-1, 1]"]
    np.testing.assert_allclose(numbers(rows["values"][0]), output[1, 1], atol=DISPLAY_TOL)
    np.testing.assert_allclose(numbers(rows["values"][1]), h_n[-1, 1], atol=DISPLAY_TOL)
    assert t("patterns_note_packed", "en", length=2) in page.bodies("caption")


def test_bidirectional_many_to_one_explains_both_ends(page):
    page.set(main_bidirectional=True, main_batch_first=True)
    page.open("tab_patterns")
    rnn = lecture_module(bidirectional=True, batch_first=True)
    with torch.no_grad():
        output, h_n = rnn(LECTURE)
    rows = table(page)
    assert list(rows["tensor"]) == ["output[0, -1]", "torch.cat((h_n[-2, 0], h_n[-1, 0]))"]
    np.testing.assert_allclose(numbers(rows["values"][0]), output[0, -1], atol=DISPLAY_TOL)
    ends = torch.cat((h_n[-2, 0], h_n[-1, 0]))
    np.testing.assert_allclose(numbers(rows["values"][1]), ends, atol=DISPLAY_TOL)
    assert t("patterns_note_bidirectional_last", "en") in page.bodies("caption")


def test_hihello_generates_by_feeding_predictions_back(make_app):
    page = make_app({"preset": "hihello"})
    page.open("tab_patterns")
    page.set(patterns_choice="one_to_many")
    vocab = list("hielo")
    torch.manual_seed(0)
    rnn = nn.RNN(5, 5, batch_first=True)
    step_input, state, predicted = torch.eye(5)[0][None, None], None, []
    with torch.no_grad():
        for _ in range(7):
            output, state = rnn(step_input, state)
            index = int(output[0, -1].argmax())
            predicted.append(vocab[index])
            step_input = torch.eye(5)[index][None, None]
    rows = table(page)
    assert list(rows["predicted"]) == predicted
    assert list(rows["fed"]) == ["h", *predicted[:-1]]
    assert any(body.startswith("Here the outputs are logits") for body in page.bodies("markdown"))


def test_one_to_many_without_logits_says_why(page):
    page.open("tab_patterns")
    page.set(patterns_choice="one_to_many")
    info = " ".join(page.bodies("info"))
    assert "linear layer (not built here)" in info
    assert len(table(page)) == 1
