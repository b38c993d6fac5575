"""The seq2seq lesson's figures: one translation's hidden states, the encoder's over the
source words beside the decoder's over the words it wrote, on one colour scale; and the
training loss per iteration. Pure builders returning spec dicts; no Streamlit here.

The decoder panel opens with a labelled column, "start": the state the decoder starts
from, which is the encoder's last state (the lab's `decoder_hidden = encoder_hidden`). The
same outline marks both, and an arrow runs from one to the other.
"""

from __future__ import annotations

import numpy as np

from components.figures.parts import (
    CELL_NAMES,
    CURSOR,
    base_layout,
    coloraxis,
    colour_range,
    display_token,
    heatmap,
    subplot_title,
    unit_axis,
)
from components.figures.training import training_spec
from components.i18n import t
from model.lessons.seq2seq import Translation

MAX_TICK_CHARS = 10  # a word longer than this is cut on the axis (hover shows it whole)
GAP = 0.07  # paper width between the two panels (the arrow crosses it)
START = -1  # the decoder panel's x of its start column


def short_word(word: str, most: int = MAX_TICK_CHARS) -> str:
    """A word as Plotly text, cut to `most` characters."""
    return display_token(word if len(word) <= most else word[: most - 1] + "…")


def _labels(words: tuple[str, ...]) -> list[str]:
    return [short_word(word) for word in words]


def _panels(source_steps: int, decoder_steps: int) -> tuple[list[float], list[float]]:
    """x domains of the encoder and decoder panels, each column as wide as the others."""
    columns = source_steps + decoder_steps + 1  # the decoder's start column too
    split = (1 - GAP) * source_steps / columns
    return [0.0, split], [split + GAP, 1.0]


def states_spec(translation: Translation, cell: str, lang: str = "en", which: str = "h") -> dict:
    """The encoder's states (T_src, H) over the source words and <EOS>, beside the start
    column (the encoder's last state) and the decoder's states (T_dec, H) over the words it
    wrote, units on y, one colour scale fitted to both and symmetric about 0 (white = 0).
    `which`: "h" the hidden states, "c" an LSTM's cell states."""
    cells = which == "c"
    encoder = translation.encoder_cells if cells else translation.encoder_states  # (T_src, H)
    decoder = translation.decoder_cells if cells else translation.decoder_states  # (T_dec, H)
    start = encoder[-1:]  # (1, H): the decoder's first state comes from this one
    source, written = translation.source_words, translation.predicted
    low, high = colour_range(np.concatenate([encoder, decoder]), bounded=True, fitted=True)
    name = "c" if cells else "h"
    encoder_trace = heatmap(encoder, source, name, "x", "y", lang)
    decoder_trace = heatmap(decoder, written, name, "x2", "y2", lang)
    fed = t("fig_s2s_fed", lang)
    decoder_trace["customdata"] = np.broadcast_to(np.array([
        f"{step} · {fed} {display_token(before)} → {display_token(word)}"
        for step, (before, word) in enumerate(zip(translation.decoder_inputs, written, strict=True))
    ], dtype=object), decoder_trace["z"].shape)  # fmt: skip
    start_trace = heatmap(start, (t("fig_s2s_start", lang),), name, "x2", "y2", lang)
    start_trace["x"] = [START]
    units = encoder.shape[1]
    title = t("fig_s2s_title_c" if cells else "fig_s2s_title", lang, cell=CELL_NAMES[cell])
    layout = base_layout(title, 300 + 14 * min(units, 24))
    layout["margin"] = {"l": 70, "r": 20, "t": 90, "b": 20}
    layout["plot_bgcolor"] = "white"
    left, right = _panels(len(source), len(written))
    layout.update(
        xaxis=_words_axis(left, list(range(len(source))), _labels(source), "y"),
        xaxis2=_words_axis(
            right, [START, *range(len(written))], [_start_label(lang), *_labels(written)], "y2"
        ),  # fmt: skip
        yaxis=unit_axis(units, t("fig_unit", lang), anchor="x", domain=[0, 1]),
        yaxis2=unit_axis(
            units, "", anchor="x2", matches="y", showticklabels=False, domain=[0, 1]
        ),  # fmt: skip
        coloraxis=coloraxis(low, high, lang, fitted=True, len=0.9, y=0.45),
    )
    layout["coloraxis"]["colorbar"]["title"] = {
        "text": t("fig_s2s_colour", lang, name=name, bound=f"{high:.2g}"),
        "side": "right",
    }
    layout["annotations"] = [
        subplot_title(t("fig_s2s_encoder", lang), tuple(left), 1.01),
        subplot_title(t("fig_s2s_decoder", lang), tuple(right), 1.01),
        _arrow(len(source), left, right, len(written)),
    ]
    layout["shapes"] = [_outline("x", "y", len(source) - 1, units),
                        _outline("x2", "y2", START, units),
                        {"type": "line", "xref": "x2", "yref": "y2 domain", "x0": START + 0.5,
                         "x1": START + 0.5, "y0": 0, "y1": 1,
                         "line": {"color": CURSOR, "width": 2, "dash": "dot"}}]  # fmt: skip
    return {"data": [encoder_trace, start_trace, decoder_trace], "layout": layout}


def _words_axis(domain: list[float], ticks: list[int], labels: list[str], anchor: str) -> dict:
    """Words under their columns, turned (45 or 90 degrees) only when they would overlap
    (a phone, long Korean words); the step is in the hover."""
    return {"domain": domain, "anchor": anchor, "tickmode": "array", "tickvals": ticks,
            "ticktext": labels, "range": [ticks[0] - 0.5, ticks[-1] + 0.5],
            "autotickangles": [0, 45, 90], "showgrid": False, "zeroline": False,
            "automargin": True}  # fmt: skip


def _start_label(lang: str) -> str:
    return f"<b>{t('fig_s2s_start', lang)}</b>"


def _outline(xaxis: str, yaxis: str, column: int, units: int) -> dict:
    return {"type": "rect", "xref": xaxis, "yref": yaxis, "x0": column - 0.5, "x1": column + 0.5,
            "y0": -0.5, "y1": units - 0.5, "line": {"color": CURSOR, "width": 3}}  # fmt: skip


def _arrow(source_steps: int, left: list[float], right: list[float], decoder_steps: int) -> dict:
    """From the encoder's last column to the decoder's start column, across the gap, at
    mid-height (coordinates in the encoder's x domain: both ends are in one system)."""
    width = left[1] - left[0]
    column = (right[1] - right[0]) / (decoder_steps + 1)
    tail = 1.0 + 0.15 * GAP / width  # just right of the encoder panel
    head = (right[0] + 0.2 * column - left[0]) / width
    return {"xref": "x domain", "yref": "y domain", "axref": "x domain", "ayref": "y domain",
            "x": head, "y": 0.5, "ax": tail, "ay": 0.5, "text": "", "showarrow": True,
            "arrowhead": 2, "arrowsize": 1.4, "arrowwidth": 3, "arrowcolor": CURSOR,
            "standoff": 0, "startstandoff": 0}  # fmt: skip


def loss_spec(losses: np.ndarray, lang: str = "en") -> dict:
    """The loss of every iteration (the lab's loss / target length), iterations from 1."""
    spec = training_spec(range(1, len(losses) + 1), losses, lang=lang)
    spec["layout"]["title"]["text"] = t("fig_s2s_loss", lang)
    spec["layout"]["xaxis"]["title"]["text"] = t("fig_s2s_iteration", lang)
    spec["layout"]["height"] = 320
    return spec
