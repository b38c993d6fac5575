"""The "Gates & cell state" tab through AppTest: no gates for a plain RNN, and every gate
of an LSTM or a GRU equal to the trace."""

from __future__ import annotations

import numpy as np
import pytest

from components.i18n import t
from model.presets import PRESETS
from model.trace import trace
from tests.app.test_app_scene import assert_scene

LECTURE = PRESETS["lecture"]


@pytest.mark.parametrize(
    ("cell", "panels"),
    [("lstm", ["cell state c", "input gate i", "forget gate f", "candidate g", "output gate o"]),
     ("gru", ["reset gate r", "update gate z", "candidate n"])],
)  # fmt: skip
def test_gated_cells_show_their_gates(cell, panels, page, ref):
    page.open("tab_gates")
    assert "gates_chart" not in page.charts()
    assert t("gates_rnn", "en", act="tanh") in page.bodies("info")
    assert not page.widget("main_nonlinearity").disabled
    page.set(main_cell=cell)
    config = LECTURE.with_changes(cell=cell)
    assert_scene(page, config, ref)
    spec = page.charts()["gates_chart"]
    titles = [a["text"] for a in spec["layout"]["annotations"]][: len(panels)]
    assert titles == panels
    traced = trace(config)
    expected = ([traced.cell] if cell == "lstm" else []) + list(traced.gates.values())
    heatmaps = page.heatmaps("gates_chart")
    assert len(heatmaps) == len(panels)
    for z, values in zip(heatmaps, expected, strict=True):
        np.testing.assert_array_equal(z, values[0, 0, 0].T)
    assert t("gates_rnn", "en", act="tanh") not in page.bodies("info")
    assert t("gates_caption_" + cell, "en") in page.bodies("caption")
    assert page.widget("main_nonlinearity").disabled
