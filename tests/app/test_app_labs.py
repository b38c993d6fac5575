"""The course's windowed labs through AppTest: a link opens longseq ready to train, the
windows are printed as the lab prints them, training reproduces the lab, and the link
carries the training settings."""

from __future__ import annotations

import numpy as np

from model.presets import PRESET_TRAINING, PRESETS
from model.training.config import TrainConfig
from model.training.forecast import forecast
from model.training.generate import generate
from model.training.run import train_to_end
from model.windows import reassembled
from tests.app.conftest import decode as ref_decode
from tests.app.test_app_training import press_train, training_bodies
from tests.support import labs

LONGSEQ = PRESETS["longseq"]
HIHELLO = PRESETS["hihello"]


def test_a_lab_link_opens_its_windows_and_its_training_settings(make_app, ref):
    page = make_app({"preset": "longseq"})
    assert page.value("main_window") == 10 and page.value("main_hidden_size") == 25
    assert page.value("main_train_head") == "linear"
    assert page.at.session_state["main_train_lab_seed"] is True
    query = page.query()
    assert query["preset"] == ["longseq"] and query["window"] == ["10"]
    assert query["lab_seed"] == ["1"] and query["head"] == ["linear"]
    heatmap = page.heatmap()
    np.testing.assert_allclose(heatmap, ref.hidden(LONGSEQ), rtol=0, atol=1e-6)
    assert heatmap.shape == (25, 10)  # one window of ten characters


def test_the_windows_are_printed_as_the_lab_prints_them(make_app):
    page = make_app({"preset": "longseq"}).open("tab_input")
    (printed,) = [c.value for c in page.at.code if c.value.startswith("0 if you wan")]
    lines = printed.splitlines()
    assert lines[0] == "0 if you wan -> f you want"
    assert lines[-1] == f"169 {labs.LONGSEQ[169:179]} -> {labs.LONGSEQ[170:180]}"
    assert any("(170, 10, 25)" in body for body in page.markdown_bodies())


def test_training_longseq_in_the_page_is_the_lab(make_app):
    page = make_app({"preset": "longseq", "train_steps": "30"})
    assert page.value("main_train_steps") == 30
    press_train(page)
    expected = train_to_end(LONGSEQ, PRESET_TRAINING["longseq"].__class__(
        head="linear", learning_rate=0.1, steps=30, lab_seed=True))  # fmt: skip
    lab_losses, _ = labs.longseq_run(steps=30)
    np.testing.assert_allclose(expected.losses[:30], lab_losses, rtol=0, atol=1e-6)
    (success,) = training_bodies(page, "success")
    assert f"{expected.losses[0]:.4f} → {expected.losses[-1]:.4f}" in success
    text = reassembled(expected.predictions[30], "")
    assert any(c.value == text for c in page.at.code)
    assert page.query()["train_steps"] == ["30"]


def test_a_space_at_the_start_of_a_line_is_a_token_on_the_axis(make_app):
    page = make_app({"preset": "charseq"})
    ticks = page.charts()["timeline_chart"]["layout"]["xaxis"]["ticktext"]
    assert ticks[0].startswith("␣<br>") and ticks[3].startswith("␣<br>")  # " if you"
    assert page.heatmap().shape[1] == len(labs.CHARSEQ) == len(ticks)


def test_a_trained_model_writes_from_a_prompt_and_shows_its_states(make_app):
    page = make_app({"preset": "hihello"})
    press_train(page)
    (prompt,) = [w for w in page.at.text_input if w.key == "main_train_prompt"]
    prompt.set_value("hi")
    (button,) = [b for b in page.at.button if "generate_form-" in b.key]
    button.click()
    page.run()
    expected = generate(HIHELLO, TrainConfig(), train_to_end(HIHELLO, TrainConfig()).weights,
                        "hi", 60)  # fmt: skip
    (code,) = [c.value for c in page.at.code if "▸" in c.value]
    assert code == "hi▸" + "".join(expected.tokens[2:])
    z = page.heatmap("generated_chart")
    np.testing.assert_allclose(z, expected.hidden.T, rtol=0, atol=1e-6)


def test_a_prompt_with_an_unknown_token_is_refused_in_korean_too(make_app):
    page = make_app({"preset": "hihello", "lang": "ko"})
    (train,) = [b for b in page.at.button if b.key.startswith("FormSubmitter:main_train_form-")]
    train.click()
    page.run()
    (prompt,) = [w for w in page.at.text_input if w.key == "main_train_prompt"]
    prompt.set_value("hz")
    (button,) = [b for b in page.at.button if "generate_form-" in b.key]
    button.click()
    page.run()
    assert any("`z`" in body and "학습" in body for body in page.bodies("error"))


def test_the_timeseries_link_opens_its_made_up_file_ready_to_train(make_app):
    page = make_app({"preset": "timeseries", "train_steps": "40"})
    assert "(505, 7, 5)" in " ".join(page.markdown_bodies())
    assert page.query()["preset"] == ["timeseries"]
    press_train(page)
    config = PRESETS["timeseries"]
    train_config = TrainConfig(head="linear", learning_rate=0.01, steps=40, lab_seed=True)
    expected = forecast(config, train_to_end(config, train_config).weights)
    spec = page.charts()["forecast_chart"]
    true, predicted = (ref_decode(trace["y"]) for trace in spec["data"])
    np.testing.assert_allclose(true, expected.true, rtol=0, atol=1e-9)
    # float32 sums may differ in the last bit with another thread count: 1e-6 relative
    np.testing.assert_allclose(predicted, expected.predicted, rtol=1e-6, atol=0)
    assert f"{expected.rmse:.4g}" in spec["layout"]["title"]["subtitle"]["text"]


def test_mini_batches_come_from_the_link_and_train_as_the_backend(make_app):
    page = make_app({"preset": "longseq", "batch": "32", "train_steps": "8", "train_seed": "4"})
    assert page.value("main_train_batch_size") == 32
    press_train(page)
    expected = train_to_end(LONGSEQ, TrainConfig(head="linear", steps=8, lab_seed=True,
                                                 batch_size=32, seed=4))  # fmt: skip
    (success,) = training_bodies(page, "success")
    assert f"{expected.losses[0]:.4f} → {expected.losses[-1]:.4f}" in success
    assert page.query()["batch"] == ["32"]


def test_a_link_opens_the_memory_lesson_at_its_k_and_keeps_it(make_app):
    page = make_app({"preset": "hello", "k": "2"}).open("tab_memory")
    (slider,) = [s for s in page.at.slider if s.key == "memory_scale"]
    assert slider.value == 2.0
    assert page.query()["k"] == ["2"]
    slider.set_value(0.5)
    page.run()
    assert page.query()["k"] == ["0.5"]


def test_a_link_opens_the_tasks_lesson_on_its_task(make_app):
    page = make_app({"preset": "hello", "task": "count", "task_n": "6"}).open("tab_tasks")
    (radio,) = [r for r in page.at.radio if r.key == "tasks_task"]
    (bound,) = [s for s in page.at.slider if s.key == "tasks_bound"]
    assert (radio.value, bound.value) == ("count", 6)
    assert page.query()["task"] == ["count"] and page.query()["task_n"] == ["6"]
