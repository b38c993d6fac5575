"""The "A model that read code" tab through AppTest: the example code's units are written
with their r and drawn as bars, the code is coloured by the chosen unit with the
backend's states, a new text or label redraws it, code that does not tokenize still
shows, the training note is in the caption, and Sample code writes what `sample` does."""

from __future__ import annotations

import numpy as np

from components.i18n import t
from model.lessons.code_labels import code_labels
from model.lessons.code_model import (
    EXAMPLE_CODE,
    code_states,
    find_units,
    load_code_model,
    sample,
)
from tests.app.conftest import decode


def unit_values(text: str, label: str) -> tuple[str, np.ndarray]:
    model = load_code_model()
    states = code_states(model, text)
    unit = find_units(states, code_labels(text))[label]
    values = states.values(unit.quantity)[:, unit.unit]
    return f"{unit.quantity}[{unit.unit}]", values


def drawn(page) -> np.ndarray:
    """The coloured cells of the code chart, in reading order (line by line)."""
    z = page.heatmap("code_model_text_chart")
    return z[np.isfinite(z)]


def test_the_example_shows_its_units_their_r_and_the_code_coloured(page):
    page.open("tab_code_model")
    model = load_code_model()
    found = find_units(code_states(model, EXAMPLE_CODE), code_labels(EXAMPLE_CODE))
    bars = page.charts()["code_model_units_chart"]["data"][0]
    np.testing.assert_allclose(decode(bars["x"]), [u.r for u in found.values()], atol=1e-6)
    markdown = page.bodies("markdown")
    for name, unit in found.items():
        line = t("code_model_unit_found", "en", label=t(f"code_model_label_{name}", "en"),
                 unit=f"{unit.quantity}[{unit.unit}]", r=f"{unit.r:.2f}")  # fmt: skip
        assert line in markdown
    unit, values = unit_values(EXAMPLE_CODE, "string")
    np.testing.assert_allclose(drawn(page), values, atol=1e-6)
    assert unit in page.charts()["code_model_text_chart"]["layout"]["title"]["text"]
    note = model.note
    assert any(note["command"] in caption for caption in page.bodies("caption"))
    assert any(f"{note['held_out_bits_per_char']:.3f}" in c for c in page.bodies("caption"))


def test_a_new_text_and_another_label_redraw_the_code(page):
    page.open("tab_code_model")
    code = "items = [(i, {'k': [i]}) for i in range(3)]\nif items:\n    print(items)\n"
    page.set(code_model_text=code)
    _, values = unit_values(code, "string")
    np.testing.assert_allclose(drawn(page), values, atol=1e-6)
    page.set(code_model_label="depth")
    unit, values = unit_values(code, "depth")
    np.testing.assert_allclose(drawn(page), values, atol=1e-6)
    assert unit in page.charts()["code_model_text_chart"]["layout"]["title"]["text"]


def test_broken_code_still_shows_empty_code_is_refused_and_sample_code_writes(page):
    page.open("tab_code_model")
    assert t("code_model_press_sample", "en") in page.bodies("info")
    page.set(code_model_text="def f(:\n    return [1, 'open\n")
    assert t("code_model_fallback", "en") in page.bodies("info")
    assert "code_model_text_chart" in page.charts()
    page.set(code_model_text="")
    assert t("err_code_model_empty", "en") in page.bodies("error")
    page.at.text_input(key="code_model_prompt").set_value("class ")
    page.at.slider(key="code_model_length").set_value(80)
    page.set(code_model_seed=7)
    page.at.button(key="code_model_sample").click()
    page.run()
    expected = "class " + sample(load_code_model(), "class ", 80, 0.8, 7)
    assert [code.value for code in page.at.code] == [expected]


def test_the_tab_in_korean(make_app):
    page = make_app({"lang": "ko"}).open("tab_code_model", "ko")
    assert t("code_model_intro", "ko") in page.bodies("caption")
    assert page.at.button(key="code_model_sample").label == t("code_model_sample", "ko")
    title = page.charts()["code_model_units_chart"]["layout"]["title"]["text"]
    assert title == t("code_model_fig_units_title", "ko")
