"""The units lessons under AppTest: "Same token, different state" and "A unit in the text".

Numbers are compared with a plain torch.nn module built the way a notebook builds it, or
with torch functions on the trace. AppTest cannot click a Plotly chart (a chart's
selection cannot be set through the session state), so the heatmap's on_select callback
is tested as a function with the selection Streamlit sends, and the page is tested with
the state that callback leaves.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from components.i18n import t
from components.lessons import repeats as panel_units
from model.config import ExplorerConfig
from model.lessons.unit_text import rank_units
from model.trace import trace

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


# --- same token, different state -------------------------------------------------------


def test_hello_says_how_far_apart_the_two_ls_are(make_app, ref):
    page = make_app({"preset": "hello"}).open("tab_repeats")
    h = hello_states()
    distance = torch.dist(h[2], h[3]).item()
    typical = torch.pdist(h).mean().item()
    sentence = next(b for b in page.bodies("markdown") if "apart" in b)
    assert f"The two `l`s (steps 2 and 3) are **{distance:.3f}** apart" in sentence
    assert f"on average **{typical:.3f}** apart" in sentence
    verdict = "units_rep_closer" if distance < typical else "units_rep_farther"
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
    assert t("units_rep_none", "en", number=1) in markdown
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


# --- a unit in the text ----------------------------------------------------------------


def text_values(page, ref) -> np.ndarray:
    return ref.decode(page.charts()["unit_text_chart"]["data"][1]["z"])


def test_the_text_is_coloured_by_the_chosen_unit_for_every_sequence(make_app, ref):
    config = ExplorerConfig(sequences=("hello", "world"), cell="lstm", hidden_size=4)
    page = make_app({"seq": ["hello", "world"], "cell": "lstm", "hidden": "4"})
    page.open("tab_unit_text")
    scene = trace(config)
    assert page.widget("unit_text_quantity").options == [
        "hidden state h", "cell state c", "input gate i", "forget gate f", "candidate g",
        "output gate o",
    ]  # fmt: skip
    assert page.value("unit_text_unit") == 0
    np.testing.assert_array_equal(text_values(page, ref)[:2, :5], scene.hidden[0, 0, :, :, 0])
    page.set(unit_text_unit=3, unit_text_quantity="forget")
    np.testing.assert_array_equal(
        text_values(page, ref)[:2, :5], scene.gates["forget"][0, 0, :, :, 3]
    )
    heatmap = page.heatmap("unit_text_heatmap")
    np.testing.assert_array_equal(heatmap, scene.gates["forget"][0, 0, 0].T)
    assert page.charts()["unit_text_chart"]["layout"]["coloraxis"]["colorbar"]["title"]["text"] == (
        "f[3]"
    )


def test_the_heatmap_is_selectable_by_points_and_box(make_app):
    page = make_app({"preset": "hello"}).open("tab_unit_text")
    chart = next(c for c in page.at.get("plotly_chart") if c.proto.id.endswith("unit_text_heatmap"))
    assert len(chart.proto.selection_mode) == 2  # points and box
    overlay = page.charts()["unit_text_heatmap"]["data"][1]
    assert overlay["type"] == "scatter" and overlay["marker"]["opacity"] == 0


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ({"points": [{"x": 3, "y": 1, "customdata": 1}], "box": []}, ("unit", 1)),
        ({"points": [{"x": 3, "y": 2, "customdata": [2]}]}, ("unit", 2)),
        ({"points": [{"x": 0, "y": 4}], "box": []}, ("unit", 4)),  # no customdata: its row
        ({"points": [], "box": [{"xref": "x", "yref": "y", "x": [0.7, 3.4], "y": [0, 1]}]},
         ("stretch", (1, 3))),
        ({"points": [], "box": [{"x": [2.6, 2.2], "y": [0, 1]}]}, ("stretch", (2, 2))),
        ({"points": [], "box": [], "lasso": []}, None),
    ],
)  # fmt: skip
def test_a_selection_means_a_unit_or_a_stretch(selection, expected):
    assert panel_units.selection_choice(selection) == expected


def test_the_on_select_callback_sets_the_unit_or_the_stretch(monkeypatch):
    state = {panel_units.UNIT_KEY: 0}
    monkeypatch.setattr(panel_units.st, "session_state", state)
    click = {"points": [{"x": 2, "y": 1, "customdata": 1}], "point_indices": [7], "box": []}
    state[panel_units.HEATMAP_CHART] = {"selection": click}
    panel_units._on_heatmap_select()
    assert state[panel_units.UNIT_KEY] == 1 and panel_units.STRETCH_KEY not in state
    box = {"points": [{"x": 2, "y": 0, "customdata": 0}], "box": [{"x": [1.6, 3.3], "y": [0, 1]}]}
    state[panel_units.HEATMAP_CHART] = {"selection": box}
    panel_units._on_heatmap_select()
    assert state[panel_units.STRETCH_KEY] == (2, 3) and state[panel_units.UNIT_KEY] == 1
    state[panel_units.HEATMAP_CHART] = {"selection": {"points": [], "box": []}}
    panel_units._on_heatmap_select()  # an emptied selection changes nothing
    assert state[panel_units.STRETCH_KEY] == (2, 3) and state[panel_units.UNIT_KEY] == 1


def test_a_stretch_ranks_the_units_and_colours_the_text_by_the_top_one(make_app, ref):
    query = {"seq": ["the quick brown fox", "jumps"], "cell": "lstm", "hidden": "16"}
    page = make_app(query).open("tab_unit_text")
    page.at.session_state[panel_units.STRETCH_KEY] = (4, 8)  # what a box over "quick" leaves
    page.run()
    scene = trace(ExplorerConfig(sequences=("the quick brown fox", "jumps"), cell="lstm",
                                 hidden_size=16))  # fmt: skip
    h = torch.from_numpy(scene.hidden[0, 0, 0]).double()  # (T, H)
    inside, outside = h[4:9].mean(0), torch.cat([h[:4], h[9:]]).mean(0)
    score = (inside - outside).abs()
    best = torch.argsort(score, descending=True, stable=True)[:10]
    table = frame(page, "score")
    assert table["unit"].tolist() == [f"h[{u}]" for u in best.tolist()]
    np.testing.assert_allclose(table["score"], score[best].numpy().round(4), atol=1e-4)
    np.testing.assert_allclose(table["mean inside"], inside[best].numpy().round(4), atol=1e-4)
    title = t("units_text_rank_title", "en", start=4, stop=8, number=1)
    assert any(title in b for b in page.markdown_bodies())
    assert any("`quick`" in b for b in page.bodies("caption"))
    stretch = page.charts()["unit_text_heatmap"]["layout"]["shapes"][1]
    assert (stretch["x0"], stretch["x1"]) == (3.5, 8.5)
    top = int(best[0])
    button = next(b for b in page.at.button if b.key == "unit_text_use_top")
    assert button.label == f"Colour the text by h[{top}]"
    button.click()
    page.run()
    assert page.value("unit_text_unit") == top
    np.testing.assert_array_equal(text_values(page, ref)[0, :19], scene.hidden[0, 0, 0, :, top])
    assert rank_units(scene.hidden[0, 0, 0], 4, 8).units[0] == top
    next(b for b in page.at.button if b.key == "unit_text_clear").click()
    page.run()
    assert panel_units.STRETCH_KEY not in page.at.session_state
    assert not any("score" in df.value.columns for df in page.at.dataframe)


def test_stale_choices_reset_when_the_scene_shrinks(make_app):
    page = make_app({"seq": "hello", "cell": "gru", "hidden": "8"}).open("tab_unit_text")
    page.set(unit_text_unit=7, unit_text_quantity="update")
    page.at.session_state[panel_units.STRETCH_KEY] = (3, 40)
    page.set(main_cell="rnn", main_hidden_size=2)
    assert page.value("unit_text_unit") == 0 and page.value("unit_text_quantity") == "h"
    assert any("steps 3–4 of sequence 1" in b for b in page.markdown_bodies())  # clipped


def test_the_chosen_unit_survives_a_visit_to_another_tab(make_app):
    page = make_app({"seq": "hello", "cell": "gru", "hidden": "8"}).open("tab_unit_text")
    page.set(unit_text_unit=6, unit_text_quantity="reset")
    page.open("tab_code")
    assert "unit_text_unit" not in page.at.session_state  # Streamlit dropped the widget
    page.open("tab_unit_text")
    assert page.value("unit_text_unit") == 6 and page.value("unit_text_quantity") == "reset"
