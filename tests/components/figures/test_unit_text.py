"""The "A unit in the text" figures on their own: a Trace in, a Plotly spec out, checked
against the trace's arrays, and validated by Plotly itself."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.figures import unit_text as uf
from components.figures.parts import DIVERGING_SCALE, MARK, display_token
from model.config import ExplorerConfig
from model.encoding import PAD_TOKEN
from model.lessons.unit_text import quantities, quantity_values
from model.presets import PRESETS

HELLO = PRESETS["hello"]
LSTM16 = ExplorerConfig(sequences=("the quick brown fox", "jumps over it"), cell="lstm",
                        hidden_size=16)  # fmt: skip
HOSTILE = ExplorerConfig(sequences=("<b>x</b> <i>y</i> <b>x</b>", "a & b"), tokens="words")


def validated(spec: dict) -> go.Figure:
    """Plotly's own validation: every property name and value must exist."""
    return go.Figure(spec)


def shape_steps(spec: dict, colour: str) -> list[int]:
    return sorted(
        round((s["x0"] + s["x1"]) / 2) for s in spec["layout"]["shapes"]
        if s["line"]["color"] == colour and s["xref"] == "x"
    )  # fmt: skip


@pytest.mark.parametrize("quantity", ["h", "c", "forget", "candidate"])
def test_units_heatmap_has_one_invisible_point_per_cell(traced, quantity):
    scene = traced(LSTM16)
    spec = uf.unit_heatmap_spec(scene, quantity, 1, 0, 0, 5, (2, 4), "en")
    validated(spec)
    cells, overlay = spec["data"]
    values = quantity_values(scene, quantity)[0, 0, 1]  # (T, H)
    np.testing.assert_array_equal(cells["z"], values.T)
    assert cells["hoverinfo"] == "skip" and "customdata" not in cells
    steps, units = values.shape
    assert sorted(zip(overlay["x"].tolist(), overlay["y"].tolist(), strict=True)) == [
        (s, u) for s in range(steps) for u in range(units)
    ]
    np.testing.assert_array_equal(overlay["customdata"], overlay["y"])
    assert overlay["marker"]["opacity"] == 0
    assert overlay["selected"]["marker"]["opacity"] == 0
    assert overlay["unselected"]["marker"]["opacity"] == 0
    # the hover of each point is its own cell's value
    points = zip(overlay["x"], overlay["y"], overlay["hovertext"], strict=True)
    for x, y, hover in points:
        value = values[x, y]
        assert hover.endswith(f"value = {value:.4f}" if np.isfinite(value) else "not computed")
    unit_row = spec["layout"]["shapes"][0]
    assert (unit_row["y0"], unit_row["y1"]) == (4.5, 5.5)
    assert shape_steps(spec, uf.STRETCH) == [3]  # one rectangle over steps 2..4
    assert spec["layout"]["shapes"][1]["x0"] == 1.5 and spec["layout"]["shapes"][1]["x1"] == 4.5


def test_units_heatmap_starts_in_click_mode_and_offers_box_select(traced):
    spec = uf.unit_heatmap_spec(traced(HELLO), "h", 0, 0, 0, 0, None, "ko")
    layout = spec["layout"]
    assert layout["dragmode"] == "pan" and layout["selectdirection"] == "h"
    assert layout["xaxis"]["fixedrange"] and layout["yaxis"]["fixedrange"]
    buttons = layout["updatemenus"][0]["buttons"]
    assert [b["args"][0]["dragmode"] for b in buttons] == ["pan", "select"]
    assert buttons[0]["label"].startswith("☝ 클릭")
    assert [s["line"]["color"] for s in layout["shapes"]] == [MARK]  # no stretch yet


def test_a_wide_layer_thins_the_overlay_but_keeps_every_unit(traced):
    scene = traced(ExplorerConfig(sequences=("hello world " * 30,), hidden_size=64))
    steps, units = scene.hidden.shape[3], scene.hidden.shape[4]
    spec = uf.unit_heatmap_spec(scene, "h", 0, 0, 0, 63, None, "en")
    overlay = spec["data"][1]
    assert len(overlay["x"]) <= uf.MAX_OVERLAY_POINTS < steps * units
    assert set(overlay["y"].tolist()) == set(range(units))
    shown = uf.overlay_steps(steps, units)
    stride = math.ceil(steps / (uf.MAX_OVERLAY_POINTS // units))
    assert shown[0] == 0 and np.all(np.diff(shown) == stride)


def read_back(spec: dict, grid: uf.TextGrid, batch: int, steps: int) -> tuple[np.ndarray, ...]:
    """The text figure's cells back in (N, T) order."""
    missing, cells = spec["data"]
    values = np.full((batch, steps), np.nan, dtype=np.float32)
    texts = np.full((batch, steps), "", dtype=object)
    grey = np.zeros((batch, steps), dtype=bool)
    for block, n in enumerate(grid.sequences):
        for step in range(grid.steps_shown):
            row = block * grid.rows_per_sequence + step // grid.columns
            col = step % grid.columns
            values[n, step] = cells["z"][row, col]
            texts[n, step] = cells["text"][row, col]
            grey[n, step] = missing["z"][row, col] == 1
    return values, texts, grey


LINES = st.text("ab c", min_size=1, max_size=60).filter(str.strip)
CONFIGS = st.builds(
    ExplorerConfig,
    sequences=st.lists(LINES, min_size=1, max_size=4).map(tuple),
    cell=st.sampled_from(["rnn", "lstm", "gru"]),
    hidden_size=st.integers(1, 6),
    bidirectional=st.booleans(),
    batch_first=st.booleans(),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=CONFIGS, pick=st.data())
def test_the_text_shows_every_sequence_coloured_by_the_unit(traced, config, pick):
    scene = traced(config)
    batch, steps, units = scene.hidden.shape[2:]
    quantity = pick.draw(st.sampled_from(quantities(scene)))
    unit = pick.draw(st.integers(0, units - 1))
    direction = pick.draw(st.integers(0, scene.num_directions - 1))
    seq = pick.draw(st.integers(0, batch - 1))
    spec = uf.unit_text_spec(scene, quantity, 0, direction, unit, seq, "en")
    grid = uf.text_grid(scene, seq)
    assert seq in grid.sequences and grid.rows <= uf.MAX_TEXT_ROWS
    values, texts, grey = read_back(spec, grid, batch, steps)
    expected = quantity_values(scene, quantity)[0, direction, :, :, unit]
    shown = list(grid.sequences)
    cut = grid.steps_shown
    np.testing.assert_array_equal(values[shown, :cut], expected[shown, :cut])
    np.testing.assert_array_equal(grey[shown, :cut], ~scene.valid[shown, :cut])
    for n in shown:
        for step in range(cut):
            token = scene.tokens[n][step]
            assert texts[n, step] == (display_token(token) if scene.valid[n, step] else "")
    assert spec["layout"]["coloraxis"]["colorscale"] == DIVERGING_SCALE


def test_hello_text_is_one_row_with_the_lecture_colour_range(traced):
    scene = traced(HELLO)
    spec = uf.unit_text_spec(scene, "h", 0, 0, 1, 0, "en")
    validated(spec)
    cells = spec["data"][1]
    assert cells["text"][0, :5].tolist() == list("hello")
    np.testing.assert_array_equal(cells["z"][0, :5], scene.hidden[0, 0, 0, :, 1])
    assert (spec["layout"]["coloraxis"]["cmin"], spec["layout"]["coloraxis"]["cmax"]) == (-1, 1)
    assert spec["layout"]["xaxis"]["range"] == [-0.5, 4.5]  # cells keep their width
    assert spec["layout"]["yaxis"]["ticktext"] == ["<b>1</b>"]


def test_packed_padding_is_grey_and_batch_first_off_padding_is_a_computed_dot(traced):
    packed = traced(ExplorerConfig(sequences=("hello", "hi"), cell="gru"))
    spec = uf.unit_text_spec(packed, "h", 0, 0, 0, 1, "en")
    missing, cells = spec["data"]
    assert np.isnan(cells["z"][1, 2:5]).all() and (missing["z"][1, 2:5] == 1).all()
    assert cells["text"][1, 2:5].tolist() == ["", "", ""]
    read_as_columns = traced(ExplorerConfig(sequences=("hello", "hi"), batch_first=False))
    spec = uf.unit_text_spec(read_as_columns, "h", 0, 0, 0, 0, "en")
    assert spec["data"][1]["text"][2].tolist()[:2] == ["l", PAD_TOKEN]  # fed zeros, computed
    assert np.isfinite(spec["data"][1]["z"][2, :2]).all()


def test_long_text_wraps_and_many_sequences_are_windowed(traced):
    lines = tuple(f"line {i} " + "abcdefghij" * 30 for i in range(16))
    scene = traced(ExplorerConfig(sequences=lines, hidden_size=2))
    grid = uf.text_grid(scene, 12)
    assert grid.columns == uf.MAX_ROW_TOKENS
    assert grid.rows_per_sequence == math.ceil(len(scene.tokens[0]) / grid.columns)
    assert grid.rows <= uf.MAX_TEXT_ROWS and 12 in grid.sequences
    assert len(grid.sequences) == uf.MAX_TEXT_ROWS // grid.rows_per_sequence < 16
    spec = uf.unit_text_spec(scene, "h", 0, 0, 0, 12, "en")
    validated(spec)
    labels = spec["layout"]["yaxis"]["ticktext"]
    assert "<b>13</b>" in labels and f"<b>13 · t{grid.columns}</b>" in labels
    assert "11" in labels and f"11 · t{grid.columns}" in labels


def test_words_get_fewer_cells_per_row_and_escaped_text(traced):
    scene = traced(HOSTILE)
    grid = uf.text_grid(scene, 0)
    assert grid.columns < uf.MAX_ROW_TOKENS
    spec = uf.unit_text_spec(scene, "h", 0, 0, 0, 0, "en")
    validated(spec)
    text = spec["data"][1]["text"]
    assert text[0, 0] == "&lt;b&gt;x&lt;/b&gt;" and text[1, 1] == "&amp;"
    assert not any("<b>x" in str(cell) for cell in spec["data"][1]["customdata"].ravel())


def test_names_follow_the_cell_type(traced):
    gru = traced(ExplorerConfig(cell="gru", hidden_size=2))
    lstm = traced(ExplorerConfig(cell="lstm", hidden_size=2))
    assert uf.unit_name(gru, "candidate", 1) == "n[1]"
    assert uf.unit_name(lstm, "candidate", 1) == "g[1]"
    assert uf.quantity_label(gru, "candidate", "en") == "candidate n"
    assert uf.quantity_label(lstm, "forget", "ko") == "망각 게이트 f"
