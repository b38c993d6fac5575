"""The lesson tabs under the timeline. Tabs are lazy (`on_change="rerun"`): only the
open tab's panel runs, so a page with every panel costs what one panel costs. Each
panel lives in its own `components/panel_<name>.py` and is imported when its tab opens.
"""

from __future__ import annotations

import importlib

import streamlit as st

from components.i18n import t

TAB_KEY = "lesson_tab"
# (text key of the tab label, module, function, what the function takes)
TABS = (
    ("tab_step", "lessons.step", "render_step", "pick"),
    ("tab_gates", "main_view", "render_gates", "units"),
    ("tab_weights", "lessons.weights", "render_weights", "pick"),
    ("tab_repeats", "lessons.repeats", "render_repeats", "pick"),
    ("tab_unit_text", "lessons.repeats", "render_unit_text", "pick"),
    ("tab_patterns", "lessons.patterns", "render_patterns", "pick"),
    ("tab_compare", "lessons.compare", "render_compare", "pick"),
    ("tab_order", "lessons.compare", "render_order", "pick"),
    ("tab_input", "main_view", "render_input", "seq"),
    ("tab_code", "main_view", "render_code", "scene"),
    ("tab_export", "main_view", "render_export", "trace"),
)


def render_lessons(scene, seq: int, layer: int, direction: int, units, lang: str) -> None:
    trace = scene.trace
    labels = [t(key, lang) for key, *_ in TABS]
    if st.session_state.get(TAB_KEY) not in labels:  # first run, or the language changed
        st.session_state.pop(TAB_KEY, None)
    tabs = st.tabs(labels, key=TAB_KEY, on_change="rerun")
    for tab, (_, module, function, takes) in zip(tabs, TABS, strict=True):
        if not tab.open:
            continue
        with tab:
            render = getattr(importlib.import_module(f"components.{module}"), function)
            if takes == "pick":
                render(trace, seq, layer, direction, lang)
            elif takes == "units":
                render(trace, seq, layer, direction, units, lang)
            elif takes == "seq":
                render(trace, seq, lang)
            elif takes == "scene":
                render(scene, lang)
            else:
                render(trace, lang)
