"""The pieces every figure shares: the title suffix ("sequence n · layer k · reverse", the
layer written as the page's layer control writes it), the colour range and its colour
bar, and the heatmap's hover."""

from __future__ import annotations

import numpy as np
import pytest

from components.figures.parts import (
    MAX_HOVER_CELLS,
    chart_title,
    coloraxis,
    colour_range,
    heatmap,
    titled,
    where,
)
from components.i18n import t
from model.config import ExplorerConfig

DEEP = ExplorerConfig(sequences=("hello", "hi"), cell="lstm", num_layers=2, bidirectional=True)


def test_the_layer_and_direction_are_named_only_when_there_are_several(traced):
    deep, single = traced(DEEP), traced(ExplorerConfig())
    assert where(deep, "en", 1, 1, 1) == "sequence 2 · layer 2 · reverse"
    assert where(deep, "en", layer=0, direction=0) == "layer 1 · forward"
    assert where(single, "en", 0, 0, 0) == "sequence 1"
    assert where(single, "en", layer=0, direction=0) == ""


def test_korean_writes_the_layer_as_the_layer_control_does(traced):
    shown = where(traced(DEEP), "ko", 0, 1, 0)
    assert shown == " · ".join(
        (t("fig_sequence_n", "ko", n=1), t("fig_layer_n", "ko", n=2), t("direction_forward", "ko"))
    )
    assert t("select_layer", "ko") in t("fig_layer_n", "ko", n=2)  # 층 (layer) 2


def test_titles_skip_empty_parts(traced):
    assert titled("Input x_t", "") == "Input x_t"
    assert titled("a", "b", "") == "a · b"
    title = chart_title("Hidden state", traced(DEEP), 0, 1, 1, "en")
    assert title == "Hidden state · LSTM · sequence 1 · layer 2 · reverse"


# --- colours: one scale, white at 0, fitted or fixed ----------------------------------


def test_colour_range_fitted_is_the_largest_value_either_side():
    values = np.array([[0.1, np.nan], [-0.42, 0.3]], dtype=np.float32)
    for bounded_values in (True, False):  # fitted ignores what the cell could reach
        low, high = colour_range(values, bounded_values, fitted=True)
        assert (low, high) == (-float(np.float32(0.42)), float(np.float32(0.42)))
    assert colour_range(np.zeros((2, 2)), True, fitted=True) == (-1e-6, 1e-6)  # never empty


def test_colour_range_fixed_is_tanhs_range_or_covers_every_value():
    small = np.array([0.2, -0.5, np.nan])
    assert colour_range(small, bounded=True) == (-1.0, 1.0)
    assert colour_range(small * 10, bounded=True) == (-1.0, 1.0)  # tanh cells: always [-1, 1]
    assert colour_range(small, bounded=False) == (-1.0, 1.0)  # at least [-1, 1]
    assert colour_range(small * 10, bounded=False) == (-5.0, 5.0)  # ReLU: every value
    assert colour_range(np.full(3, np.nan), bounded=False, fitted=True) == (-1.0, 1.0)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_colour_bar_says_which_scale(lang):
    fitted = coloraxis(-0.4213, 0.4213, lang, fitted=True)
    assert fitted["colorbar"]["title"]["text"] == t("fig_colour_fitted", lang, bound="0.42")
    fixed = coloraxis(-1.0, 1.0, lang, fitted=False)
    assert fixed["colorbar"]["title"]["text"] == t("fig_colour_fixed", lang, bound="1")
    plain = coloraxis(-1.0, 1.0, lang)  # charts without the choice: just "value"
    assert plain["colorbar"]["title"]["text"] == t("fig_value", lang)
    assert (fitted["cmin"], fitted["cmax"]) == (-0.4213, 0.4213)


def test_heatmap_hover_names_the_step_and_its_token():
    values = np.zeros((3, 2), dtype=np.float32)
    small = heatmap(values, ("a", "<b>", " "), "h", "x", "y")
    assert "t = %{customdata}<br>" in small["hovertemplate"]  # %{x} would be the token
    assert np.asarray(small["customdata"]).shape == (2, 3)
    assert list(np.asarray(small["customdata"])[1]) == ["0 · a", "1 · &lt;b&gt;", "2 · ␣"]
    steps = MAX_HOVER_CELLS // 2 + 1  # too many cells to repeat every token
    large = heatmap(np.zeros((steps, 2), dtype=np.float32), ("a",) * steps, "h", "x", "y")
    assert "customdata" not in large and "t = %{x}<br>" in large["hovertemplate"]
