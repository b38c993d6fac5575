"""The training charts: loss (and accuracy) per step, and the hidden states of a run as it
trains. Pure builders; no Streamlit."""

from __future__ import annotations

import numpy as np

from components.figures.parts import (
    CURSOR,
    PATH_BLUE,
    UNIT_COLOURS,
    base_layout,
    coloraxis,
    colour_range,
    heatmap,
    time_axis,
    unit_axis,
)
from components.i18n import t

MAX_LIVE_STEPS = 100  # the live heatmap draws at most this many steps ...
MAX_LIVE_UNITS = 64  # ... and units: a compact chart, redrawn while a class trains


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


def live_states_spec(
    values: np.ndarray,
    tokens: tuple[str, ...],
    step: int,
    lang: str = "en",
    unit_labels: tuple[str, ...] | None = None,
    height: int = 360,
) -> dict:
    """values (T, H): h_t of the first sequence after `step` training steps, units on y
    and tokens on x, on a colour scale fitted to these values and symmetric about 0 (white
    is 0), as the main chart's fitted scale. At most MAX_LIVE_STEPS x MAX_LIVE_UNITS; the
    title says when it shows only part."""
    shown = np.asarray(values[:MAX_LIVE_STEPS, :MAX_LIVE_UNITS], dtype=np.float32)
    tokens = tuple(tokens[: shown.shape[0]])
    title = t("fig_train_states", lang, step=step)
    if shown.shape != values.shape:
        part = t("fig_train_states_part", lang, steps=shown.shape[0], units=shown.shape[1])
        title = f"{title} · {part}"
    low, high = colour_range(shown, bounded=True, fitted=True)
    labels = list(unit_labels[: shown.shape[1]]) if unit_labels else None
    layout = base_layout(title, height)
    layout["margin"] = {"l": 90 if labels else 60, "r": 20, "t": 70, "b": 60}
    layout.update(
        xaxis=time_axis(tokens, title=True, lang=lang),
        yaxis=unit_axis(shown.shape[1], t("fig_unit", lang), labels),
        coloraxis=coloraxis(low, high, lang, fitted=True),
    )
    return {"data": [heatmap(shown, tokens, "h", "x", "y", lang)], "layout": layout}


def _hover(what: str, number: str, lang: str) -> str:
    return f"{t('fig_train_step', lang)} %{{x}}: {t(what, lang)} %{{y:{number}}}<extra></extra>"
