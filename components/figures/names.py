"""The names a chart carries out of the page: its PNG file name and the Plotly config of
its download button. Pure functions; no Streamlit here.
"""

from __future__ import annotations

from model.trace import Trace


def png_filename(kind: str, trace: Trace, seq: int | None, layer: int, direction: int) -> str:
    """A PNG name that says what the chart is, e.g. hidden-state_lstm_h4_seq1_layer2_reverse
    (no sequence part when `seq` is None: a chart of the weights)."""
    name = f"{kind}_{trace.config.cell}_h{trace.config.hidden_size}"
    if seq is not None:
        name += f"_seq{seq + 1}"
    if trace.num_layers > 1:
        name += f"_layer{layer + 1}"
    if trace.num_directions > 1:
        name += "_forward" if direction == 0 else "_reverse"
    return name


def input_png_filename(seq: int) -> str:
    """The input chart's PNG name: what is fed in does not depend on the cell or the
    hidden size, and a name that did would make Streamlit redraw an unchanged chart
    (its element id hashes the config)."""
    return f"input_seq{seq + 1}"


def chart_config(filename: str) -> dict:
    """Plotly config for st.plotly_chart: PNG button with a meaningful name, no logo."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        # a short toolbar: on a phone it sits over the title
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "zoomIn2d", "zoomOut2d", "autoScale2d"],
    }
