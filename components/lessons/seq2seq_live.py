"""The seq2seq lesson's run: wait for a core in the server's queue, train with a progress
bar and the loss so far, keep what ran. As the main training (components.training.live):
any click or a closed tab stops the loop at its next redraw (Streamlit raises there), the
queue's `with` block gives the core back, and the `finally` keeps the weights in a plain
dict fetched before the loop (a stopped run must not write st.session_state itself).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from components.charting import chart
from components.figures.seq2seq import loss_spec
from components.i18n import t
from components.training import state
from components.training.live import _wait_for_core  # the main training's queue message
from model.errors import quoted
from model.lessons.seq2seq import (
    Seq2SeqConfig,
    Seq2SeqResult,
    Translation,
    train_seq2seq,
    translate,
)
from model.lessons.seq2seq_data import TARGET_MAX_LENGTH
from model.training.queue import RUNS

KEPT_KEY = "_s2s_kept"
PROGRESS_SECONDS = 0.25  # the progress bar redraws at least this often
LIVE_SECONDS = 1.0  # ...the loss chart at most this often
LIVE_UPDATES = 20  # ...and about this many times in a run


@dataclass(eq=False)
class Kept:
    """A trained encoder-decoder of this session and what the page shows of it."""

    result: Seq2SeqResult
    read: int  # the pairs read before the lab's filter (its "Read N sentence pairs")
    _translations: list[Translation] | None = field(default=None, repr=False)

    @property
    def config(self) -> Seq2SeqConfig:
        return self.result.config

    def translations(self) -> list[Translation]:
        """The lab's evaluate of every pair (computed once)."""
        if self._translations is None:
            self._translations = [translate(self.result, pair[0], TARGET_MAX_LENGTH)
                                  for pair in self.config.pairs]  # fmt: skip
        return self._translations


def kept_runs() -> dict:
    """This session's trained model ("model") and the Event of its last run ("running",
    set once its weights are kept), in a plain dict."""
    return st.session_state.setdefault(KEPT_KEY, {})


def train_live(config: Seq2SeqConfig, read: int, lang: str) -> None:
    """Wait for a core, then train with live progress; the result lands in kept_runs()."""
    run = train_seq2seq(config, time_limit=state.TIME_LIMIT_SECONDS)
    kept = kept_runs()
    with RUNS.place() as ticket:  # leaves the queue however this block ends
        _wait_for_core(ticket, lang)
        progress = st.progress(0.0, text=t("train_starting", lang))
        live = st.empty()
        every = max(1, config.steps // LIVE_UPDATES)
        drawn, charted = time.monotonic(), -LIVE_SECONDS
        finished = kept["running"] = threading.Event()
        losses: list[float] = []
        try:
            for record in run:
                losses.append(record.loss)
                now = time.monotonic()
                if now - drawn >= PROGRESS_SECONDS or record.iteration == config.steps:
                    progress.progress(record.iteration / config.steps, text=t(
                        "s2s_progress", lang, iteration=record.iteration, total=config.steps,
                        loss=record.loss, pair=quoted(record.pair[0], 40)))  # fmt: skip
                    drawn = now
                if record.iteration % every == 0 and now - charted >= LIVE_SECONDS:
                    with live:
                        chart(loss_spec(losses, lang), "seq2seq-loss", None)
                    charted = time.monotonic()
        finally:  # keep what ran, also when a click stops the loop (no st.* call here)
            try:
                result = run.result()
                if result.iterations > 0:
                    kept["model"] = Kept(result, read)
            finally:
                finished.set()
        progress.empty()
        live.empty()
