"""The step panel under AppTest: the h_t it writes out is the trace's (what the charts
show), at the charts' time cursor, for every cell, layer and direction; large layers get
tables; past the end of a packed sequence it says there is no state. The cursor lives in
the browser and reports its step into `components.stepper.STEP_KEY` (tested in Chromium
by tests/e2e/test_time_cursor_browser.py); here the test sets that step itself."""

from __future__ import annotations

import re

import numpy as np
import pytest

from components.figures.step import TOP_UNITS
from components.i18n import t
from components.stepper import STEP_KEY
from model.presets import PRESETS
from model.trace import trace

LECTURE = PRESETS["lecture"]
BMATRIX = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}")


def step_page(make_app, query=None):
    page = make_app(query)
    return page.open("tab_step")


def choose(page, step: int):
    """The browser reported the cursor at `step`."""
    page.at.session_state[STEP_KEY] = step
    return page.run()


def shown_step(page) -> str:
    return next(body for body in page.bodies("caption") if body.startswith("Step "))


ROUNDED = 0.5e-4 + 1e-6  # 4 decimals shown; the panel's float32 sums may differ by ~1e-7


def shown_vectors(page) -> list[np.ndarray]:
    """The numbers of every bmatrix in every formula on the page, in order."""
    found = []
    for latex in page.at.latex:
        for body in BMATRIX.findall(latex.proto.body):
            found.append(np.array([float(v) for v in re.split(r"\\\\|&", body)]))
    return found


def written(page, expected: np.ndarray) -> bool:
    """Some formula writes out this vector, rounded to 4 decimals."""
    return any(
        v.shape == expected.shape and np.abs(v - expected).max() <= ROUNDED
        for v in shown_vectors(page)
    )


def assert_shows_h(page, expected: np.ndarray) -> None:
    """The last vector written is h_t: the trace's (the charts') value, rounded."""
    last = shown_vectors(page)[-1]
    assert last.shape == expected.shape and np.abs(last - expected).max() <= ROUNDED
    assert any(body.startswith("This h_t is the state") for body in page.bodies("success"))


def test_the_lecture_step_equals_the_charts_and_follows_the_cursor(make_app, ref):
    page = step_page(make_app)
    outputs = ref.lecture_outputs().detach().numpy()  # (3, 5, 2), read as 5 sequences of 3
    assert shown_step(page).startswith("Step 0, token `h`")
    assert_shows_h(page, outputs[0, 0])
    for step in (1, 2):
        choose(page, step)
        assert_shows_h(page, outputs[step, 0])
        np.testing.assert_array_equal(page.heatmap()[:, step], outputs[step, 0])
    assert any("Step 2, token `l`" in body for body in page.bodies("caption"))


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_every_gate_and_state_is_written_out(make_app, cell):
    page = step_page(make_app, {"preset": "lecture", "cell": cell})
    choose(page, 1)
    result = trace(LECTURE.with_changes(cell=cell))
    at = (0, 0, 0, 1)
    for name, values in result.gates.items():
        assert written(page, values[at]), name
        assert written(page, result.preactivations[name][at]), name
    if cell == "lstm":
        assert written(page, result.cell[at])
        assert written(page, result.cell[0, 0, 0, 0])  # c_(t-1)
    assert written(page, result.hidden[0, 0, 0, 0])  # h_(t-1)
    assert_shows_h(page, result.hidden[at])
    assert len(page.at.latex) == (6 if cell == "lstm" else 4)


def test_a_reverse_direction_above_the_first_layer(make_app):
    query = {"seq": ["hello", "hi"], "cell": "gru", "hidden": "3", "layers": "2",
             "bidirectional": "1", "batch_first": "1", "bias": "0"}  # fmt: skip
    page = make_app(query)
    page.set(main_view_layer=1, main_view_dir=1)
    page.open("tab_step")
    choose(page, 3)
    result = trace(
        LECTURE.with_changes(sequences=("hello", "hi"), cell="gru", hidden_size=3,
                             num_layers=2, bidirectional=True, batch_first=True, bias=False)
    )  # fmt: skip
    assert_shows_h(page, result.hidden[1, 1, 0, 3])
    assert written(page, result.hidden[1, 1, 0, 4])  # the reverse direction's previous state
    captions = " ".join(page.bodies("caption"))
    assert t("step_reverse", "en") in captions and t("step_no_bias", "en") in captions
    assert "Layer 2 is fed the output of layer 1" in captions
    assert not any("b_{" in latex.proto.body for latex in page.at.latex)


def test_a_large_layer_shows_tables_of_its_largest_terms(make_app):
    page = step_page(make_app, {"preset": "sentence", "cell": "lstm"})
    choose(page, 2)
    result = trace(PRESETS["sentence"].with_changes(cell="lstm"))
    at = (0, 0, 0, 2)
    unit = t("step_col_unit", "en")
    tables = [frame.value for frame in page.at.dataframe if unit in frame.value.columns]
    assert len(tables) == 5  # one per gate, then the states
    for table, name in zip(tables, result.gates, strict=False):
        units = table[unit].to_numpy()
        assert len(units) == TOP_UNITS
        pre = result.preactivations[name][at]
        np.testing.assert_allclose(table[t("step_col_pre", "en")], pre[units], atol=1e-5)
        assert np.abs(pre[units]).min() >= np.delete(np.abs(pre), units).max()
    states = tables[-1]
    units = states[unit].to_numpy()
    np.testing.assert_allclose(states["h_t"], result.hidden[at][units], atol=1e-5)
    np.testing.assert_allclose(states["c_t"], result.cell[at][units], atol=1e-5)
    assert any(body.startswith("This h_t is the state") for body in page.bodies("success"))


def test_past_the_end_of_a_packed_sequence_there_is_no_state(make_app):
    page = make_app({"seq": ["hello", "hi"], "batch_first": "1", "cell": "lstm"})
    page.set(main_view_seq=page.widget("main_view_seq").options[1])
    page.open("tab_step")
    choose(page, 4)
    assert t("step_no_state", "en", last=1) in page.bodies("info")
    assert not page.at.latex and not page.bodies("success")
    choose(page, 1)
    assert_shows_h(page, trace(LECTURE.with_changes(
        sequences=("hello", "hi"), batch_first=True, cell="lstm")).hidden[0, 0, 1, 1])  # fmt: skip


def test_the_chosen_step_stays_valid_when_the_scene_shrinks(make_app):
    page = step_page(make_app, {"seq": "hello", "batch_first": "1"})
    choose(page, 4)
    page.set(main_sequences="hi")
    assert shown_step(page).startswith("Step 1, token `i`")
    config = LECTURE.with_changes(sequences=("hi",), batch_first=True)
    assert_shows_h(page, trace(config).hidden[0, 0, 0, 1])


def test_tokens_are_quoted_and_never_reach_the_formulas(make_app):
    page = step_page(make_app, {"seq": "a*b [c](d) <b>", "tokens": "words", "batch_first": "1"})
    choose(page, 1)
    assert any("token `[c](d)`" in body for body in page.bodies("caption"))
    for latex in page.at.latex:
        assert "[c]" not in latex.proto.body and "<b>" not in latex.proto.body


def test_the_chosen_step_survives_a_visit_to_another_tab(make_app):
    page = step_page(make_app)
    choose(page, 2)
    page.open("tab_code")
    assert not page.at.latex
    page.open("tab_step")
    assert shown_step(page).startswith("Step 2, token")


def test_a_single_step_is_step_0_whatever_the_cursor_said(make_app):
    page = step_page(make_app, {"seq": "a", "batch_first": "1"})
    choose(page, 3)
    assert shown_step(page).startswith("Step 0, token `a`")
    config = LECTURE.with_changes(sequences=("a",), batch_first=True)
    assert_shows_h(page, trace(config).hidden[0, 0, 0, 0])
