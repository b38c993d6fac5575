"""The sidebar controls: widgets in, an ExplorerConfig out.

Widget values live in `st.session_state` under `<prefix>_<field>` keys, seeded once per
session from the URL. Choosing a preset copies its settings into those keys; touching any
other control marks the scene as the user's own.
"""

from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from components.i18n import error_text, t
from model.config import (
    CELLS,
    ENCODINGS,
    INIT_STATES,
    MAX_HIDDEN,
    MAX_INPUT_SIZE,
    MAX_LAYERS,
    MAX_SEED,
    MAX_TEXT_CHARS,
    NONLINEARITIES,
    TOKENIZERS,
    ExplorerConfig,
)
from model.encoding import split_lines
from model.errors import ConfigError
from model.presets import PRESETS

CUSTOM = "custom"
CELL_LABELS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


def _key(prefix: str, name: str) -> str:
    return f"{prefix}_{name}"


def _widget_values(config: ExplorerConfig) -> dict:
    values = asdict(config)
    values["sequences"] = "\n".join(config.sequences)
    return values


def seed_widgets(prefix: str, config: ExplorerConfig, preset: str | None) -> None:
    """Put a config into the widgets' session state (before the widgets are drawn)."""
    for name, value in _widget_values(config).items():
        st.session_state[_key(prefix, name)] = value
    st.session_state[_key(prefix, "preset")] = preset or CUSTOM


def _apply_preset(prefix: str) -> None:
    st.session_state.notices = []  # the link's notices no longer describe the scene
    name = st.session_state[_key(prefix, "preset")]
    if name in PRESETS:
        seed_widgets(prefix, PRESETS[name], name)


def _mark_custom(prefix: str) -> None:
    st.session_state.notices = []
    st.session_state[_key(prefix, "preset")] = CUSTOM


def turn_on_batch_first(prefix: str) -> None:
    """The one-click fix for the batch_first pitfall."""
    st.session_state[_key(prefix, "batch_first")] = True
    _mark_custom(prefix)


def render_controls(
    prefix: str, lang: str = "en", compact: bool = False
) -> tuple[ExplorerConfig | None, str | None]:
    """Draw the controls; return (config, None) or (None, a message for the user).
    `compact` (presenter mode) folds the settings a lecture rarely touches into an
    expander."""
    key = lambda name: _key(prefix, name)  # noqa: E731
    custom = {"on_change": _mark_custom, "args": (prefix,)}
    st.header(t("controls_header", lang))
    st.selectbox(
        t("preset", lang), options=[*PRESETS, CUSTOM],
        format_func=lambda name: t("preset_" + name, lang), key=key("preset"),
        on_change=_apply_preset, args=(prefix,), help=t("preset_help", lang),
    )  # fmt: skip
    st.text_area(
        t("sequences", lang), key=key("sequences"), height=110, max_chars=MAX_TEXT_CHARS,
        help=t("sequences_help", lang), **custom,
    )  # fmt: skip
    st.radio(
        t("tokens", lang), TOKENIZERS, format_func=lambda v: t("tokens_" + v, lang),
        key=key("tokens"), horizontal=True, help=t("tokens_help", lang), **custom,
    )  # fmt: skip
    st.radio(
        t("cell", lang), CELLS, format_func=CELL_LABELS.get, key=key("cell"), horizontal=True,
        **custom,
    )  # fmt: skip
    left, right = st.columns(2)
    with left:
        st.number_input(
            t("hidden_size", lang), min_value=1, max_value=MAX_HIDDEN, step=1,
            key=key("hidden_size"), help=t("hidden_size_help", lang), **custom,
        )  # fmt: skip
    with right:
        st.number_input(
            t("num_layers", lang), min_value=1, max_value=MAX_LAYERS, step=1,
            key=key("num_layers"), **custom,
        )  # fmt: skip
    st.toggle(t("bidirectional", lang), key=key("bidirectional"), **custom)
    st.toggle(
        t("batch_first", lang), key=key("batch_first"), help=t("batch_first_help", lang),
        **custom,
    )  # fmt: skip
    more = st.expander(t("more_settings", lang)) if compact else st.container()
    with more:
        _more_controls(key, custom, lang)
    st.caption(t("limits", lang))
    return config_from_state(prefix, lang)


def _more_controls(key, custom: dict, lang: str) -> None:
    """Encoding, input size, nonlinearity, bias, seed and initial state."""
    numbers = st.session_state[key("tokens")] == "numbers"
    st.radio(
        t("encoding", lang), ENCODINGS, format_func=lambda v: t("encoding_" + v, lang),
        key=key("encoding"), horizontal=True, disabled=numbers, help=t("encoding_help", lang),
        **custom,
    )  # fmt: skip
    embedding = not numbers and st.session_state[key("encoding")] == "embedding"
    st.number_input(
        t("input_size", lang), min_value=1, max_value=MAX_INPUT_SIZE, step=1,
        key=key("input_size"), disabled=not embedding, help=t("input_size_help", lang),
        **custom,
    )  # fmt: skip
    st.radio(
        t("nonlinearity", lang), NONLINEARITIES, key=key("nonlinearity"), horizontal=True,
        disabled=st.session_state[key("cell")] != "rnn", **custom,
    )  # fmt: skip
    st.toggle(t("bias", lang), key=key("bias"), **custom)
    left, right = st.columns(2)
    with left:
        st.number_input(
            t("seed", lang), min_value=0, max_value=MAX_SEED, step=1, key=key("seed"),
            help=t("seed_help", lang), **custom,
        )  # fmt: skip
    with right:
        st.radio(
            t("init_state", lang), INIT_STATES, format_func=lambda v: t("init_" + v, lang),
            key=key("init_state"), **custom,
        )  # fmt: skip


def config_from_state(prefix: str, lang: str = "en") -> tuple[ExplorerConfig | None, str | None]:
    state = st.session_state
    try:
        config = ExplorerConfig(
            sequences=split_lines(state[_key(prefix, "sequences")] or ""),
            tokens=state[_key(prefix, "tokens")],
            encoding=state[_key(prefix, "encoding")],
            input_size=int(state[_key(prefix, "input_size")]),
            cell=state[_key(prefix, "cell")],
            nonlinearity=state[_key(prefix, "nonlinearity")],
            hidden_size=int(state[_key(prefix, "hidden_size")]),
            num_layers=int(state[_key(prefix, "num_layers")]),
            bidirectional=bool(state[_key(prefix, "bidirectional")]),
            bias=bool(state[_key(prefix, "bias")]),
            batch_first=bool(state[_key(prefix, "batch_first")]),
            seed=int(state[_key(prefix, "seed")]),
            init_state=state[_key(prefix, "init_state")],
        )
    except ConfigError as error:
        return None, error_text(error, lang)
    return config, None
