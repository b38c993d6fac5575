"""The "Usage patterns" diagrams on their own: a Trace in, a Plotly spec out, inspected
as data."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from components.charting import binary
from components.figures import patterns as pf
from components.figures.unrolled import (
    INPUT_FILL,
    MAX_DRAWN,
    UNUSED_FILL,
    drawn_positions,
)
from components.i18n import t
from model.config import ExplorerConfig
from model.lessons.patterns import PATTERN_NAMES, usage_pattern
from model.presets import PRESETS

LSTM_2_BI = ExplorerConfig(
    sequences=("hello", "hi"), cell="lstm", hidden_size=3, num_layers=2, bidirectional=True
)


def valid(spec: dict) -> dict:
    """The spec as the browser gets it; Plotly's own validator must accept it."""
    go.Figure(binary(spec))
    json.dumps(binary(spec), default=str)
    return spec


def texts(spec: dict) -> list[str]:
    return [note["text"] for note in spec["layout"]["annotations"]]


def rects(spec: dict, fill: str) -> list[dict]:
    return [s for s in spec["layout"]["shapes"] if s["type"] == "rect" and s["fillcolor"] == fill]


def arrows(spec: dict, colour: str) -> list[dict]:
    notes = spec["layout"]["annotations"]
    return [n for n in notes if n.get("showarrow") and n.get("arrowcolor") == colour]


@pytest.mark.parametrize("name", PATTERN_NAMES)
@pytest.mark.parametrize("config", [PRESETS["lecture"], LSTM_2_BI, PRESETS["hihello"]])
def test_every_pattern_draws_its_inputs_and_used_outputs(traced, name, config):
    trace = traced(config)
    pattern = usage_pattern(trace, 1 if len(trace.tokens) > 1 else 0, name)
    spec = valid(pf.pattern_spec(pattern, config, "en"))
    most = pf.MAX_DRAWN_ENCODER if pattern.decoder_steps else MAX_DRAWN
    columns = drawn_positions(pattern.positions, most)
    drawn = [p for p in columns if p is not None]
    used = [p for p in drawn if p in pattern.outputs]
    state_box = any(tensor.holds == "final_state" for tensor in pattern.tensors)
    assert len(rects(spec, pf.USED_FILL)) == len(used) + state_box + pattern.decoder_steps
    assert len(rects(spec, UNUSED_FILL)) == len(drawn) - len(used)
    assert len(rects(spec, INPUT_FILL)) == len([p for p in drawn if p in pattern.inputs])
    assert len(rects(spec, pf.DECODER_FILL)) == pattern.decoder_steps
    assert spec["layout"]["title"]["text"].startswith(pf.pattern_label(name, "en"))
    expected_reverse = len(columns) - 1 if config.bidirectional else 0
    assert len(arrows(spec, pf.REVERSE)) == expected_reverse


def test_many_to_one_names_output_last_and_h_n(traced):
    trace = traced(PRESETS["lecture"])
    spec = pf.pattern_spec(usage_pattern(trace, 0, "many_to_one"), trace.config, "en")
    assert "output[-1]" in texts(spec) and "h_n[-1]" in texts(spec)  # batch_first off
    assert [x for x in texts(spec) if x in ("h", "e", "l")] == ["h", "e", "l"]
    one_line = LSTM_2_BI.with_changes(sequences=("hello",))
    spec = pf.pattern_spec(usage_pattern(traced(one_line), 0, "many_to_one"), one_line, "en")
    assert "h_n[-2],<br>h_n[-1]" in texts(spec) and "output[:, -1]" in texts(spec)
    assert len(arrows(spec, pf.REVERSE)) == 4  # the reverse direction, right to left
    packed = traced(LSTM_2_BI)  # hello, hi: output[:, -1] is padding for "hi"
    spec = pf.pattern_spec(usage_pattern(packed, 1, "many_to_one"), LSTM_2_BI, "en")
    assert "output[1, 1]" in texts(spec)


def test_one_to_many_feeds_its_predictions_back(traced):
    trace = traced(PRESETS["hihello"])
    pattern = usage_pattern(trace, 0, "one_to_many")
    spec = valid(pf.pattern_spec(pattern, trace.config, "en"))
    paths = [s for s in spec["layout"]["shapes"] if s["type"] == "path" and "V 0" in s["path"]]
    assert len(paths) == 6  # output t -> input t+1 for the 7 drawn steps
    fed = [n["text"] for n in spec["layout"]["annotations"]
           if n.get("font", {}).get("color") == pf.FEEDBACK and n["y"] == 0
           and not n.get("showarrow")]  # fmt: skip
    assert fed == list(pattern.predictions[:-1])
    assert t("patterns_each_call", "en", expr="output[:, 0]") in texts(spec)


def test_encoder_decoder_hands_h_n_and_c_n_to_a_decoder(traced):
    trace = traced(LSTM_2_BI)
    spec = valid(pf.pattern_spec(usage_pattern(trace, 0, "encoder_decoder"), LSTM_2_BI, "en"))
    assert t("patterns_decoder_note", "en") in texts(spec)
    assert t("patterns_handoff", "en", tensors="h_n, c_n") in texts(spec)
    assert t("patterns_start", "en") in texts(spec)


def test_korean_labels(traced):
    trace = traced(LSTM_2_BI)
    spec = pf.pattern_spec(usage_pattern(trace, 0, "many_to_many"), LSTM_2_BI, "ko")
    assert spec["layout"]["title"]["text"].startswith("다대다")
    assert spec["layout"]["yaxis"]["ticktext"] == ["입력", "네트워크", "출력"]


def test_user_tokens_never_reach_plotly_as_markup(traced):
    config = ExplorerConfig(sequences=("<b>x</b> <i>y</i>",), tokens="words", hidden_size=2)
    trace = traced(config)
    many_to_one = usage_pattern(trace, 0, "many_to_one")
    shown = json.dumps(binary(pf.pattern_spec(many_to_one, config, "en")), default=str)
    assert "<b>x" not in shown and "<i>" not in shown
