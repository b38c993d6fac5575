"""The end of a run: how it went (finished, stopped, timed out, diverged), the step whose
weights every chart shows (read here, chosen in the main view beside the charts), the loss
chart and the predictions at each kept step, and what the charts add to their titles.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.charting import chart
from components.figures.forecast import forecast_spec
from components.figures.parts import visible_token
from components.figures.training import training_spec
from components.i18n import t
from components.training import state
from components.training.generate import render_generate
from components.training.state import Shown, Trained, kept_for, train_key
from model.training.forecast import forecast
from model.training.records import TrainResult
from model.windows import reassembled


def render_result(trained: Trained, prefix: str, lang: str) -> Shown:
    result = trained.result
    if result is None:  # an uploaded checkpoint: weights, no history
        st.success(t("train_uploaded", lang, steps=trained.train_config.steps), icon="📦")
        return Shown(trained, None)
    if result.diverged:
        st.warning(diverged_text(result, lang), icon="⚠️")
    elif result.timed_out:
        limit = t("queue_time_limit", lang, seconds=f"{state.TIME_LIMIT_SECONDS:g}",
                  step=result.last_step, total=result.train_config.steps)  # fmt: skip
        st.warning(limit + " " + summary(result, lang), icon="⏱️")
    elif result.last_step < result.train_config.steps:  # a click stopped the run
        stopped = t("train_stopped_early", lang, step=result.last_step,
                    total=result.train_config.steps)  # fmt: skip
        st.info(stopped + " " + summary(result, lang), icon="⏸️")
    else:
        st.success(summary(result, lang), icon="✅")
    if result.scale_min is not None:  # numbers: the scaling is part of the lesson
        low = ", ".join(f"{v:g}" for v in result.scale_min)
        high = ", ".join(f"{v:g}" for v in result.scale_max)
        st.caption(t("train_scaling", lang, low=low, high=high))
    step = shown_step(result, prefix)
    st.caption(t("train_shown_step_where", lang))
    spec = training_spec(result.steps, result.losses, result.accuracies, step, lang)
    chart(spec, "training", None)
    rows = [
        {t("train_col_step", lang): s, **prediction_columns(result, s, lang)}
        for s in sorted(result.snapshots)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, height=220)
    if result.config.series is not None:
        render_forecast(trained, step, lang)
    elif result.data.encoded.windowed and result.config.stride == 1 and step in result.predictions:
        render_reassembled(result, step, lang)
    if not result.data.numbers:
        render_generate(trained, step, prefix, lang)
    return Shown(trained, step)


def render_forecast(trained: Trained, step: int | None, lang: str) -> None:
    """Predicted against true on the test part, with the weights of the step shown."""
    seen = forecast(trained.config, trained.weights_at(step))
    chart(forecast_spec(seen, lang), "forecast", "forecast_chart")
    st.caption(t("forecast_caption", lang, train=seen.train_rows))


def render_reassembled(result: TrainResult, step: int, lang: str) -> None:
    """The longseq lab's last print: the predicted text, reassembled from the windows."""
    joiner = "" if result.config.tokens == "chars" else " "
    text = reassembled(result.predictions[step], joiner)
    st.caption(t("train_reassembled", lang, step=step))
    st.code(text, language=None, wrap_lines=True)


def shown_step(result: TrainResult, prefix: str) -> int:
    """The snapshot step every chart draws, known before the scene is computed: the last
    step of a run that just ended, else the step chooser's value (a widget's value lives
    in the session state under its key; render_step_chooser draws it later, beside the
    charts), else the last step when that value is not one of this run's snapshots."""
    snapshots = sorted(result.snapshots)
    step_key = train_key(prefix, "step")
    if (shown := kept_for(prefix).pop("show_step", None)) is not None:  # a run just ended
        st.session_state[step_key] = shown
    elif st.session_state.get(step_key) not in snapshots:
        st.session_state[step_key] = snapshots[-1]
    return st.session_state[step_key]


def render_step_chooser(shown: Shown | None, prefix: str, lang: str) -> None:
    """The "weights shown" chooser, in the main view beside the charts it redraws; its
    value was read by shown_step when the training section ran. Nothing for an untrained
    scene or an uploaded model (no snapshots)."""
    if shown is None or shown.trained.result is None:
        return
    # one line above the two charts: the label (with its help), then the slider
    line = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    line.markdown(
        f"**{t('train_shown_step', lang)}**", help=t("train_shown_step_help", lang), width="content"
    )
    line.select_slider(
        t("train_shown_step", lang), options=sorted(shown.trained.result.snapshots),
        key=train_key(prefix, "step"), format_func=lambda s: t("train_step_label", lang, step=s),
        label_visibility="collapsed", width="stretch",
    )  # fmt: skip


def prediction_columns(result: TrainResult, step: int, lang: str) -> dict:
    predictions = result.predictions[step]
    if len(predictions) == 1:
        return {t("train_col_prediction", lang): predictions[0],
                t("train_col_target", lang): result.targets[0]}  # fmt: skip
    columns = {}
    for line, (guess, target) in enumerate(zip(predictions, result.targets, strict=True), 1):
        columns[t("train_col_line", lang, line=line)] = f"{guess} → {target}"
    return columns


def summary(result: TrainResult, lang: str) -> str:
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


def chart_context(shown: Shown | None, vocab: tuple[str, ...], hidden: int, lang: str):
    """What the main charts add when they draw trained weights: the training step in
    their titles (" · after 40 training steps"), and, when the outputs are the logits
    (hidden size = vocabulary), the token each unit scores as the heatmap's row labels."""
    if shown is None:
        return "", None
    trained = shown.trained
    if trained.result is None:
        when = t("fig_when_uploaded", lang, steps=trained.train_config.steps)
    else:
        step = trained.result.last_step if shown.step is None else shown.step
        when = t("fig_when_trained", lang, step=step)
    return " · " + when, logit_labels(trained.train_config.head, vocab, hidden)


def logit_labels(head: str, vocab: tuple[str, ...], hidden: int) -> tuple[str, ...] | None:
    """With the outputs as logits (hidden size = vocabulary), each unit's row label names
    the token it scores ("0 → h"); None otherwise."""
    if head != "logits" or len(vocab) != hidden:
        return None
    return tuple(f"{unit} → {visible_token(token)}" for unit, token in enumerate(vocab))
