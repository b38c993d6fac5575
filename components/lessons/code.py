"""The "PyTorch code" lesson: plain PyTorch that reproduces the scene (for trained weights:
the training code, and the untrained scene's code too) and what it prints."""

from __future__ import annotations

import streamlit as st

from components.i18n import t
from components.lessons.view import LessonView


def render(view: LessonView) -> None:
    scene, lang = view.scene, view.lang
    trained = bool(scene.untrained_code)
    st.caption(t("code_caption_trained" if trained else "code_caption", lang))
    st.code(scene.code, language="python")
    st.markdown("**" + t("code_printout", lang) + "**")
    st.code(scene.printout + (scene.note and "\n" + scene.note), language="text")
    if trained:
        st.caption(t("code_caption_untrained_too", lang))
        st.code(scene.untrained_code, language="python")
    else:
        st.caption(t("code_layout_note", lang))
