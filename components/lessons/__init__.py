"""The lessons under the timeline: one module per lesson stem, each with
`render(view: LessonView)`. A row of pills chooses one and only its `render` runs, so a
page with every lesson costs what one lesson costs.

Pills, not `st.tabs`: the pills wrap, so a phone shows every lesson's name (a tab bar
showed two and a half of sixteen); and the page re-renders every element of every
rerun, where sixteen tabs cost the browser ~45 ms per typed sequence and one pills
widget ~20 ms (bench/BROWSER.md). The choice is the lesson's text key, so it survives a
change of language.
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

TAB_KEY = "lesson_tab"  # the pills
LESSON_KEY = "lesson"  # the open lesson's container
# (text key of the lesson's name, its render function), in the order of the pills
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


def follows_cursor() -> bool:
    """Whether the open lesson follows the charts' time cursor (the step in numbers): then
    the browser reports the cursor's step; otherwise stepping sends nothing."""
    return st.session_state.get(TAB_KEY) == "tab_step"


def render_lessons(view: LessonView) -> None:
    keys = [key for key, _ in TABS]
    if st.session_state.get(TAB_KEY) not in keys:  # first run
        st.session_state[TAB_KEY] = keys[0]
    chosen = st.pills(
        t("lessons_label", view.lang), keys, key=TAB_KEY, required=True,
        format_func=lambda key: t(key, view.lang), label_visibility="collapsed",
    )  # fmt: skip
    with st.container(key=LESSON_KEY):  # the open lesson, below its pills
        dict(TABS)[chosen](view)
