"""The code_model lesson's figures: the code laid out by line and column, every character
in its cell coloured by the unit's value after it (symmetric about 0, RdBu_r), empty
cells where there is no character, and the four units found as bars of their r."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from components.figures import code_model as fc
from components.figures.parts import DIVERGING_SCALE
from components.i18n import t

CODE = 'def f(x):\n    return "a b"\n'


def test_the_grid_puts_every_character_at_its_line_and_column():
    lines, columns = fc.code_grid(CODE)
    assert lines.tolist() == [0] * 10 + [1] * 17
    assert columns.tolist() == list(range(10)) + list(range(17))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_code_is_coloured_by_the_unit_and_written_in_its_cells(lang):
    values = np.linspace(-0.5, 0.9, len(CODE))
    spec = fc.code_unit_spec(CODE, values, "c[7]", "inside a string", lang)
    go.Figure(spec)  # Plotly accepts it
    (trace,) = spec["data"]
    z = trace["z"]
    assert z.shape == (2, 17)
    np.testing.assert_allclose(z[0, :10], values[:10], rtol=1e-6)
    np.testing.assert_allclose(z[1], values[10:], rtol=1e-6)
    assert np.isnan(z[0, 10:]).all()  # no characters there: no colour
    assert trace["text"][0][:3].tolist() == ["d", "e", "f"]
    assert trace["text"][0][3] == "" and trace["text"][0][9] == "⏎"  # a space, a line end
    assert "".join(trace["text"][1][11:16]) == '"ab"' and trace["text"][1][13] == ""
    assert trace["zmin"] == -trace["zmax"] == pytest.approx(-0.9)
    assert trace["colorscale"] == DIVERGING_SCALE
    layout = spec["layout"]
    assert layout["xaxis"]["title"]["text"] == t("code_model_fig_column", lang)
    assert layout["yaxis"]["title"]["text"] == t("code_model_fig_line", lang)
    assert layout["yaxis"]["autorange"] == "reversed"  # line 1 on top, as in an editor
    assert "c[7]" in layout["title"]["text"] and not layout["annotations"]


def test_long_code_is_drawn_cropped_and_says_so():
    code = "\n".join("x" * 120 for _ in range(100)) + "\n"
    spec = fc.code_unit_spec(code, np.ones(len(code)), "h[0]", "column")
    assert spec["data"][0]["z"].shape == (fc.MAX_GRID_LINES, fc.MAX_GRID_COLUMNS)
    (note,) = spec["layout"]["annotations"]
    assert note["text"] == t("code_model_fig_cropped", "en", lines=fc.MAX_GRID_LINES,
                             columns=fc.MAX_GRID_COLUMNS)  # fmt: skip
    assert spec["layout"]["height"] == 190 + fc.ROW_PIXELS * fc.MAX_GRID_LINES


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_units_are_bars_of_their_r(lang):
    found = {"string": ("c[3]", -0.81), "depth": ("h[9]", 0.77), "indent": None,
             "column": ("c[100]", 0.5)}  # fmt: skip
    names = {key: key.upper() for key in found}
    spec = fc.units_spec(found, names, lang)
    go.Figure(spec)
    (bars,) = spec["data"]
    np.testing.assert_allclose(bars["x"], [-0.81, 0.77, 0.0, 0.5], rtol=1e-6)
    assert bars["text"][0] == "c[3] · r = -0.81"
    assert bars["text"][2] == t("code_model_fig_constant", lang)
    assert bars["y"][0] == "STRING<br><b>c[3] · r = -0.81</b>"  # under the label: fits a phone
    assert bars["y"][2] == f"INDENT<br><b>{t('code_model_fig_constant', lang)}</b>"
    assert bars["marker"]["cmin"] == -1 and bars["marker"]["cmax"] == 1
    assert spec["layout"]["xaxis"]["title"]["text"] == t("code_model_fig_r", lang)
