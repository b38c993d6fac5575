"""Two lessons about units: "Same token, different state" (a repeated token's states and
how far apart they are) and "A unit in the text" (the typed text coloured by one unit;
pick the unit in a list or by clicking the heatmap, box-select a stretch of time to rank
the units most active there).

Numbers come from `model.lessons.repeats`; user text reaches the page as Plotly labels,
dataframe cells and Markdown code spans (`quoted`), never as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, MutableMapping

import pandas as pd
import streamlit as st

from components.charting import built_once, chart
from components.figures.parts import visible_token
from components.figures.repeats import (
    MAX_MATRIX_STEPS,
    quantity_label,
    repeats_spec,
    text_grid,
    unit_heatmap_spec,
    unit_name,
    unit_text_spec,
)
from components.figures.timeline import png_filename
from components.i18n import t
from model.errors import quoted
from model.lessons.repeats import Repeat, RepeatsReport, find_repeats, sequences_with_repeats
from model.lessons.unit_text import HIDDEN, quantities, quantity_values, rank_units
from model.trace import Trace

REPEATS_CHART = "repeats_chart"
TOKEN_KEY = "repeats_token"
QUANTITY_KEY = "unit_text_quantity"
UNIT_KEY = "unit_text_unit"
STRETCH_KEY = "unit_text_stretch"  # (start, stop) chosen by a box selection
KEPT = "_kept_"  # prefix of the copies that outlive a closed tab
TEXT_CHART = "unit_text_chart"
HEATMAP_CHART = "unit_text_heatmap"
MAX_RANKED = 10  # rows of the ranking table
MAX_STEPS_LISTED = 12  # steps written out in a sentence or a table cell
DIGITS = 3
SAME_STATE = 1e-6  # states closer than this are called identical (float precision)


# --- same token, different state -------------------------------------------------------


def render_repeats(trace: Trace, seq: int, layer: int, direction: int, lang: str) -> None:
    report = built_once(
        "repeats_report", trace, (seq, layer, direction),
        lambda: find_repeats(trace, seq, layer, direction),
    )  # fmt: skip
    st.caption(t("units_rep_caption", lang, hidden=trace.hidden.shape[-1]))
    if not report.repeats:
        _no_repeats(trace, seq, lang)
        return
    repeat = _chosen_repeat(report, lang)
    _sentence(repeat, report, lang)
    spec = built_once(
        "repeats", trace, (seq, layer, direction, repeat.token, lang),
        lambda: repeats_spec(trace, seq, layer, direction, report, repeat.token, lang),
    )  # fmt: skip
    chart(spec, png_filename("same-token", trace, seq, layer, direction), REPEATS_CHART)
    if trace.hidden.shape[3] > MAX_MATRIX_STEPS:
        st.caption(t("units_rep_no_matrix", lang, most=MAX_MATRIX_STEPS))
    _repeats_table(report, lang)


def _no_repeats(trace: Trace, seq: int, lang: str) -> None:
    st.info(t("units_rep_none", lang, number=seq + 1), icon="🔁")
    others = [n + 1 for n in sequences_with_repeats(trace)]
    if others:
        numbers = ", ".join(str(n) for n in others[:MAX_STEPS_LISTED])
        st.markdown(t("units_rep_others", lang, numbers=numbers, label=t("select_sequence", lang)))
    st.markdown(t("units_rep_try_hello", lang, preset=t("preset_hello", lang)))


def _chosen_repeat(report: RepeatsReport, lang: str) -> Repeat:
    """The token the chart and the sentence are about: most frequent first."""
    by_count = sorted(report.repeats, key=lambda r: -len(r.steps))
    options = [r.token for r in by_count]
    _restore(TOKEN_KEY, options, options[0])
    token = st.selectbox(
        t("units_rep_token", lang), options, key=TOKEN_KEY,
        format_func=lambda tok: f"{visible_token(tok)}  ×{len(report.find(tok).steps)}",
    )  # fmt: skip
    _keep(TOKEN_KEY)
    return report.find(token)


def _restore(key: str, options, default) -> None:
    """Before a widget is drawn: its last value (kept while its tab was closed, when
    Streamlit drops the state of widgets it did not draw), or the default if that value
    is no longer an option."""
    state = st.session_state
    if key not in state and KEPT + key in state:
        state[key] = state[KEPT + key]
    if state.get(key) not in options:
        state[key] = default


def _keep(key: str) -> None:
    st.session_state[KEPT + key] = st.session_state[key]


def _number(value: float) -> str:
    return f"{value:.{DIGITS}f}"


def _steps_text(steps: tuple[int, ...]) -> str:
    shown = ", ".join(str(s) for s in steps[:MAX_STEPS_LISTED])
    return shown + (", …" if len(steps) > MAX_STEPS_LISTED else "")


def _sentence(repeat: Repeat, report: RepeatsReport, lang: str) -> None:
    token = quoted(visible_token(repeat.token))
    typical = _number(report.typical_distance)
    if len(repeat.steps) == 2:
        first, second = repeat.steps
        text = t("units_rep_sentence_two", lang, token=token, first=first, second=second,
                 distance=_number(repeat.mean_distance), typical=typical)  # fmt: skip
    else:
        text = t(
            "units_rep_sentence_many", lang, count=len(repeat.steps), token=token,
            steps=_steps_text(repeat.steps), distance=_number(repeat.mean_distance),
            closest=_number(repeat.closest[2]), farthest=_number(repeat.farthest[2]),
            typical=typical,
        )  # fmt: skip
    if repeat.farthest[2] < SAME_STATE:
        verdict = "units_rep_same"
    elif repeat.mean_distance < report.typical_distance:
        verdict = "units_rep_closer"
    else:
        verdict = "units_rep_farther"
    st.markdown(text + " " + t(verdict, lang))


def _repeats_table(report: RepeatsReport, lang: str) -> None:
    def pair(found: tuple[int, int, float]) -> str:
        return f"{found[0]}–{found[1]}: {_number(found[2])}"

    rows = [
        {
            t("units_rep_col_token", lang): visible_token(r.token),
            t("units_rep_col_count", lang): len(r.steps),
            t("units_rep_col_steps", lang): _steps_text(r.steps),
            t("units_rep_col_mean", lang): round(r.mean_distance, DIGITS),
            t("units_rep_col_closest", lang): pair(r.closest),
            t("units_rep_col_farthest", lang): pair(r.farthest),
            t("units_rep_col_cosine", lang): round(r.mean_cosine, DIGITS),
        }
        for r in sorted(report.repeats, key=lambda r: -len(r.steps))
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="content")
    st.caption(t("units_rep_table_caption", lang, typical=_number(report.typical_distance)))


# --- a unit in the text ----------------------------------------------------------------


def render_unit_text(trace: Trace, seq: int, layer: int, direction: int, lang: str) -> None:
    st.caption(t("units_text_caption", lang))
    quantity, unit = _unit_controls(trace, lang)
    spec = built_once(
        "unit_text", trace, (quantity, layer, direction, unit, seq, lang),
        lambda: unit_text_spec(trace, quantity, layer, direction, unit, seq, lang),
    )  # fmt: skip
    name = png_filename(f"text-{quantity}{unit}", trace, seq, layer, direction)
    chart(spec, name, TEXT_CHART)
    _grid_notes(trace, seq, lang)
    stretch = _current_stretch(trace.hidden.shape[3])
    spec = built_once(
        "unit_heatmap", trace, (quantity, seq, layer, direction, unit, stretch, lang),
        lambda: unit_heatmap_spec(trace, quantity, seq, layer, direction, unit, stretch, lang),
    )  # fmt: skip
    name = png_filename(f"units-{quantity}", trace, seq, layer, direction)
    chart(spec, name, HEATMAP_CHART, on_select=_on_heatmap_select,
          selection_mode=("points", "box"))  # fmt: skip
    st.caption(t("units_text_heatmap_caption", lang))
    if stretch is not None:
        _ranking(trace, quantity, seq, layer, direction, stretch, lang)


def _unit_controls(trace: Trace, lang: str) -> tuple[str, int]:
    """Which quantity (h, c, a gate) and which unit; stale choices are reset before the
    widgets are drawn, and the choice survives a visit to another tab."""
    names = quantities(trace)
    units = trace.hidden.shape[-1]
    _restore(QUANTITY_KEY, names, HIDDEN)
    _restore(UNIT_KEY, range(units), 0)
    left, right = st.columns(2)
    with left:
        quantity = st.selectbox(
            t("units_text_quantity", lang), names, key=QUANTITY_KEY,
            format_func=lambda q: quantity_label(trace, q, lang), disabled=len(names) == 1,
        )  # fmt: skip
    with right:
        unit = st.selectbox(
            t("units_text_unit", lang), list(range(units)), key=UNIT_KEY,
            format_func=lambda u: unit_name(trace, quantity, u),
            help=t("units_text_unit_help", lang),
        )  # fmt: skip
    _keep(QUANTITY_KEY)
    _keep(UNIT_KEY)
    return quantity, unit


def _grid_notes(trace: Trace, seq: int, lang: str) -> None:
    grid = text_grid(trace, seq)
    total = len(trace.tokens)
    if len(grid.sequences) < total:
        first, last = grid.sequences[0] + 1, grid.sequences[-1] + 1
        st.caption(t("units_text_window", lang, first=first, last=last, total=total))
    if grid.steps_shown < len(trace.tokens[0]):
        st.caption(t("units_text_cut", lang, steps=grid.steps_shown))


def _current_stretch(steps: int) -> tuple[int, int] | None:
    """The chosen stretch, clipped to this scene's steps (None if it lies beyond)."""
    stretch = st.session_state.get(STRETCH_KEY)
    if stretch is None:
        return None
    start, stop = max(0, stretch[0]), min(steps - 1, stretch[1])
    if start > stop:
        st.session_state.pop(STRETCH_KEY, None)
        return None
    return start, stop


def _ranking(trace, quantity, seq, layer, direction, stretch, lang) -> None:
    values = quantity_values(trace, quantity)[layer, direction, seq]  # (T, H)
    ranking = rank_units(values, *stretch)
    if ranking is None:  # the stretch lies past this sequence's end
        return
    st.markdown("**" + t("units_text_rank_title", lang, start=ranking.start,
                         stop=ranking.stop, number=seq + 1) + "**")  # fmt: skip
    joiner = {"chars": "", "words": " ", "numbers": ", "}[trace.config.tokens]
    read = joiner.join(trace.tokens[seq][ranking.start : ranking.stop + 1])
    st.caption(t("units_text_rank_tokens", lang, tokens=quoted(read.replace(" ", "␣"), limit=40)))
    st.caption(t("units_text_rank_contrast" if ranking.has_outside else "units_text_rank_all",
                 lang))  # fmt: skip
    top = min(MAX_RANKED, len(ranking.units))
    names = [unit_name(trace, quantity, int(u)) for u in ranking.units[:top]]
    rows = {
        t("units_text_col_rank", lang): range(1, top + 1),
        t("units_text_col_unit", lang): names,
        t("units_text_col_score", lang): ranking.score[:top].round(4),
        t("units_text_col_inside", lang): ranking.inside[:top].round(4),
    }  # fmt: skip
    if ranking.has_outside:
        rows[t("units_text_col_outside", lang)] = ranking.outside[:top].round(4)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="content")
    best = int(ranking.units[0])
    left, right = st.columns([1, 1])
    with left:
        st.button(
            t("units_text_use_top", lang, unit=unit_name(trace, quantity, best)),
            key="unit_text_use_top", on_click=_choose_unit, args=(best,), type="primary",
        )  # fmt: skip
    with right:
        st.button(t("units_text_clear", lang), key="unit_text_clear", on_click=_clear_stretch)


# --- what a click or a box on the heatmap means ----------------------------------------


def stretch_from_box(xs: list[float]) -> tuple[int, int]:
    """A box's x extent -> the steps whose cell centres it covers (at least the one
    nearest its middle)."""
    low, high = min(xs), max(xs)
    start, stop = math.ceil(low), math.floor(high)
    if start > stop:
        start = stop = round((low + high) / 2)
    return start, stop


def selection_choice(selection: Mapping) -> tuple[str, object] | None:
    """Streamlit's Plotly selection -> ("stretch", (start, stop)) for a box, ("unit", u)
    for a clicked cell (its customdata, else its y), None for an empty selection."""
    boxes = [box for box in selection.get("box") or [] if len(box.get("x") or []) >= 2]
    if boxes:
        return "stretch", stretch_from_box(boxes[-1]["x"])
    for point in selection.get("points") or []:
        unit = point.get("customdata", point.get("y"))
        if isinstance(unit, list | tuple):
            unit = unit[0] if unit else None
        if unit is not None:
            return "unit", int(unit)
    return None


def apply_selection(state: MutableMapping, selection: Mapping) -> None:
    """What the heatmap's on_select callback does to the session state."""
    choice = selection_choice(selection)
    if choice is None:
        return
    kind, value = choice
    if kind == "unit":
        state[UNIT_KEY] = value
    else:
        state[STRETCH_KEY] = value


def _on_heatmap_select() -> None:
    event = st.session_state.get(HEATMAP_CHART)
    if event is not None:
        apply_selection(st.session_state, event["selection"])


def _choose_unit(unit: int) -> None:
    st.session_state[UNIT_KEY] = unit


def _clear_stretch() -> None:
    st.session_state.pop(STRETCH_KEY, None)
