"""Keep a trained model: one zip with `weights.safetensors` and `settings.json`.

`save_checkpoint` writes the zip as bytes (a download); `load_checkpoint` reads an
upload back and trusts nothing in it:

* the upload is capped at MAX_UPLOAD_BYTES, before reading (a declared size) and while
  reading (never more than the cap + 1 bytes are read);
* the zip must hold exactly the two expected members, stored or deflated, unencrypted,
  each within its own size cap, declared and actual (a zip bomb stops at the cap);
* settings.json is strict JSON (no NaN, no duplicate keys) with exactly the expected
  fields, validated by ExplorerConfig and TrainConfig;
* the weights are read by safetensors (no pickle, no torch.load, ever) and must have
  exactly the tensor names and shapes these settings build, as finite float32.

Anything else raises ConfigError with a sentence for the user (and its text key, see
model.errors.ConfigError), and nothing changes.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from dataclasses import asdict, dataclass, fields

import torch
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from model.cells import BuiltModel
from model.config import ExplorerConfig, field_names
from model.encoding import EncodedBatch
from model.errors import ConfigError, quoted
from model.training.config import TrainConfig
from model.training.data import training_data
from model.training.network import build_network, built_model_for
from model.training.run import TrainResult

MAX_UPLOAD_BYTES = 5 * 2**20  # the whole upload, and the weights member uncompressed
MAX_SETTINGS_BYTES = 256 * 2**10  # settings.json uncompressed (20,000 characters of text)
WEIGHTS_NAME = "weights.safetensors"
SETTINGS_NAME = "settings.json"
FORMAT = "hidden-state-explorer checkpoint"
FORMAT_VERSION = 1
_MEMBER_CAPS = {WEIGHTS_NAME: MAX_UPLOAD_BYTES, SETTINGS_NAME: MAX_SETTINGS_BYTES}
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same model gives the same bytes
_NOT_A_CHECKPOINT = (
    "This file is not a checkpoint saved by the explorer, or it is damaged. "
    "Upload the .zip you downloaded, unchanged."
)
_END_OF_DIRECTORY = b"PK\x05\x06"  # a zip's last record: it counts the members


def _not_a_checkpoint() -> ConfigError:
    return ConfigError(_NOT_A_CHECKPOINT, "err_ckpt_not_checkpoint")


@dataclass(frozen=True, eq=False)
class Checkpoint:
    config: ExplorerConfig
    train_config: TrainConfig
    weights: dict[str, torch.Tensor]  # a training.Network state_dict, float32 CPU

    def built_model(self, encoded: EncodedBatch | None = None) -> BuiltModel:
        """The BuiltModel to trace; h0 / c0 for `encoded` (default: the training input)."""
        encoded = encoded or training_data(self.config).inputs
        return built_model_for(self.config, self.weights, encoded)


def save_checkpoint(
    config: ExplorerConfig, train_config: TrainConfig, weights: dict[str, torch.Tensor]
) -> bytes:
    """The zip as bytes. ConfigError when it would be too large to upload again."""
    tensors = {name: t.detach().to("cpu").contiguous().clone() for name, t in weights.items()}
    weights_bytes = save_safetensors(tensors)
    settings = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "explorer": {**asdict(config), "sequences": list(config.sequences)},
        "training": asdict(train_config),
    }
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


def save_result(result: TrainResult) -> bytes:
    """The kept weights of a training run, with its settings."""
    return save_checkpoint(result.config, result.train_config, result.weights)


def load_checkpoint(upload) -> Checkpoint:
    """Read bytes (or a binary file object, e.g. Streamlit's UploadedFile)."""
    data = _read_capped(upload)
    if not data:
        raise ConfigError("The uploaded file is empty.", "err_ckpt_empty")
    try:
        members = _read_zip(data)
    except ConfigError:
        raise
    except (
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
    ):
        raise _not_a_checkpoint() from None
    config, train_config = _settings(members[SETTINGS_NAME])
    weights = _weights(members[WEIGHTS_NAME], config, train_config)
    return Checkpoint(config, train_config, weights)


def expected_shapes(config: ExplorerConfig, train_config: TrainConfig) -> dict[str, tuple]:
    """The tensor names and shapes that these settings build."""
    network = build_network(config, train_config, training_data(config))
    return {name: tuple(t.shape) for name, t in network.state_dict().items()}


# --- reading, step by step -------------------------------------------------------------


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
                raise _not_a_checkpoint()
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


def _settings(raw: bytes) -> tuple[ExplorerConfig, TrainConfig]:
    try:
        settings = json.loads(
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
    if not isinstance(settings, dict) or settings.get("format") != FORMAT:
        raise ConfigError(
            f"{SETTINGS_NAME} is not the explorer's checkpoint settings.",
            "err_ckpt_not_settings",
            name=SETTINGS_NAME,
        )
    version = settings.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        got = quoted(version, 20)  # from the file: a code span, never Markdown
        raise ConfigError(
            f"This checkpoint has format version {got}; this explorer reads version "
            f"{FORMAT_VERSION}.",
            "err_ckpt_version",
            got=got,
            version=FORMAT_VERSION,
        )
    if set(settings) != {"format", "version", "explorer", "training"}:
        raise ConfigError(
            f"{SETTINGS_NAME} has missing or unexpected entries.",
            "err_ckpt_entries",
            name=SETTINGS_NAME,
        )
    explorer, training = settings["explorer"], settings["training"]
    expected_training = {f.name for f in fields(TrainConfig)}
    if not isinstance(explorer, dict) or set(explorer) != set(field_names()):
        raise ConfigError(
            f"The explorer settings in {SETTINGS_NAME} have missing or extra fields.",
            "err_ckpt_explorer_fields",
            name=SETTINGS_NAME,
        )
    if not isinstance(training, dict) or set(training) != expected_training:
        raise ConfigError(
            f"The training settings in {SETTINGS_NAME} have missing or extra fields.",
            "err_ckpt_training_fields",
            name=SETTINGS_NAME,
        )
    sequences = explorer["sequences"]
    if not isinstance(sequences, list) or not all(_is_text(s) for s in sequences):
        raise ConfigError(
            "The sequences in the checkpoint settings must be a list of text.",
            "err_ckpt_sequences",
        )
    try:
        config = ExplorerConfig(**{**explorer, "sequences": tuple(sequences)})
        train_config = TrainConfig(**training)
    except ConfigError as error:
        raise ConfigError(
            f"The checkpoint settings are not valid: {error}",
            "err_ckpt_settings_invalid",
            reason=error,
        ) from None
    except Exception:  # any odd value the validators did not foresee
        raise ConfigError(
            "The checkpoint settings are not valid.", "err_ckpt_settings_odd"
        ) from None
    return config, train_config


def _is_text(value: object) -> bool:
    """A string a browser can show: JSON may spell a lone surrogate ("\\ud800"), which
    no page (and no Streamlit message) can carry."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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


def _weights(raw: bytes, config: ExplorerConfig, train_config: TrainConfig) -> dict:
    try:
        expected = expected_shapes(config, train_config)
    except ConfigError as error:
        raise ConfigError(
            f"The checkpoint settings cannot be used: {error}",
            "err_ckpt_settings_unusable",
            reason=error,
        ) from None
    try:
        tensors = load_safetensors(raw)
    except Exception:  # safetensors raises its own error type for anything malformed
        raise ConfigError(
            f"{WEIGHTS_NAME} in the checkpoint is not a safetensors file.",
            "err_ckpt_not_safetensors",
            name=WEIGHTS_NAME,
        ) from None
    if set(tensors) != set(expected):
        raise _unfitting(sorted(set(expected) - set(tensors)), len(set(tensors) - set(expected)))
    for name, need in expected.items():  # the same names; checked in the network's order
        tensor = tensors[name]
        if tensor.dtype != torch.float32:
            dtype = str(tensor.dtype)
            raise ConfigError(
                f"The weight {name} must be float32 (it is {dtype}).",
                "err_ckpt_dtype",
                name=name,
                dtype=dtype,
            )
        shape = tuple(tensor.shape)
        if shape != need:
            raise ConfigError(
                f"The weight {name} has shape {shape}; these settings need {need}.",
                "err_ckpt_shape",
                name=name,
                shape=str(shape),
                need=str(need),
            )
        if not torch.isfinite(tensor).all():
            raise ConfigError(
                f"The weight {name} contains NaN or infinite values.",
                "err_ckpt_not_finite",
                name=name,
            )
    return {name: tensors[name].clone() for name in expected}


def _unfitting(missing: list[str], extra: int, most: int = 4) -> ConfigError:
    """Missing tensors are named (the names are ours; the first few, then how many more);
    unexpected ones only counted."""
    names = ", ".join(missing[:most]) + (
        f", … (+{len(missing) - most})" if len(missing) > most else ""
    )
    start = "The weights do not fit these settings: "
    if missing and extra:
        return ConfigError(
            f"{start}missing {names}; {extra} unexpected tensor(s).",
            "err_ckpt_tensors_both",
            missing=names,
            extra=extra,
        )
    if missing:
        return ConfigError(f"{start}missing {names}.", "err_ckpt_tensors_missing", missing=names)
    return ConfigError(
        f"{start}{extra} unexpected tensor(s).", "err_ckpt_tensors_extra", extra=extra
    )
