"""The "Shared weights" lesson: the unrolled network with the same W_ih and W_hh at every
step, heatmaps of the chosen layer and direction's parameters, and the parameter count.
"""

from __future__ import annotations

import streamlit as st

from components.charting import built_once, chart
from components.figures.names import png_filename
from components.figures.unrolled import MAX_DRAWN
from components.figures.weights import (
    MAX_WEIGHT_COLUMNS,
    MAX_WEIGHT_UNITS,
    parameter_names,
    shared_weights_spec,
    weights_cut,
    weights_spec,
)
from components.i18n import t
from components.lessons.view import LessonView
from model.cells import GATE_NAMES
from model.trace import Trace

GATE_ORDER = {"lstm": "i, f, g, o", "gru": "r, z, n"}


def render(view: LessonView) -> None:
    trace, seq, layer, direction, lang = (
        view.trace, view.seq, view.layer, view.direction, view.lang
    )  # fmt: skip
    st.caption(t("weights_intro", lang))
    spec = built_once(
        "weights_unrolled", trace, (seq, layer, direction, lang),
        lambda: shared_weights_spec(trace, seq, layer, direction, lang),
    )  # fmt: skip
    chart(spec, png_filename("unrolled", trace, None, layer, direction), "weights_unrolled_chart")
    steps = int(trace.lengths[seq])
    if steps > MAX_DRAWN:
        st.caption(t("weights_long", lang, steps=steps, most=MAX_DRAWN, first=MAX_DRAWN - 2))
    st.markdown(t("weights_any_length", lang))
    spec = built_once(
        "weights_heatmaps", trace, (layer, direction, lang, view.when),
        lambda: weights_spec(trace, layer, direction, lang, view.when),
    )  # fmt: skip
    chart(spec, png_filename("weights", trace, None, layer, direction), "weights_chart")
    _render_captions(trace, layer, direction, spec, lang)
    _render_count(trace, layer, direction, lang)


def _render_captions(trace: Trace, layer: int, direction: int, spec: dict, lang: str) -> None:
    largest = spec["layout"]["coloraxis"]["cmax"]
    st.caption(t("weights_caption", lang, largest=largest))
    cell = trace.config.cell
    if cell in GATE_ORDER:
        st.caption(t("weights_caption_gates", lang, gates=len(GATE_NAMES[cell]),
                     hidden=trace.config.hidden_size, order=GATE_ORDER[cell]))  # fmt: skip
    one_hot = trace.encoded.values is None and trace.config.encoding == "onehot"
    if layer == 0 and one_hot:
        st.caption(t("weights_caption_onehot", lang))
    if weights_cut(trace, layer):
        st.caption(t("weights_cut", lang, units=MAX_WEIGHT_UNITS, columns=MAX_WEIGHT_COLUMNS))
    if not trace.config.bias:
        st.info(t("weights_no_bias", lang), icon="ℹ️")


def _render_count(trace: Trace, layer: int, direction: int, lang: str) -> None:
    """The parameters of this layer and direction, and of the whole module: the sizes of
    the module's own parameter arrays (trace.weights), added up."""
    names = parameter_names(layer, direction)
    w_ih, w_hh = trace.weights[names["W_ih"]], trace.weights[names["W_hh"]]
    sizes = [trace.weights[name].size for name in names.values() if name in trace.weights]
    shapes = {"rows": w_ih.shape[0], "inputs": w_ih.shape[1], "hidden": w_hh.shape[1],
              "n_ih": w_ih.size, "n_hh": w_hh.size, "here": sum(sizes)}  # fmt: skip
    here_key = "weights_count_here_bias" if trace.config.bias else "weights_count_here_nobias"
    total = sum(values.size for values in trace.weights.values())
    st.markdown(f"**{t('weights_count_title', lang)}** · " + t(here_key, lang, **shapes))
    st.markdown(t("weights_count_total", lang, total=total, layers=trace.num_layers,
                  directions=trace.num_directions))  # fmt: skip
    if trace.encoded.values is None and trace.config.encoding == "embedding":
        st.caption(t("weights_count_embedding", lang))
