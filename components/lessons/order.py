"""The "Why recurrence" lesson: the same tokens in another order through the scene's cell,
beside a feed-forward layer with a position index, and the plain PyTorch that does it.
"""

from __future__ import annotations

import logging

import streamlit as st

from components.charting import built_once, chart
from components.figures.names import png_filename
from components.figures.order import MAX_BOXED_STEPS, order_spec
from components.figures.parts import CELL_NAMES
from components.i18n import t
from components.lessons.view import LessonView
from components.scene import seeded_trace
from components.text import typed_text
from model.errors import quoted
from model.lessons.order import OrderRun, order_code, order_run
from model.trace import Trace

log = logging.getLogger(__name__)
SHUFFLE_SEED_KEY = "order_shuffle_seed"  # the permutation's seed, per session
MAX_QUOTED = 80  # characters of a sequence quoted in the text


def _next_order() -> None:
    st.session_state[SHUFFLE_SEED_KEY] = st.session_state.get(SHUFFLE_SEED_KEY, 0) + 1


def _order_for(trace: Trace, seq: int, seed: int) -> OrderRun:
    """One run per session, kept while the scene, sequence and shuffle stay the same."""
    memo = st.session_state.get("_order_run")
    key = (id(trace), seq, seed)
    if memo is not None and memo[0] == key and memo[2] is trace:
        return memo[1]
    run = order_run(trace, seq, seed)
    st.session_state["_order_run"] = (key, run, trace)
    return run


def render(view: LessonView) -> None:
    trace, seq, layer, direction, lang = (
        view.trace, view.seq, view.layer, view.direction, view.lang
    )  # fmt: skip
    cell = CELL_NAMES[trace.config.cell]
    st.caption(t("order_intro", lang, number=seq + 1))
    seed = st.session_state.setdefault(SHUFFLE_SEED_KEY, 0)
    try:
        run = _order_for(trace, seq, seed)
    except Exception:  # e.g. a ReLU state that overflows in the new order
        log.exception("order run failed for %r", trace.config)
        st.error(t("order_failed", lang))
        return
    left, right = st.columns([4, 1], vertical_alignment="center")
    with left:
        original = quoted(typed_text(trace, run.tokens), MAX_QUOTED)
        shuffled = quoted(typed_text(trace, run.shuffled_tokens), MAX_QUOTED)
        st.markdown(t("order_tokens", lang, original=original, shuffled=shuffled))
    with right:
        st.button(t("order_another", lang), key="order_shuffle", on_click=_next_order,
                  help=t("order_another_help", lang), disabled=not run.differs)  # fmt: skip
    if not run.differs:
        st.info(t("order_all_same", lang))
    _render_distances(run, trace, layer, direction, cell, lang)
    spec = built_once(
        "order", trace, (seq, layer, direction, seed, lang),
        lambda: order_spec(run, trace, layer, direction, lang),
    )  # fmt: skip
    chart(spec, png_filename("order", trace, seq, layer, direction), "order_chart")
    st.caption(t("order_caption", lang, cell=cell))
    if len(run.tokens) > MAX_BOXED_STEPS:
        st.caption(t("order_long", lang, most=MAX_BOXED_STEPS))
    elif run.differs and not run.same_step.any():
        st.caption(t("order_none_kept", lang))
    st.markdown(t("order_position_note", lang))
    st.caption(t("order_code_caption", lang))
    st.code(order_code(trace, seq, run.order), language="python")
    if seeded_trace(trace) is not trace:
        st.caption(t("order_code_trained", lang, cell=cell))
    st.caption(t("order_check", lang, error=run.max_error))


def _render_distances(run: OrderRun, trace: Trace, layer: int, direction: int, cell, lang):
    index = layer * trace.num_directions + direction
    left, right = st.columns(2)
    with left:
        st.metric(
            t("order_rnn_distance", lang, cell=cell), f"{run.final_distance[index]:.4f}",
            help=t("order_rnn_distance_help", lang),
        )  # fmt: skip
    with right:
        st.metric(
            t("order_ff_distance", lang), f"{run.feedforward_last_distance:.4f}",
            help=t("order_ff_distance_help", lang),
        )  # fmt: skip
