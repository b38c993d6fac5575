"""The main view's hidden-state chart on its own (`timeline_spec`): every unit as a
heatmap, the chosen units as lines above it, one time axis, one cursor per plot moved
by the stepper. Its colours: test_timeline_colours.py; the state-space path beside it:
test_timeline_state_space.py; tokens as text in both: test_timeline_text.py."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from components.figures import parts, state_space
from components.figures import timeline as figures
from components.figures.cursor import cursor_meta
from components.figures.parts import as_figure
from components.i18n import t
from model.config import ExplorerConfig
from model.presets import PRESETS
from tests.components.figures.figure_checks import (
    CASES,
    assert_not_animated,
    check_cursor,
    heatmaps,
)


@pytest.fixture(params=list(CASES), ids=list(CASES))
def case(request, traced):
    """(trace, timeline spec, seq, layer, direction) of each scene."""
    config, seq, layer, direction = CASES[request.param]
    result = traced(config)
    return result, figures.timeline_spec(result, seq, layer, direction), seq, layer, direction


def unit_lines(figure: go.Figure) -> list:
    return [trace for trace in figure.data if trace.legendgroup == "units"]


# --- the heatmap and the lines are the trace --------------------------------------------


def test_timeline_heatmap_is_the_trace_exactly(case):
    result, spec, seq, layer, direction = case
    (heatmap,) = heatmaps(as_figure(spec))
    z = np.asarray(heatmap.z)
    assert z.dtype == np.float32
    expected = result.hidden[layer, direction, seq].T
    assert z.shape == expected.shape
    np.testing.assert_array_equal(z, expected)  # NaN where NaN, bit-equal elsewhere


def test_unit_lines_are_the_trace(case):
    result, spec, seq, layer, direction = case
    states = result.hidden[layer, direction, seq]
    lines = unit_lines(as_figure(spec))
    units = list(range(min(states.shape[1], len(parts.UNIT_COLOURS))))
    assert [line.name for line in lines] == [f"h[{u}]" for u in units]
    for unit, line in zip(units, lines, strict=True):
        np.testing.assert_array_equal(np.asarray(line.x), np.arange(states.shape[0]))
        np.testing.assert_array_equal(np.asarray(line.y), states[:, unit])


def test_chosen_units_only_are_drawn_as_lines(traced):
    config, seq, layer, direction = CASES["lstm_h8_pca"]
    result = traced(config)
    figure = as_figure(figures.timeline_spec(result, seq, layer, direction, units=[1, 6]))
    lines = unit_lines(figure)
    assert [line.name for line in lines] == ["h[1]", "h[6]"]
    np.testing.assert_array_equal(np.asarray(lines[1].y), result.hidden[0, 0, 0][:, 6])


@pytest.mark.parametrize("units", [[1, 6], [0, 2, 3, 4, 5, 7], [5]])
def test_the_legend_names_every_chosen_unit_and_nothing_else(units, traced):
    config, seq, layer, direction = CASES["lstm_h8_pca"]
    spec = figures.timeline_spec(traced(config), seq, layer, direction, units=units)
    assert spec["layout"]["showlegend"] is True
    in_legend = [trace["name"] for trace in spec["data"] if trace.get("showlegend")]
    assert in_legend == [f"h[{unit}]" for unit in units]
    (heatmap,) = [trace for trace in spec["data"] if trace["type"] == "heatmap"]
    assert not heatmap.get("showlegend", False)  # the colour bar explains the heatmap
    colours = [trace["line"]["color"] for trace in spec["data"] if trace.get("showlegend")]
    assert len(set(colours)) == len(units)  # each line told apart


def test_no_chosen_unit_no_lines_and_no_legend(traced):
    config, seq, layer, direction = CASES["lstm_h8_pca"]
    spec = figures.timeline_spec(traced(config), seq, layer, direction, units=[])
    assert [trace["type"] for trace in spec["data"]] == ["heatmap"]
    assert spec["layout"]["showlegend"] is False


def test_unit_labels_name_the_heatmap_rows(traced):
    """e.g. trained logits: each unit labelled with the token it scores."""
    result = traced(PRESETS["lecture"].with_changes(hidden_size=4))
    labels = ["h", "e", "l", "o"]
    axis = figures.timeline_spec(result, 0, 0, 0, unit_labels=labels)["layout"]["yaxis"]
    assert (axis["tickvals"], axis["ticktext"]) == ([0, 1, 2, 3], labels)
    plain = figures.timeline_spec(result, 0, 0, 0)["layout"]["yaxis"]
    assert plain["tickvals"] == [0, 1, 2, 3] and "ticktext" not in plain  # numbered rows


def test_the_subtitle_says_which_layer_and_when_in_both_charts(traced):
    """The layer, the direction (a scene with more than one) and `when` (e.g. the training
    step shown) are both main charts' subtitle, with room: on the title's line they ran
    into the chart beside it on a projector."""
    result = traced(CASES["lstm_bidir_2_layers_unequal"][0])
    when = " · after 40 training steps"
    timeline = figures.timeline_spec(result, 1, 1, 1, when=when)["layout"]
    space = state_space.state_space_spec(result, 1, 1, 1, when=when)["layout"]
    assert timeline["title"]["text"] == "Hidden state · LSTM · sequence 2"
    assert space["title"]["text"] == t("fig_state_space", "en")
    for layout in (timeline, space):
        assert layout["title"]["subtitle"]["text"] == "layer 2 · reverse · after 40 training steps"
    deep = figures.timeline_spec(result, 1, 0, 0)["layout"]
    assert deep["title"]["subtitle"]["text"] == "layer 1 · forward"
    assert timeline["margin"]["t"] == deep["margin"]["t"]  # one line of subtitle either way
    one = traced(PRESETS["lecture"])  # one layer, one direction: nothing to add
    trained = figures.timeline_spec(one, 0, 0, 0, when=when)["layout"]
    assert trained["title"]["subtitle"]["text"] == "after 40 training steps"
    for plain in (figures.timeline_spec(one, 0, 0, 0), state_space.state_space_spec(one, 0, 0, 0)):
        assert "subtitle" not in plain["layout"]["title"]
        assert plain["layout"]["margin"]["t"] < trained["margin"]["t"]


def test_unequal_lengths_are_nan_past_the_end(traced):
    config, seq, layer, direction = CASES["lstm_bidir_2_layers_unequal"]  # "hi" beside "hello"
    result = traced(config)
    for d in (0, 1):
        figure = as_figure(figures.timeline_spec(result, seq, layer, d))
        z = np.asarray(heatmaps(figure)[0].z)
        assert z.shape == (3, 5)
        assert np.isfinite(z[:, :2]).all()
        assert np.isnan(z[:, 2:]).all()
        for line in unit_lines(figure):
            assert np.isnan(np.asarray(line.y)[2:]).all()


def test_batch_first_off_reads_columns_as_sequences(traced):
    result = traced(PRESETS["lecture"])
    spec = figures.timeline_spec(result, 1, 0, 0)  # second column: e, o, l
    ticktext = spec["layout"]["xaxis"]["ticktext"]
    assert [label.split("<br>")[0] for label in ticktext] == ["e", "o", "l"]
    assert np.asarray(heatmaps(as_figure(spec))[0].z).shape == (2, 3)


# --- one time axis, the tokens under it -------------------------------------------------


def test_time_axis_labels_are_the_tokens(case):
    result, spec, seq, *_ = case
    tokens = result.tokens[seq]
    layout = spec["layout"]
    (heatmap,) = [trace for trace in spec["data"] if trace["type"] == "heatmap"]
    axis = layout["xaxis" + heatmap["xaxis"][1:]]
    assert axis["tickvals"] == list(range(len(tokens)))
    assert [label.split("<br>")[0] for label in axis["ticktext"]] == [
        parts.display_token(token) for token in tokens
    ]
    assert [label.split("<sub>")[1] for label in axis["ticktext"]] == [
        f"{t}</sub>" for t in range(len(tokens))
    ]  # short sequences: the step under each token
    for line in unit_lines(as_figure(spec)):  # the lines share that time axis
        assert layout["xaxis" + line.xaxis[1:]]["matches"] == heatmap["xaxis"]


# --- the time cursor: named shapes and layout meta, no frames --------------------------


def test_the_cursor_opens_at_the_first_step_on_both_plots(case):
    result, spec, *_ = case
    steps = result.hidden.shape[3]
    meta = check_cursor(spec, steps, cursors=2)
    lines = [trace for trace in spec["data"] if trace.get("legendgroup") == "units"]
    heatmap = spec["data"][0]
    plots = {(trace["xaxis"], trace["yaxis"]) for trace in [heatmap, *lines]}
    assert {(s["xref"], s["yref"].split()[0]) for s in spec["layout"]["shapes"]} == plots
    assert meta["window_axes"] == []  # short: every step in view, nothing to pan
    assert spec["layout"]["xaxis"]["range"] == [-0.5, steps - 0.5]
    assert spec["layout"]["dragmode"] == "zoom"


def long_scene(tokens: str, steps: int) -> ExplorerConfig:
    if tokens == "numbers":
        line = " ".join(f"{math.sin(t / 5):.2f}" for t in range(steps))  # "0.00", "-0.98"
    else:
        line = ("hello world " * steps)[:steps]
    return ExplorerConfig(sequences=(line,), tokens=tokens, cell="gru", hidden_size=2)


@pytest.mark.parametrize("tokens", ["chars", "numbers"])
def test_long_sequences_open_on_a_window_that_pans(tokens, traced):
    steps = figures.WINDOW_STEPS + 51
    result = traced(long_scene(tokens, steps))
    spec = figures.timeline_spec(result, 0, 0, 0)
    meta = check_cursor(spec, steps, cursors=2)
    layout = spec["layout"]
    assert meta["window_axes"] == ["xaxis"]
    assert layout["xaxis"]["range"] == [-0.5, figures.WINDOW_STEPS - 0.5]
    assert layout["dragmode"] == "pan"
    assert np.asarray(spec["data"][0]["z"]).shape == (2, steps)  # every step drawn
    assert all(len(trace["x"]) == steps for trace in spec["data"][1:])
    if tokens == "chars":  # short tokens: written under every step, the window keeps them apart
        assert layout["xaxis"]["tickvals"] == list(range(steps))
        expected = [parts.display_token(token) for token in result.tokens[0]]
        assert layout["xaxis"]["ticktext"] == expected
    else:  # "-0.98" is too long to write under every step: the hover names it
        assert "ticktext" not in layout["xaxis"]
        assert layout["xaxis"]["title"]["text"] == t("fig_time_hover", "en")


def test_just_long_enough_to_window(traced):
    for steps, windowed in ((figures.WINDOW_STEPS, False), (figures.WINDOW_STEPS + 1, True)):
        spec = figures.timeline_spec(traced(long_scene("chars", steps)), 0, 0, 0)
        assert cursor_meta(spec["layout"])["window_axes"] == (["xaxis"] if windowed else [])
        assert spec["layout"]["xaxis"]["range"][1] == min(steps, figures.WINDOW_STEPS) - 0.5


@pytest.mark.parametrize("name", list(CASES))
def test_no_chart_of_the_main_view_is_animated_by_plotly(name, traced):
    config, seq, layer, direction = CASES[name]
    result = traced(config)
    for fitted in (True, False):
        assert_not_animated(figures.timeline_spec(result, seq, layer, direction, fitted=fitted))
    assert_not_animated(state_space.state_space_spec(result, seq, layer, direction))
