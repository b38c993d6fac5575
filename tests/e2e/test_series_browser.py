"""Bring a file, in a real Chromium: the sidebar's uploader takes the course's stock CSV
(tests.support.labs.stock_csv, newest row first) as a series, a network trains on it and
the forecast chart shows the test part; a hostile file is refused with a sentence in the
user's language and the page keeps drawing; a text file fills the text box.

The forecast's "true" values are recomputed here with plain numpy from the same bytes
(np.loadtxt, the rows reversed, the test part after the first 70 %), never with the app's
code. Screenshots of the sidebar and the chart go to /tmp/work/e2e_series_*.png.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from components.i18n import t
from tests.e2e.conftest import wait_for_rerun
from tests.e2e.test_training_browser import SUBMIT, open_training
from tests.support.labs import stock_csv

pytestmark = pytest.mark.e2e

# The lab's settings, a short run (the forecast's true values do not depend on training).
QUERY = "?preset=hello&cell=lstm&hidden=10&head=linear&lr=0.01&train_steps=60&lab_seed=1"
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SHOTS = Path("/tmp/work")
SIDEBAR = "[data-testid=stSidebar]"
TIMELINE = ".st-key-timeline_chart .js-plotly-plot"
FORECAST = ".st-key-forecast_chart"
SEQUENCES = ".st-key-main_sequences textarea"
ERROR = "[data-testid=stAlertContentError]"
LOAD_TIMEOUT_MS = 60_000
TRAIN_TIMEOUT_MS = 90_000
ROWS, COLUMNS, WINDOW, SPLIT = 732, 5, 7, 0.7
TOLERANCE = 1e-3

# The forecast chart as the browser holds it (Plotly's decoded arrays).
READ_FORECAST_JS = """() => {
  const gd = document.querySelector('.st-key-forecast_chart .js-plotly-plot');
  if (!gd || !gd._fullData || !gd._fullLayout) return null;
  const title = gd._fullLayout.title || {};
  return {
    traces: gd._fullData.map(d => ({name: d.name, x: Array.from(d.x), y: Array.from(d.y)})),
    title: title.text || null,
    subtitle: title.subtitle ? title.subtitle.text : null,
  };
}"""


@contextmanager
def opened(browser, app_url: str, query: str, device: dict) -> Iterator:
    """A fresh context on the app, once its hidden-state chart is drawn."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(**device)
    try:
        page = context.new_page()
        page.goto(app_url + "/" + query)
        wait_or_fail(page, page.locator(TIMELINE), LOAD_TIMEOUT_MS, "the hidden-state chart")
        wait_for_rerun(page, LOAD_TIMEOUT_MS)
        yield page
    finally:
        context.close()


def wait_or_fail(page, locator, timeout_ms: int, what: str) -> None:
    """Wait for `locator`; on timeout fail with what the page shows instead (its alerts
    and exceptions), not only Playwright's call log."""
    try:
        locator.wait_for(timeout=timeout_ms)
    except PlaywrightTimeoutError:
        shown = page.locator("[data-testid=stAlert], [data-testid=stException]")
        pytest.fail(
            f"{what} did not show in {timeout_ms / 1000:.0f} s; the page shows "
            f"{shown.all_inner_texts()}"
        )


def is_open(page) -> bool:
    box = page.locator(SIDEBAR).bounding_box()
    return box is not None and box["x"] + box["width"] > 1


def sidebar(page):
    """The sidebar, opened first on a phone (where it starts collapsed)."""
    side = page.locator(SIDEBAR)
    if not is_open(page):
        page.locator("[data-testid=stExpandSidebarButton]").click()
        page.wait_for_function(
            "s => document.querySelector(s).getBoundingClientRect().right > 100", arg=SIDEBAR
        )
    return side


def close_sidebar(page) -> None:
    """On a phone the open sidebar covers the page: close it (its button shows on hover)."""
    if is_open(page):
        page.locator(SIDEBAR).hover()
        page.locator(f"{SIDEBAR} [data-testid=stSidebarCollapseButton] button").click()
        page.wait_for_function(
            "s => document.querySelector(s).getBoundingClientRect().right <= 1", arg=SIDEBAR
        )


def upload(page, path: Path, until) -> None:
    """Give the sidebar's uploader a file; wait until `until` (a locator) shows, or, if
    it is a callable, until it passes (a Playwright `expect`)."""
    sidebar(page).locator("input[type=file]").set_input_files(path)
    if callable(until):
        until()
    else:
        wait_or_fail(page, until, LOAD_TIMEOUT_MS, f"after uploading {path.name}, {until}")
    wait_for_rerun(page, LOAD_TIMEOUT_MS)


def assert_page_works(page) -> None:
    """The hidden-state chart is drawn and no traceback is shown."""
    assert page.locator(TIMELINE).count() == 1, "the hidden-state chart is gone"
    assert page.locator("[data-testid=stException]").count() == 0, "an exception is shown"
    assert "Traceback" not in page.locator("[data-testid=stApp]").inner_text()


def shot_sidebar(page, name: str, anchor) -> None:
    anchor.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"e2e_series_{name}.png"))


def lab_test_part(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(rows counted from 1 in time order, Close) of the test part, as the lab cuts it:
    xy[::-1], the first 70 % train, each test window's next row is predicted."""
    values = np.loadtxt(io.BytesIO(data), delimiter=",")[::-1]
    n = len(values)
    first = int(n * SPLIT)  # train_size - seq_length + seq_length: the first predicted row
    return np.arange(first, n) + 1, values[first:, -1]


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("prices.csv", stock_csv(days=40).decode())
    return buffer.getvalue()


# --- the tests ----------------------------------------------------------------------


@pytest.mark.parametrize("device", ["1440", "phone"])
def test_a_stock_csv_trains_and_forecasts_its_test_part(browser, app_url, tmp_path, device):
    data = stock_csv()
    csv = tmp_path / "stock.csv"
    csv.write_bytes(data)
    with opened(browser, app_url, QUERY, LAPTOP if device == "1440" else PHONE) as page:
        side = sidebar(page)
        caption = side.get_by_text(f"{ROWS} rows x {COLUMNS} columns")
        upload(page, csv, caption)
        assert page.locator(".st-key-main_window input").input_value() == str(WINDOW)
        newest_first = side.locator(".st-key-main_file_newest_first")
        assert newest_first.locator("input[type=checkbox]").is_checked() is False
        newest_first.get_by_text(t("series_newest_first", "en")).click()
        wait_for_rerun(page, LOAD_TIMEOUT_MS)
        assert newest_first.locator("input[type=checkbox]").is_checked()
        shot_sidebar(page, f"sidebar_{device}", newest_first)
        if device == "phone":
            close_sidebar(page)

        # The shapes line: the training part's 505 windows of 7 rows of 5 numbers.
        train_windows = int(ROWS * SPLIT) - WINDOW
        shapes = page.locator("[data-testid=stMarkdownContainer]", has_text="input_data").first
        expected_shape = f"input_data ({train_windows}, {WINDOW}, {COLUMNS})"
        assert expected_shape in shapes.inner_text(), shapes.inner_text()
        assert_page_works(page)

        open_training(page)
        page.locator(SUBMIT).click()
        forecast = page.locator(f"{FORECAST} .js-plotly-plot")
        wait_or_fail(page, forecast, TRAIN_TIMEOUT_MS, "the forecast chart")
        wait_for_rerun(page, TRAIN_TIMEOUT_MS)
        chart = page.evaluate(READ_FORECAST_JS)
        assert chart is not None, "no forecast chart"
        page.locator(FORECAST).scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.locator(FORECAST).screenshot(path=str(SHOTS / f"e2e_series_forecast_{device}.png"))
        page.screenshot(path=str(SHOTS / f"e2e_series_forecast_screen_{device}.png"))

    rows, close = lab_test_part(data)
    names = [trace["name"] for trace in chart["traces"]]
    assert names == [t("fig_forecast_true", "en"), t("fig_forecast_predicted", "en")], names
    true, predicted = chart["traces"]
    assert true["x"] == rows.tolist() and predicted["x"] == rows.tolist(), (
        f"x: {true['x'][:3]}...{true['x'][-3:]}, expected rows {rows[0]}..{rows[-1]}"
    )
    error = np.abs(np.array(true["y"]) - close).max()
    assert error <= TOLERANCE, f"true: max |page - numpy Close| = {error:.2e}"
    guess = np.array(predicted["y"], dtype=float)
    assert guess.shape == close.shape and np.isfinite(guess).all()
    assert "Close" in chart["title"], chart["title"]
    subtitle = chart["subtitle"] or ""
    assert "RMSE" in subtitle, subtitle
    # ... and the error it names is the one between the two lines drawn.
    shown = float(re.search(r"RMSE ([-\d.e+]+)", subtitle)[1])
    rmse = float(np.sqrt(np.mean((guess - close) ** 2)))
    assert shown == pytest.approx(rmse, rel=1e-3), (shown, rmse)


def test_a_hostile_file_is_refused_and_a_text_file_fills_the_box(browser, app_url, tmp_path):
    evil = tmp_path / "evil.csv"
    evil.write_bytes(zip_bytes())
    story = tmp_path / "story.txt"
    text = " once upon a time\nthe end\n"  # kept as it is: the leading space too
    story.write_text(text, encoding="utf-8")
    with opened(browser, app_url, QUERY, LAPTOP) as page:
        side = sidebar(page)
        scene = page.url  # the page's link says the scene: a refused file changes nothing
        refusal = side.locator(ERROR, has_text="This file is not a CSV")
        upload(page, evil, refusal)
        assert "zip" in refusal.inner_text(), refusal.inner_text()
        assert side.get_by_text("rows x").count() == 0, "a refused file was read as a table"
        assert page.url == scene, f"a refused file changed the scene: {scene} -> {page.url}"
        assert_page_works(page)
        shot_sidebar(page, "refused_1440", refusal)

        box = page.locator(SEQUENCES)
        assert box.input_value() != text
        upload(page, story, lambda: expect(box).to_have_value(text, timeout=LOAD_TIMEOUT_MS))
        assert side.locator(ERROR).count() == 0, "the refusal outlived the next file"
        assert_page_works(page)


def test_the_refusal_speaks_korean(browser, app_url, tmp_path):
    evil = tmp_path / "evil.csv"
    evil.write_bytes(zip_bytes())
    korean = t("err_upload_disguised_csv", "ko", kind="zip")
    fragment = korean.split(".")[0]  # "이 파일은 CSV가 아니라 zip 형식입니다"
    assert "CSV가 아니라" in fragment, korean  # the catalogue really is Korean here
    with opened(browser, app_url, QUERY + "&lang=ko", PHONE) as page:
        side = sidebar(page)
        refusal = side.locator(ERROR, has_text=fragment)
        upload(page, evil, refusal)
        assert korean in refusal.inner_text(), refusal.inner_text()
        assert "This file is not a CSV" not in side.inner_text()
        shot_sidebar(page, "refused_ko_phone", refusal)
        assert_page_works(page)
