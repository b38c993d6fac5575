"""The "Usage patterns" tab through AppTest, compared with plain torch.nn modules built the
way the lecture's notebook builds them."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from components.figures.patterns import pattern_label
from components.i18n import t
from model.lessons.patterns import PATTERN_NAMES
from tests.support.reference import lecture_module, letters_input

DISPLAY_TOL = 5.1e-5  # the table shows 4 decimals
LECTURE = letters_input()  # (3, 5, 4): hello, eolll, lleel


def table(page):
    """The values table of the patterns tab (other tables have no "values" column)."""
    (frame,) = [f.value for f in page.at.dataframe if "values" in f.value.columns]
    return frame


def numbers(text: str) -> np.ndarray:
    return np.array([float(x) for x in text.strip("[]").split(", ") if x != "…"])


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
