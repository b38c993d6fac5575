"""The "Packed sequences" figures: the padded and sorted grids, and packed.data grouped
by step with batch_sizes beside each group and each row's h_t, all the backend's numbers
(model.lessons.packing, itself tested against torch)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.figures import packing as pf
from components.figures.parts import DIVERGING_SCALE, PADDING_GREY
from components.i18n import t
from model.config import ExplorerConfig
from model.encoding import PAD_TOKEN
from model.lessons.packing import packing
from model.presets import PRESETS
from tests.components.figures.figure_checks import strings

HELLO = ExplorerConfig(sequences=("hello", "hi", "hey"), batch_first=True, hidden_size=3)
LAB = ExplorerConfig(
    sequences=("hello world", "midnight", "calculation", "path", "short circuit"),
    batch_first=True, cell="lstm", num_layers=2, bidirectional=True, hidden_size=4,
)  # fmt: skip


def cell_colours(heat: dict) -> list[list[str]]:
    """The colour of each cell of a step-scale heatmap (its value's bin)."""
    scale = heat["colorscale"]
    return [[scale[2 * int(z)][1] for z in row] for row in heat["z"]]


def test_the_padded_grid_is_the_typed_batch_with_grey_padding(traced):
    run = packing(traced(HELLO))
    spec = pf.grid_spec(run)
    go.Figure(spec)
    (heat,) = spec["data"]
    assert heat["text"] == [list("hello"), ["h", "i", PAD_TOKEN, PAD_TOKEN, PAD_TOKEN],
                            ["h", "e", "y", PAD_TOKEN, PAD_TOKEN]]  # fmt: skip
    colours = cell_colours(heat)
    assert colours[1][2:] == [PADDING_GREY] * 3 and colours[0] == [pf.sequence_colour(0)] * 5
    assert colours[2][:3] == [pf.sequence_colour(2)] * 3
    assert spec["layout"]["yaxis"]["ticktext"] == ["seq 1 · len 5", "seq 2 · len 2",
                                                   "seq 3 · len 3"]  # fmt: skip
    assert spec["layout"]["yaxis"]["autorange"] == "reversed"  # the first line on top


def test_the_sorted_grid_follows_torchs_sorted_indices(traced):
    run = packing(traced(LAB))
    spec = pf.grid_spec(run, sorted_order=True)
    (heat,) = spec["data"]
    firsts = [row[0] for row in heat["text"]]
    assert firsts == [LAB.sequences[b][0] for b in run.sorted_indices]  # s, h, c, m, p
    labels = spec["layout"]["yaxis"]["ticktext"]
    assert labels == [f"seq {b + 1} · len {run.lengths[b]}" for b in run.sorted_indices]
    assert labels[0] == "seq 5 · len 13"
    assert heat["text"][0][5] == "␣"  # a space is visible


def test_packed_rows_grouped_by_step_with_batch_sizes_and_each_rows_state(traced):
    scene = traced(LAB)
    run = packing(scene)
    spec = pf.packed_spec(run, layer=1, direction=1)
    go.Figure(spec)
    column, states = spec["data"]
    rows = pf.shown_rows(run)
    assert rows == 39 < run.rows == 47  # whole groups up to MAX_PACKED_ROWS rows
    assert [row[0] for row in column["text"]] == [pf.cell_text(tok, 6) for tok in
                                                 run.row_tokens[:rows]]  # fmt: skip
    expected = scene.hidden[1, 1, run.row_sequence[:rows], run.row_step[:rows]]
    np.testing.assert_allclose(states["z"], expected, atol=1e-6)
    assert states["coloraxis"] == "coloraxis" and states["yaxis"] == column["yaxis"] == "y"
    axis = spec["layout"]["coloraxis"]
    assert axis["colorscale"] == DIVERGING_SCALE and axis["cmin"] == -axis["cmax"]
    notes = [note["text"] for note in spec["layout"]["annotations"]]
    assert notes[0] == "<b>batch_sizes</b>" and notes[-1] == "<b>h_t</b>"
    sizes = run.batch_sizes.tolist()
    shown_groups = int((run.group_starts()[1:] <= rows).sum())
    assert notes[1:-1] == [f"<b>{size}</b>" for size in sizes[:shown_groups]]
    lines = spec["layout"]["shapes"]
    assert [line["y0"] + 0.5 for line in lines] == run.group_starts()[1:shown_groups].tolist()
    title = spec["layout"]["title"]["text"]
    assert title == "packed.data: 47 rows in 13 steps · first 39 rows · layer 2 · reverse"


def test_batch_sizes_sit_in_the_middle_of_their_group_and_never_overlap(traced):
    run = packing(traced(HELLO))
    spec = pf.packed_spec(run)
    notes = spec["layout"]["annotations"][1:-1]
    starts = run.group_starts()
    for step, note in enumerate(notes):
        assert starts[step] <= note["y"] <= starts[step + 1] - 1
    assert all(b["y"] - a["y"] >= 1 for a, b in zip(notes, notes[1:], strict=False))
    left, right = spec["layout"]["xaxis"]["domain"], spec["layout"]["xaxis2"]["domain"]
    assert left[1] < pf.SIZES_X < right[0]  # between the column and the states
    assert [note["text"] for note in notes] == ["<b>3</b>", "<b>3</b>", "<b>2</b>", "<b>1</b>",
                                                "<b>1</b>"]  # fmt: skip


def test_without_batch_first_the_packed_figure_has_no_states(traced):
    run = packing(traced(PRESETS["lecture"]))
    spec = pf.packed_spec(run)
    go.Figure(spec)
    assert [trace["type"] for trace in spec["data"]] == ["heatmap"]
    assert "xaxis2" not in spec["layout"] and "coloraxis" not in spec["layout"]


def test_a_long_batch_shows_its_first_steps_and_rows(traced):
    config = ExplorerConfig(sequences=("ab" * 30, "abc" * 5), batch_first=True)
    run = packing(traced(config))
    grid = pf.grid_spec(run)
    assert len(grid["data"][0]["text"][0]) == pf.MAX_GRID_STEPS
    assert "first 24 of 60 steps" in grid["layout"]["title"]["text"]
    assert pf.shown_rows(run) == 40 and pf.shown_rows(run, most=3) == 2  # whole groups
    assert pf.shown_rows(run, most=1) == 2  # at least the first group


def test_tokens_are_escaped_and_long_words_cut_in_their_cells(traced):
    config = ExplorerConfig(sequences=("<b>x</b> extraordinarily", "a"), tokens="words",
                            batch_first=True)  # fmt: skip
    run = packing(traced(config))
    for spec in (pf.grid_spec(run), pf.packed_spec(run)):
        assert not any("<b>x" in text for text in strings(spec["data"]))
    grid = pf.grid_spec(run)
    assert grid["data"][0]["text"][0][1] == "extraor…"
    assert grid["data"][0]["customdata"][0][1][2] == "extraordinarily"  # whole in the hover


def test_korean_labels(traced):
    run = packing(traced(HELLO))
    spec = pf.packed_spec(run, lang="ko")
    assert spec["layout"]["yaxis"]["ticktext"][0] == t("packing_fig_packed_row", "ko", n=1, t=0)
    assert spec["data"][0]["hovertemplate"].startswith(t("packing_fig_sequence", "ko"))
    grid = pf.grid_spec(run, "ko", sorted_order=True)
    assert grid["layout"]["title"]["text"] == t("packing_fig_sorted", "ko")
