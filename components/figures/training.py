"""The training chart: loss (and accuracy) per step. A pure builder; no Streamlit."""

from __future__ import annotations

import numpy as np

from components.figures.parts import CURSOR, PATH_BLUE, UNIT_COLOURS, base_layout
from components.i18n import t


def training_spec(
    steps, losses, accuracies=None, shown_step: int | None = None, lang: str = "en"
) -> dict:
    """Loss (and, for tokens, accuracy) per training step; a dotted line marks the step
    whose weights the other charts show."""
    steps = [int(s) for s in steps]
    data = [{
        "type": "scatter", "x": steps, "y": np.asarray(losses, dtype=np.float64),
        "mode": "lines", "name": "loss", "line": {"color": PATH_BLUE, "width": 3},
        "hovertemplate": _hover("fig_train_loss", ".4f", lang), "xaxis": "x", "yaxis": "y",
    }]  # fmt: skip
    layout = base_layout(t("fig_training", lang), 360 if accuracies is None else 480)
    layout["margin"] = {"l": 80, "r": 40, "t": 70, "b": 60}
    layout["plot_bgcolor"] = "#f3f4f6"
    split = accuracies is not None
    layout["xaxis"] = {"title": {"text": t("fig_train_step", lang)},
                       "anchor": "y2" if split else "y", "gridcolor": "white",
                       "zeroline": False}  # fmt: skip
    layout["yaxis"] = {"title": {"text": t("fig_train_loss", lang)},
                       "domain": [0.45, 1.0] if split else [0, 1], "gridcolor": "white",
                       "rangemode": "tozero"}  # fmt: skip
    if split:
        data.append({
            "type": "scatter", "x": steps, "y": np.asarray(accuracies, dtype=np.float64),
            "mode": "lines", "name": "accuracy", "line": {"color": UNIT_COLOURS[1], "width": 3},
            "hovertemplate": _hover("fig_train_accuracy", ".0%", lang),
            "xaxis": "x", "yaxis": "y2",
        })  # fmt: skip
        layout["yaxis2"] = {"title": {"text": t("fig_train_accuracy", lang)}, "domain": [0.0, 0.38],
                            "range": [-0.05, 1.05], "tickformat": ".0%", "anchor": "x",
                            "gridcolor": "white"}  # fmt: skip
    if shown_step is not None:
        layout["shapes"] = [{
            "type": "line", "xref": "x", "yref": "paper", "x0": shown_step, "x1": shown_step,
            "y0": 0, "y1": 1, "line": {"color": CURSOR, "width": 2, "dash": "dot"},
        }]  # fmt: skip
    return {"data": data, "layout": layout}


def _hover(what: str, number: str, lang: str) -> str:
    return f"{t('fig_train_step', lang)} %{{x}}: {t(what, lang)} %{{y:{number}}}<extra></extra>"
