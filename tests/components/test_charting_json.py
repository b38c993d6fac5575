"""components.charting.binary: what a spec sends to plotly.js.

Small specs go as plain JSON lists with a `layout.datarevision` computed from the data,
so Streamlit's second draw of a new chart (a JSON copy of the same spec) is a diff that
finds nothing; large ones as typed arrays (base64). The numbers are the float32 values
themselves either way."""

from __future__ import annotations

import base64
import json

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from components.charting import PLAIN_VALUES, binary


def spec_of(z: np.ndarray, **layout) -> dict:
    return {"data": [{"type": "heatmap", "z": z, "x": [0, 1], "name": "h"}], "layout": layout}


VALUES = st.floats(width=32, allow_nan=True, allow_infinity=True)


@given(arrays(np.float32, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=VALUES))
def test_a_small_spec_sends_the_exact_float32_values_as_plain_json(z):
    sent = json.loads(json.dumps(binary(spec_of(z)), allow_nan=False))  # valid JSON: no NaN
    plain = sent["data"][0]["z"]
    assert isinstance(plain, list) and len(plain) == z.shape[0]
    back = np.array([[np.nan if v is None else v for v in row] for row in plain], np.float64)
    finite = np.isfinite(z)
    assert np.array_equal(back[finite], z[finite].astype(np.float64))  # not rounded
    assert np.isnan(back[~finite]).all()  # NaN and inf: null, a gap in the chart


def test_a_large_spec_stays_binary():
    z = np.arange(PLAIN_VALUES + 1, dtype=np.float32).reshape(1, -1)
    typed = binary(spec_of(z))["data"][0]["z"]
    assert typed["dtype"] == "f4"
    decoded = np.frombuffer(base64.b64decode(typed["bdata"]), dtype=np.float32)
    assert np.array_equal(decoded, z.ravel())


def test_the_data_revision_follows_the_data_and_nothing_else():
    z = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    first = binary(spec_of(z, title="a"))["layout"]
    assert first["title"] == "a"
    assert binary(spec_of(z.copy(), title="b"))["layout"]["datarevision"] == first["datarevision"]
    changed = z.copy()
    changed[2, 3] = np.nextafter(changed[2, 3], np.float32(2))  # one value, one ulp
    assert binary(spec_of(changed))["layout"]["datarevision"] != first["datarevision"]
    renamed = spec_of(z)
    renamed["data"][0]["name"] = "c"
    assert binary(renamed)["layout"]["datarevision"] != first["datarevision"]
    reshaped = spec_of(z.reshape(4, 3))
    assert binary(reshaped)["layout"]["datarevision"] != first["datarevision"]
