"""What the figure tests share: the scenes they draw, and checks of a figure's heatmaps,
strings and time cursors (named shapes and `layout.meta[0].hse`, moved by
`components.stepper`)."""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from components.figures.cursor import CURSOR_NAME, cursor_meta
from model.config import ExplorerConfig
from model.lessons.compare import Comparison, compare_cells
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


def cursor_shapes(spec: dict) -> list[dict]:
    """The shapes the stepper moves along a time axis (dotted vertical lines)."""
    return [s for s in spec["layout"].get("shapes", []) if s.get("name") == CURSOR_NAME]


def assert_not_animated(spec: dict) -> None:
    """The time cursor is moved in the browser: no Plotly frames, slider or play buttons
    (a chart redrawn by fullscreen or a new scene loses frames but keeps its layout)."""
    assert "frames" not in spec
    assert not {"sliders", "updatemenus"} & set(spec["layout"])


def check_cursor(spec: dict, steps: int, cursors: int) -> dict:
    """A figure with a time cursor opens at t = 0: `cursors` named dotted lines, one per
    plot, across its whole height, and `layout.meta[0].hse` says how many steps the
    stepper walks. Returns the meta."""
    assert_not_animated(spec)
    lines = cursor_shapes(spec)
    assert len(lines) == cursors
    for line in lines:
        assert line["type"] == "line"
        assert (line["x0"], line["x1"]) == (0, 0)  # the page opens at t = 0
        assert line["yref"].endswith(" domain") and (line["y0"], line["y1"]) == (0, 1)
    assert len({(line["xref"], line["yref"]) for line in lines}) == cursors  # one per plot
    meta = cursor_meta(spec["layout"])
    assert meta is not None
    assert meta["steps"] == steps
    json.dumps(meta, allow_nan=False)  # plain JSON for the browser: floats and None, no NaN
    return meta


# --- the comparison figures (test_compare.py, test_order.py) ------------------------------

DEEP = ExplorerConfig(
    sequences=("hello", "help"), cell="lstm", num_layers=2, bidirectional=True, hidden_size=4
)


@lru_cache(maxsize=8)
def compared(config: ExplorerConfig) -> Comparison:
    return compare_cells(config)


def spec_heatmaps(spec: dict) -> list[dict]:
    return [trace for trace in spec["data"] if trace["type"] == "heatmap"]


def titles(spec: dict) -> list[str]:
    return [note["text"] for note in spec["layout"]["annotations"]]


def check_layout(spec: dict) -> None:
    """Plotly accepts it, every panel stays inside the figure, and panels do not overlap."""
    go.Figure(spec)
    boxes = []
    for name, axis in spec["layout"].items():
        if name.startswith("xaxis"):
            y_axis = spec["layout"]["yaxis" + name[5:]]
            x0, x1 = axis["domain"]
            y0, y1 = y_axis["domain"]
            assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1, name
            boxes.append((x0, x1, y0, y1))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2], (a, b)
