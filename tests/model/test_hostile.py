"""Hostile and odd input through the backend (encode, config, trace, checkpoint).

Every input gives either a valid Trace (shapes consistent, finite where computed, NaN past
a packed line's end, max_error < 1e-5) or the project's own ConfigError with a text key
whose English equals the sentence and whose Korean exists: nothing else, ever. The cases
already covered in test_encoding.py, test_config.py and test_checkpoint.py are not
repeated; this file adds the rest of the issue's list, the limits +- 1 not tested there,
property-based tests over any value in any field, and the memory budget measured.
"""

from __future__ import annotations

import ast
import dataclasses
import io
import json
import math
import pickle
import re
import string
import struct
import subprocess
import sys
import time
import traceback
import unicodedata
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from components.i18n import EN, KO, error_text
from model.cells import GATE_NAMES, check_budget
from model.config import (
    MAX_ABS_NUMBER,
    MAX_FEATURES,
    MAX_HIDDEN,
    MAX_INPUT_SIZE,
    MAX_LAYERS,
    MAX_SEED,
    MAX_SEQUENCES,
    MAX_STATE_VALUES,
    MAX_STEPS,
    MAX_TEXT_CHARS,
    MAX_TOKEN_CHARS,
    MAX_VOCAB,
    ExplorerConfig,
    field_names,
)
from model.encoding import encode, split_lines
from model.errors import ConfigError
from model.trace import Trace, trace
from model.training.checkpoint import (
    MAX_SETTINGS_BYTES,
    MAX_UPLOAD_BYTES,
    SETTINGS_NAME,
    WEIGHTS_NAME,
    expected_shapes,
    load_checkpoint,
    save_result,
)
from model.training.run import TrainConfig, train_to_end

pytestmark = pytest.mark.usefixtures("single_thread_torch")

ROOT = Path(__file__).resolve().parents[2]
HANGUL = re.compile("[가-힣]")
INVISIBLE = {"Cc", "Cs"}
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
THUMBS = "\U0001f44d\U0001f3fd"
KOREA_FLAG = "\U0001f1f0\U0001f1f7"
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


def template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


KEYED_MODULES = (
    "config",
    "encoding",
    "checkpoint",
    "training/checkpoint",
)  # every refusal there has a text key


def raised_in(error: BaseException) -> str:
    """The model module (file stem) whose code raised the error."""
    frames = traceback.extract_tb(error.__traceback__)
    return Path(frames[-1].filename).stem if frames else ""


def assert_clear(error: ConfigError) -> str | None:
    """The refusal is a short sentence with a text key; English and Korean both say it.
    Modules outside KEYED_MODULES do not give keys yet: their sentence stays English
    (inside a translated message too). Returns the key."""
    message = str(error)
    assert message and len(message) < 400 and "Traceback" not in message, message
    message.encode("utf-8")  # it can travel to a browser
    if error.key is None:
        assert raised_in(error) not in KEYED_MODULES, f"no text key: {message}"
        assert error_text(error, "ko") == message
        return None
    assert error.key in EN and error.key in KO, (error.key, message)
    assert error_text(error, "en") == message  # the table's English is the backend's
    korean = error_text(error, "ko")
    assert HANGUL.search(korean), korean  # a missing field would fall back to English
    for value in error.fields.values():
        if isinstance(value, ConfigError):
            assert_clear(value)
    return error.key


def refusal(make) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        make()
    assert type(caught.value) is ConfigError
    assert_clear(caught.value)
    return caught.value


def assert_valid_trace(result: Trace) -> None:
    config, encoded = result.config, result.encoded
    layers, directions, hidden = config.num_layers, config.num_directions, config.hidden_size
    batch, steps = (
        (encoded.batch_size, encoded.max_length)
        if config.batch_first
        else (encoded.max_length, encoded.batch_size)
    )
    shape = (layers, directions, batch, steps, hidden)
    assert result.hidden.shape == shape
    assert set(result.gates) == set(GATE_NAMES[config.cell])
    arrays = [result.hidden, *result.gates.values(), *result.preactivations.values()]
    if config.cell == "lstm":
        arrays.append(result.cell)
    else:
        assert result.cell is None
    valid = result.valid
    for values in arrays:
        assert values.shape == shape and values.dtype == np.float32
        assert np.isfinite(values[:, :, valid]).all()
        assert np.isnan(values[:, :, ~valid]).all()
    assert result.inputs.shape[:2] == (batch, steps) and np.isfinite(result.inputs).all()
    assert result.h_n.shape == (layers * directions, batch, hidden)
    assert len(result.tokens) == batch and all(len(row) == steps for row in result.tokens)
    assert 0 <= result.max_error < 1e-5
    assert len(encoded.vocab) <= MAX_VOCAB and encoded.max_length <= MAX_STEPS
    for line in encoded.token_lines:
        for token in line:
            token.encode("utf-8")  # travels to a browser
            assert len(token) <= MAX_TOKEN_CHARS or encoded.values is not None
            assert not {unicodedata.category(ch) for ch in token if ch != "\t"} & INVISIBLE


def scene(tokens: str, lines, **changes) -> ExplorerConfig:
    return ExplorerConfig(sequences=tuple(lines), tokens=tokens, **changes)


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


@pytest.mark.parametrize(
    ("field", "low", "high"),
    [
        ("hidden_size", 1, MAX_HIDDEN),
        ("num_layers", 1, MAX_LAYERS),
        ("input_size", 1, MAX_INPUT_SIZE),
        ("seed", 0, MAX_SEED),
    ],
)
def test_size_limits_refuse_in_both_languages(field, low, high):
    """test_config.py checks the ranges; here the refusals are translated."""
    for value in (low - 1, high + 1, 10**5000, -(10**5000)):
        error = refusal(lambda v=value: ExplorerConfig(**{field: v}))
        assert error.key == "err_int_range" and error.fields["name"] == field
        assert len(str(error)) < 120  # a 5,000-digit number is not printed in full
    korean = error_text(refusal(lambda: ExplorerConfig(**{field: high + 1})), "ko")
    assert f"{high:,}" in korean


def test_text_limit_message_in_both_languages():
    error = refusal(lambda: ExplorerConfig(sequences=("x" * (MAX_TEXT_CHARS + 1),)))
    assert f"{MAX_TEXT_CHARS:,}" in error_text(error, "ko")


# --- any value in any field, any text: a valid Trace or a keyed ConfigError -------------

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.binary(max_size=6),
    st.lists(st.text(max_size=3), max_size=3),
    st.tuples(st.text(max_size=3), st.integers()),
    st.sampled_from([np.int64(3), np.float32(2.0), np.array(["chars"]), torch.tensor(2)]),
)


@settings(max_examples=300, deadline=None, database=None)
@given(field=st.sampled_from(field_names()), value=ODD_VALUES)
def test_any_value_in_any_field_is_accepted_or_a_keyed_config_error(field, value):
    try:
        config = ExplorerConfig(**{field: value})
    except ConfigError as error:
        assert_clear(error)
        return
    assert getattr(config, field) is value
    hash(config)  # still a cache key


_ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)
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


# --- checkpoints: what test_checkpoint.py does not try ---------------------------------

CONFIG = ExplorerConfig(sequences=("hello world", "hi there"), cell="gru", hidden_size=3)
TRAINING = TrainConfig(head="linear", steps=5, seed=1)
TRAIN_FIELDS = tuple(f.name for f in dataclasses.fields(TrainConfig))


@pytest.fixture(scope="module")
def good() -> bytes:
    return save_result(train_to_end(CONFIG, TRAINING))


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def make_zip(files, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """files: {name: bytes} or [(name, bytes)] (repeated names allowed)."""
    buffer = io.BytesIO()
    items = files.items() if isinstance(files, dict) else files
    with zipfile.ZipFile(buffer, "w", compression) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": wanted here
        for name, payload in items:
            archive.writestr(name, payload)
    return buffer.getvalue()


def with_settings(good: bytes, change) -> bytes:
    files = members(good)
    values = json.loads(files[SETTINGS_NAME])
    change(values)
    return make_zip({**files, SETTINGS_NAME: json.dumps(values).encode()})


def with_raw_settings(good: bytes, old: bytes, new: bytes) -> bytes:
    files = members(good)
    assert old in files[SETTINGS_NAME]
    return make_zip({**files, SETTINGS_NAME: files[SETTINGS_NAME].replace(old, new)})


def with_weights_bytes(good: bytes, payload: bytes) -> bytes:
    return make_zip({**members(good), WEIGHTS_NAME: payload})


def with_weights(good: bytes, change) -> bytes:
    tensors = dict(load_safetensors(members(good)[WEIGHTS_NAME]))
    change(tensors)
    return with_weights_bytes(good, save_safetensors(tensors))


def shared_reference_pickle(depth: int = 30) -> bytes:
    """A ~1 kB pickle whose object graph, walked, has 2**depth leaves."""
    node: list = ["leaf"]
    for _ in range(depth):
        node = [node, node]
    return pickle.dumps(node)


def safetensors_bytes(header: dict, data: bytes) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + data


def many_members(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(count):
            archive.writestr(zipfile.ZipInfo(f"{i:x}"), b"")
    return buffer.getvalue()


def settings_bomb(good: bytes) -> bytes:
    return make_zip({**members(good), SETTINGS_NAME: b" " * (MAX_SETTINGS_BYTES + 1)})


def read_before(good: bytes) -> io.BytesIO:
    stream = io.BytesIO(good)
    stream.read()
    return stream


def largest_model_settings(good: bytes) -> bytes:
    def change(values):
        values["explorer"].update(
            sequences=["ab"], cell="lstm", hidden_size=MAX_HIDDEN, num_layers=MAX_LAYERS,
            bidirectional=True, encoding="embedding", input_size=MAX_INPUT_SIZE,
        )  # fmt: skip

    return with_settings(good, change)


HOSTILE_UPLOADS = {
    "a shared-reference pickle bomb as the upload": (
        lambda g: shared_reference_pickle(), "err_ckpt_not_checkpoint"),
    "a shared-reference pickle bomb as the weights": (
        lambda g: with_weights_bytes(g, shared_reference_pickle()), "err_ckpt_not_safetensors"),
    "a shared-reference pickle bomb as the settings": (
        lambda g: make_zip({**members(g), SETTINGS_NAME: shared_reference_pickle()}),
        "err_ckpt_json"),
    "a settings.json bomb": (settings_bomb, "err_ckpt_member_too_large"),
    "55,000 members": (lambda g: many_members(55_000), "err_ckpt_members"),
    "the weights twice": (
        lambda g: make_zip([*members(g).items(), (WEIGHTS_NAME, b"")]), "err_ckpt_members"),
    "a zip inside the zip": (lambda g: with_weights_bytes(g, g), "err_ckpt_not_safetensors"),
    "a header declaring a 2**62-element tensor": (
        lambda g: with_weights_bytes(g, safetensors_bytes(
            {"head.bias": {"dtype": "F32", "shape": [2**31, 2**31], "data_offsets": [0, 16]}},
            b"\0" * 16)), "err_ckpt_not_safetensors"),
    "a header longer than the file": (
        lambda g: with_weights_bytes(g, struct.pack("<Q", 2**40) + b"{}"),
        "err_ckpt_not_safetensors"),
    "two tensors sharing one buffer": (
        lambda g: with_weights_bytes(g, safetensors_bytes(
            {name: {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}
             for name in ("head.bias", "head.weight")}, b"\0" * 16)),
        "err_ckpt_not_safetensors"),
    "float16 weights": (
        lambda g: with_weights(g, lambda t: t.update({"head.bias": t["head.bias"].half()})),
        "err_ckpt_dtype"),
    "bfloat16 weights": (
        lambda g: with_weights(g, lambda t: t.update(
            {"head.weight": t["head.weight"].bfloat16()})), "err_ckpt_dtype"),
    "an empty tensor": (
        lambda g: with_weights(g, lambda t: t.update({"head.bias": torch.zeros(0)})),
        "err_ckpt_shape"),
    "missing and unexpected tensors": (
        lambda g: with_weights(g, lambda t: t.update(extra=t.pop("head.bias"))),
        "err_ckpt_tensors_both"),
    "a version that is a Markdown link": (
        lambda g: with_settings(g, lambda s: s.update(version="[log in](https://evil.example)")),
        "err_ckpt_version"),
    "a learning rate of 1e999 (inf in JSON)": (
        lambda g: with_raw_settings(g, b'"learning_rate": 0.1', b'"learning_rate": 1e999'),
        "err_ckpt_settings_invalid"),
    "a 5,000-digit seed": (
        lambda g: with_raw_settings(g, b'"seed": 0', b'"seed": ' + b"9" * 5000),
        "err_ckpt_json"),
    "20,000 empty sequences": (
        lambda g: with_settings(g, lambda s: s["explorer"].update(sequences=[""] * 20_000)),
        "err_ckpt_settings_unusable"),
    "text over the length limit": (
        lambda g: with_settings(g, lambda s: s["explorer"].update(
            sequences=["x" * (MAX_TEXT_CHARS + 1)])), "err_ckpt_settings_invalid"),
    "settings for the largest model": (largest_model_settings, "err_ckpt_tensors_missing"),
    "a hidden size of 10**30": (
        lambda g: with_settings(g, lambda s: s["explorer"].update(hidden_size=10**30)),
        "err_ckpt_settings_invalid"),
    "an object that is not a file": (lambda g: object(), "err_ckpt_unreadable"),
    "a lone surrogate spelled in JSON, in the text": (
        lambda g: with_raw_settings(g, b'"hello world"', b'"\\ud800 hello"'),
        "err_ckpt_sequences"),
    "a lone surrogate spelled in JSON, as the cell": (
        lambda g: with_raw_settings(g, b'"cell": "gru"', b'"cell": "\\udfff"'),
        "err_ckpt_settings_invalid"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(HOSTILE_UPLOADS))
def test_hostile_uploads_are_refused_quickly_in_both_languages(name, good):
    make, key = HOSTILE_UPLOADS[name]
    upload = make(good)
    started = time.perf_counter()
    error = refusal(lambda: load_checkpoint(upload))
    assert error.key == key
    assert time.perf_counter() - started < 5.0  # measured: < 1 s each, even the largest model


def test_a_version_from_the_file_is_quoted_never_markdown(good):
    upload = HOSTILE_UPLOADS["a version that is a Markdown link"][0](good)
    error = refusal(lambda: load_checkpoint(upload))
    outside_code = re.sub(r"`[^`]*`", "", str(error))
    assert "](" not in outside_code and "`[log in](https://evi" in str(error)


def test_an_upload_read_before_is_read_from_its_start(good):
    assert load_checkpoint(read_before(good)).config == CONFIG


def test_many_members_are_counted_from_the_end_record_not_listed(good):
    upload = many_members(55_000)
    assert len(upload) <= MAX_UPLOAD_BYTES
    started = time.perf_counter()
    error = refusal(lambda: load_checkpoint(upload))
    assert time.perf_counter() - started < 0.2  # zipfile's own listing took ~1 s and 30 MB
    assert error.fields["got"] == 55_000


def test_upload_size_limit_is_inclusive(good):
    at_limit = b"\0" * (MAX_UPLOAD_BYTES - len(good)) + good  # a zip may follow other bytes
    assert len(at_limit) == MAX_UPLOAD_BYTES
    assert load_checkpoint(at_limit).config == CONFIG
    assert refusal(lambda: load_checkpoint(b"\0" + at_limit)).key == "err_ckpt_too_large"


def test_settings_size_limit_is_inclusive(good):
    raw = members(good)[SETTINGS_NAME]
    padded = raw + b" " * (MAX_SETTINGS_BYTES - len(raw))  # JSON allows trailing spaces
    assert load_checkpoint(make_zip({**members(good), SETTINGS_NAME: padded})).config == CONFIG
    over = make_zip({**members(good), SETTINGS_NAME: padded + b" "})
    assert refusal(lambda: load_checkpoint(over)).key == "err_ckpt_member_too_large"


_JSON_VALUES = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-(10**12), 10**12),
        st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
    ),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3),  # noqa: E501
    max_leaves=6,
)  # fmt: skip


@settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_settings_value_loads_or_is_a_keyed_config_error(good, data):
    section = data.draw(st.sampled_from(["explorer", "training"]))
    names = field_names() if section == "explorer" else TRAIN_FIELDS
    name = data.draw(st.sampled_from(names))
    value = data.draw(_JSON_VALUES)
    upload = with_settings(good, lambda s: s[section].update({name: value}))
    try:
        loaded = load_checkpoint(upload)
    except ConfigError as error:
        assert_clear(error)
        return
    expected = expected_shapes(loaded.config, loaded.train_config)
    assert {k: tuple(v.shape) for k, v in loaded.weights.items()} == expected


_DTYPES = [torch.float32, torch.float64, torch.float16, torch.int64, torch.complex64, torch.bool]


@settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_tensors_load_or_are_a_keyed_config_error(good, data):
    original = dict(load_safetensors(members(good)[WEIGHTS_NAME]))
    tensors = {}
    for name, tensor in original.items():
        action = data.draw(st.sampled_from(["keep", "keep", "drop", "dtype", "shape", "poison"]))
        if action == "keep":
            tensors[name] = tensor
        elif action == "dtype":
            tensors[name] = tensor.to(data.draw(st.sampled_from(_DTYPES)))
        elif action == "shape":
            shape = data.draw(st.lists(st.integers(0, 5), max_size=3))
            tensors[name] = torch.zeros(shape)
        elif action == "poison":
            poisoned = tensor.clone()
            poisoned.view(-1)[0] = data.draw(st.sampled_from([math.nan, math.inf, -math.inf]))
            tensors[name] = poisoned
    if data.draw(st.booleans()):
        tensors[data.draw(st.text(min_size=1, max_size=8))] = torch.ones(2)
    try:
        loaded = load_checkpoint(with_weights_bytes(good, save_safetensors(tensors)))
    except ConfigError as error:
        assert_clear(error)
        return
    assert loaded.weights.keys() == original.keys()
    for name, tensor in loaded.weights.items():
        assert tensor.dtype == torch.float32 and torch.isfinite(tensor).all()
        assert tensor.shape == original[name].shape


# --- every refusal in the backend carries a text key in both languages -----------------


def _config_error_calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ConfigError":
            yield node


@pytest.mark.parametrize(
    "module",
    sorted(
        p.relative_to(ROOT / "model").with_suffix("").as_posix()
        for p in (ROOT / "model").rglob("*.py")
    ),
)
def test_every_text_key_the_backend_raises_exists_with_its_fields(module):
    path = ROOT / "model" / f"{module}.py"
    for call in _config_error_calls(path):
        where = f"{path.name}:{call.lineno}"
        if len(call.args) < 2:  # not keyed yet: shown in English only
            assert module not in KEYED_MODULES, f"{where}: ConfigError without a text key"
            continue
        key = call.args[1]
        assert isinstance(key, ast.Constant) and key.value.startswith("err_"), where
        passed = {keyword.arg for keyword in call.keywords}
        for table in (EN, KO):
            assert key.value in table, f"{where}: no text for {key.value}"
            assert template_fields(table[key.value]) == passed, f"{where}: {key.value}"


def test_config_errors_keep_their_key_through_pickling():
    error = refusal(lambda: encode(scene("numbers", ["0,5 1,5"])))
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.key, copy.fields["reason"].key) == (
        str(error),
        "err_line",
        "err_decimal_comma",
    )
    assert error_text(copy, "ko") == error_text(error, "ko")


# --- the budget bounds memory and time ---------------------------------------------------

_MEASURE = """
import json, resource, sys, time
import torch
torch.set_num_threads(1)
from model.config import ExplorerConfig
from model.trace import trace
trace(ExplorerConfig())
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
settings = json.loads(sys.argv[1])
result = trace(ExplorerConfig(**{**settings, "sequences": tuple(settings["sequences"])}))
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": (after - before) / 1024, "rss_mb": after / 1024,
                  "values": int(result.hidden.size), "error": result.max_error}))
"""
_DISTINCT = "".join(chr(0x4E00 + i) for i in range(MAX_VOCAB))
# The largest weights (LSTM, hidden 512, 4 layers, both directions, embedding 512:
# 23 million parameters) with the state budget filled: 1 line x 512 steps.
LARGEST = {
    "sequences": [_DISTINCT],
    "cell": "lstm",
    "hidden_size": MAX_HIDDEN,
    "num_layers": MAX_LAYERS,
    "bidirectional": True,
    "encoding": "embedding",
    "input_size": MAX_INPUT_SIZE,
}
PEAK_MB = 1024  # measured here: ~420 MB and 7-12 s (2 shared cores)
SECONDS = 60


def test_the_largest_allowed_scene_fits_in_bounded_memory_and_time():
    config = ExplorerConfig(**{**LARGEST, "sequences": tuple(LARGEST["sequences"])})
    encoded = encode(config)
    check_budget(config, encoded)  # allowed ...
    assert encoded.max_length * MAX_HIDDEN * MAX_LAYERS * 2 <= MAX_STATE_VALUES
    one_more = config.with_changes(sequences=(_DISTINCT + "a",))
    with pytest.raises(ConfigError):  # ... and one more step is not
        check_budget(one_more, encode(one_more))
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, json.dumps(LARGEST)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    figures = json.loads(measured.stdout)
    print(f"\nlargest scene: {figures}")
    assert figures["values"] == MAX_HIDDEN * MAX_LAYERS * 2 * MAX_VOCAB
    assert figures["peak_mb"] < PEAK_MB and figures["seconds"] < SECONDS
    assert figures["error"] < 1e-5


# --- a known gap, kept visible -------------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="model/trace.py measures max_error relative to max(1, |value|); a ReLU RNN "
    "whose pre-activation is a near-cancelling sum of large terms differs by up to ~3e-3 "
    "between two correct float32 summation orders. The tolerance should scale with the "
    "terms (|x| |W_ih| + |h| |W_hh| + |b|), not with the result.",
)
def test_relu_with_large_cancelling_inputs_stays_within_tolerance():
    """30 steps of 8 numbers within +-MAX_ABS_NUMBER, ReLU, 3 layers: measured 2.7e-3
    here (18 of 200 such seeds exceed 1e-4; tanh, LSTM and GRU stay below 3e-7)."""
    values = np.random.default_rng(93).uniform(-MAX_ABS_NUMBER, MAX_ABS_NUMBER, (30, 8))
    line = "; ".join(" ".join(f"{v:.6g}" for v in step) for step in values)
    config = ExplorerConfig(
        sequences=(line,), tokens="numbers", nonlinearity="relu", hidden_size=16, num_layers=3,
        seed=93,
    )  # fmt: skip
    assert trace(config).max_error < 1e-5
