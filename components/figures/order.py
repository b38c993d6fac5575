"""The "Why recurrence" lesson's figure: the same tokens in their order and shuffled, each
through the scene's cell and through a feed-forward layer with a position index, on the
grid of panels the comparison figures use. A pure builder; no Streamlit here.
"""

from __future__ import annotations

import numpy as np

from components.figures.compare import Panel, grid_spec, joint_range
from components.figures.parts import CELL_NAMES, bounded, titled, where
from components.i18n import t as tr
from model.lessons.order import OrderRun
from model.trace import Trace

MAX_BOXED_STEPS = 60  # longer sequences: no outlines (a box per step would be a pixel wide)
FF_FORMULA = "tanh(W·[x_t, t] + b)"  # the feed-forward layer, the same in every language


def order_spec(run: OrderRun, trace: Trace, layer: int, direction: int, lang: str = "en") -> dict:
    """Rows: the original order, the shuffle. Columns: the RNN's h_t, the feed-forward
    output. Steps where the shuffle kept the original token are outlined everywhere."""
    cell = CELL_NAMES[trace.config.cell]
    boxes = ()
    if run.differs and len(run.tokens) <= MAX_BOXED_STEPS:
        boxes = tuple(int(t) for t in np.flatnonzero(run.same_step))
    ff = tr("order_fig_ff_name", lang)  # the feed-forward output, in the hover text
    panels = [
        Panel(tr("order_fig_rnn_original", lang, cell=cell), run.hidden[layer, direction],
              run.tokens, boxes=boxes),
        Panel(tr("order_fig_ff_original", lang, formula=FF_FORMULA), run.feedforward,
              run.tokens, ff, boxes=boxes),
        Panel(tr("order_fig_rnn_shuffled", lang, cell=cell), run.shuffled_hidden[layer, direction],
              run.shuffled_tokens, boxes=boxes),
        Panel(tr("order_fig_ff_shuffled", lang), run.shuffled_feedforward, run.shuffled_tokens,
              ff, boxes=boxes),
    ]  # fmt: skip
    zrange = joint_range(
        [run.hidden, run.shuffled_hidden], bounded(trace.config.cell, trace.config.nonlinearity)
    )
    shown = where(trace, lang, layer=layer, direction=direction)
    title = titled(tr("order_fig_title", lang), shown)
    return grid_spec(panels, 2, title, zrange, trace.hidden.shape[-1], lang)
