"""The "Same token, different state" lesson under AppTest.

Numbers are compared with a plain torch.nn module built the way a notebook builds it, or
with torch functions on the trace.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from components.i18n import t

LETTERS = {"h": [1, 0, 0, 0], "e": [0, 1, 0, 0], "l": [0, 0, 1, 0], "o": [0, 0, 0, 1]}


def hello_states() -> torch.Tensor:
    """The hello preset as a notebook computes it: (5, 2) outputs of nn.RNN(4, 2), seed 0."""
    torch.manual_seed(0)
    rnn = nn.RNN(4, 2, batch_first=True)
    with torch.no_grad():
        outputs, _ = rnn(torch.tensor([[LETTERS[c] for c in "hello"]], dtype=torch.float32))
    return outputs[0].double()


def frame(page, column: str):
    """The dataframe on the page that has this column."""
    return next(df.value for df in page.at.dataframe if column in df.value.columns)


def test_hello_says_how_far_apart_the_two_ls_are(make_app, ref):
    page = make_app({"preset": "hello"}).open("tab_repeats")
    h = hello_states()
    distance = torch.dist(h[2], h[3]).item()
    typical = torch.pdist(h).mean().item()
    sentence = next(b for b in page.bodies("markdown") if "apart" in b)
    assert f"The two `l`s (steps 2 and 3) are **{distance:.3f}** apart" in sentence
    assert f"on average **{typical:.3f}** apart" in sentence
    verdict = "repeats_closer" if distance < typical else "repeats_farther"
    assert t(verdict, "en") in sentence
    cells, matrix = page.charts()["repeats_chart"]["data"]
    np.testing.assert_allclose(ref.decode(cells["z"]).T, h.numpy(), atol=1e-6)
    np.testing.assert_allclose(ref.decode(matrix["z"]), torch.cdist(h, h).numpy(), atol=1e-6)
    table = frame(page, "mean distance")
    assert table["token"].tolist() == ["l"] and table["steps"].tolist() == ["2, 3"]
    assert table["mean distance"].iloc[0] == pytest.approx(round(distance, 3))
    cosine = torch.nn.functional.cosine_similarity(h[2], h[3], dim=0).item()
    assert table["mean cosine similarity"].iloc[0] == pytest.approx(round(cosine, 3))


def test_the_lecture_first_sequence_has_no_repeat_and_points_elsewhere(page, ref):
    page.open("tab_repeats")
    markdown = " ".join(page.markdown_bodies())
    assert t("repeats_none", "en", number=1) in markdown
    assert "Sequences 3, 4, 5 of this batch have a repeated token" in markdown
    assert t("preset_hello", "en") in markdown
    assert "repeats_chart" not in page.charts()
    page.set(main_view_seq="5: oll")  # PyTorch read o, l, l: the lecture's two l's
    sentence = next(b for b in page.bodies("markdown") if "apart" in b)
    assert "The two `l`s (steps 1 and 2)" in sentence
    read = ref.lecture_outputs()[:, 4, :]  # PyTorch's (seq, batch, hidden): batch entry 4
    assert f"**{torch.dist(read[1], read[2]).item():.3f}**" in sentence


def test_several_repeated_tokens_can_be_chosen(make_app):
    page = make_app({"seq": "abcabca", "cell": "gru", "hidden": "3"}).open("tab_repeats")
    assert page.widget("repeats_token").options == ["a  ×3", "b  ×2", "c  ×2"]  # most first
    sentence = next(b for b in page.bodies("markdown") if "apart" in b)
    assert sentence.startswith("The 3 `a`s (steps 0, 3, 6) are on average")
    page.set(repeats_token="c")
    sentence = next(b for b in page.bodies("markdown") if "apart" in b)
    assert sentence.startswith("The two `c`s (steps 2 and 5)")
    shapes = page.charts()["repeats_chart"]["layout"]["shapes"]
    outlined = sorted(s["x0"] + 0.5 for s in shapes if s["xref"] == "x")
    assert outlined == [2, 5]


def test_a_space_token_is_named_visibly(make_app):
    page = make_app({"seq": "a b c", "hidden": "2"}).open("tab_repeats")
    sentence = next(b for b in page.bodies("markdown") if "apart" in b)
    assert "The two `␣`s (steps 1 and 3)" in sentence
