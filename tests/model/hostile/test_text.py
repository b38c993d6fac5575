"""Hostile and odd text through the backend (encode, trace): every text of the issue's
list, the limits +- 1 that tests/model/test_encoding.py does not cover, and any text with
any settings. Each gives a valid Trace or a keyed ConfigError in both languages.
"""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.i18n import error_text
from model.config import (
    MAX_ABS_NUMBER,
    MAX_FEATURES,
    MAX_LAYERS,
    MAX_SEED,
    MAX_SEQUENCES,
    MAX_STEPS,
    MAX_TOKEN_CHARS,
    ExplorerConfig,
)
from model.encoding import encode
from model.errors import ConfigError
from model.reading import split_lines
from model.trace import trace
from tests.model.hostile.refusals import assert_clear, assert_valid_trace, refusal, scene
from tests.support.strategies import any_text

pytestmark = pytest.mark.usefixtures("single_thread_torch")


FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
THUMBS = "\U0001f44d\U0001f3fd"
KOREA_FLAG = "\U0001f1f0\U0001f1f7"
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


# --- every hostile text of the issue: (id, tokens, lines, error key or expected tokens) --

REFUSED = [
    ("empty", "chars", [""], "err_no_text"),
    ("only spaces, tabs and an ideographic space", "words", ["   ", "\t \u3000"], "err_no_text"),
    ("only zero-width characters", "chars", ["\u200b\ufeff\u2060\u202e"], "err_no_text"),
    ("only control characters", "chars", ["\x00\x07\x1b\x7f"], "err_no_text"),
    ("a 1 MB paste", "chars", ["x" * 2**20], "err_text_too_long"),
    ("a 1 MB paste over many lines", "words", ["word"] * (2**20 // 4), "err_text_too_long"),
    ("combining marks piled on one letter", "chars", ["a" + "\u0301" * 60], "err_token_too_long"),
    ("a 51-character word", "words", ["ok " + "w" * 51], "err_token_too_long"),
    ("a decimal comma", "numbers", ["0,5 1,5 2,5"], "err_line>err_decimal_comma"),
    ("a decimal comma among features", "numbers", ["0,5 1; 2 3"], "err_line>err_decimal_comma"),
    ("NaN", "numbers", ["1 NaN 2"], "err_line>err_not_finite"),
    ("minus infinity", "numbers", ["-inf"], "err_line>err_not_finite"),
    ("1e309 (overflows to inf)", "numbers", ["1 1e309"], "err_line>err_not_finite"),
    ("a word among numbers", "numbers", ["1 two 3"], "err_line>err_not_a_number"),
    ("script tags as numbers", "numbers", ["<script>1</script>"], "err_line>err_not_a_number"),
    ("a number over the limit", "numbers", [f"{MAX_ABS_NUMBER * 10:g}"],
     "err_line>err_number_too_large"),
    ("steps of 2 and 1 features", "numbers", ["1 2; 3"], "err_line>err_features_in_line"),
    ("lines of 2 and 1 features", "numbers", ["1 2; 3 4", "5; 6"], "err_features_lines"),
    ("only separators", "numbers", [", ;"], "err_no_numbers"),
    ("17 lines", "chars", ["ab"] * (MAX_SEQUENCES + 1), "err_too_many_lines"),
    ("1,001 steps", "words", [" ".join("ab" * (MAX_STEPS // 2 + 1))], "err_too_many_steps"),
    ("513 distinct tokens", "chars", ["".join(chr(0xAC00 + i) for i in range(513))], "err_vocab"),
    ("65 numbers per step", "numbers", [" ".join(["1"] * (MAX_FEATURES + 1)) + ";"],
     "err_too_many_features"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tokens", "lines", "key"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_hostile_text_is_refused_with_a_clear_message_in_both_languages(tokens, lines, key):
    started = time.perf_counter()
    error = refusal(lambda: trace(scene(tokens, lines)))
    outer, _, inner = key.partition(">")  # "err_line>err_x": line n, then the reason
    assert error.key == outer
    assert not inner or error.fields["reason"].key == inner
    assert time.perf_counter() - started < 5.0  # refused before any heavy work


def test_numbers_errors_name_the_line_and_the_reason_in_both_languages():
    error = refusal(lambda: encode(scene("numbers", ["1 2", "0,5 1,5"])))
    assert error.fields["line"] == 2 and error.fields["reason"].key == "err_decimal_comma"
    assert str(error).startswith("Line 2: `0,5` looks like a number with a decimal comma")
    assert error_text(error, "ko").startswith("2번째 줄: `0,5`")


ACCEPTED = [
    ("one character", "chars", ["a"], [("a",)]),
    ("emoji: skin tone, family, two flags", "chars", [THUMBS + FAMILY + KOREA_FLAG + SCOTLAND],
     [(THUMBS, FAMILY, KOREA_FLAG, SCOTLAND)]),
    ("right-to-left letters, in typed order", "chars", ["שלום"], [tuple("שלום")]),
    ("right-to-left words", "words", ["مرحبا بالعالم"], [("مرحبا", "بالعالم")]),
    ("Korean with an emoji", "words", ["안녕 👋🏻 세계"], [("안녕", "👋🏻", "세계")]),
    ("byte-order mark and zero-width space dropped", "chars", ["\ufeffh\u200bi"], [("h", "i")]),
    ("direction override dropped", "chars", ["\u202eabc\u202c"], [("a", "b", "c")]),
    ("zero-width joiner kept inside the emoji", "chars", ["a" + FAMILY], [("a", FAMILY)]),
    ("zero-width non-joiner kept in Persian", "words", ["می\u200cخواهم"], [("می\u200cخواهم",)]),
    ("control characters dropped mid-line", "chars", ["a\x1b[1mb"], [("a", "[", "1", "m", "b")]),
    ("a lone surrogate becomes U+FFFD", "chars", ["a\ud800b"], [("a", "\ufffd", "b")]),
    ("a surrogate pair becomes its emoji", "chars", ["\ud83d\udc4d!"], [("\U0001f44d", "!")]),
    ("script and markup stay literal words", "words", ["<script>alert(1)</script> <b>x</b>"],
     [("<script>alert(1)</script>", "<b>x</b>")]),
    ("a 50-character word", "words", ["w" * MAX_TOKEN_CHARS], [("w" * MAX_TOKEN_CHARS,)]),
    ("a lone decimal comma is two numbers", "numbers", ["1,5"], [("1", "5")]),
    ("numbers at the size limit", "numbers", [f"{MAX_ABS_NUMBER:g} -{MAX_ABS_NUMBER:g}"],
     [("1e+06", "-1e+06")]),
    ("64 numbers per step", "numbers", [" ".join(["0.5"] * MAX_FEATURES) + ";"],
     [("(" + ", ".join(["0.5"] * MAX_FEATURES) + ")",)]),
    ("lines of very different lengths", "chars", ["a", "b" * MAX_STEPS],
     [("a",), ("b",) * MAX_STEPS]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tokens", "lines", "expected"), [a[1:] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED]
)
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("batch_first", [True, False])
def test_odd_but_valid_text_traces(tokens, lines, expected, cell, batch_first):
    config = scene(tokens, lines, cell=cell, hidden_size=3, batch_first=batch_first)
    result = trace(config)
    assert result.encoded.token_lines == tuple(expected)
    assert_valid_trace(result)


def test_a_1_mb_paste_of_blank_lines_is_split_quickly_into_nothing():
    started = time.perf_counter()
    assert split_lines(" \n\u200b\n\t\x00\n" * (2**20 // 8)) == ()
    assert time.perf_counter() - started < 3.0
    refusal(lambda: encode(scene("chars", ())))


# --- limits +- 1 that the other test files do not cover ----------------------------------


@pytest.mark.parametrize("tokens", ["chars", "words"])
def test_token_length_limit(tokens):
    long = "q" + "\u0301" * (MAX_TOKEN_CHARS - 1) if tokens == "chars" else "w" * MAX_TOKEN_CHARS
    at_limit = trace(scene(tokens, [long], hidden_size=2))
    assert len(at_limit.encoded.vocab[0]) == MAX_TOKEN_CHARS
    one_more = long + ("\u0301" if tokens == "chars" else "w")
    error = refusal(lambda: encode(scene(tokens, ["x", one_more])))
    assert error.key == "err_token_too_long" and error.fields["line"] == 2
    assert error.fields["got"] == MAX_TOKEN_CHARS + 1


def test_a_quoted_pile_of_accents_keeps_two_per_letter():
    error = refusal(lambda: encode(scene("chars", ["q" + "\u0301" * 60])))
    assert error.fields["token"] == "`q\u0301\u0301…`"


def test_number_size_limit_is_inclusive():
    edge = math.nextafter(MAX_ABS_NUMBER, math.inf)
    assert encode(scene("numbers", [f"{MAX_ABS_NUMBER!r} {-MAX_ABS_NUMBER!r}"])).max_length == 2
    error = refusal(lambda: encode(scene("numbers", [f"1 {edge!r}"])))
    assert error.fields["reason"].key == "err_number_too_large"


_ANY_TEXT = any_text(max_size=40)
_ODD_PIECES = list("ab ,;.-1e9\t\n\x00\u0301\u200b\u200d\ufeff\u202e\ud800<>/&") + [THUMBS, "한"]
_ODD_TEXT = st.lists(st.sampled_from(_ODD_PIECES), max_size=40).map("".join)
_NUMBER_TEXT = st.lists(
    st.one_of(
        st.floats(-100, 100).map(lambda v: f"{v:.4g}"),
        st.sampled_from(["nan", "-inf", "1e309", "1,5", "x", ";", "1e7", ""]),
    ),
    max_size=12,
).map(" ".join)
_SIZE = st.one_of(st.integers(1, 5), st.sampled_from([0, -1, 2.0, "3", None, True, 10**9]))


@settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    lines=st.lists(st.one_of(_ANY_TEXT, _ODD_TEXT, _NUMBER_TEXT), max_size=6),
    tokens=st.sampled_from(["chars", "words", "numbers", "letters"]),
    encoding=st.sampled_from(["onehot", "embedding"]),
    cell=st.sampled_from(["rnn", "lstm", "gru"]),
    nonlinearity=st.sampled_from(["tanh", "relu"]),
    hidden_size=_SIZE,
    num_layers=st.one_of(st.integers(1, 3), st.sampled_from([0, MAX_LAYERS + 1, 1.0])),
    input_size=_SIZE,
    bidirectional=st.booleans(),
    batch_first=st.one_of(st.booleans(), st.sampled_from([0, 1, "yes"])),
    seed=st.one_of(st.integers(0, MAX_SEED), st.sampled_from([-1, MAX_SEED + 1])),
    init_state=st.sampled_from(["zeros", "random"]),
)
def test_random_text_and_settings_give_a_valid_trace_or_a_keyed_config_error(lines, **fields):
    try:
        result = trace(ExplorerConfig(sequences=tuple(lines), **fields))
    except ConfigError as error:
        assert_clear(error)
        return
    assert_valid_trace(result)
