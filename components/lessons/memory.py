"""The "Memory over time" lesson: how strongly the state at step t still depends on the
input (or the state) at an earlier step s, for RNN, LSTM and GRU side by side, and a
factor k on the recurrent weights W_hh that makes states saturate or fade and influence
explode or vanish; the plain PyTorch that does the same scaling.

The three cells' modules and W_hh's eigenvalues are computed once per scene and sequence;
the influence once per (scene, sequence, layer, direction, k), kept in the session.
"""

from __future__ import annotations

import logging

import numpy as np
import streamlit as st

from components.charting import built_once, chart
from components.figures import memory as figures
from components.figures.names import png_filename
from components.figures.parts import CELL_NAMES
from components.i18n import error_text, t
from components.lessons.view import KEPT, LessonView
from components.scene import seeded_trace
from components.settings import DEFAULT_SCALE  # PyTorch's initialisation
from model.errors import ConfigError
from model.lessons.memory import (
    MAX_INFLUENCE_STEPS,
    MAX_INFLUENCE_WORK,
    MAX_SCALE,
    MIN_SCALE,
    Memory,
    cell_sources,
    memory_code,
    memory_run,
    recurrent_eigenvalues,
    shown_layer,
    spectral_radius,
)
from model.lessons.memory_influence import CellSource
from model.trace import Trace

log = logging.getLogger(__name__)
SCALE_KEY = "memory_scale"  # the factor on W_hh
WHICH_KEY = "memory_which"  # influence of the input x_s or of an earlier state h_s
SCALE_STEP = 0.05


def _reset_scale() -> None:
    st.session_state[SCALE_KEY] = DEFAULT_SCALE
    st.session_state[KEPT + SCALE_KEY] = DEFAULT_SCALE


def _kept(key: str, valid, default):
    """The widget's value, restored after its lesson was closed; the default if not valid."""
    state = st.session_state
    if key not in state and KEPT + key in state:
        state[key] = state[KEPT + key]
    if not valid(state.get(key)):
        state[key] = default
    return state[key]


def _memo(slot: str, trace: Trace, key: tuple, compute):
    """One value per slot per session, kept while the scene (the Trace object) and `key`
    stay the same."""
    memo = st.session_state.get(slot)
    if memo is not None and memo[0] == (id(trace), *key) and memo[2] is trace:
        return memo[1]
    value = compute()
    st.session_state[slot] = ((id(trace), *key), value, trace)
    return value


def _sources(trace: Trace, seq: int) -> tuple[list[CellSource], list[tuple[str, str]]]:
    return _memo("_memory_sources", trace, (seq,), lambda: cell_sources(trace, seq))


def _eigenvalues(trace: Trace, seq: int, layer: int, direction: int) -> dict:
    sources, _ = _sources(trace, seq)
    return _memo(
        "_memory_eigen", trace, (seq, layer, direction),
        lambda: {s.cell: recurrent_eigenvalues(s, layer, direction) for s in sources},
    )  # fmt: skip


def _memory(trace: Trace, seq: int, layer: int, direction: int, scale: float) -> Memory:
    return _memo(
        "_memory_run", trace, (seq, layer, direction, scale),
        lambda: memory_run(trace, seq, layer, direction, scale, _sources(trace, seq)),
    )  # fmt: skip


def render(view: LessonView) -> None:
    trace, seq, direction, lang = view.trace, view.seq, view.direction, view.lang
    layer = shown_layer(trace.config, view.layer)
    st.caption(t("memory_intro", lang, number=seq + 1))
    st.caption(t("memory_look", lang))
    trained = seeded_trace(trace) is not trace
    if trained:
        st.info(t("memory_trained", lang, cell=CELL_NAMES[trace.config.cell]), icon="💡")
    if layer != view.layer:
        st.info(t("memory_layer_note", lang))
    scale = _render_scale(trace, seq, layer, direction, lang)
    try:
        with st.spinner(t("memory_computing", lang)):
            memory = _memory(trace, seq, layer, direction, scale)
    except ConfigError as error:  # too large a network for even one step
        st.warning(error_text(error, lang))
        return
    except Exception:  # a bug or a torch failure: log it, say so plainly
        log.exception("influence failed for %r", trace.config)
        st.error(t("memory_failed", lang))
        return
    _render_notes(memory, lang)
    _render_influence(memory, view)
    _render_weights(memory, view)
    _render_code(trace, memory, trained, lang)


def _render_scale(trace: Trace, seq: int, layer: int, direction: int, lang: str) -> float:
    """The factor k on W_hh, its reset, and the spectral radius it gives each cell."""
    st.subheader(t("memory_scale_title", lang))
    scale = _kept(SCALE_KEY, lambda v: isinstance(v, float) and MIN_SCALE <= v <= MAX_SCALE,
                  DEFAULT_SCALE)  # fmt: skip
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        scale = st.slider(
            t("memory_scale", lang), MIN_SCALE, MAX_SCALE, step=SCALE_STEP, key=SCALE_KEY,
            help=t("memory_scale_help", lang), format="%.2f",
        )  # fmt: skip
    with right:
        st.button(t("memory_reset", lang), key="memory_reset", on_click=_reset_scale,
                  disabled=scale == DEFAULT_SCALE, width="stretch")  # fmt: skip
    st.session_state[KEPT + SCALE_KEY] = scale
    try:
        eigen = _eigenvalues(trace, seq, layer, direction)
    except Exception:  # eigvals failing to converge: the rest of the lesson still works
        log.exception("eigenvalues failed for %r", trace.config)
        return float(scale)
    columns = st.columns(len(eigen))
    for column, (cell, values) in zip(columns, eigen.items(), strict=True):
        radius = scale_radius(values, scale)
        column.metric(t("memory_radius", lang, cell=CELL_NAMES[cell]), f"{radius:.2f}",
                      help=t("memory_radius_help", lang))  # fmt: skip
    return float(scale)


def _render_notes(memory: Memory, lang: str) -> None:
    if memory.steps < memory.total_steps:
        st.info(t("memory_too_long", lang, total=memory.total_steps, steps=memory.steps,
                  limit=f"{MAX_INFLUENCE_WORK:,}", most=MAX_INFLUENCE_STEPS))  # fmt: skip
    for cell, reason in memory.errors:
        st.warning(t("memory_cell_error", lang, cell=CELL_NAMES[cell], reason=reason))
    if not all(run.finite for run in memory.influences):
        st.warning(t("memory_overflow", lang))


def _render_influence(memory: Memory, view: LessonView) -> None:
    trace, lang = view.trace, view.lang
    options = ("input", "state")
    which = _kept(WHICH_KEY, lambda v: v in options, "input")
    labels = {"input": t("memory_which_input", lang), "state": t("memory_which_state", lang)}
    which = st.radio(t("memory_which", lang), options, format_func=labels.get, key=WHICH_KEY,
                     horizontal=True, help=t("memory_which_help", lang))  # fmt: skip
    st.session_state[KEPT + WHICH_KEY] = which
    key = (memory, which, lang, view.when)
    spec = built_once(
        "memory_influence", trace, key,
        lambda: figures.influence_spec(memory, trace, which, lang, view.when),
    )  # fmt: skip
    name = png_filename(f"influence-{which}", trace, memory.seq, memory.layer, memory.direction)
    chart(spec, name, "memory_influence_chart")
    st.caption(t("memory_influence_caption", lang))
    if memory.direction == 1:
        st.caption(t("memory_reverse_caption", lang))
    gap = built_once(
        "memory_gap", trace, (memory, lang, view.when),
        lambda: figures.gap_spec(memory, trace, lang, view.when),
    )  # fmt: skip
    name = png_filename("influence-gap", trace, memory.seq, memory.layer, memory.direction)
    chart(gap, name, "memory_gap_chart")
    st.caption(t("memory_gap_caption", lang))


def _render_weights(memory: Memory, view: LessonView) -> None:
    trace, lang = view.trace, view.lang
    try:
        eigen = _eigenvalues(trace, memory.seq, memory.layer, memory.direction)
    except Exception:
        eigen = None
    if eigen:
        spec = built_once(
            "memory_eigen", trace, (memory.seq, memory.layer, memory.direction, memory.scale,
                                    lang),
            lambda: figures.eigen_spec(eigen, memory.scale, lang),
        )  # fmt: skip
        name = png_filename("eigenvalues", trace, None, memory.layer, memory.direction)
        chart(spec, name, "memory_eigen_chart")
        st.caption(t("memory_eigen_caption", lang))
    states = built_once(
        "memory_states", trace, (memory, lang, view.when),
        lambda: figures.states_spec(memory, trace, lang, view.when),
    )  # fmt: skip
    name = png_filename("scaled-states", trace, memory.seq, memory.layer, memory.direction)
    chart(states, name, "memory_states_chart")
    st.caption(t("memory_states_caption", lang))


def _render_code(trace: Trace, memory: Memory, trained: bool, lang: str) -> None:
    cell = CELL_NAMES[trace.config.cell]
    st.markdown(f"**{t('memory_code_title', lang)}**")
    st.caption(t("memory_code_caption", lang, cell=cell))
    if trained:
        st.caption(t("memory_code_trained", lang, cell=cell))
    st.code(memory_code(trace, memory), language="python")


def scale_radius(eigenvalues: dict[str, np.ndarray], scale: float) -> float:
    """The largest spectral radius of a cell's W_hh blocks, times k (what the metric says)."""
    return max(spectral_radius(eigenvalues, scale).values())
