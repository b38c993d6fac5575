"""The step panel in a real Chromium: open its tab, move the step chooser, and the h_t
written out (read from KaTeX's TeX source on the page) becomes the next step's value,
as plain torch computes it for the lecture's code."""

from __future__ import annotations

import re

import numpy as np
import pytest
from torch import nn

from components.i18n import t
from components.lessons.step import RESULT_KEY, STEP_KEY
from tests.e2e.conftest import wait_for_rerun
from tests.support.reference import lecture_outputs

pytestmark = pytest.mark.e2e

SCENE_TIMEOUT_MS = 150_000  # first load: the Plotly bundle plus the scene, on a busy CPU
ROUNDED = 0.5e-4 + 1e-6  # the page shows 4 decimals
# The TeX source of the last formula holding h_t (KaTeX keeps it in an annotation).
READ_RESULT_JS = f"""() => {{
  const notes = document.querySelectorAll(".st-key-{RESULT_KEY} annotation");
  return notes.length ? notes[notes.length - 1].textContent : null;
}}"""


def last_vector(tex: str) -> np.ndarray:
    body = re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", tex)[-1]
    return np.array([float(v) for v in body.split(r"\\")])


def shown_h(page) -> np.ndarray:
    page.wait_for_function(READ_RESULT_JS, timeout=SCENE_TIMEOUT_MS)
    return last_vector(page.evaluate(READ_RESULT_JS))


@pytest.mark.parametrize(
    ("name", "query", "module"),
    [("lecture", "preset=lecture", nn.RNN), ("lstm", "preset=lecture&cell=lstm", nn.LSTM)],
)
def test_moving_the_step_chooser_shows_the_next_steps_h(
    page, app_url, screenshot_dir, name, query, module
):
    outputs = lecture_outputs(module).numpy()  # (3, 5, 2); sequence 0 as read: [:, 0]
    page.goto(f"{app_url}/?{query}")
    page.get_by_role("tab", name=t("tab_step", "en")).click(timeout=SCENE_TIMEOUT_MS)
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    first = shown_h(page)
    assert np.abs(first - outputs[0, 0]).max() <= ROUNDED

    slider = page.locator(f".st-key-{STEP_KEY}").get_by_role("slider")
    assert slider.get_attribute("aria-valuetext") == "0 · `h`"
    before = page.evaluate(READ_RESULT_JS)
    slider.press("ArrowRight")
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    page.wait_for_function(
        f"(old) => ({READ_RESULT_JS})() !== old", arg=before, timeout=SCENE_TIMEOUT_MS
    )
    assert slider.get_attribute("aria-valuetext") == "1 · `e`"
    second = shown_h(page)
    assert np.abs(second - outputs[1, 0]).max() <= ROUNDED
    assert np.abs(second - first).max() > 1e-3

    page.set_viewport_size({"width": 1440, "height": 2600})  # the whole panel in one shot
    page.wait_for_timeout(300)
    page.locator("[data-testid=stTabs]").first.screenshot(path=screenshot_dir / f"step_{name}.png")
