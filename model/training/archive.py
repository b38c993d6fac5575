"""The checkpoint file: one zip holding `settings.json` and `weights.safetensors`,
written with a fixed date (the same model gives the same bytes) and read back under caps,
trusting nothing:

* the upload is capped at MAX_UPLOAD_BYTES, before reading (a declared size) and while
  reading (never more than the cap + 1 bytes are read);
* the zip must hold exactly the two expected members, stored or deflated, unencrypted,
  each within its own size cap, declared and actual (a zip bomb stops at the cap);
* settings.json is strict JSON (no NaN, no duplicate keys);
* the weights are read by safetensors (no pickle, no torch.load, ever).

What the members must say (the settings' fields, the tensors' names, shapes and values)
is checked by model.training.checkpoint. Anything else raises ConfigError with a
sentence for the user and its text key.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib

import torch
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from model.errors import ConfigError

MAX_UPLOAD_BYTES = 5 * 2**20  # the whole upload, and the weights member uncompressed
MAX_SETTINGS_BYTES = 256 * 2**10  # settings.json uncompressed (20,000 characters of text)
WEIGHTS_NAME = "weights.safetensors"
SETTINGS_NAME = "settings.json"
_MEMBER_CAPS = {WEIGHTS_NAME: MAX_UPLOAD_BYTES, SETTINGS_NAME: MAX_SETTINGS_BYTES}
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same model gives the same bytes
_NOT_A_CHECKPOINT = (
    "This file is not a checkpoint saved by the explorer, or it is damaged. "
    "Upload the .zip you downloaded, unchanged."
)
_END_OF_DIRECTORY = b"PK\x05\x06"  # a zip's last record: it counts the members
# What a damaged or foreign zip makes zipfile (or zlib, struct) raise while it is read.
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    KeyError,
    IndexError,
    OverflowError,
    TypeError,
)


def not_a_checkpoint() -> ConfigError:
    return ConfigError(_NOT_A_CHECKPOINT, "err_ckpt_not_checkpoint")


# --- writing -----------------------------------------------------------------------------


def write_archive(settings: dict, tensors: dict[str, torch.Tensor]) -> bytes:
    """The zip as bytes: `settings` as JSON, `tensors` as safetensors. ConfigError when it
    would be too large to upload again."""
    weights_bytes = save_safetensors(tensors)
    settings_bytes = json.dumps(settings, ensure_ascii=False, indent=2).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in ((SETTINGS_NAME, settings_bytes), (WEIGHTS_NAME, weights_bytes)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, payload)
    data = buffer.getvalue()
    if len(weights_bytes) > MAX_UPLOAD_BYTES or len(data) > MAX_UPLOAD_BYTES:
        raise ConfigError(
            f"This model is too large to download and upload again ({len(weights_bytes):,} "
            f"bytes of weights; uploads are capped at {MAX_UPLOAD_BYTES:,} bytes). Use a "
            "smaller hidden size or fewer layers.",
            "err_ckpt_save_too_large",
            got=len(weights_bytes),
            limit=MAX_UPLOAD_BYTES,
        )
    return data


# --- reading, step by step -------------------------------------------------------------


def read_members(upload) -> dict[str, bytes]:
    """The two members of an upload (bytes, or a binary file object such as Streamlit's
    UploadedFile), each within its cap."""
    data = _read_capped(upload)
    if not data:
        raise ConfigError("The uploaded file is empty.", "err_ckpt_empty")
    try:
        return _read_zip(data)
    except ConfigError:
        raise
    except _DAMAGED:
        raise not_a_checkpoint() from None


def read_settings(raw: bytes) -> object:
    """settings.json as strict JSON: no NaN or Infinity, no repeated key."""
    try:
        return json.loads(
            raw.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_no_duplicates
        )
    except ConfigError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ConfigError(
            f"{SETTINGS_NAME} in the checkpoint is not valid JSON.",
            "err_ckpt_json",
            name=SETTINGS_NAME,
        ) from None


def read_tensors(raw: bytes) -> dict[str, torch.Tensor]:
    """weights.safetensors by safetensors itself: names to tensors, no code run."""
    try:
        return load_safetensors(raw)
    except Exception:  # safetensors raises its own error type for anything malformed
        raise ConfigError(
            f"{WEIGHTS_NAME} in the checkpoint is not a safetensors file.",
            "err_ckpt_not_safetensors",
            name=WEIGHTS_NAME,
        ) from None


def _too_large() -> ConfigError:
    megabytes = MAX_UPLOAD_BYTES // 2**20
    return ConfigError(
        f"The file is too large: uploads are capped at {MAX_UPLOAD_BYTES:,} bytes "
        f"({megabytes} MB).",
        "err_ckpt_too_large",
        limit=MAX_UPLOAD_BYTES,
        megabytes=megabytes,
    )


def _read_capped(upload) -> bytes:
    if isinstance(upload, bytes | bytearray | memoryview):
        if len(upload) > MAX_UPLOAD_BYTES:
            raise _too_large()
        return bytes(upload)
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > MAX_UPLOAD_BYTES:
        raise _too_large()
    unreadable = ConfigError("The upload could not be read.", "err_ckpt_unreadable")
    try:
        if callable(getattr(upload, "seek", None)):
            upload.seek(0)  # a file object read before (e.g. by an earlier rerun)
        data = upload.read(MAX_UPLOAD_BYTES + 1)
    except (AttributeError, OSError, ValueError, TypeError):
        raise unreadable from None
    if not isinstance(data, bytes):
        raise unreadable
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large()
    return data


def _members_error(count: int) -> ConfigError:
    return ConfigError(
        f"A checkpoint holds exactly two files, {WEIGHTS_NAME} and {SETTINGS_NAME}; "
        f"this one holds {count:,} file(s), not those two.",
        "err_ckpt_members",
        weights=WEIGHTS_NAME,
        settings=SETTINGS_NAME,
        got=count,
    )


def _declared_members(data: bytes) -> int | None:
    """The member count in the zip's end record, read before zipfile lists (and builds
    an object for) every member: a 5 MB upload can declare 55,000 of them."""
    at = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or at + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, at + 10)
    return None if count == 0xFFFF else count  # 0xFFFF: a zip64 record holds the count


def _read_zip(data: bytes) -> dict[str, bytes]:
    declared = _declared_members(data)
    if declared is not None and declared != len(_MEMBER_CAPS):
        raise _members_error(declared)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        if sorted(names) != sorted(_MEMBER_CAPS):
            raise _members_error(len(names))
        members = {}
        for info in infos:
            cap = _MEMBER_CAPS[info.filename]
            if info.flag_bits & 0x1:
                raise ConfigError(
                    "The checkpoint is encrypted; upload the file as downloaded.",
                    "err_ckpt_encrypted",
                )
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise not_a_checkpoint()
            if info.file_size > cap:
                raise _too_large_member(info.filename, cap)
            members[info.filename] = _read_member(archive, info, cap)
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Inflate at most cap + 1 bytes, whatever the header claims."""
    chunks, total = [], 0
    with archive.open(info) as member:
        while chunk := member.read(min(64 * 2**10, cap + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise _too_large_member(info.filename, cap)
    return b"".join(chunks)


def _too_large_member(name: str, cap: int) -> ConfigError:
    return ConfigError(
        f"{name} in the checkpoint is larger than allowed ({cap:,} bytes uncompressed).",
        "err_ckpt_member_too_large",
        name=name,
        limit=cap,
    )


def _reject_constant(name: str):
    raise ConfigError(
        f"{SETTINGS_NAME} contains {name}, which is not a valid setting.",
        "err_ckpt_constant",
        name=SETTINGS_NAME,
        constant=name,
    )


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ConfigError(
            f"{SETTINGS_NAME} repeats a setting.", "err_ckpt_duplicate", name=SETTINGS_NAME
        )
    return dict(pairs)
