"""The "A model that read code" lesson: the shipped character LSTM (trained on Python's
standard library by scripts/train_code_model.py) reads the code typed here; the units
that follow "inside a string", "bracket depth", "indentation" and "position in the line"
(labels from Python's own tokenize) are found automatically, written with their r and
coloured over the code; and the model writes code of its own.

The states, labels and units are pure results of the text: cached with st.cache_data.
"""

from __future__ import annotations

import logging

import streamlit as st

from components.charting import chart
from components.figures import code_model as figures
from components.i18n import error_text, t
from components.lessons.view import KEPT, LessonView, keep, restore
from model.errors import ConfigError
from model.lessons.code_labels import LABELS, code_labels
from model.lessons.code_model import (
    EXAMPLE_CODE,
    MAX_CODE_CHARS,
    MAX_PROMPT_CHARS,
    MAX_SAMPLE_CHARS,
    MAX_SAMPLE_SEED,
    MAX_TEMPERATURE,
    MIN_TEMPERATURE,
    CodeModel,
    code_states,
    find_units,
    load_code_model,
    normalise,
    sample,
)

log = logging.getLogger(__name__)
TEXT_KEY, LABEL_KEY = "code_model_text", "code_model_label"
PROMPT_KEY, LENGTH_KEY = "code_model_prompt", "code_model_length"
TEMPERATURE_KEY, SEED_KEY = "code_model_temperature", "code_model_seed"
SAMPLED = "_code_model_sampled"  # (prompt, length, temperature, seed, text) last sampled
DEFAULT_PROMPT = "def "
DEFAULT_LENGTH, DEFAULT_TEMPERATURE = 300, 0.8


@st.cache_data(max_entries=16, show_spinner=False)
def analyse(text: str) -> tuple:
    """States, labels and the unit found for each label (pure: cached by the text)."""
    model = load_code_model()
    states = code_states(model, text)
    labels = code_labels(text)
    return states, labels, find_units(states, labels)


def render(view: LessonView) -> None:
    lang = view.lang
    st.caption(t("code_model_intro", lang))
    try:
        model = load_code_model()
    except (OSError, KeyError, ValueError):  # the shipped file is missing or unreadable
        log.exception("the code model's weights did not load")
        st.error(t("code_model_no_weights", lang))
        return
    _render_note(model, lang)
    _restore_text(TEXT_KEY, EXAMPLE_CODE)
    text = st.text_area(t("code_model_text", lang), key=TEXT_KEY, height=260,
                        max_chars=MAX_CODE_CHARS,
                        help=t("code_model_text_help", lang, most=MAX_CODE_CHARS))  # fmt: skip
    keep(TEXT_KEY)
    try:
        states, labels, found = analyse(normalise(text))
    except ConfigError as error:
        st.error(error_text(error, lang))
    else:
        _render_units(states, labels, found, lang)
    _render_sampling(model, lang)


def _names(lang: str) -> dict[str, str]:
    return {"string": t("code_model_label_string", lang),
            "depth": t("code_model_label_depth", lang),
            "indent": t("code_model_label_indent", lang),
            "column": t("code_model_label_column", lang)}  # fmt: skip


def _restore_text(key: str, default: str) -> None:
    state = st.session_state
    if key not in state:
        state[key] = state.get(KEPT + key, default)


def _render_note(model: CodeModel, lang: str) -> None:
    note = model.note
    st.caption(t("code_model_note", lang, command=note["command"], steps=note["steps"],
                 minutes=f"{note['seconds'] / 60:.0f}", files=note["train_files"],
                 python=note["python"], held=note["held_out_files"],
                 bits=f"{note['held_out_bits_per_char']:.3f}",
                 hidden=model.hidden_size))  # fmt: skip


def _render_units(states, labels, found, lang: str) -> None:
    names = _names(lang)
    if not labels.exact:
        st.info(t("code_model_fallback", lang), icon="ℹ️")
    st.subheader(t("code_model_units_title", lang))
    shown = {name: (f"{unit.quantity}[{unit.unit}]", unit.r) if unit else None
             for name, unit in found.items()}  # fmt: skip
    chart(figures.units_spec(shown, names, lang), "code-model-units", "code_model_units_chart")
    for name, unit in found.items():
        if unit is None:
            st.markdown(t("code_model_unit_none", lang, label=names[name]))
        else:
            st.markdown(t("code_model_unit_found", lang, label=names[name],
                          unit=f"{unit.quantity}[{unit.unit}]", r=f"{unit.r:.2f}"))  # fmt: skip
    st.caption(t("code_model_units_caption", lang))
    choices = [name for name in LABELS if found[name] is not None]
    if not choices:
        return
    restore(LABEL_KEY, choices, choices[0])
    name = st.radio(t("code_model_colour_by", lang), choices, format_func=names.get,
                    key=LABEL_KEY, horizontal=True)  # fmt: skip
    keep(LABEL_KEY)
    unit = found[name]
    values = states.values(unit.quantity)[:, unit.unit]
    spec = figures.code_unit_spec(states.text, values, f"{unit.quantity}[{unit.unit}]",
                                  names[name], lang)  # fmt: skip
    chart(spec, "code-model-text", "code_model_text_chart")
    st.caption(t("code_model_text_caption", lang))


def _render_sampling(model: CodeModel, lang: str) -> None:
    st.subheader(t("code_model_sample_title", lang))
    _restore_text(PROMPT_KEY, DEFAULT_PROMPT)
    prompt = st.text_input(t("code_model_prompt", lang), key=PROMPT_KEY,
                           max_chars=MAX_PROMPT_CHARS)  # fmt: skip
    keep(PROMPT_KEY)
    left, middle, right = st.columns(3)
    with left:
        restore(LENGTH_KEY, range(1, MAX_SAMPLE_CHARS + 1), DEFAULT_LENGTH)
        length = st.slider(t("code_model_length", lang), 1, MAX_SAMPLE_CHARS, key=LENGTH_KEY)
        keep(LENGTH_KEY)
    with middle:
        tenths = round((MAX_TEMPERATURE - MIN_TEMPERATURE) * 10)
        temperatures = [round(MIN_TEMPERATURE + i / 10, 1) for i in range(tenths + 1)]
        restore(TEMPERATURE_KEY, temperatures, DEFAULT_TEMPERATURE)
        temperature = st.select_slider(t("code_model_temperature", lang), temperatures,
                                       key=TEMPERATURE_KEY,
                                       help=t("code_model_temperature_help", lang))  # fmt: skip
        keep(TEMPERATURE_KEY)
    with right:
        restore(SEED_KEY, range(MAX_SAMPLE_SEED + 1), 0)
        seed = st.number_input(t("code_model_seed", lang), 0, MAX_SAMPLE_SEED, step=1,
                               key=SEED_KEY)  # fmt: skip
        keep(SEED_KEY)
    settings = (prompt, int(length), float(temperature), int(seed))
    if st.button(t("code_model_sample", lang), key="code_model_sample", type="primary"):
        try:
            st.session_state[SAMPLED] = (*settings, sample(model, *settings))
        except ConfigError as error:
            st.error(error_text(error, lang))
    sampled = st.session_state.get(SAMPLED)
    if sampled is None:
        st.info(t("code_model_press_sample", lang), icon="👆")
        return
    *was, text = sampled
    st.code(normalise(was[0]) + text, language="python")
    st.caption(t("code_model_sampled", lang, length=was[1], temperature=was[2], seed=was[3]))
