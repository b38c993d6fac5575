""" "A unit in the text" in a real Chromium: click a heatmap cell and the text is coloured
by that unit; switch to box select, drag over a stretch of time and the units most active
there are ranked; one click colours the text by the top one.

Values are read from the page (Plotly's decoded `gd._fullData`) and compared with what
plain torch computes.
"""

from __future__ import annotations

import time

import pytest
import torch

from tests.e2e.conftest import open_lesson, wait_for_rerun
from tests.support.reference import one_hot_batch, plain_outputs

pytestmark = pytest.mark.e2e

LINES = ["hello world", "world hello"]  # equal lengths: no packing in the reference
QUERY = "/?seq=hello%20world&seq=world%20hello&cell=lstm&hidden=16"
HEATMAP, TEXT = "unit_text_heatmap", "unit_text_chart"
TAB = "A unit in the text"
WAIT_S = 60.0
TOLERANCE = 1e-5

# Page coordinates of a cell's centre (step, unit) on the chart keyed `key`.
CELL_JS = """([key, step, unit]) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const layout = gd._fullLayout, box = gd.getBoundingClientRect();
  return [box.left + layout.xaxis._offset + layout.xaxis.d2p(step),
          box.top + layout.yaxis._offset + layout.yaxis.d2p(unit)];
}"""
# The coloured text's values as the browser holds them: rows of the second heatmap.
TEXT_VALUES_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!gd || !gd._fullData || gd._fullData.length < 2) return null;
  return Array.from(gd._fullData[1].z, row => Array.from(row));
}"""


def lstm_outputs() -> torch.Tensor:
    """(2, 11, 16): the scene as a notebook computes it (seed 0, one-hot by first
    appearance, nn.LSTM(V, 16, batch_first=True))."""
    return plain_outputs("lstm", one_hot_batch(LINES), 16, batch_first=True)


def unit_shown(page) -> str:
    return page.locator(".st-key-unit_text_unit input").input_value()


def wait_for_text(page, expected: torch.Tensor) -> None:
    """Until the text chart holds `expected` (N, T) (a rerun redraws it)."""
    deadline, seen = time.monotonic() + WAIT_S, None
    while time.monotonic() < deadline:
        seen = page.evaluate(TEXT_VALUES_JS, TEXT)
        if seen is not None:
            values = torch.tensor([row[: expected.shape[1]] for row in seen[: len(expected)]])
            if torch.allclose(values, expected, atol=TOLERANCE):
                return
        page.wait_for_timeout(200)
    pytest.fail(f"the text never showed the expected unit; last seen {seen}")


def wait_for_unit(page, name: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline and unit_shown(page) != name:
        page.wait_for_timeout(200)
    assert unit_shown(page) == name


def open_panel(page, app_url: str) -> None:
    timeout = WAIT_S * 1000
    page.goto(app_url + QUERY)
    page.locator(".st-key-timeline_chart .js-plotly-plot").wait_for(timeout=timeout)
    wait_for_rerun(page, timeout_ms=int(timeout))
    open_lesson(page, TAB, timeout)
    wait_for_rerun(page, timeout_ms=int(timeout))
    page.locator(f".st-key-{HEATMAP} .js-plotly-plot").wait_for(timeout=timeout)
    page.locator(f".st-key-{HEATMAP}").scroll_into_view_if_needed()


def test_click_a_cell_then_rank_a_stretch(page, app_url, screenshot_dir):
    outputs = lstm_outputs()
    open_panel(page, app_url)
    assert unit_shown(page) == "h[0]"
    wait_for_text(page, outputs[:, :, 0])

    # click the cell of unit 5 at step 4: the text is coloured by h[5]
    x, y = page.evaluate(CELL_JS, [HEATMAP, 4, 5])
    page.mouse.click(x, y)
    wait_for_rerun(page)
    wait_for_unit(page, "h[5]")
    wait_for_text(page, outputs[:, :, 5])

    # box select: switch the drag mode, then drag across steps 2..3 ("ll")
    page.locator(f".st-key-{HEATMAP} .updatemenu-button").nth(1).click()
    page.wait_for_timeout(300)
    x0, y0 = page.evaluate(CELL_JS, [HEATMAP, 1.7, 8])
    x1, _ = page.evaluate(CELL_JS, [HEATMAP, 3.3, 8])
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, y0, steps=6)
    page.mouse.move(x1, y0, steps=6)
    page.mouse.up()
    wait_for_rerun(page)
    heading = page.get_by_text("Units most active over steps 2–3 of sequence 1")
    heading.wait_for(timeout=WAIT_S * 1000)

    h = outputs[0].double()  # (T, H) of sequence 1
    inside, outside = h[2:4].mean(0), torch.cat([h[:2], h[4:]]).mean(0)
    top = int(torch.argmax((inside - outside).abs()))
    button = page.get_by_role("button", name=f"Colour the text by h[{top}]")
    button.wait_for()
    page.screenshot(path=str(screenshot_dir / "units_ranked.png"), full_page=True)
    button.click()
    wait_for_rerun(page)
    wait_for_unit(page, f"h[{top}]")
    wait_for_text(page, outputs[:, :, top])
