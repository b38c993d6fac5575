"""Figure builders on their own: a Trace in, a plotly Figure out, inspected as data."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from components.figures import parts
from components.figures import timeline as figures
from components.figures.gates import gates_figure
from components.figures.input import input_figure
from model.config import ExplorerConfig
from model.presets import PRESETS
from model.projection import project_states
from tests.components.figures.figure_checks import (
    CASES,
    TANH_CASES,
    check_frames,
    heatmaps,
    strings,
)


@pytest.fixture(scope="module")
def timelines(traced):
    """Case name -> (trace, timeline figure, seq, layer, direction), built once."""
    built = {}

    def get(name: str):
        if name not in built:
            config, seq, layer, direction = CASES[name]
            result = traced(config)
            figure = figures.timeline_figure(result, seq, layer, direction)
            built[name] = (result, figure, seq, layer, direction)
        return built[name]

    return get


@pytest.fixture(params=list(CASES), ids=list(CASES))
def case(request, timelines):
    return timelines(request.param)


def path_trace(figure: go.Figure):
    (path,) = [trace for trace in figure.data if trace.name == "path of h_t"]
    return path


def time_axes(figure: go.Figure) -> list:
    """The x axes of the heatmap and of the unit lines (their names depend on the grid)."""
    refs = {heatmaps(figure)[0].xaxis}
    refs |= {trace.xaxis for trace in figure.data if trace.legendgroup == "units"}
    assert len(refs) == 2
    return [figure.layout["xaxis" + ref[1:]] for ref in sorted(refs)]


# --- the heatmap is the trace ----------------------------------------------------------


def test_timeline_heatmap_is_the_trace_exactly(case):
    result, figure, seq, layer, direction = case
    (heatmap,) = heatmaps(figure)
    z = np.asarray(heatmap.z)
    assert z.dtype == np.float32
    expected = result.hidden[layer, direction, seq].T
    assert z.shape == expected.shape
    np.testing.assert_array_equal(z, expected)  # NaN where NaN, bit-equal elsewhere


def test_unit_lines_are_the_trace(case):
    result, figure, seq, layer, direction = case
    states = result.hidden[layer, direction, seq]
    lines = [trace for trace in figure.data if trace.legendgroup == "units"]
    units = list(range(min(states.shape[1], len(parts.UNIT_COLOURS))))
    assert [line.name for line in lines] == [f"h[{u}]" for u in units]
    for unit, line in zip(units, lines, strict=True):
        np.testing.assert_array_equal(np.asarray(line.y), states[:, unit])


def test_chosen_units_only_are_drawn_as_lines(traced):
    config, seq, layer, direction = CASES["lstm_h8_pca"]
    result = traced(config)
    figure = figures.timeline_figure(result, seq, layer, direction, units=[1, 6])
    lines = [trace for trace in figure.data if trace.legendgroup == "units"]
    assert [line.name for line in lines] == ["h[1]", "h[6]"]
    np.testing.assert_array_equal(np.asarray(lines[1].y), result.hidden[0, 0, 0][:, 6])


def test_unequal_lengths_are_nan_past_the_end(traced):
    config, seq, layer, direction = CASES["lstm_bidir_2_layers_unequal"]  # "hi" beside "hello"
    result = traced(config)
    for d in (0, 1):
        figure = figures.timeline_figure(result, seq, layer, d)
        z = np.asarray(heatmaps(figure)[0].z)
        assert z.shape == (3, 5)
        assert np.isfinite(z[:, :2]).all()
        assert np.isnan(z[:, 2:]).all()
        path = path_trace(figure)
        assert np.isnan(np.asarray(path.x, dtype=float)[2:]).all()


def test_batch_first_off_reads_columns_as_sequences(traced):
    config = PRESETS["lecture"]
    result = traced(config)
    figure = figures.timeline_figure(result, 1, 0, 0)  # second column: e, o, l
    ticktext = figure.layout.xaxis.ticktext
    assert [label.split("<br>")[0] for label in ticktext] == ["e", "o", "l"]
    assert np.asarray(heatmaps(figure)[0].z).shape == (2, 3)


# --- colours ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", TANH_CASES)
def test_one_diverging_scale_from_minus_one_to_one_for_tanh_cells(name, traced):
    config, seq, layer, direction = CASES[name]
    figure = figures.timeline_figure(traced(config), seq, layer, direction)
    layout = figure.to_plotly_json()["layout"]
    assert [key for key in layout if key.startswith("coloraxis")] == ["coloraxis"]
    axis = figure.layout.coloraxis
    assert (axis.cmin, axis.cmax) == (-1.0, 1.0)
    assert axis.colorscale == go.layout.Coloraxis(colorscale="RdBu_r").colorscale
    scale = dict(axis.colorscale)  # diverging: blue below zero, near-white at 0, red above
    assert (scale[0.0], scale[0.5], scale[1.0]) == (
        "rgb(5,48,97)",
        "rgb(247,247,247)",
        "rgb(103,0,31)",
    )
    for heatmap in heatmaps(figure):
        assert heatmap.coloraxis == "coloraxis"
        assert heatmap.colorscale is None  # no private scale competing with the shared one


def test_relu_scale_is_symmetric_and_covers_every_value(traced):
    config = ExplorerConfig(sequences=("abcabcabc",), nonlinearity="relu", hidden_size=3, seed=1)
    result = traced(config)
    figure = figures.timeline_figure(result, 0, 0, 0)
    axis = figure.layout.coloraxis
    assert axis.cmin == -axis.cmax
    assert axis.cmax >= max(1.0, float(np.nanmax(np.abs(result.hidden))))


# --- the time axis carries the tokens, escaped -----------------------------------------


def test_time_axis_labels_are_the_tokens(case):
    result, figure, seq, *_ = case
    tokens = result.tokens[seq]
    for axis in time_axes(figure):
        assert list(axis.tickvals) == list(range(len(tokens)))
        assert [label.split("<br>")[0] for label in axis.ticktext] == [
            parts.display_token(token) for token in tokens
        ]
    assert all(token in "".join(time_axes(figure)[0].ticktext) for token in tokens)


HOSTILE = ("a <b> <i>x</i> <a href=x>y</a> <script>alert(1)</script> & b",)
SHORT_HOSTILE = ("a <b> & <i>",)  # short enough for tick labels
OWN_MARKUP = ("<br>", "<sub>", "</sub>", "<b>", "</b>", "<extra>", "</extra>")


def assert_no_raw_html(figure: go.Figure) -> None:
    text = figure.to_json()
    assert "<script" not in text
    assert "\\u003cscript" not in text.lower()
    for value in strings(figure.to_plotly_json()):
        assert "<script" not in value
        stripped = value
        for tag in OWN_MARKUP:
            stripped = stripped.replace(tag, "")
        assert "<" not in stripped, value  # only the figure's own markup is left


def built_figures(result) -> list[go.Figure]:
    built = [figures.timeline_figure(result, 0, 0, 0), input_figure(result, 0)]
    if result.config.cell != "rnn":
        built.append(gates_figure(result, 0, 0, 0))
    return built


@pytest.mark.parametrize(
    ("cell", "tokens"), [("rnn", "words"), ("lstm", "words"), ("gru", "words"), ("gru", "chars")]
)
def test_html_in_tokens_is_escaped_in_every_label(cell, tokens, traced):
    config = ExplorerConfig(sequences=HOSTILE, tokens=tokens, cell=cell, hidden_size=2)
    result = traced(config)
    built = built_figures(result)
    for figure in built:
        assert_no_raw_html(figure)
    timeline = built[0]
    position = result.tokens[0].index("<script>alert(1)</script>" if tokens == "words" else "<")
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;" if tokens == "words" else "&lt;"
    customdata = np.asarray(heatmaps(timeline)[0].customdata)
    assert customdata[0, position] == escaped
    slider_labels = [step.label for step in timeline.layout.sliders[0].steps]
    assert slider_labels[position] == f"{escaped} · {position}"
    path = path_trace(timeline)
    assert path.hovertext[position] == escaped
    if tokens == "words":
        input_labels = list(built[1].layout.yaxis.ticktext)
        assert escaped in input_labels


def test_html_in_tick_labels_is_escaped(traced):
    config = ExplorerConfig(sequences=SHORT_HOSTILE, tokens="words", cell="lstm")
    result = traced(config)
    timeline, inputs, gates = built_figures(result)
    gate_axes = [gates.layout[name] for name in gates.layout if name.startswith("xaxis")]
    axes = [*time_axes(timeline), inputs.layout.xaxis, *gate_axes]
    assert len(axes) == 3 + 1  # the gates share one time axis
    escaped = ["a", "&lt;b&gt;", "&amp;", "&lt;i&gt;"]
    for axis in axes:  # the heatmap's axis carries the tokens only; the others add the step
        labels = [label.split("<br><sub>")[0] for label in axis.ticktext]
        assert labels == escaped
        assert all(raw.count("<") == 0 or "<br><sub>" in raw for raw in axis.ticktext)
    for figure in (timeline, inputs, gates):
        assert_no_raw_html(figure)
    assert list(path_trace(timeline).text) == ["a", "&lt;b&gt;", "&amp;", "&lt;i&gt;"]


def test_a_space_token_is_shown_visibly(traced):
    result = traced(ExplorerConfig(sequences=("a b",)))
    figure = figures.timeline_figure(result, 0, 0, 0)
    assert figure.layout.xaxis.ticktext[1].startswith("␣")


# --- frames: layout only, one cursor per step ------------------------------------------


def test_timeline_frames_move_the_cursor_only(case):
    result, figure, seq, layer, direction = case
    steps = result.hidden.shape[3]
    shown = check_frames(figure, steps, cursors=2)
    assert shown == list(range(steps))  # short sequences: one frame per step
    first = figure.to_plotly_json()["frames"][0]["layout"]["shapes"]
    assert figure.to_plotly_json()["layout"]["shapes"] == first  # the page opens at t = 0
    titles = [a.text for a in figure.layout.annotations if a.text.startswith("h_t, every")]
    for frame in figure.frames:  # a frame keeps the subplot titles
        assert any(a.text == titles[0] for a in frame.layout.annotations)


def test_cursor_point_follows_the_state_space_path(traced):
    config, seq, layer, direction = CASES["lecture_batch_first_off"]
    result = traced(config)
    figure = figures.timeline_figure(result, seq, layer, direction)
    states = result.hidden[layer, direction, seq]
    for frame in figure.frames:
        t = int(frame.name)
        (circle,) = [s for s in frame.layout.shapes if s.type == "circle"]
        assert (circle.xanchor, circle.yanchor) == (float(states[t, 0]), float(states[t, 1]))


def test_three_d_frames_label_the_point_in_the_scene(traced):
    config, seq, layer, direction = CASES["gru_h3_scene"]
    result = traced(config)
    figure = figures.timeline_figure(result, seq, layer, direction)
    states = result.hidden[layer, direction, seq]
    for frame in figure.frames:
        t = int(frame.name)
        (label,) = frame.layout.scene.annotations
        assert (label.x, label.y, label.z) == tuple(float(v) for v in states[t])


def test_long_sequences_get_at_most_max_frames(traced):
    steps = parts.MAX_FRAMES + 51
    line = " ".join(f"{math.sin(t / 5):.2f}" for t in range(steps))
    config = ExplorerConfig(sequences=(line,), tokens="numbers", cell="gru", hidden_size=2)
    result = traced(config)
    timeline = figures.timeline_figure(result, 0, 0, 0)
    shown = check_frames(timeline, steps, cursors=2)
    assert len(shown) < steps
    gates = gates_figure(result, 0, 0, 0)
    check_frames(gates, steps, cursors=3)
    assert timeline.layout.xaxis.ticktext is None  # too many steps to label each one


# --- the path through state space ------------------------------------------------------


def test_state_space_path_is_the_hidden_units_or_pca(case):
    result, figure, seq, layer, direction = case
    states = result.hidden[layer, direction, seq]
    hidden = states.shape[1]
    path = path_trace(figure)
    steps = np.arange(states.shape[0], dtype=np.float32)
    if hidden == 1:
        np.testing.assert_array_equal(np.asarray(path.x), states[:, 0])
        np.testing.assert_array_equal(np.asarray(path.y), steps)
    elif hidden == 2:
        np.testing.assert_array_equal(np.asarray(path.x), states[:, 0])
        np.testing.assert_array_equal(np.asarray(path.y), states[:, 1])
    elif hidden == 3:
        assert path.type == "scatter3d"
        for axis, values in zip("xyz", states.T, strict=True):
            np.testing.assert_array_equal(np.asarray(getattr(path, axis)), values)
    else:
        projection = project_states(result.hidden[layer, direction])
        assert projection.is_pca
        coords = projection.coords[seq]
        np.testing.assert_array_equal(np.asarray(path.x), coords[:, 0])
        np.testing.assert_array_equal(np.asarray(path.y), coords[:, 1])
        assert "PCA" in figure.layout.annotations[1].text
        assert figure.layout.xaxis2.title.text.startswith("PC1")
    assert path.type == ("scatter3d" if hidden == 3 else "scatter")


def test_pca_is_not_the_raw_units(traced):
    config, seq, layer, direction = CASES["lstm_h8_pca"]
    result = traced(config)
    path = path_trace(figures.timeline_figure(result, seq, layer, direction))
    assert not np.allclose(np.asarray(path.x), result.hidden[layer, direction, seq][:, 0])


def test_three_d_scene_stays_in_its_column(traced):
    """The scene keeps its domain and axes once the t = 0 annotations are added."""
    config, seq, layer, direction = CASES["gru_h3_scene"]
    spec = figures.timeline_spec(traced(config), seq, layer, direction)
    scene = spec["layout"]["scene"]
    assert scene["domain"]["x"] == list(parts.RIGHT)
    assert scene["xaxis"]["title"]["text"] == "h[0]"
    assert len(scene["annotations"]) == 1


def test_frames_past_a_lines_end_hide_the_point_instead_of_leaving_it(traced):
    """Frames merge shape and annotation lists by index: every frame must carry the same
    number of each, with the state-space point hidden where no state was computed."""
    config = ExplorerConfig(sequences=("hello", "hi"), cell="gru", hidden_size=2)
    spec = figures.timeline_spec(traced(config), 1, 0, 0)  # "hi": 2 of 5 steps computed
    counts = {(len(f["layout"]["shapes"]), len(f["layout"]["annotations"])) for f in spec["frames"]}
    assert len(counts) == 1
    for frame in spec["frames"]:
        t = int(frame["name"])
        (circle,) = [s for s in frame["layout"]["shapes"] if s["type"] == "circle"]
        assert circle.get("visible", True) is (t < 2)
