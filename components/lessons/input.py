"""The "Input & vocabulary" lesson: the vocabulary (token, index, one-hot vector) and what
each step of the chosen sequence was fed, x_t."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.charting import built_once, chart
from components.figures.input import input_spec
from components.figures.names import png_filename
from components.figures.parts import visible_token
from components.i18n import t
from components.lessons.view import LessonView

MAX_ONE_HOT_SHOWN = 32  # larger vocabularies show "…" instead of each one-hot vector


def render(view: LessonView) -> None:
    trace, seq, lang = view.trace, view.seq, view.lang
    encoded = trace.encoded
    if encoded.values is not None:
        st.caption(t("input_vocab_numbers", lang))
    else:
        st.markdown("**" + t("input_vocab_title", lang) + "**")
        show_vector = len(encoded.vocab) <= MAX_ONE_HOT_SHOWN
        rows = [
            {
                t("input_col_token", lang): visible_token(token),
                t("input_col_index", lang): index,
                t("input_col_onehot", lang): str(vector) if show_vector else "…",
            }
            for token, index, vector in encoded.one_hot_table()
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="content")
    st.caption(t("input_caption", lang))
    name = png_filename("input", trace, seq, 0, 0)
    spec = built_once("input", trace, (seq, lang), lambda: input_spec(trace, seq, lang))
    chart(spec, name, "input_chart")
