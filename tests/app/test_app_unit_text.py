"""The "A unit in the text" lesson under AppTest.

Numbers are compared with torch functions on the trace. AppTest cannot click a Plotly
chart (a chart's selection cannot be set through the session state), so the heatmap's
on_select callback is tested as a function (tests/components/lessons/test_unit_text.py)
and the page is tested with the state that callback leaves.
"""

from __future__ import annotations

import numpy as np
import torch

from components.i18n import t
from components.lessons import unit_text as lesson
from model.config import ExplorerConfig
from model.lessons.unit_text import rank_units
from model.trace import trace


def frame(page, column: str):
    """The dataframe on the page that has this column."""
    return next(df.value for df in page.at.dataframe if column in df.value.columns)


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


def test_a_stretch_ranks_the_units_and_colours_the_text_by_the_top_one(make_app, ref):
    query = {"seq": ["the quick brown fox", "jumps"], "cell": "lstm", "hidden": "16"}
    page = make_app(query).open("tab_unit_text")
    page.at.session_state[lesson.STRETCH_KEY] = (4, 8)  # what a box over "quick" leaves
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
    title = t("unit_text_rank_title", "en", start=4, stop=8, number=1)
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
    assert lesson.STRETCH_KEY not in page.at.session_state
    assert not any("score" in df.value.columns for df in page.at.dataframe)


def test_stale_choices_reset_when_the_scene_shrinks(make_app):
    page = make_app({"seq": "hello", "cell": "gru", "hidden": "8"}).open("tab_unit_text")
    page.set(unit_text_unit=7, unit_text_quantity="update")
    page.at.session_state[lesson.STRETCH_KEY] = (3, 40)
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
