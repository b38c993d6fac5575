"""The "Tasks: who remembers" tab in a real Chromium: counting aⁿbⁿ trains on a click with a
small budget, and the scatter the page draws holds the backend's unit and writes its r;
screenshots of the counting and gap tasks at 1440x900, 1280x720 (presenter mode) and
390x844 go to /tmp/work/tasks_<task>_<width>_<part>.png for a person to look at."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from components.i18n import t
from model.lessons.tasks import MIN_TRAIN_STEPS, TaskSettings
from model.lessons.tasks_train import run_task
from tests.e2e.conftest import open_lesson, wait_for_rerun

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 150_000  # first load: the Plotly bundle plus the scene, on a busy CPU
SHOTS = Path("/tmp/work")
SIZES = ((1440, 900, ""), (1280, 720, "&present=1"), (390, 844, ""))
PARTS = ("task", "accuracy", "text", "scatter")  # the settings, then each chart
CHART_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!gd || !gd._fullData || !gd._fullData.length) return null;
  return {y: Array.from(gd._fullData[0].y),
          notes: (gd.layout.annotations || []).map(a => a.text)};
}"""


def open_tab(page, url: str, extra: str = "") -> None:
    page.goto(f"{url}/?cell=lstm{extra}")
    open_lesson(page, t("tab_tasks", "en"), TIMEOUT_MS)
    wait_for_rerun(page, TIMEOUT_MS)


def choose_task(page, task_key: str) -> None:
    page.locator(".st-key-tasks_task").get_by_text(t(task_key, "en"), exact=True).click()
    wait_for_rerun(page, TIMEOUT_MS)


def train(page) -> None:
    page.locator(".st-key-tasks_train button").click()
    wait_for_rerun(page, TIMEOUT_MS)
    page.wait_for_function(CHART_JS, arg="tasks_scatter_chart", timeout=TIMEOUT_MS)


def test_counting_trains_and_the_scatter_shows_the_backends_unit_and_r(page, app_url):
    open_tab(page, app_url)
    choose_task(page, "tasks_task_count")
    slider = page.locator(".st-key-tasks_steps").get_by_role("slider")
    slider.press("Home")  # the smallest budget
    wait_for_rerun(page, TIMEOUT_MS)
    assert slider.get_attribute("aria-valuetext") == str(MIN_TRAIN_STEPS)
    train(page)
    (result,) = run_task(TaskSettings(task="count", cells=("lstm",), steps=MIN_TRAIN_STEPS))
    shown = page.evaluate(CHART_JS, "tasks_scatter_chart")
    np.testing.assert_allclose(shown["y"], result.scatter_unit, atol=1e-6)
    assert shown["notes"] == [f"<b>r = {result.unit.r:.2f}</b>"]
    assert page.get_by_text(f"r = {result.unit.r:.2f}").first.is_visible()


@pytest.mark.parametrize(("width", "height", "extra"), SIZES, ids=[f"{w}x{h}" for w, h, _ in SIZES])
def test_screenshots_of_counting_and_the_gap_task(browser, app_url, width, height, extra):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_tab(page, app_url, extra)
        for task in ("count", "gap"):
            choose_task(page, f"tasks_task_{task}")
            train(page)
            for name in PARTS:
                selector = f".st-key-tasks_{name}" + ("_chart" if name != "task" else "")
                element = page.locator(selector).last
                element.scroll_into_view_if_needed(timeout=TIMEOUT_MS)
                page.wait_for_timeout(800)  # Plotly redraws after a scroll
                box = element.bounding_box()
                assert box is not None and box["width"] <= width, (name, box)
                page.screenshot(path=SHOTS / f"tasks_{task}_{width}_{name}.png")
    finally:
        context.close()
