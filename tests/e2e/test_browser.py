"""The real app in a real Chromium: what an instructor and a student actually see and do.

Values are read from the page (Plotly's decoded `gd._fullData`), never from the app's
Python objects, and compared with what plain torch computes.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import torch
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from torch import nn

from components.i18n import t
from tests.e2e.conftest import VIEWPORT, chosen_lesson, open_lesson, wait_for_rerun
from tests.support.reference import lecture_outputs, one_hot_batch, plain_outputs

pytestmark = pytest.mark.e2e

TIMELINE = "timeline_chart"
STATE_SPACE = "state_space_chart"
GATES = "gates_chart"
SCENE_TIMEOUT_S = 45.0  # a first page load: the Plotly bundle plus the scene, on a busy CPU
TOLERANCE = 1e-5

# The chart inside the element keyed `key`, as the browser holds it (values decoded).
# `cursors`: the x of every time cursor (shapes named hse_cursor; one per time axis),
# `cursor` the first of them; `ring`: the state-space ring's centre (hse_point).
READ_CHART_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!gd || !gd._fullData || !gd._fullData.length || !gd._fullLayout) return null;
  const layout = gd._fullLayout;
  const shapes = layout.shapes || [];
  const cursors = shapes.filter(s => s.name === 'hse_cursor').map(s => s.x0);
  const ring = shapes.find(s => s.name === 'hse_point');
  return {
    traces: gd._fullData.map(d => ({
      type: d.type,
      name: d.name,
      x: d.x ? Array.from(d.x) : null,
      z: d.z ? Array.from(d.z, row => Array.from(row)) : null,
    })),
    title: layout.title ? layout.title.text : null,
    cursors,
    cursor: cursors.length ? cursors[0] : null,
    ring: ring ? {x: ring.xanchor, y: ring.yanchor, visible: ring.visible} : null,
    point: Array.isArray(gd.layout.meta) && gd.layout.meta[0].hse
      ? gd.layout.meta[0].hse.point || null : null,
    frames: gd._transitionData && gd._transitionData._frames
      ? gd._transitionData._frames.length : 0,
    sliders: (layout.sliders || []).length,
    images: document.querySelectorAll(`.st-key-${key} g.hm image`).length,
  };
}"""

# hidden size 3 draws state space as a 3-D scene: its "now" marker (the trace named in
# meta[0].hse.scene_point) must sit on the path's point of the cursor's step.
SCENE_MARKER_JS = """() => {
  const gd = document.querySelector('.st-key-state_space_chart .js-plotly-plot');
  const point = gd.layout.meta[0].hse.scene_point;
  const cursor = document.querySelector('.st-key-timeline_chart .js-plotly-plot')
    ._fullLayout.shapes.find(s => s.name === 'hse_cursor').x0;
  const marker = gd._fullData[point.trace];
  return ['x', 'y', 'z'].every(k => marker[k][0] === point[k][cursor]);
}"""

# The time control (a v2 component; Playwright's CSS locators pierce its shadow root).
STEPPER = ".st-key-time_stepper"
# Samples the chart every 20 ms while the time control plays, until its cursors have
# stayed on step `last` for `settle` ms (a play that went on past the end, or back to 0,
# would show): the steps seen in order with when each was first seen, the fewest and
# most heatmap images drawn at any sample (0 = it vanished mid-play), and every sample
# where the chart's cursors disagreed.
WATCH_PLAY_JS = """async ({key, last, timeout, settle}) => {
  const root = document.querySelector(`.st-key-${key}`);
  const gd = root.querySelector('.js-plotly-plot');
  const start = performance.now();
  const steps = [], seenAt = [], split = [];
  let minImages = Infinity, maxImages = 0, samples = 0, lastSince = null;
  while (performance.now() - start < timeout) {
    const now = performance.now();
    const xs = (gd._fullLayout.shapes || []).filter(s => s.name === 'hse_cursor')
      .map(s => s.x0);
    const step = xs[0];
    if (xs.some(x => x !== step)) split.push(xs);
    if (steps[steps.length - 1] !== step) { steps.push(step); seenAt.push(now - start); }
    const images = root.querySelectorAll('g.hm image').length;
    minImages = Math.min(minImages, images);
    maxImages = Math.max(maxImages, images);
    samples += 1;
    if (step === last) {
      if (lastSince === null) lastSince = now;
      if (now - lastSince >= settle) break;
    } else {
      lastSince = null;
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  return {steps, seenAt: seenAt.map(Math.round), minImages, maxImages, samples, split,
          elapsedMs: Math.round(performance.now() - start)};
}"""


def assert_close(z: list[list[float]], expected: torch.Tensor, what: str) -> None:
    got = torch.tensor(z, dtype=torch.float32)
    assert got.shape == expected.shape, f"{what}: shape {tuple(got.shape)} != {expected.shape}"
    error = (got - expected).abs().max().item()
    assert error <= TOLERANCE, f"{what}: max |page - torch| = {error:.2e}\n{got}\n{expected}"


# --- driving the page ---------------------------------------------------------------


def open_scene(page, app_url: str, query: str = "", key: str = TIMELINE) -> dict:
    page.goto(app_url + "/" + query)
    return read_chart(page, key)


def read_chart(page, key: str, until=None, timeout_s: float = SCENE_TIMEOUT_S) -> dict:
    """The chart once the script is idle and it is drawn (and `until(chart)` holds).

    On timeout, returns what the page holds (or fails if no chart at all), so the
    caller's assertion reports the values it actually saw."""
    deadline = time.monotonic() + timeout_s
    chart = None
    while time.monotonic() < deadline:
        wait_for_rerun(page, timeout_ms=int(timeout_s * 1000))
        chart = page.evaluate(READ_CHART_JS, key)
        if chart is not None and (until is None or until(chart)):
            return chart
        page.wait_for_timeout(200)
    if chart is None:
        alerts = page.locator("[data-testid=stAlert]").all_inner_texts()
        pytest.fail(f"no Plotly chart in .st-key-{key} after {timeout_s:.0f} s; alerts: {alerts}")
    return chart


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def commit_text(page, selector: str, text: str) -> None:
    """Type into a Streamlit text area and commit it (Ctrl+Enter), then wait for the rerun."""
    area = page.locator(selector)
    area.fill(text)
    area.press("Control+Enter")
    wait_for_rerun(page)


def screenshot(page, folder: Path, name: str) -> Path:
    """Whole app, sidebar included: Streamlit scrolls inside its own container, so grow
    the viewport to the content's height for the shot, then put it back."""
    height = page.evaluate(
        """() => Math.max(1000, ...['stMain', 'stSidebarContent'].map(id => {
             const e = document.querySelector(`[data-testid=${id}]`);
             return e ? e.scrollHeight : 0; }))"""
    )
    old = page.viewport_size
    page.set_viewport_size({"width": old["width"], "height": min(int(height) + 40, 4000)})
    page.wait_for_timeout(500)  # Plotly's resize handler redraws the charts
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(old)
    return path


def selected_radio(page, key: str) -> str:
    chosen = page.locator(f".st-key-{key} [data-testid=stRadioOption]:has(input:checked)")
    return chosen.inner_text()


# --- the tests ----------------------------------------------------------------------


def test_lecture_scene_matches_torch(page, app_url, screenshot_dir):
    chart = open_scene(page, app_url)

    heatmap = chart["traces"][0]
    assert heatmap["type"] == "heatmap", chart["traces"]
    # Sequence 1 as PyTorch read the lecture's tensor: outputs[:, 0, :], units on y.
    assert_close(heatmap["z"], lecture_outputs()[:, 0, :].T, "lecture heatmap z")
    assert heatmap["x"] == [0, 1, 2]
    assert query_of(page).get("preset") == ["lecture"], page.url
    assert chart["images"] == 1, "the heatmap is not drawn"
    screenshot(page, screenshot_dir, "01-lecture")


def test_typing_a_sequence_updates_the_heatmap(page, app_url, screenshot_dir):
    # hihello: batch_first on, one line of 7 steps. (The lecture preset keeps batch_first
    # off, so a single typed line would be read as 5 sequences of 1 step.)
    before = open_scene(page, app_url, "?preset=hihello")["traces"][0]
    assert len(before["x"]) == 7, before["x"]

    commit_text(page, ".st-key-main_sequences textarea", "abcab")
    after = read_chart(page, TIMELINE, until=lambda c: len(c["traces"][0]["x"]) != 7)
    heatmap = after["traces"][0]

    assert heatmap["type"] == "heatmap"
    assert len(heatmap["x"]) == 5, heatmap["x"]
    assert heatmap["z"] != before["z"]
    expected = plain_outputs(nn.RNN, one_hot_batch(["abcab"]), hidden=5, batch_first=True)
    assert_close(heatmap["z"], expected[0].T, "abcab heatmap z")
    query = query_of(page)
    assert query.get("seq") == ["abcab"], page.url
    assert "preset" not in query, page.url  # no longer the preset: the link says so
    screenshot(page, screenshot_dir, "02-typed-abcab")


def readout(page) -> str:
    """The time control's read-out of the current step ("l · 2")."""
    return page.locator(f"{STEPPER} .hse-readout").text_content().strip()


def ring_at(page, step: int) -> bool:
    """The state-space chart's ring sits on the path's point of `step`."""
    space = page.evaluate(READ_CHART_JS, STATE_SPACE)
    ring, point = space["ring"], space["point"]
    return (
        ring is not None
        and ring["visible"] is not False
        and (ring["x"], ring["y"]) == (point["x"][step], point["y"][step])
    )


def open_quiet_tab(page) -> None:
    """Open a lesson that does not follow the cursor (Input & vocabulary): then the time
    control keeps every step in the browser. (The step lesson reports the step: see
    tests/e2e/test_step_browser.py.)"""
    open_lesson(page, t("tab_input", "en"))
    wait_for_rerun(page)
    selected = chosen_lesson(page)
    assert selected == t("tab_input", "en"), selected


def test_time_cursor_moves_in_the_browser_without_a_rerun(page, app_url, screenshot_dir):
    sent: list[str | bytes] = []

    def record(payload: str | bytes) -> None:
        sent.append(payload)

    page.on("websocket", lambda ws: ws.on("framesent", record))
    chart = open_scene(page, app_url)
    open_quiet_tab(page)
    # The time control steps the charts: no Plotly frames, slider or play menu any more.
    assert chart["frames"] == 0 and chart["sliders"] == 0, chart
    assert page.locator(f".st-key-{TIMELINE} .updatemenu-button").count() == 0
    assert chart["cursors"] == [0, 0], chart  # the heatmap's cursor and the lines'
    assert readout(page) == "h · 0"
    assert ring_at(page, 0)
    page.wait_for_timeout(300)  # let any trailing message of the first runs go out
    assert sent, "the websocket listener saw no frame at all: it cannot prove anything"
    frames_before = len(sent)

    play = page.locator(f"{STEPPER} button[data-act=play]")
    assert play.text_content() == t("fig_play", "en")
    play.click()
    assert play.text_content() == t("fig_pause", "en"), "the play button does not say pause"
    watched = page.evaluate(
        WATCH_PLAY_JS, {"key": TIMELINE, "last": 2, "timeout": 8000, "settle": 1500}
    )
    assert watched["steps"] == [0, 1, 2], f"play did not step through 0, 1, 2: {watched}"
    assert watched["minImages"] == watched["maxImages"] == 1, (
        f"the heatmap was not drawn at every sample while playing: {watched}"
    )
    assert not watched["split"], f"the heatmap's and the lines' cursors parted: {watched}"
    gaps = [b - a for a, b in zip(watched["seenAt"], watched["seenAt"][1:], strict=False)]
    assert all(gap >= 200 for gap in gaps), f"play raced instead of stepping: {watched}"
    assert play.text_content() == t("fig_play", "en"), "play did not stop at the last step"
    played = page.evaluate(READ_CHART_JS, TIMELINE)
    assert played["cursors"] == [2, 2], played
    assert readout(page) == "l · 2" and ring_at(page, 2)

    assert played["images"] == 1
    assert played["traces"][0]["z"] == chart["traces"][0]["z"], "the heatmap data changed"

    page.wait_for_timeout(600)  # a report would go out 350 ms after the last step
    assert len(sent) == frames_before, f"playing sent {sent[frames_before:]!r} to the server"
    screenshot(page, screenshot_dir, "03-played-to-the-end")


def test_time_slider_moves_the_cursor_without_a_rerun(page, app_url, screenshot_dir):
    sent: list[str | bytes] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    chart = open_scene(page, app_url)
    open_quiet_tab(page)
    page.wait_for_timeout(300)
    assert sent, "the websocket listener saw no frame at all: it cannot prove anything"
    frames_before = len(sent)

    slider = page.locator(f"{STEPPER} input[type=range]")
    assert (slider.get_attribute("min"), slider.get_attribute("max")) == ("0", "2")
    assert slider.input_value() == "0"
    box = slider.bounding_box()
    middle_y = box["y"] + box["height"] / 2
    for fraction, step, label in ((0.5, 1, "e · 1"), (0.98, 2, "l · 2"), (0.5, 1, "e · 1")):
        page.mouse.click(box["x"] + box["width"] * fraction, middle_y)  # 0..2: middle = 1
        try:
            page.wait_for_function(
                f"() => ({READ_CHART_JS})('{TIMELINE}').cursor === {step}", timeout=5000
            )
        except PlaywrightTimeoutError:
            seen = page.evaluate(READ_CHART_JS, TIMELINE)["cursors"]
            pytest.fail(
                f"a click at {fraction:.0%} of the time slider left the cursors at {seen}, "
                f"the slider at {slider.input_value()} (wanted step {step})"
            )
        stepped = page.evaluate(READ_CHART_JS, TIMELINE)
        assert stepped["cursors"] == [step, step], stepped
        assert slider.input_value() == str(step) and readout(page) == label
        assert ring_at(page, step)
        assert stepped["images"] == 1
        assert stepped["traces"][0]["z"] == chart["traces"][0]["z"], "the heatmap data changed"

    page.wait_for_timeout(600)  # a report would go out 350 ms after the last step
    assert len(sent) == frames_before, f"stepping sent {sent[frames_before:]!r} to the server"
    screenshot(page, screenshot_dir, "03b-slider-at-step-1")


def test_shared_link_reopens_the_scene(page, app_url, screenshot_dir):
    open_scene(page, app_url, "?seq=hello&seq=world&cell=lstm&hidden=4&batch_first=1")
    open_lesson(page, "Gates & cell state")
    gates = read_chart(page, GATES, timeout_s=15)  # the scene is drawn: only the tab's chart

    assert [trace["type"] for trace in gates["traces"]] == ["heatmap"] * 5, gates["traces"]
    assert [trace["name"] for trace in gates["traces"]] == ["c", "i", "f", "g", "o"]
    assert all(len(trace["z"]) == 4 and len(trace["z"][0]) == 5 for trace in gates["traces"])
    assert gates["images"] == 5, "not every gate heatmap is drawn"
    assert selected_radio(page, "main_cell") == "LSTM"
    assert page.locator(".st-key-main_hidden_size input").input_value() == "4"
    assert page.locator(".st-key-main_batch_first input").is_checked()
    assert page.locator(".st-key-main_sequences textarea").input_value() == "hello\nworld"
    screenshot(page, screenshot_dir, "04-shared-link-gates")


def test_bad_number_shows_a_message_then_recovers(page, app_url, screenshot_dir):
    page.goto(app_url + "/?seq=1,abc&tokens=numbers")
    problem = page.locator("[data-testid=stAlertContentError], [data-testid=stException]")
    problem.first.wait_for(timeout=SCENE_TIMEOUT_S * 1000)
    wait_for_rerun(page)
    error = page.locator("[data-testid=stAlert]", has_text="not a number")

    assert page.locator("[data-testid=stException]").count() == 0, "a traceback is shown"
    shown = problem.all_inner_texts()
    assert len(shown) == 1 and "not a number" in shown[0], shown
    assert error.locator("code", has_text="abc").count() == 1  # the typed text, as code
    assert "Traceback" not in page.content()
    assert page.locator(f".st-key-{TIMELINE} .js-plotly-plot").count() == 0
    screenshot(page, screenshot_dir, "05a-bad-number")

    commit_text(page, ".st-key-main_sequences textarea", "1, 2, 3")
    chart = read_chart(page, TIMELINE)
    expected = plain_outputs(nn.RNN, torch.tensor([[[1.0], [2.0], [3.0]]]), 2, batch_first=True)
    assert_close(chart["traces"][0]["z"], expected[0].T, "numbers heatmap z")
    assert error.count() == 0, "the error stayed after the input was fixed"
    assert "Traceback" not in page.content()
    assert query_of(page).get("seq") == ["1, 2, 3"], page.url
    screenshot(page, screenshot_dir, "05b-fixed-number")


def test_two_pages_are_independent(browser, app_url, screenshot_dir):
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in "ab"]
    try:
        gru, lstm = (context.new_page() for context in contexts)
        gru.goto(app_url + "/?seq=hello&cell=gru&batch_first=1")  # both sessions load at once
        lstm.goto(app_url + "/?seq=hello&cell=lstm&batch_first=1")
        gru_chart, lstm_chart = read_chart(gru, TIMELINE), read_chart(lstm, TIMELINE)

        x = one_hot_batch(["hello"])
        assert "GRU" in gru_chart["title"] and "LSTM" in lstm_chart["title"]
        gru_expected = plain_outputs(nn.GRU, x, 2, batch_first=True)[0].T
        assert_close(gru_chart["traces"][0]["z"], gru_expected, "GRU page")
        lstm_expected = plain_outputs(nn.LSTM, x, 2, batch_first=True)[0].T
        assert_close(lstm_chart["traces"][0]["z"], lstm_expected, "LSTM page")
        assert selected_radio(gru, "main_cell") == "GRU"
        assert selected_radio(lstm, "main_cell") == "LSTM"

        # One user edits; the other reruns on its own settings and sees none of it.
        commit_text(gru, ".st-key-main_sequences textarea", "abc")
        edited = read_chart(gru, TIMELINE, until=lambda c: len(c["traces"][0]["x"]) == 3)
        assert len(edited["traces"][0]["x"]) == 3
        hidden = lstm.locator(".st-key-main_hidden_size input")
        hidden.fill("3")
        hidden.press("Enter")
        rerun = read_chart(lstm, TIMELINE, until=lambda c: len(c["traces"][0]["z"]) == 3)
        assert len(rerun["traces"][0]["z"]) == 3, "the LSTM page did not rerun with hidden 3"
        assert len(rerun["traces"][0]["x"]) == 5, "the GRU page's text leaked into the LSTM page"
        assert lstm.locator(".st-key-main_sequences textarea").input_value() == "hello"
        assert "LSTM" in rerun["title"]
        assert query_of(lstm).get("cell") == ["lstm"] and query_of(gru).get("cell") == ["gru"]
        assert query_of(lstm).get("seq") == ["hello"] and query_of(gru).get("seq") == ["abc"]
        screenshot(gru, screenshot_dir, "06a-page-gru")
        screenshot(lstm, screenshot_dir, "06b-page-lstm")
    finally:
        for context in contexts:
            context.close()


def test_sequence_picker_label_follows_the_text(page, app_url):
    open_scene(page, app_url, "?seq=hello&batch_first=1")
    picker = page.locator(".st-key-main_view_seq input")
    if picker.input_value() != "1: hello":  # not an AssertionError: must not count as xfail
        pytest.fail(f"unexpected first label {picker.input_value()!r}")

    commit_text(page, ".st-key-main_sequences textarea", "abc")
    read_chart(page, TIMELINE, until=lambda c: len(c["traces"][0]["x"]) == 3)
    assert picker.input_value() == "1: abc", "the picker still names the old sequence"


def test_link_text_in_a_notice_is_never_a_link(page, app_url):
    open_scene(page, app_url, "?cell=http://evil.example/x&seed=:red[x]")
    notices = page.locator("[data-testid=stAlertContentWarning]")
    notices.first.wait_for()
    assert notices.count() == 2
    assert notices.locator("a").count() == 0, "link text became a clickable link"
    assert notices.locator("code", has_text="http://evil.example/x").count() == 1
    assert notices.locator("code", has_text=":red[x]").count() == 1


def test_step_buttons_and_arrow_keys_move_every_cursor_in_the_browser(
    page, app_url, screenshot_dir
):
    sent: list[str | bytes] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    open_scene(page, app_url, "?seq=hello&seq=world&cell=lstm&hidden=3&batch_first=1")
    open_lesson(page, "Gates & cell state")
    read_chart(page, GATES)
    page.wait_for_timeout(300)
    assert sent, "the websocket listener saw no frame at all: it cannot prove anything"
    frames_before = len(sent)

    def cursors() -> tuple[list[int], list[int], bool]:
        """Every time cursor of the timeline and of the gates chart, and whether the
        state-space scene's marker (3-D: hidden 3) sits on the path at that step."""
        return (
            page.evaluate(READ_CHART_JS, TIMELINE)["cursors"],
            page.evaluate(READ_CHART_JS, GATES)["cursors"],
            page.evaluate(SCENE_MARKER_JS),
        )

    def wait_all_at(step: int) -> None:
        try:
            wait_for_cursors(step)
        except PlaywrightTimeoutError:
            pytest.fail(f"not every chart reached step {step}: (timeline, gates, 3-D marker "
                        f"on the path) = {cursors()}")  # fmt: skip

    def wait_for_cursors(step: int) -> None:
        page.wait_for_function(
            f"""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
                .filter(gd => Array.isArray(gd.layout.meta) && gd.layout.meta[0].hse)
                .every(gd => (gd._fullLayout.shapes || []).filter(s => s.name === 'hse_cursor')
                  .every(s => s.x0 === {step}))
                && ({SCENE_MARKER_JS})()""",
            timeout=5000,
        )

    gates_cursors = len(page.evaluate(READ_CHART_JS, GATES)["cursors"])
    assert gates_cursors == 5, "one cursor per gate panel"
    at = {step: ([step] * 2, [step] * gates_cursors, True) for step in range(5)}
    assert cursors() == at[0]
    forward = page.locator(f"{STEPPER} button[data-act=next]")
    forward.click()
    forward.click()
    wait_all_at(2)
    assert cursors() == at[2], "every chart steps together"
    assert readout(page) == "l · 2"
    page.keyboard.press("ArrowLeft")
    wait_all_at(1)
    assert cursors() == at[1]
    page.locator(f"{STEPPER} button[data-act=prev]").click()
    page.keyboard.press("ArrowLeft")  # already at the first step: stays there
    page.wait_for_timeout(400)
    assert cursors() == at[0]
    for _ in range(7):  # past the last step: stays on it
        forward.click()
    page.wait_for_timeout(600)
    assert cursors() == at[4]
    assert readout(page) == "o · 4"
    assert page.evaluate(READ_CHART_JS, TIMELINE)["images"] == 1, "the heatmap vanished"
    assert len(sent) == frames_before, "stepping must not talk to the server"
    screenshot(page, screenshot_dir, "07-stepped-to-the-end")
