"""The step panel in a real Chromium: open its tab, step the charts' time control (the
arrow key, then its ▶ button), and the h_t written out (read from KaTeX's TeX source on
the page) becomes that step's value, as plain torch computes it for the lecture's code.
The panel follows the cursor because the browser reports the step while its tab is open:
the report is one websocket message (tests/e2e/test_browser.py proves that, with another
tab open, stepping sends nothing)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from torch import nn

from components.i18n import t
from components.lessons.step import RESULT_KEY
from tests.e2e.conftest import chosen_lesson, open_lesson, wait_for_rerun
from tests.support.reference import lecture_outputs

pytestmark = pytest.mark.e2e

SCENE_TIMEOUT_MS = 150_000  # first load: the Plotly bundle plus the scene, on a busy CPU
FOLLOW_TIMEOUT_MS = 30_000  # a report (350 ms after the step), then one rerun of the page
ROUNDED = 0.5e-4 + 1e-6  # the page shows 4 decimals
STEPPER = ".st-key-time_stepper"  # the time control (Playwright pierces its shadow root)
TOKENS = "hel"  # sequence 1 of the lecture's tensor as PyTorch read it: outputs[:, 0]
# The TeX source of the last formula holding h_t (KaTeX keeps it in an annotation).
READ_RESULT_JS = f"""() => {{
  const notes = document.querySelectorAll(".st-key-{RESULT_KEY} annotation");
  return notes.length ? notes[notes.length - 1].textContent : null;
}}"""
# The step the timeline's cursor shows.
CURSOR_JS = """() => document.querySelector('.st-key-timeline_chart .js-plotly-plot')
  ._fullLayout.shapes.find((s) => s.name === 'hse_cursor').x0"""


def last_vector(tex: str) -> np.ndarray:
    body = re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", tex)[-1]
    return np.array([float(v) for v in body.split(r"\\")])


def shown_h(page) -> np.ndarray:
    page.wait_for_function(READ_RESULT_JS, timeout=SCENE_TIMEOUT_MS)
    return last_vector(page.evaluate(READ_RESULT_JS))


def panel_follows(page, step: int, before: str) -> None:
    """The charts are on `step` at once; the panel redraws once the report's rerun ends."""
    assert page.evaluate(CURSOR_JS) == step
    readout = page.locator(f"{STEPPER} .hse-readout").text_content().strip()
    assert readout == f"{TOKENS[step]} · {step}", readout
    try:
        page.wait_for_function(
            f"(old) => ({READ_RESULT_JS})() !== old", arg=before, timeout=FOLLOW_TIMEOUT_MS
        )
    except PlaywrightTimeoutError:
        pytest.fail(f"the step panel did not follow the cursor to step {step}: it still shows "
                    f"{last_vector(before)}")  # fmt: skip
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    where = page.get_by_text(re.compile(rf"^Step {step}, token {TOKENS[step]} · sequence 1"))
    assert where.count() == 1, f"the panel does not say step {step}"


@pytest.mark.parametrize(
    ("name", "query", "module"),
    [("lecture", "preset=lecture", nn.RNN), ("lstm", "preset=lecture&cell=lstm", nn.LSTM)],
)
def test_stepping_the_charts_shows_that_steps_h(page, app_url, screenshot_dir, name, query, module):
    outputs = lecture_outputs(module).numpy()  # (3, 5, 2); sequence 0 as read: [:, 0]
    sent: list[str | bytes] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(f"{app_url}/?{query}")
    page.locator(".st-key-timeline_chart .js-plotly-plot").wait_for(timeout=SCENE_TIMEOUT_MS)
    open_lesson(page, t("tab_step", "en"), SCENE_TIMEOUT_MS)
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    first = shown_h(page)
    assert np.abs(first - outputs[0, 0]).max() <= ROUNDED
    assert page.evaluate(CURSOR_JS) == 0

    page.wait_for_timeout(500)  # the tab's own rerun and the opening report are done
    quiet = len(sent)
    before = page.evaluate(READ_RESULT_JS)
    page.keyboard.press("ArrowRight")  # the clicked tab does not take the arrow
    panel_follows(page, 1, before)
    assert len(sent) > quiet, "the step lesson is open, yet the step was not reported"
    selected = chosen_lesson(page)
    assert selected == t("tab_step", "en"), f"the arrow moved the tabs to {selected!r}"
    second = shown_h(page)
    assert np.abs(second - outputs[1, 0]).max() <= ROUNDED
    assert np.abs(second - first).max() > 1e-3

    before = page.evaluate(READ_RESULT_JS)
    page.locator(f"{STEPPER} button[data-act=next]").click()
    panel_follows(page, 2, before)
    third = shown_h(page)
    assert np.abs(third - outputs[2, 0]).max() <= ROUNDED
    assert np.abs(third - second).max() > 1e-3

    page.set_viewport_size({"width": 1440, "height": 2600})  # the whole panel in one shot
    page.wait_for_timeout(300)
    page.locator(".st-key-lesson").screenshot(path=screenshot_dir / f"step_{name}.png")
