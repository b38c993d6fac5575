"""Checkpoints: a faithful round trip, and every hostile upload is a ConfigError."""

from __future__ import annotations

import io
import pickle
import struct
import zipfile

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.torch import load as load_safetensors

from model.config import ExplorerConfig
from model.errors import ConfigError
from model.trace import trace_model
from model.training.archive import MAX_UPLOAD_BYTES, SETTINGS_NAME, WEIGHTS_NAME
from model.training.checkpoint import load_checkpoint, save_checkpoint, save_result
from model.training.config import TrainConfig
from model.training.network import predict
from model.training.run import train_to_end
from tests.support.files import make_zip, members, with_settings, with_weights, zip_bomb

pytestmark = pytest.mark.usefixtures("single_thread_torch")

CONFIG = ExplorerConfig(sequences=("hello world", "hi there"), cell="lstm", hidden_size=4)
TRAINING = TrainConfig(head="linear", steps=10, learning_rate=0.05, seed=3)


@pytest.fixture(scope="module")
def result():
    return train_to_end(CONFIG, TRAINING)


@pytest.fixture(scope="module")
def good(result) -> bytes:
    return save_result(result)


# --- the round trip --------------------------------------------------------------------


def test_round_trip_gives_identical_weights_and_settings(result, good):
    loaded = load_checkpoint(good)
    assert loaded.config == CONFIG and loaded.train_config == TRAINING
    assert loaded.weights.keys() == result.weights.keys()
    for name, value in result.weights.items():
        assert loaded.weights[name].dtype == torch.float32
        assert torch.equal(loaded.weights[name], value)
    from_file = load_checkpoint(io.BytesIO(good))
    assert all(torch.equal(from_file.weights[k], v) for k, v in result.weights.items())
    shown = trace_model(CONFIG, result.data.inputs, result.built_model())
    restored = trace_model(CONFIG, result.data.inputs, loaded.built_model())
    np.testing.assert_array_equal(shown.hidden, restored.hidden)
    assert save_result(result) == good  # the same model gives the same bytes
    loss, predictions = predict(loaded.config, loaded.train_config, loaded.weights)
    assert loss == result.losses[-1]
    assert predictions == result.predictions[result.last_step]


def test_round_trip_of_numbers_with_embedding_free_settings():
    config = ExplorerConfig(sequences=("1 2 3 4", "2 3 4 5"), tokens="numbers", hidden_size=3)
    trained = train_to_end(config, TrainConfig(steps=5))
    loaded = load_checkpoint(save_result(trained))
    assert loaded.config == config
    assert all(torch.equal(loaded.weights[k], v) for k, v in trained.weights.items())


def test_round_trip_keeps_unusual_text():
    config = ExplorerConfig(sequences=('a"b\\c 👍🏽 각', "x\ty"), hidden_size=3)
    trained = train_to_end(config, TrainConfig(head="linear", steps=3))
    assert load_checkpoint(save_result(trained)).config == config


def test_a_model_too_large_to_upload_again_is_refused_at_save(result):
    huge = {"rnn.weight": torch.zeros(MAX_UPLOAD_BYTES // 4 + 1)}
    with pytest.raises(ConfigError):
        save_checkpoint(CONFIG, TRAINING, huge)


# --- hostile uploads -------------------------------------------------------------------


def _bomb_with_a_small_declared_size(good: bytes) -> bytes:
    """Deflated zeros whose headers claim 100 bytes: the reader must not trust them."""
    data = bytearray(zip_bomb(good))
    name = WEIGHTS_NAME.encode()
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_offset = 30 if signature == b"PK\x03\x04" else 46
            if data[start + name_offset : start + name_offset + len(name)] == name:
                struct.pack_into("<I", data, start + size_offset, 100)
            start += 4
    return bytes(data)


def _stream_with_huge_size(good: bytes):
    stream = io.BytesIO(good)
    stream.size = MAX_UPLOAD_BYTES + 1
    return stream


def _renamed_key(tensors):
    tensors["rnn.weight_ih_l9"] = tensors.pop("rnn.weight_ih_l0")


def _nan(tensors):
    tensors["rnn.weight_hh_l0"][0, 0] = float("nan")


def _inf(tensors):
    tensors["head.bias"][0] = float("inf")


def _float64(tensors):
    tensors["head.weight"] = tensors["head.weight"].double()


def _complex(tensors):
    tensors["head.weight"] = tensors["head.weight"].to(torch.complex64)


def _bad_settings(good, **changes):
    def change(s):
        for section, values in changes.items():
            s[section].update(values)

    return with_settings(good, change)


HOSTILE = {
    "empty": lambda g: b"",
    "truncated zip": lambda g: g[: len(g) // 2],
    "truncated end": lambda g: g[:-10],
    "not a zip": lambda g: b"hello, this is not a zip file" * 10,
    "oversized": lambda g: g + b"\0" * (MAX_UPLOAD_BYTES + 1 - len(g)),
    "oversized stream": lambda g: io.BytesIO(b"\0" * (MAX_UPLOAD_BYTES + 1)),
    "declared oversized stream": _stream_with_huge_size,
    "zip bomb": zip_bomb,
    "zip bomb lying about its size": _bomb_with_a_small_declared_size,
    "extra member": lambda g: make_zip({**members(g), "notes.txt": b"hi"}),
    "missing weights": lambda g: make_zip({SETTINGS_NAME: members(g)[SETTINGS_NAME]}),
    "missing settings": lambda g: make_zip({WEIGHTS_NAME: members(g)[WEIGHTS_NAME]}),
    "renamed member": lambda g: make_zip(
        {SETTINGS_NAME: members(g)[SETTINGS_NAME], "weights.pt": members(g)[WEIGHTS_NAME]}
    ),
    "nested path": lambda g: make_zip(
        {"a/" + name: payload for name, payload in members(g).items()}
    ),
    "wrong tensor key": lambda g: with_weights(g, _renamed_key),
    "extra tensor": lambda g: with_weights(g, lambda t: t.update(extra=torch.zeros(2))),
    "missing tensor": lambda g: with_weights(g, lambda t: t.pop("head.bias")),
    "wrong shape": lambda g: with_weights(
        g, lambda t: t.update({"head.weight": torch.zeros(3, 3)})
    ),
    "NaN weight": lambda g: with_weights(g, _nan),
    "inf weight": lambda g: with_weights(g, _inf),
    "float64 weight": lambda g: with_weights(g, _float64),
    "complex weight": lambda g: with_weights(g, _complex),
    "settings not JSON": lambda g: make_zip({**members(g), SETTINGS_NAME: b"{not json"}),
    "settings not UTF-8": lambda g: make_zip({**members(g), SETTINGS_NAME: b"\xff\xfe{}"}),
    "settings a list": lambda g: make_zip({**members(g), SETTINGS_NAME: b"[1, 2]"}),
    "settings deeply nested": lambda g: make_zip(
        {**members(g), SETTINGS_NAME: b"[" * 100_000 + b"]" * 100_000}
    ),
    "negative hidden size": lambda g: _bad_settings(g, explorer={"hidden_size": -1}),
    "hidden size as text": lambda g: _bad_settings(g, explorer={"hidden_size": "4"}),
    "other hidden size": lambda g: _bad_settings(g, explorer={"hidden_size": 5}),
    "unknown cell": lambda g: _bad_settings(g, explorer={"cell": "transformer"}),
    "long hostile value": lambda g: _bad_settings(g, explorer={"cell": "x" * 100_000}),
    "sequences not a list": lambda g: _bad_settings(g, explorer={"sequences": "hello"}),
    "sequences of numbers": lambda g: _bad_settings(g, explorer={"sequences": [1, 2]}),
    "learning rate as text": lambda g: _bad_settings(g, training={"learning_rate": "fast"}),
    "learning rate a list": lambda g: _bad_settings(g, training={"learning_rate": [0.1]}),
    "steps a dict": lambda g: _bad_settings(g, training={"steps": {"a": 1}}),
    "extra setting": lambda g: _bad_settings(g, training={"momentum": 0.9}),
    "missing setting": lambda g: with_settings(g, lambda s: s["explorer"].pop("seed")),
    "other version": lambda g: with_settings(g, lambda s: s.update(version=2)),
    "other format": lambda g: with_settings(g, lambda s: s.update(format="something")),
    "NaN learning rate": lambda g: make_zip(
        {
            **members(g),
            SETTINGS_NAME: members(g)[SETTINGS_NAME].replace(
                b'"learning_rate": 0.05', b'"learning_rate": NaN'
            ),
        }
    ),
    "duplicate key": lambda g: make_zip(
        {
            **members(g),
            SETTINGS_NAME: members(g)[SETTINGS_NAME].replace(
                b'"version": 1,', b'"version": 1, "version": 1,'
            ),
        }
    ),
    "pickle renamed": lambda g: make_zip(
        {**members(g), WEIGHTS_NAME: pickle.dumps({"rnn.weight_ih_l0": [1.0]})}
    ),
    "torch.save renamed": lambda g: make_zip(
        {**members(g), WEIGHTS_NAME: _torch_save(load_safetensors(members(g)[WEIGHTS_NAME]))}
    ),
    "encrypted flag": lambda g: _encrypted(g),
    "bzip2 member": lambda g: make_zip(members(g), zipfile.ZIP_BZIP2),
}


def _torch_save(tensors) -> bytes:
    buffer = io.BytesIO()
    torch.save(tensors, buffer)
    return buffer.getvalue()


def _encrypted(good: bytes) -> bytes:
    data = bytearray(good)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            data[start + flag_offset] |= 0x1
            start += 4
    return bytes(data)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_uploads_raise_config_error_only(name, good):
    upload = HOSTILE[name](good)
    with pytest.raises(ConfigError) as error:
        load_checkpoint(upload)
    message = str(error.value)
    assert message.endswith(".") and "Traceback" not in message and len(message) < 400


def test_settings_fixtures_really_change_the_json(good):
    """Guard the hostile cases above: the byte replacements must hit."""
    raw = members(good)[SETTINGS_NAME]
    assert b'"learning_rate": 0.05' in raw and b'"version": 1,' in raw


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_corrupted_bytes_never_raise_anything_but_config_error(good, data):
    damaged = bytearray(good)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    try:
        loaded = load_checkpoint(bytes(damaged))
    except ConfigError:
        return
    assert all(torch.isfinite(t).all() for t in loaded.weights.values())
