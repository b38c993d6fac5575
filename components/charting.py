"""Putting a figure spec on the page: one path for every chart.

`chart(spec, png_name, key)` draws a spec from a pure figure builder. In presenter mode
(the sidebar switch) every font, marker and line in the spec is enlarged here, so the
builders stay pure and know nothing about the lecture hall.
"""

from __future__ import annotations

import base64
import json
import zlib

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components.figures.names import chart_config
from components.figures.presenter import enlarge
from components.sidebar.display import presenting
from model.trace import Trace


class SpecFigure(go.Figure):
    """Hands st.plotly_chart a finished spec as it is. Streamlit turns a Figure into JSON
    through `to_dict()`; a validated go.Figure of a long scene (hundreds of frames, large
    arrays) costs about a second to build and copy, the plain spec almost nothing. The
    app tests read back every chart's JSON, so a change in Streamlit's path shows there."""

    def __init__(self, spec: dict):  # no Figure internals: only to_dict is ever used
        object.__setattr__(self, "_spec", spec)

    def to_dict(self) -> dict:
        return binary(self._spec)


_SpecFigure = SpecFigure  # the old name, still imported by bench/rerun_parts.py


PLAIN_VALUES = 10_000  # up to this many numbers in a spec's traces: plain JSON lists


def binary(spec: dict) -> dict:
    """numpy arrays -> JSON for plotly.js, and `layout.datarevision` from their content.

    Streamlit draws every new chart twice: then once more with its theme applied to a
    JSON copy of the spec. Plotly.react skips that second draw only when nothing differs;
    it compares typed arrays ({"dtype", "bdata"}) by identity (always "changed" in a
    copy) but plain arrays by `datarevision`. So a small spec (the lecture's: a few
    hundred numbers) is sent as plain lists with a revision, and its second draw costs a
    diff; a large one stays binary (base64: a third of the bytes, 20x faster to
    serialise), as Plotly's own Figure sends it. The builders put arrays only at the top
    level of traces; layout and frames are plain."""
    arrays = [v for trace in spec["data"] for v in trace.values() if isinstance(v, np.ndarray)]
    plain = sum(v.size for v in arrays) <= PLAIN_VALUES
    data = [{key: _json(value, plain) for key, value in trace.items()} for trace in spec["data"]]
    layout = {**spec.get("layout", {}), "datarevision": _revision(spec["data"])}
    return {**spec, "data": data, "layout": layout}


def _json(value, plain: bool):
    if not isinstance(value, np.ndarray):
        return value
    if value.dtype.kind not in "fiu":
        return value.tolist()  # hover text
    if plain:  # the exact float32 values as JSON numbers; NaN and inf are not JSON: null
        finite = np.isfinite(value)
        if finite.all():
            return value.tolist()
        values = value.astype(object)
        values[~finite] = None
        return values.tolist()
    # plotly.js reads f4/f8 and 32-bit integers (our integers are small step indices)
    array = np.ascontiguousarray(value, dtype=value.dtype if value.dtype.kind == "f" else np.int32)
    typed = {"dtype": array.dtype.str[1:], "bdata": base64.b64encode(array).decode("ascii")}
    if array.ndim > 1:
        typed["shape"] = ", ".join(str(n) for n in array.shape)
    return typed


def _revision(data: list[dict]) -> int:
    """A checksum of the traces: changes whenever any of their values does."""
    crc = 0
    for trace in data:
        for key, value in trace.items():
            crc = zlib.crc32(key.encode(), crc)
            if isinstance(value, np.ndarray) and value.dtype.kind in "fiubUS":
                crc = zlib.crc32(np.ascontiguousarray(value).tobytes(), crc)
                crc = zlib.crc32(str(value.shape).encode(), crc)
            else:
                text = json.dumps(value, default=_listed, sort_keys=True, allow_nan=True)
                crc = zlib.crc32(text.encode(), crc)
    return crc


def _listed(value):
    return value.tolist() if isinstance(value, np.ndarray | np.generic) else str(value)


def chart(spec: dict, png_name: str, key: str | None, **select) -> object:
    """Draw a spec. `select` passes on_select / selection_mode to st.plotly_chart and the
    selection state is returned (None otherwise)."""
    if presenting():
        spec = enlarge(spec)
    return st.plotly_chart(
        SpecFigure(spec), config=chart_config(png_name), key=key, theme=None, **select
    )


def built_once(slot: str, trace: Trace, key: tuple, build):
    """Rebuild a figure spec (or what a panel computes for one) only when what it shows
    changed: one value per slot per session. The scene is identified by its Trace
    object, held in the store so its id cannot be reused (a trained and an untrained
    scene share a config)."""
    store = st.session_state.setdefault("_figure_specs", {})
    full_key = (id(trace), *key)
    if slot not in store or store[slot][0] != full_key:
        store[slot] = (full_key, build(), trace)
    return store[slot][1]
