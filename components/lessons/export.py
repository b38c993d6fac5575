"""The "Export" lesson: every state of the scene as CSV or NumPy .npz, built only when
the download button is pressed."""

from __future__ import annotations

import streamlit as st

from components.i18n import t
from components.lessons.view import LessonView
from model.export import states_csv, states_npz


def render(view: LessonView) -> None:
    trace, lang = view.trace, view.lang
    st.caption(t("export_caption", lang))
    stem = f"states_{trace.config.cell}_h{trace.config.hidden_size}"
    left, right = st.columns(2)
    with left:
        st.download_button(
            t("export_csv", lang), data=lambda: states_csv(trace), file_name=stem + ".csv",
            mime="text/csv", on_click="ignore", key="export_csv",
        )  # fmt: skip
    with right:
        st.download_button(
            t("export_npz", lang), data=lambda: states_npz(trace), file_name=stem + ".npz",
            mime="application/octet-stream", on_click="ignore", key="export_npz",
        )  # fmt: skip
