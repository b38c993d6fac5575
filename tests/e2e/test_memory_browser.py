"""The "Memory over time" tab in a real Chromium: its four charts draw, the influence the
page holds (Plotly's decoded `gd._fullData`) is the backend's, the W_hh scale moved with
the keyboard recomputes it and the reset button restores PyTorch's initialisation; and
the tab at 1440x900 and 390x844 in English and Korean, screenshotted to
artifacts/screenshots/ (memory_<lang>_<width>_<part>.png) for a person to look at."""

from __future__ import annotations

import time

import numpy as np
import pytest

from components.figures.parts import CELL_NAMES
from components.i18n import t
from components.lessons.memory import SCALE_KEY
from model.config import ExplorerConfig
from model.lessons.memory import (
    MAX_SCALE,
    cell_sources,
    memory_run,
    recurrent_eigenvalues,
    spectral_radius,
)
from model.trace import trace
from tests.e2e.conftest import open_lesson, wait_for_rerun

pytestmark = pytest.mark.e2e

SCENE_TIMEOUT_MS = 150_000  # first load: the Plotly bundle plus the scene, on a busy CPU
TEXT = "the cat sat on the mat and the dog ran"
QUERY = "seq=the+cat+sat+on+the+mat+and+the+dog+ran&hidden=8"
CONFIG = ExplorerConfig(sequences=(TEXT,), hidden_size=8)
CHARTS = ("memory_influence_chart", "memory_gap_chart", "memory_eigen_chart",
          "memory_states_chart")  # fmt: skip
SIZES = ((1440, 900), (390, 844))
READ_Z_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!gd || !gd._fullData || !gd._fullData.length) return null;
  return gd._fullData.filter(d => d.type === 'heatmap').map(d => d.z.map(row => Array.from(row)));
}"""
METRIC_JS = """(label) => {
  const metrics = [...document.querySelectorAll('[data-testid=stMetric]')];
  const found = metrics.find(m => m.innerText.includes(label));
  return found ? found.querySelector('[data-testid=stMetricValue]').innerText.trim() : null;
}"""


def open_tab(page, url: str, lang: str = "en") -> None:
    page.goto(f"{url}/?{QUERY}&lang={lang}")
    open_lesson(page, t("tab_memory", lang), SCENE_TIMEOUT_MS)
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    for key in CHARTS:
        page.wait_for_function(READ_Z_JS if key != "memory_eigen_chart" else
                               "(k) => !!document.querySelector(`.st-key-${k} .js-plotly-plot`)",
                               arg=key, timeout=SCENE_TIMEOUT_MS)  # fmt: skip


def shown_influence(page) -> list[np.ndarray]:
    maps = page.evaluate(READ_Z_JS, "memory_influence_chart")
    return [np.array(z, dtype=float) for z in maps]


def check_influence(page, scale: float, timeout_s: float = 30.0) -> None:
    """The page's influence is the backend's at `scale` (waiting out a redraw)."""
    memory = memory_run(trace(CONFIG), 0, 0, 0, scale)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            for shown, influence in zip(shown_influence(page), memory.influences, strict=True):
                inside = ~np.isnan(influence.on_input)
                np.testing.assert_allclose(shown[inside], np.log10(influence.on_input[inside]),
                                           rtol=1e-5, atol=1e-5)  # fmt: skip
                assert np.isnan(shown[~inside]).all()
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(250)


def rnn_radius(scale: float) -> str:
    sources, _ = cell_sources(trace(CONFIG), 0)
    rnn = next(s for s in sources if s.cell == "rnn")
    return f"{spectral_radius(recurrent_eigenvalues(rnn, 0, 0), scale)['h']:.2f}"


def test_the_scale_recomputes_the_influence_and_the_reset_restores_it(page, app_url):
    open_tab(page, app_url)
    check_influence(page, 1.0)
    label = t("memory_radius", "en", cell=CELL_NAMES["rnn"])
    assert page.evaluate(METRIC_JS, label) == rnn_radius(1.0)
    slider = page.locator(f".st-key-{SCALE_KEY}").get_by_role("slider")
    before = shown_influence(page)[0]
    slider.press("End")  # the largest scale
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    page.wait_for_function(f"(l) => ({METRIC_JS})(l) === {rnn_radius(MAX_SCALE)!r}", arg=label,
                           timeout=SCENE_TIMEOUT_MS)  # fmt: skip
    assert slider.get_attribute("aria-valuetext") == f"{MAX_SCALE:.2f}"
    check_influence(page, MAX_SCALE)
    far = ~np.isnan(before) & (np.indices(before.shape)[0] - np.indices(before.shape)[1] > 20)
    assert (shown_influence(page)[0][far] > before[far]).all()  # a larger W_hh: it lasts
    page.locator(".st-key-memory_reset button").click()
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    page.wait_for_function(f"(l) => ({METRIC_JS})(l) === {rnn_radius(1.0)!r}", arg=label,
                           timeout=SCENE_TIMEOUT_MS)  # fmt: skip
    assert slider.get_attribute("aria-valuetext") == "1.00"
    check_influence(page, 1.0)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_screenshots_of_the_tab(browser, app_url, screenshot_dir, lang, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_tab(page, app_url, lang)
        parts = (
            [("controls", f".st-key-{SCALE_KEY}")]
            + [
                (key.removeprefix("memory_").removesuffix("_chart"), f".st-key-{key}")
                for key in CHARTS
            ]
            + [("code", "[data-testid=stCode]")]
        )
        for name, selector in parts:
            element = page.locator(selector).last
            element.scroll_into_view_if_needed(timeout=SCENE_TIMEOUT_MS)
            page.wait_for_timeout(800)  # Plotly redraws after a scroll
            box = element.bounding_box()
            assert box is not None and box["width"] <= width, (name, box)
            page.screenshot(path=screenshot_dir / f"memory_{lang}_{width}_{name}.png")
    finally:
        context.close()
