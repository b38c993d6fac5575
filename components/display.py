"""Page-wide display settings every view reads: the language and presenter mode.

Both are sidebar widgets with fixed session keys (and URL parameters `lang`, `present`),
so any view can ask without every render function passing them along.
"""

from __future__ import annotations

import streamlit as st

from components.i18n import t

LANG_KEY = "lang"
PRESENTER_KEY = "presenter"
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}


def language() -> str:
    lang = st.session_state.get(LANG_KEY, "en")
    return lang if lang in LANGUAGE_NAMES else "en"


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
        t("language", lang), list(LANGUAGE_NAMES), format_func=LANGUAGE_NAMES.get,
        key=LANG_KEY, required=True, label_visibility="collapsed",
    )  # fmt: skip
    st.toggle(t("presenter", lang), key=PRESENTER_KEY, help=t("presenter_help", lang))
