"""Sharing the cores, through AppTest: a run waits in a visible queue while every core is
busy (the test holds the cores with tickets of the server's own queue), starts by itself
when one frees, gives its place back when its script is stopped, and stops at the time
limit keeping what it learned. Last, the shared scene cache stays bounded for a class.

AppTest returns a page only when the script has finished, so the page *while it waits*
is read from the messages the script has sent so far: `require_widgets_deltas` (the wait
inside `AppTest.run`) is wrapped to look at `runner.forward_msgs()` mid-run. An AppTest
whose run times out is stopped with `request_stop()`, exactly what Streamlit does to the
script of a tab that closed.
"""

from __future__ import annotations

import pickle
import threading
import time

import numpy as np
import pytest
import streamlit.testing.v1.local_script_runner as local_runner
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1.element_tree import parse_tree_from_messages

from components import scene as scene_module
from components.i18n import t
from components.training import state as training_state
from model.cells import build_model
from model.config import ExplorerConfig
from model.encoding import encode
from model.presets import PRESETS
from model.training.config import MAX_TRAIN_STEPS, TrainConfig
from model.training.queue import RUNS
from model.training.run import train_to_end
from tests.app.test_app_training import SUBMIT, step_slider, trained_hidden, training_bodies

HIHELLO = PRESETS["hihello"]
SEEN_TIMEOUT = 60.0  # seconds for the waiting page to show what it should


@pytest.fixture
def cores():
    """Tickets the test holds; all given back afterwards. The queue starts and ends idle."""
    assert RUNS.running() == RUNS.waiting() == 0, "another test left the queue busy"
    held = []
    yield held
    for ticket in held:
        RUNS.leave(ticket)
    assert RUNS.running() == RUNS.waiting() == 0, "the app kept a place in the queue"


def fill(held: list, extra_waiting: int = 0) -> None:
    """Take every core, then line up `extra_waiting` more tickets."""
    held.extend(RUNS.enter() for _ in range(RUNS.slots + extra_waiting))
    assert RUNS.running() == RUNS.slots and RUNS.waiting() == extra_waiting


def click_train(page) -> None:
    (button,) = [b for b in page.at.button if b.key == SUBMIT]
    button.click()


def waiting_texts(runner) -> list[str]:
    """The queue messages on the page right now (the run is still going)."""
    tree = parse_tree_from_messages(list(runner.forward_msgs()))
    return [info.proto.body for info in tree.info if "free core" in info.proto.body]


def until_shown(runner, expected: list[str]) -> list[str]:
    """Wait until the page shows one of `expected` as its queue message; return it."""
    deadline = time.monotonic() + SEEN_TIMEOUT
    while time.monotonic() < deadline:
        shown = waiting_texts(runner)
        if shown and shown[-1] in expected:
            return shown
        time.sleep(0.05)
    raise AssertionError(f"the page never showed {expected[0]!r}…; it showed {shown}")


def variants(key: str, **fields) -> list[str]:
    """The message for every elapsed second it may show."""
    return [t(key, "en", cores=RUNS.slots, seconds=s, **fields) for s in range(61)]


def during_the_run(monkeypatch, look) -> None:
    """Call look(runner) once, while the next AppTest run is going."""
    original = local_runner.require_widgets_deltas
    calls = []

    def wrapped(runner, timeout=3):
        if not calls:
            calls.append(runner)
            look(runner)
        return original(runner, timeout)

    monkeypatch.setattr(local_runner, "require_widgets_deltas", wrapped)


def test_a_full_queue_shows_the_place_then_the_run_starts_by_itself(make_app, cores, monkeypatch):
    page = make_app({"preset": "hihello"})
    fill(cores, extra_waiting=1)
    seen: list[list[str]] = []

    def look(runner):
        seen.append(until_shown(runner, variants("queue_wait_ahead", ahead=1)))
        RUNS.leave(cores.pop())  # the run ahead gives up: this one is next
        seen.append(until_shown(runner, variants("queue_wait_next")))
        time.sleep(1.1)  # long enough that the caption's seconds are at least 1
        for ticket in cores:
            RUNS.leave(ticket)  # every core frees: the run starts by itself

    during_the_run(monkeypatch, look)
    click_train(page)
    page.run()

    assert [len(texts) for texts in seen] == [1, 1], seen  # one message, redrawn in place
    assert "1 ahead of you" in seen[0][0] and "you are next" in seen[1][0]
    (waited,) = [c for c in training_bodies(page, "caption") if "waited" in c]
    seconds = int(waited.split("waited ")[1].split(" s")[0])
    assert waited == t("queue_waited", "en", seconds=seconds) and seconds >= 1
    assert not training_bodies(page, "info"), "the waiting message stayed after the run"
    result = train_to_end(HIHELLO, TrainConfig())
    np.testing.assert_allclose(page.heatmap(), trained_hidden(HIHELLO, result.weights), atol=1e-6)
    assert RUNS.running() == 0


def test_a_free_core_trains_at_once_without_a_queue_message(make_app, cores):
    page = make_app({"preset": "hihello"})
    click_train(page)
    page.run()
    assert not [c for c in training_bodies(page, "caption") if "free core" in c]
    result = train_to_end(HIHELLO, TrainConfig())
    change = t("train_loss_change", "en", start=result.losses[0], end=result.losses[-1])
    (summary,) = training_bodies(page, "success")
    assert summary.startswith(change), summary
    assert RUNS.running() == RUNS.waiting() == 0


def test_a_stopped_script_gives_its_place_back(make_app, cores):
    """The script is stopped while it waits (as a closed tab's is): it leaves the queue at
    its next redraw, and the next in line moves up."""
    page = make_app({"preset": "hihello"})
    fill(cores)
    behind: list = []
    lined_up = threading.Event()

    def next_in_line():  # another session, arriving after this one
        while RUNS.waiting() < 1:
            time.sleep(0.01)
        behind.append(RUNS.enter())
        lined_up.set()

    other = threading.Thread(target=next_in_line, daemon=True)
    other.start()
    click_train(page)
    with pytest.raises(RuntimeError, match="timed out"):
        page.at.run(timeout=3)  # AppTest stops the waiting script after 3 s
    other.join(10)
    assert lined_up.is_set() and RUNS.waiting() == 1
    assert RUNS.ahead(behind[0]) == 0, "the stopped script still holds a place"
    cores.extend(behind)


def test_training_stops_at_the_time_limit_and_keeps_what_ran(make_app, cores, monkeypatch):
    """2,000 steps of this LSTM take several seconds even on a quiet machine (about 3 s
    here since training got faster; 3 s as the limit let a quiet run finish); with a
    0.5 s limit the run stops early."""
    monkeypatch.setattr(training_state, "TIME_LIMIT_SECONDS", 0.5)
    text = "abcdefghij" * 20
    page = make_app({"seq": text, "cell": "lstm", "hidden": "32"})
    help_text = page.widget("main_train_steps").help
    assert help_text == t("queue_steps_help", "en", steps=MAX_TRAIN_STEPS, seconds="0.5")
    page.widget("main_train_head").set_value("linear")
    page.widget("main_train_steps").set_value(MAX_TRAIN_STEPS)
    click_train(page)
    page.run()

    last = int(step_slider(page).value)
    assert 0 < last < MAX_TRAIN_STEPS, last
    (warning,) = training_bodies(page, "warning")
    limit = t("queue_time_limit", "en", seconds="0.5", step=last, total=MAX_TRAIN_STEPS)
    assert warning.startswith(limit), warning
    assert not training_bodies(page, "success")
    config = ExplorerConfig(sequences=(text,), cell="lstm", hidden_size=32)
    kept = train_to_end(config, TrainConfig(head="linear", steps=last), time_limit=None)
    assert f"{kept.losses[-1]:.4f}" in warning  # the summary of what ran
    np.testing.assert_allclose(page.heatmap(), trained_hidden(config, kept.weights), atol=1e-6)
    assert RUNS.running() == 0


# --- the shared scene cache ----------------------------------------------------------------

SHARED_SCENE_BYTES = 6 * 2**20  # what one shared entry may pickle to, at most
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@settings(max_examples=60, deadline=None)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru"]),
    hidden=st.integers(1, 40),
    layers=st.integers(1, 4),
    bidirectional=st.booleans(),
    tokens=st.sampled_from(["chars", "words", "numbers"]),
    embedding=st.booleans(),
    input_size=st.integers(1, 40),
    length=st.integers(2, 30),
)
def test_the_weights_bound_holds_for_any_module(
    cell, hidden, layers, bidirectional, tokens, embedding, input_size, length
):
    text = {"chars": LETTERS[:length], "words": " ".join(LETTERS[:length]),
            "numbers": ", ".join(str(i) for i in range(length))}[tokens]  # fmt: skip
    config = ExplorerConfig(
        sequences=(text,), tokens=tokens, cell=cell, hidden_size=hidden, num_layers=layers,
        bidirectional=bidirectional, input_size=input_size,
        encoding="embedding" if embedding and tokens != "numbers" else "onehot",
    )  # fmt: skip
    built = build_model(config, encode(config))
    weights = sum(p.numel() for p in built.rnn.parameters())
    if built.embedding is not None:
        weights += built.embedding.weight.numel()
    assert scene_module.weights_bound(config) >= weights


@pytest.mark.parametrize(
    "config",
    [
        # the most weights the shared cache takes, and the most traced values
        ExplorerConfig(sequences=(LETTERS + LETTERS.upper()[:14],), cell="lstm", hidden_size=128,
                       num_layers=4, encoding="embedding", input_size=64),
        ExplorerConfig(sequences=((LETTERS * 40)[:1000],), cell="lstm", hidden_size=50),
    ],
    ids=["most-weights", "most-values"],
)  # fmt: skip
def test_a_shared_scene_is_small(config):
    assert scene_module.shared(config)
    size = len(pickle.dumps(scene_module._compute(config)))
    assert size <= SHARED_SCENE_BYTES, f"{size / 2**20:.1f} MB"


def test_a_few_letters_with_a_huge_model_stay_per_session():
    """Few traced values, 80 MB of weights: too big to pickle on every hit for everyone."""
    config = ExplorerConfig(sequences=("abcdefghijkl",), cell="lstm", hidden_size=512,
                            num_layers=4, bidirectional=True)  # fmt: skip
    assert scene_module.traced_values_bound(config) <= scene_module.SHARED_CACHE_VALUES
    assert not scene_module.shared(config)


def test_the_shared_cache_forgets_the_least_recently_used(monkeypatch):
    computed = []
    real = scene_module._compute

    def counted(config):
        computed.append(config)
        return real(config)

    monkeypatch.setattr(scene_module, "_compute", counted)
    configs = [ExplorerConfig(seed=seed) for seed in range(scene_module.CACHE_ENTRIES + 1)]
    for config in configs:
        scene_module._shared_scene(config)
    scene_module._shared_scene(configs[-1])  # still there
    assert len(computed) == len(configs)
    scene_module._shared_scene(configs[0])  # pushed out by the last one
    assert len(computed) == len(configs) + 1
