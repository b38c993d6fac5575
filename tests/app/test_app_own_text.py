"""A student's first try: typing over the lecture preset (batch_first off, so PyTorch
reads the columns as sequences) switches to reading each line as one sequence and says
so in one line; the lecture preset itself still runs the lecture's reading."""

from __future__ import annotations

import numpy as np

from components.i18n import t
from model.presets import PRESETS
from tests.app.conftest import expected_hidden

NOTE = t("own_text_batch_first", "en")


def test_typing_over_the_lecture_reads_each_line_as_a_sequence_and_says_so(make_app):
    page = make_app({"preset": "lecture"})
    assert page.value("main_batch_first") is False and NOTE not in page.bodies("info")
    page.set(main_sequences="banana")
    assert page.value("main_batch_first") is True
    assert page.value("main_preset") == "custom"
    assert NOTE in page.bodies("info")
    config = PRESETS["lecture"].with_changes(sequences=("banana",), batch_first=True)
    heatmap = page.heatmap()
    assert heatmap.shape == (2, 6)  # one sequence of six steps, not six of one
    np.testing.assert_array_equal(heatmap, expected_hidden(config))
    assert page.query()["batch_first"] == ["1"]


def test_the_note_goes_with_the_next_change_and_the_switch_stays_the_users(make_app):
    page = make_app({"preset": "lecture"})
    page.set(main_sequences="banana")
    page.set(main_batch_first=False)  # the student wants the lecture's reading back
    assert page.value("main_batch_first") is False
    assert NOTE not in page.bodies("info")
    page.set(main_sequences="banana\nbandana")  # typing again over their own scene
    assert page.value("main_batch_first") is False  # their choice is kept


def test_the_note_coming_and_going_moves_nothing_below_it(make_app):
    """The page's top level keeps its elements when the note goes: Chromium mounts an
    element at a new place anew, so the charts below were drawn again from scratch."""

    def top_level(page) -> list[str]:
        return [type(node).__name__ for node in page.at.main.children.values()]

    page = make_app({"preset": "lecture"})
    page.set(main_sequences="banana")
    assert NOTE in page.bodies("info")
    with_note = top_level(page)
    page.set(main_cell="gru")
    assert NOTE not in page.bodies("info")
    assert top_level(page) == with_note


def test_typing_over_a_batch_first_preset_changes_nothing_else(make_app):
    page = make_app({"preset": "hihello"})
    before = page.value("main_batch_first")
    page.set(main_sequences="hello")
    assert page.value("main_batch_first") == before and NOTE not in page.bodies("info")


def test_the_lecture_preset_still_runs_the_lectures_reading(make_app, ref):
    page = make_app({"preset": "lecture"})
    outputs = ref.lecture_outputs().detach().numpy()  # (3, 5, 2) as the lecture printed
    np.testing.assert_array_equal(page.heatmap(), outputs[:, 0, :].T)
