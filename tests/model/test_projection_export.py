"""PCA trajectories and the CSV / npz export, checked against numpy and the trace."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from model.config import ExplorerConfig
from model.export import states_csv, states_npz, states_table
from model.projection import project_states
from model.trace import trace


@pytest.fixture(scope="module")
def lstm_trace():
    config = ExplorerConfig(
        sequences=("hello", "hi"), cell="lstm", hidden_size=5, num_layers=2, bidirectional=True
    )
    return trace(config)


def test_small_states_are_their_own_axes():
    states = np.random.default_rng(0).uniform(-1, 1, (2, 4, 2)).astype(np.float32)
    projection = project_states(states)
    assert not projection.is_pca
    np.testing.assert_array_equal(projection.coords, states)
    assert projection.axis_titles == ("h[0]", "h[1]")


def test_pca_matches_numpy_svd_and_keeps_gaps(lstm_trace):
    states = lstm_trace.hidden[0, 0]  # (N, T, 5) with NaN past "hi"
    projection = project_states(states)
    assert projection.is_pca and projection.coords.shape == (2, 5, 2)
    rows = states.reshape(-1, 5)
    valid = ~np.isnan(rows).any(axis=1)
    centred = rows[valid] - rows[valid].mean(axis=0)
    _, _, vt = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    expected = centred @ vt[:2].T
    got = projection.coords.reshape(-1, 2)[valid]
    # singular vectors are defined up to sign
    for k in range(2):
        sign = np.sign(np.dot(got[:, k], expected[:, k])) or 1.0
        np.testing.assert_allclose(got[:, k], sign * expected[:, k], atol=1e-5)
    assert np.isnan(projection.coords[1, 2:]).all()
    assert all("variance" in title for title in projection.axis_titles)


def test_table_has_one_row_per_computed_state(lstm_trace):
    table = states_table(lstm_trace)
    # 2 layers x 2 directions x (5 + 2 computed steps)
    assert len(table) == 2 * 2 * 7
    row = table[(table.sequence == 1) & (table.layer == 2) & (table.direction == "reverse")]
    row = row[row.timestep == 4].iloc[0]
    assert row.token == "o"
    np.testing.assert_allclose(
        [row[f"h_{u}"] for u in range(5)], lstm_trace.hidden[1, 1, 0, 4], rtol=0, atol=0
    )
    np.testing.assert_allclose(
        [row[f"forget_{u}"] for u in range(5)], lstm_trace.gates["forget"][1, 1, 0, 4]
    )
    assert {"c_0", "input_0", "candidate_0", "output_0"} <= set(table.columns)


def test_csv_and_npz_round_trip(lstm_trace):
    table = pd.read_csv(io.BytesIO(states_csv(lstm_trace)))
    assert len(table) == 28
    np.testing.assert_allclose(table["h_0"], states_table(lstm_trace)["h_0"], rtol=1e-6)
    arrays = np.load(io.BytesIO(states_npz(lstm_trace)))
    np.testing.assert_array_equal(arrays["hidden"], lstm_trace.hidden)
    np.testing.assert_array_equal(arrays["cell"], lstm_trace.cell)
    assert arrays["tokens"][1, 1] == "i"
    assert set(arrays) >= {"hidden", "cell", "gate_forget", "output", "h_n", "c_n", "lengths"}
    np.testing.assert_array_equal(arrays["h0"], lstm_trace.initial_hidden)
    np.testing.assert_array_equal(arrays["pre_forget"], lstm_trace.preactivations["forget"])
