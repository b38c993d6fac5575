"""What the figure tests share: the scenes they draw, and checks of a figure's heatmaps,
strings and animation frames."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.figures import parts
from model.config import ExplorerConfig
from model.presets import PRESETS

# name -> (config, sequence, layer, direction) shown
CASES = {
    "rnn_h1": (ExplorerConfig(sequences=("hello", "hi"), hidden_size=1), 0, 0, 0),
    "lecture_batch_first_off": (PRESETS["lecture"], 1, 0, 0),
    "rnn_relu_h2": (ExplorerConfig(sequences=("abcab",), nonlinearity="relu", seed=3), 0, 0, 0),
    "gru_h3_scene": (
        ExplorerConfig(sequences=("hello", "world"), cell="gru", hidden_size=3),
        1,
        0,
        0,
    ),
    "lstm_h8_pca": (
        ExplorerConfig(sequences=("hello", "eolll"), cell="lstm", hidden_size=8),
        0,
        0,
        0,
    ),
    "lstm_bidir_2_layers_unequal": (
        ExplorerConfig(
            sequences=("hello", "hi"), cell="lstm", hidden_size=3, num_layers=2, bidirectional=True
        ),
        1,
        1,
        1,
    ),
    "gru_bidir_batch_first_off": (
        ExplorerConfig(
            sequences=("abc", "ab"),
            cell="gru",
            hidden_size=2,
            bidirectional=True,
            num_layers=2,
            batch_first=False,
            seed=7,
        ),
        2,
        0,
        1,
    ),  # fmt: skip
    "rnn_words_embedding": (
        ExplorerConfig(
            sequences=("the cat sat", "a dog"),
            tokens="words",
            encoding="embedding",
            input_size=5,
            hidden_size=4,
            init_state="random",
            bias=False,
        ),
        0,
        0,
        0,
    ),  # fmt: skip
}
TANH_CASES = [name for name, case in CASES.items() if case[0].nonlinearity == "tanh"]


def heatmaps(figure: go.Figure) -> list:
    return [trace for trace in figure.data if trace.type == "heatmap"]


def strings(value):
    """Every string inside a figure's JSON-like dict."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)
    elif isinstance(value, np.ndarray) and value.dtype == object:
        for item in value.ravel():
            yield from strings(item)


def check_frames(figure: go.Figure, steps: int, cursors: int) -> list[int]:
    frames = figure.to_plotly_json()["frames"]
    assert 1 <= len(frames) <= parts.MAX_FRAMES
    assert len(frames) == min(steps, len(parts.frame_steps(steps)))
    shown = []
    for frame in frames:
        assert set(frame) <= {"name", "layout"}, "frames must not carry trace data"
        assert not frame.get("data")
        t = int(frame["name"])
        shown.append(t)
        lines = [s for s in frame["layout"]["shapes"] if s["type"] == "line"]
        assert len(lines) == cursors
        assert all(s["x0"] == t and s["x1"] == t for s in lines)
    assert shown[0] == 0 and shown == sorted(shown) and shown[-1] < steps
    slider = figure.layout.sliders[0]
    assert [list(step.args[0]) for step in slider.steps] == [[str(t)] for t in shown]
    return shown
