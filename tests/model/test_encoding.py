"""Typed text -> tokens, vocabulary, padded batch; every refusal is a clear ConfigError."""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from model.config import (
    CELLS,
    MAX_ABS_NUMBER,
    MAX_FEATURES,
    MAX_SEQUENCES,
    MAX_STEPS,
    MAX_TEXT_CHARS,
    MAX_VOCAB,
    NONLINEARITIES,
    ExplorerConfig,
)
from model.encoding import EncodedBatch, encode
from model.errors import ConfigError
from model.reading import clean_text, parse_numbers, split_lines, tokenize
from model.trace import Trace, trace
from tests.support.strategies import any_text

pytestmark = pytest.mark.usefixtures("single_thread_torch")


def chars(*lines: str, **changes) -> EncodedBatch:
    return encode(ExplorerConfig(sequences=lines, **changes))


def numbers(*lines: str) -> EncodedBatch:
    return encode(ExplorerConfig(sequences=lines, tokens="numbers"))


# --- vocabulary and one-hot ------------------------------------------------------------


def test_vocabulary_in_order_of_first_appearance():
    assert chars("hello").vocab == ("h", "e", "l", "o")
    assert chars("hello", "eolll", "lleel").vocab == ("h", "e", "l", "o")
    assert chars("banana", "cab").vocab == ("b", "a", "n", "c")


def test_indices_point_at_the_tokens():
    encoded = chars("hello", "world", "hi")
    for row, line in enumerate(encoded.token_lines):
        for t, token in enumerate(line):
            assert encoded.vocab[encoded.indices[row, t]] == token
    assert encoded.token_lines == (tuple("hello"), tuple("world"), tuple("hi"))
    assert encoded.indices.dtype == np.int64


def test_one_hot_table_matches_torch_one_hot():
    encoded = chars("hello")
    table = encoded.one_hot_table()
    expected = torch.nn.functional.one_hot(torch.arange(len(encoded.vocab))).tolist()
    assert [row[0] for row in table] == list(encoded.vocab)
    assert [row[1] for row in table] == list(range(len(encoded.vocab)))
    assert [row[2] for row in table] == expected
    assert encoded.feature_size == 4


def test_words_mode():
    encoded = encode(
        ExplorerConfig(sequences=("the cat  sat on\tthe mat", "a cat"), tokens="words")
    )
    assert encoded.token_lines == (
        ("the", "cat", "sat", "on", "the", "mat"),
        ("a", "cat"),
    )
    assert encoded.vocab == ("the", "cat", "sat", "on", "mat", "a")
    assert encoded.lengths.tolist() == [6, 2]
    assert encoded.tokens == "words"
    assert encoded.values is None


# --- numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("0.1, 0.5, 0.9", [[0.1], [0.5], [0.9]]),
        ("0.1 0.5", [[0.1], [0.5]]),
        ("0.1,0.5,,  0.9 ", [[0.1], [0.5], [0.9]]),
        ("1 2; 3 4; 5 6", [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
        ("1,2;3,4", [[1.0, 2.0], [3.0, 4.0]]),
        ("1 2; 3 4;", [[1.0, 2.0], [3.0, 4.0]]),
        ("-2 1e-3 +4", [[-2.0], [0.001], [4.0]]),
        ("7;", [[7.0]]),
    ],
)
def test_numbers_syntax(line, expected):
    assert parse_numbers(line) == expected
    encoded = numbers(line)
    steps, features = len(expected), len(expected[0])
    assert encoded.values.shape == (1, steps, features)
    assert encoded.values.dtype == np.float32
    np.testing.assert_array_equal(encoded.values[0], np.array(expected, dtype=np.float32))
    assert encoded.feature_size == features
    assert encoded.vocab == ()
    assert encoded.lengths.tolist() == [steps]
    assert len(encoded.token_lines[0]) == steps


def test_numbers_shapes_from_the_help_text():
    assert numbers("0.1, 0.5, 0.9").values.shape == (1, 3, 1)
    assert numbers("1 2; 3 4; 5 6").values.shape == (1, 3, 2)
    assert numbers("0.1 0.5").values.shape == (1, 2, 1)


def test_numbers_padding_is_zero_and_lengths_are_true():
    encoded = numbers("1 2; 3 4; 5 6", "7 8;")  # ";" makes "7 8" one step of 2
    assert encoded.lengths.tolist() == [3, 1]
    assert encoded.values.shape == (2, 3, 2)
    np.testing.assert_array_equal(encoded.values[1, 1:], 0.0)
    np.testing.assert_array_equal(encoded.values[1, 0], np.array([7, 8], dtype=np.float32))
    assert encoded.mask.tolist() == [[True, True, True], [True, False, False]]


@pytest.mark.parametrize(
    ("lines", "needle"),
    [
        (("nan",), "finite"),
        (("1, NaN, 2",), "finite"),
        (("inf",), "finite"),
        (("-inf 1",), "finite"),
        (("1e309",), "finite"),
        (("1 two 3",), "`two` is not a number"),
        (("0,5; 1,5 x",), "not a number"),
        (("1 2; 3",), "same number of features"),
        (("1 2; 3 4", "5; 6"), "same number of features"),
        ((f"{MAX_ABS_NUMBER * 10:g}",), "too large"),
        ((" ".join(["1"] * (MAX_FEATURES + 1)) + ";",), f"At most {MAX_FEATURES}"),
        ((",",), "Line 1"),
        ((" ; ;",), "Line 1"),
        (("1 2", ", ,"), "Line 2"),
    ],
)
def test_bad_numbers_are_config_errors(lines, needle):
    with pytest.raises(ConfigError) as caught:
        encode(ExplorerConfig(sequences=lines, tokens="numbers"))
    assert needle in str(caught.value)


def test_tokenize_refuses_numbers_mode():
    with pytest.raises(ConfigError):
        tokenize("1 2 3", "numbers")


# --- grapheme clusters and awkward text ----------------------------------------------

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # man ZWJ woman ZWJ...
THUMBS_UP_MEDIUM = "\U0001f44d\U0001f3fd"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (THUMBS_UP_MEDIUM, (THUMBS_UP_MEDIUM,)),
        (FAMILY, (FAMILY,)),
        ("a" + FAMILY + "b", ("a", FAMILY, "b")),
        ("\U0001f1f0\U0001f1f7", ("\U0001f1f0\U0001f1f7",)),  # flag: two regional indicators
        ("한국어", ("한", "국", "어")),
        (unicodedata.normalize("NFD", "한글"), ("한", "글")),  # jamo recomposed by NFC
        ("cafe\u0301", ("c", "a", "f", "\u00e9")),  # e + combining acute -> é
        ("q\u0301x", ("q\u0301", "x")),  # no precomposed form: still one token
    ],
)
def test_grapheme_clusters_are_single_tokens(line, expected):
    assert tokenize(line, "chars") == expected
    encoded = chars(line)
    assert encoded.token_lines == (expected,)
    assert encoded.vocab == tuple(dict.fromkeys(expected))


def test_nfc_makes_composed_and_decomposed_text_the_same_token():
    encoded = chars("caf\u00e9", "cafe\u0301")
    assert encoded.token_lines[0] == encoded.token_lines[1]
    assert len(encoded.vocab) == 4


@pytest.mark.parametrize(
    "line",
    [
        "\ud800abc",
        "ab\udfffc",
        "\ud83d\udc4d",  # a surrogate pair written as two lone code points
        "a\x00b\x07c\x1b[31m",
        "\x00\x01abc\x7f",
        "a\tb",
        "\u202eevil\u202c",
        "\ufeffbom",
    ],
)
def test_lone_surrogates_and_control_characters_do_not_crash(line):
    encoded = chars(line)
    for token in encoded.vocab:
        token.encode("utf-8")  # every token can travel to a browser
        assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in token if ch != "\t")
    result = trace(ExplorerConfig(sequences=(line,), hidden_size=3))
    assert result.max_error < 1e-5


def test_control_characters_are_dropped():
    assert chars("a\x00b\x07c").token_lines == (("a", "b", "c"),)
    assert clean_text("x\x00y") == "xy"


def test_split_lines_keeps_lines_with_text_and_their_spaces():
    # spaces at either end are characters (the charseq lab's sample starts with one)
    assert split_lines("hello\n\n  world  \r\n\x00\n \t\nhi") == ("hello", "  world  ", "hi")


# --- padding, mask and lengths ----------------------------------------------------------


def test_padding_mask_and_lengths():
    encoded = chars("hello", "hi", "hey")
    assert encoded.batch_size == 3
    assert encoded.max_length == 5
    assert encoded.lengths.tolist() == [5, 2, 3]
    expected_mask = np.arange(5)[None, :] < np.array([5, 2, 3])[:, None]
    np.testing.assert_array_equal(encoded.mask, expected_mask)
    assert (encoded.indices[~encoded.mask] == 0).all()
    assert encoded.indices.shape == (3, 5)


def test_blank_lines_are_skipped_and_spaces_at_line_ends_are_characters():
    encoded = chars("  hi ", "", "   ", "yo")
    assert encoded.token_lines == ((" ", " ", "h", "i", " "), ("y", "o"))
    assert encoded.vocab == (" ", "h", "i", "y", "o")


# --- refusals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines", [(), ("",), ("   ",), ("\t \n",), ("", " "), ("\x00\x01",)], ids=repr
)
@pytest.mark.parametrize("tokens", ["chars", "words", "numbers"])
def test_empty_text_is_a_config_error(lines, tokens):
    with pytest.raises(ConfigError, match="at least one sequence"):
        encode(ExplorerConfig(sequences=lines, tokens=tokens))


@pytest.mark.parametrize("tokens", ["chars", "words", "numbers"])
def test_too_many_lines(tokens):
    ok = tuple("1" for _ in range(MAX_SEQUENCES))
    assert encode(ExplorerConfig(sequences=ok, tokens=tokens)).batch_size == MAX_SEQUENCES
    with pytest.raises(ConfigError, match=f"At most {MAX_SEQUENCES}"):
        encode(ExplorerConfig(sequences=(*ok, "1"), tokens=tokens))


@pytest.mark.parametrize(
    ("tokens", "line_of"),
    [
        ("chars", lambda n: "ab" * (n // 2) + "a" * (n % 2)),
        ("words", lambda n: " ".join(["w"] * n)),
        ("numbers", lambda n: ",".join(["1"] * n)),
    ],
)
def test_line_length_limit(tokens, line_of):
    exact = encode(ExplorerConfig(sequences=(line_of(MAX_STEPS), line_of(2)), tokens=tokens))
    assert exact.max_length == MAX_STEPS
    assert exact.lengths.tolist() == [MAX_STEPS, 2]
    with pytest.raises(ConfigError) as caught:
        encode(ExplorerConfig(sequences=(line_of(2), line_of(MAX_STEPS + 1)), tokens=tokens))
    assert "Line 2" in str(caught.value) and f"{MAX_STEPS:,}" in str(caught.value)


def test_vocabulary_limit():
    distinct = [chr(0x4E00 + i) for i in range(MAX_VOCAB + 1)]
    assert len(chars("".join(distinct[:MAX_VOCAB])).vocab) == MAX_VOCAB
    with pytest.raises(ConfigError, match="Too many distinct tokens"):
        chars("".join(distinct))
    words = " ".join(f"w{i}" for i in range(MAX_VOCAB + 1))
    with pytest.raises(ConfigError, match=f"at most {MAX_VOCAB}"):
        encode(ExplorerConfig(sequences=(words,), tokens="words"))


def test_text_length_limit():
    with pytest.raises(ConfigError, match="too long"):
        encode(ExplorerConfig(sequences=("a" * (MAX_TEXT_CHARS + 1),)))


# --- anything typed: a Trace or a ConfigError, never anything else --------------------

_ANY_LINE = st.one_of(
    any_text(max_size=12),  # surrogates, controls, everything
    st.text(st.sampled_from("ab c,;.-1e0\n\t\x00\ud800é👍🏽한"), min_size=1, max_size=12),
)
_NUMBER = st.one_of(
    st.floats(-MAX_ABS_NUMBER, MAX_ABS_NUMBER).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.floats(-10, 10, width=32).map(lambda v: f"{v:.3g}"),
)
_NOT_QUITE_A_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**8), 10**8).map(str),
    st.sampled_from(["nan", "-inf", "1e309", "x", "1,5", "", ";", "1_0", "０", "1e6.5"]),
)


@st.composite
def _numbers_line(draw, width: int, number: st.SearchStrategy[str]) -> str:
    steps = draw(st.lists(st.lists(number, min_size=width, max_size=width), max_size=6))
    if width == 1 and draw(st.booleans()):
        separator = draw(st.sampled_from([", ", " ", ",", " ,  "]))
        return separator.join(step[0] for step in steps)
    return "; ".join(" ".join(step) for step in steps) + draw(st.sampled_from(["", ";"]))


@st.composite
def _scene(draw) -> tuple[str, tuple[str, ...]]:
    """(tokens, lines): mostly things that could work, sometimes anything at all."""
    tokens = draw(st.sampled_from(["chars", "words", "numbers"]))
    line = _ANY_LINE
    if tokens == "numbers":
        width = draw(st.integers(1, 3))
        line = draw(
            st.sampled_from(
                [
                    _numbers_line(width, _NUMBER),
                    _numbers_line(width, _NUMBER),
                    _numbers_line(width, st.one_of(_NUMBER, _NOT_QUITE_A_NUMBER)),
                    _ANY_LINE,
                ]
            )
        )
    return tokens, tuple(
        draw(st.lists(line, min_size=draw(st.sampled_from([0, 1, 1])), max_size=4))
    )


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    scene=_scene(),
    encoding=st.sampled_from(["onehot", "embedding"]),
    cell=st.sampled_from(CELLS),
    nonlinearity=st.sampled_from(NONLINEARITIES),
    hidden_size=st.integers(1, 4),
    num_layers=st.integers(1, 2),
    bidirectional=st.booleans(),
    bias=st.booleans(),
    batch_first=st.booleans(),
    seed=st.integers(0, 2**31 - 1),
    init_state=st.sampled_from(["zeros", "random"]),
    input_size=st.integers(1, 4),
)
def test_any_text_gives_a_trace_or_a_config_error(scene, **settings_):
    tokens, lines = scene
    try:
        result = trace(ExplorerConfig(sequences=lines, tokens=tokens, **settings_))
    except ConfigError as error:
        assert str(error)  # a sentence for the user
        event(f"ConfigError: {str(error)[:25]}")
        return
    event(f"Trace ({tokens})")
    assert isinstance(result, Trace)
    assert math.isfinite(result.max_error)
    assert result.max_error < 1e-5
    for token_line in result.encoded.token_lines:
        for token in token_line:
            token.encode("utf-8")
