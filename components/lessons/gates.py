"""The "Gates & cell state" lesson: an LSTM's cell state and gates, or a GRU's gates, over
time beside the timeline (a plain RNN has none: the lesson says what it computes instead)."""

from __future__ import annotations

import streamlit as st

from components.charting import built_once, chart
from components.figures.gates import gates_spec
from components.figures.names import png_filename
from components.figures.parts import MAX_GATE_UNITS
from components.i18n import t
from components.lessons.view import LessonView


def render(view: LessonView) -> None:
    trace, seq, layer, direction, lang = (
        view.trace, view.seq, view.layer, view.direction, view.lang
    )  # fmt: skip
    wide = trace.hidden.shape[-1] > MAX_GATE_UNITS  # only the chosen units are drawn
    key = (seq, layer, direction, view.units if wide else None, lang, view.when)
    spec = built_once(
        "gates", trace, key,
        lambda: gates_spec(trace, seq, layer, direction, list(view.units), lang, view.when),
    )  # fmt: skip
    if spec is None:
        st.info(t("gates_rnn", lang, act=trace.config.nonlinearity))
        return
    st.caption(t("gates_caption_" + trace.config.cell, lang))
    chart(spec, png_filename("gates", trace, seq, layer, direction), "gates_chart")
    if wide:
        st.caption(t("gates_units_only", lang, most=MAX_GATE_UNITS))
