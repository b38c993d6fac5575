"""Hostile and odd input through the whole app (AppTest): a clear message, no exception,
the user's other settings kept, and the page back once the input is good again.

test_app_bad_input.py covers empty text, spaces, too many steps or lines, a word, NaN,
1e309 and mismatched features among numbers, the state budget, script tags in the text
and emoji with skin tones; this file covers the rest of the issue's list, the limits +- 1
in the link, and model uploads through the real uploader. A lone surrogate cannot be
sent: AppTest's own protobuf serialisation refuses it, as a browser's UTF-8 encoding
would, so it is tested in the backend (tests/model/hostile/test_text.py).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from components.i18n import t
from model.config import (
    MAX_FEATURES,
    MAX_HIDDEN,
    MAX_INPUT_SIZE,
    MAX_LAYERS,
    MAX_SEED,
    MAX_SEQUENCES,
    MAX_TEXT_CHARS,
    MAX_TOKEN_CHARS,
    ExplorerConfig,
)
from model.errors import ConfigError, quoted
from model.presets import PRESETS
from model.training.archive import MAX_UPLOAD_BYTES
from model.training.checkpoint import load_checkpoint, save_checkpoint
from model.training.config import TrainConfig
from model.training.run import train_to_end
from tests.support.files import (
    shared_reference_pickle,
    with_settings,
    with_weights,
    with_weights_bytes,
    zip_bomb,
)

LECTURE = PRESETS["lecture"]
ERROR_TITLE = f"**{t('error_title', 'en')}.**"
UPLOAD_TITLE = f"**{t('train_upload_bad', 'en')}**"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
FLAGS = "\U0001f1f0\U0001f1f7\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


def markup(page, ref) -> list[str]:
    return [tag for body in page.markdown_bodies() for tag in ref.unescaped_html(body)]


def choose_settings(page) -> None:
    page.set(main_cell="gru", main_hidden_size=3, main_seed=7)


def assert_settings_kept(page) -> None:
    assert page.value("main_cell") == "gru"
    assert page.value("main_hidden_size") == 3
    assert page.value("main_seed") == 7


# --- text: (id, tokens, text, words the single error must contain) ---------------------

BAD_TEXT = [
    ("a 1 MB paste (the box keeps 20,000 characters)", "chars", "x" * 2**20,
     "Line 1 has 20,000 steps"),
    ("only zero-width characters", "chars", "\u200b\ufeff\n\u2060\u202e", "Type at least one"),
    ("only control characters", "words", "\x00\x07\n\x1b\x7f", "Type at least one"),
    ("a decimal comma", "numbers", "0,5 1,5 2,5", "`0,5` looks like a number with a decimal comma"),
    ("a number over the limit", "numbers", "1 2 10000000", "`10000000` is too large"),
    ("only separators", "numbers", ", ;", "Line 1 has no numbers"),
    ("lines of 2 and 1 features", "numbers", "1 2; 3 4\n5; 6", "Every line needs the same"),
    ("65 numbers per step", "numbers", " ".join(["1"] * (MAX_FEATURES + 1)) + ";",
     f"At most {MAX_FEATURES} numbers per step"),
    ("513 distinct tokens", "chars", "".join(chr(0xAC00 + i) for i in range(513)),
     "Too many distinct tokens: 513"),
    ("a 51-character word", "words", "ok " + "w" * (MAX_TOKEN_CHARS + 1),
     f"a token of {MAX_TOKEN_CHARS + 1} characters"),
    ("combining marks piled on a letter", "chars", "q" + "\u0301" * 60,
     "a token of 61 characters"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tokens", "text", "words"), [b[1:] for b in BAD_TEXT], ids=[b[0] for b in BAD_TEXT]
)
def test_hostile_text_gives_one_error_keeps_the_settings_and_recovers(
    tokens, text, words, page, ref
):
    choose_settings(page)
    page.set(main_sequences=text, main_tokens=tokens)
    errors = page.bodies("error")
    assert len(errors) == 1 and errors[0].startswith(ERROR_TITLE), errors
    assert words in errors[0], errors[0]
    assert not page.charts() and markup(page, ref) == []
    assert_settings_kept(page)
    assert page.value("main_tokens") == tokens
    good = "1 2 3\n4 5" if tokens == "numbers" else "good\nagain"
    page.set(main_sequences=good)
    assert not page.at.error
    config = LECTURE.with_changes(
        sequences=tuple(good.split("\n")), tokens=tokens, cell="gru", hidden_size=3, seed=7
    )
    np.testing.assert_array_equal(page.heatmap(), ref.hidden(config))


ODD_TEXT = [
    ("one character", "chars", "a", 1),
    ("right-to-left letters", "chars", "שלום", 4),
    ("right-to-left words", "words", "مرحبا بالعالم", 2),
    ("emoji family and two flags", "chars", FAMILY + FLAGS, 3),
    ("byte-order mark and zero-width space dropped", "chars", "\ufeffh\u200bi", 2),
    ("a direction override dropped", "chars", "\u202eabc", 3),
    ("control characters dropped", "chars", "a\x1bb\x00c", 3),
    ("combining marks within the limit", "chars", "q\u0301\u0302x", 2),
]


@pytest.mark.parametrize(
    ("tokens", "text", "steps"), [o[1:] for o in ODD_TEXT], ids=[o[0] for o in ODD_TEXT]
)
def test_odd_but_valid_text_is_drawn(tokens, text, steps, page, ref):
    page.set(main_sequences=text, main_tokens=tokens, main_batch_first=True)
    assert not page.at.error
    config = LECTURE.with_changes(sequences=(text,), tokens=tokens, batch_first=True)
    hidden = page.heatmap()
    assert hidden.shape == (2, steps)  # invisible characters are not steps
    np.testing.assert_array_equal(hidden, ref.hidden(config))
    assert markup(page, ref) == []


# --- the link: every limit +- 1, unknown names, invisible text -------------------------

PARAM_FIELDS = {"hidden": "hidden_size", "layers": "num_layers", "seed": "seed",
                "input": "input_size"}  # fmt: skip
LINK_LIMITS = [
    ("hidden", "main_hidden_size", MAX_HIDDEN, 1),
    ("layers", "main_num_layers", MAX_LAYERS, 1),
    ("seed", "main_seed", MAX_SEED, 0),
    ("input", "main_input_size", MAX_INPUT_SIZE, 1),
]


@pytest.mark.parametrize(("name", "key", "high", "low"), LINK_LIMITS)
def test_link_sizes_at_the_limits_are_used_and_one_past_them_is_a_notice(
    name, key, high, low, make_app
):
    for value in (low, high):
        page = make_app({name: str(value), "seq": "hi", "encoding": "embedding"})
        assert not page.at.warning and not page.at.error
        assert page.value(key) == value
        assert page.charts()
    for value in (str(low - 1), str(high + 1), "1.5"):
        page = make_app({name: value, "seq": "hi", "encoding": "embedding", "cell": "gru"})
        notice = t("notice_bad_value", "en", name=quoted(name), value=quoted(value[:40]))
        assert page.bodies("warning") == [notice]
        assert page.value(key) == getattr(ExplorerConfig(), PARAM_FIELDS[name])
        assert page.value("main_cell") == "gru"  # the rest of the link is kept
        assert page.charts() and not page.at.error


def test_sixteen_linked_lines_draw_and_seventeen_are_an_error_that_keeps_them(make_app, ref):
    lines = [f"line{i}" for i in range(MAX_SEQUENCES)]
    page = make_app({"seq": lines, "batch_first": "1"})
    assert not page.at.error and page.charts()
    page = make_app({"seq": [*lines, "more"], "batch_first": "1", "cell": "lstm"})
    errors = page.bodies("error")
    assert len(errors) == 1 and f"At most {MAX_SEQUENCES} sequences" in errors[0]
    assert page.value("main_sequences") == "\n".join([*lines, "more"])  # nothing thrown away
    assert page.value("main_cell") == "lstm"
    page.set(main_sequences="\n".join(lines))
    assert not page.at.error
    config = ExplorerConfig(sequences=tuple(lines), cell="lstm", batch_first=True)
    np.testing.assert_array_equal(page.heatmap(), ref.hidden(config))


def test_linked_text_over_the_length_limit_falls_back_with_a_notice(make_app):
    half = MAX_TEXT_CHARS // 2
    page = make_app({"seq": ["a" * half, "b" * (half + 1)], "cell": "gru"})
    warnings = page.bodies("warning")
    assert len(warnings) == 1 and f"{MAX_TEXT_CHARS:,}" in warnings[0]
    assert page.value("main_cell") == "gru" and page.charts()


def test_many_unknown_names_give_one_notice(make_app):
    page = make_app({f"x{i:02}": "1" for i in range(40)} | {"hidden": "3"})
    warnings = page.bodies("warning")
    assert warnings == [t("notice_unknown_param", "en", name="`x00, x01, x02, …`")]
    assert page.value("main_hidden_size") == 3 and page.charts()
    few = make_app({f"y{i}": "1" for i in range(3)})
    assert len(few.bodies("warning")) == 3


def test_linked_text_of_invisible_characters_counts_as_empty(make_app, ref):
    page = make_app({"seq": ["\u200b\ufeff", "\u202e"], "preset": "hihello"})
    assert page.bodies("warning") == [t("notice_empty_seq", "en")]
    assert page.value("main_sequences") == "hihello"
    np.testing.assert_array_equal(page.heatmap(), ref.hidden(PRESETS["hihello"]))


# --- model uploads through the real uploader ----------------------------------------


UPLOADED_TEXT = "<script>alert(1)</script> <b>hi</b> there"


@pytest.fixture(scope="module")
def good_upload() -> bytes:
    config = ExplorerConfig(sequences=(UPLOADED_TEXT,), tokens="words", hidden_size=3)
    train_config = TrainConfig(head="linear", steps=5)
    return save_checkpoint(config, train_config, train_to_end(config, train_config).weights)


def poison(tensors) -> None:
    tensors["head.bias"][0] = float("nan")


HOSTILE_UPLOADS = {
    "empty": lambda g: b"",
    "truncated": lambda g: g[: len(g) // 2],
    "over 5 MB": lambda g: g + b"\0" * (MAX_UPLOAD_BYTES + 1 - len(g)),
    "zip bomb": zip_bomb,
    "shared-reference pickle": lambda g: shared_reference_pickle(),
    "pickle as weights": lambda g: with_weights_bytes(g, shared_reference_pickle()),
    "NaN weights": lambda g: with_weights(g, poison),
    "wrong shapes": lambda g: with_settings(g, lambda s: s["explorer"].update(hidden_size=7)),
    "a version that is a link": lambda g: with_settings(
        g, lambda s: s.update(version="[log in](https://evil.example)")
    ),
    "a lone surrogate spelled in JSON": lambda g: with_settings(
        g, lambda s: s["explorer"].update(cell="\udfff")
    ),
    "settings for the largest model": lambda g: with_settings(
        g,
        lambda s: s["explorer"].update(
            hidden_size=MAX_HIDDEN, num_layers=MAX_LAYERS, bidirectional=True, cell="lstm"
        ),  # fmt: skip
    ),
}


def upload(page, data: bytes) -> None:
    (uploader,) = [
        u for u in page.at.get("file_uploader") if u.proto.id.endswith("main_train_upload")
    ]
    uploader.upload("model.zip", data, "application/zip")
    page.run()


@pytest.mark.parametrize("name", list(HOSTILE_UPLOADS))
def test_a_hostile_upload_is_one_error_and_changes_nothing(name, good_upload, page, ref):
    data = HOSTILE_UPLOADS[name](good_upload)
    with pytest.raises(ConfigError) as expected:
        load_checkpoint(data)
    choose_settings(page)
    before = page.heatmap()
    upload(page, data)
    errors = page.bodies("error")
    assert errors == [f"{UPLOAD_TITLE} {expected.value}"]
    assert "](" not in ref.outside_code(errors[0])  # text from the file stays in code spans
    assert_settings_kept(page)
    assert page.value("main_sequences") == "\n".join(LECTURE.sequences)
    np.testing.assert_array_equal(page.heatmap(), before)  # the same scene, untrained


def test_after_a_hostile_upload_a_good_one_restores_and_shows_its_text_literally(
    good_upload, page, ref
):
    upload(page, b"not a zip at all")
    assert len(page.bodies("error")) == 1
    upload(page, good_upload)
    assert not page.at.error
    assert page.value("main_sequences") == UPLOADED_TEXT
    assert page.value("main_tokens") == "words"
    assert markup(page, ref) == []
    charts = json.dumps(page.charts())
    assert "<script" not in charts and "<b>hi</b>" not in charts  # (the figures' own <b> stay)
    assert "&lt;b&gt;hi&lt;/b&gt;" in charts
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in charts  # shown, as text


# --- training limits through the form ---------------------------------------------------

SUBMIT = "FormSubmitter:main_train_form-Train"


def test_training_too_heavy_for_the_server_is_a_message_and_the_charts_stay(make_app):
    # the lecture's 3 lines read as 4 x 3 steps: 12 x 512 x 4 x 2 x 2,000 steps = 98 million
    query = {"preset": "lecture", "hidden": str(MAX_HIDDEN), "layers": str(MAX_LAYERS)}
    page = make_app({**query, "bidirectional": "1"})
    page.widget("main_train_head").set_value("linear")
    page.widget("main_train_steps").set_value(2000)
    (button,) = [b for b in page.at.button if b.key == SUBMIT]
    button.click()
    page.run()
    errors = page.bodies("error")
    assert len(errors) == 1 and t("train_cannot", "en") in errors[0]
    assert "too heavy for the shared server" in errors[0]
    assert page.charts() and page.value("main_hidden_size") == MAX_HIDDEN


# --- the user's language ---------------------------------------------------------------


def test_a_refusal_is_shown_in_korean_in_the_korean_page(make_app):
    page = make_app({"lang": "ko", "seq": "0,5 1,5", "tokens": "numbers"})
    (error,) = page.bodies("error")
    assert "소수점 대신 쉼표를 쓴 숫자로 보입니다" in error
