"""The hidden-state chart's colours: one diverging scale, white at 0, fitted by default to
the largest |h| of the layer and direction shown (so LSTM, GRU and wide layers show their
structure), tanh's fixed [-1, 1] one click away; the colour bar says which."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from components.figures import timeline as figures
from components.figures.parts import as_figure
from components.i18n import t
from model.config import ExplorerConfig
from tests.components.figures.figure_checks import CASES, TANH_CASES, heatmaps

RELU = {  # a ReLU RNN's h_t is unbounded: below 1 here, up to 3.9 with numbers in
    "small": ExplorerConfig(sequences=("abcabcabc",), nonlinearity="relu", hidden_size=3, seed=1),
    "large": ExplorerConfig(
        sequences=("3 9 7 8 9 9 5",), tokens="numbers", nonlinearity="relu", hidden_size=3, seed=1
    ),
}


def largest(values: np.ndarray) -> float:
    return float(np.nanmax(np.abs(values)))


def test_one_shared_diverging_scale(traced):
    for name in CASES:
        config, seq, layer, direction = CASES[name]
        for fitted in (True, False):
            spec = figures.timeline_spec(traced(config), seq, layer, direction, fitted=fitted)
            figure = as_figure(spec)
            assert [key for key in spec["layout"] if key.startswith("coloraxis")] == ["coloraxis"]
            axis = figure.layout.coloraxis
            assert axis.colorscale == go.layout.Coloraxis(colorscale="RdBu_r").colorscale
            scale = dict(axis.colorscale)  # diverging: blue below zero, near-white at 0, red above
            assert (scale[0.0], scale[0.5], scale[1.0]) == (
                "rgb(5,48,97)",
                "rgb(247,247,247)",
                "rgb(103,0,31)",
            )
            assert axis.cmin == -axis.cmax  # symmetric: white is 0
            for heatmap in heatmaps(figure):
                assert heatmap.coloraxis == "coloraxis"
                assert heatmap.colorscale is None  # no private scale competing with the shared one


@pytest.mark.parametrize("name", list(CASES))
def test_fitted_by_default_to_the_largest_value_of_the_layer_and_direction(name, traced):
    config, seq, layer, direction = CASES[name]
    result = traced(config)
    axis = figures.timeline_spec(result, seq, layer, direction)["layout"]["coloraxis"]
    bound = largest(result.hidden[layer, direction])  # every sequence: switching keeps colours
    assert (axis["cmin"], axis["cmax"]) == (-bound, bound)
    title = axis["colorbar"]["title"]["text"]
    assert title == t("fig_colour_fitted", "en", bound=f"{bound:.2g}")
    assert "fitted" in title and f"±{bound:.2g}" in title


def test_fitted_scale_is_the_same_for_every_sequence_of_a_layer(traced):
    """The bound is the layer's, not the sequence's: "hi" keeps the colours of "hello"."""
    config, _, layer, direction = CASES["lstm_bidir_2_layers_unequal"]
    result = traced(config)
    per_sequence = [largest(result.hidden[layer, direction, seq]) for seq in (0, 1)]
    assert per_sequence[0] != per_sequence[1]  # the check below can tell them apart
    axes = [figures.timeline_spec(result, seq, layer, direction)["layout"]["coloraxis"]
            for seq in (0, 1)]  # fmt: skip
    assert axes[0]["cmax"] == axes[1]["cmax"] == max(per_sequence)


def test_fitted_lines_share_the_heatmaps_bound(traced):
    config, seq, layer, direction = CASES["lstm_h8_pca"]
    result = traced(config)
    layout = figures.timeline_spec(result, seq, layer, direction)["layout"]
    low, high = layout["yaxis2"]["range"]
    bound = layout["coloraxis"]["cmax"]
    assert low == -high and bound < high <= 1.1 * bound  # every line in view, none squeezed
    states = result.hidden[layer, direction, seq]
    assert low <= np.nanmin(states) and np.nanmax(states) <= high


@pytest.mark.parametrize("name", TANH_CASES)
def test_fixed_is_minus_one_to_one_for_tanh_cells(name, traced):
    config, seq, layer, direction = CASES[name]
    spec = figures.timeline_spec(traced(config), seq, layer, direction, fitted=False)
    axis = spec["layout"]["coloraxis"]
    assert (axis["cmin"], axis["cmax"]) == (-1.0, 1.0)
    assert axis["colorbar"]["title"]["text"] == t("fig_colour_fixed", "en", bound="1")
    assert "fixed" in axis["colorbar"]["title"]["text"]


@pytest.mark.parametrize("fitted", [True, False])
@pytest.mark.parametrize("size", list(RELU))
def test_relu_scale_is_symmetric_and_covers_every_value(size, fitted, traced):
    result = traced(RELU[size])
    assert (largest(result.hidden) > 1) is (size == "large")  # [-1, 1] would clip "large"
    axis = figures.timeline_spec(result, 0, 0, 0, fitted=fitted)["layout"]["coloraxis"]
    assert axis["cmin"] == -axis["cmax"]
    if fitted:
        assert axis["cmax"] == largest(result.hidden)
    else:  # fixed: at least tanh's [-1, 1], wider when ReLU went further
        assert axis["cmax"] == max(1.0, largest(result.hidden))
    key = "fig_colour_fitted" if fitted else "fig_colour_fixed"
    assert axis["colorbar"]["title"]["text"] == t(key, "en", bound=f"{axis['cmax']:.2g}")


def test_the_colour_bar_speaks_korean(traced):
    config, seq, layer, direction = CASES["lecture_batch_first_off"]
    result = traced(config)
    for fitted, key in ((True, "fig_colour_fitted"), (False, "fig_colour_fixed")):
        spec = figures.timeline_spec(result, seq, layer, direction, lang="ko", fitted=fitted)
        axis = spec["layout"]["coloraxis"]
        assert axis["colorbar"]["title"]["text"] == t(key, "ko", bound=f"{axis['cmax']:.2g}")
