"""The "Packed sequences" tab through AppTest: the printed batch_sizes and sorted_indices,
the grids, packed.data with each row's h_t (the backend's, itself tested against torch),
and what the page says when the explorer does not pack."""

from __future__ import annotations

import numpy as np

from components.i18n import t
from model.config import ExplorerConfig
from model.lessons.packing import packing
from model.trace import trace

UNEQUAL = {"seq": ["hello", "hi", "hey"]}


def test_unequal_lines_show_pytorchs_packing_and_each_rows_state(make_app):
    page = make_app(UNEQUAL).open("tab_packing")
    config = ExplorerConfig(sequences=("hello", "hi", "hey"), batch_first=True)
    scene = trace(config)
    assert scene.packed
    run = packing(scene)
    printed, code = (block.value for block in page.at.code)
    assert printed + "\n" == "tensor([3, 3, 2, 1, 1])\ntensor([0, 2, 1])\n" == run.printed
    assert "enforce_sorted=False" in code and "data = ['hello', 'hi', 'hey']" in code
    assert t("packing_by_explorer", "en") in page.bodies("caption")
    assert t("packing_check", "en", error=run.max_error) in page.bodies("caption")
    charts = page.charts()
    padded, ordered = charts["packing_padded_chart"], charts["packing_sorted_chart"]
    assert [row[0] for row in ordered["data"][0]["text"]] == ["h", "h", "h"]
    assert ordered["layout"]["yaxis"]["ticktext"][1] == "seq 3 · len 3"
    assert padded["data"][0]["text"][1] == ["h", "i", "·", "·", "·"]
    rows = charts["packing_rows_chart"]
    notes = [note["text"] for note in rows["layout"]["annotations"]]
    assert notes == ["<b>batch_sizes</b>", "<b>3</b>", "<b>3</b>", "<b>2</b>", "<b>1</b>",
                     "<b>1</b>", "<b>h_t</b>"]  # fmt: skip
    column, states = page.heatmaps("packing_rows_chart")
    expected = scene.hidden[0, 0, run.row_sequence, run.row_step]  # (10, 2)
    np.testing.assert_allclose(states, expected, atol=1e-6)


def test_the_lecture_says_it_is_not_packed_and_shows_what_packing_would_do(page):
    page.open("tab_packing")
    assert t("packing_not_batch_first", "en") in page.bodies("info")
    rows = page.charts()["packing_rows_chart"]
    assert [trace["type"] for trace in rows["data"]] == ["heatmap"]  # no states to show
    assert page.at.code[0].value == "tensor([3, 3, 3, 3, 3])\ntensor([0, 1, 2])"


def test_equal_lines_with_batch_first_say_so_in_korean(make_app):
    page = make_app({"seq": ["abc", "cab"], "batch_first": "1", "lang": "ko"})
    page.open("tab_packing", "ko")
    assert t("packing_equal", "ko", count=2) in page.bodies("info")
    assert len(page.heatmaps("packing_rows_chart")) == 2


def test_the_chosen_layer_and_direction_are_shown(make_app):
    query = {**UNEQUAL, "cell": "gru", "layers": "2", "bidirectional": "1", "hidden": "3"}
    page = make_app(query).open("tab_packing")
    page.set(main_view_layer=1, main_view_dir=1)
    config = ExplorerConfig(sequences=("hello", "hi", "hey"), batch_first=True, cell="gru",
                            num_layers=2, bidirectional=True, hidden_size=3)  # fmt: skip
    run = packing(trace(config))
    _, states = page.heatmaps("packing_rows_chart")
    np.testing.assert_allclose(states, run.hidden[1, 1], atol=1e-6)
