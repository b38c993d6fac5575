"""The "Packed sequences" tab in a real Chromium: on unequal lines its three charts draw,
the packed chart writes PyTorch's batch_sizes beside its groups, and the states the page
holds (Plotly's decoded `gd._fullData`) are the backend's; screenshots at 1440x900,
1280x720 in presenter mode and 390x844 go to /tmp/work/pack_<width>_<part>.png for a
person to look at."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from components.i18n import t
from model.config import ExplorerConfig
from model.lessons.packing import packing
from model.trace import trace
from tests.e2e.conftest import open_lesson, wait_for_rerun

pytestmark = pytest.mark.e2e

SCENE_TIMEOUT_MS = 150_000  # first load: the Plotly bundle plus the scene, on a busy CPU
SHOTS = Path("/tmp/work")
QUERY = "seq=hello&seq=hi&seq=hey"
CONFIG = ExplorerConfig(sequences=("hello", "hi", "hey"), batch_first=True)
CHARTS = ("packing_padded_chart", "packing_sorted_chart", "packing_rows_chart")
SIZES = ((1440, 900, ""), (1280, 720, "&present=1"), (390, 844, ""))
NOTES_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!gd || !gd._fullLayout) return null;
  return [...gd.querySelectorAll('.annotation-text')].map(a => a.textContent);
}"""
STATES_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const maps = gd._fullData.filter(d => d.type === 'heatmap');
  return maps[maps.length - 1].z.map(row => Array.from(row));
}"""
OVERLAPS_JS = """(key) => {
  // pairs of drawn texts (tick labels, annotations, axis titles) whose boxes intersect,
  // and texts inside the states' heatmap (its plot area)
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const boxes = [...gd.querySelectorAll(
      '.ytick text, .annotation-text, .xtitle, .x2title, .ytitle, .gtitle')]
    .map(el => el.getBoundingClientRect()).filter(b => b.width > 0);
  let overlaps = 0;
  const states = gd.querySelector('.subplot.x2y .heatmaplayer image');
  if (states) {
    const area = states.getBoundingClientRect();
    for (const b of boxes) if (b.right > area.left + 1 && b.left < area.right - 1 &&
        b.bottom > area.top + 1 && b.top < area.bottom - 1) overlaps++;
  }
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 &&
        b.top < a.bottom - 1) overlaps++;
  }
  return {overlaps, states: !!states};
}"""


def open_tab(page, url: str, extra: str = "") -> None:
    page.goto(f"{url}/?{QUERY}{extra}")
    open_lesson(page, t("tab_packing", "en"), SCENE_TIMEOUT_MS)
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    for key in CHARTS:
        page.wait_for_function(NOTES_JS, arg=key, timeout=SCENE_TIMEOUT_MS)


def test_packed_rows_show_batch_sizes_and_the_backends_states(page, app_url):
    open_tab(page, app_url)
    notes = page.evaluate(NOTES_JS, "packing_rows_chart")
    assert notes == ["batch_sizes", "3", "3", "2", "1", "1", "h_t"]
    run = packing(trace(CONFIG))
    shown = np.array(page.evaluate(STATES_JS, "packing_rows_chart"), dtype=float)
    np.testing.assert_allclose(shown, run.hidden[0, 0], atol=1e-6)
    printed = page.locator("[data-testid=stCode]").first.inner_text()
    assert "tensor([3, 3, 2, 1, 1])" in printed and "tensor([0, 2, 1])" in printed


@pytest.mark.parametrize(("width", "height", "extra"), SIZES)
def test_screenshots_without_overlapping_text(page, app_url, width, height, extra):
    page.set_viewport_size({"width": width, "height": height})
    open_tab(page, app_url, extra)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for part, key in (("grids", "packing_padded_chart"), ("rows", "packing_rows_chart")):
        page.locator(f".st-key-{key}").scroll_into_view_if_needed()
        page.wait_for_timeout(400)
        page.screenshot(path=str(SHOTS / f"pack_{width}_{part}.png"))
    for key in CHARTS:
        found = page.evaluate(OVERLAPS_JS, key)
        assert found["overlaps"] == 0, key
        assert found["states"] == (key == "packing_rows_chart")  # the heatmap area was checked
        box = page.locator(f".st-key-{key}").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width  # nothing off the side
