"""The shapes lesson above the tabs through AppTest: every tensor's shape as PyTorch read
it, the batch_first pitfall explained, and its one-click fix."""

from __future__ import annotations

import numpy as np

from components.i18n import t


def test_first_visit_explains_the_batch_first_pitfall(page):
    pitfall = t("batch_first_pitfall", "en", lines=3, steps=5)
    assert "💡 " + pitfall in page.bodies("markdown")  # one line, beside its fix
    assert t("pitfall_picture", "en") in [e.proto.label for e in page.at.expander]
    assert "pitfall_chart" not in page.charts()  # the picture is drawn on demand only
    shapes = next(body for body in page.bodies("markdown") if body.startswith("**Shapes**"))
    assert "(3, 5, 4)" in shapes and "seq=3, batch=5, input=4" in shapes


def test_the_batch_first_fix_is_one_click(page, ref):
    (fix,) = [b for b in page.at.button if b.key == "main_fix_batch_first"]
    assert "batch_first=True" in fix.label
    fix.click()
    page.run()
    assert page.value("main_batch_first") is True
    assert page.value("main_preset") == "custom"
    outputs = ref.lecture_outputs(batch_first=True).detach().numpy()
    np.testing.assert_array_equal(page.heatmap(), outputs[0].T)
