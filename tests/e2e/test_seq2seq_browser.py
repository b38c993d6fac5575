"""The Encoder–decoder tab in a real Chromium: train the lab's model for 300 iterations,
see the lab's translations and the states chart, whose values (Plotly's decoded
`gd._fullData`) are the backend's; a click elsewhere stops a long run and keeps what ran.
Screenshots at 1440x900 and 390x844 (s2s_<lang>_<width>_<part>.png in
artifacts/screenshots/) are for a person to look at."""

from __future__ import annotations

import re

import numpy as np
import pytest

from components.i18n import t
from model.lessons.seq2seq import (
    LAB_PAIRS_TEXT,
    Seq2SeqConfig,
    lab_printout,
    read_pairs,
    train_seq2seq,
)
from tests.e2e.conftest import open_lesson, wait_for_rerun

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 150_000  # first load: the Plotly bundle plus the scene, on a busy CPU
STEPS = 300
SIZES = ((1440, 900), (390, 844))
READ_Z_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!gd || !gd._fullData || !gd._fullData.length) return null;
  return gd._fullData.filter(d => d.type === 'heatmap').map(d => d.z.map(row => Array.from(row)));
}"""


def open_tab(page, url: str, lang: str = "en") -> None:
    page.goto(f"{url}/?lang={lang}")
    open_lesson(page, t("tab_seq2seq", lang), TIMEOUT_MS)
    wait_for_rerun(page, TIMEOUT_MS)
    page.locator(".st-key-s2s_train button").wait_for(timeout=TIMEOUT_MS)


def start_training(page, steps: int) -> None:
    field = page.locator(".st-key-s2s_steps input")
    field.fill(str(steps))
    field.press("Tab")
    page.locator(".st-key-s2s_train button").click()


def wait_for_states(page) -> list[np.ndarray]:
    page.wait_for_function(READ_Z_JS, arg="s2s_states_chart", timeout=TIMEOUT_MS)
    wait_for_rerun(page, TIMEOUT_MS)
    return [np.array(z, dtype=float) for z in page.evaluate(READ_Z_JS, "s2s_states_chart")]


def backend_translations():
    run = train_seq2seq(Seq2SeqConfig(read_pairs(LAB_PAIRS_TEXT), steps=STEPS))
    for _ in run:
        pass
    return lab_printout(run.result())[1]


def test_training_shows_the_labs_translations_and_the_backends_states(page, app_url):
    open_tab(page, app_url)
    start_training(page, STEPS)
    encoder, start, decoder = wait_for_states(page)
    first = backend_translations()[0]
    np.testing.assert_allclose(encoder, first.encoder_states.T, rtol=0, atol=1e-6)
    np.testing.assert_allclose(start[:, 0], first.encoder_final, rtol=0, atol=1e-6)
    np.testing.assert_allclose(decoder, first.decoder_states.T, rtol=0, atol=1e-6)
    codes = page.locator("[data-testid=stCode]").all_inner_texts()
    assert any(f"< {first.sentence}" in code for code in codes), codes
    assert any("> i feel hungry." in code for code in codes)


def test_a_click_elsewhere_stops_a_long_run_and_keeps_what_ran(page, app_url):
    open_tab(page, app_url)
    start_training(page, 10_000)  # ~40 s if nothing stopped it
    page.locator("[data-testid=stProgress]").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)
    open_lesson(page, t("tab_input", "en"))
    wait_for_rerun(page, TIMEOUT_MS)
    open_lesson(page, t("tab_seq2seq", "en"))
    wait_for_states(page)
    title = page.get_by_text(
        re.compile(r"GRU encoder and decoder after \d+ iterations")
    ).inner_text()
    iterations = int(re.search(r"after (\d+) iterations", title)[1])
    assert 0 < iterations < 10_000, title


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_screenshots_of_the_tab(browser, app_url, screenshot_dir, lang, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_tab(page, app_url, lang)
        start_training(page, STEPS)
        wait_for_states(page)
        parts = [("form", ".st-key-s2s_pairs"), ("loss", ".st-key-s2s_loss_chart"),
                 ("translations", "[data-testid=stCode]"),
                 ("states", ".st-key-s2s_states_chart")]  # fmt: skip
        for name, selector in parts:
            element = page.locator(selector).last
            element.scroll_into_view_if_needed(timeout=TIMEOUT_MS)
            page.wait_for_timeout(800)  # Plotly redraws after a scroll
            box = element.bounding_box()
            assert box is not None and box["width"] <= width, (name, box)
            page.screenshot(path=screenshot_dir / f"s2s_{lang}_{width}_{name}.png")
    finally:
        context.close()
