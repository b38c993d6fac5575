"""Tokens as text in the charts: user text is never read as HTML by Plotly, and a space
token is shown, in both charts of the main view (the hidden state, its state-space path)
and in the input and gates charts that share the time axis."""

from __future__ import annotations

import numpy as np
import pytest

from components.figures import state_space
from components.figures import timeline as figures
from components.figures.cursor import cursor_meta
from components.figures.gates import gates_spec
from components.figures.input import input_spec
from components.figures.parts import as_figure
from model.config import ExplorerConfig
from tests.components.figures.figure_checks import strings

HOSTILE = ("a <b> <i>x</i> <a href=x>y</a> <script>alert(1)</script> & b",)
SHORT_HOSTILE = ("a <b> & <i>",)  # short enough for tick labels
OWN_MARKUP = ("<br>", "<sub>", "</sub>", "<b>", "</b>", "<extra>", "</extra>")


def assert_no_raw_html(spec: dict) -> None:
    sent = as_figure(spec).to_json().lower()  # what the browser is sent
    assert "<script" not in sent and "\\u003cscript" not in sent
    for value in strings(spec):
        assert "<script" not in value.lower()
        stripped = value
        for tag in OWN_MARKUP:
            stripped = stripped.replace(tag, "")
        assert "<" not in stripped, value  # only the figure's own markup is left


def built_specs(result) -> dict[str, dict]:
    built = {
        "timeline": figures.timeline_spec(result, 0, 0, 0),
        "state_space": state_space.state_space_spec(result, 0, 0, 0),
        "input": input_spec(result, 0),
    }
    if result.config.cell != "rnn":
        built["gates"] = gates_spec(result, 0, 0, 0)
    return built


def path_trace(spec: dict) -> dict:
    (path,) = [trace for trace in spec["data"] if trace["name"] == "path of h_t"]
    return path


@pytest.mark.parametrize(
    ("cell", "tokens", "hidden"),
    [("rnn", "words", 2), ("lstm", "words", 2), ("gru", "words", 3), ("gru", "chars", 2)],
)
def test_html_in_tokens_is_escaped_in_every_label(cell, tokens, hidden, traced):
    config = ExplorerConfig(sequences=HOSTILE, tokens=tokens, cell=cell, hidden_size=hidden)
    result = traced(config)
    built = built_specs(result)
    for spec in built.values():
        assert_no_raw_html(spec)
    position = result.tokens[0].index("<script>alert(1)</script>" if tokens == "words" else "<")
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;" if tokens == "words" else "&lt;"
    customdata = np.asarray(built["timeline"]["data"][0]["customdata"])
    assert customdata[0, position] == f"{position} · {escaped}"  # the heatmap's hover
    space = built["state_space"]
    assert path_trace(space)["hovertext"][position] == escaped
    if hidden == 3:  # the 3-D labels: the path's points, or the ring's (a long line)
        label = cursor_meta(space["layout"])["scene_point"]["text"][position]
        assert label in (f"<b>{escaped}</b> (t={position})", "")
        assert label or path_trace(space)["text"][position] == escaped
    if tokens == "words":
        assert escaped in built["input"]["layout"]["yaxis"]["ticktext"]


def test_html_in_tick_labels_is_escaped(traced):
    config = ExplorerConfig(sequences=SHORT_HOSTILE, tokens="words", cell="lstm")
    result = traced(config)
    built = built_specs(result)
    timeline, gates = built["timeline"]["layout"], built["gates"]["layout"]
    assert timeline["xaxis2"]["showticklabels"] is False  # the lines read the heatmap's axis
    assert [name for name in gates if name.startswith("xaxis")] == ["xaxis"]  # one, shared
    axes = [timeline["xaxis"], built["input"]["layout"]["xaxis"], gates["xaxis"]]
    escaped = ["a", "&lt;b&gt;", "&amp;", "&lt;i&gt;"]
    for axis in axes:  # each token, then its step
        labels = [label.split("<br><sub>")[0] for label in axis["ticktext"]]
        assert labels == escaped
        assert all(raw.count("<") == 0 or "<br><sub>" in raw for raw in axis["ticktext"])
    for spec in built.values():
        assert_no_raw_html(spec)
    assert list(path_trace(built["state_space"])["text"]) == escaped  # the path's point labels


def test_a_space_token_is_shown_visibly_in_both_charts(traced):
    result = traced(ExplorerConfig(sequences=("a bc",)))  # the space's state apart from a's
    built = built_specs(result)
    assert built["timeline"]["layout"]["xaxis"]["ticktext"][1].startswith("␣")
    assert np.asarray(built["timeline"]["data"][0]["customdata"])[0, 1] == "1 · ␣"
    path = path_trace(built["state_space"])
    assert path["text"][1] == path["hovertext"][1] == "␣"


def test_a_space_token_is_shown_in_a_window_of_a_long_sequence(traced):
    steps = figures.WINDOW_STEPS + 10
    line = ("ab " * steps)[:steps]
    spec = figures.timeline_spec(traced(ExplorerConfig(sequences=(line,))), 0, 0, 0)
    ticktext = spec["layout"]["xaxis"]["ticktext"]
    assert len(ticktext) == steps and ticktext[:3] == ["a", "b", "␣"]


def test_a_space_token_is_shown_in_the_three_d_labels(traced):
    config = ExplorerConfig(sequences=("a b",), cell="gru", hidden_size=3)
    spec = state_space.state_space_spec(traced(config), 0, 0, 0)
    assert path_trace(spec)["text"][1] == "␣"
    line = ("a b" * state_space.MAX_POINT_LABELS)[: state_space.MAX_POINT_LABELS + 1]
    spec = state_space.state_space_spec(traced(config.with_changes(sequences=(line,))), 0, 0, 0)
    assert cursor_meta(spec["layout"])["scene_point"]["text"][1] == "<b>␣</b> (t=1)"
