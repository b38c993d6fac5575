"""Train it: the training controls, the live run, its history, and which weights the
explorer's views show. The model lives in this browser session only (st.session_state);
nothing mutable is shared between sessions.

Sharing the server: a run takes a core from `model.training.queue.RUNS` (the others wait in a
visible queue) and stops after MAX_TRAIN_SECONDS. While it waits or trains, the view
reaches one of Streamlit's yield points at least every WAIT_UPDATE_SECONDS /
PROGRESS_SECONDS (a session-state read while waiting, a redraw while training): that is
where Streamlit stops a script whose tab closed (or that a new click replaced), by
raising StopException / RerunException; the queue's `with` block then gives the core back.
A rerun's request is consumed when raised, so the `finally` that keeps what ran can still
write the session state; a stop (closed tab) is not, and nothing is kept for a gone tab.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pandas as pd
import streamlit as st
import torch

from components.charting import chart
from components.figures.training import training_spec
from components.i18n import error_text, t
from components.sidebar import seed_widgets
from model.config import MAX_SEED, ExplorerConfig
from model.errors import ConfigError, quoted
from model.training.checkpoint import load_checkpoint, save_checkpoint
from model.training.code import printed_line
from model.training.config import (
    HEADS,
    MAX_LEARNING_RATE,
    MAX_TRAIN_SECONDS,
    MAX_TRAIN_STEPS,
    MIN_LEARNING_RATE,
    OPTIMIZERS,
    TrainConfig,
)
from model.training.queue import RUNS, Ticket
from model.training.run import TrainingRun, TrainResult, train

LIVE_UPDATES = 25  # loss chart redraws per run: often enough to watch, cheap to send
# ...and at most one every LIVE_SECONDS: Streamlit draws each new spec from scratch, so
# redrawing faster costs the browser and the server (with a class training) for little.
LIVE_SECONDS = 0.5
PROGRESS_SECONDS = 0.25  # the progress bar redraws at least this often while training
WAIT_UPDATE_SECONDS = 0.5  # how often a waiting run checks its place in the queue
FINISH_WAIT_SECONDS = 5.0  # a new run waits at most this long for a stopped run's weights
WAIT_REDRAW_SECONDS = 2.0  # ...and redraws the message this often when it has not moved


@dataclass(frozen=True, eq=False)
class Trained:
    """A trained model of this session: a run (with history) or an uploaded checkpoint."""

    config: ExplorerConfig
    train_config: TrainConfig
    weights: dict[str, torch.Tensor]  # the kept weights (a training.Network state_dict)
    result: TrainResult | None  # None for an uploaded checkpoint
    printout: str  # what the training code prints, step by step ("" when uploaded)

    def weights_at(self, step: int | None) -> dict[str, torch.Tensor]:
        if step is None or self.result is None:
            return self.weights
        return self.result.snapshots[step]


@dataclass(frozen=True, eq=False)
class Shown:
    """Which trained weights the views draw."""

    trained: Trained
    step: int | None  # a snapshot step; None = the kept (final or uploaded) weights

    @property
    def key(self) -> tuple:
        return (id(self.trained), self.step)


def _key(prefix: str, name: str) -> str:
    return f"{prefix}_train_{name}"


def _kept(prefix: str) -> dict:
    """This session's trained model ("model"), the step to show next ("show_step") and
    the Event of the last run ("running", set once its weights are kept), in a plain dict.

    A click during a run makes Streamlit stop that run and start the new one at once, in
    another thread (runner.fastReruns): the stopped run gets StopException at every later
    st.session_state access, so its `finally` writes into this dict, fetched before the
    run; and the new run waits for the Event before it reads the model, so it shows the
    steps that ran instead of racing the old thread's `finally`."""
    return st.session_state.setdefault(_key(prefix, "kept"), {})


def _restore(prefix: str) -> None:
    """Uploader callback: runs before the script, so it may set the controls' state."""
    upload = st.session_state.get(_key(prefix, "upload"))
    if upload is None:
        return
    try:
        checkpoint = load_checkpoint(upload)
    except ConfigError as error:
        st.session_state[_key(prefix, "upload_error")] = error
        return
    st.session_state[_key(prefix, "upload_error")] = None
    seed_widgets(prefix, checkpoint.config, None)
    for name, value in _form_values(checkpoint.train_config).items():
        st.session_state[_key(prefix, name)] = value
    trained = Trained(checkpoint.config, checkpoint.train_config, checkpoint.weights, None, "")
    _kept(prefix)["model"] = trained


def _form_values(train_config: TrainConfig) -> dict:
    return {
        "head": train_config.head,
        "optimizer": train_config.optimizer,
        "lr": train_config.learning_rate,
        "steps": train_config.steps,
        "seed": train_config.seed,
    }


def render_training(config: ExplorerConfig, prefix: str, lang: str) -> Shown | None:
    """The training section; returns the trained weights the views should draw, if any."""
    kept = _kept(prefix)
    if (running := kept.get("running")) is not None:  # a click stopped a run just now
        running.wait(FINISH_WAIT_SECONDS)
    trained: Trained | None = kept.get("model")
    current = trained is not None and trained.config == config
    numbers = config.tokens == "numbers"
    with st.expander(t("train_title", lang), expanded=current):
        st.caption(t("train_caption_numbers" if numbers else "train_caption", lang))
        for name, value in _form_values(TrainConfig()).items():
            st.session_state.setdefault(_key(prefix, name), value)
        with st.form(_key(prefix, "form"), border=False):
            columns = st.columns([2, 2, 2, 2, 2])
            columns[0].radio(
                t("train_head", lang), HEADS, key=_key(prefix, "head"), disabled=numbers,
                format_func=lambda v: t("train_head_" + v, lang), help=t("train_head_help", lang),
            )  # fmt: skip
            columns[1].radio(
                t("train_optimizer", lang), OPTIMIZERS, key=_key(prefix, "optimizer"),
                format_func=lambda v: {"adam": "Adam", "sgd": "SGD"}[v],
            )  # fmt: skip
            columns[2].number_input(
                t("train_lr", lang), min_value=MIN_LEARNING_RATE, max_value=MAX_LEARNING_RATE,
                key=_key(prefix, "lr"), format="%g", step=0.01,
            )  # fmt: skip
            columns[3].number_input(
                t("train_steps", lang), min_value=1, max_value=MAX_TRAIN_STEPS, step=10,
                key=_key(prefix, "steps"),
                help=t("queue_steps_help", lang, steps=MAX_TRAIN_STEPS,
                       seconds=f"{MAX_TRAIN_SECONDS:g}"),
            )  # fmt: skip
            columns[4].number_input(
                t("train_seed", lang), min_value=0, max_value=MAX_SEED, step=1,
                key=_key(prefix, "seed"), help=t("train_seed_help", lang),
            )  # fmt: skip
            start = st.form_submit_button(t("train_start", lang), type="primary")
        if start:
            trained = _run(config, prefix, lang)
            current = trained is not None
        if trained is not None and not current:
            st.caption(t("train_other_settings", lang))
        shown = _render_result(trained, prefix, lang) if current else None
        _render_keep(trained if current else None, prefix, lang)
    return shown


def _train_config(prefix: str, numbers: bool) -> TrainConfig:
    state = st.session_state
    return TrainConfig(
        head="linear" if numbers else state[_key(prefix, "head")],
        optimizer=state[_key(prefix, "optimizer")],
        learning_rate=float(state[_key(prefix, "lr")]),
        steps=int(state[_key(prefix, "steps")]),
        seed=int(state[_key(prefix, "seed")]),
    )


def _run(config: ExplorerConfig, prefix: str, lang: str) -> Trained | None:
    """Wait for a core, then train with live progress. A rerun (any click) or a closed
    tab stops the wait or the loop at its next redraw; the core is given back either way."""
    try:
        train_config = _train_config(prefix, config.tokens == "numbers")
        run = train(config, train_config, time_limit=MAX_TRAIN_SECONDS)
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
    _ = _key("queue", "yield") in st.session_state


def _train_live(run: TrainingRun, prefix: str, lang: str) -> Trained | None:
    """Train, redrawing the bar at least every PROGRESS_SECONDS and the loss chart
    LIVE_UPDATES times; what ran is kept when a rerun interrupts the loop."""
    config, train_config = run.config, run.train_config
    kept = _kept(prefix)
    progress = st.progress(0.0, text=t("train_starting", lang))
    live = st.empty()  # the loss (and accuracy) so far, redrawn as it trains
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
                charted = time.monotonic()  # the result's builder (st.line_chart: 40x the CPU)
                with live:
                    chart(training_spec(steps, losses, accuracies or None, lang=lang),
                          "training-live", None)  # fmt: skip
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
    live.empty()
    return trained


def _render_result(trained: Trained, prefix: str, lang: str) -> Shown:
    result = trained.result
    if result is None:  # an uploaded checkpoint: weights, no history
        st.success(t("train_uploaded", lang, steps=trained.train_config.steps), icon="📦")
        return Shown(trained, None)
    if result.diverged:
        st.warning(diverged_text(result, lang), icon="⚠️")
    elif result.timed_out:
        limit = t("queue_time_limit", lang, seconds=f"{MAX_TRAIN_SECONDS:g}",
                  step=result.last_step, total=result.train_config.steps)  # fmt: skip
        st.warning(limit + " " + _summary(result, lang), icon="⏱️")
    elif result.last_step < result.train_config.steps:  # a click stopped the run
        stopped = t("train_stopped_early", lang, step=result.last_step,
                    total=result.train_config.steps)  # fmt: skip
        st.info(stopped + " " + _summary(result, lang), icon="⏸️")
    else:
        st.success(_summary(result, lang), icon="✅")
    if result.scale_min is not None:  # numbers: the scaling is part of the lesson
        low = ", ".join(f"{v:g}" for v in result.scale_min)
        high = ", ".join(f"{v:g}" for v in result.scale_max)
        st.caption(t("train_scaling", lang, low=low, high=high))
    snapshots = sorted(result.snapshots)
    step_key = _key(prefix, "step")
    if (shown := _kept(prefix).pop("show_step", None)) is not None:  # a run just ended
        st.session_state[step_key] = shown
    elif st.session_state.get(step_key) not in snapshots:
        st.session_state[step_key] = snapshots[-1]
    step = st.select_slider(
        t("train_shown_step", lang), options=snapshots, key=step_key,
        format_func=lambda s: t("train_step_label", lang, step=s),
        help=t("train_shown_step_help", lang),
    )  # fmt: skip
    spec = training_spec(result.steps, result.losses, result.accuracies, step, lang)
    chart(spec, "training", None)
    rows = [
        {t("train_col_step", lang): s, **_prediction_columns(result, s, lang)} for s in snapshots
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, height=220)
    return Shown(trained, step)


def _prediction_columns(result: TrainResult, step: int, lang: str) -> dict:
    predictions = result.predictions[step]
    if len(predictions) == 1:
        return {t("train_col_prediction", lang): predictions[0],
                t("train_col_target", lang): result.targets[0]}  # fmt: skip
    columns = {}
    for line, (guess, target) in enumerate(zip(predictions, result.targets, strict=True), 1):
        columns[t("train_col_line", lang, line=line)] = f"{guess} → {target}"
    return columns


def _summary(result: TrainResult, lang: str) -> str:
    first, held = result.first_all_correct, result.held_to_end
    loss = t("train_loss_change", lang, start=result.losses[0], end=result.losses[-1])
    if result.accuracies is None:
        return loss
    if first is None:
        return loss + " " + t("train_never_correct", lang)
    if held:
        return loss + " " + t("train_correct_held", lang, step=first)
    note = t("train_correct_lost", lang, step=first)
    if result.train_config.head == "logits":
        note += " " + t("train_logits_bounded", lang)
    return loss + " " + note


def _render_keep(trained: Trained | None, prefix: str, lang: str) -> None:
    """Download the kept weights with their settings; upload them back later."""
    left, right = st.columns(2)
    with left:
        if trained is not None:
            st.download_button(
                t("train_download", lang),
                data=lambda: save_checkpoint(trained.config, trained.train_config, trained.weights),
                file_name="hidden-state-explorer-model.zip", mime="application/zip",
                on_click="ignore", key=_key(prefix, "download"),
                help=t("train_download_help", lang),
            )  # fmt: skip
    with right:
        st.file_uploader(
            t("train_upload", lang), type=["zip"], key=_key(prefix, "upload"),
            on_change=_restore, args=(prefix,), help=t("train_upload_help", lang),
        )  # fmt: skip
        problem = st.session_state.get(_key(prefix, "upload_error"))
        if problem:
            st.error(f"**{t('train_upload_bad', lang)}** {error_text(problem, lang)}", icon="🛑")


def diverged_text(result, lang: str) -> str:
    """The divergence message in the page's language (the backend's English otherwise)."""
    if result.reason is None:
        return result.message
    _, fields = result.reason
    tips = [t(tip, lang, **values) for tip, values in fields["tips"]]
    joined = ", ".join(tips[:-1]) + t("train_tip_or", lang) + tips[-1] if len(tips) > 1 else tips[0]
    problem_key = fields["problem"]
    return t("train_diverged", lang, step=fields["step"], problem=t(problem_key, lang),
             lr=fields["lr"], good_step=fields["good_step"], tips=joined)  # fmt: skip
