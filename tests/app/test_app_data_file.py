"""Bring a file, through AppTest: every hostile file (the backend's own refusal cases,
tests/model/test_upload.py) is one clear message in the page's language and leaves the
scene as it was; a good CSV becomes the lab's series; a text file fills the box."""

from __future__ import annotations

import numpy as np
import pytest

from components.i18n import error_text, t
from model.errors import ConfigError
from model.upload import read_table, read_text
from tests.model.test_upload import TABLE_REFUSALS, TEXT_REFUSALS
from tests.support import labs

# a few hundred KB or more each: the cases whose cost is in the bytes, not the rule
HEAVY = {"too-large", "too-many-rows", "unclosed-quote"}


def bring(page, name: str, data: bytes) -> None:
    (uploader,) = [u for u in page.at.get("file_uploader") if u.proto.id.endswith("file_upload")]
    uploader.upload(name, data, "text/csv" if name.endswith(".csv") else "text/plain")
    page.run()


def refusal(reader, data: bytes, name: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        reader(data, name)
    return caught.value


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(
    "case", [("table", c) for c in TABLE_REFUSALS if c not in HEAVY]
    + [("text", c) for c in TEXT_REFUSALS if c not in HEAVY] + [("table", "too-large")],
    ids=lambda case: f"{case[0]}-{case[1]}",
)  # fmt: skip
def test_a_hostile_file_is_one_message_and_the_scene_stays(case, lang, make_app):
    kind, name = case
    data = (TABLE_REFUSALS if kind == "table" else TEXT_REFUSALS)[name][0]
    file_name, reader = ("data.csv", read_table) if kind == "table" else ("story.txt", read_text)
    page = make_app({"preset": "hello", "lang": lang})
    before = page.heatmap()
    bring(page, file_name, data)
    expected = error_text(refusal(reader, data, file_name), lang)
    assert page.bodies("error") == [f"**{t('data_file_bad', lang)}** {expected}"]
    np.testing.assert_array_equal(page.heatmap(), before)
    assert page.value("main_sequences") == "hello"


def test_the_stock_csv_becomes_the_labs_series(make_app, ref):
    page = make_app({"preset": "hello", "cell": "lstm", "hidden": "10"})
    bring(page, "data-02-stock_daily.csv", labs.stock_csv())
    assert page.value("main_tokens") == "numbers" and page.value("main_window") == 7
    assert any("732" in body for body in page.bodies("caption"))
    page.set(main_file_newest_first=True)
    shapes = " ".join(page.markdown_bodies())
    assert "(505, 7, 5)" in shapes
    config = page.at.session_state["main_file_table"]
    assert config.columns == ("Open", "High", "Low", "Volume", "Close")
    assert "seq" in page.query()  # the link keeps the typed text, not the file, and says so
    assert any(t("share_no_file", "en") in body for body in page.bodies("caption"))


def test_a_text_file_fills_the_box_and_the_typed_text_returns(make_app):
    page = make_app({"preset": "hello"})
    bring(page, "data-02-stock_daily.csv", labs.stock_csv(days=40))
    (back,) = [b for b in page.at.button if b.label == t("series_drop", "en")]
    back.click()
    page.run()
    # the table is gone, and the typed text is read as it was before the table came
    assert (page.value("main_tokens"), page.value("main_window")) == ("chars", 0)
    assert page.value("main_sequences") == "hello"
    bring(page, "data-02-stock_daily.csv", labs.stock_csv(days=40))
    assert page.value("main_tokens") == "numbers"
    bring(page, "story.txt", b"\xef\xbb\xbf if you want you\r\nto sleep\r\n")
    assert page.value("main_sequences") == " if you want you\nto sleep\n"
    assert page.bodies("error") == []
