"""Hostile checkpoint uploads: what tests/model/training/test_checkpoint.py does not
try (pickle and zip bombs, lying headers, the size limits +- 1, any settings value, any
tensors). Each is refused quickly with a keyed ConfigError in both languages, or loads
weights of the expected shapes.
"""

from __future__ import annotations

import dataclasses
import math
import re
import struct
import time

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from model.config import (
    MAX_HIDDEN,
    MAX_INPUT_SIZE,
    MAX_LAYERS,
    MAX_TEXT_CHARS,
    ExplorerConfig,
    field_names,
)
from model.errors import ConfigError
from model.training.archive import MAX_SETTINGS_BYTES, MAX_UPLOAD_BYTES, SETTINGS_NAME, WEIGHTS_NAME
from model.training.checkpoint import expected_shapes, load_checkpoint, save_result
from model.training.config import TrainConfig
from model.training.run import train_to_end
from tests.model.hostile.refusals import assert_clear, refusal
from tests.support.files import (
    make_zip,
    many_members,
    members,
    read_before,
    safetensors_bytes,
    shared_reference_pickle,
    with_raw_settings,
    with_settings,
    with_weights,
    with_weights_bytes,
)

pytestmark = pytest.mark.usefixtures("single_thread_torch")


CONFIG = ExplorerConfig(sequences=("hello world", "hi there"), cell="gru", hidden_size=3)
TRAINING = TrainConfig(head="linear", steps=5, seed=1)
TRAIN_FIELDS = tuple(f.name for f in dataclasses.fields(TrainConfig))


@pytest.fixture(scope="module")
def good() -> bytes:
    return save_result(train_to_end(CONFIG, TRAINING))


def settings_bomb(good: bytes) -> bytes:
    return make_zip({**members(good), SETTINGS_NAME: b" " * (MAX_SETTINGS_BYTES + 1)})


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
