"""The "Tasks: who remembers" tab through AppTest, with tiny budgets: nothing trains until
Train is pressed; then the charts hold the backend's numbers (model.lessons.tasks_train,
tested against the explorer's trace and hand-built units in tests/model), the found unit
is written with its r, and switching the unit shown never retrains."""

from __future__ import annotations

import numpy as np

from components.figures.tasks import unit_label
from components.i18n import t
from components.lessons.tasks import RESULTS
from model.lessons.tasks import MIN_TRAIN_STEPS, TaskSettings
from model.lessons.tasks_train import run_task
from tests.app.conftest import decode

CHARTS = ("tasks_accuracy_chart", "tasks_text_chart", "tasks_scatter_chart")


def train(page, **sliders):
    for key, value in sliders.items():
        page.at.slider(key=key).set_value(value)
    page.run()
    page.at.button(key="tasks_train").click()
    return page.run()


def test_counting_trains_on_a_click_and_the_charts_hold_the_backends_numbers(page):
    page.open("tab_tasks")
    assert t("tasks_press_train", "en") in page.bodies("info")
    assert not any(key in page.charts() for key in CHARTS)
    page.set(tasks_task="count")
    page.set(tasks_cell="lstm")
    train(page, tasks_steps=MIN_TRAIN_STEPS, tasks_bound=3)
    (result,) = run_task(TaskSettings(task="count", cells=("lstm",), steps=MIN_TRAIN_STEPS,
                                      count_bound=3))  # fmt: skip
    charts = page.charts()
    line = charts["tasks_accuracy_chart"]["data"][0]
    np.testing.assert_allclose(decode(line["y"]), result.accuracy, atol=1e-6)
    assert decode(line["x"]).tolist() == list(range(1, 7))
    text = page.heatmap("tasks_text_chart")
    np.testing.assert_allclose(text[0], result.unit_values, atol=1e-6)
    label = unit_label("lstm", result.unit)
    scatter = charts["tasks_scatter_chart"]
    assert scatter["layout"]["annotations"][0]["text"] == f"<b>r = {result.unit.r:.2f}</b>"
    np.testing.assert_allclose(decode(scatter["data"][0]["y"]), result.scatter_unit,
                               atol=1e-6)  # fmt: skip
    found = [body for body in page.bodies("markdown") if f"**{label}**" in body]
    assert found and f"r = **{result.unit.r:.2f}**" in found[0]


def test_the_gap_task_trains_three_cells_and_the_unit_shown_switches_without_training(page):
    page.open("tab_tasks")
    page.set(tasks_gaps=[1, 3])
    train(page, tasks_steps=MIN_TRAIN_STEPS)
    results = run_task(TaskSettings(task="gap", cells=("rnn", "lstm", "gru"), gaps=(1, 3),
                                    steps=MIN_TRAIN_STEPS))  # fmt: skip
    lines = page.charts()["tasks_accuracy_chart"]["data"]
    assert [line["name"] for line in lines] == ["RNN", "LSTM", "GRU"]
    for line, cell in zip(lines, ("rnn", "lstm", "gru"), strict=True):
        expected = [r.accuracy[0] for r in results if r.cell == cell]
        np.testing.assert_allclose(decode(line["y"]), expected, atol=1e-6)
    stored = page.at.session_state[RESULTS]
    assert len(stored) == 1
    page.set(tasks_cell="gru", tasks_shown_gap=3)
    gru = next(r for r in results if r.cell == "gru" and r.gap == 3)
    np.testing.assert_allclose(page.heatmap("tasks_text_chart")[0], gru.unit_values, atol=1e-6)
    assert page.at.session_state[RESULTS] is stored and len(stored) == 1  # nothing retrained


def test_brackets_in_korean_show_the_accuracy_and_the_depth_unit(make_app):
    page = make_app({"lang": "ko"}).open("tab_tasks", "ko")
    page.set(tasks_task="brackets")
    train(page, tasks_steps=MIN_TRAIN_STEPS, tasks_depth=2)
    (result,) = run_task(TaskSettings(task="brackets", cells=("rnn",), steps=MIN_TRAIN_STEPS,
                                      depth=2))  # fmt: skip
    metric = page.at.metric[0]
    assert metric.label == t("tasks_accuracy_metric", "ko")
    assert metric.value == f"{result.accuracy[0]:.0%}"
    assert "tasks_accuracy_chart" not in page.charts()
    text = page.charts()["tasks_text_chart"]
    assert text["layout"]["xaxis"]["title"]["text"] == t("tasks_variable_brackets", "ko")
