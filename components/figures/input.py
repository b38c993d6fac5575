"""The "Input" lesson's figure: what each step was fed (one-hot rows per token, embedding
or number features) as a heatmap over time. A pure builder; no Streamlit here.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.figures.parts import (
    DIVERGING_SCALE,
    as_figure,
    base_layout,
    colour_range,
    display_token,
    fixed_margins,
    left_margin,
    time_axis,
    titled,
    unit_axis,
    where,
)
from components.i18n import t as tr
from model.trace import Trace

INPUT_RIGHT = 100  # the colour bar with its title on top (what Plotly's measuring found: 95)


def input_spec(trace: Trace, seq: int, lang: str = "en") -> dict:
    """What each step was fed: one-hot rows per token, embedding or number features."""
    encoded = trace.encoded
    values = trace.inputs[seq]  # (T, I)
    tokens = trace.tokens[seq]
    features = values.shape[1]
    if encoded.values is None and trace.config.encoding == "onehot":
        labels = [display_token(t) for t in encoded.vocab]
        y_title = tr("input_fig_vocab_onehot", lang)
    else:
        labels = [str(i) for i in range(features)]
        y_title = tr("input_fig_feature", lang)
    zmin, zmax = colour_range(values, bounded=False)
    feed = {
        "type": "heatmap", "z": np.ascontiguousarray(values.T, dtype=np.float32),
        "x": list(range(len(tokens))), "y": list(range(features)),
        "colorscale": DIVERGING_SCALE, "zmin": zmin, "zmax": zmax,
        "colorbar": {"title": {"text": tr("fig_value", lang), "side": "top"}, "thickness": 14},
        "hovertemplate": "t = %{x}, " + tr("input_fig_feature_hover", lang)
                         + " %{y}: %{z:.4f}<extra></extra>",
    }  # fmt: skip
    title = titled(tr("input_fig_title", lang), where(trace, lang, seq))
    layout = base_layout(title, 230 + 28 * min(features, 16))
    layout.update(
        xaxis=time_axis(tokens, title=True, lang=lang),
        yaxis=unit_axis(features, y_title, labels if features <= 32 else None),
    )
    shown = labels if features <= 32 else [str(features - 1)]
    fixed_margins(layout, l=left_margin(shown, 80), r=INPUT_RIGHT, t=80, b=84)
    return {"data": [feed], "layout": layout}


def input_figure(trace: Trace, seq: int) -> go.Figure:
    return as_figure(input_spec(trace, seq))
