"""The live heatmap beside the loss chart during a run (`live_states_spec`): the first
sequence's h_t with the run's current weights, equal to the explorer's trace of those
weights, tokens on the time axis, a fitted colour scale symmetric about 0, the step in
the title, and at most MAX_LIVE_STEPS x MAX_LIVE_UNITS."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.figures import training as figures
from components.figures.parts import as_figure, time_labels
from components.i18n import t
from model.config import ExplorerConfig
from model.encoding import encode
from model.presets import PRESETS
from model.trace import trace_model
from model.training.config import TrainConfig
from model.training.live import LiveStates
from model.training.network import built_model_for
from model.training.run import train

HIHELLO = PRESETS["hihello"]


def run_to(config: ExplorerConfig, train_config: TrainConfig, step: int):
    """A run stopped after `step` updates, and its LiveStates."""
    run = train(config, train_config, time_limit=None)
    live = LiveStates(run, figures.MAX_LIVE_STEPS)
    for record in run:
        if record.step == step:
            return run, live
    raise AssertionError(step)


def test_the_heatmap_is_the_trace_of_the_current_weights():
    run, live = run_to(HIHELLO, TrainConfig(steps=40), 25)
    spec = figures.live_states_spec(live.states(), live.tokens, 25)
    (heatmap,) = spec["data"]
    weights = {name: value.detach().clone() for name, value in run.network.state_dict().items()}
    encoded = encode(HIHELLO)
    traced = trace_model(HIHELLO, encoded, built_model_for(HIHELLO, weights, encoded))
    np.testing.assert_allclose(heatmap["z"], traced.hidden[0, 0, 0].T, rtol=0, atol=1e-6)
    assert heatmap["z"].dtype == np.float32
    assert spec["layout"]["title"]["text"] == "h_t after step 25"
    axis = spec["layout"]["xaxis"]
    assert axis["ticktext"] == time_labels(traced.tokens[0])  # h i h e l l o under the steps
    assert isinstance(as_figure(spec), go.Figure)


def test_colours_are_fitted_and_symmetric_about_zero():
    values = np.array([[0.1, -0.3], [0.2, 0.05]], dtype=np.float32)
    axis = figures.live_states_spec(values, ("a", "b"), 3)["layout"]["coloraxis"]
    assert axis["cmin"] == -axis["cmax"] and np.isclose(axis["cmax"], 0.3)
    assert axis["colorbar"]["title"]["text"] == t("fig_colour_fitted", "en", bound="0.3")


def test_logit_units_are_named_and_korean_titles_say_the_step():
    values = np.zeros((3, 2), dtype=np.float32)
    labels = ("0 → h", "1 → i")
    spec = figures.live_states_spec(values, ("h", "i", "h"), 7, "ko", labels, height=480)
    layout = spec["layout"]
    assert layout["yaxis"]["ticktext"] == list(labels) and layout["height"] == 480
    assert layout["title"]["text"] == t("fig_train_states", "ko", step=7)


def test_a_long_wide_sequence_shows_its_first_steps_and_units_and_says_so():
    steps, units = figures.MAX_LIVE_STEPS + 20, figures.MAX_LIVE_UNITS + 6
    values = np.arange(steps * units, dtype=np.float32).reshape(steps, units)
    spec = figures.live_states_spec(values, tuple("x" * steps), 9)
    (heatmap,) = spec["data"]
    np.testing.assert_array_equal(
        heatmap["z"], values[: figures.MAX_LIVE_STEPS, : figures.MAX_LIVE_UNITS].T
    )
    part = t("fig_train_states_part", "en", steps=figures.MAX_LIVE_STEPS,
             units=figures.MAX_LIVE_UNITS)  # fmt: skip
    assert spec["layout"]["title"]["text"] == f"h_t after step 9 · {part}"
