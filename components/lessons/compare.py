"""Two lesson panels: "RNN · LSTM · GRU" (cells side by side with their costs, the same
cell on two sequences, every layer and direction at once) and "Why recurrence" (the same
tokens in another order, beside a feed-forward layer with a position index).

The comparison is computed once per configuration: small scenes in the shared
`st.cache_data` (as components/scene.py does for scenes), large ones per session.
"""

from __future__ import annotations

import logging

import streamlit as st

from components.charting import built_once, chart
from components.figures import compare as figures
from components.figures.timeline import png_filename
from components.i18n import t
from components.main_view import sequence_label
from components.scene import (
    CACHE_ENTRIES,
    SHARED_CACHE_VALUES,
    compute_scene,
    traced_values_bound,
)
from model.config import ExplorerConfig
from model.errors import ConfigError, quoted
from model.lessons.compare import TIMED_RUNS, Comparison, compare_cells
from model.lessons.order import OrderRun, order_code, order_run
from model.trace import Trace

log = logging.getLogger(__name__)
SHUFFLE_SEED_KEY = "order_shuffle_seed"  # the permutation's seed, per session
JOINERS = {"chars": "", "words": " ", "numbers": ", "}
MAX_QUOTED = 80  # characters of a sequence quoted in the text


# --- RNN · LSTM · GRU --------------------------------------------------------------------


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def _shared_comparison(config: ExplorerConfig, _scene: Trace | None) -> Comparison:
    return compare_cells(config, _scene)  # _scene: not part of the key (it is the config's)


def comparison_for(config: ExplorerConfig, scene: Trace | None) -> Comparison:
    """`scene`: the config's untrained trace when at hand (reused for its own cell)."""
    memo = st.session_state.get("_comparison")
    if memo is not None and memo[0] == config:
        return memo[1]
    small = traced_values_bound(config) <= SHARED_CACHE_VALUES
    comparison = _shared_comparison(config, scene) if small else compare_cells(config, scene)
    st.session_state["_comparison"] = (config, comparison)
    return comparison


def render_compare(trace: Trace, seq: int, layer: int, direction: int, lang: str) -> None:
    st.caption(t("cmp_intro", lang))
    seeded = _seeded_scene(trace)
    try:
        with st.spinner(t("cmp_computing", lang)):
            comparison = comparison_for(trace.config, seeded)
    except Exception:  # a bug or a torch failure: log it, say so plainly
        log.exception("comparison failed for %r", trace.config)
        st.error(t("cmp_failed", lang))
        return
    if seeded is not trace:
        st.info(t("cmp_trained", lang), icon="💡")
    _render_cells(comparison, trace, seq, layer, direction, lang)
    _render_pair(trace, layer, direction, lang)
    _render_layers(trace, seq, lang)


def _render_cells(comparison, trace: Trace, seq: int, layer: int, direction: int, lang: str):
    for run in comparison.runs:
        if run.error:  # backend messages quote user text as code spans
            st.warning(
                t("cmp_cell_error", lang, cell=figures.CELL_NAMES[run.cell], reason=run.error)
            )
    key = (seq, layer, direction, lang)
    cells = built_once(
        "compare_cells", trace, key,
        lambda: figures.cells_spec(comparison, trace, seq, layer, direction, lang),
    )  # fmt: skip
    chart(cells, png_filename("cells", trace, seq, layer, direction), "compare_cells_chart")
    costs = built_once(
        "compare_costs", trace, (lang,), lambda: figures.costs_spec(comparison, lang)
    )
    chart(costs, f"costs_h{trace.config.hidden_size}", "compare_costs_chart")
    blocks = {run.cell: run.gate_blocks for run in comparison.runs}
    st.caption(t("cmp_costs_caption", lang, runs=TIMED_RUNS, **blocks))


def _render_pair(trace: Trace, layer: int, direction: int, lang: str) -> None:
    st.subheader(t("cmp_pair_title", lang))
    batch = trace.hidden.shape[2]
    if batch < 2:
        st.info(t("cmp_one_sequence", lang))
        return
    labels = [sequence_label(trace, i) for i in range(batch)]
    left, right = st.columns(2)
    with left:
        first = _pick_sequence(t("cmp_seq_a", lang), "compare_seq_a", labels, 0)
    with right:
        second = _pick_sequence(t("cmp_seq_b", lang), "compare_seq_b", labels, 1)
    seqs = (first, second)
    spec = built_once(
        "compare_pair", trace, (seqs, layer, direction, lang),
        lambda: figures.pair_spec(trace, seqs, layer, direction, lang),
    )  # fmt: skip
    chart(
        spec, png_filename("two-sequences", trace, seqs[0], layer, direction), "compare_pair_chart"
    )
    st.caption(t("cmp_pair_caption", lang))


def _pick_sequence(label: str, key: str, labels: list[str], default: int) -> int:
    if st.session_state.get(key) not in labels:  # first run, or the batch changed
        st.session_state[key] = labels[default]
    return labels.index(st.selectbox(label, labels, key=key))


def _render_layers(trace: Trace, seq: int, lang: str) -> None:
    st.subheader(t("cmp_layers_title", lang))
    if trace.num_layers == 1 and trace.num_directions == 1:
        st.info(t("cmp_layers_single", lang))
        return
    spec = built_once(
        "compare_layers", trace, (seq, lang), lambda: figures.layers_spec(trace, seq, lang)
    )
    chart(spec, png_filename("layers", trace, seq, 0, 0), "compare_layers_chart")
    st.caption(t("cmp_layers_caption", lang))


def _seeded_scene(trace: Trace) -> Trace | None:
    """The scene's config with its seeded (untrained) weights: `trace` itself unless the
    weights shown are trained. None if that scene cannot be computed."""
    try:
        return compute_scene(trace.config).trace
    except ConfigError:
        return None


# --- Why recurrence ----------------------------------------------------------------------


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


def render_order(trace: Trace, seq: int, layer: int, direction: int, lang: str) -> None:
    cell = figures.CELL_NAMES[trace.config.cell]
    st.caption(t("order_intro", lang, number=seq + 1))
    seed = st.session_state.setdefault(SHUFFLE_SEED_KEY, 0)
    try:
        run = _order_for(trace, seq, seed)
    except Exception:  # e.g. a ReLU state that overflows in the new order
        log.exception("order run failed for %r", trace.config)
        st.error(t("order_failed", lang))
        return
    joiner = JOINERS[trace.config.tokens]
    left, right = st.columns([4, 1], vertical_alignment="center")
    with left:
        original = quoted(joiner.join(run.tokens), MAX_QUOTED)
        shuffled = quoted(joiner.join(run.shuffled_tokens), MAX_QUOTED)
        st.markdown(t("order_tokens", lang, original=original, shuffled=shuffled))
    with right:
        st.button(t("order_another", lang), key="order_shuffle", on_click=_next_order,
                  help=t("order_another_help", lang), disabled=not run.differs)  # fmt: skip
    if not run.differs:
        st.info(t("order_all_same", lang))
    _render_distances(run, trace, layer, direction, cell, lang)
    spec = built_once(
        "order", trace, (seq, layer, direction, seed, lang),
        lambda: figures.order_spec(run, trace, layer, direction, lang),
    )  # fmt: skip
    chart(spec, png_filename("order", trace, seq, layer, direction), "order_chart")
    st.caption(t("order_caption", lang, cell=cell))
    if len(run.tokens) > figures.MAX_BOXED_STEPS:
        st.caption(t("order_long", lang, most=figures.MAX_BOXED_STEPS))
    elif run.differs and not run.same_step.any():
        st.caption(t("order_none_kept", lang))
    st.markdown(t("order_position_note", lang))
    st.caption(t("order_code_caption", lang))
    st.code(order_code(trace, seq, run.order), language="python")
    if _seeded_scene(trace) is not trace:
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
