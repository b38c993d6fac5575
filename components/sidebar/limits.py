"""What the user is told about the limits: the "Limits" list (every named limit, its
value and what it protects) and a backend refusal in the user's language.

Every value is read from the constant that enforces it, so the list cannot drift from the
code; tests/components/test_limits.py checks that every MAX_* constant of the
modules below is listed.
"""

from __future__ import annotations

import streamlit as st

from components.figures import parts as figure_parts
from components.i18n import t
from model import config, series, upload  # a file brought to the page, read as a series
from model.lessons import (
    code_model,  # the code model's text and sampling
    memory,  # the influence view's budget and W_hh's scale
    seq2seq_data,  # the encoder-decoder lesson's own text and run
    tasks,  # the tasks lesson's networks and charts
)
from model.training import archive as checkpoint  # the checkpoint file's caps
from model.training import config as training
from model.training import generate

# The modules whose MAX_* / MIN_* constants are limits shown here.
LIMIT_MODULES = (
    config, training, checkpoint, figure_parts, memory, series, upload, generate, seq2seq_data,
    tasks, code_model,
)  # fmt: skip
SERVER_OPTIONS = ("server.maxUploadSize", "server.maxMessageSize")  # MB, .streamlit/config.toml


def _n(value: float) -> str:
    """1,000 · 1,000,000 (not 1e+06) · 0.00001 (not 1e-05)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.10f}".rstrip("0")


def _mb(size: int) -> str:
    return _n(size // 2**20)


def text_lines(lang: str) -> list[str]:
    return [
        t("limits_sequences", lang, value=_n(config.MAX_SEQUENCES)),
        t("limits_steps", lang, value=_n(config.MAX_STEPS)),
        t("limits_windows", lang, value=_n(config.MAX_WINDOWS)),
        t("limits_window", lang, value=_n(config.MAX_WINDOW)),
        t("limits_text_chars", lang, value=_n(config.MAX_TEXT_CHARS)),
        t("limits_token_chars", lang, value=_n(config.MAX_TOKEN_CHARS)),
        t("limits_vocab", lang, value=_n(config.MAX_VOCAB)),
        t("limits_features", lang, value=_n(config.MAX_FEATURES)),
        t("limits_abs_number", lang, value=_n(config.MAX_ABS_NUMBER)),
    ]


def model_lines(lang: str) -> list[str]:
    return [
        t("limits_hidden", lang, value=_n(config.MAX_HIDDEN)),
        t("limits_layers", lang, value=_n(config.MAX_LAYERS)),
        t("limits_input_size", lang, value=_n(config.MAX_INPUT_SIZE)),
        t("limits_seed", lang, value=_n(config.MAX_SEED)),
        t("limits_state_values", lang, value=_n(config.MAX_STATE_VALUES)),
    ]


def training_lines(lang: str) -> list[str]:
    low, high = _n(training.MIN_LEARNING_RATE), _n(training.MAX_LEARNING_RATE)
    return [
        t("limits_train_steps", lang, value=_n(training.MAX_TRAIN_STEPS)),
        t("limits_learning_rate", lang, low=low, high=high),
        t("limits_train_work", lang, value=_n(training.MAX_TRAIN_WORK)),
        t("limits_train_seconds", lang, value=_n(training.MAX_TRAIN_SECONDS)),
        t("limits_snapshots", lang, value=_n(training.MAX_SNAPSHOTS)),
        t("limits_snapshot_bytes", lang, value=_mb(training.MAX_SNAPSHOT_BYTES)),
        t("limits_batch_size", lang, value=_n(training.MAX_BATCH_SIZE)),
        t(
            "limits_s2s",
            lang,
            pairs=_n(seq2seq_data.MAX_S2S_PAIRS),
            words=_n(seq2seq_data.MAX_S2S_WORDS),
            chars=_n(seq2seq_data.MAX_S2S_WORD_CHARS),
            text=_n(seq2seq_data.MAX_S2S_TEXT_CHARS),
            steps=_n(seq2seq_data.MAX_S2S_STEPS),
            hidden=_n(seq2seq_data.MAX_S2S_HIDDEN),
            decode=_n(seq2seq_data.MAX_S2S_DECODE),
        ),
        t(
            "limits_tasks",
            lang,
            gap=_n(tasks.MAX_GAP),
            gaps=_n(tasks.MAX_GAPS),
            n=_n(tasks.MAX_COUNT_N),
            test=_n(tasks.MAX_TEST_N),
            depth=_n(tasks.MAX_DEPTH),
            low=_n(tasks.MIN_TRAIN_STEPS),
            steps=_n(tasks.MAX_TRAIN_STEPS),
            hidden=_n(tasks.MAX_HIDDEN),
            seconds=_n(tasks.TIME_LIMIT_SECONDS),
            points=_n(tasks.MAX_SCATTER_POINTS),
        ),
        t(
            "limits_code_model",
            lang,
            chars=_n(code_model.MAX_CODE_CHARS),
            prompt=_n(code_model.MAX_PROMPT_CHARS),
            sampled=_n(code_model.MAX_SAMPLE_CHARS),
            low=_n(code_model.MIN_TEMPERATURE),
            high=_n(code_model.MAX_TEMPERATURE),
            seed=_n(code_model.MAX_SAMPLE_SEED),
        ),
        t("limits_generated", lang, value=_n(generate.MAX_GENERATED)),
        t("limits_prompt", lang, value=_n(generate.MAX_PROMPT)),
        t("limits_temperature", lang, value=_n(generate.MAX_TEMPERATURE)),
    ]


def upload_lines(lang: str) -> list[str]:
    upload_mb, message_mb = (st.get_option(name) for name in SERVER_OPTIONS)
    return [
        t("limits_upload_bytes", lang, value=_mb(checkpoint.MAX_UPLOAD_BYTES)),
        t("limits_settings_bytes", lang, value=_n(checkpoint.MAX_SETTINGS_BYTES // 2**10)),
        t("limits_file_bytes", lang, value=_mb(upload.MAX_UPLOAD_BYTES)),
        t("limits_table_rows", lang, value=_n(upload.MAX_TABLE_ROWS)),
        t("limits_table_columns", lang, value=_n(upload.MAX_TABLE_COLUMNS)),
        t("limits_table_value", lang, value=f"{upload.MAX_TABLE_VALUE:g}"),
        t("limits_column_name", lang, value=_n(upload.MAX_COLUMN_NAME)),
        t("limits_split", lang, low=_n(series.MIN_SPLIT), high=_n(series.MAX_SPLIT)),
        t("limits_server_upload", lang, value=_n(upload_mb)),
        t("limits_server_message", lang, value=_n(message_mb)),
    ]


def chart_lines(lang: str) -> list[str]:
    return [
        t("limits_window_token_chars", lang, value=_n(figure_parts.MAX_WINDOW_TOKEN_CHARS)),
        t("limits_tick_labels", lang, value=_n(figure_parts.MAX_TICK_LABELS)),
        t("limits_label_chars", lang, value=_n(figure_parts.MAX_LABEL_CHARS)),
        t("limits_point_labels", lang, value=_n(figure_parts.MAX_POINT_LABELS)),
        t("limits_hover_cells", lang, value=_n(figure_parts.MAX_HOVER_CELLS)),
        t("limits_gate_units", lang, value=_n(figure_parts.MAX_GATE_UNITS)),
        t("limits_influence_steps", lang, value=_n(memory.MAX_INFLUENCE_STEPS)),
        t("limits_influence_work", lang, value=_n(memory.MAX_INFLUENCE_WORK)),
        t("limits_memory_scale", lang, low=_n(memory.MIN_SCALE), high=_n(memory.MAX_SCALE)),
    ]


def limit_groups(lang: str) -> list[tuple[str, list[str]]]:
    """(group title, one Markdown line per limit); constants and our own texts only."""
    return [
        (t("limits_group_text", lang), text_lines(lang)),
        (t("limits_group_model", lang), model_lines(lang)),
        (t("limits_group_training", lang), training_lines(lang)),
        (t("limits_group_uploads", lang), upload_lines(lang)),
        (t("limits_group_charts", lang), chart_lines(lang)),
    ]


def limits_text(lang: str) -> str:
    """Every limit, grouped under bold titles, after what the limits protect: Markdown."""
    groups = (
        f"**{title}**\n\n" + "\n".join(f"- {line}" for line in lines)
        for title, lines in limit_groups(lang)
    )
    return "\n\n".join((t("limits_caption", lang), *groups))


def render_limits(lang: str, expanded: bool = False) -> None:
    """The "Limits" expander (the sidebar's): every limit, grouped, with what it protects.
    One element: the page re-renders every element of every rerun, and eleven small ones
    here cost the browser ~20 ms per interaction (bench/BROWSER.md)."""
    with st.expander(t("limits_title", lang), expanded=expanded):
        st.caption(limits_text(lang))
