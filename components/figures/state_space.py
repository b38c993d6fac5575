"""The main view's second chart, the path of h_t through state space
(`state_space_spec`): the units themselves for hidden size <= 3 (the lecture's size 2 is
a path in the plane; 3 is a 3-D scene), the first two principal components otherwise;
other sequences faint behind. Drawn beside the hidden-state chart
(`components.figures.timeline`) on a wide screen and below it on a phone, at its height.

The time cursor rings the current step's point; the stepper (`components.stepper`) moves
the ring from the per-step positions in `layout.meta[0].hse`.
"""

from __future__ import annotations

import numpy as np

from components.figures.cursor import CURSOR, POINT_NAME, finite_list, time_meta
from components.figures.parts import (
    FONT_SIZE,
    MAX_POINT_LABELS,
    PATH_BLUE,
    base_layout,
    display_token,
    is_bounded,
    tokens_fit,
)
from components.figures.timeline import HEIGHT, subtitled
from components.i18n import t as tr
from model.projection import Projection, project_states
from model.trace import Trace

TRAIL_STEPS = 20  # a long path: its last steps up to the cursor, strong; the rest faint
TRAIL_NAME = "recent steps"  # the 3-D trail's trace; in the plane, the segments' shapes:
TRAIL_SEGMENT_NAME = "hse_trail"  # moved by the stepper in the same relayout as the ring
# Of an axis's span: a token nearer than this to one already written is not written. A
# scene draws its cube smaller than the plane, and at an angle: its tokens need more room.
LABEL_GAP = 0.05
SCENE_LABEL_GAP = 0.12
RING_PX = 9  # the current step's ring: just around its point, below the token written above
TICK_STEPS = (1.0, 0.5, 0.25, 0.2)  # a fixed range's tick at ±d: the largest d within it
STATE_TICKS = 4  # the narrow chart beside the timeline: more tick labels run together
# A 3-D scene in that narrow column: three axes' labels around a small cube, so smaller
# type and fewer ticks than the plane's (presenter mode still scales them by 1.4)
SCENE_FONT = 12
SCENE_TICKS = 4
# Further back than Plotly's default eye and a little to the left of the cube: the z
# axis's ticks and title, drawn left of the cube, were cut off by the column's edge
SCENE_CAMERA = {"eye": {"x": 2.4, "y": 2.4, "z": 1.5}, "center": {"x": 0.12, "y": -0.12, "z": 0}}


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
    half = _half_range(projection, is_bounded(trace))  # both the axes and the labels use it
    data = _paths(trace, seq, projection, three_d, half)
    space = tr("fig_state_space_pca" if projection.is_pca else "fig_state_space", lang)
    layout = base_layout(space, HEIGHT)
    layout["margin"] = {"l": 64, "r": 16, "t": 44, "b": 78}
    if three_d:  # a scene draws its own axes: the whole width is its
        layout["margin"].update(l=4, r=4, b=8)
    subtitled(layout, trace, layer, direction, when, lang)
    layout.update(_axes(projection, half, three_d, lang))
    long = not _labelled(tokens)  # its points unlabelled; faint, its recent steps strong
    if three_d:
        x, y, z = (finite_list(coords[:, k]) for k in range(3))
        # the trail is _paths' last trace; the ring comes next
        trail = {"trail": {"trace": len(data) - 1, "steps": TRAIL_STEPS}} if long else {}
        # A labelled path writes every token at its point: a second label at the ring ran
        # over its neighbours (states close together). Unlabelled (long), the ring says.
        labels = (
            [f"<b>{display_token(token)}</b> (t={t})" for t, token in enumerate(tokens)]
            if long
            else [""] * len(tokens)
        )
        data.append({
            "type": "scatter3d", "scene": "scene", "x": [x[0]], "y": [y[0]], "z": [z[0]],
            "mode": "markers+text", "text": [labels[0]], "textposition": "top center",
            "marker": {"size": 14, "color": "rgba(0,0,0,0)", "line": {"color": CURSOR,
                       "width": 6}},
            "textfont": {"size": FONT_SIZE + 2, "color": CURSOR}, "hoverinfo": "skip",
            "name": "now", "showlegend": False,
        })  # fmt: skip
        point = {"x": x, "y": y, "z": z, "text": labels, "trace": len(data) - 1}
        layout["meta"] = time_meta(len(tokens), scene_point=point, **trail)
        return {"data": data, "layout": layout}
    x, y = (finite_list(v) for v in _plane(coords))
    first = 0 if x[0] is not None else None
    layout["shapes"] = [*(_trail_segments() if long else []), _point_shape(x, y, first)]
    trail = {"trail": {"steps": TRAIL_STEPS}} if long else {}
    layout["meta"] = time_meta(len(tokens), point={"x": x, "y": y}, **trail)
    return {"data": data, "layout": layout}


def _trail_segments() -> list[dict]:
    """A long path's last TRAIL_STEPS steps in the plane, as TRAIL_STEPS - 1 line shapes
    from the oldest (faint) to the one ending at the cursor's step (strong). Shapes, not a
    trace: the stepper moves them in the relayout that moves the ring, where a trace's new
    data made Plotly recompute and redraw the whole path at every step. Hidden at t = 0."""
    last = TRAIL_STEPS - 2
    segment = {"type": "line", "name": TRAIL_SEGMENT_NAME, "xref": "x", "yref": "y",
               "x0": 0, "y0": 0, "x1": 0, "y1": 0, "visible": False,
               "line": {"color": PATH_BLUE, "width": 3}}  # fmt: skip
    return [{**segment, "opacity": round(0.2 + 0.8 * k / last, 3)} for k in range(last + 1)]


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


def _paths(
    trace: Trace, seq: int, projection: Projection, three_d: bool, half: float | None
) -> list:
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
    x, y = _plane(coords)
    labels = None
    if _labelled(tokens):
        drawn = np.stack([x, y] if not three_d else [coords[:, k] for k in range(3)], axis=1)
        spans = _spans(all_coords, half, coords.shape[1] == 1)
        gap = SCENE_LABEL_GAP if three_d else LABEL_GAP
        labels = _uncluttered([display_token(t) for t in tokens], drawn, spans, gap)
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
        # A token written above a point at the top of the plot was cut: a labelled (short)
        # path is not clipped. A long one is: unclipped, Plotly tests every point against
        # the axes at each draw (an 850-step cell switch took ~100 ms more).
        path.update(textposition="top center", marker={**marker, "size": 9 if labels else 6},
                    line={"color": "rgba(43,108,176,0.45)", "width": 3},
                    cliponaxis=labels is None)  # fmt: skip
    traces.append(path)
    if labels is None:  # a long path is a tangle: faint, with its recent steps drawn over it
        path.update(opacity=0.25, line={**path["line"], "width": 1.5})
        if three_d:  # (in the plane: line shapes, _trail_segments)
            traces.append(_trail(axes, coords, marker))
    return traces


def _trail(axes: dict, coords: np.ndarray, marker: dict) -> dict:
    """A long 3-D path's last TRAIL_STEPS steps up to the time cursor, strong, shaded light
    to dark (the cursor's step): opens at t = 0; the stepper (components.stepper) cuts it
    at each step from the positions in the meta."""
    return {
        "type": "scatter3d", **axes, "name": TRAIL_NAME,
        **{axis: finite_list(coords[:1, k]) for k, axis in enumerate("xyz")},
        "mode": "lines+markers", "showlegend": False, "hoverinfo": "skip",
        "line": {"color": PATH_BLUE, "width": 5},
        "marker": {**marker, "color": [TRAIL_STEPS - 1], "cmin": 0, "cmax": TRAIL_STEPS - 1,
                   "size": 5},
    }  # fmt: skip


def _labelled(tokens: tuple[str, ...]) -> bool:
    """Whether the path writes each token at its point (short enough not to be a blob)."""
    return tokens_fit(tokens, MAX_POINT_LABELS)


def _half_range(projection: Projection, bounded: bool) -> float | None:
    """A bounded cell's units span [-half, half] on every axis: symmetric around 0, never
    past tanh's [-1, 1]. None: Plotly fits the axes (principal components)."""
    if not bounded or projection.is_pca:
        return None
    finite = projection.coords[np.isfinite(projection.coords)]
    largest = float(np.abs(finite).max()) if finite.size else 1.0
    return min(1.1, max(0.2, 1.2 * largest))


def _uncluttered(labels: list[str], points: np.ndarray, spans: np.ndarray, gap: float) -> list[str]:
    """The tokens written at the points (T, D), in time order: a point nearer than `gap`
    of the axes' spans to one already written gets none (its hover still names it).
    States close together (a GRU's, often, in 3-D) wrote their tokens over each other
    into one unreadable blot."""
    scaled = points / spans
    written: list[np.ndarray] = []
    shown = []
    for label, point in zip(labels, scaled, strict=True):
        if not np.isfinite(point).all():  # past a line's end: not drawn
            shown.append(label)
            continue
        near = any(float(np.linalg.norm(point - other)) < gap for other in written)
        shown.append("" if near else label)
        if not near:
            written.append(point)
    return shown


def _spans(coords: np.ndarray, half: float | None, one_unit: bool) -> np.ndarray:
    """Each drawn axis's span, from every sequence's (B, T, K) coords: the fixed range
    [-half, half], else the data's extent; one unit draws the time steps down y."""
    if half is not None:
        spans = np.full(coords.shape[2], 2 * half)
    else:
        flat = coords.reshape(-1, coords.shape[2])
        flat = flat[np.isfinite(flat).all(axis=1)]
        spans = np.ptp(flat, axis=0) if len(flat) else np.ones(coords.shape[2])
    if one_unit:
        spans = np.array([spans[0], coords.shape[1] - 1])
    return np.where(spans > 0, spans, 1).astype(np.float32)


def _ticks(half: float | None, nticks: int) -> dict:
    """A fixed range [-half, half] in the plane gets three ticks, -d, 0 and d, with d the
    largest of TICK_STEPS within it: asked for a few ticks instead, Plotly wrote only 0
    on a range of ±0.9 in presenter mode's larger type. Fitted axes (principal
    components) ask Plotly for `nticks`."""
    if half is None:
        return {"nticks": nticks}
    step = next((d for d in TICK_STEPS if d <= half), TICK_STEPS[-1])
    return {"range": [-half, half], "tickvals": [-step, 0, step]}


def _axes(projection: Projection, half: float | None, three_d: bool, lang: str) -> dict:
    titles = projection_titles(projection, lang)
    if three_d:
        return {"scene": {
            "aspectmode": "cube", "camera": {k: dict(v) for k, v in SCENE_CAMERA.items()},
            # nticks, not three fixed ticks: around the small cube of presenter mode,
            # -0.5 0 0.5 in the larger type ran together (Plotly then writes only 0)
            **{f"{name}axis": {"title": {"text": title, "font": {"size": SCENE_FONT + 2}},
                               "tickfont": {"size": SCENE_FONT}, "nticks": SCENE_TICKS,
                               **({"range": [-half, half]} if half is not None else {})}
               for name, title in zip("xyz", titles, strict=True)},
        }}  # fmt: skip
    x_axis = {"title": {"text": titles[0]}, "gridcolor": "white", "zerolinecolor": "#9ca3af",
              "tickangle": 0, "automargin": True, **_ticks(half, STATE_TICKS)}  # fmt: skip
    if len(titles) == 1:
        y_axis = {"autorange": "reversed", "title": {"text": tr("fig_time_step", lang)},
                  "gridcolor": "white"}  # fmt: skip
    else:
        y_axis = {"title": {"text": titles[1]}, "gridcolor": "white", "scaleanchor": "x",
                  "automargin": True, "scaleratio": 1, "constrain": "domain",
                  "zerolinecolor": "#9ca3af", **_ticks(half, STATE_TICKS)}  # fmt: skip
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
