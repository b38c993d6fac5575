"""The main view's state-space chart on its own (`state_space_spec`): the path of h_t
through the units themselves (hidden size <= 3; 3 is a 3-D scene) or their first two
principal components, the current step's point ringed and moved by the stepper through
`layout.meta[0].hse` (no frames)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from components.figures import parts, state_space
from components.figures.cursor import POINT_NAME, cursor_meta
from components.i18n import t
from model.config import ExplorerConfig
from model.presets import PRESETS
from model.projection import project_states
from tests.components.figures.figure_checks import CASES, check_cursor

THREE_D = ("gru_h3_scene", "lstm_bidir_2_layers_unequal")  # hidden size 3


@pytest.fixture(params=list(CASES), ids=list(CASES))
def case(request, traced):
    """(trace, state-space spec, seq, layer, direction) of each scene."""
    config, seq, layer, direction = CASES[request.param]
    result = traced(config)
    return (
        result,
        state_space.state_space_spec(result, seq, layer, direction),
        seq,
        layer,
        direction,
    )


def path_trace(spec: dict) -> dict:
    (path,) = [trace for trace in spec["data"] if trace["name"] == "path of h_t"]
    return path


def as_json(values) -> list[float | None]:
    """What the stepper is sent for each step: the value, or None where none was computed."""
    return [None if np.isnan(v) else float(v) for v in np.asarray(values)]


# --- the path is the trace --------------------------------------------------------------


def test_state_space_path_is_the_hidden_units_or_pca(case):
    result, spec, seq, layer, direction = case
    states = result.hidden[layer, direction, seq]
    hidden = states.shape[1]
    path = path_trace(spec)
    steps = np.arange(states.shape[0], dtype=np.float32)
    layout = spec["layout"]
    if hidden == 1:  # one unit: its value across, time down
        np.testing.assert_array_equal(np.asarray(path["x"]), states[:, 0])
        np.testing.assert_array_equal(np.asarray(path["y"]), steps)
        assert layout["yaxis"]["title"]["text"] == t("fig_time_step", "en")
    elif hidden == 2:
        np.testing.assert_array_equal(np.asarray(path["x"]), states[:, 0])
        np.testing.assert_array_equal(np.asarray(path["y"]), states[:, 1])
        assert layout["yaxis"]["scaleanchor"] == "x"  # a circle stays a circle
    elif hidden == 3:
        assert path["scene"] == "scene"
        for axis, values in zip("xyz", states.T, strict=True):
            np.testing.assert_array_equal(np.asarray(path[axis]), values)
    else:
        projection = project_states(result.hidden[layer, direction])
        assert projection.is_pca
        coords = projection.coords[seq]
        np.testing.assert_array_equal(np.asarray(path["x"]), coords[:, 0])
        np.testing.assert_array_equal(np.asarray(path["y"]), coords[:, 1])
        assert layout["title"]["text"] == t("fig_state_space_pca", "en")
        assert "PCA" in layout["title"]["text"]
        assert layout["xaxis"]["title"]["text"].startswith("PC1")
    assert path["type"] == ("scatter3d" if hidden == 3 else "scatter")
    if hidden <= 3:
        assert spec["layout"]["title"]["text"] == t("fig_state_space", "en")


def test_pca_is_not_the_raw_units(traced):
    config, seq, layer, direction = CASES["lstm_h8_pca"]
    result = traced(config)
    path = path_trace(state_space.state_space_spec(result, seq, layer, direction))
    assert not np.allclose(np.asarray(path["x"]), result.hidden[layer, direction, seq][:, 0])


def test_points_darken_with_time(case):
    """Light at the first step, dark at the last, so a long path reads in order."""
    result, spec, seq, *_ = case
    steps = len(result.tokens[seq])
    marker = path_trace(spec)["marker"]
    np.testing.assert_array_equal(np.asarray(marker["color"]), np.arange(steps))
    assert (marker["cmin"], marker["cmax"]) == (0, max(1, steps - 1))
    assert marker["colorscale"][-1] == [1, parts.PATH_BLUE]


def test_the_other_sequences_are_drawn_faint_behind(traced):
    config, seq, layer, direction = CASES["gru_h3_scene"]  # "hello", "world": seq 1 shown
    result = traced(config)
    spec = state_space.state_space_spec(result, seq, layer, direction)
    (others,) = [trace for trace in spec["data"] if trace["name"] == "other sequences"]
    x = np.asarray(others["x"])
    np.testing.assert_array_equal(x[:5], result.hidden[layer, direction, 0][:, 0])
    assert np.isnan(x[5:]).all()  # a gap, so the next sequence would not join on
    assert others["opacity"] < 1 and others["hoverinfo"] == "skip"
    assert all(trace.get("showlegend") is False for trace in spec["data"])
    assert spec["layout"]["showlegend"] is False


# --- the ringed point: a named shape (2-D) or marker (3-D), its steps in the meta ------


@pytest.mark.parametrize("name", [name for name in CASES if name not in THREE_D])
def test_the_ring_follows_the_path_at_every_step(name, traced):
    config, seq, layer, direction = CASES[name]
    result = traced(config)
    spec = state_space.state_space_spec(result, seq, layer, direction)
    steps = len(result.tokens[seq])
    meta = check_cursor(spec, steps, cursors=0)  # no time axis: the ring moves instead
    path = path_trace(spec)
    assert meta["point"] == {"x": as_json(path["x"]), "y": as_json(path["y"])}
    states = result.hidden[layer, direction, seq]
    if states.shape[1] <= 2:  # the units themselves: the stepper is sent the trace's states
        assert meta["point"]["x"] == as_json(states[:, 0])
        assert meta["point"]["y"] == as_json(
            states[:, 1] if states.shape[1] == 2 else np.arange(steps)
        )
    assert len(meta["point"]["x"]) == len(meta["point"]["y"]) == steps
    (ring,) = [shape for shape in spec["layout"]["shapes"] if shape["name"] == POINT_NAME]
    assert ring["type"] == "circle" and ring["visible"] is True
    assert (ring["xanchor"], ring["yanchor"]) == (meta["point"]["x"][0], meta["point"]["y"][0])


def test_past_a_lines_end_the_point_has_no_position(traced):
    """A packed shorter line: the stepper hides the ring where no state was computed."""
    config = ExplorerConfig(sequences=("hello", "hi"), cell="gru", hidden_size=2)
    result = traced(config)
    spec = state_space.state_space_spec(result, 1, 0, 0)  # "hi": 2 of 5 steps computed
    point = check_cursor(spec, 5, cursors=0)["point"]
    states = result.hidden[0, 0, 1]
    assert point["x"] == [float(states[0, 0]), float(states[1, 0]), None, None, None]
    assert point["y"] == [float(states[0, 1]), float(states[1, 1]), None, None, None]
    (ring,) = spec["layout"]["shapes"]
    assert ring["visible"] is True  # t = 0 was computed


@pytest.mark.parametrize("name", THREE_D)
def test_three_d_marker_follows_the_path_at_every_step(name, traced):
    config, seq, layer, direction = CASES[name]
    result = traced(config)
    spec = state_space.state_space_spec(result, seq, layer, direction)
    tokens = result.tokens[seq]
    meta = check_cursor(spec, len(tokens), cursors=0)
    point = meta["scene_point"]
    states = result.hidden[layer, direction, seq]
    for axis, values in zip("xyz", states.T, strict=True):
        assert point[axis] == as_json(values)  # the units themselves, None past the end
    # a short path writes every token at its point, so the ring adds no second label
    assert point["text"] == [""] * len(tokens)
    assert path_trace(spec)["text"] == [parts.display_token(token) for token in tokens]
    marker = spec["data"][point["trace"]]  # the trace the stepper restyles
    assert marker["type"] == "scatter3d" and marker["mode"] == "markers+text"
    assert (marker["x"], marker["y"], marker["z"], marker["text"]) == (
        [point["x"][0]],
        [point["y"][0]],
        [point["z"][0]],
        [point["text"][0]],
    )  # opens at t = 0
    assert "point" not in meta and "shapes" not in spec["layout"]  # no 2-D ring in a scene


def test_a_packed_line_in_three_d_has_no_position_past_its_end(traced):
    config, seq, layer, direction = CASES["lstm_bidir_2_layers_unequal"]  # "hi" beside "hello"
    layout = state_space.state_space_spec(traced(config), seq, layer, direction)["layout"]
    point = cursor_meta(layout)["scene_point"]
    for axis in "xyz":
        assert None not in point[axis][:2] and point[axis][2:] == [None, None, None]


def test_three_d_scene_names_its_axes(traced):
    config, seq, layer, direction = CASES["gru_h3_scene"]
    scene = state_space.state_space_spec(traced(config), seq, layer, direction)["layout"]["scene"]
    assert [scene[axis]["title"]["text"] for axis in ("xaxis", "yaxis", "zaxis")] == [
        "h[0]",
        "h[1]",
        "h[2]",
    ]
    assert scene["aspectmode"] == "cube"
    low, high = scene["xaxis"]["range"]  # tanh: symmetric, never past [-1.1, 1.1]
    assert low == -high and high <= 1.1


def test_a_long_three_d_path_names_the_current_step_at_the_ring(traced):
    """Past MAX_POINT_LABELS steps the path's points are not labelled (a blob of text), so
    the ring writes its own token and step, restyled by the stepper at each step."""
    line = "abcd" * (parts.MAX_POINT_LABELS // 4 + 2)
    result = traced(ExplorerConfig(sequences=(line,), cell="gru", hidden_size=3))
    spec = state_space.state_space_spec(result, 0, 0, 0)
    assert path_trace(spec)["text"] is None
    point = cursor_meta(spec["layout"])["scene_point"]
    assert point["text"] == [f"<b>{token}</b> (t={t})" for t, token in enumerate(line)]
    assert spec["data"][point["trace"]]["text"] == [point["text"][0]]


def test_three_d_axes_are_each_titled_with_few_ticks(traced):
    config, seq, layer, direction = CASES["gru_h3_scene"]
    scene = state_space.state_space_spec(traced(config), seq, layer, direction)["layout"]["scene"]
    for name in "xyz":
        axis = scene[f"{name}axis"]
        assert axis["title"]["text"] == f"h[{'xyz'.index(name)}]"
        assert axis["nticks"] == state_space.SCENE_TICKS
        assert axis["tickfont"]["size"] < parts.FONT_SIZE  # a narrow column: smaller type


def long_line() -> str:
    return ("hello world " * 4)[: parts.MAX_POINT_LABELS + 5]


@pytest.mark.parametrize("hidden", [2, 8])
def test_a_long_path_in_the_plane_is_faint_with_its_recent_steps_as_shapes(hidden, traced):
    """Past MAX_POINT_LABELS steps the path is a tangle: faint, with TRAIL_STEPS - 1 line
    shapes (hidden at t = 0, fading from the oldest) that the stepper moves with the ring."""
    result = traced(ExplorerConfig(sequences=(long_line(),), hidden_size=hidden))
    spec = state_space.state_space_spec(result, 0, 0, 0)
    assert cursor_meta(spec["layout"])["trail"] == {"steps": state_space.TRAIL_STEPS}
    segments = [s for s in spec["layout"]["shapes"] if s["name"] == state_space.TRAIL_SEGMENT_NAME]
    assert len(segments) == state_space.TRAIL_STEPS - 1
    assert not any(segment["visible"] for segment in segments)
    opacity = [segment["opacity"] for segment in segments]
    assert opacity == sorted(opacity) and opacity[0] < 0.5 and opacity[-1] == 1
    assert spec["layout"]["shapes"][-1]["name"] == POINT_NAME  # the ring drawn over them
    assert path_trace(spec)["opacity"] < 0.5
    assert all(trace["name"] != state_space.TRAIL_NAME for trace in spec["data"])


def test_a_long_three_d_path_has_its_recent_steps_as_a_trace(traced):
    """A scene has no shapes: its trail is a trace the stepper cuts from the positions,
    opening at t = 0 with the first point, darkest."""
    result = traced(ExplorerConfig(sequences=(long_line(),), hidden_size=3, cell="gru"))
    spec = state_space.state_space_spec(result, 0, 0, 0)
    meta = cursor_meta(spec["layout"])
    trail = spec["data"][meta["trail"]["trace"]]
    assert trail["name"] == state_space.TRAIL_NAME and trail["type"] == "scatter3d"
    at = meta["scene_point"]
    assert [trail[axis] for axis in "xyz"] == [[at[axis][0]] for axis in "xyz"]
    assert trail["marker"]["color"] == [trail["marker"]["cmax"]] == [state_space.TRAIL_STEPS - 1]
    assert path_trace(spec)["opacity"] < 0.5 and "opacity" not in trail


def test_a_short_path_has_no_trail(traced):
    for hidden in (2, 3):
        config = ExplorerConfig(sequences=("hello",), hidden_size=hidden, cell="gru")
        spec = state_space.state_space_spec(traced(config), 0, 0, 0)
        assert "trail" not in cursor_meta(spec["layout"])
        assert all(trace["name"] != state_space.TRAIL_NAME for trace in spec["data"])
        names = {shape["name"] for shape in spec["layout"].get("shapes", [])}
        assert state_space.TRAIL_SEGMENT_NAME not in names
        assert "opacity" not in path_trace(spec)


def test_a_labelled_path_is_not_clipped_and_a_long_one_is(traced):
    """A token above a point at the top of the plot was cut by the plot's edge; a long
    path (no labels) stays clipped, or Plotly tests each of its points at every draw."""
    for line, clipped in (("hello", False), (long_line(), True)):
        spec = state_space.state_space_spec(traced(ExplorerConfig(sequences=(line,))), 0, 0, 0)
        assert path_trace(spec)["cliponaxis"] is clipped, line


@pytest.mark.parametrize(
    ("config", "gap"),
    [
        (PRESETS["korean"], state_space.SCENE_LABEL_GAP),  # GRU, hidden 3: a 3-D scene
        (ExplorerConfig(sequences=("hello world",)), state_space.LABEL_GAP),  # the plane
    ],
    ids=["korean-3d", "hello-world-plane"],
)
def test_tokens_of_states_close_together_are_written_once(config, gap, traced):
    """A token is written at its point unless a point already written (earlier in time)
    is nearer than `gap` of the axes' spans (as drawn: the spec's ranges): close states
    wrote their tokens over each other. The hover still names every point."""
    result = traced(config)
    spec = state_space.state_space_spec(result, 0, 0, 0)
    path = path_trace(spec)
    names = "xyz" if path["type"] == "scatter3d" else "xy"
    layout = spec["layout"].get("scene", spec["layout"])
    spans = np.array([np.ptp(layout[f"{name}axis"]["range"]) for name in names])
    points = np.stack([np.asarray(path[name], dtype=np.float64) for name in names], axis=1)
    scaled = points / spans

    def apart(i: int, j: int) -> float:
        return float(np.linalg.norm(scaled[i] - scaled[j]))

    written = [i for i, label in enumerate(path["text"]) if label]
    left_out = sorted(set(range(len(points))) - set(written))
    assert left_out, "the case must be cluttered, or it tests nothing"
    for i, j in combinations(written, 2):
        assert apart(i, j) >= gap, (path["hovertext"][i], path["hovertext"][j], apart(i, j))
    for i in left_out:
        assert any(apart(i, j) < gap for j in written if j < i), (i, path["hovertext"][i])
    assert path["hovertext"] == [parts.display_token(t) for t in result.tokens[0]]
    for i in written:
        assert path["text"][i] == path["hovertext"][i]


def test_the_lectures_tokens_are_all_written(traced):
    spec = state_space.state_space_spec(traced(PRESETS["lecture"]), 0, 0, 0)
    assert all(path_trace(spec)["text"])


@pytest.mark.parametrize("case", ["lecture", "deep", "small"])
def test_a_fixed_range_in_the_plane_has_three_ticks_inside_it(case, traced):
    """-d, 0 and d, with d the largest of TICK_STEPS within the range: on ±0.9, Plotly
    asked for 3 ticks (presenter mode) wrote only 0. Principal components ask for nticks;
    so does a 3-D scene, whose three ticks ran together around its small cube."""
    config = {
        "lecture": PRESETS["lecture"],
        "deep": ExplorerConfig(sequences=("hello", "world"), num_layers=2, bidirectional=True),
        "small": ExplorerConfig(sequences=("ab",), cell="lstm", seed=3),
    }[case]
    spec = state_space.state_space_spec(traced(config), 0, 0, 0)
    for name in ("xaxis", "yaxis"):
        axis = spec["layout"][name]
        low, high = axis["range"]
        minus, zero, step = axis["tickvals"]
        assert (minus, zero) == (-step, 0) and low == -high, axis
        assert step in state_space.TICK_STEPS and step <= high
        assert all(d > high for d in state_space.TICK_STEPS if d > step), (step, high)
        assert "nticks" not in axis
    pca = state_space.state_space_spec(traced(config.with_changes(hidden_size=6)), 0, 0, 0)
    assert pca["layout"]["xaxis"]["nticks"] == state_space.STATE_TICKS
    assert "tickvals" not in pca["layout"]["xaxis"]
