"""The tasks lesson's figures hold the backend's numbers: accuracy per cell against the gap
(chance marked) or n (the training bound marked), the unit over the tokens of a test
sequence on a colour scale symmetric about 0, and the scatter with its r written on it."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
import pytest

from components.figures import tasks as ft
from components.i18n import t
from model.lessons.tasks import TaskSettings, UnitFound
from model.lessons.tasks_train import ModelResult, run_task


@lru_cache(maxsize=4)
def counted(cell: str = "lstm") -> ModelResult:
    (result,) = run_task(TaskSettings(task="count", cells=(cell,), steps=20, count_bound=3))
    return result


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_gap_chart_has_a_line_per_cell_and_chance(lang):
    lines = {"rnn": ((2, 5, 10), (1.0, 0.6, 0.5)), "lstm": ((2, 5, 10), (1.0, 1.0, 0.9)),
             "gru": ((2, 5, 10), (1.0, 1.0, 1.0))}  # fmt: skip
    spec = ft.accuracy_spec(lines, "title", "gap", lang, chance=0.5)
    go.Figure(spec)  # Plotly accepts it
    assert [line["name"] for line in spec["data"]] == ["RNN", "LSTM", "GRU"]
    for line, (points, accuracy) in zip(spec["data"], lines.values(), strict=True):
        assert line["x"].tolist() == list(points)
        np.testing.assert_allclose(line["y"], accuracy)
    (chance,) = spec["layout"]["shapes"]
    assert chance["y0"] == chance["y1"] == 0.5
    assert spec["layout"]["annotations"][0]["text"] == t("tasks_fig_chance", lang)
    assert spec["layout"]["yaxis"]["tickformat"] == ".0%"
    assert spec["layout"]["xaxis"]["tickvals"] == [2, 5, 10]


def test_the_count_chart_marks_the_training_bound():
    result = counted()
    spec = ft.accuracy_spec({"lstm": (result.points, result.accuracy)}, "t", "n", bound=3)
    go.Figure(spec)
    (bound,) = spec["layout"]["shapes"]
    assert bound["x0"] == bound["x1"] == 3.5
    assert spec["layout"]["annotations"][0]["text"] == t("tasks_fig_bound", "en", n=3)
    np.testing.assert_allclose(spec["data"][0]["y"], result.accuracy)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_the_unit_over_the_text_is_the_backends_with_the_tokens_in_its_cells(cell):
    result = counted(cell)
    label = ft.unit_label(cell, result.unit)
    spec = ft.unit_text_spec(result.tokens, result.unit_values, result.variable, label, cell,
                             "#a − #b")  # fmt: skip
    go.Figure(spec)
    (heat,) = spec["data"]
    np.testing.assert_array_equal(heat["z"][0], result.unit_values.astype(np.float32))
    assert heat["text"] == [list(result.tokens)]
    assert heat["zmin"] == -heat["zmax"] == pytest.approx(-np.abs(result.unit_values).max())
    assert spec["layout"]["xaxis"]["ticktext"] == ["1", "2", "3", "2", "1", "0"]
    assert spec["layout"]["xaxis"]["title"]["text"] == "#a − #b"


def test_unit_labels_use_pytorchs_letters():
    assert ft.unit_label("lstm", UnitFound("forget", 2, 0.9)) == "f[2]"
    assert ft.unit_label("lstm", UnitFound("c", 7, -0.99)) == "c[7]"
    assert ft.unit_label("gru", UnitFound("update", 1, 0.5)) == "z[1]"
    assert ft.unit_label("rnn", UnitFound("h", 0, 0.5)) == "h[0]"


def test_long_sequences_keep_their_colours_but_drop_the_cell_text():
    steps = ft.MAX_CELL_TEXT + 2
    spec = ft.unit_text_spec(("a",) * steps, np.linspace(-1, 1, steps), np.ones(steps), "h[0]",
                             "rnn", "first token")  # fmt: skip
    assert "text" not in spec["data"][0]
    assert len(spec["layout"]["xaxis"]["tickvals"]) <= 12


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_scatter_holds_every_point_and_writes_r(lang):
    result = counted()
    label = ft.unit_label("lstm", result.unit)
    spec = ft.scatter_spec(result.scatter_variable, result.scatter_unit, result.unit.r, label,
                           "lstm", "#a − #b", lang)  # fmt: skip
    go.Figure(spec)
    points, fit = spec["data"]
    np.testing.assert_array_equal(points["y"], result.scatter_unit.astype(np.float32))
    np.testing.assert_array_equal(points["customdata"], result.scatter_variable)
    assert np.abs(points["x"] - result.scatter_variable).max() <= ft.JITTER / 2  # spread only
    (written,) = spec["layout"]["annotations"]
    assert written["text"] == f"<b>r = {result.unit.r:.2f}</b>"
    slope = np.polyfit(result.scatter_variable, result.scatter_unit, 1)[0]
    assert np.sign(fit["y"][1] - fit["y"][0]) == np.sign(slope)
    assert label in spec["layout"]["title"]["text"]
