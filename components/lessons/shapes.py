"""The shapes lesson, above the lessons: every tensor with its shape and what each dimension
means, and the batch_first pitfall drawn as the grid typed beside the grid PyTorch read."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.charting import built_once, chart
from components.figures import shapes as shapes_figure
from components.i18n import t
from components.sidebar.controls import turn_on_batch_first
from components.text import shape_text
from model.cells import CELL_FACTS
from model.trace import Trace

NAMES = ("input_data", "outputs", "h_n", "c_n")  # the short line: the tensors code prints
PICTURE_KEY = "pitfall_picture"  # the lazy expander holding the picture


def tensor_shapes(trace: Trace, lang: str) -> list[tuple[str, tuple[int, ...], str]]:
    """(name, shape, dimension-names text key) for every tensor of the scene, in the
    order the code meets them. Shapes are read off the trace's own arrays."""
    config, encoded = trace.config, trace.encoded
    read_batch, read_steps, width = trace.inputs.shape
    built = (encoded.batch_size, encoded.max_length, width)
    read = ("dims_bf", "dims_sf")[not config.batch_first]
    output = trace.output.shape if config.batch_first else (read_steps, read_batch,
                                                           trace.output.shape[-1])  # fmt: skip
    rows = [
        ("input_data", built, "dims_built"),
        (t("shapes_read", lang), (read_batch, read_steps, width) if config.batch_first
         else (read_steps, read_batch, width), read),
        ("outputs", output, "dims_output_bf" if config.batch_first else "dims_output_sf"),
        ("h_n", trace.h_n.shape, "dims_state"),
    ]  # fmt: skip
    if trace.c_n is not None:
        rows.append(("c_n", trace.c_n.shape, "dims_state"))
    for name, values in trace.weights.items():
        kind = name.split("_l")[0]  # weight_ih, weight_hh, bias_ih, bias_hh
        rows.append((name, values.shape, "dims_" + kind))
    return rows


def render_shapes(trace: Trace, prefix: str, lang: str) -> None:
    config = trace.config
    rows = tensor_shapes(trace, lang)
    states = 5 if trace.c_n is not None else 4  # inputs, outputs, h_n (, c_n)
    short = [f"`{name}` {shape_text(shape)}" for name, shape, _ in rows[:states] if name in NAMES]
    read_batch, read_steps, width = trace.inputs.shape
    read = "shapes_read_bf" if config.batch_first else "shapes_read_sf"
    short.insert(1, t(read, lang, batch=read_batch, steps=read_steps, input=width))
    st.markdown(f"**{t('shapes_title', lang)}** · " + " · ".join(short))
    with st.expander(t("shapes_all", lang)):
        gates = CELL_FACTS[config.cell].blocks
        table = pd.DataFrame(
            {
                t("shapes_col_tensor", lang): [name for name, _, _ in rows],
                t("shapes_col_shape", lang): [shape_text(shape) for _, shape, _ in rows],
                t("shapes_col_dims", lang): [_dims(dims, gates, lang) for *_, dims in rows],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption(t("shapes_caption", lang))
    if not config.batch_first:
        render_pitfall(trace, prefix, lang)
    elif trace.packed:
        st.caption(t("packed_note", lang))


def render_pitfall(trace: Trace, prefix: str, lang: str) -> None:
    """The batch_first pitfall in one line with its one-click fix; the picture of the grid
    typed beside the grid PyTorch read on demand (a lazy expander: drawn only when open)."""
    encoded = trace.encoded
    lines, steps = encoded.batch_size, encoded.max_length
    text, fix = st.columns([5, 2], vertical_alignment="center")
    with text:
        st.markdown("💡 " + t("batch_first_pitfall", lang, lines=lines, steps=steps))
    with fix:
        st.button(
            t("batch_first_fix", lang), key=f"{prefix}_fix_batch_first",
            help=t("batch_first_fix_help", lang), on_click=turn_on_batch_first, args=(prefix,),
            type="primary", width="stretch",
        )  # fmt: skip
    if shapes_figure.grid_fits(trace):
        picture = st.expander(t("pitfall_picture", lang), key=PICTURE_KEY, on_change="rerun")
        if picture.open:
            with picture:
                spec = built_once("pitfall", trace, (lang,),
                                  lambda: shapes_figure.pitfall_spec(trace, lang))  # fmt: skip
                chart(spec, "batch-first-pitfall", "pitfall_chart")
    if len(set(encoded.lengths.tolist())) > 1:
        st.caption(t("batch_first_padding", lang))


def _dims(key: str, gates: int, lang: str) -> str:
    per_gate = key.startswith(("dims_weight", "dims_bias"))  # "(4 × hidden, input)"
    return t(key, lang, **({"gates": gates} if per_gate else {}))
