"""The "A unit in the text" lesson: the typed text coloured by one unit (pick the unit in
a list or by clicking the heatmap; box-select a stretch of time to rank the units most
active there).

Numbers come from `model.lessons.unit_text`; user text reaches the page as Plotly labels,
dataframe cells and Markdown code spans (`quoted`), never as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, MutableMapping

import pandas as pd
import streamlit as st

from components.charting import built_once, chart
from components.figures.names import png_filename
from components.figures.unit_text import (
    quantity_label,
    text_grid,
    unit_heatmap_spec,
    unit_name,
    unit_text_spec,
)
from components.i18n import t
from components.lessons.view import LessonView, keep, restore
from components.text import typed_text
from model.errors import quoted
from model.lessons.unit_text import HIDDEN, quantities, quantity_values, rank_units
from model.trace import Trace

QUANTITY_KEY = "unit_text_quantity"
UNIT_KEY = "unit_text_unit"
STRETCH_KEY = "unit_text_stretch"  # (start, stop) chosen by a box selection
TEXT_CHART = "unit_text_chart"
HEATMAP_CHART = "unit_text_heatmap"
MAX_RANKED = 10  # rows of the ranking table


def render(view: LessonView) -> None:
    trace, seq, layer, direction, lang = (
        view.trace, view.seq, view.layer, view.direction, view.lang
    )  # fmt: skip
    st.caption(t("unit_text_caption", lang))
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
    chart(spec, name, HEATMAP_CHART, on_select=on_heatmap_select,
          selection_mode=("points", "box"))  # fmt: skip
    st.caption(t("unit_text_heatmap_caption", lang))
    if stretch is not None:
        _ranking(trace, quantity, seq, layer, direction, stretch, lang)


def _unit_controls(trace: Trace, lang: str) -> tuple[str, int]:
    """Which quantity (h, c, a gate) and which unit; stale choices are reset before the
    widgets are drawn, and the choice survives a visit to another tab."""
    names = quantities(trace)
    units = trace.hidden.shape[-1]
    restore(QUANTITY_KEY, names, HIDDEN)
    restore(UNIT_KEY, range(units), 0)
    left, right = st.columns(2)
    with left:
        quantity = st.selectbox(
            t("unit_text_quantity", lang), names, key=QUANTITY_KEY,
            format_func=lambda q: quantity_label(trace, q, lang), disabled=len(names) == 1,
        )  # fmt: skip
    with right:
        unit = st.selectbox(
            t("unit_text_unit", lang), list(range(units)), key=UNIT_KEY,
            format_func=lambda u: unit_name(trace, quantity, u),
            help=t("unit_text_unit_help", lang),
        )  # fmt: skip
    keep(QUANTITY_KEY)
    keep(UNIT_KEY)
    return quantity, unit


def _grid_notes(trace: Trace, seq: int, lang: str) -> None:
    grid = text_grid(trace, seq)
    total = len(trace.tokens)
    if len(grid.sequences) < total:
        first, last = grid.sequences[0] + 1, grid.sequences[-1] + 1
        st.caption(t("unit_text_window", lang, first=first, last=last, total=total))
    if grid.steps_shown < len(trace.tokens[0]):
        st.caption(t("unit_text_cut", lang, steps=grid.steps_shown))


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
    st.markdown("**" + t("unit_text_rank_title", lang, start=ranking.start,
                         stop=ranking.stop, number=seq + 1) + "**")  # fmt: skip
    read = typed_text(trace, trace.tokens[seq][ranking.start : ranking.stop + 1])
    st.caption(t("unit_text_rank_tokens", lang, tokens=quoted(read.replace(" ", "␣"), limit=40)))
    st.caption(t("unit_text_rank_contrast" if ranking.has_outside else "unit_text_rank_all",
                 lang))  # fmt: skip
    top = min(MAX_RANKED, len(ranking.units))
    names = [unit_name(trace, quantity, int(u)) for u in ranking.units[:top]]
    rows = {
        t("unit_text_col_rank", lang): range(1, top + 1),
        t("unit_text_col_unit", lang): names,
        t("unit_text_col_score", lang): ranking.score[:top].round(4),
        t("unit_text_col_inside", lang): ranking.inside[:top].round(4),
    }  # fmt: skip
    if ranking.has_outside:
        rows[t("unit_text_col_outside", lang)] = ranking.outside[:top].round(4)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="content")
    best = int(ranking.units[0])
    left, right = st.columns([1, 1])
    with left:
        st.button(
            t("unit_text_use_top", lang, unit=unit_name(trace, quantity, best)),
            key="unit_text_use_top", on_click=_choose_unit, args=(best,), type="primary",
        )  # fmt: skip
    with right:
        st.button(t("unit_text_clear", lang), key="unit_text_clear", on_click=_clear_stretch)


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


def on_heatmap_select() -> None:
    event = st.session_state.get(HEATMAP_CHART)
    if event is not None:
        apply_selection(st.session_state, event["selection"])


def _choose_unit(unit: int) -> None:
    st.session_state[UNIT_KEY] = unit


def _clear_stretch() -> None:
    st.session_state.pop(STRETCH_KEY, None)
