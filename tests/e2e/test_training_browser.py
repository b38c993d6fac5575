"""Training in a real Chromium: the live run, the step slider, two sessions training at
once, and keeping the model (download, then upload on another page).

Every number is read from the page (Plotly's decoded `gd._fullData`, the code blocks) and
compared with what the backend (model.training.run / model.trace) computes on the same
settings, never with typed-in values.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
import torch
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from components.urlstate import parse_query
from model.config import ExplorerConfig
from model.encoding import encode
from model.presets import PRESETS
from model.trace import trace, trace_model
from model.training.code import expected_printout, training_code
from model.training.config import TrainConfig
from model.training.network import built_model_for
from model.training.records import TrainResult
from model.training.run import train_to_end
from tests.e2e.conftest import APP_IDLE, SERVER_LOG, VIEWPORT, open_lesson, wait_for_rerun
from tests.e2e.test_browser import (
    SCENE_TIMEOUT_S,
    TIMELINE,
    open_scene,
    read_chart,
    screenshot,
    selected_radio,
)

pytestmark = pytest.mark.e2e

TOLERANCE = 1e-5
EXPANDER_TITLE = "Train it: watch the hidden states learn"
SUBMIT = "[data-testid=stBaseButton-primaryFormSubmit]"
PROGRESS = "[data-testid=stProgress]"
SUCCESS = "[data-testid=stAlertContentSuccess]"
INFO = "[data-testid=stAlertContentInfo]"
STEP_TEXT = re.compile(r"Step (\d+) of \d+")  # the progress bar's text
TRAIN_TIMEOUT_MS = 90_000  # two sessions training at once on a 2-core machine
GRU_QUERY = "?seq=hihello&hidden=5&cell=gru&batch_first=1"
# hihello trains ~1.3 ms a step: 2,000 steps keep the bar on screen for seconds (600 ran
# in under one, and its bar was once never painted before the result replaced it).
LIVE_STEPS = 2000

# The training expander, found by its title: the page has other expanders above it (every
# tensor's shape, the batch_first pitfall's picture).
TRAINING_BOX_JS = (
    "Array.from(document.querySelectorAll('[data-testid=stMain] [data-testid=stExpander]'))"
    ".find((box) => (box.querySelector('summary') || box).textContent.includes(TITLE))"
).replace("TITLE", json.dumps(EXPANDER_TITLE))
# The training chart has no widget key: it is the Plotly chart inside the expander.
READ_TRAINING_JS = """() => {
  const box = TRAINING_BOX;
  const gd = box && box.querySelector('.js-plotly-plot');
  if (!gd || !gd._fullData || !gd._fullData.length) return null;
  return gd._fullData.map(d => ({name: d.name, x: Array.from(d.x), y: Array.from(d.y)}));
}""".replace("TRAINING_BOX", TRAINING_BOX_JS)

# Samples the page every 20 ms from now on: each change of the progress text (with the
# wall-clock time, shared by every page of the browser), each different last step of a
# loss curve drawn while the bar shows (the live chart), and when a success alert shows.
SAMPLE_PROGRESS_JS = """() => {
  window.__progress = [];
  window.__live = [];
  window.__doneAt = null;
  window.__sampler = setInterval(() => {
    const bar = document.querySelector('[data-testid=stProgress]');
    const text = bar ? bar.innerText.trim() : null;
    const last = window.__progress[window.__progress.length - 1];
    if (text && (!last || last.text !== text)) window.__progress.push({t: Date.now(), text});
    if (text) window.__lastProgressAt = Date.now();
    const box = TRAINING_BOX;
    const gd = bar && box && box.querySelector('.js-plotly-plot');
    const drawn = gd && gd._fullData && gd._fullData.length
      && gd.querySelector('.scatterlayer .trace');
    const step = drawn ? gd._fullData[0].x[gd._fullData[0].x.length - 1] : null;
    if (step !== null && !window.__live.includes(step)) window.__live.push(step);
    if (!window.__doneAt && box && box.querySelector('[data-testid=stAlertContentSuccess]'))
      window.__doneAt = Date.now();
  }, 20);
}""".replace("TRAINING_BOX", TRAINING_BOX_JS)
SAMPLES_JS = """() => { clearInterval(window.__sampler);
  return {progress: window.__progress, last: window.__lastProgressAt || null,
          done: window.__doneAt, live: window.__live}; }"""


# --- the backend's answers ----------------------------------------------------------------


def gru_config() -> ExplorerConfig:
    config, _preset, notices = parse_query(
        {"seq": ["hihello"], "hidden": ["5"], "cell": ["gru"], "batch_first": ["1"]}
    )
    assert not notices, notices
    return config


@cache
def trained(config: ExplorerConfig, train_config: TrainConfig) -> TrainResult:
    return train_to_end(config, train_config)


def trained_states(config: ExplorerConfig, weights: dict[str, torch.Tensor]) -> torch.Tensor:
    """Sequence 1, layer 1, as the timeline heatmap draws it: (hidden, steps)."""
    encoded = encode(config)
    built = built_model_for(config, weights, encoded)
    hidden = trace_model(config, encoded, built).hidden[0, 0, 0]
    return torch.from_numpy(hidden).T


def untrained_states(config: ExplorerConfig) -> torch.Tensor:
    return torch.from_numpy(trace(config).hidden[0, 0, 0]).T


def max_error(z: list[list[float]], expected: torch.Tensor, what: str) -> float:
    got = torch.tensor(z, dtype=torch.float32)
    assert got.shape == expected.shape, f"{what}: shape {tuple(got.shape)} != {expected.shape}"
    return (got - expected.float()).abs().max().item()


def assert_close(z: list[list[float]], expected: torch.Tensor, what: str) -> None:
    error = max_error(z, expected, what)
    assert error <= TOLERANCE, f"{what}: max |page - backend| = {error:.2e}\n{z}\n{expected}"


def assert_differs(z: list[list[float]], other: torch.Tensor, what: str) -> None:
    error = max_error(z, other, what)
    assert error > 1e-3, f"{what}: the page shows the other session's states ({error:.2e})"


# --- driving the training section ---------------------------------------------------------


def training(page):
    """The training expander (the lesson panels below have alerts of their own)."""
    return page.locator("[data-testid=stExpander]", has_text=EXPANDER_TITLE)


def open_training(page) -> None:
    """Open the training expander (collapsed until this session has a current model)."""
    expander = page.locator("[data-testid=stExpander]", has_text=EXPANDER_TITLE)
    expander.wait_for(timeout=SCENE_TIMEOUT_S * 1000)
    if not expander.locator(SUBMIT).is_visible():
        expander.locator("summary").click()
    expander.locator(SUBMIT).wait_for(state="visible")


def set_number(page, key: str, value) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(str(value))
    box.press("Tab")  # commit to the form (a form sends nothing until it is submitted)
    assert box.input_value() == str(value)


def start_training(page, steps: int | None = None, learning_rate: float | None = None) -> None:
    open_training(page)
    if steps is not None:
        set_number(page, "main_train_steps", steps)
    if learning_rate is not None:
        set_number(page, "main_train_lr", learning_rate)
    page.locator(SUBMIT).click()


# What ends a run in the training expander: its result (success), a time limit or a
# divergence (warning), a refusal (error), a traceback, or "stopped at step N" (info, told
# from a queue's waiting message by the script having finished).
RUN_ENDED_JS = """(box) => {
  const shown = (id) => box.querySelectorAll(`[data-testid=${id}]`).length > 0;
  const idle = document.querySelector('APP_IDLE') !== null;
  const ended = shown('stAlertContentSuccess') || shown('stAlertContentWarning')
    || shown('stAlertContentError') || shown('stException')
    || (shown('stAlertContentInfo') && idle);
  return ended ? {success: shown('stAlertContentSuccess')} : null;
}""".replace("APP_IDLE", APP_IDLE)
DESCRIBE_RUN_JS = """(box) => ({
  open: Boolean(box.querySelector('details')?.open),
  alerts: Array.from(box.querySelectorAll('[data-testid=stAlert], [data-testid=stException]'))
    .map((e) => e.innerText.trim()),
  progress: Array.from(box.querySelectorAll('[data-testid=stProgress]'))
    .map((e) => e.innerText.trim()),
  script: document.querySelector('[data-testid=stApp]')?.dataset.testScriptState,
  connection: document.querySelector('[data-testid=stApp]')?.dataset.testConnectionState,
})"""


def wait_until_trained(page, log: Path | None = SERVER_LOG) -> None:
    """Wait for the run's end and require its success. Any other end, or none in
    TRAIN_TIMEOUT_MS, fails with what the training box shows and the server log's end
    (a CI run once waited 90 s for a success that never came, with nothing else said)."""
    box = training(page)
    try:
        box.element_handle(timeout=SCENE_TIMEOUT_S * 1000)
        page.wait_for_function(
            f"() => {{ const box = {TRAINING_BOX_JS}; return box && ({RUN_ENDED_JS})(box); }}",
            timeout=TRAIN_TIMEOUT_MS, polling=100,
        )  # fmt: skip
        ended = box.evaluate(RUN_ENDED_JS)
    except PlaywrightTimeoutError:
        ended = None
    if not (ended and ended["success"]):
        state = box.evaluate(DESCRIBE_RUN_JS)
        tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
        what = "ended without success" if ended else f"no end in {TRAIN_TIMEOUT_MS} ms"
        pytest.fail(f"{page.url}: the run {what}: {state}\nserver log's end:\n{tail}")
    wait_for_rerun(page, timeout_ms=TRAIN_TIMEOUT_MS)


def started_by(progress: list[dict]) -> float:
    """A time by which a run had started, from its sampled progress texts ({t, "Step n
    of N ..."}): its first sample, less the steps already done then at the pace sampled
    after it. That pace is a bound: the later steps are never slower (the other session
    ends, torch warms up). The first sample alone was too late a bound when a busy page
    first drew the bar at step 720 of a run that overlapped the other by half a second
    (CI)."""
    steps = [(sample["t"], int(STEP_TEXT.search(sample["text"])[1])) for sample in progress]
    (t0, first), (t1, last) = steps[0], steps[-1]
    if last <= first:
        return t0
    return t0 - first * (t1 - t0) / (last - first)


def training_chart(page) -> list[dict]:
    chart = page.evaluate(READ_TRAINING_JS)
    assert chart is not None, "no training chart in the expander"
    return chart


def heatmap_z(page, until=None) -> list[list[float]]:
    chart = read_chart(page, TIMELINE, until=until)
    heatmap = chart["traces"][0]
    assert heatmap["type"] == "heatmap", chart["traces"]
    return heatmap["z"]


def showing(expected: torch.Tensor):
    """A `read_chart` condition: the heatmap shows these states (else it times out and
    the caller's assertion reports what the page held)."""

    def done(chart: dict) -> bool:
        z = torch.tensor(chart["traces"][0]["z"], dtype=torch.float32)
        return z.shape == expected.shape and (z - expected.float()).abs().max() <= TOLERANCE

    return done


def progress_step(text: str, total: int) -> int:
    head = text.split("·")[0].split()  # "Step k of N "
    assert head[0] == "Step" and head[2] == "of" and head[3] == str(total), text
    return int(head[1])


# --- the tests ----------------------------------------------------------------------------


def test_training_shows_live_progress_then_the_result(page, app_url, screenshot_dir):
    open_scene(page, app_url, "?preset=hihello")
    open_training(page)
    set_number(page, "main_train_steps", LIVE_STEPS)
    page.evaluate(SAMPLE_PROGRESS_JS)
    page.locator(SUBMIT).click()

    training(page).locator(PROGRESS).wait_for(timeout=TRAIN_TIMEOUT_MS)
    # The bar may go at any moment now: read it without waiting, then take the picture.
    seen = page.evaluate(
        "() => { const b = document.querySelector('[data-testid=stProgress]');"
        " return b ? b.innerText.trim() : null; }"
    )
    page.screenshot(path=str(screenshot_dir / "20a-training-live.png"))
    wait_until_trained(page)
    samples = page.evaluate(SAMPLES_JS)

    assert seen is not None and seen.startswith(("Starting", "Step ")), seen
    # The in-page sampler read the bar every 20 ms while it ran: at two different
    # moments at least, with the step count going up.
    moments = [s for s in samples["progress"] if s["text"].startswith("Step")]
    texts = [s["text"] for s in moments]
    assert len(texts) >= 2, f"fewer than two progress updates were seen: {samples}"
    assert moments[-1]["t"] > moments[0]["t"], moments
    steps = [progress_step(text, LIVE_STEPS) for text in texts]
    assert steps == sorted(steps) and len(set(steps)) == len(steps), steps
    assert steps[-1] > steps[0], steps
    assert all("loss" in text for text in texts), texts
    assert samples["done"] is not None and samples["last"] < samples["done"] + 100, samples
    # The live loss curve was on screen while it trained, and grew.
    live = samples["live"]
    assert len(live) >= 2 and live == sorted(live) and live[-1] <= LIVE_STEPS, live

    assert training(page).locator(PROGRESS).count() == 0, "the progress bar stayed after the run"
    result = trained(PRESETS["hihello"], TrainConfig(steps=LIVE_STEPS))
    success = training(page).locator(SUCCESS).inner_text()
    assert f"{result.losses[-1]:.4f}" in success, success
    loss = training_chart(page)[0]
    assert loss["name"] == "loss" and loss["x"][-1] == LIVE_STEPS, loss["x"][-3:]
    # The live loss at a step the bar showed is the backend's loss at that step.
    shown = texts[0].split("loss")[1].split("·")[0].strip()
    assert shown == f"{result.losses[steps[0]]:.4f}", (texts[0], result.losses[steps[0]])
    screenshot(page, screenshot_dir, "20b-training-done")


def test_step_slider_redraws_the_explorer(page, app_url, screenshot_dir):
    config = PRESETS["hihello"]
    result = trained(config, TrainConfig())
    final, untrained = trained_states(config, result.weights), untrained_states(config)
    assert (final - untrained).abs().max() > 1e-2, "training did not change the states"

    open_scene(page, app_url, "?preset=hihello")
    start_training(page)
    wait_until_trained(page)
    assert_close(heatmap_z(page, until=showing(final)), final, "final weights heatmap")
    slider = page.locator(".st-key-main_train_step").get_by_role("slider")
    assert slider.get_attribute("aria-valuetext") == "step 100"

    open_lesson(page, "PyTorch code")
    blocks = page.locator("[data-testid=stCode]")
    blocks.first.wait_for()
    code = blocks.nth(0).inner_text().strip()
    assert code == training_code(config, TrainConfig()).strip(), code[:400]
    printout = blocks.nth(1).inner_text().strip().splitlines()
    expected = expected_printout(config, TrainConfig()).splitlines()
    assert printout[-1] == expected[-1] and expected[-1].startswith("100 loss="), printout[-3:]
    assert len(printout) == len(expected) == 101, len(printout)
    screenshot(page, screenshot_dir, "21a-trained-step-100")

    slider.focus()
    slider.press("Home")
    assert slider.get_attribute("aria-valuetext") == "step 0"
    z = heatmap_z(page, until=showing(untrained))
    assert_close(z, untrained, "step 0 heatmap (untrained)")
    chart = training_chart(page)
    assert chart[0]["x"][-1] == 100, "the history must stay while another step is shown"
    screenshot(page, screenshot_dir, "21b-trained-step-0")


def test_two_sessions_train_at_once_and_a_download_restores(
    browser, app_url, screenshot_dir, tmp_path: Path
):
    # the most allowed: long enough that both runs are on screen at once on a busy 2-core
    # CPU (1,000 steps once ended one run before the other was first sampled, in CI)
    steps = 2000
    hihello, gru = PRESETS["hihello"], gru_config()
    train_config = TrainConfig(steps=steps)
    result_a, result_b = trained(hihello, train_config), trained(gru, train_config)
    states_a = trained_states(hihello, result_a.weights)
    states_b = trained_states(gru, result_b.weights)

    contexts = [browser.new_context(viewport=VIEWPORT, accept_downloads=True) for _ in "abc"]
    try:
        a, b, c = (context.new_page() for context in contexts)
        open_scene(a, app_url, "?preset=hihello")
        open_scene(b, app_url, GRU_QUERY)
        for page in (a, b):
            open_training(page)
            set_number(page, "main_train_steps", steps)
            page.evaluate(SAMPLE_PROGRESS_JS)
        a.locator(SUBMIT).click()
        b.locator(SUBMIT).click()
        wait_until_trained(a)
        wait_until_trained(b)
        runs = {"a": a.evaluate(SAMPLES_JS), "b": b.evaluate(SAMPLES_JS)}
        assert runs["a"]["progress"] and runs["b"]["progress"], runs
        # The two runs overlapped: each had started (a bound: started_by) before the other
        # had finished (its result drawn). Comparing with the last *sampled* progress
        # instead failed when a fast run was sampled once.
        started = max(started_by(run["progress"]) for run in runs.values())
        finished = min(run["done"] for run in runs.values())
        assert started < finished, f"the two runs did not overlap: {runs}"

        for page, mine, other, result in ((a, states_a, states_b, result_a),
                                          (b, states_b, states_a, result_b)):  # fmt: skip
            z = heatmap_z(page, until=showing(mine))
            assert_close(z, mine, f"{page.url}: own trained heatmap")
            assert_differs(z, other, f"{page.url}: vs the other session")
            loss = training_chart(page)[0]["y"]
            assert len(loss) == steps + 1
            assert abs(loss[-1] - result.losses[-1]) <= 1e-6, (loss[-1], result.losses[-1])
        assert abs(result_a.losses[-1] - result_b.losses[-1]) > 1e-3, "runs not distinguishable"
        screenshot(a, screenshot_dir, "22a-session-a-rnn")
        screenshot(b, screenshot_dir, "22b-session-b-gru")

        with a.expect_download() as info:
            # Streamlit renders the button twice (one hidden): click the one a user sees.
            a.locator(".st-key-main_train_download button:visible").click()
        download = tmp_path / "model.zip"
        info.value.save_as(download)
        assert download.stat().st_size > 0

        open_scene(c, app_url)  # the lecture scene: RNN(4, 2), nothing trained
        open_training(c)
        c.locator(".st-key-main_train_upload input[type=file]").set_input_files(download)
        wait_for_rerun(c)
        z = heatmap_z(c, until=showing(states_a))
        assert_close(z, states_a, "restored model heatmap")
        assert training(c).locator(SUCCESS).count() == 1, "no 'restored' message"
        assert f"{steps} steps" in training(c).locator(SUCCESS).inner_text()
        assert c.locator(".st-key-main_sequences textarea").input_value() == "hihello"
        assert c.locator(".st-key-main_hidden_size input").input_value() == "5"
        assert selected_radio(c, "main_cell") == "RNN"
        assert c.locator(".st-key-main_batch_first input").is_checked()
        assert c.locator(".st-key-main_train_steps input").input_value() == str(steps)
        screenshot(c, screenshot_dir, "22c-session-c-restored")
    finally:
        for context in contexts:
            context.close()


def test_a_bad_upload_is_refused_and_the_page_keeps_working(
    page, app_url, screenshot_dir, tmp_path: Path
):
    config = PRESETS["hihello"]
    untrained = untrained_states(config)
    open_scene(page, app_url, "?preset=hihello")
    open_training(page)
    fake = tmp_path / "model.zip"
    fake.write_text("this is not a zip file, just text with a .zip name\n")
    page.locator(".st-key-main_train_upload input[type=file]").set_input_files(fake)

    error = page.locator("[data-testid=stAlertContentError]", has_text="cannot be restored")
    error.wait_for(timeout=SCENE_TIMEOUT_S * 1000)
    wait_for_rerun(page)
    assert error.count() == 1, page.locator("[data-testid=stAlert]").all_inner_texts()
    assert page.locator("[data-testid=stException]").count() == 0, "a traceback is shown"
    assert_close(heatmap_z(page), untrained, "heatmap after a refused upload")
    assert training(page).locator(SUCCESS).count() == 0, "a refused upload must change nothing"
    screenshot(page, screenshot_dir, "23-bad-upload")


def test_a_click_during_training_stops_it_and_keeps_what_ran(page, app_url, screenshot_dir):
    """Any click reruns the page; the run stops at its next redraw and the weights of the
    last step it finished are kept, said so, and drawn."""
    query = {"seq": ["abcdefghij" * 10], "cell": ["lstm"], "hidden": ["10"]}  # ~3 ms a step
    config = parse_query(query)[0]
    open_scene(page, app_url, "?seq=" + query["seq"][0] + "&cell=lstm&hidden=10")
    start_training(page, steps=2000)
    training(page).locator(PROGRESS, has_text="Step").wait_for(timeout=TRAIN_TIMEOUT_MS)
    open_lesson(page, "Shared weights")  # nothing to do with training

    stopped = training(page).locator(INFO, has_text="Training stopped at step")
    stopped.wait_for(timeout=TRAIN_TIMEOUT_MS)
    wait_for_rerun(page, timeout_ms=TRAIN_TIMEOUT_MS)
    match = re.search(r"stopped at step (\d+) of 2000", stopped.inner_text())
    assert match, stopped.inner_text()
    step = int(match.group(1))
    assert 0 < step < 2000
    assert training(page).locator(PROGRESS).count() == 0, "the progress bar stayed"
    slider = page.locator(".st-key-main_train_step").get_by_role("slider")
    assert slider.get_attribute("aria-valuetext") == f"step {step}"
    assert training_chart(page)[0]["x"][-1] == step
    # The kept weights are the backend's after `step` steps of the same settings.
    expected = trained_states(config, trained(config, TrainConfig(steps=step)).weights)
    assert_close(heatmap_z(page, until=showing(expected)), expected, "weights kept at the click")
    screenshot(page, screenshot_dir, "20c-training-stopped-by-a-click")
