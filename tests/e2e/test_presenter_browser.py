"""Presenter mode and Korean in a real Chromium: what the back row of a lecture hall sees."""

from __future__ import annotations

import pytest

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
