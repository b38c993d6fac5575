"""What a click or a box on the "A unit in the text" heatmap means: the selection
Streamlit sends, turned into a unit or a stretch of time, and the callback's effect on
the session state (AppTest cannot click a Plotly chart)."""

from __future__ import annotations

import pytest

from components.lessons import unit_text as lesson


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ({"points": [{"x": 3, "y": 1, "customdata": 1}], "box": []}, ("unit", 1)),
        ({"points": [{"x": 3, "y": 2, "customdata": [2]}]}, ("unit", 2)),
        ({"points": [{"x": 0, "y": 4}], "box": []}, ("unit", 4)),  # no customdata: its row
        ({"points": [], "box": [{"xref": "x", "yref": "y", "x": [0.7, 3.4], "y": [0, 1]}]},
         ("stretch", (1, 3))),
        ({"points": [], "box": [{"x": [2.6, 2.2], "y": [0, 1]}]}, ("stretch", (2, 2))),
        ({"points": [], "box": [], "lasso": []}, None),
    ],
)  # fmt: skip
def test_a_selection_means_a_unit_or_a_stretch(selection, expected):
    assert lesson.selection_choice(selection) == expected


def test_the_on_select_callback_sets_the_unit_or_the_stretch(monkeypatch):
    state = {lesson.UNIT_KEY: 0}
    monkeypatch.setattr(lesson.st, "session_state", state)
    click = {"points": [{"x": 2, "y": 1, "customdata": 1}], "point_indices": [7], "box": []}
    state[lesson.HEATMAP_CHART] = {"selection": click}
    lesson.on_heatmap_select()
    assert state[lesson.UNIT_KEY] == 1 and lesson.STRETCH_KEY not in state
    box = {"points": [{"x": 2, "y": 0, "customdata": 0}], "box": [{"x": [1.6, 3.3], "y": [0, 1]}]}
    state[lesson.HEATMAP_CHART] = {"selection": box}
    lesson.on_heatmap_select()
    assert state[lesson.STRETCH_KEY] == (2, 3) and state[lesson.UNIT_KEY] == 1
    state[lesson.HEATMAP_CHART] = {"selection": {"points": [], "box": []}}
    lesson.on_heatmap_select()  # an emptied selection changes nothing
    assert state[lesson.STRETCH_KEY] == (2, 3) and state[lesson.UNIT_KEY] == 1
