"""Sharing the cores on a real server: with one training run at a time (the server is
started with HSE_TEST_MAX_CONCURRENT_RUNS=1), a second session waits in a visible queue
and then trains by itself; closing the tab of a running training gives the core to the
next session at once, instead of after the rest of that run.

Times are read in the pages (Date.now(), one clock for every page of the browser) by a
sampler that looks every 20 ms.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from model.training.config import MAX_TRAIN_SECONDS
from model.training.queue import CONCURRENCY_ENV
from tests.e2e.conftest import ARTIFACTS, VIEWPORT, start_or_fail
from tests.e2e.test_browser import TIMELINE, open_scene, read_chart
from tests.e2e.test_training_browser import (
    EXPANDER_TITLE,
    SUBMIT,
    TRAIN_TIMEOUT_MS,
    TRAINING_BOX_JS,
    open_training,
    set_number,
)
from tests.e2e.test_training_browser import wait_until_trained as wait_until_trained_on

pytestmark = pytest.mark.e2e

SHOTS = Path("/work/shots")
QUEUE_LOG = ARTIFACTS / "e2e-queue-streamlit.log"  # the one-core server's
# About 12 ms a step on a free core (3-layer LSTM, 150 characters, hidden 10 = vocabulary):
# a's run must outlast the second page's slow first reply on a loaded one-core server (a
# CI run once saw b's waiting message only 2.4 s before a's 100-character run ended).
SLOW_QUERY = "?seq=" + "abcdefghij" * 15 + "&cell=lstm&hidden=10&layers=3"
SHOT_TIMEOUT_MS = 120_000  # a screenshot of a busy page on a loaded 2-core machine
INFO = "[data-testid=stAlertContentInfo]"
PROGRESS = "[data-testid=stProgress]"
STEP_TEXT = re.compile(r"Step (\d+) of (\d+)")

# Every 20 ms: each new progress text and queue message of the training expander, with
# the time it first showed, and when the progress bar was last on screen.
SAMPLE_JS = (
    """() => {
  const log = {progress: [], waiting: [], lastBar: null, waitEnded: null};
  window.__queueLog = log;
  const changed = (list, text) => !list.length || list[list.length - 1].text !== text;
  window.__queueSampler = setInterval(() => {
    const now = Date.now();
    const box = TRAINING_BOX;
    if (!box) return;
    const bar = box.querySelector('PROGRESS');
    if (bar) {
      const text = bar.innerText.trim();
      if (changed(log.progress, text)) log.progress.push({t: now, text});
      log.lastBar = now;
    }
    let waits = false;
    for (const info of box.querySelectorAll('INFO')) {
      const text = info.innerText.trim();
      if (!text.includes('free core')) continue;
      waits = true;
      if (changed(log.waiting, text)) log.waiting.push({t: now, text});
    }
    if (!waits && log.waiting.length && log.waitEnded === null) log.waitEnded = now;
  }, 20);
}""".replace("TRAINING_BOX", TRAINING_BOX_JS)
    .replace("PROGRESS", PROGRESS)
    .replace("INFO", INFO)
)
SAMPLES_JS = "() => { clearInterval(window.__queueSampler); return window.__queueLog; }"
NOW_JS = "() => Date.now()"
# What two pages of one busy browser may lag each other by: a message sent first can be
# drawn later (a's last bar comes with its whole trained page, which Plotly draws while
# b's page draws b's first bar). Well under a's run, which the check relies on.
JITTER_MS = 2500
B_STEPS = 2000  # the second session's run (the most allowed): its bar must be seen moving
LONG_RUN = 2000  # steps of SLOW_QUERY (the most allowed): about 24 s on a free core


@pytest.fixture(scope="module")
def one_core_url():
    """A server of its own that trains one run at a time."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    QUEUE_LOG.write_bytes(b"")
    # read by the server's model.training.queue at import
    with start_or_fail(QUEUE_LOG, env={CONCURRENCY_ENV: "1"}) as server:
        yield server.url


@pytest.fixture
def two_pages(browser):
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in "ab"]
    try:
        yield contexts, [context.new_page() for context in contexts]
    finally:
        for context in contexts:
            context.close()  # closing twice is harmless


def ready(page, url: str, query: str, steps: int) -> None:
    open_scene(page, url, query)
    open_training(page)
    set_number(page, "main_train_steps", steps)
    page.evaluate(SAMPLE_JS)


def training(page):
    return page.locator("[data-testid=stExpander]", has_text=EXPANDER_TITLE)


def waiting(page):
    return training(page).locator(INFO, has_text="Waiting for a free core")


def wait_until_trained(page) -> None:
    wait_until_trained_on(page, log=QUEUE_LOG)


def steps_of(samples: dict) -> list[tuple[float, int]]:
    """(time, step) of every progress text that showed a step."""
    found = [(s["t"], STEP_TEXT.search(s["text"])) for s in samples["progress"]]
    return [(t, int(match.group(1))) for t, match in found if match]


def take_waiting_shot(page) -> None:
    expander = training(page)
    waiting(page).scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    expander.screenshot(path=str(SHOTS / "queue_waiting.png"), timeout=SHOT_TIMEOUT_MS)


def test_the_second_session_waits_its_turn_then_trains(one_core_url, two_pages, screenshot_dir):
    _contexts, (a, b) = two_pages
    ready(a, one_core_url, SLOW_QUERY, LONG_RUN)
    ready(b, one_core_url, "?preset=hihello", B_STEPS)

    a.locator(SUBMIT).click()
    training(a).locator(PROGRESS).wait_for(timeout=TRAIN_TIMEOUT_MS)
    b.locator(SUBMIT).click()
    waiting(b).wait_for(timeout=TRAIN_TIMEOUT_MS)
    take_waiting_shot(b)
    shutil.copy(SHOTS / "queue_waiting.png", screenshot_dir / "24-queue-waiting.png")
    wait_until_trained(a)
    wait_until_trained(b)
    runs = {"a": a.evaluate(SAMPLES_JS), "b": b.evaluate(SAMPLES_JS)}

    waited = [s["text"] for s in runs["b"]["waiting"]]
    assert waited and not runs["a"]["waiting"], runs
    assert all("you are next" in text and "(1 in all)" in text for text in waited), waited
    assert len(waited) >= 2, f"the waiting message never updated: {waited}"
    for page, steps in ((a, LONG_RUN), (b, B_STEPS)):  # both ran to the end
        slider = page.locator(".st-key-main_train_step").get_by_role("slider")
        assert slider.get_attribute("aria-valuetext") == f"step {steps}"
    # One core: b's message showed while a's bar was on screen, and b's bar only once
    # a's had stopped moving. (Had both run at once, b's short run would have begun at
    # its click, while a still had most of its steps to show.)
    a_bar_from, a_bar_until = runs["a"]["progress"][0]["t"], runs["a"]["lastBar"]
    a_last_move = runs["a"]["progress"][-1]["t"]
    # b began when its first progress showed or, for a run too quick for the 20 ms
    # sampler on a busy CPU (seen in CI), when its waiting message went
    b_progress = runs["b"]["progress"]
    b_waits = runs["b"]["waiting"][0]["t"]
    b_began = b_progress[0]["t"] if b_progress else runs["b"]["waitEnded"]
    assert b_began is not None, runs
    assert a_bar_from < b_waits < a_bar_until, runs
    assert a_last_move - b_waits > JITTER_MS, "a's run was too short to tell"
    assert a_last_move <= b_began + JITTER_MS, (
        f"the runs overlapped: a's bar moved until {a_last_move}, b's began {b_began}"
    )
    assert waiting(b).count() == 0, "the waiting message stayed"
    caption = training(b).locator("[data-testid=stCaptionContainer]")
    assert caption.filter(has_text="waited").count() == 1


def a_trains_while_b_waits(url: str, a, b) -> None:
    """a starts a LONG_RUN on the one core; b asks for a short run and is queued."""
    ready(a, url, SLOW_QUERY, LONG_RUN)
    ready(b, url, "?preset=hihello", B_STEPS)
    a.locator(SUBMIT).click()
    training(a).locator(PROGRESS, has_text="Step").wait_for(timeout=TRAIN_TIMEOUT_MS)
    b.locator(SUBMIT).click()
    waiting(b).wait_for(timeout=TRAIN_TIMEOUT_MS)


def test_closing_a_training_tab_frees_the_core(one_core_url, two_pages):
    (context_a, _), (a, b) = two_pages
    total = LONG_RUN  # about 24 s on a free core, if nothing stopped it
    a_trains_while_b_waits(one_core_url, a, b)
    a.wait_for_timeout(1000)  # a few progress updates, to measure a's pace
    runs_a = a.evaluate(SAMPLES_JS)
    a_began, a_steps = runs_a["progress"][0]["t"], steps_of(runs_a)
    closed = b.evaluate(NOW_JS)
    context_a.close()  # the tab is gone: its script stops at its next redraw

    wait_until_trained(b)
    runs_b = b.evaluate(SAMPLES_JS)
    started = runs_b["progress"][0]["t"]
    delay = started - closed
    (t0, first), (t1, last) = a_steps[0], a_steps[-1]
    assert last > first, f"a did not progress: {a_steps}"
    pace = (t1 - t0) / (last - first)  # ms a step
    left_ms = min((total - last) * pace, MAX_TRAIN_SECONDS * 1000 - (t1 - a_began))
    print(f"a's tab closed at step {last} of {total} ({pace:.1f} ms a step, ~{left_ms:.0f} ms"
          f" left); b's run began {delay} ms later")  # fmt: skip
    assert 0 <= delay < 5000, f"b started {delay} ms after a's tab closed"
    assert delay * 3 < left_ms, (
        f"b started {delay} ms after the close, a had ~{left_ms:.0f} ms of training left"
    )
    assert runs_b["waiting"], "b never waited"


def test_a_click_while_waiting_is_answered_at_once(one_core_url, two_pages):
    """A student who waits in the queue and changes something is answered while the
    other run goes on: the wait ends at the click (it yields to Streamlit between its
    redraws), not when a core comes free."""
    _contexts, (a, b) = two_pages
    a_trains_while_b_waits(one_core_url, a, b)
    clicked = b.evaluate(NOW_JS)
    b.locator(".st-key-main_cell [data-testid=stRadioOption]", has_text="GRU").click()
    chart = read_chart(b, TIMELINE, until=lambda c: "GRU" in c["title"])
    answered = b.evaluate(NOW_JS)
    still_training = training(a).locator(PROGRESS).count() == 1
    runs_a = a.evaluate(SAMPLES_JS)

    print(f"b's click answered {answered - clicked} ms later; a at {steps_of(runs_a)[-1]}")
    assert "GRU" in chart["title"], chart["title"]
    assert waiting(b).count() == 0, "b's page still shows the queue after its click"
    assert still_training, "a's run had ended before b's click was answered: not told apart"
    assert runs_a["progress"], "a's run showed no progress"
    wait_until_trained(a)  # a's run ends as usual, undisturbed by b leaving the queue
