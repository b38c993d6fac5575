"""The "RNN · LSTM · GRU" lesson: the three cells side by side with their costs, the same
cell on two sequences, and every layer and direction at once.

The comparison is computed once per configuration: small scenes in the shared
`st.cache_data` (as components/scene.py does for scenes), large ones per session.
"""

from __future__ import annotations

import logging

import streamlit as st

from components.charting import built_once, chart
from components.figures import compare as figures
from components.figures.names import png_filename
from components.figures.parts import CELL_NAMES
from components.i18n import t
from components.lessons.view import LessonView
from components.scene import (
    CACHE_ENTRIES,
    SHARED_CACHE_VALUES,
    seeded_trace,
    traced_values_bound,
)
from components.text import sequence_label
from model.config import ExplorerConfig
from model.lessons.compare import TIMED_RUNS, Comparison, compare_cells
from model.trace import Trace

log = logging.getLogger(__name__)


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


def render(view: LessonView) -> None:
    trace, seq, layer, direction, lang = (
        view.trace, view.seq, view.layer, view.direction, view.lang
    )  # fmt: skip
    st.caption(t("compare_intro", lang))
    seeded = seeded_trace(trace)
    try:
        with st.spinner(t("compare_computing", lang)):
            comparison = comparison_for(trace.config, seeded)
    except Exception:  # a bug or a torch failure: log it, say so plainly
        log.exception("comparison failed for %r", trace.config)
        st.error(t("compare_failed", lang))
        return
    if seeded is not trace:
        st.info(t("compare_trained", lang), icon="💡")
    _render_cells(comparison, trace, seq, layer, direction, lang)
    _render_pair(trace, layer, direction, lang, view.when)
    _render_layers(trace, seq, lang, view.when)


def _render_cells(comparison, trace: Trace, seq: int, layer: int, direction: int, lang: str):
    for run in comparison.runs:
        if run.error:  # backend messages quote user text as code spans
            st.warning(t("compare_cell_error", lang, cell=CELL_NAMES[run.cell], reason=run.error))
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
    st.caption(t("compare_costs_caption", lang, runs=TIMED_RUNS, **blocks))


def _render_pair(trace: Trace, layer: int, direction: int, lang: str, when: str = "") -> None:
    st.subheader(t("compare_pair_title", lang))
    batch = trace.hidden.shape[2]
    if batch < 2:
        st.info(t("compare_one_sequence", lang))
        return
    labels = [sequence_label(trace, i) for i in range(batch)]
    left, right = st.columns(2)
    with left:
        first = _pick_sequence(t("compare_seq_a", lang), "compare_seq_a", labels, 0)
    with right:
        second = _pick_sequence(t("compare_seq_b", lang), "compare_seq_b", labels, 1)
    seqs = (first, second)
    spec = built_once(
        "compare_pair", trace, (seqs, layer, direction, lang, when),
        lambda: figures.pair_spec(trace, seqs, layer, direction, lang, when),
    )  # fmt: skip
    chart(
        spec, png_filename("two-sequences", trace, seqs[0], layer, direction), "compare_pair_chart"
    )
    st.caption(t("compare_pair_caption", lang))


def _pick_sequence(label: str, key: str, labels: list[str], default: int) -> int:
    if st.session_state.get(key) not in labels:  # first run, or the batch changed
        st.session_state[key] = labels[default]
    return labels.index(st.selectbox(label, labels, key=key))


def _render_layers(trace: Trace, seq: int, lang: str, when: str = "") -> None:
    st.subheader(t("compare_layers_title", lang))
    if trace.num_layers == 1 and trace.num_directions == 1:
        st.info(t("compare_layers_single", lang))
        return
    spec = built_once(
        "compare_layers", trace, (seq, lang, when),
        lambda: figures.layers_spec(trace, seq, lang, when),
    )  # fmt: skip
    chart(spec, png_filename("layers", trace, seq, 0, 0), "compare_layers_chart")
    st.caption(t("compare_layers_caption", lang))
