"""Presenter mode and Korean in a real Chromium: what the back row of a lecture hall sees."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from components.i18n import t
from components.stepper import BIG_READOUT_PX
from tests.e2e.conftest import lesson_pill
from tests.e2e.test_browser import READ_CHART_JS, TIMELINE, open_scene, screenshot

pytestmark = pytest.mark.e2e

READOUT = ".st-key-time_stepper .hse-readout"  # the time control's "l · 0"


def test_presenter_mode_big_step_readout_and_keyboard_stepping(page, app_url, screenshot_dir):
    open_scene(page, app_url, "?preset=lecture&present=1")
    readout = page.locator(READOUT)
    size = readout.evaluate("(element) => parseFloat(getComputedStyle(element).fontSize)")
    assert size == BIG_READOUT_PX
    assert readout.text_content().endswith("· 0")
    more = page.get_by_text(t("more_settings", "en"))
    assert more.is_visible()  # the advanced settings are folded away
    assert not page.get_by_text(t("seed", "en"), exact=True).is_visible()
    page.locator(".st-key-timeline_chart .js-plotly-plot").click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        """() => (document.querySelector('.st-key-timeline_chart .js-plotly-plot')
                .layout.shapes || []).some((s) => s.name === 'hse_cursor' && s.x0 === 2)"""
    )
    assert page.evaluate(READ_CHART_JS, TIMELINE)["cursor"] == 2
    assert readout.text_content().endswith("· 2")
    screenshot(page, screenshot_dir, "20-presenter-mode")


def test_korean_page(page, app_url, screenshot_dir):
    chart = open_scene(page, app_url, "?preset=korean&lang=ko")
    assert chart["title"].startswith(t("fig_hidden_state", "ko"))
    assert page.get_by_role("heading", name=t("app_title", "ko")).is_visible()
    assert lesson_pill(page, t("tab_gates", "ko")).is_visible()
    screenshot(page, screenshot_dir, "21-korean")


SPACE = "state_space_chart"
EDGE_PX = 4  # columns at each side of the 3-D scene that must hold no ink
INK = 150  # a pixel darker than this (grey level, 0-255) is a label's ink
PLOT_AREA_JS = """(k) => { const s = document.querySelector(`.st-key-${k} .js-plotly-plot`)
                                 ._fullLayout._size; return [s.l, s.t, s.w, s.h]; }"""


@pytest.mark.parametrize(
    ("viewport", "query"),
    [((1440, 900), "?preset=korean&lang=ko"), ((1280, 720), "?preset=korean&lang=ko&present=1")],
    ids=["laptop", "projector"],
)
def test_three_d_scene_labels_stay_inside_the_chart(browser, app_url, viewport, query):
    """Hidden size 3 draws the path as a 3-D scene in the narrow column beside the
    timeline. Its tick labels and axis titles are drawn by WebGL around the cube and cut
    at the scene's edges, not in the DOM, so the page cannot measure them: the columns
    just inside the scene's left and right edges must be blank, or a label ran past them
    (the z axis's "h[2]" did)."""
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        open_scene(page, app_url, query, key=SPACE)
        page.wait_for_timeout(500)  # WebGL paints after Plotly's afterplot
        left, top, area_width, area_height = page.evaluate(PLOT_AREA_JS, SPACE)
        shot = page.locator(f".st-key-{SPACE} .js-plotly-plot").screenshot()
    finally:
        context.close()
    image = Image.open(BytesIO(shot)).convert("L")
    assert area_width > 150  # the scene's column, not a collapsed chart
    left, top = round(left), round(top)
    right = left + int(area_width)
    edges = [*range(left, left + EDGE_PX), *range(right - EDGE_PX, right)]
    rows = range(top, min(image.height, top + int(area_height)))
    inked = [x for x in edges if any(image.getpixel((x, y)) < INK for y in rows)]
    assert not inked, f"a label of the 3-D scene is cut at its edge (columns {inked} inked)"
