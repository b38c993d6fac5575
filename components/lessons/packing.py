"""The "Packed sequences" lesson: the scene's batch padded, sorted by length and packed as
`pack_padded_sequence` does it (the course's packed-sequence lab), `batch_sizes` and
`sorted_indices` as PyTorch prints them, each packed row's h_t, and the lab's code."""

from __future__ import annotations

import streamlit as st

from components.charting import built_once, chart
from components.figures.names import png_filename
from components.figures.packing import grid_spec, packed_spec
from components.figures.parts import is_bounded
from components.i18n import t
from components.lessons.view import LessonView
from model.lessons.packing import Packing, packing, packing_code
from model.trace import Trace


def _packing_for(trace: Trace) -> Packing:
    """Computed once per scene and session (a second forward pass of the module)."""
    return built_once("packing_run", trace, (), lambda: packing(trace))


def render(view: LessonView) -> None:
    trace, layer, direction, lang = view.trace, view.layer, view.direction, view.lang
    run = _packing_for(trace)
    st.markdown(t("packing_intro", lang))
    _render_status(run, lang)
    st.caption(t("packing_printed_caption", lang))
    st.code(run.printed, language=None)
    unsorted = str(run.unsorted_indices.tolist())
    st.caption(t("packing_unsorted", lang, unsorted=unsorted))
    for sorted_order, key in ((False, "padded"), (True, "sorted")):  # one above the other:
        spec = built_once(  # the same steps in the same columns, full width for the tokens
            f"packing_{key}", trace, (lang,), lambda s=sorted_order: grid_spec(run, lang, s)
        )
        chart(spec, png_filename(f"packing-{key}", trace, None, 0, 0), f"packing_{key}_chart")
    st.caption(t("packing_grids_caption", lang))
    spec = built_once(
        "packing_rows", trace, (layer, direction, lang),
        lambda: packed_spec(run, layer, direction, lang, bounded=is_bounded(trace)),
    )  # fmt: skip
    name = png_filename("packing-data", trace, None, layer, direction)
    chart(spec, name, "packing_rows_chart")
    st.caption(t("packing_rows_caption", lang))
    if run.hidden is not None:
        st.caption(t("packing_check", lang, error=run.max_error))
    st.caption(t("packing_code_caption", lang))
    st.code(packing_code(trace), language="python")


def _render_status(run: Packing, lang: str) -> None:
    """Whether the explorer itself runs this batch packed, and why not when it does not."""
    if run.packed_by_explorer:
        st.caption(t("packing_by_explorer", lang))
    elif not run.batch_first:
        st.info(t("packing_not_batch_first", lang))
    else:
        st.info(t("packing_equal", lang, count=len(run.lengths)))
