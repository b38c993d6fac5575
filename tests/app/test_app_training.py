"""Train it, through AppTest: the run, the slider over snapshots, the code panel,
divergence, and keeping / restoring the model. Every expected value comes from the
backend run on its own (itself tested against a plain PyTorch loop)."""

from __future__ import annotations

import numpy as np
import pytest

from components.i18n import t
from model.config import ExplorerConfig
from model.encoding import encode
from model.presets import PRESETS
from model.trace import trace, trace_model
from model.training.checkpoint import save_checkpoint
from model.training.code import expected_printout, training_code
from model.training.config import TrainConfig
from model.training.network import built_model_for
from model.training.run import train_to_end

HIHELLO = PRESETS["hihello"]
SUBMIT = "FormSubmitter:main_train_form-Train"


def trained_hidden(config: ExplorerConfig, weights) -> np.ndarray:
    encoded = encode(config)
    return trace_model(config, encoded, built_model_for(config, weights, encoded)).hidden[0, 0, 0].T


def press_train(page, **form) -> None:
    """Fill the training form (values of a form count only with its submit) and train."""
    for key, value in form.items():
        page.widget(key).set_value(value)
    (button,) = [b for b in page.at.button if b.key == SUBMIT]
    button.click()
    page.run()


def training_bodies(page, kind: str) -> list[str]:
    """Texts of one kind ("success", "warning", "error", "caption", "info") inside the
    training expander (the lesson panels below have alerts of their own)."""
    (expander,) = [e for e in page.at.expander if e.label == t("train_title", "en")]
    return [element.proto.body for element in getattr(expander, kind)]


def step_slider(page):
    (slider,) = [s for s in page.at.select_slider if s.key == "main_train_step"]
    return slider


@pytest.fixture
def hihello(make_app):
    return make_app({"preset": "hihello"})


def test_training_draws_every_view_with_the_trained_weights(hihello):
    press_train(hihello)
    result = train_to_end(HIHELLO, TrainConfig())
    np.testing.assert_allclose(
        hihello.heatmap(), trained_hidden(HIHELLO, result.weights), rtol=0, atol=1e-6
    )
    assert not np.allclose(hihello.heatmap(), trace(HIHELLO).hidden[0, 0, 0].T)
    (summary,) = training_bodies(hihello, "success")
    assert "first equalled the target at step" in summary and "did not hold" in summary
    assert t("train_logits_bounded", "en") in summary  # the lecture's run oscillates
    assert step_slider(hihello).value == 100
    codes = [block.value for block in hihello.open("tab_code").at.code]
    assert codes[0].rstrip() == training_code(HIHELLO, TrainConfig()).rstrip()
    assert codes[1].rstrip() == expected_printout(HIHELLO, TrainConfig()).rstrip()
    assert codes[2].startswith("import torch")  # the untrained scene's code as well


def test_the_snapshot_slider_redraws_for_that_steps_weights(hihello):
    press_train(hihello)
    result = train_to_end(HIHELLO, TrainConfig())
    slider = step_slider(hihello)
    assert list(slider.options) == [f"step {s}" for s in sorted(result.snapshots)]
    slider.set_value(0)
    hihello.run()
    np.testing.assert_array_equal(hihello.heatmap(), trace(HIHELLO).hidden[0, 0, 0].T)
    middle = sorted(result.snapshots)[len(result.snapshots) // 2]
    step_slider(hihello).set_value(middle)
    hihello.run()
    np.testing.assert_allclose(
        hihello.heatmap(), trained_hidden(HIHELLO, result.snapshots[middle]), atol=1e-6
    )


def test_changed_settings_show_the_untrained_model_and_say_why(hihello):
    press_train(hihello)
    hihello.set(main_seed=3)
    config = HIHELLO.with_changes(seed=3)
    np.testing.assert_array_equal(hihello.heatmap(), trace(config).hidden[0, 0, 0].T)
    assert t("train_other_settings", "en") in hihello.bodies("caption")


def test_divergence_is_a_lesson_not_a_crash(make_app):
    page = make_app({"seq": "abcdefghij" * 10, "hidden": "16", "nonlinearity": "relu"})
    press_train(
        page,
        main_train_head="linear",
        main_train_optimizer="sgd",
        main_train_lr=10.0,
        main_train_steps=40,
    )
    config = ExplorerConfig(sequences=("abcdefghij" * 10,), hidden_size=16, nonlinearity="relu")
    result = train_to_end(
        config, TrainConfig(head="linear", optimizer="sgd", learning_rate=10.0, steps=40)
    )
    assert result.diverged
    warnings = training_bodies(page, "warning")
    assert result.message in warnings
    assert np.isfinite(page.heatmap()).all()
    np.testing.assert_allclose(page.heatmap(), trained_hidden(config, result.weights), atol=1e-6)
    printout = page.open("tab_code").at.code[1].value
    assert "diverged at step" in printout  # the printout says where it stopped


def test_a_settings_mistake_is_a_message(make_app):
    page = make_app({"seq": "hello", "hidden": "3", "batch_first": "1"})  # hidden != vocab
    press_train(page)
    errors = training_bodies(page, "error")
    assert len(errors) == 1 and t("train_cannot", "en") in errors[0]
    assert "timeline_chart" in page.charts()


def test_upload_restores_the_scene_and_a_bad_file_changes_nothing(make_app):
    config = HIHELLO.with_changes(cell="gru")
    train_config = TrainConfig(steps=20, learning_rate=0.05)
    result = train_to_end(config, train_config)
    zipped = save_checkpoint(config, train_config, result.weights)

    page = make_app()  # the lecture scene
    (uploader,) = [
        u for u in page.at.get("file_uploader") if u.proto.id.endswith("main_train_upload")
    ]
    uploader.upload("model.zip", zipped, "application/zip")
    page.run()
    assert page.value("main_cell") == "gru" and page.value("main_sequences") == "hihello"
    np.testing.assert_allclose(page.heatmap(), trained_hidden(config, result.weights), atol=1e-6)
    assert any("20 steps" in body for body in training_bodies(page, "success"))


def test_numbers_train_and_show_their_scaling(make_app):
    query = {"seq": ["1, 2, 3, 4, 5", "2, 4, 6, 8, 10"], "tokens": "numbers", "hidden": "3"}
    page = make_app(query)
    press_train(page, main_train_steps=30)
    config = ExplorerConfig(
        sequences=("1, 2, 3, 4, 5", "2, 4, 6, 8, 10"), tokens="numbers", hidden_size=3
    )
    result = train_to_end(config, TrainConfig(head="linear", steps=30))
    assert t("train_scaling", "en", low="1", high="10") in page.bodies("caption")
    assert training_bodies(page, "success") == [
        t("train_loss_change", "en", start=result.losses[0], end=result.losses[-1])
    ]


def test_a_page_that_lost_its_trained_model_says_so(make_app):
    """The link marks a trained model (`trained=1`) while the page shows one; a new session
    on that link (a reload, or a reconnect to another replica after the first was lost)
    has no model: it shows the scene from the link and says, in the page's language, that
    the trained model is gone and how to get it back."""
    page = make_app({"preset": "hihello"})
    assert "trained" not in page.query()
    press_train(page, main_train_steps=5)
    link = page.query()
    assert link["trained"] == ["1"]
    for lang in ("en", "ko"):
        fresh = make_app({**link, "lang": [lang]})
        warnings = [w.value for w in fresh.at.warning]
        assert t("notice_trained_gone", lang) in warnings
        assert fresh.value("main_sequences") == HIHELLO.sequences[0]
        assert "trained" not in fresh.query()  # no model now: the link says so too
        assert not fresh.at.exception
