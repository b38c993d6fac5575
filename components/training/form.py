"""The "Train it" section: the training form, the run it starts, the result, and the
download and upload of a trained model. The model lives in this browser session only
(`components.training.state`); the run itself is `components.training.live`.
"""

from __future__ import annotations

import streamlit as st

from components.i18n import error_text, t
from components.sidebar.controls import seed_widgets
from components.training import state
from components.training.live import run_training
from components.training.result import render_result
from components.training.state import Shown, Trained, form_values, kept_for, train_key
from model.config import MAX_SEED, ExplorerConfig
from model.errors import ConfigError
from model.training.checkpoint import load_checkpoint, save_checkpoint
from model.training.config import (
    HEADS,
    MAX_BATCH_SIZE,
    MAX_LEARNING_RATE,
    MAX_TRAIN_STEPS,
    MIN_LEARNING_RATE,
    OPTIMIZERS,
    TrainConfig,
)

FINISH_WAIT_SECONDS = 5.0  # a new run waits at most this long for a stopped run's weights


def render_training(config: ExplorerConfig, prefix: str, lang: str) -> Shown | None:
    """The training section; returns the trained weights the views should draw, if any."""
    kept = kept_for(prefix)
    if (running := kept.get("running")) is not None:  # a click stopped a run just now
        running.wait(FINISH_WAIT_SECONDS)
    trained: Trained | None = kept.get("model")
    current = trained is not None and trained.config == config
    numbers = config.tokens == "numbers"
    with st.expander(t("train_title", lang), expanded=current):
        st.caption(t("train_caption_numbers" if numbers else "train_caption", lang))
        for name, value in form_values(TrainConfig()).items():
            st.session_state.setdefault(train_key(prefix, name), value)
        start = _form(prefix, lang, numbers)
        if start:
            trained = run_training(config, prefix, lang)
            current = trained is not None
        if trained is not None and not current:
            st.caption(t("train_other_settings", lang))
        shown = render_result(trained, prefix, lang) if current else None
        _render_keep(trained if current else None, prefix, lang)
    return shown


def _form(prefix: str, lang: str, numbers: bool) -> bool:
    """The training settings and the Train button; True when it was pressed."""
    with st.form(train_key(prefix, "form"), border=False):
        # rows as horizontal containers, not columns: one block each instead of one per
        # column; the page re-renders every block of every rerun (bench/BROWSER.md)
        settings = st.container(horizontal=True, gap="medium")
        settings.radio(
            t("train_head", lang), HEADS, key=train_key(prefix, "head"), disabled=numbers,
            format_func=lambda v: t("train_head_" + v, lang), help=t("train_head_help", lang),
            width="stretch",
        )  # fmt: skip
        settings.radio(
            t("train_optimizer", lang), OPTIMIZERS, key=train_key(prefix, "optimizer"),
            format_func=lambda v: {"adam": "Adam", "sgd": "SGD"}[v], width="stretch",
        )  # fmt: skip
        settings.number_input(
            t("train_lr", lang), min_value=MIN_LEARNING_RATE, max_value=MAX_LEARNING_RATE,
            key=train_key(prefix, "lr"), format="%g", step=0.01,
        )  # fmt: skip
        settings.number_input(
            t("train_steps", lang), min_value=1, max_value=MAX_TRAIN_STEPS, step=10,
            key=train_key(prefix, "steps"),
            help=t("queue_steps_help", lang, steps=MAX_TRAIN_STEPS,
                   seconds=f"{state.TIME_LIMIT_SECONDS:g}"),
        )  # fmt: skip
        settings.number_input(
            t("train_seed", lang), min_value=0, max_value=MAX_SEED, step=1,
            key=train_key(prefix, "seed"), help=t("train_seed_help", lang),
        )  # fmt: skip
        run = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
        start = run.form_submit_button(t("train_start", lang), type="primary")
        run.number_input(
            t("train_batch_size", lang), min_value=0, max_value=MAX_BATCH_SIZE, step=8,
            key=train_key(prefix, "batch_size"), help=t("train_batch_size_help", lang),
            width=200,
        )  # fmt: skip
        run.checkbox(
            t("train_lab_seed", lang), key=train_key(prefix, "lab_seed"),
            help=t("train_lab_seed_help", lang), width="stretch",
        )  # fmt: skip
    return start


def _restore(prefix: str) -> None:
    """Uploader callback: runs before the script, so it may set the controls' state."""
    upload = st.session_state.get(train_key(prefix, "upload"))
    if upload is None:
        return
    try:
        checkpoint = load_checkpoint(upload)
    except ConfigError as error:
        st.session_state[train_key(prefix, "upload_error")] = error
        return
    st.session_state[train_key(prefix, "upload_error")] = None
    seed_widgets(prefix, checkpoint.config, None)
    for name, value in form_values(checkpoint.train_config).items():
        st.session_state[train_key(prefix, name)] = value
    trained = Trained(checkpoint.config, checkpoint.train_config, checkpoint.weights, None, "")
    kept_for(prefix)["model"] = trained


def _render_keep(trained: Trained | None, prefix: str, lang: str) -> None:
    """Download the kept weights with their settings; upload them back later."""
    left, right = st.columns(2)
    with left:
        if trained is not None and trained.config.series is not None:
            st.caption(t("train_download_series", lang))
        elif trained is not None:
            st.download_button(
                t("train_download", lang),
                data=lambda: save_checkpoint(trained.config, trained.train_config, trained.weights),
                file_name="hidden-state-explorer-model.zip", mime="application/zip",
                on_click="ignore", key=train_key(prefix, "download"),
                help=t("train_download_help", lang),
            )  # fmt: skip
    with right:
        st.file_uploader(
            t("train_upload", lang), type=["zip"], key=train_key(prefix, "upload"),
            on_change=_restore, args=(prefix,), help=t("train_upload_help", lang),
        )  # fmt: skip
        problem = st.session_state.get(train_key(prefix, "upload_error"))
        if problem:
            st.error(f"**{t('train_upload_bad', lang)}** {error_text(problem, lang)}", icon="🛑")
