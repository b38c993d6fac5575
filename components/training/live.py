"""A training run with live progress, sharing the server's cores with a class: the loss
so far beside the first sequence's hidden states as the weights learn (`LiveView`).

A run takes a core from `model.training.queue.RUNS` (the others wait in a visible queue)
and stops after the page's time limit (`state.TIME_LIMIT_SECONDS`). While it waits or
trains, the view reaches one of Streamlit's yield points at least every
WAIT_UPDATE_SECONDS / PROGRESS_SECONDS (a session-state read while waiting, a redraw while
training): that is where Streamlit stops a script whose tab closed (or that a new click
replaced), by raising StopException / RerunException; the queue's `with` block then gives
the core back. A rerun's request is consumed when raised, so the `finally` that keeps what
ran can still write the session state; a stop (closed tab) is not, and nothing is kept for
a gone tab.
"""

from __future__ import annotations

import threading
import time

import streamlit as st

from components.charting import chart
from components.figures.training import MAX_LIVE_STEPS, live_states_spec, training_spec
from components.i18n import error_text, t
from components.training import state
from components.training.result import logit_labels
from components.training.state import Trained, kept_for, train_config_from_state, train_key
from model.config import ExplorerConfig
from model.errors import ConfigError, quoted
from model.training.code import printed_line
from model.training.live import live_states
from model.training.queue import RUNS, Ticket
from model.training.run import TrainingRun, train

LIVE_UPDATES = 25  # loss chart redraws per run: often enough to watch, cheap to send
# ...and at most one every LIVE_SECONDS: Streamlit draws each new spec from scratch, so
# redrawing faster costs the browser and the server (with a class training) for little.
LIVE_SECONDS = 0.5
# The hidden states beside it are redrawn with it while they have cost at most this share
# of the run's time so far (their server time: the states, the spec, its serialisation),
# so a heavy scene redraws them less often and the steps per second stay what they were.
STATES_SHARE = 0.03
PROGRESS_SECONDS = 0.25  # the progress bar redraws at least this often while training
WAIT_UPDATE_SECONDS = 0.5  # how often a waiting run checks its place in the queue
WAIT_REDRAW_SECONDS = 2.0  # ...and redraws the message this often when it has not moved


def run_training(config: ExplorerConfig, prefix: str, lang: str) -> Trained | None:
    """Wait for a core, then train with live progress. A rerun (any click) or a closed
    tab stops the wait or the loop at its next redraw; the core is given back either way."""
    try:
        train_config = train_config_from_state(prefix, config.tokens == "numbers")
        run = train(config, train_config, time_limit=state.TIME_LIMIT_SECONDS)
    except ConfigError as error:
        st.error(f"**{t('train_cannot', lang)}** {error_text(error, lang)}", icon="🛑")
        return None
    with RUNS.place() as ticket:  # leaves the queue however this block ends
        _wait_for_core(ticket, lang)
        return _train_live(run, prefix, lang)


def _wait_for_core(ticket: Ticket, lang: str) -> None:
    """Show the place in the queue until a core is free; then say how long it took
    (nothing when a core was free at once). The place is checked every
    WAIT_UPDATE_SECONDS but the message is redrawn only when it moved or every
    WAIT_REDRAW_SECONDS (the waited seconds): with a class waiting, a redraw every 0.5 s
    each was hundreds of messages a second for the server to send. Between redraws the
    loop still yields to Streamlit every WAIT_UPDATE_SECONDS (_yield_point), so a click
    or a closed tab ends the wait as promptly as before."""
    if RUNS.wait(ticket, 0):
        return
    note = st.empty()
    started = time.monotonic()
    shown: tuple[int, int] | None = None
    redrawn = started
    while True:
        ahead, cores = RUNS.ahead(ticket), RUNS.slots
        now = time.monotonic()
        if (ahead, cores) != shown or now - redrawn >= WAIT_REDRAW_SECONDS:
            seconds = int(now - started)
            if ahead:
                text = t("queue_wait_ahead", lang, ahead=ahead, cores=cores, seconds=seconds)
            else:
                text = t("queue_wait_next", lang, cores=cores, seconds=seconds)
            note.info(text, icon="⏳")
            shown, redrawn = (ahead, cores), now
        if RUNS.wait(ticket, WAIT_UPDATE_SECONDS):
            break
        _yield_point()
    note.caption(t("queue_waited", lang, seconds=round(time.monotonic() - started)))


def _yield_point() -> None:
    """Let Streamlit stop or rerun this script here, sending nothing: every session-state
    access is one of its yield points (SafeSessionState calls the script runner's
    execution-control check, which raises StopException / RerunException on a pending
    stop or rerun), like every st.* call that draws."""
    _ = train_key("queue", "yield") in st.session_state


def _train_live(run: TrainingRun, prefix: str, lang: str) -> Trained | None:
    """Train, redrawing the bar at least every PROGRESS_SECONDS and the loss chart
    LIVE_UPDATES times; what ran is kept when a rerun interrupts the loop."""
    config, train_config = run.config, run.train_config
    kept = kept_for(prefix)
    progress = st.progress(0.0, text=t("train_starting", lang))
    live = LiveView(run, prefix, lang)  # the loss so far beside the states, redrawn as it trains
    every = max(1, train_config.steps // LIVE_UPDATES)
    steps: list[int] = []
    losses: list[float] = []
    accuracies: list[float] = []
    printed = []
    drawn = time.monotonic()
    charted = -LIVE_SECONDS  # the first scheduled redraw draws the chart
    finished = kept["running"] = threading.Event()  # set in `finally`, whatever happens
    try:
        for record in run:
            printed.append(printed_line(record) + "\n")
            steps.append(record.step)
            losses.append(record.loss)
            if record.accuracy is not None:
                accuracies.append(record.accuracy)
            scheduled = record.step % every == 0 or record.step == train_config.steps
            if scheduled or time.monotonic() - drawn >= PROGRESS_SECONDS:
                guess = " · ".join(quoted(p) for p in record.predictions)  # user tokens
                progress.progress(
                    record.step / train_config.steps,
                    text=t("train_progress", lang, step=record.step, total=train_config.steps,
                           loss=record.loss, guess=guess),
                )  # fmt: skip
                drawn = time.monotonic()
            if scheduled and time.monotonic() - charted >= LIVE_SECONDS:
                charted = time.monotonic()
                live.draw(steps, losses, accuracies or None, record.step)
    finally:  # keep what ran, even when a click or a closed tab stops the loop; a click
        # before the first step leaves nothing to keep (the session's previous model stays)
        try:
            result = run.result()
            trained = None
            if result.last_step > 0:
                trained = Trained(config, train_config, result.weights, result, "".join(printed))
                kept.update(model=trained, show_step=result.last_step)  # no st.* call here
        finally:
            finished.set()
    progress.empty()
    live.clear()
    return trained


class LiveView:
    """The loss (and accuracy) so far beside the first sequence's hidden states (layer 0,
    forward) with the weights of the step just done: two charts side by side, redrawn
    together, the states at most STATES_SHARE of the run's time."""

    def __init__(self, run: TrainingRun, prefix: str, lang: str):
        self.lang, self.started, self.spent = lang, time.monotonic(), 0.0
        self.place = st.empty()
        with self.place.container():
            left, right = st.columns([3, 2], gap="medium")
        self.loss = left.container(key=train_key(prefix, "live_loss")).empty()
        self.states_slot = right.container(key=train_key(prefix, "live_states")).empty()
        self.states = live_states(run, MAX_LIVE_STEPS)
        data = run.data
        self.labels = None if data.numbers else logit_labels(
            run.train_config.head, data.encoded.vocab, run.config.hidden_size
        )  # fmt: skip
        self.height = 360 if data.numbers else 480  # the loss chart's (with accuracy: 480)

    def draw(self, steps: list[int], losses: list[float], accuracies, step: int) -> None:
        with self.loss:  # the result's builder (st.line_chart: 40x the CPU)
            chart(training_spec(steps, losses, accuracies, lang=self.lang), "training-live", None)
        if self.states is None or self.spent > STATES_SHARE * (time.monotonic() - self.started):
            return
        begun = time.perf_counter()
        spec = live_states_spec(self.states.states(), self.states.tokens, step, self.lang,
                                self.labels, self.height)  # fmt: skip
        with self.states_slot:
            chart(spec, "training-states", None)
        self.spent += time.perf_counter() - begun

    def clear(self) -> None:
        self.place.empty()
