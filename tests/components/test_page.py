"""The page's own CSS."""

from __future__ import annotations

from components.page import page_style


def test_korean_text_breaks_between_words_only_on_a_korean_page():
    assert "keep-all" in page_style(False, "ko")
    assert "keep-all" not in page_style(False, "en")
    assert page_style(True, "ko").count("<style>") == 1
    assert "font-size: 1.3rem" in page_style(True) and "1.3rem" not in page_style(False)
