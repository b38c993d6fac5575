"""Presenter mode: one switch (or `present=1` in the link) for the lecture hall."""

from __future__ import annotations

import json

from components.figures.gates import gates_spec
from components.figures.input import input_spec
from components.figures.presenter import PRESENTER_FONT, enlarge
from components.figures.timeline import timeline_spec
from components.i18n import t
from model.presets import PRESETS
from model.trace import trace

ADVANCED = ("main_encoding", "main_input_size", "main_nonlinearity", "main_bias", "main_seed",
            "main_init_state")  # fmt: skip


def expander_labels(page) -> list[str]:
    return [e.proto.label for e in page.at.sidebar.expander]


def test_the_link_turns_it_on_and_the_charts_grow(make_app):
    normal = make_app({"preset": "lecture"})
    big = make_app({"preset": "lecture", "present": "1"})
    assert big.value("presenter") is True and normal.value("presenter") is False
    assert big.query()["present"] == ["1"] and "present" not in normal.query()
    small_spec, big_spec = normal.charts()["timeline_chart"], big.charts()["timeline_chart"]
    small_font = small_spec["layout"]["font"]["size"]
    assert big_spec["layout"]["font"]["size"] == round(small_font * PRESENTER_FONT, 1)
    assert (
        big_spec["layout"]["title"]["font"]["size"] > small_spec["layout"]["title"]["font"]["size"]
    )
    # sized to fit a projector's first screen already: bigger type, not a taller chart
    assert big_spec["layout"]["height"] == small_spec["layout"]["height"]
    # the current time step in large type: the time control's read-out
    stepper = lambda page: json.loads(page.at.get("bidi_component")[0].proto.json)  # noqa: E731
    assert stepper(big)["big"] is True and stepper(normal)["big"] is False
    assert stepper(big)["labels"] == stepper(normal)["labels"]
    # the same numbers: only the presentation changed
    assert big_spec["data"][0]["z"] == small_spec["data"][0]["z"]


def test_fewer_controls_the_rest_fold_away_and_keep_their_values(make_app):
    page = make_app({"preset": "lecture"})
    assert t("more_settings", "en") not in expander_labels(page)
    page.set(main_seed=3)
    page.set(presenter=True)
    assert t("more_settings", "en") in expander_labels(page)
    (more,) = [e for e in page.at.sidebar.expander if e.proto.label == t("more_settings", "en")]
    inside = {w.key for kind in ("radio", "number_input", "toggle") for w in getattr(more, kind)}
    assert set(ADVANCED) <= inside
    assert page.value("main_seed") == 3  # folded, not forgotten
    assert page.query()["seed"] == ["3"]
    page.set(presenter=False)
    assert t("more_settings", "en") not in expander_labels(page)
    assert page.value("main_seed") == 3


def test_presenter_style_is_fixed_css_only_in_presenter_mode(make_app):
    normal = make_app({"preset": "lecture"})
    big = make_app({"preset": "lecture", "present": "1"})
    css = lambda page: " ".join(h.proto.body for h in page.at.get("html"))  # noqa: E731
    assert "font-size: 1.3rem" in css(big) and "font-size: 1.3rem" not in css(normal)


def test_enlarge_copies_and_scales_every_font_marker_and_line():
    spec = timeline_spec(trace(PRESETS["lecture"]), 0, 0, 0)
    before = repr(spec)
    big = enlarge(spec)
    assert repr(spec) == before  # the memoised spec is untouched
    lines = [d for d in big["data"] if d.get("mode", "").startswith("lines")]
    originals = [d for d in spec["data"] if d.get("mode", "").startswith("lines")]
    for grown, original in zip(lines, originals, strict=True):
        assert grown["line"]["width"] > original["line"]["width"]
    # the units' legend keeps its size, clear of the colour bar below it
    assert big["layout"]["legend"]["font"]["size"] == spec["layout"]["legend"]["font"]["size"]
    assert big["layout"]["height"] == spec["layout"]["height"]  # a cursor chart fits already
    gates = gates_spec(trace(PRESETS["lecture"].with_changes(cell="lstm")), 0, 0, 0)
    grown = enlarge(gates)
    assert grown["layout"]["height"] == gates["layout"]["height"]  # a cursor chart too
    assert all(a["font"]["size"] > 16 for a in grown["layout"]["annotations"] if "font" in a)
    inputs = input_spec(trace(PRESETS["lecture"]), 0)
    assert enlarge(inputs)["layout"]["height"] > inputs["layout"]["height"]  # no cursor: grows
