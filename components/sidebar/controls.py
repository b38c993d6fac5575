"""The sidebar controls: widgets in, an ExplorerConfig out.

Each setting's widget is drawn from its row in `components.settings` (label, help,
choices or bounds); this module decides only where it goes and when it is disabled.
Widget values live in `st.session_state` under `<prefix>_<field>` keys, seeded once per
session from the URL. Choosing a preset copies its settings into those keys; touching any
other control marks the scene as the user's own.
"""

from __future__ import annotations

import streamlit as st

from components.i18n import error_text, t
from components.settings import BY_FIELD, SETTINGS, Setting, widget_key
from components.sidebar.data_file import render_data_file, seed_series, series_from_state
from components.training.state import form_values, seed_training
from model.config import ExplorerConfig
from model.errors import ConfigError
from model.presets import PRESET_TRAINING, PRESETS
from model.reading import split_lines
from model.training.config import TrainConfig

CUSTOM = "custom"
TEXT_HEIGHT = 110  # pixels of the sequences' text area
OWN_TEXT_NOTE = "own_text_note"  # set when typing switched batch_first on (main_view says so)


def widget_value(setting: Setting, config: ExplorerConfig):
    """A config's value as its widget holds it (the lines as one text)."""
    value = getattr(config, setting.field)
    return "\n".join(value) if setting.kind == "lines" else value


def config_value(setting: Setting, held):
    """A widget's value as the config takes it."""
    if setting.kind == "lines":
        return split_lines(held or "")
    if setting.kind == "int":
        return int(held)
    if setting.kind == "bool":
        return bool(held)
    return held


def seed_widgets(prefix: str, config: ExplorerConfig, preset: str | None) -> None:
    """Put a config into the widgets' session state (before the widgets are drawn)."""
    for setting in SETTINGS:
        st.session_state[widget_key(prefix, setting.field)] = widget_value(setting, config)
    seed_series(prefix, config.series)
    st.session_state[widget_key(prefix, "preset")] = preset or CUSTOM


def _apply_preset(prefix: str) -> None:
    st.session_state.notices = []  # the link's notices no longer describe the scene
    name = st.session_state[widget_key(prefix, "preset")]
    if name in PRESETS:
        seed_widgets(prefix, PRESETS[name], name)
        seed_training(prefix, form_values(PRESET_TRAINING.get(name, TrainConfig())))


def _mark_custom(prefix: str) -> None:
    st.session_state.notices = []
    st.session_state.pop(OWN_TEXT_NOTE, None)
    st.session_state[widget_key(prefix, "preset")] = CUSTOM


def _own_text(prefix: str) -> None:
    """Typing over a preset that reads its batch the lecture's way (batch_first off: the
    columns become the sequences) would make a student's word a batch of one-step
    sequences with no recurrence at all: read each line as a sequence instead, and say so."""
    state = st.session_state
    preset = state[widget_key(prefix, "preset")]
    _mark_custom(prefix)
    batch_first = widget_key(prefix, "batch_first")
    if preset in PRESETS and not PRESETS[preset].batch_first and not state[batch_first]:
        state[batch_first] = True
        state[OWN_TEXT_NOTE] = True


def turn_on_batch_first(prefix: str) -> None:
    """The one-click fix for the batch_first pitfall."""
    st.session_state[widget_key(prefix, "batch_first")] = True
    _mark_custom(prefix)


def draw(field: str, prefix: str, lang: str, disabled: bool = False) -> None:
    """One setting's widget, as its row in the settings table describes it."""
    setting = BY_FIELD[field]
    label = setting.label(lang)
    common = {
        "key": widget_key(prefix, field), "help": setting.help_text(lang),
        "disabled": disabled, "on_change": _mark_custom, "args": (prefix,),
    }  # fmt: skip
    if setting.kind == "lines":
        common["on_change"] = _own_text
        st.text_area(label, height=TEXT_HEIGHT, max_chars=setting.high, **common)
    elif setting.kind == "choice":
        st.radio(
            label, setting.choices, format_func=lambda value: setting.option_text(value, lang),
            horizontal=setting.horizontal, **common,
        )  # fmt: skip
    elif setting.kind == "int":
        st.number_input(label, min_value=setting.low, max_value=setting.high, step=1, **common)
    else:
        st.toggle(label, **common)


def render_controls(
    prefix: str, lang: str = "en", compact: bool = False
) -> tuple[ExplorerConfig | None, str | None]:
    """Draw the controls; return (config, None) or (None, a message for the user).
    `compact` (presenter mode) folds the settings a lecture rarely touches into an
    expander."""
    st.header(t("controls_header", lang))
    st.selectbox(
        t("preset", lang), options=[*PRESETS, CUSTOM],
        format_func=lambda name: t("preset_" + name, lang), key=widget_key(prefix, "preset"),
        on_change=_apply_preset, args=(prefix,), help=t("preset_help", lang),
    )  # fmt: skip
    draw("sequences", prefix, lang)
    render_data_file(prefix, lang)
    draw("tokens", prefix, lang)
    left, right = st.columns(2)
    with left:
        draw("window", prefix, lang)
    with right:
        draw("stride", prefix, lang, disabled=not st.session_state[widget_key(prefix, "window")])
    draw("cell", prefix, lang)
    left, right = st.columns(2)
    with left:
        draw("hidden_size", prefix, lang)
    with right:
        draw("num_layers", prefix, lang)
    draw("bidirectional", prefix, lang)
    draw("batch_first", prefix, lang)
    more = st.expander(t("more_settings", lang)) if compact else st.container()
    with more:
        _more_controls(prefix, lang)
    st.caption(t("limits", lang))
    return config_from_state(prefix, lang)


def _more_controls(prefix: str, lang: str) -> None:
    """Encoding, input size, nonlinearity, bias, seed and initial state."""
    state = st.session_state
    numbers = state[widget_key(prefix, "tokens")] == "numbers"
    draw("encoding", prefix, lang, disabled=numbers)
    embedding = not numbers and state[widget_key(prefix, "encoding")] == "embedding"
    draw("input_size", prefix, lang, disabled=not embedding)
    draw("nonlinearity", prefix, lang, disabled=state[widget_key(prefix, "cell")] != "rnn")
    draw("bias", prefix, lang)
    left, right = st.columns(2)
    with left:
        draw("seed", prefix, lang)
    with right:
        draw("init_state", prefix, lang)


def config_from_state(prefix: str, lang: str = "en") -> tuple[ExplorerConfig | None, str | None]:
    state = st.session_state
    values = {s.field: config_value(s, state[widget_key(prefix, s.field)]) for s in SETTINGS}
    try:
        config = ExplorerConfig(**values, series=series_from_state(prefix))
    except ConfigError as error:
        return None, error_text(error, lang)
    return config, None
