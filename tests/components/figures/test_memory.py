"""The "Memory over time" figures: what each panel holds comes from the backend
(model.lessons.memory), on one log colour scale of absolute values, with the steps in time
order; the eigenvalues are the blocks of k·W_hh beside the unit circle."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
import pytest

from components.figures import memory as mf
from components.i18n import t
from model.config import CELLS, ExplorerConfig
from model.lessons.memory import Memory, cell_sources, memory_run, recurrent_eigenvalues
from model.presets import PRESETS
from model.trace import trace

LECTURE = PRESETS["lecture"]
SENTENCE = ExplorerConfig(sequences=("the cat sat on the mat",), hidden_size=6)
REVERSE = ExplorerConfig(sequences=("abcdefghij" * 12,), hidden_size=48, bidirectional=True,
                         cell="lstm")  # fmt: skip


@lru_cache(maxsize=16)
def run(config: ExplorerConfig, direction: int = 0, scale: float = 1.0) -> Memory:
    return memory_run(trace(config), 0, 0, direction, scale)


def heatmaps(spec: dict) -> list[dict]:
    return [item for item in spec["data"] if item["type"] == "heatmap"]


def subtitle(spec: dict) -> str:
    return spec["layout"]["title"]["subtitle"]["text"]


@pytest.mark.parametrize("which", ["input", "state"])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_influence_is_log10_of_the_absolute_norms_on_one_scale(which, lang):
    memory = run(SENTENCE)
    spec = mf.influence_spec(memory, trace(SENTENCE), which, lang)
    go.Figure(spec)  # Plotly accepts it
    maps = heatmaps(spec)
    assert [m["name"] for m in maps] == ["RNN", "LSTM", "GRU"]
    assert {m["coloraxis"] for m in maps} == {"coloraxis"}  # one scale for the three cells
    axis = spec["layout"]["coloraxis"]
    low, high = axis["cmin"], axis["cmax"]
    matrices = [r.on_input if which == "input" else r.on_state for r in memory.influences]
    values = np.concatenate([m[np.isfinite(m)] for m in matrices])
    assert high == pytest.approx(math.log10(values.max()))
    assert low == pytest.approx(max(math.log10(values.min()), high - mf.COLOUR_DECADES))
    for heat, matrix in zip(maps, matrices, strict=True):
        inside = ~np.isnan(matrix)
        np.testing.assert_allclose(heat["z"][inside], np.log10(matrix[inside]), rtol=1e-6)
        assert np.isnan(heat["z"][~inside]).all()
        assert heat["z"].dtype == np.float32
    quantity = t("memory_fig_dx" if which == "input" else "memory_fig_dh", lang)
    assert quantity in spec["layout"]["title"]["text"]
    assert t("memory_fig_absolute", lang) in subtitle(spec)
    assert axis["colorbar"]["title"]["text"] == quantity
    ticks = dict(zip(axis["colorbar"]["tickvals"], axis["colorbar"]["ticktext"], strict=True))
    assert all(text == "10" + str(v).translate(mf.SUPERSCRIPT) for v, text in ticks.items())
    assert "10⁻²" in ticks.values() or "10⁰" in ticks.values()


def test_nothing_is_normalised_per_row():
    """Row maxima differ: a row's largest value is not scaled to the top of the scale."""
    memory = run(SENTENCE)
    heat = heatmaps(mf.influence_spec(memory, trace(SENTENCE)))[0]["z"]
    row_max = np.nanmax(heat, axis=1)
    assert np.ptp(row_max) > 0.01


def test_rows_are_states_and_columns_inputs_in_time_order_with_tokens():
    scene = trace(SENTENCE)
    spec = mf.influence_spec(run(SENTENCE), scene)
    layout = spec["layout"]
    assert layout["yaxis"]["autorange"] == "reversed"  # t = 0 on top: the lower triangle
    tokens = scene.tokens[0]
    assert layout["xaxis"]["ticktext"] == [mf.display_token(tok) for tok in tokens]
    assert layout["xaxis"]["ticktext"][:4] == ["t", "h", "e", "␣"]
    assert layout["xaxis2"].get("showticklabels", True)  # every panel its steps
    assert layout["yaxis2"]["showticklabels"] is False  # the step labels once, on the left
    titles = [note["text"] for note in layout["annotations"]]
    assert titles == ["RNN", "LSTM", "GRU"]


def test_a_reverse_read_fills_the_upper_triangle_of_the_last_steps():
    memory = run(REVERSE, direction=1)
    assert memory.steps < memory.total_steps
    heat = heatmaps(mf.influence_spec(memory, trace(REVERSE)))[0]
    assert heat["x"][0] == 120 - memory.steps and heat["x"][-1] == 119
    t_index, s_index = np.indices(heat["z"].shape)
    assert np.isnan(heat["z"][t_index > s_index]).all()  # h_t reads x_s only for s >= t
    assert np.isfinite(heat["z"][t_index <= s_index]).all()


def test_the_line_is_the_last_states_row_by_gap_on_a_log_axis():
    memory = run(SENTENCE)
    spec = mf.gap_spec(memory, trace(SENTENCE), "en", when=" · after 3 training steps")
    go.Figure(spec)
    assert spec["layout"]["yaxis"]["type"] == "log"
    for line, influence in zip(spec["data"], memory.influences, strict=True):
        np.testing.assert_allclose(line["y"], influence.on_input[-1, ::-1])
        assert line["x"].tolist() == list(range(memory.steps))
    names = [line["name"] for line in spec["data"]]
    assert names == ["RNN · after 3 training steps", "LSTM", "GRU"]  # the scene's own cell
    assert t("memory_fig_absolute_line", "en") in subtitle(spec)


@pytest.mark.parametrize("scale", [0.5, 1.0, 3.0])
def test_the_eigenvalues_are_the_scaled_blocks_beside_the_unit_circle(scale):
    scene = trace(SENTENCE)
    sources, _ = cell_sources(scene, 0)
    eigen = {s.cell: recurrent_eigenvalues(s, 0, 0) for s in sources}
    spec = mf.eigen_spec(eigen, scale, "en")
    go.Figure(spec)
    points = {item["name"]: item for item in spec["data"]}
    assert len(points) == 1 + 4 + 3
    w_hh = scene.weights["weight_hh_l0"].astype(np.float64)
    expected = np.linalg.eigvals(w_hh) * scale
    radius = np.abs(expected).max()
    (rnn_name,) = [name for name in points if name.startswith("RNN")]
    assert rnn_name == f"RNN W_hh · ρ = {radius:.2f}"
    got = np.sort_complex(points[rnn_name]["x"] + 1j * points[rnn_name]["y"])
    np.testing.assert_allclose(got, np.sort_complex(expected), atol=1e-5)
    circles = spec["layout"]["shapes"]
    assert len(circles) == 3 and all((c["x0"], c["x1"]) == (-1, 1) for c in circles)
    reach = spec["layout"]["xaxis"]["range"][1]
    assert reach >= max(1.2, radius)
    assert spec["layout"]["yaxis"]["scaleanchor"] == "x"  # a circle looks like one


def test_the_scaled_states_are_the_backends_on_one_scale():
    memory = run(SENTENCE, scale=2.5)
    spec = mf.states_spec(memory, trace(SENTENCE), "en")
    go.Figure(spec)
    maps = heatmaps(spec)
    assert len(maps) == len(CELLS)
    for heat, influence in zip(maps, memory.influences, strict=True):
        np.testing.assert_allclose(heat["z"], influence.hidden.T, atol=1e-6)
    assert "× 2.5" in spec["layout"]["title"]["text"]
    assert (spec["layout"]["coloraxis"]["cmin"], spec["layout"]["coloraxis"]["cmax"]) == (-1, 1)


def test_the_log_values_keep_blanks_and_floor_zeros():
    values = np.array([[1.0, np.nan], [0.0, np.inf]])
    logged = mf.log_values(values, -20.0)
    assert logged[0, 0] == 0 and logged[1, 0] == -20 and np.isnan(logged[0, 1])
    assert np.isnan(logged[1, 1])  # an overflow is left blank, not drawn as the top
    assert mf.log_range([np.array([1e-40, 1.0])]) == (-mf.COLOUR_DECADES, 0.0)
    assert mf.log_range([np.array([np.nan])]) == (-1.0, 0.0)


def test_the_lecture_fits_on_a_phone_too():
    """Three panels, the step labels and axis titles written once."""
    spec = mf.influence_spec(run(LECTURE), trace(LECTURE))
    layout = spec["layout"]
    titles = [layout[f"xaxis{s}"]["title"]["text"] for s in ("", "2", "3")]
    assert titles == ["", t("memory_fig_axis_s", "en"), ""]
    assert [layout[f"yaxis{s}"]["title"]["text"] for s in ("", "2", "3")][1:] == ["", ""]
