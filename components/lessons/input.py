"""The "Input & vocabulary" lesson: the vocabulary (token, index, one-hot vector) and what
each step of the chosen sequence was fed, x_t."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.charting import built_once, chart
from components.figures.input import input_spec
from components.figures.names import input_png_filename
from components.figures.parts import visible_token
from components.i18n import t
from components.lessons.view import LessonView
from model.windows import lab_lines

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
    if encoded.windowed:
        render_windows(view)
    st.caption(t("input_caption", lang))
    name = input_png_filename(seq)
    spec = built_once("input", trace, (seq, lang), lambda: input_spec(trace, seq, lang))
    chart(spec, name, "input_chart")


def render_windows(view: LessonView) -> None:
    """The windows as the longseq lab prints them (`0 if you wan -> f you want`), with
    the batch's shape; a file's series prints its windows' first rows and targets."""
    trace, lang = view.trace, view.lang
    encoded, config = trace.encoded, trace.config
    shape = f"({encoded.batch_size}, {config.window}, {encoded.feature_size})"
    st.markdown("**" + t("input_windows_title", lang, count=encoded.batch_size, shape=shape) + "**")
    joiner = {"chars": "", "words": " "}.get(config.tokens, "; ")
    shown = {"\n": "⏎", "\t": "⇥"}  # spaces print as spaces, as in the lab
    windows = [[shown.get(token, token) for token in line] for line in encoded.token_lines]
    following = [shown.get(token, token) for token in encoded.following]
    if config.series is not None:  # a window of rows: its first and last row, its target
        windows = [[f"{line[0]}..{line[-1]}"] for line in encoded.token_lines]
    st.code("\n".join(lab_lines(encoded.starts, windows, following, joiner)), language=None)
    st.caption(t("input_windows_caption", lang, stride=config.stride))
