"""The main view's first chart, the hidden state over time (`timeline_spec`): every unit
as a heatmap (rows = units, columns = steps, tokens on the time axis) with the chosen
units as lines above it, on one time axis. Its neighbour, the path through state space,
is `components.figures.state_space`; the two share HEIGHT and `subtitled`.

The time cursor moves in the browser (`components.stepper`): each figure names its
cursor shapes and carries the per-step positions of its moving marks in
`layout.meta[0].hse` (`components.figures.cursor.time_meta`); no Plotly frames, so a chart
redrawn by fullscreen or by a new scene still steps. Long sequences open on a window of
WINDOW_STEPS steps with every token readable; the window pans (drag, or the cursor
leaving it).

Colour: by default the scale is fitted to the data (symmetric about 0, so white is
always 0), so LSTM, GRU and large hidden sizes show their structure; `fixed` keeps
tanh's [-1, 1]. The colour bar says which.

Speed: each builder writes the figure as a plain dict and wraps it once, unvalidated;
the tests check the specs instead, and the browser tests draw them.
"""

from __future__ import annotations

import numpy as np

from components.figures.cursor import (
    cursor_shape,
    time_meta,
)
from components.figures.parts import (
    FONT_SIZE,
    UNIT_COLOURS,
    base_layout,
    chart_title,
    coloraxis,
    colour_range,
    fixed_margins,
    heatmap,
    is_bounded,
    left_margin,
    time_axis,
    titled,
    unit_axis,
    where,
)
from components.i18n import t as tr
from model.trace import Trace

HEIGHT = 430  # both charts: fits a 720 px projector screen under the view controls
LINES_DOMAIN = (0.68, 1.0)  # the chosen units' lines, above ...
HEATMAP_DOMAIN = (0.0, 0.6)  # ... every unit as a heatmap, over the tokens
WINDOW_STEPS = 40  # longer sequences open on this many steps, every token readable
SUBTITLE_PX = 22  # the title's room grows by this for a subtitle
# what Plotly's measuring found for the colour bar, the legend and two-line step labels
# (at 1440 and 390 px wide), now given: components.figures.parts.fixed_margins
TIMELINE_RIGHT, TIMELINE_BOTTOM = 116, 84
COLOURBAR_LEN = 0.42  # the colour bar, bottom right; the units' legend above it, top right


def window_range(steps: int) -> list[float]:
    return [-0.5, min(steps, WINDOW_STEPS) - 0.5]


def timeline_spec(
    trace: Trace,
    seq: int,
    layer: int,
    direction: int,
    units: list[int] | None = None,
    lang: str = "en",
    fitted: bool = True,
    unit_labels: list[str] | None = None,
    when: str = "",
) -> dict:
    """Every unit of h_t as a heatmap over the tokens, the chosen units as lines above,
    one time cursor across both. `unit_labels` name the heatmap's rows (e.g. the token a
    logit unit scores); `when` is the title's subtitle (e.g. the training step shown)."""
    states = trace.hidden[layer, direction, seq]  # (T, H)
    tokens = trace.tokens[seq]
    steps, hidden = states.shape
    units = list(range(min(hidden, len(UNIT_COLOURS)))) if units is None else units
    bounded = is_bounded(trace)
    shown = trace.hidden[layer, direction]
    zmin, zmax = colour_range(shown, bounded, fitted)
    data = [heatmap(states, tokens, "h", "x", "y", lang), *_unit_lines(states, units)]
    title = chart_title(tr("fig_hidden_state", lang), trace, seq, lang=lang)  # layer: subtitle
    layout = base_layout(title, HEIGHT)
    windowed = steps > WINDOW_STEPS
    layout.update(
        margin={"l": 64, "r": 104, "t": 44, "b": 78},
        xaxis=time_axis(tokens, title=True, lang=lang, anchor="y", range=window_range(steps),
                        with_step=not windowed, windowed=windowed),
        yaxis=unit_axis(hidden, tr("fig_hidden_unit", lang), unit_labels,
                        domain=list(HEATMAP_DOMAIN), anchor="x"),
        xaxis2={"matches": "x", "anchor": "y2", "showticklabels": False, "showgrid": False,
                "zeroline": False},
        yaxis2={"title": {"text": tr("fig_value", lang)}, "domain": list(LINES_DOMAIN),
                "automargin": True,
                "anchor": "x2", "gridcolor": "white", "range": [zmin * 1.08, zmax * 1.08],
                "zeroline": True, "zerolinecolor": "#9ca3af"},
        coloraxis=coloraxis(zmin, zmax, lang, fitted=fitted, x=1.015, xanchor="left",
                            y=HEATMAP_DOMAIN[0], yanchor="bottom", len=COLOURBAR_LEN),
        legend={"x": 1.015, "xanchor": "left", "y": LINES_DOMAIN[1], "yanchor": "top",
                "font": {"size": FONT_SIZE - 3}, "tracegroupgap": 0, "bgcolor": "rgba(0,0,0,0)"},
        showlegend=bool(units),
        dragmode="pan" if windowed else "zoom",
        shapes=[cursor_shape(0, "x", "y"), cursor_shape(0, "x2", "y2")],
        meta=time_meta(steps, window_axes=["xaxis"] if windowed else []),
    )  # fmt: skip
    ticks = unit_labels or [str(hidden - 1)]
    fixed_margins(layout, l=left_margin(list(ticks), 64), r=TIMELINE_RIGHT, b=TIMELINE_BOTTOM)
    subtitled(layout, trace, layer, direction, when, lang)
    return {"data": data, "layout": layout}


def subtitled(layout: dict, trace: Trace, layer: int, direction: int, when: str, lang: str):
    """The title's subtitle, in both main charts alike: the layer and the direction shown
    (when the scene has more than one), then `when` (" · after 40 training steps"). On
    the title's line, "Hidden state · LSTM · sequence 2 · layer 2 · reverse" ran into the
    chart beside it; apart, what is shown is read apart from what the chart is."""
    text = titled(where(trace, lang, layer=layer, direction=direction), when.removeprefix(" · "))
    if text:
        layout["title"]["subtitle"] = {"text": text, "font": {"size": FONT_SIZE - 2}}
        layout["margin"]["t"] += SUBTITLE_PX


def _unit_lines(states: np.ndarray, units: list[int]) -> list[dict]:
    """The chosen units as lines over time, each named in the legend in its own colour."""
    steps = states.shape[0]
    lines = []
    for index, unit in enumerate(units):
        colour = UNIT_COLOURS[index % len(UNIT_COLOURS)]
        name = f"h[{unit}]"
        lines.append({
            "type": "scatter", "x": np.arange(steps, dtype=np.int32),
            "y": states[:, unit].astype(np.float32), "name": name,
            "mode": "lines" if steps > WINDOW_STEPS else "lines+markers",
            "legendgroup": "units", "showlegend": True,
            "line": {"color": colour, "width": 3}, "marker": {"size": 6},
            "hovertemplate": f"{name} t=%{{x}}: %{{y:.4f}}<extra></extra>",
            "xaxis": "x2", "yaxis": "y2",
        })  # fmt: skip
    return lines
