"""The unrolled-network figures on their own: a Trace in, a Plotly spec out, inspected as
data. (The weights heatmaps: tests/components/test_weights_figure.py.)"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.charting import _binary
from components.figures import unrolled as uf
from components.i18n import t
from model.config import ExplorerConfig
from model.lessons.patterns import PATTERN_NAMES, usage_pattern
from model.presets import PRESETS

LSTM_2_BI = ExplorerConfig(
    sequences=("hello", "hi"), cell="lstm", hidden_size=3, num_layers=2, bidirectional=True
)


def valid(spec: dict) -> dict:
    """The spec as the browser gets it; Plotly's own validator must accept it."""
    go.Figure(_binary(spec))
    json.dumps(_binary(spec), default=str)
    return spec


def texts(spec: dict) -> list[str]:
    return [note["text"] for note in spec["layout"]["annotations"]]


def rects(spec: dict, fill: str) -> list[dict]:
    return [s for s in spec["layout"]["shapes"] if s["type"] == "rect" and s["fillcolor"] == fill]


def arrows(spec: dict, colour: str) -> list[dict]:
    notes = spec["layout"]["annotations"]
    return [n for n in notes if n.get("showarrow") and n.get("arrowcolor") == colour]


# --- the unrolled network with its shared weights -------------------------------------------


def test_every_step_shows_the_same_w_ih_and_w_hh(traced):
    trace = traced(PRESETS["lecture"])  # sequence 1 as PyTorch read it: h, e, l
    spec = valid(uf.shared_weights_spec(trace, 0, 0, 0, "en"))
    notes = spec["layout"]["annotations"]
    tags = [n for n in notes if n.get("bgcolor")]
    w_ih = [n for n in tags if n["text"] == "W<sub>ih</sub>"]
    w_hh = [n for n in tags if n["text"] == "W<sub>hh</sub>"]
    assert len(w_ih) == 3 and len(w_hh) == 2  # one per input; one per step-to-step arrow
    assert {n["bgcolor"] for n in w_ih} == {uf.W_IH_COLOUR}
    assert {n["bgcolor"] for n in w_hh} == {uf.W_HH_COLOUR}
    assert len(rects(spec, uf.INPUT_FILL)) == len(rects(spec, uf.CELL_FILL)) == 3
    assert [x for x in texts(spec) if x in ("h", "e", "l")] == ["h", "e", "l"]  # tokens, in order
    steps = arrows(spec, uf.W_HH_COLOUR)  # initial state -> h0 -> h1 -> h2
    assert len(steps) == 3 and all(a["x"] > a["ax"] for a in steps)
    assert spec["layout"]["title"]["text"].startswith("Unrolled over sequence 1")


def test_the_reverse_direction_runs_right_to_left(traced):
    trace = traced(LSTM_2_BI)
    spec = valid(uf.shared_weights_spec(trace, 0, 1, 1, "en"))
    steps = arrows(spec, uf.W_HH_COLOUR)
    assert len(steps) == 5 and all(a["x"] < a["ax"] for a in steps)
    (start,) = rects(spec, uf.UNUSED_FILL)  # the initial state enters at the right
    assert start["x0"] > max(r["x0"] for r in rects(spec, uf.CELL_FILL))
    assert "layer 2 · reverse" in spec["layout"]["title"]["text"]
    rows = spec["layout"]["yaxis"]["ticktext"]
    assert rows[0] == t("unrolled_row_below", "en")  # layer 2 reads layer 1's h_t


@settings(max_examples=30, deadline=None)
@given(steps=st.integers(1, 60))
def test_long_sequences_show_the_first_steps_a_gap_and_the_last(steps):
    drawn = uf.drawn_positions(steps)
    assert len(drawn) == min(steps, uf.MAX_DRAWN)
    assert drawn[-1] == steps - 1 and drawn[0] == 0
    if steps > uf.MAX_DRAWN:
        assert drawn == [*range(uf.MAX_DRAWN - 2), None, steps - 1]
    else:
        assert None not in drawn


def test_a_long_sequence_is_drawn_with_its_gap(traced):
    config = ExplorerConfig(sequences=("abcdefghijklmnopqrst",), hidden_size=2)
    spec = valid(uf.shared_weights_spec(traced(config), 0, 0, 0, "en"))
    assert len(rects(spec, uf.INPUT_FILL)) == uf.MAX_DRAWN - 1
    assert texts(spec).count("…") == 2  # the gap, in both rows
    assert "t = 19" in texts(spec) and "t = 6" not in texts(spec)


def test_user_tokens_are_escaped_and_cut():
    assert uf.box_text("<b>") == "&lt;b&gt;"
    assert uf.box_text(" ") == "␣"
    assert uf.box_text("extraordinary") == "extrao…"
    assert len(uf.box_text("extraordinary", 5)) == 5


# --- usage patterns ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", PATTERN_NAMES)
@pytest.mark.parametrize("config", [PRESETS["lecture"], LSTM_2_BI, PRESETS["hihello"]])
def test_every_pattern_draws_its_inputs_and_used_outputs(traced, name, config):
    trace = traced(config)
    pattern = usage_pattern(trace, 1 if len(trace.tokens) > 1 else 0, name)
    spec = valid(uf.pattern_spec(pattern, config, "en"))
    most = uf.MAX_DRAWN_ENCODER if pattern.decoder_steps else uf.MAX_DRAWN
    columns = uf.drawn_positions(pattern.positions, most)
    drawn = [p for p in columns if p is not None]
    used = [p for p in drawn if p in pattern.outputs]
    state_box = any(tensor.holds == "final_state" for tensor in pattern.tensors)
    assert len(rects(spec, uf.USED_FILL)) == len(used) + state_box + pattern.decoder_steps
    assert len(rects(spec, uf.UNUSED_FILL)) == len(drawn) - len(used)
    assert len(rects(spec, uf.INPUT_FILL)) == len([p for p in drawn if p in pattern.inputs])
    assert len(rects(spec, uf.DECODER_FILL)) == pattern.decoder_steps
    assert spec["layout"]["title"]["text"].startswith(uf.pattern_label(name, "en"))
    expected_reverse = len(columns) - 1 if config.bidirectional else 0
    assert len(arrows(spec, uf.REVERSE)) == expected_reverse


def test_many_to_one_names_output_last_and_h_n(traced):
    trace = traced(PRESETS["lecture"])
    spec = uf.pattern_spec(usage_pattern(trace, 0, "many_to_one"), trace.config, "en")
    assert "output[-1]" in texts(spec) and "h_n[-1]" in texts(spec)  # batch_first off
    assert [x for x in texts(spec) if x in ("h", "e", "l")] == ["h", "e", "l"]
    one_line = LSTM_2_BI.with_changes(sequences=("hello",))
    spec = uf.pattern_spec(usage_pattern(traced(one_line), 0, "many_to_one"), one_line, "en")
    assert "h_n[-2],<br>h_n[-1]" in texts(spec) and "output[:, -1]" in texts(spec)
    assert len(arrows(spec, uf.REVERSE)) == 4  # the reverse direction, right to left
    packed = traced(LSTM_2_BI)  # hello, hi: output[:, -1] is padding for "hi"
    spec = uf.pattern_spec(usage_pattern(packed, 1, "many_to_one"), LSTM_2_BI, "en")
    assert "output[1, 1]" in texts(spec)


def test_one_to_many_feeds_its_predictions_back(traced):
    trace = traced(PRESETS["hihello"])
    pattern = usage_pattern(trace, 0, "one_to_many")
    spec = valid(uf.pattern_spec(pattern, trace.config, "en"))
    paths = [s for s in spec["layout"]["shapes"] if s["type"] == "path" and "V 0" in s["path"]]
    assert len(paths) == 6  # output t -> input t+1 for the 7 drawn steps
    fed = [n["text"] for n in spec["layout"]["annotations"]
           if n.get("font", {}).get("color") == uf.FEEDBACK and n["y"] == 0
           and not n.get("showarrow")]  # fmt: skip
    assert fed == list(pattern.predictions[:-1])
    assert t("patterns_each_call", "en", expr="output[:, 0]") in texts(spec)


def test_encoder_decoder_hands_h_n_and_c_n_to_a_decoder(traced):
    trace = traced(LSTM_2_BI)
    spec = valid(uf.pattern_spec(usage_pattern(trace, 0, "encoder_decoder"), LSTM_2_BI, "en"))
    assert t("patterns_decoder_note", "en") in texts(spec)
    assert t("patterns_handoff", "en", tensors="h_n, c_n") in texts(spec)
    assert t("patterns_start", "en") in texts(spec)


def test_korean_labels(traced):
    trace = traced(LSTM_2_BI)
    spec = uf.pattern_spec(usage_pattern(trace, 0, "many_to_many"), LSTM_2_BI, "ko")
    assert spec["layout"]["title"]["text"].startswith("다대다")
    assert spec["layout"]["yaxis"]["ticktext"] == ["입력", "네트워크", "출력"]


def test_user_tokens_never_reach_plotly_as_markup(traced):
    config = ExplorerConfig(sequences=("<b>x</b> <i>y</i>",), tokens="words", hidden_size=2)
    trace = traced(config)
    many_to_one = usage_pattern(trace, 0, "many_to_one")
    for spec in (uf.shared_weights_spec(trace, 0, 0, 0, "en"),
                 uf.pattern_spec(many_to_one, config, "en")):  # fmt: skip
        shown = json.dumps(_binary(spec), default=str)
        assert "<b>x" not in shown and "<i>" not in shown
