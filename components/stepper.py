"""The time control under the main chart: ◀ step, ▶ play / ❚❚ pause, step ▶, a slider
over the tokens and the current step in large type. It moves the time cursor of every
chart on the page in the browser, so the hidden-state and gates charts move together and
nothing reaches the server (unless `report` is on: then the chosen step is sent, at most
every REPORT_MS, for a lesson that follows the cursor).

How the cursor moves: a chart built with `components.figures.cursor` carries its
per-step positions in `layout.meta[0].hse` and names its cursor shapes and labels; this
script relayouts only those (no Plotly frames: a chart redrawn by fullscreen or by a new
scene keeps no frames, but it keeps its meta). A check every CHECK_MS puts every chart's
cursor back on the page's step, so a redrawn chart (fullscreen, a cell switch, another
sequence) shows the same step, clamped to its length. The same check narrows a time axis
whose drawn tokens would overlap (a phone's narrow chart) to a window of steps that fits
them, panned with the cursor like a long sequence's window.

Keys: ← → step, space plays or pauses, unless the user is typing (text, numbers, a
select box). A radio button, tab or switch focused by a mouse click does not keep the
arrows: they still step (a keyboard user who tabbed to it keeps the native behaviour).
Touch screens: the buttons are large and a horizontal swipe over a chart steps; the
keyboard hint is shown only where there is a fine pointer.

The JavaScript (stepper.js beside this file) is fixed text: no user input goes into it.
Words and token labels come as `data` and are set as textContent (never as HTML).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.components.v2 import component

from components.i18n import t

KEY = "time_stepper"  # the component's key
STEP_KEY = "time_step"  # the step the browser last reported (kept by _keep_step)
BIG_READOUT_PX = 44  # presenter mode: the current step ("l · 2") in large type

HTML = """
<div class="hse-stepper" role="group">
  <div class="hse-buttons">
    <button type="button" data-act="prev" data-word="previous"></button>
    <button type="button" data-act="play" class="hse-play"></button>
    <button type="button" data-act="next" data-word="next"></button>
  </div>
  <input type="range" class="hse-own" min="0" max="0" step="1" value="0">
  <span class="hse-readout" aria-live="polite"></span>
  <span class="hse-hint"></span>
</div>
"""

CSS = """
.hse-stepper { display: flex; flex-wrap: wrap; gap: 0.4rem 0.9rem; align-items: center;
  font-family: var(--st-font, sans-serif); color: var(--st-text-color, #1f2937); }
.hse-buttons { display: flex; gap: 0.4rem; }
.hse-stepper button { font: inherit; font-size: 1rem; min-height: 2.6rem; min-width: 2.6rem;
  padding: 0.3rem 0.6rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.3); background: white; color: inherit; }
.hse-stepper button:hover { border-color: #ff4b4b; color: #ff4b4b; }
.hse-play { min-width: 6rem; }
.hse-stepper input[type=range] { flex: 1 1 6rem; min-width: 5rem; height: 2.2rem;
  accent-color: #ff4b4b; cursor: pointer; }
.hse-readout { font-size: 1.6rem; font-weight: 600; min-width: 5ch; white-space: pre; }
.hse-hint { color: #6b7280; font-size: 0.85rem; flex-basis: 100%; }
.hse-big .hse-readout { font-size: BIG_READOUT_PXpx; }
.hse-big button { font-size: 1.15rem; min-height: 3rem; }
"""

JS = (Path(__file__).with_name("stepper.js")).read_text(encoding="utf-8")  # fixed text


_stepper = component(
    "hse_time_stepper", html=HTML, css=CSS.replace("BIG_READOUT_PX", str(BIG_READOUT_PX)), js=JS
)


def render_stepper(
    labels: list[str], lang: str = "en", big: bool = False, report: bool = False
) -> int:
    """The time control for every chart on the page; `labels` name each step of the main
    sequence ("l · 2"). With `report`, the browser sends the chosen step (one rerun per
    step, for a lesson that follows the cursor); returns the last step it sent."""
    words = {
        "previous": t("stepper_previous", lang),
        "next": t("stepper_next", lang),
        "play": t("fig_play", lang),
        "pause": t("fig_pause", lang),
        "hint_keys": t("stepper_hint", lang),
        "hint_touch": t("stepper_hint_touch", lang),
        "group": t("fig_time_step", lang),
    }
    reported = int(st.session_state.get(STEP_KEY, 0))
    data = {"steps": len(labels), "labels": labels, "words": words, "big": big,
            "report": report, "reported": reported}  # fmt: skip
    _stepper(key=KEY, data=data, default={"step": 0}, on_step_change=_keep_step)
    return reported


def _keep_step() -> None:
    """The browser reported a step: keep it where the lessons read it (a whole number in
    range is the only value accepted from the page)."""
    state = st.session_state.get(KEY)
    step = state.get("step") if hasattr(state, "get") else None
    if isinstance(step, int | float) and not isinstance(step, bool) and 0 <= step < 1_000_000:
        st.session_state[STEP_KEY] = int(step)
