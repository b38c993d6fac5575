"""The "Memory over time" tab through AppTest: its charts hold the backend's influence
(model.lessons.memory, itself checked against finite differences and torch.nn cells in
tests/model), the W_hh scale and its reset change them, the plain PyTorch printed is the
backend's, every limit and fallback is said in words."""

from __future__ import annotations

import numpy as np
import pytest

from components.i18n import error_text, t
from components.lessons.memory import SCALE_KEY, WHICH_KEY
from model.config import ExplorerConfig
from model.encoding import encode
from model.errors import ConfigError
from model.lessons.memory import (
    cell_sources,
    memory_code,
    memory_run,
    recurrent_eigenvalues,
    spectral_radius,
)
from model.presets import PRESETS
from model.trace import trace, trace_model
from model.training.config import TrainConfig
from model.training.network import built_model_for
from model.training.run import train_to_end

CHARTS = ("memory_influence_chart", "memory_gap_chart", "memory_eigen_chart",
          "memory_states_chart")  # fmt: skip


def influence_maps(page) -> list[np.ndarray]:
    return page.heatmaps("memory_influence_chart")


def radii(page) -> dict[str, str]:
    return {metric.label: metric.value for metric in page.at.metric}


def test_the_lecture_shows_the_three_cells_influence_and_the_code(page):
    page.open("tab_memory")
    charts = page.charts()
    assert all(key in charts for key in CHARTS)
    scene = trace(PRESETS["lecture"])
    memory = memory_run(scene, 0, 0, 0)
    maps = influence_maps(page)
    assert len(maps) == 3
    for heat, influence in zip(maps, memory.influences, strict=True):
        inside = ~np.isnan(influence.on_input)
        np.testing.assert_allclose(heat[inside], np.log10(influence.on_input[inside]), rtol=1e-5)
        assert np.isnan(heat[~inside]).all()
    (code,) = [block.value for block in page.at.code if "mul_(k)" in block.value]
    assert code == memory_code(scene, memory).strip()  # st.code drops the last newline
    captions = " ".join(page.bodies("caption"))
    assert "dies out" in captions and "normalised per row" in captions
    assert page.at.slider(key=SCALE_KEY).value == 1.0


def test_the_scale_changes_influence_radius_and_code_and_reset_restores_it(page):
    page.open("tab_memory")
    scene = trace(PRESETS["lecture"])
    sources, _ = cell_sources(scene, 0)
    rnn = next(s for s in sources if s.cell == "rnn")
    radius = spectral_radius(recurrent_eigenvalues(rnn, 0, 0))["h"]
    assert radii(page)[t("memory_radius", "en", cell="RNN")] == f"{radius:.2f}"
    page.at.slider(key=SCALE_KEY).set_value(2.5).run()
    page.check()
    assert radii(page)[t("memory_radius", "en", cell="RNN")] == f"{2.5 * radius:.2f}"
    scaled = memory_run(scene, 0, 0, 0, 2.5)
    heat = influence_maps(page)[0]
    inside = ~np.isnan(scaled.influences[0].on_input)
    np.testing.assert_allclose(heat[inside], np.log10(scaled.influences[0].on_input[inside]),
                               rtol=1e-5)  # fmt: skip
    states = page.heatmaps("memory_states_chart")
    np.testing.assert_allclose(states[0], scaled.influences[0].hidden.T, atol=1e-6)
    assert any("k = 2.5" in block.value for block in page.at.code)
    page.at.button(key="memory_reset").click().run()
    page.check()
    assert page.at.slider(key=SCALE_KEY).value == 1.0
    assert radii(page)[t("memory_radius", "en", cell="RNN")] == f"{radius:.2f}"


def test_the_influence_of_an_earlier_state(page):
    page.open("tab_memory")
    page.at.radio(key=WHICH_KEY).set_value("state").run()
    page.check()
    memory = memory_run(trace(PRESETS["lecture"]), 0, 0, 0)
    heat = influence_maps(page)[1]  # the LSTM
    on_state = memory.influences[1].on_state
    inside = ~np.isnan(on_state)
    np.testing.assert_allclose(heat[inside], np.log10(on_state[inside]), rtol=1e-5)
    assert t("memory_fig_dh", "en") in page.charts()["memory_influence_chart"]["layout"][
        "title"]["text"]  # fmt: skip


def test_a_long_sequence_shows_its_first_steps_and_says_so(make_app):
    page = make_app({"seq": "abcdefghij" * 40, "hidden": "64"}).open("tab_memory")
    memory = memory_run(trace(ExplorerConfig(sequences=("abcdefghij" * 40,), hidden_size=64)),
                        0, 0, 0)  # fmt: skip
    assert memory.steps < 400
    infos = page.bodies("info")
    assert any("has 400 steps" in info and f"first {memory.steps}" in info for info in infos)
    assert influence_maps(page)[0].shape == (memory.steps, memory.steps)


def test_a_bidirectional_upper_layer_falls_back_to_the_first(make_app):
    query = {"seq": ["hello", "help"], "cell": "gru", "layers": "2", "bidirectional": "1"}
    page = make_app(query).set(main_view_layer=1).open("tab_memory")
    assert t("memory_layer_note", "en") in page.bodies("info")
    assert "layer 1" in " ".join(block.value for block in page.at.code)


def test_too_large_a_network_is_refused_in_words(make_app):
    page = make_app({"seq": "ab", "hidden": "512", "layers": "4"})
    page = page.set(main_view_layer=3).open("tab_memory")
    config = ExplorerConfig(sequences=("ab",), hidden_size=512, num_layers=4)
    with pytest.raises(ConfigError) as caught:  # the top of a stack of four layers
        memory_run(trace(config), 0, 3, 0)
    assert error_text(caught.value, "en") in page.bodies("warning")
    assert "memory_influence_chart" not in page.charts()


def test_the_tab_in_korean(make_app):
    page = make_app({"lang": "ko"}).open("tab_memory", "ko")
    captions = " ".join(page.bodies("caption"))
    assert t("memory_look", "ko") in captions
    assert t("memory_fig_absolute", "ko") in page.charts()["memory_influence_chart"]["layout"][
        "title"]["subtitle"]["text"]  # fmt: skip
    assert page.at.button(key="memory_reset").label == t("memory_reset", "ko")


def test_trained_weights_show_in_their_own_cell_and_say_so(make_app):
    page = make_app({"preset": "hihello"})
    (button,) = [b for b in page.at.button if b.key == "FormSubmitter:main_train_form-Train"]
    button.click()
    page.run().open("tab_memory")
    config = PRESETS["hihello"]
    encoded = encode(config)
    weights = train_to_end(config, TrainConfig()).weights
    trained = trace_model(config, encoded, built_model_for(config, weights, encoded))
    memory = memory_run(trained, 0, 0, 0)
    heat = influence_maps(page)[0]  # the RNN: the scene's own cell, trained
    inside = ~np.isnan(memory.influences[0].on_input)
    np.testing.assert_allclose(heat[inside], np.log10(memory.influences[0].on_input[inside]),
                               rtol=1e-5)  # fmt: skip
    untrained = memory_run(trace(config), 0, 0, 0)
    assert not np.allclose(heat[inside], np.log10(untrained.influences[0].on_input[inside]))
    assert t("memory_trained", "en", cell="RNN") in page.bodies("info")
    assert t("memory_code_trained", "en", cell="RNN") in page.bodies("caption")
    gap = page.charts()["memory_gap_chart"]
    assert gap["data"][0]["name"].startswith("RNN · ") and gap["data"][1]["name"] == "LSTM"
