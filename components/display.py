"""Page-wide display settings every view reads: the language and presenter mode.

Both are sidebar widgets with fixed session keys (and URL parameters `lang`, `present`),
so any view can ask without every render function passing them along.
"""

from __future__ import annotations

import streamlit as st

LANG_KEY = "lang"
PRESENTER_KEY = "presenter"
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}


def language() -> str:
    lang = st.session_state.get(LANG_KEY, "en")
    return lang if lang in LANGUAGE_NAMES else "en"


def presenting() -> bool:
    return bool(st.session_state.get(PRESENTER_KEY, False))
