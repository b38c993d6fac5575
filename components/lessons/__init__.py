"""The lesson tabs under the timeline: one module per lesson stem, each with
`render(view: LessonView)`. Tabs are lazy (`on_change="rerun"`): only the open tab's
`render` runs, so a page with every lesson costs what one lesson costs.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.i18n import t
from components.lessons import (
    code,
    code_model,
    compare,
    export,
    gates,
    input,
    memory,
    order,
    packing,
    patterns,
    repeats,
    seq2seq,
    step,
    tasks,
    unit_text,
    weights,
)
from components.lessons.view import LessonView

TAB_KEY = "lesson_tab"
# (text key of the tab label, the lesson's render function), in the order of the tabs
# The lecture's own order: the input as one-hot vectors first (light to draw, so a first
# visit and every scene change stay fast), then one step in numbers, then the rest.
TABS: tuple[tuple[str, Callable[[LessonView], None]], ...] = (
    ("tab_input", input.render),
    ("tab_step", step.render),
    ("tab_gates", gates.render),
    ("tab_weights", weights.render),
    ("tab_repeats", repeats.render),
    ("tab_unit_text", unit_text.render),
    ("tab_patterns", patterns.render),
    ("tab_seq2seq", seq2seq.render),
    ("tab_compare", compare.render),
    ("tab_memory", memory.render),
    ("tab_tasks", tasks.render),
    ("tab_code_model", code_model.render),
    ("tab_order", order.render),
    ("tab_packing", packing.render),
    ("tab_code", code.render),
    ("tab_export", export.render),
)


def follows_cursor(lang: str) -> bool:
    """Whether the open tab follows the charts' time cursor (the step in numbers): then
    the browser reports the cursor's step; otherwise stepping sends nothing."""
    return st.session_state.get(TAB_KEY) == t("tab_step", lang)


def render_lessons(view: LessonView) -> None:
    labels = [t(key, view.lang) for key, *_ in TABS]
    if st.session_state.get(TAB_KEY) not in labels:  # first run, or the language changed
        st.session_state.pop(TAB_KEY, None)
    tabs = st.tabs(labels, key=TAB_KEY, on_change="rerun")
    for tab, (_, render) in zip(tabs, TABS, strict=True):
        if tab.open:
            with tab:
                render(view)
