"""Page-wide display settings every view reads: the language and presenter mode.

Both are sidebar widgets with fixed session keys (and URL parameters `lang`, `present`),
so any view can ask without every render function passing them along.
"""

from __future__ import annotations

import streamlit as st

from components.settings import BY_FIELD

LANG_KEY = "lang"
PRESENTER_KEY = "presenter"
LANGUAGE = BY_FIELD["lang"]
PRESENTER = BY_FIELD["present"]


def language() -> str:
    lang = st.session_state.get(LANG_KEY, LANGUAGE.default)
    return lang if lang in LANGUAGE.choices else LANGUAGE.default


def presenting() -> bool:
    return bool(st.session_state.get(PRESENTER_KEY, False))


def seed_display(view: dict) -> None:
    """The URL's view settings into the widgets' state (first run of a session)."""
    st.session_state[LANG_KEY] = view["lang"]
    st.session_state[PRESENTER_KEY] = view["present"]


def view_settings() -> dict:
    return {"lang": language(), "present": presenting()}


def render_display_settings(lang: str) -> None:
    """Language and presenter mode, at the top of the sidebar."""
    st.segmented_control(
        LANGUAGE.label(lang), list(LANGUAGE.choices),
        format_func=lambda value: LANGUAGE.option_text(value, lang),
        key=LANG_KEY, required=True, label_visibility="collapsed",
    )  # fmt: skip
    st.toggle(PRESENTER.label(lang), key=PRESENTER_KEY, help=PRESENTER.help_text(lang))
