"""The time cursor in a real Chromium, where the lecture hall broke it: after the chart's
fullscreen button, after a click on a sidebar radio or a lesson tab, after a cell switch
(the step is kept), on a touch screen (buttons and swipe, no keyboard hint). Stepping
sends nothing to the server."""

from __future__ import annotations

import pytest

from components.i18n import t
from tests.e2e.conftest import chosen_lesson, wait_for_rerun

pytestmark = pytest.mark.e2e

SCENE_TIMEOUT_MS = 150_000
# The step each time chart shows: its first named cursor's x (or its ring's place).
SHOWN_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .filter((gd) => gd.layout && Array.isArray(gd.layout.meta) && gd.layout.meta[0].hse)
  .map((gd) => {
    const cursor = (gd.layout.shapes || []).find((s) => s.name === 'hse_cursor');
    return cursor ? cursor.x0 : gd.__hseShown;
  })"""
READOUT = ".st-key-time_stepper"
INPUT_CHART = ".st-key-input_chart .js-plotly-plot"
TITLES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .map((gd) => (gd.layout.title && gd.layout.title.text) || '')"""


def shown(page) -> list:
    return page.evaluate(SHOWN_JS)


def wait_shown(page, step: int) -> None:
    page.wait_for_function(
        f"() => {{ const s = ({SHOWN_JS})(); "
        f"return s.length >= 2 && s.every((x) => x === {step}); }}",
        timeout=10_000,
    )


def open_lecture(page, app_url, query: str = "preset=lecture") -> None:
    page.goto(f"{app_url}/?{query}")
    page.wait_for_selector(".js-plotly-plot", timeout=SCENE_TIMEOUT_MS)
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    wait_shown(page, 0)


def test_arrow_keys_step_every_chart_and_send_nothing(page, app_url):
    open_lecture(page, app_url)
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.keyboard.press("ArrowRight")
    wait_shown(page, 1)
    page.keyboard.press("ArrowRight")
    wait_shown(page, 2)
    page.keyboard.press("ArrowLeft")
    wait_shown(page, 1)
    readout = page.locator(f"{READOUT} .hse-readout")
    assert readout.text_content().strip() != ""
    page.wait_for_timeout(600)
    assert sent == []


def test_fullscreen_keeps_stepping(page, app_url):
    open_lecture(page, app_url)
    page.locator("[data-testid=stPlotlyChart]").first.hover()
    fullscreen = page.get_by_role("button", name="Fullscreen").first
    fullscreen.click()
    page.wait_for_timeout(800)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({SHOWN_JS})().includes(1)", timeout=10_000)
    page.keyboard.press("Escape")
    page.wait_for_timeout(800)
    page.keyboard.press("ArrowRight")
    wait_shown(page, 2)


def test_a_clicked_radio_or_lesson_pill_does_not_take_the_arrows(page, app_url):
    open_lecture(page, app_url)
    cell = page.locator("[data-testid=stSidebar]").get_by_text("RNN", exact=True)
    cell.click()  # already chosen: no rerun, but the radio has the focus
    page.keyboard.press("ArrowRight")
    wait_shown(page, 1)
    page.wait_for_timeout(1500)  # a radio that took the arrow would have rerun by now
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    assert page.evaluate(TITLES_JS)[0].startswith(t("fig_hidden_state", "en") + " · RNN")
    wait_shown(page, 1)
    pills = page.locator(".st-key-lesson_tab [role=radio]")
    first_tab = pills.first.text_content()
    pills.first.click()
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    page.keyboard.press("ArrowRight")
    wait_shown(page, 2)
    selected = chosen_lesson(page)
    assert selected == first_tab


def test_a_cell_switch_keeps_the_step(page, app_url):
    open_lecture(page, app_url)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wait_shown(page, 2)
    page.locator("[data-testid=stSidebar]").get_by_text("LSTM", exact=True).click()
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    page.wait_for_function(
        f"() => ({TITLES_JS})().some((title) => title.includes('LSTM'))",
        timeout=SCENE_TIMEOUT_MS,
    )
    wait_shown(page, 2)


def test_touch_screen_buttons_and_swipe_without_a_keyboard_hint(browser, app_url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        open_lecture(page, app_url)
        hint = page.locator(f"{READOUT} .hse-hint").text_content()
        assert hint == t("stepper_hint_touch", "en")
        assert "←" not in hint
        page.locator(f"{READOUT} button[data-act=next]").tap()
        wait_shown(page, 1)
        chart = page.locator("[data-testid=stPlotlyChart]").first
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        box = chart.bounding_box()
        y = box["y"] + box["height"] / 2
        page.evaluate(
            """([x0, x1, y]) => {
              const target = document.elementFromPoint(x0, y);
              const touch = (x) => new Touch({identifier: 1, target, clientX: x, clientY: y});
              const fire = (kind, init) => target.dispatchEvent(
                new TouchEvent(kind, {bubbles: true, ...init}));
              fire('touchstart', {touches: [touch(x0)]});
              fire('touchend', {changedTouches: [touch(x1)]});
            }""",
            [box["x"] + box["width"] * 0.8, box["x"] + box["width"] * 0.2, y],
        )
        wait_shown(page, 2)
    finally:
        context.close()


def test_a_new_scene_at_the_cursors_step_is_not_drawn_again(page, app_url):
    """At step 0 a cell switch brings charts drawn at step 0: the stepper leaves them be
    (a relayout would draw each once more), and the input chart, the same for every cell,
    keeps its element (it is not sent again, so not drawn again)."""
    open_lecture(page, app_url)
    page.evaluate(
        """() => {
          const INPUT = INPUT_SELECTOR;
          window.__relayouts = 0;
          const relayout = window.Plotly.relayout;
          window.Plotly.relayout = (...args) => {
            window.__relayouts += 1;
            return relayout(...args);
          };
          window.__inputChart = document.querySelector(INPUT);
        }""".replace("INPUT_SELECTOR", repr(INPUT_CHART))
    )
    page.locator("[data-testid=stSidebar]").get_by_text("GRU", exact=True).click()
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    page.wait_for_function(
        f"() => ({TITLES_JS})().some((title) => title.includes('GRU'))",
        timeout=SCENE_TIMEOUT_MS,
    )
    page.wait_for_timeout(1000)  # the stepper's check runs every 250 ms
    wait_shown(page, 0)
    assert page.evaluate("() => window.__relayouts") == 0
    assert page.evaluate(
        "() => window.__inputChart === document.querySelector(INPUT)".replace(
            "INPUT", repr(INPUT_CHART)
        )
    )
    page.keyboard.press("ArrowRight")  # and stepping still moves them
    wait_shown(page, 1)
    assert page.evaluate("() => window.__relayouts") >= 1


# A long path's recent steps in the plane (components/figures/state_space.py,
# _trail_segments): the visible segments' ends, and the per-step positions.
TRAIL_JS = """() => {
  const gd = document.querySelector('.st-key-state_space_chart .js-plotly-plot');
  const point = gd.layout.meta[0].hse.point;
  const segments = gd.layout.shapes.filter((s) => s.name === 'hse_trail');
  return {count: segments.length, px: point.x, py: point.y,
          shown: segments.filter((s) => s.visible).map((s) => [s.x0, s.y0, s.x1, s.y1]),
          opacity: segments.filter((s) => s.visible).map((s) => s.opacity)};
}"""


def test_a_long_paths_recent_steps_follow_the_cursor(page, app_url):
    """Past 30 steps the path of h_t is a tangle: it is drawn faint, and its last 20 steps
    up to the cursor strong, fading with age, moved in the browser at every step."""
    line = "the cat sat on the mat and the dog sat on the log"  # 49 steps
    open_lecture(page, app_url, f"seq={line.replace(' ', '+')}&batch_first=1&hidden=2")
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    assert page.evaluate(TRAIL_JS)["shown"] == []  # t = 0: no steps behind the cursor
    for _ in range(30):
        page.keyboard.press("ArrowRight")
    wait_shown(page, 30)
    trail = page.evaluate(TRAIL_JS)
    px, py = trail["px"], trail["py"]
    assert trail["count"] == 19
    assert trail["shown"] == [[px[a], py[a], px[a + 1], py[a + 1]] for a in range(11, 30)]
    assert trail["opacity"] == sorted(trail["opacity"]) and trail["opacity"][-1] == 1
    for _ in range(27):
        page.keyboard.press("ArrowLeft")
    wait_shown(page, 3)
    trail = page.evaluate(TRAIL_JS)
    assert trail["shown"] == [[px[a], py[a], px[a + 1], py[a + 1]] for a in range(3)]
    page.wait_for_timeout(600)
    assert sent == []
