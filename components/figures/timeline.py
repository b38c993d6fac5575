"""The main view's charts: the hidden state over time and its path through state space.

Two figures, drawn side by side on a wide screen and one above the other on a phone:

* `timeline_spec`: every unit as a heatmap (rows = units, columns = steps, tokens on the
  time axis) with the chosen units as lines above it, on one time axis;
* `state_space_spec`: the path of h_t through state space: the units themselves for
  hidden size <= 3 (the lecture's size 2 is a path in the plane; 3 is a 3-D scene), the
  first two principal components otherwise; other sequences faint behind.

The time cursor moves in the browser (`components.stepper`): each figure names its
cursor shapes and carries the per-step positions of its moving marks in
`layout.meta.hse` (`components.figures.parts.time_meta`); no Plotly frames, so a chart
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
    CURSOR,
    POINT_NAME,
    cursor_shape,
    finite_list,
    time_meta,
)
from components.figures.parts import (
    FONT_SIZE,
    MAX_POINT_LABELS,
    PATH_BLUE,
    UNIT_COLOURS,
    base_layout,
    chart_title,
    coloraxis,
    colour_range,
    display_token,
    fixed_margins,
    heatmap,
    is_bounded,
    left_margin,
    time_axis,
    tokens_fit,
    unit_axis,
)
from components.i18n import t as tr
from model.projection import Projection, project_states
from model.trace import Trace

HEIGHT = 430  # both charts: fits a 720 px projector screen under the view controls
LINES_DOMAIN = (0.68, 1.0)  # the chosen units' lines, above ...
HEATMAP_DOMAIN = (0.0, 0.6)  # ... every unit as a heatmap, over the tokens
WINDOW_STEPS = 40  # longer sequences open on this many steps, every token readable
SUBTITLE_PX = 22  # the title's room grows by this for a subtitle
RING_PX = 9  # the current step's ring: just around its point, below the token written above
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
    title = chart_title(tr("fig_hidden_state", lang), trace, seq, layer, direction, lang)
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
    subtitled(layout, when)
    return {"data": data, "layout": layout}


def subtitled(layout: dict, when: str) -> None:
    """`when` (" · after 40 training steps") as the title's subtitle: a narrow chart
    keeps its whole title, and the step shown is read apart from what the chart is."""
    if when:
        layout["title"]["subtitle"] = {"text": when.removeprefix(" · "),
                                       "font": {"size": FONT_SIZE - 2}}  # fmt: skip
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


def state_space_spec(
    trace: Trace,
    seq: int,
    layer: int,
    direction: int,
    lang: str = "en",
    when: str = "",
) -> dict:
    """The path of h_t through state space, with the current step's point ringed."""
    projection = project_states(trace.hidden[layer, direction])
    coords = projection.coords[seq]  # (T, K)
    tokens = trace.tokens[seq]
    three_d = coords.shape[1] == 3
    data = _paths(trace, seq, projection, three_d)
    space = tr("fig_state_space_pca" if projection.is_pca else "fig_state_space", lang)
    layout = base_layout(space, HEIGHT)
    layout["margin"] = {"l": 64, "r": 16, "t": 44, "b": 78}
    if three_d:  # a scene draws its own axes: the whole width is its
        layout["margin"].update(l=4, r=4, b=8)
    subtitled(layout, when)
    layout.update(_axes(projection, is_bounded(trace), three_d, lang))
    labels = [f"<b>{display_token(token)}</b> (t={t})" for t, token in enumerate(tokens)]
    if three_d:
        x, y, z = (finite_list(coords[:, k]) for k in range(3))
        data.append({
            "type": "scatter3d", "scene": "scene", "x": [x[0]], "y": [y[0]], "z": [z[0]],
            "mode": "markers+text", "text": [labels[0]], "textposition": "top center",
            "marker": {"size": 9, "color": "rgba(0,0,0,0)", "line": {"color": CURSOR,
                       "width": 6}},
            "textfont": {"size": FONT_SIZE + 2, "color": CURSOR}, "hoverinfo": "skip",
            "name": "now", "showlegend": False,
        })  # fmt: skip
        point = {"x": x, "y": y, "z": z, "text": labels, "trace": len(data) - 1}
        layout["meta"] = time_meta(len(tokens), scene_point=point)
        return {"data": data, "layout": layout}
    x, y = (finite_list(v) for v in _plane(coords))
    first = 0 if x[0] is not None else None
    layout["shapes"] = [_point_shape(x, y, first)]
    layout["meta"] = time_meta(len(tokens), point={"x": x, "y": y})
    return {"data": data, "layout": layout}


def _plane(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(T, K) -> x, y. One unit: x = value, y = time step (a path along a line)."""
    if coords.shape[1] == 1:
        return coords[:, 0], np.arange(len(coords), dtype=np.float32)
    return coords[:, 0], coords[:, 1]


def _point_shape(x: list, y: list, t: int | None) -> dict:
    """The ring around the current step's point (moved by the stepper; hidden past a
    line's end)."""
    shape = {
        "type": "circle", "name": POINT_NAME, "xref": "x", "yref": "y", "xsizemode": "pixel",
        "ysizemode": "pixel", "x0": -RING_PX, "x1": RING_PX, "y0": -RING_PX,
        "y1": RING_PX, "line": {"color": CURSOR, "width": 3}, "xanchor": 0, "yanchor": 0,
        "visible": t is not None,
    }  # fmt: skip
    if t is not None:
        shape.update(xanchor=x[t], yanchor=y[t])
    return shape


def _paths(trace: Trace, seq: int, projection: Projection, three_d: bool) -> list:
    """The other sequences' paths (faint, one trace), then this sequence's path, its
    points shaded from light (first step) to dark (last), so a long path reads in order."""
    all_coords = projection.coords
    coords = all_coords[seq]
    tokens = trace.tokens[seq]
    axes = {"scene": "scene"} if three_d else {"xaxis": "x", "yaxis": "y"}
    kind = "scatter3d" if three_d else "scatter"
    traces = []
    others = [i for i in range(all_coords.shape[0]) if i != seq]
    if others:
        gap = np.full((1, all_coords.shape[2]), np.nan, dtype=np.float32)
        joined = np.concatenate([np.concatenate([all_coords[i], gap]) for i in others])
        if joined.shape[1] == 1:  # one unit: time on y, per sequence
            line = np.append(np.arange(all_coords.shape[1], dtype=np.float32), np.nan)
            xy = {"x": joined[:, 0], "y": np.tile(line, len(others)).astype(np.float32)}
        else:
            xy = {"x": joined[:, 0], "y": joined[:, 1]}
            if three_d:
                xy["z"] = joined[:, 2]
        traces.append({
            "type": kind, **xy, **axes, "mode": "lines", "opacity": 0.5,
            "line": {"color": "#9aa5b1", "width": 2}, "name": "other sequences",
            "hoverinfo": "skip", "showlegend": False,
        })  # fmt: skip
    steps = len(tokens)
    labels = [display_token(t) for t in tokens] if tokens_fit(tokens, MAX_POINT_LABELS) else None
    x, y = _plane(coords)
    shade = np.arange(steps, dtype=np.float32)
    path = {
        "type": kind, **axes, "x": x, "y": y, "name": "path of h_t", "showlegend": False,
        "mode": "lines+markers+text" if labels else "lines+markers", "text": labels,
        "customdata": np.arange(steps, dtype=np.int32),
        "hovertext": [display_token(t) for t in tokens],
        "hovertemplate": "t=%{customdata}: %{hovertext}<extra></extra>",
    }  # fmt: skip
    marker = {"color": shade, "colorscale": [[0, "#bcd4ee"], [1, PATH_BLUE]],
              "cmin": 0, "cmax": max(1, steps - 1)}  # fmt: skip
    if three_d:
        path.update(z=coords[:, 2], line={"color": PATH_BLUE, "width": 4},
                    marker={**marker, "size": 4})  # fmt: skip
    else:
        width = 3 if steps <= MAX_POINT_LABELS else 1.5
        path.update(textposition="top center", marker={**marker, "size": 9 if labels else 6},
                    line={"color": "rgba(43,108,176,0.45)", "width": width})  # fmt: skip
    traces.append(path)
    return traces


def _axes(projection: Projection, bounded: bool, three_d: bool, lang: str) -> dict:
    titles = projection_titles(projection, lang)
    limit = None
    if bounded and not projection.is_pca:  # symmetric around 0, never past tanh's [-1, 1]
        finite = projection.coords[np.isfinite(projection.coords)]
        largest = float(np.abs(finite).max()) if finite.size else 1.0
        half = min(1.1, max(0.2, 1.2 * largest))
        limit = [-half, half]
    ranged = {"range": limit} if limit else {}
    if three_d:
        return {"scene": {
            "aspectmode": "cube", "camera": {"eye": {"x": 1.5, "y": 1.5, "z": 1.0}},
            "xaxis": {"title": {"text": titles[0]}, **ranged},
            "yaxis": {"title": {"text": titles[1]}, **ranged},
            "zaxis": {"title": {"text": titles[2]}, **ranged},
        }}  # fmt: skip
    x_axis = {"title": {"text": titles[0]}, "gridcolor": "white", "zerolinecolor": "#9ca3af",
              "tickangle": 0, "nticks": 5, "automargin": True, **ranged}  # fmt: skip
    if len(titles) == 1:
        y_axis = {"autorange": "reversed", "title": {"text": tr("fig_time_step", lang)},
                  "gridcolor": "white"}  # fmt: skip
    else:
        y_axis = {"title": {"text": titles[1]}, "gridcolor": "white", "scaleanchor": "x",
                  "nticks": 5, "automargin": True,
                  "scaleratio": 1, "constrain": "domain", "zerolinecolor": "#9ca3af",
                  **ranged}  # fmt: skip
        x_axis["constrain"] = "domain"
    return {"xaxis": x_axis, "yaxis": y_axis}


def projection_titles(projection: Projection, lang: str = "en") -> tuple[str, ...]:
    """Axis titles of the state-space plot: h[i], or PC k with its share of variance."""
    if not projection.is_pca:
        return projection.axis_titles
    return tuple(
        tr("fig_pc", lang, k=k + 1, share=f"{share:.0%}")
        for k, share in enumerate(projection.shares)
    )
