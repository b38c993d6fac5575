"""Trained weights in the main view, through AppTest: the "weights shown" chooser sits in
the main area above the charts it redraws (not in the training section), a chosen step
redraws the timeline with that snapshot's states, and every chart of trained weights says
its step in its title. Expected states come from the backend's trace of the snapshot's
weights. (The live heatmap during a run is cleared when the run ends, so AppTest never
sees it: tests/e2e/test_training_live_browser.py watches it in Chromium.)"""

from __future__ import annotations

import json

import numpy as np
import pytest

from components.i18n import t
from model.config import ExplorerConfig
from model.training.checkpoint import save_checkpoint
from model.training.config import TrainConfig
from model.training.run import train_to_end
from tests.app.test_app_training import HIHELLO, press_train, step_slider, trained_hidden

STEP_KEY = "main_train_step"
GRU = ExplorerConfig(sequences=("hihello",), hidden_size=5, cell="gru")


def when(step: int) -> str:
    return " · " + t("fig_when_trained", "en", step=step)


def walk(node, path=()):
    """(path of child indexes, node) for every node under `node`, in page order."""
    yield path, node
    for index, child in (getattr(node, "children", None) or {}).items():
        yield from walk(child, (*path, index))


def path_of(page, predicate) -> tuple[int, ...]:
    (found,) = [path for path, node in walk(page.at.main) if predicate(node)]
    return found


def keyed(key: str):
    return lambda node: (
        getattr(node, "key", None) == key
        or (getattr(node, "type", None) == "plotly_chart" and node.proto.id.endswith("-" + key))
    )


def title(page, chart_key: str) -> str:
    """A chart's title as read, with its subtitle (the main charts put the step there)."""
    heading = page.charts()[chart_key]["layout"]["title"]
    subtitle = heading.get("subtitle", {}).get("text")
    return heading["text"] + (f" · {subtitle}" if subtitle else "")


@pytest.fixture
def hihello(make_app):
    return make_app({"preset": "hihello"})


def test_the_chooser_sits_above_the_charts_it_changes_not_in_the_training_section(hihello):
    assert not [s for s in hihello.at.select_slider if s.key == STEP_KEY]  # nothing trained
    press_train(hihello)
    (expander,) = [e for e in hihello.at.expander if e.label == t("train_title", "en")]
    assert not expander.select_slider  # the training section keeps the loss and predictions
    assert expander.get("plotly_chart")  # ... the loss chart is still there
    chooser = path_of(hihello, keyed(STEP_KEY))
    timeline = path_of(hihello, keyed("timeline_chart"))
    space = path_of(hihello, keyed("state_space_chart"))
    # the main container's rows: the selection, the chooser, the two charts side by side
    assert chooser[0] == timeline[0] == space[0]
    assert chooser[1] + 1 == timeline[1] == space[1]
    selection = path_of(hihello, keyed("main_view_layer"))
    assert selection[:2] == (chooser[0], chooser[1] - 1)
    assert step_slider(hihello).label == t("train_shown_step", "en")


def test_a_chosen_step_redraws_the_timeline_with_that_snapshots_states(hihello):
    press_train(hihello)
    result = train_to_end(HIHELLO, TrainConfig())
    last = result.last_step
    assert title(hihello, "timeline_chart").endswith(when(last))
    steps = sorted(result.snapshots)
    for step in (steps[len(steps) // 2], 0, steps[1]):
        step_slider(hihello).set_value(step)
        hihello.run()
        np.testing.assert_allclose(
            hihello.heatmap(), trained_hidden(HIHELLO, result.snapshots[step]), rtol=0, atol=1e-6
        )
        assert title(hihello, "timeline_chart").endswith(when(step))
        assert title(hihello, "state_space_chart").endswith(when(step))
        (expander,) = [e for e in hihello.at.expander if e.label == t("train_title", "en")]
        (loss,) = expander.get("plotly_chart")
        (marker,) = json.loads(loss.proto.spec)["layout"]["shapes"]  # the loss chart's line
        assert marker["x0"] == marker["x1"] == step


def test_a_run_that_ends_shows_its_last_step_whatever_was_chosen(hihello):
    press_train(hihello)
    step_slider(hihello).set_value(0)
    hihello.run()
    press_train(hihello, main_train_steps=30)
    result = train_to_end(HIHELLO, TrainConfig(steps=30))
    assert step_slider(hihello).value == 30
    np.testing.assert_allclose(
        hihello.heatmap(), trained_hidden(HIHELLO, result.weights), rtol=0, atol=1e-6
    )


def test_gates_and_weights_charts_say_which_training_step_they_show(make_app):
    page = make_app({"seq": "hihello", "hidden": "5", "cell": "gru"})
    press_train(page, main_train_steps=20)
    result = train_to_end(GRU, TrainConfig(steps=20))
    step = sorted(result.snapshots)[3]
    step_slider(page).set_value(step)
    page.run()
    assert title(page.open("tab_gates"), "gates_chart").endswith(when(step))
    assert when(step) in title(page.open("tab_weights"), "weights_chart")
    weights = page.charts()["weights_chart"]
    assert weights["layout"]["title"]["text"].startswith("The weights · after")


def test_an_uploaded_model_has_no_chooser_and_says_it_is_restored(make_app):
    page = make_app({"preset": "hihello"})
    press_train(page, main_train_steps=10)
    (uploader,) = [
        u for u in page.at.get("file_uploader") if u.proto.id.endswith("main_train_upload")
    ]
    result = train_to_end(HIHELLO, TrainConfig(steps=10))
    uploader.upload("model.zip", save_checkpoint(HIHELLO, TrainConfig(steps=10), result.weights),
                    "application/zip")  # fmt: skip
    page.run()
    assert not [s for s in page.at.select_slider if s.key == STEP_KEY]
    restored = " · " + t("fig_when_uploaded", "en", steps=10)
    assert title(page, "timeline_chart").endswith(restored)
