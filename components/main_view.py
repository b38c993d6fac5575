"""The main view above the lesson tabs: the link's notices, an error, the choice of
sequence, layer, direction and units, the timeline and the trace check. Each `render_*`
draws one part of the page from backend objects.

User text only ever reaches the page through plain widgets, `st.code`, dataframes and
Plotly labels (escaped in the figure builders), never through HTML.
"""

from __future__ import annotations

import streamlit as st

from components.charting import built_once, chart
from components.figures.cursor import cursor_meta
from components.figures.names import png_filename
from components.figures.parts import visible_token
from components.figures.state_space import state_space_spec
from components.figures.timeline import timeline_spec
from components.i18n import error_text, t
from components.page import ONLY_ONE
from components.sidebar.controls import OWN_TEXT_NOTE
from components.sidebar.display import render_colour_scale
from components.stepper import render_stepper
from components.text import sequence_label
from model.errors import quoted
from model.presets import preset_with_table
from model.trace import Trace

MAX_LINE_UNITS = 8
LAYER_SELECT_PX = 60  # "Layer" over a one-digit select, presenter mode's larger type too


def render_scene_note(lang: str) -> None:
    """One line when typing switched batch_first on (components.sidebar.controls._own_text)."""
    if st.session_state.get(OWN_TEXT_NOTE):
        st.info(t("own_text_batch_first", lang), icon="💡")


def render_notices(notices: list, lang: str) -> None:
    for key, values in notices:  # link text goes in code spans: shown as typed, never as links
        safe = {
            name: error_text(v, lang) if name == "reason" else quoted(v)
            for name, v in values.items()
        }
        st.warning(t(key, lang, **safe), icon="⚠️")


def render_error(message: str, lang: str) -> None:
    # backend messages quote user text as code spans (model.config.quoted)
    st.error(f"**{t('error_title', lang)}.** {message}", icon="🛑")


def render_selection(trace: Trace, prefix: str, lang: str) -> tuple[int, int, int, list[int], bool]:
    """Which sequence, layer, direction and line-chart units to show, and whether the
    colours are fitted to the data."""
    batch, layers, directions = trace.hidden.shape[2], trace.num_layers, trace.num_directions
    hidden = trace.hidden.shape[-1]
    keys = {name: f"{prefix}_view_{name}" for name in ("seq", "layer", "dir", "units")}
    labels = [sequence_label(trace, i) for i in range(batch)]
    _keep_sequence(keys["seq"], labels)
    _keep_valid(keys["layer"], range(layers))
    _keep_valid(keys["dir"], range(directions))
    units_key = f"{keys['units']}_h{hidden}"  # one choice per hidden size: grows with it
    columns = st.columns([2.3, 2.1, 2.6, 1.9], vertical_alignment="bottom")
    with columns[0]:
        # the labels are the options, so an edited text never leaves a stale label shown
        chosen = st.selectbox(t("select_sequence", lang), labels, key=keys["seq"])
        seq = labels.index(chosen)
    # layer and direction side by side in one column: on a phone one row, or none
    pair = columns[1].container(horizontal=True, wrap=False, gap="small")
    with pair.container(key=_only_one(keys["layer"], layers), width=LAYER_SELECT_PX):
        layer = st.selectbox(
            t("select_layer", lang), range(layers), key=keys["layer"],
            format_func=lambda i: str(i + 1), disabled=layers == 1,
        )  # fmt: skip
    with pair.container(key=_only_one(keys["dir"], directions)):
        direction = st.selectbox(
            t("select_direction", lang), range(directions), key=keys["dir"],
            format_func=lambda d: t("direction_forward" if d == 0 else "direction_reverse", lang),
            disabled=directions == 1,
        )  # fmt: skip
    with columns[2]:
        units = st.multiselect(
            t("select_units", lang), list(range(hidden)),
            default=None if units_key in st.session_state
            else list(range(min(hidden, MAX_LINE_UNITS))),
            format_func=lambda u: f"h[{u}]", key=units_key,
            max_selections=MAX_LINE_UNITS, help=t("select_units_help", lang),
            persist_state="session",
        )  # fmt: skip
    with columns[3]:
        fitted = render_colour_scale(lang)
    return seq, layer, direction, sorted(units), fitted


def _only_one(key: str, choices: int) -> str:
    """The key of the box around a choice's select: ONLY_ONE names it when there is
    nothing to choose, and a phone's CSS (components.page) hides it there, where it took a
    line of the first screen. The box is always there, so nothing after it moves."""
    return f"{key}_box" + (ONLY_ONE if choices == 1 else "")


def render_timeline(
    trace: Trace,
    pick: tuple[int, int, int],
    units,
    lang: str,
    *,
    fitted: bool = True,
    big: bool = False,
    report: bool = False,
    unit_labels: tuple[str, ...] | None = None,
    when: str = "",
) -> int:
    """The hidden state over time beside its path in state space (stacked on a phone),
    and the time control under them. Returns the step the browser last reported (only
    sent with `report`, for a lesson that follows the cursor)."""
    seq, layer, direction = pick
    labels = list(unit_labels) if unit_labels else None
    key = (seq, layer, direction, tuple(units), lang, fitted, unit_labels, when)
    spec = built_once(
        "timeline", trace, key,
        lambda: timeline_spec(trace, seq, layer, direction, units, lang, fitted, labels, when),
    )  # fmt: skip
    space = built_once(
        "state_space", trace, (seq, layer, direction, lang, when),
        lambda: state_space_spec(trace, seq, layer, direction, lang, when),
    )  # fmt: skip
    tokens = trace.tokens[seq]
    steps = [f"{visible_token(token)} · {t}" for t, token in enumerate(tokens)]
    left, right = st.columns([2.3, 1], gap="small")
    with left:  # the time control right under the heatmap, on a phone too
        chart(spec, png_filename("hidden-state", trace, seq, layer, direction), "timeline_chart")
        step = render_stepper(steps, lang, big=big, report=report)
    with right:
        name = png_filename("state-space", trace, seq, layer, direction)
        chart(space, name, "state_space_chart")
    pca = t("timeline_caption_pca", lang) if trace.hidden.shape[-1] > 3 else ""
    trail = (cursor_meta(space["layout"]) or {}).get("trail")
    trail = t("timeline_caption_trail", lang, steps=trail["steps"]) if trail else ""
    st.caption(t("timeline_caption", lang, pca=pca, trail=trail))
    return min(step, len(tokens) - 1)


def render_check(trace: Trace, lang: str) -> None:
    key = "check_ok" if trace.max_error < 1e-5 else "check_bad"
    share = t("share_caption", lang)
    series = trace.config.series
    if series is not None and preset_with_table(series.table) is None:
        share += " " + t("share_no_file", lang)  # an uploaded file cannot travel in a link
    st.caption(t(key, lang, error=trace.max_error) + " " + share)


def _keep_sequence(key: str, labels: list[str]) -> None:
    """After an edit, stay on the same sequence number (labels start with 'N: ')."""
    old = st.session_state.get(key)
    if old is None or old in labels:
        return
    number = old.split(":", 1)[0]
    index = int(number) - 1 if number.isdigit() else 0
    st.session_state[key] = labels[min(max(index, 0), len(labels) - 1)]


def _keep_valid(key: str, options: range) -> None:
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = 0
