"""Builders of checkpoint files and hostile uploads, from a good checkpoint's bytes.

A checkpoint is a zip of SETTINGS_NAME (JSON) and WEIGHTS_NAME (safetensors); each
builder takes the good bytes and returns the bytes of a changed copy:

    with_settings(good, lambda s: s["explorer"].update(hidden_size=7))
    with_weights(good, lambda tensors: tensors.pop("head.bias"))
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping

from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from model.training.archive import SETTINGS_NAME, WEIGHTS_NAME

Files = Mapping[str, bytes] | Iterable[tuple[str, bytes]]


def members(data: bytes) -> dict[str, bytes]:
    """name -> bytes of every member of a zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def make_zip(files: Files, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """files: {name: bytes} or [(name, bytes)] (a repeated name is written twice)."""
    buffer = io.BytesIO()
    items = files.items() if isinstance(files, Mapping) else files
    with zipfile.ZipFile(buffer, "w", compression) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": wanted here
        for name, payload in items:
            archive.writestr(name, payload)
    return buffer.getvalue()


def with_member(good: bytes, name: str, payload: bytes) -> bytes:
    """The checkpoint with one member's bytes replaced (or added)."""
    return make_zip({**members(good), name: payload})


def with_settings(good: bytes, change: Callable[[dict], object]) -> bytes:
    """change(settings) edits the parsed settings JSON in place."""
    files = members(good)
    values = json.loads(files[SETTINGS_NAME])
    change(values)
    return make_zip({**files, SETTINGS_NAME: json.dumps(values).encode()})


def with_raw_settings(good: bytes, old: bytes, new: bytes) -> bytes:
    """The settings JSON with bytes `old` (which must be there) replaced by `new`: for
    what json.dumps cannot write (NaN, 1e999, a repeated key, a 5,000-digit number)."""
    raw = members(good)[SETTINGS_NAME]
    assert old in raw, f"{old!r} is not in the settings"
    return with_member(good, SETTINGS_NAME, raw.replace(old, new))


def with_weights_bytes(good: bytes, payload: bytes) -> bytes:
    """The checkpoint with these bytes as its weights file."""
    return with_member(good, WEIGHTS_NAME, payload)


def with_weights(good: bytes, change: Callable[[dict], object]) -> bytes:
    """change(tensors) edits the name -> tensor dict of the weights in place."""
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
    """A safetensors file with this header, as written (sizes and offsets unchecked)."""
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + data


def many_members(count: int) -> bytes:
    """A zip of `count` empty members (small: ~70 bytes a member)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(count):
            archive.writestr(zipfile.ZipInfo(f"{i:x}"), b"")
    return buffer.getvalue()


def read_before(good: bytes) -> io.BytesIO:
    """An upload stream somebody has already read to its end."""
    stream = io.BytesIO(good)
    stream.read()
    return stream


def zip_bomb(good: bytes, size: int = 6 * 2**20) -> bytes:
    """The checkpoint with `size` zero bytes as weights: deflated, a few kB."""
    return with_weights_bytes(good, b"\0" * size)
