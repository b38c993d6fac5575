"""What every lesson tab is handed, and what keeps a tab's choices while it is closed.

`LessonView` carries the scene and the view chosen above the tabs (sequence, layer,
direction, units drawn as lines) and the page's language; every lesson module exposes
`render(view: LessonView)`, listed in `components.lessons.TABS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from model.trace import Trace

if TYPE_CHECKING:  # the scene module imports the training view, which draws widgets
    from components.scene import Scene

KEPT = "_kept_"  # prefix of the copies of widget values that outlive a closed tab


@dataclass(frozen=True, eq=False)
class LessonView:
    """One lesson's inputs: the scene and what is chosen above the tabs."""

    scene: Scene
    seq: int  # the sequence of the batch (0-based)
    layer: int
    direction: int  # 0 forward, 1 reverse
    units: tuple[int, ...]  # the units drawn as lines in the timeline
    lang: str
    step: int = 0  # the charts' time cursor, as the browser last reported it
    # what charts of trained weights add to their titles (" · after 40 training steps",
    # components.training.result.chart_context); "" for an untrained scene
    when: str = ""

    @property
    def trace(self) -> Trace:
        return self.scene.trace


def restore(key: str, options, default) -> None:
    """Before a widget is drawn: its last value (kept while its tab was closed, when
    Streamlit drops the state of widgets it did not draw), or the default if that value
    is no longer an option."""
    state = st.session_state
    if key not in state and KEPT + key in state:
        state[key] = state[KEPT + key]
    value = state.get(key)
    # `None in range(2**31)` walks the whole range (~40 s): only an int can be in a range
    fits = isinstance(value, int) if isinstance(options, range) else True
    if not (fits and value in options):
        state[key] = default


def keep(key: str) -> None:
    """After a widget is drawn: keep its value for the next time its tab opens."""
    st.session_state[KEPT + key] = st.session_state[key]


def seed_lessons(values: dict) -> None:
    """A link's lesson choices (by session key), for `restore` when their tab opens."""
    for key, value in values.items():
        st.session_state[KEPT + key] = value


def lesson_values(keys) -> dict:
    """The lesson choices as they stand (drawn now, or kept while their tab is closed)."""
    state = st.session_state
    return {key: state[key] if key in state else state.get(KEPT + key) for key in keys}
