"""The main view in a real Chromium, where the issue found it lacking (the time control
itself is tests/e2e/test_time_cursor_browser.py and test_browser.py):

* the first screen: the hidden state and its state-space path, whole, without scrolling,
  on a 1280x720 projector in presenter mode and on a 1440x900 laptop;
* the colours: fitted to the data by default (the colour axis spans the largest |h|), the
  tanh range [-1, 1] one click away;
* a phone (390x844, touch): the two charts one above the other, each wide enough, and no
  title, legend, axis or colour-bar text drawn over another;
* the hover of a heatmap cell names its step and token, so the two `l`s of `hello` (t = 2
  and t = 3) are told apart.

Values are read from the page (Plotly's `gd._fullLayout`, `gd._fullData`, the drawn SVG)
and compared with plain torch. Screenshots go to artifacts/screenshots/3x-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
import torch
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from torch import nn

from components.i18n import t
from components.stepper import BIG_READOUT_PX
from tests.e2e.conftest import wait_for_rerun
from tests.support.reference import one_hot_batch, plain_outputs

pytestmark = pytest.mark.e2e

SCENE_TIMEOUT_MS = 150_000  # first load: the Plotly bundle plus the scene, on a busy CPU
TIMELINE, STATE_SPACE = "timeline_chart", "state_space_chart"
STEPPER = ".st-key-time_stepper"  # the time control (Playwright pierces its shadow root)
HELLO = "?seq=hello&batch_first=1"  # one line of five steps: h e l l o
MIN_CHART_PX = 300  # narrower or lower than this, a chart is not readable
OVERLAP_PX = 1.0  # text boxes may touch; overlapping by more than this is a collision

# The drawn chart's box in the viewport (the Plotly graph div, not its Streamlit frame).
BOX_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const r = gd.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
          width: r.width, height: r.height};
}"""
# The colour axis as Plotly drew it, the heatmap's values, and the colour bar's title.
COLOURS_JS = """() => {
  const gd = document.querySelector('.st-key-timeline_chart .js-plotly-plot');
  const axis = gd._fullLayout.coloraxis;
  const title = gd.querySelector('.cbtitle');
  return {cmin: axis.cmin, cmax: axis.cmax, z: Array.from(gd._fullData[0].z, r => Array.from(r)),
          title: title ? title.textContent : null};
}"""
# Every title, annotation, legend entry, axis title and colour-bar title drawn in the
# chart keyed `key`, with its box (the outermost match only: a colour bar's title is a
# group holding a text that matches too). Empty and hidden ones are left out.
TEXT_BOXES_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const selector = '.gtitle, .annotation-text, .legendtext, .cbtitle, '
    + 'text[class^=x][class$=title], text[class^=y][class$=title]';
  const found = Array.from(gd.querySelectorAll(selector));
  return found
    .filter(e => !found.some(other => other !== e && other.contains(e)))
    .map(e => {
      const r = e.getBoundingClientRect();
      return {cls: e.getAttribute('class'), text: (e.textContent || '').trim(),
              left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    })
    .filter(b => b.text && b.right - b.left > 0 && b.bottom - b.top > 0);
}"""
# The chart tools (Plotly's mode bar) where they are on screen without a hover: a phone
# has no hover, so they stay drawn. Null where they show only under the pointer.
SHOWN_TOOLS_JS = """(key) => {
  const bar = document.querySelector(`.st-key-${key} .modebar`);
  const group = bar && bar.querySelector('.modebar-group');
  if (!group || parseFloat(getComputedStyle(group).opacity) === 0) return null;
  const r = bar.getBoundingClientRect();
  return {text: 'the chart tools', left: r.left, top: r.top, right: r.right, bottom: r.bottom};
}"""
# Page coordinates of the centre of heatmap cell (step, unit) of the timeline (the
# heatmap is its first trace, on x/y).
CELL_JS = """([step, unit]) => {
  const gd = document.querySelector('.st-key-timeline_chart .js-plotly-plot');
  const layout = gd._fullLayout, box = gd.getBoundingClientRect();
  return [box.left + layout.xaxis._offset + layout.xaxis.l2p(step),
          box.top + layout.yaxis._offset + layout.yaxis.l2p(unit)];
}"""
# The hover label's lines, as drawn (one tspan.line per line).
HOVER_JS = """() => Array.from(document.querySelectorAll(
    '.st-key-timeline_chart .hoverlayer .hovertext')).map(label =>
  Array.from(label.querySelectorAll('text.nums tspan.line'), line => line.textContent))"""


@contextmanager
def opened(browser, query: str, **context_options) -> Iterator:
    """A fresh page on `query`, once both main charts are drawn and the script is idle."""
    context = browser.new_context(**context_options)
    try:
        page = context.new_page()
        page.goto(query)
        for key in (TIMELINE, STATE_SPACE):
            page.locator(f".st-key-{key} .js-plotly-plot").wait_for(timeout=SCENE_TIMEOUT_MS)
        wait_for_rerun(page, SCENE_TIMEOUT_MS)
        page.locator(f".st-key-{TIMELINE} g.hm image").wait_for(state="attached")
        page.wait_for_timeout(500)  # Plotly's own resize after the columns settle
        yield page
    finally:
        context.close()


def box_of(page, key: str) -> dict:
    return page.evaluate(BOX_JS, key)


def element_box(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not drawn"
    return {"left": box["x"], "top": box["y"], "right": box["x"] + box["width"],
            "bottom": box["y"] + box["height"]}  # fmt: skip


def assert_on_first_screen(what: str, box: dict, viewport: dict) -> None:
    inside = (
        box["top"] >= 0
        and box["left"] >= 0
        and box["bottom"] <= viewport["height"]
        and box["right"] <= viewport["width"]
    )
    assert inside, f"{what} is not wholly on the first {viewport} screen: {box}"


def collisions(boxes: list[dict]) -> list[tuple[str, str, float, float]]:
    """Every pair of text boxes overlapping by more than OVERLAP_PX in both directions."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            across = min(a["right"], b["right"]) - max(a["left"], b["left"])
            down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if across > OVERLAP_PX and down > OVERLAP_PX:
                found.append((a["text"], b["text"], round(across, 1), round(down, 1)))
    return found


# --- (a) the first screen --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "viewport", "query", "big"),
    [
        ("30-first-screen-presenter-1280x720", {"width": 1280, "height": 720},
         "?preset=lecture&present=1", True),
        ("31-first-screen-1440x900", {"width": 1440, "height": 900}, "?preset=lecture", False),
    ],
)  # fmt: skip
def test_both_charts_and_the_time_control_fit_the_first_screen(
    browser, app_url, screenshot_dir, name, viewport, query, big
):
    with opened(browser, app_url + "/" + query, viewport=viewport) as page:
        readout = page.locator(f"{STEPPER} .hse-readout")
        size = readout.evaluate("(element) => parseFloat(getComputedStyle(element).fontSize)")
        assert (size == BIG_READOUT_PX) == big, f"presenter mode is {'off' if big else 'on'}"
        scrolled = page.evaluate(
            "() => [window.scrollY, document.querySelector('[data-testid=stMain]').scrollTop]"
        )
        assert scrolled == [0, 0], f"the page opened scrolled: {scrolled}"
        timeline, space = box_of(page, TIMELINE), box_of(page, STATE_SPACE)
        page.screenshot(path=screenshot_dir / f"{name}.png")
        for what, box in (("the hidden-state chart", timeline), ("the state-space chart", space)):
            assert box["height"] >= MIN_CHART_PX, f"{what} is squashed: {box}"
            assert_on_first_screen(what, box, viewport)
        assert space["left"] >= timeline["right"] - 1, "the charts are not side by side"
        assert space["width"] >= 200, f"the state-space chart is too narrow: {space}"
        for part in ("button[data-act=prev]", "button[data-act=play]", "button[data-act=next]",
                     ".hse-readout"):  # fmt: skip
            assert_on_first_screen(part, element_box(page, f"{STEPPER} {part}"), viewport)


# --- (b) the colours -------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "module"), [("rnn", nn.RNN), ("lstm", nn.LSTM)])
def test_colours_are_fitted_to_the_data_and_fixed_a_click_away(
    browser, app_url, screenshot_dir, cell, module
):
    expected = plain_outputs(module, one_hot_batch(["hello"]), 2, batch_first=True)[0]  # (T, H)
    largest = expected.abs().max().item()
    assert largest < 0.99, "the scene must not fill [-1, 1] anyway, or fitted = fixed"
    with opened(
        browser, f"{app_url}/{HELLO}&cell={cell}", viewport={"width": 1440, "height": 900}
    ) as page:
        fitted = page.evaluate(COLOURS_JS)
        shown = torch.tensor(fitted["z"]).abs().max().item()
        assert abs(shown - largest) <= 1e-6, "the heatmap is not torch's h"
        # the scale spans exactly the largest |h| shown, symmetric (white stays 0)
        assert abs(fitted["cmax"] - shown) <= 1e-6, fitted | {"largest |h|": shown}
        assert fitted["cmin"] == -fitted["cmax"], fitted
        bound = f"{fitted['cmax']:.2g}"
        assert fitted["title"] == t("fig_colour_fitted", "en", bound=bound), fitted["title"]
        page.locator(f".st-key-{TIMELINE}").screenshot(
            path=screenshot_dir / f"32-colours-fitted-{cell}.png"
        )

        choice = page.locator(".st-key-colour_scale")
        choice.get_by_text(t("colour_fixed", "en"), exact=True).click()
        wait_for_rerun(page, SCENE_TIMEOUT_MS)
        with suppress(PlaywrightTimeoutError):  # the assertion below says what it shows
            page.wait_for_function(f"() => ({COLOURS_JS})().cmax === 1", timeout=10_000)
        fixed = page.evaluate(COLOURS_JS)
        assert (fixed["cmin"], fixed["cmax"]) == (-1, 1), fixed
        assert fixed["title"] == t("fig_colour_fixed", "en", bound="1"), fixed["title"]
        assert fixed["z"] == fitted["z"], "the values changed with the colours"
        page.locator(f".st-key-{TIMELINE}").screenshot(
            path=screenshot_dir / f"33-colours-fixed-{cell}.png"
        )


# --- (c) a phone -----------------------------------------------------------------------


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_on_a_phone_the_charts_stack_and_no_text_overlaps(browser, app_url, screenshot_dir):
    with opened(browser, app_url + "/?preset=lecture", **PHONE) as page:
        timeline, space = box_of(page, TIMELINE), box_of(page, STATE_SPACE)
        for what, box in (("hidden state", timeline), ("state space", space)):
            assert box["width"] >= MIN_CHART_PX, f"the {what} chart is {box['width']} px wide"
            assert box["right"] <= 390 + 1, f"the {what} chart runs off the screen: {box}"
        assert space["top"] >= timeline["bottom"] - 1, (
            f"the state-space chart is not below the hidden-state chart: {timeline} {space}"
        )
        found = {}
        for key in (TIMELINE, STATE_SPACE):
            boxes = page.evaluate(TEXT_BOXES_JS, key)
            assert len(boxes) >= 3, f"{key}: too few text boxes found to check: {boxes}"
            found[key] = collisions(boxes)
            page.locator(f".st-key-{key}").screenshot(path=screenshot_dir / f"34-phone-{key}.png")
        page.locator(f".st-key-{TIMELINE}").scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / "34-phone-screen.png")
        assert not any(found.values()), f"text drawn over text (a, b, px across, px down): {found}"


def test_on_a_phone_the_chart_tools_cover_no_title(browser, app_url):
    """Without a hover, a phone shows Plotly's tools all the time: they must not sit on a
    chart's title (or any other text checked above)."""
    with opened(browser, app_url + "/?preset=lecture", **PHONE) as page:
        found = {}
        for key in (TIMELINE, STATE_SPACE):
            tools = page.evaluate(SHOWN_TOOLS_JS, key)
            if tools is not None:
                found[key] = collisions([tools, *page.evaluate(TEXT_BOXES_JS, key)])
        assert not any(found.values()), f"the tools cover text (a, b, px across, px down): {found}"


# The timeline's token labels as drawn, left to right, and the window of steps shown.
TICKS_JS = """() => {
  const gd = document.querySelector('.st-key-timeline_chart .js-plotly-plot');
  const boxes = Array.from(gd.querySelectorAll('g.xtick text'), (text) => {
    const r = text.getBoundingClientRect();
    return {text: text.textContent, left: r.left, right: r.right};
  }).sort((a, b) => a.left - b.left);
  return {boxes, range: gd.layout.xaxis.range, steps: gd.layout.meta[0].hse.steps};
}"""
SENTENCE = "the cat sat on the mat and the dog sat on the log"  # 49 steps: a window of 40
PHRASE = "hello world, hello there"  # 24 steps, each with its number under its token


def overlapping_ticks(ticks: dict) -> list[tuple[str, str]]:
    boxes = ticks["boxes"]
    pairs = zip(boxes, boxes[1:], strict=False)  # each label and the next
    return [(a["text"], b["text"]) for a, b in pairs if a["right"] > b["left"]]


@pytest.mark.parametrize("line", [SENTENCE, PHRASE], ids=["windowed", "numbered"])
def test_on_a_phone_a_long_lines_tokens_are_a_readable_window(browser, app_url, line):
    """A phone's chart is ~180 px wide: 40 (or 24 numbered) tokens ran into each other. The
    page narrows the time axis to the steps its labels leave room for, and pans it with
    the cursor, and widens it again, up to the server's window, when the page gets wider;
    a laptop keeps the server's window."""
    query = f"{app_url}/?seq={line.replace(' ', '+').replace(',', '%2C')}&batch_first=1&hidden=2"
    with opened(browser, query, **PHONE) as page:
        page.wait_for_function(
            "() => document.querySelector('.st-key-timeline_chart .js-plotly-plot')"
            ".layout.xaxis.range[1] < 20",
            timeout=10_000,
        )
        ticks = page.evaluate(TICKS_JS)
        assert len(ticks["boxes"]) >= 8 and not overlapping_ticks(ticks), ticks
        for _ in range(18):
            page.locator(f"{STEPPER} button[data-act='next']").click()
        page.wait_for_function(
            "() => { const r = document.querySelector('.st-key-timeline_chart .js-plotly-plot')"
            ".layout.xaxis.range; return r[0] < 18 && 18 < r[1] && r[0] > 0; }",
            timeout=10_000,
        )
        ticks = page.evaluate(TICKS_JS)
        assert not overlapping_ticks(ticks), ticks
        narrow = ticks["range"][1] - ticks["range"][0]
        page.set_viewport_size({"width": 1440, "height": 900})  # a window made wider
        page.wait_for_function(
            "(narrow) => { const r = document.querySelector('.st-key-timeline_chart "
            ".js-plotly-plot').layout.xaxis.range; return r[1] - r[0] > narrow + 2; }",
            arg=narrow,
            timeout=10_000,
        )
        ticks = page.evaluate(TICKS_JS)
        assert ticks["range"][1] - ticks["range"][0] == min(ticks["steps"], 40), ticks
        assert ticks["range"][0] < 18 < ticks["range"][1] and not overlapping_ticks(ticks), ticks
    with opened(browser, query, viewport={"width": 1440, "height": 900}) as page:
        page.wait_for_timeout(600)  # the page's check runs every 250 ms
        ticks = page.evaluate(TICKS_JS)
        assert ticks["range"] == [-0.5, min(ticks["steps"], 40) - 0.5]
        assert not overlapping_ticks(ticks), ticks


# --- (d) the hover of a heatmap cell ---------------------------------------------------


def test_hovering_the_two_ls_of_hello_tells_their_steps_apart(page, app_url, screenshot_dir):
    expected = plain_outputs(nn.RNN, one_hot_batch(["hello"]), 2, batch_first=True)[0]  # (T, H)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app_url + "/" + HELLO)
    page.locator(f".st-key-{TIMELINE} g.hm image").wait_for(
        state="attached", timeout=SCENE_TIMEOUT_MS
    )
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    page.wait_for_timeout(500)
    labels = {}
    for step in (2, 3):
        x, y = page.evaluate(CELL_JS, [step, 0])
        page.mouse.move(x - 30, y + 5)
        page.mouse.move(x, y, steps=3)
        page.wait_for_function(f"() => ({HOVER_JS})().length === 1", timeout=5000)
        labels[step] = page.evaluate(HOVER_JS)[0]
        page.screenshot(
            path=screenshot_dir / f"35-hover-hello-t{step}.png",
            clip={"x": x - 260, "y": y - 160, "width": 620, "height": 360},
        )
    for step, lines in labels.items():
        value = f"{t('fig_value', 'en')} = {expected[step, 0].item():.4f}"
        assert lines[0] == "h[0]" and lines[-1] == value, (step, lines)
        wanted = f"t = {step} · l"
        assert wanted in lines, f"the hover at step {step} does not say {wanted!r}: {lines}"
    assert labels[2] != labels[3], labels


# Every label of a chart (tick labels, axis and colour-bar titles, legend) with its box.
LABEL_BOXES_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const chart = gd.querySelector('.main-svg').getBoundingClientRect();
  const selector = '.xtick text, .ytick text, .cbaxis text, .cbtitle, .legendtext, '
    + 'text[class^=x][class$=title], text[class^=y][class$=title]';
  const boxes = Array.from(gd.querySelectorAll(selector)).map(e => {
    const r = e.getBoundingClientRect();
    return {text: (e.textContent || '').trim(), left: r.left, top: r.top, right: r.right,
            bottom: r.bottom};
  }).filter(b => b.text && b.right - b.left > 0);
  return {chart: {left: chart.left, top: chart.top, right: chart.right, bottom: chart.bottom},
          boxes};
}"""


@pytest.mark.parametrize(
    ("query", "options"),
    [
        ("preset=lecture", {"viewport": {"width": 1440, "height": 900}}),
        ("preset=lecture&lang=ko", {"viewport": {"width": 1280, "height": 720}}),
        ("preset=lecture", PHONE),
        ("seq=understanding+is+remembering+things&tokens=words&hidden=12", {}),
    ],
    ids=["laptop", "projector-korean", "phone", "long-words"],
)
def test_every_label_is_inside_its_chart(browser, app_url, query, options):
    """The hidden-state and input charts give their margins instead of letting Plotly
    measure every label (components.figures.parts.fixed_margins): each label must still
    be wholly inside its chart, in both languages, on a phone and with long words."""
    with opened(browser, f"{app_url}/?{query}", **options) as page:
        for key in (TIMELINE, "input_chart"):
            page.locator(f".st-key-{key} .js-plotly-plot").wait_for(timeout=SCENE_TIMEOUT_MS)
            found = page.evaluate(LABEL_BOXES_JS, key)
            chart, boxes = found["chart"], found["boxes"]
            assert len(boxes) >= 5, f"{key}: too few labels found to check: {boxes}"
            outside = [
                b for b in boxes
                if b["left"] < chart["left"] - 1 or b["right"] > chart["right"] + 1
                or b["top"] < chart["top"] - 1 or b["bottom"] > chart["bottom"] + 1
            ]  # fmt: skip
            assert not outside, f"{key}: labels cut off at the chart's edge: {outside}"


# The title and subtitle of the chart keyed `key`, and every other text drawn in it (tick
# labels included), with their boxes and the chart's.
TITLE_BOXES_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return {text: (e.textContent || '').trim(), left: r.left, top: r.top, right: r.right,
            bottom: r.bottom};
  };
  const drawn = (b) => b.text && b.right - b.left > 0;
  const others = 'g[class$=tick] text, .cbaxis text, .legendtext, .annotation-text, '
    + 'text[class^=x][class$=title], text[class^=y][class$=title]';
  return {chart: box(gd.querySelector('.main-svg')),
          titles: Array.from(gd.querySelectorAll('.gtitle, .gtitle-subtitle'), box).filter(drawn),
          others: Array.from(gd.querySelectorAll(others), box).filter(drawn)};
}"""
# The token labels of the chart's points that are drawn inside a clip path (cut at the
# edge of the plot when a point sits at its top).
CLIPPED_POINT_LABELS_JS = """(key) => Array.from(
  document.querySelectorAll(`.st-key-${key} .js-plotly-plot .textpoint`))
  .filter((e) => e.closest('[clip-path]')).map((e) => e.textContent)"""
DEEP = "?seq=hello%0Aworld&layers=2&bidirectional=1"  # a layer and a direction to choose


@pytest.mark.parametrize(
    ("name", "query", "options"),
    [
        ("37-deep-projector", DEEP + "&present=1", {"viewport": {"width": 1280, "height": 720}}),
        ("37-deep-projector-ko", DEEP + "&present=1&lang=ko",
         {"viewport": {"width": 1280, "height": 720}}),
        ("37-deep-phone", DEEP, PHONE),
    ],
)  # fmt: skip
def test_a_deep_scenes_titles_fit_their_charts(
    browser, app_url, screenshot_dir, name, query, options
):
    """A scene with layers and directions names the one shown in both charts' subtitles:
    on the title's line ("Hidden state · RNN · sequence 1 · layer 1 · forward") it ran
    past its chart into the next on a projector and was cut on a phone, and presenter
    mode's larger subtitle ran into the lines' top tick label."""
    with opened(browser, f"{app_url}/{query}", **options) as page:
        for key in (TIMELINE, STATE_SPACE):
            found = page.evaluate(TITLE_BOXES_JS, key)
            chart, titles = found["chart"], found["titles"]
            assert len(titles) == 2, f"{key}: a title and a subtitle, not {titles}"
            outside = [
                b
                for b in titles
                if b["left"] < chart["left"] - 1 or b["right"] > chart["right"] + 1
            ]
            assert not outside, f"{key}: a title runs past its chart ({chart}): {outside}"
            hit = collisions(titles + found["others"])
            assert not hit, f"{key}: text drawn over text (a, b, px across, px down): {hit}"
        cut = page.evaluate(CLIPPED_POINT_LABELS_JS, STATE_SPACE)
        assert not cut, f"the path's token labels are cut at the plot's edge: {cut}"
        page.screenshot(path=screenshot_dir / f"{name}.png")


def test_on_a_phone_a_choice_of_one_takes_no_room(browser, app_url):
    """One layer, one direction: a phone hides the two disabled selects (170 px of its
    first screen); with layers and directions to choose, they share one row. A laptop
    keeps them, disabled, in the row of choices."""
    boxes = "(keys) => keys.map((key) => document.querySelector(`.st-key-${key}`)"
    boxes += ".getBoundingClientRect().toJSON())"
    keys = ["main_view_layer", "main_view_dir"]
    with opened(browser, app_url + "/?preset=lecture", **PHONE) as page:
        for key in keys:
            assert page.locator(f".st-key-{key}").count() == 1, f"{key} is not on the page"
            assert not page.locator(f".st-key-{key}").is_visible(), f"{key} takes room"
        sequence = element_box(page, ".st-key-main_view_seq")
        units = element_box(page, "[class*=st-key-main_view_units]")
        assert units["top"] - sequence["bottom"] < 40, (sequence, units)
    with opened(browser, app_url + "/" + DEEP, **PHONE) as page:
        layer, direction = page.evaluate(boxes, keys)
        assert layer["height"] > 0 and direction["height"] > 0, (layer, direction)
        assert abs(layer["top"] - direction["top"]) <= 1, f"not one row: {layer} {direction}"
        assert direction["left"] >= layer["right"], (layer, direction)
    with opened(
        browser, app_url + "/?preset=lecture", viewport={"width": 1440, "height": 900}
    ) as page:
        for key in keys:
            assert page.locator(f".st-key-{key}").is_visible(), f"{key} is hidden on a laptop"
