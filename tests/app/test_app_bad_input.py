"""Bad and unusual input through the UI: a clear st.error, never a traceback, the user's
other settings kept, and the charts back once the input is fixed."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from components.i18n import t
from model.config import MAX_STATE_VALUES, MAX_STEPS, ExplorerConfig
from model.presets import PRESETS

LECTURE = PRESETS["lecture"]
ERROR_TITLE = f"**{t('error_title', 'en')}.**"

# (id, tokens, text, words the error must contain)
BAD = [
    ("empty", "chars", "", "Type at least one sequence"),
    ("only_spaces", "chars", "   \n \t \n  ", "Type at least one sequence"),
    (
        "too_many_steps",
        "chars",
        "ab" * (MAX_STEPS // 2) + "c",
        f"at most {MAX_STEPS:,} per sequence",
    ),
    ("not_a_number", "numbers", "1, abc", "`abc` is not a number"),
    ("nan", "numbers", "0.5 nan", "`nan` is not a finite number"),
    ("inf", "numbers", "1e309", "`1e309` is not a finite number"),
    ("features", "numbers", "1 2; 3", "Every step needs the same number of features"),
    ("too_many_lines", "chars", "\n".join("ab" for _ in range(17)), "At most 16 sequences"),
]


def assert_error_only(page, words: str) -> None:
    errors = page.bodies("error")
    assert len(errors) == 1, errors
    assert errors[0].startswith(ERROR_TITLE)
    assert words in errors[0].replace("\\", ""), errors[0]
    assert not page.charts()
    assert not page.at.get("download_button")


@pytest.mark.parametrize(("tokens", "text", "words"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_text_shows_an_error_keeps_the_settings_and_recovers(tokens, text, words, page, ref):
    page.set(main_cell="gru", main_hidden_size=3, main_seed=7)
    page.set(main_sequences=text, main_tokens=tokens)
    assert_error_only(page, words)
    # the sidebar still holds everything the user chose
    assert page.value("main_sequences") == text
    assert page.value("main_tokens") == tokens
    assert page.value("main_cell") == "gru"
    assert page.value("main_hidden_size") == 3
    assert page.value("main_seed") == 7
    assert page.value("main_preset") == "custom"
    fixed = "1 2 3\n4 5" if tokens == "numbers" else "fixed\nit"
    page.set(main_sequences=fixed)
    assert not page.at.error
    config = LECTURE.with_changes(
        sequences=tuple(fixed.split("\n")), tokens=tokens, cell="gru", hidden_size=3, seed=7
    )
    np.testing.assert_array_equal(page.heatmap(), ref.hidden(config))
    assert len(page.open("tab_gates").heatmaps("gates_chart")) == 3


def test_a_scene_over_the_state_budget_is_refused_then_recovers(page, ref):
    lines = "\n".join("abcdefghij" * (MAX_STEPS // 10) for _ in range(16))  # 16 x 1000 steps
    page.set(main_hidden_size=512, main_num_layers=4, main_bidirectional=True)
    page.set(main_sequences=lines)
    total = 16 * MAX_STEPS * 512 * 4 * 2
    assert total > MAX_STATE_VALUES
    assert_error_only(page, f"This scene would trace {total:,} hidden values")
    assert f"{MAX_STATE_VALUES:,}" in page.bodies("error")[0]
    assert page.value("main_hidden_size") == 512
    assert page.value("main_num_layers") == 4
    assert page.value("main_bidirectional") is True
    page.set(main_sequences="hello")
    assert not page.at.error
    config = LECTURE.with_changes(
        sequences=("hello",), hidden_size=512, num_layers=4, bidirectional=True
    )
    z = page.heatmap()
    assert z.shape == (512, 1)  # batch_first off: "hello" is five sequences of one step
    np.testing.assert_array_equal(z, ref.hidden(config))


def markup_in_page(page, ref) -> list[str]:
    return [tag for body in page.markdown_bodies() for tag in ref.unescaped_html(body)]


@pytest.mark.parametrize("tokens", ["chars", "words"])
def test_script_tags_are_shown_as_text(tokens, page, ref):
    text = "<script>alert(1)</script>\n<b>bold</b> <img src=x onerror=alert(2)>"
    page.set(main_sequences=text, main_tokens=tokens, main_batch_first=True)
    assert not page.at.error
    assert markup_in_page(page, ref) == []
    for spec in page.charts().values():
        dumped = str(spec)
        assert "<script" not in dumped and "<img" not in dumped and "&lt;" in dumped
    if tokens == "words":
        assert "'<script>alert(1)</script>'" in page.open("tab_code").at.code[0].value
        vocab = list(page.open("tab_input").at.dataframe[-1].value.iloc[:, 0])
        assert vocab[0] == "<script>alert(1)</script>"
    labels = page.widget("main_view_seq").options
    assert labels[0].startswith("1: <script>alert(1)</script>")  # a plain-text option


def test_script_tags_quoted_in_an_error_are_escaped(page, ref):
    page.set(main_sequences="<script>alert(1)</script>", main_tokens="numbers")
    errors = page.bodies("error")
    assert len(errors) == 1 and "is not a number" in errors[0]
    assert markup_in_page(page, ref) == []
    assert "`<script>alert(1)</script" in errors[0]  # a code span: shown literally
    assert errors[0].count("`") == 2


def test_emoji_with_skin_tones_are_one_token_each(page, ref):
    page.set(main_sequences="👍🏽👍🏿👍🏽\n👋🏻👍🏿", main_batch_first=True)
    assert not page.at.error
    vocab = list(page.open("tab_input").at.dataframe[-1].value.iloc[:, 0])
    assert vocab == ["👍🏽", "👍🏿", "👋🏻"]
    config = LECTURE.with_changes(sequences=("👍🏽👍🏿👍🏽", "👋🏻👍🏿"), batch_first=True)
    np.testing.assert_array_equal(page.heatmap(), ref.hidden(config))
    assert page.heatmap().shape == (2, 3)
    assert page.heatmap("input_chart").shape == (3, 3)


def test_korean_typed_as_decomposed_jamo_is_one_token_per_syllable(page, ref):
    decomposed = unicodedata.normalize("NFD", "안녕하세요")
    assert len(decomposed) > 5
    page.set(main_sequences=decomposed, main_batch_first=True, main_cell="gru")
    assert not page.at.error
    assert list(page.open("tab_input").at.dataframe[-1].value.iloc[:, 0]) == list("안녕하세요")
    config = ExplorerConfig(sequences=("안녕하세요",), cell="gru", seed=0)
    np.testing.assert_array_equal(page.heatmap(), ref.hidden(config))
    assert page.heatmap().shape == (2, 5)
