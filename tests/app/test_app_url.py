"""The URL in and out: a link reopens a scene; a bad link still opens the page."""

from __future__ import annotations

import numpy as np

from components.i18n import t
from components.urlstate import to_query
from model.config import ExplorerConfig
from model.errors import quoted
from model.presets import PRESETS


def test_a_link_reproduces_its_scene(make_app, ref):
    query = {
        "seq": ["abc", "cab", "bb"],
        "cell": "lstm",
        "hidden": "3",
        "layers": "2",
        "bidirectional": "1",
        "batch_first": "1",
        "seed": "5",
        "init": "random",
    }
    page = make_app(query)
    config = ExplorerConfig(
        sequences=("abc", "cab", "bb"), cell="lstm", hidden_size=3, num_layers=2,
        bidirectional=True, batch_first=True, seed=5, init_state="random",
    )  # fmt: skip
    np.testing.assert_array_equal(page.heatmap(), ref.hidden(config))
    assert len(page.open("tab_gates").heatmaps("gates_chart")) == 5
    assert page.value("main_sequences") == "abc\ncab\nbb"
    assert page.value("main_cell") == "lstm"
    assert page.value("main_hidden_size") == 3
    assert page.value("main_num_layers") == 2
    assert page.value("main_bidirectional") is True
    assert page.value("main_batch_first") is True
    assert page.value("main_seed") == 5
    assert page.value("main_init_state") == "random"
    assert page.value("main_preset") == "custom"
    assert page.query() == ref.as_lists(to_query(config))
    assert not page.at.warning
    page.set(
        main_view_seq=page.widget("main_view_seq").options[2], main_view_layer=1, main_view_dir=1
    )  # "bb": shorter, packed
    z = page.heatmap()
    np.testing.assert_array_equal(z, ref.hidden(config, 2, 1, 1))
    assert np.isnan(z[:, 2]).all() and np.isfinite(z[:, :2]).all()


def test_a_preset_link_opens_the_preset(make_app, ref):
    page = make_app({"preset": "korean"})
    korean = PRESETS["korean"]
    np.testing.assert_array_equal(page.heatmap(), ref.hidden(korean))
    assert page.value("main_preset") == "korean"
    assert page.value("main_sequences") == "안녕하세요"
    assert page.query()["preset"] == ["korean"]
    assert len(page.open("tab_gates").heatmaps("gates_chart")) == 3


def test_the_lecture_link_equals_the_first_visit(make_app):
    linked = make_app({"preset": "lecture"})
    plain = make_app()
    assert linked.charts() == plain.charts()
    assert linked.query() == plain.query()


def test_invalid_values_show_notices_and_the_page_still_renders(make_app, ref):
    query = {"hidden": "0", "cell": "transformer", "seed": "--3", "colour": "red", "layers": "2"}
    page = make_app(query)
    warnings = page.bodies("warning")
    assert len(warnings) == 4
    for name in ("hidden", "cell", "seed", "colour"):
        assert any(name in body for body in warnings), name
    assert t("notice_bad_value", "en", name="`hidden`", value="`0`") in warnings
    config = ExplorerConfig(num_layers=2)  # the valid part of the link is kept
    np.testing.assert_array_equal(page.heatmap(), ref.hidden(config))
    assert page.value("main_num_layers") == 2 and page.value("main_hidden_size") == 2
    assert page.query() == ref.as_lists(to_query(config))  # the bad parts leave the address
    assert not page.at.error


def test_a_bad_preset_and_empty_sequences(make_app, ref):
    page = make_app({"preset": "nope", "seq": ["", " "]})
    warnings = page.bodies("warning")
    assert len(warnings) == 2
    assert any("nope" in body for body in warnings)
    assert t("notice_empty_seq", "en") in warnings
    np.testing.assert_array_equal(page.heatmap(), ref.hidden(ExplorerConfig()))


def test_link_text_in_notices_is_shown_as_typed_not_as_markdown(make_app, ref):
    page = make_app(
        {
            "preset": "[log in](https://evil.example)",
            "<script>alert(1)</script>": "1",
            "cell": "**bold**",
        }
    )
    warnings = page.bodies("warning")
    assert len(warnings) == 3
    for body in warnings:  # link text only ever inside a code span, shown literally
        outside = ref.outside_code(body)
        assert "](" not in outside and "**" not in outside and "http" not in outside
    assert not [tag for body in page.markdown_bodies() for tag in ref.unescaped_html(body)]
    joined = " ".join(warnings)
    assert quoted("[log in](https://evil.example)") in joined
    assert quoted("<script>alert(1)</script>") in joined
    assert quoted("**bold**") in joined
    assert page.charts()  # the page itself is fine


def test_notices_are_read_from_the_first_link_only(make_app):
    page = make_app({"hidden": "abc"})
    assert len(page.at.warning) == 1
    page.at.query_params["hidden"] = "also-bad"  # a later change of the URL is not re-read
    page.run()
    assert len(page.at.warning) == 1


def test_notices_go_once_the_user_changes_the_scene(make_app):
    page = make_app({"hidden": "abc"})
    assert len(page.at.warning) == 1
    page.set(main_cell="gru")
    assert not page.at.warning
    page = make_app({"cell": "nope"})
    page.set(main_preset="hihello")
    assert not page.at.warning


def test_changing_a_widget_updates_the_link(page):
    assert page.query()["preset"] == ["lecture"]
    page.set(main_hidden_size=4, main_cell="gru")
    query = page.query()
    assert query["hidden"] == ["4"] and query["cell"] == ["gru"]
    assert "preset" not in query
    page.set(main_sequences="one\ntwo\nthree\nfour")
    assert page.query()["seq"] == ["one", "two", "three", "four"]
    page.set(main_bidirectional=True, main_batch_first=True, main_seed=42)
    query = page.query()
    assert (query["bidirectional"], query["batch_first"], query["seed"]) == (["1"], ["1"], ["42"])


def test_a_scene_that_cannot_be_shown_keeps_the_last_good_link(page):
    page.set(main_hidden_size=3)
    good = page.query()
    page.set(main_sequences="  ")
    assert page.at.error
    assert page.query() == good
