"""Page-wide display settings every view reads: the language and presenter mode.

Both are sidebar widgets with fixed session keys (and URL parameters `lang`, `present`),
so any view can ask without every render function passing them along.
"""

from __future__ import annotations

import streamlit as st

from components.settings import BY_FIELD

LANG_KEY = "lang"
PRESENTER_KEY = "presenter"
COLOUR_KEY = "colour_scale"
LANGUAGE = BY_FIELD["lang"]
PRESENTER = BY_FIELD["present"]
COLOUR = BY_FIELD["colour"]


def language() -> str:
    lang = st.session_state.get(LANG_KEY, LANGUAGE.default)
    return lang if lang in LANGUAGE.choices else LANGUAGE.default


def presenting() -> bool:
    return bool(st.session_state.get(PRESENTER_KEY, False))


def fitted_colours() -> bool:
    """The main view's colour scale: fitted to the data (the default) or fixed [-1, 1]."""
    return st.session_state.get(COLOUR_KEY, COLOUR.default) != "fixed"


def seed_display(view: dict) -> None:
    """The URL's view settings into the widgets' state (first run of a session)."""
    st.session_state[LANG_KEY] = view["lang"]
    st.session_state[PRESENTER_KEY] = view["present"]
    st.session_state[COLOUR_KEY] = view["colour"]


def view_settings() -> dict:
    return {
        "lang": language(),
        "present": presenting(),
        "colour": "fitted" if fitted_colours() else "fixed",
    }


def render_colour_scale(lang: str) -> bool:
    """Fitted or fixed colours, a click away beside the charts. True when fitted."""
    st.segmented_control(
        COLOUR.label(lang), list(COLOUR.choices),
        format_func=lambda value: COLOUR.option_text(value, lang),
        key=COLOUR_KEY, required=True, help=COLOUR.help_text(lang),
    )  # fmt: skip
    return fitted_colours()


def render_display_settings(lang: str) -> None:
    """Language and presenter mode, at the top of the sidebar."""
    st.segmented_control(
        LANGUAGE.label(lang), list(LANGUAGE.choices),
        format_func=lambda value: LANGUAGE.option_text(value, lang),
        key=LANG_KEY, required=True, label_visibility="collapsed",
    )  # fmt: skip
    st.toggle(PRESENTER.label(lang), key=PRESENTER_KEY, help=PRESENTER.help_text(lang))
