"""Presenter mode on a figure spec (`enlarge`): larger type, marks and lines; the charts
with a time cursor keep the height that fits a projector's first screen (and a long
sequence's window narrows for the larger tokens), every other chart grows."""

from __future__ import annotations

import pytest

from components.figures import state_space
from components.figures import timeline as figures
from components.figures.cursor import cursor_meta
from components.figures.gates import gates_spec
from components.figures.input import input_spec
from components.figures.presenter import (
    PRESENTER_CAMERA,
    PRESENTER_FONT,
    PRESENTER_WINDOW,
    enlarge,
)
from components.figures.shapes import pitfall_spec
from components.figures.state_space import STATE_TICKS
from components.figures.weights import weights_spec
from model.config import ExplorerConfig
from model.presets import PRESETS
from tests.components.figures.figure_checks import CASES

LSTM = PRESETS["lecture"].with_changes(cell="lstm")


def cursor_charts(traced) -> dict[str, dict]:
    flat = traced(LSTM)
    config, seq, layer, direction = CASES["gru_h3_scene"]
    scene = traced(config)
    return {
        "timeline": figures.timeline_spec(flat, 0, 0, 0),
        "state_space": state_space.state_space_spec(flat, 0, 0, 0),
        "state_space_3d": state_space.state_space_spec(scene, seq, layer, direction),
        "gates": gates_spec(flat, 0, 0, 0),
    }


def other_charts(traced) -> dict[str, dict]:
    lecture = traced(PRESETS["lecture"])
    return {
        "input": input_spec(lecture, 0),
        "weights": weights_spec(lecture, 0, 0, "en"),
        "pitfall": pitfall_spec(lecture, "en"),
    }


@pytest.mark.parametrize("name", ["timeline", "state_space", "state_space_3d", "gates"])
def test_a_chart_with_a_time_cursor_keeps_its_height(name, traced):
    spec = cursor_charts(traced)[name]
    assert cursor_meta(spec["layout"]) is not None
    big = enlarge(spec)
    assert big["layout"]["height"] == spec["layout"]["height"]
    font = spec["layout"]["font"]["size"]
    assert big["layout"]["font"]["size"] == round(font * PRESENTER_FONT, 1)
    assert big["layout"]["meta"] == spec["layout"]["meta"]  # the stepper's steps unchanged


@pytest.mark.parametrize("name", ["input", "weights", "pitfall"])
def test_a_chart_without_a_time_cursor_grows(name, traced):
    spec = other_charts(traced)[name]
    assert cursor_meta(spec["layout"]) is None
    big = enlarge(spec)
    assert big["layout"]["height"] == int(spec["layout"]["height"] * 1.15)
    assert big["layout"]["font"]["size"] > spec["layout"]["font"]["size"]


def test_a_long_sequences_window_narrows_for_the_larger_tokens(traced):
    steps = figures.WINDOW_STEPS + 20
    config = ExplorerConfig(sequences=(("ab " * steps)[:steps],), cell="gru", hidden_size=2)
    result = traced(config)
    for spec in (figures.timeline_spec(result, 0, 0, 0), gates_spec(result, 0, 0, 0)):
        low, high = spec["layout"]["xaxis"]["range"]
        big = enlarge(spec)
        assert big["layout"]["xaxis"]["range"] == [low, low + (high - low) * PRESENTER_WINDOW]
        assert spec["layout"]["xaxis"]["range"] == [low, high]  # the memoised spec untouched
    short = figures.timeline_spec(traced(PRESETS["lecture"]), 0, 0, 0)
    assert enlarge(short)["layout"]["xaxis"]["range"] == short["layout"]["xaxis"]["range"]


def test_the_units_legend_keeps_its_size_clear_of_the_colour_bar(traced):
    spec = cursor_charts(traced)["timeline"]
    big = enlarge(spec)
    assert big["layout"]["legend"]["font"]["size"] == spec["layout"]["legend"]["font"]["size"]
    assert big["layout"]["title"]["font"]["size"] > spec["layout"]["title"]["font"]["size"]


def test_given_margins_are_measured_again_for_the_larger_type(traced):
    """The main view's charts give their margins (Plotly then skips measuring labels);
    presenter mode's larger labels may not fit them, so it turns the measuring back on."""
    lecture = traced(PRESETS["lecture"])
    for spec in (figures.timeline_spec(lecture, 0, 0, 0), input_spec(lecture, 0)):
        layout = spec["layout"]
        axes = [v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]
        assert layout["margin"]["autoexpand"] is False
        assert axes and all(axis["automargin"] is False for axis in axes)
        big = enlarge(spec)["layout"]
        assert big["margin"]["autoexpand"] is True
        assert all(big[k]["automargin"] is True for k in big if k.startswith(("xaxis", "yaxis")))
        assert layout["margin"]["autoexpand"] is False  # the memoised spec is left as it was


def test_a_subtitles_room_grows_with_its_type(traced):
    """Title and subtitle sit in the top margin: at x1.4 type the subtitle ("layer 1 ·
    forward") ran into the lines' top tick label unless the margin grows with them."""
    deep = traced(CASES["lstm_bidir_2_layers_unequal"][0])
    lecture = traced(PRESETS["lecture"])
    for spec in (figures.timeline_spec(deep, 0, 1, 1), state_space.state_space_spec(deep, 0, 1, 1)):
        top = spec["layout"]["margin"]["t"]
        assert enlarge(spec)["layout"]["margin"]["t"] == round(top * PRESENTER_FONT)
    plain = figures.timeline_spec(lecture, 0, 0, 0)  # no subtitle: the margin is measured
    assert enlarge(plain)["layout"]["margin"]["t"] == plain["layout"]["margin"]["t"]


def test_larger_tick_labels_come_fewer(traced):
    """The state-space chart is narrow beside the timeline; its principal-component axes
    ask for a few ticks, and in presenter mode's larger type even those touch: it asks
    for 3. A fixed range's three ticks (-d, 0, d) stay as they are."""
    wide = traced(PRESETS["lecture"].with_changes(hidden_size=8))  # principal components
    spec = state_space.state_space_spec(wide, 0, 0, 0)
    big = enlarge(spec)["layout"]
    assert spec["layout"]["xaxis"]["nticks"] == STATE_TICKS > 3 and big["xaxis"]["nticks"] == 3
    assert big["yaxis"]["nticks"] == 3
    fixed = state_space.state_space_spec(traced(PRESETS["lecture"]), 0, 0, 0)
    for name in ("xaxis", "yaxis"):
        ticks = fixed["layout"][name]["tickvals"]
        assert len(ticks) == 3 and enlarge(fixed)["layout"][name]["tickvals"] == ticks


def test_a_three_d_scene_steps_back_with_fewer_ticks(traced):
    """A 3-D path's labels are drawn around its cube inside the narrow column: with the
    larger type, the camera steps back and each axis asks for 3 ticks."""
    config, seq, layer, direction = CASES["gru_h3_scene"]
    spec = state_space.state_space_spec(traced(config), seq, layer, direction)
    scene, big = spec["layout"]["scene"], enlarge(spec)["layout"]["scene"]
    eye, far = scene["camera"]["eye"], big["camera"]["eye"]
    assert all(far[k] == pytest.approx(eye[k] * PRESENTER_CAMERA) for k in "xyz")
    assert PRESENTER_CAMERA > 1 and scene["camera"]["center"] == big["camera"]["center"]
    for name in "xyz":
        assert scene[f"{name}axis"]["nticks"] > 3 and big[f"{name}axis"]["nticks"] == 3
        assert big[f"{name}axis"]["tickfont"]["size"] > scene[f"{name}axis"]["tickfont"]["size"]
