"""A new scene draws each of its charts from scratch once, in a real Chromium.

Streamlit's PlotlyChart draws every new chart twice: first at the width Plotly reads from
the page's CSS, then with the container's exact width and its theme applied to a JSON
copy of the spec. The second `Plotly.react` costs a diff only when nothing differs; it
recomputed the whole chart when the column was a fractional width (1440 px: 675.015625
against CSS's 675.016), when `layout.meta` was an object (compared by identity), or when
the data were typed arrays (compared by identity). A draw from scratch rewrites
hundreds of the chart's SVG nodes (about 1,000 for the timeline); a diff that finds
nothing changed, none. This test counts the DOM changes of each call per chart."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_rerun

pytestmark = pytest.mark.e2e

SCENE_TIMEOUT_MS = 150_000
CHARTS = ("timeline_chart", "state_space_chart", "input_chart")

# Wraps Plotly.react: per chart key, the number of DOM changes inside the chart during
# each call.
COUNT_JS = """() => {
  const P = window.Plotly;
  window.__draws = {};
  if (P.__drawsWrapped) return;
  P.__drawsWrapped = true;
  const react = P.react;
  const keyOf = (gd) => {
    const box = gd.closest && gd.closest('[class*="st-key-"]');
    return box ? [...box.classList].find((c) => c.startsWith('st-key-')).slice(7) : '?';
  };
  P.react = function (gd, ...rest) {
    if (!gd.__drawsObserver) {
      gd.__mutations = 0;
      gd.__drawsObserver = new MutationObserver((records) => { gd.__mutations += records.length; });
      gd.__drawsObserver.observe(gd, {subtree: true, childList: true, attributes: true});
    }
    const before = gd.__mutations;
    const done = () => {
      gd.__mutations += gd.__drawsObserver.takeRecords().length;
      const key = keyOf(gd);
      const entry = window.__draws[key] || (window.__draws[key] = {calls: 0, mutations: []});
      entry.calls += 1;
      entry.mutations.push(gd.__mutations - before);
    };
    const result = react.call(this, gd, ...rest);
    if (result && result.then) result.then(done, done); else done();
    return result;
  };
}"""


def open_lecture(page, app_url) -> None:
    page.goto(f"{app_url}/?preset=lecture")
    page.wait_for_selector(".st-key-timeline_chart .js-plotly-plot", timeout=SCENE_TIMEOUT_MS)
    wait_for_rerun(page, SCENE_TIMEOUT_MS)
    page.wait_for_timeout(500)


REDRAWN = 50  # DOM changes: more is a draw from scratch (a diff's redraw makes none)


def full_draws(draws: dict, key: str) -> int:
    assert draws.get(key, {}).get("calls", 0) >= 1, (key, draws)  # it was drawn at all
    return sum(1 for changes in draws[key]["mutations"] if changes > REDRAWN)


def draws_after(page, act) -> dict:
    page.evaluate(COUNT_JS)
    act()
    wait_for_rerun(page)
    page.wait_for_timeout(800)  # both draws of every new chart
    return page.evaluate("() => window.__draws")


@pytest.mark.parametrize("size", [(1440, 900), (1280, 720)])
def test_a_new_scene_computes_each_chart_once(browser, app_url, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        open_lecture(page, app_url)
        box = page.locator(".st-key-main_sequences textarea")

        def type_new():
            box.fill("hoelh\nlehol\nohlle")
            box.press("Control+Enter")

        typed = draws_after(page, type_new)
        for key in CHARTS:  # the input chart shows the typed letters: new too
            assert full_draws(typed, key) == 1, (key, typed)

        switched = draws_after(page, lambda: page.get_by_text("GRU", exact=True).first.click())
        for key in CHARTS[:2]:
            assert full_draws(switched, key) == 1, (key, switched)
        # the cell does not change what is fed in; and the one-line note that typing over
        # the lecture's batch_first shows, gone on this rerun, must not shift it (a chart
        # at a new place in the page is mounted and drawn anew)
        assert "input_chart" not in switched, switched
    finally:
        context.close()
