"""Keep a trained model: its settings and weights in one file (model.training.archive
writes and reads the zip under caps), checked on the way back in.

`save_checkpoint` writes the file as bytes (a download); `load_checkpoint` reads an
upload back and trusts nothing in it: settings.json must have exactly the expected
fields, validated by ExplorerConfig and TrainConfig; the weights must have exactly the
tensor names and shapes these settings build, as finite float32. Anything else raises
ConfigError with a sentence for the user (and its text key, see model.errors), and
nothing changes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import torch

from model.cells import BuiltModel
from model.config import ExplorerConfig, field_names
from model.encoding import EncodedBatch
from model.errors import ConfigError, quoted
from model.training.archive import (
    SETTINGS_NAME,
    WEIGHTS_NAME,
    read_members,
    read_settings,
    read_tensors,
    write_archive,
)
from model.training.config import TrainConfig
from model.training.data import training_data
from model.training.network import build_network, built_model_for
from model.training.records import TrainResult

FORMAT = "hidden-state-explorer checkpoint"
FORMAT_VERSION = 1


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
    """The file as bytes. ConfigError when it would be too large to upload again."""
    tensors = {name: t.detach().to("cpu").contiguous().clone() for name, t in weights.items()}
    settings = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "explorer": {**asdict(config), "sequences": list(config.sequences)},
        "training": asdict(train_config),
    }
    return write_archive(settings, tensors)


def save_result(result: TrainResult) -> bytes:
    """The kept weights of a training run, with its settings."""
    return save_checkpoint(result.config, result.train_config, result.weights)


def load_checkpoint(upload) -> Checkpoint:
    """Read bytes (or a binary file object, e.g. Streamlit's UploadedFile)."""
    members = read_members(upload)
    config, train_config = _settings(members[SETTINGS_NAME])
    weights = _weights(members[WEIGHTS_NAME], config, train_config)
    return Checkpoint(config, train_config, weights)


def expected_shapes(config: ExplorerConfig, train_config: TrainConfig) -> dict[str, tuple]:
    """The tensor names and shapes that these settings build."""
    network = build_network(config, train_config, training_data(config))
    return {name: tuple(t.shape) for name, t in network.state_dict().items()}


# --- checking, step by step -------------------------------------------------------------


def _settings(raw: bytes) -> tuple[ExplorerConfig, TrainConfig]:
    """The two configs from settings.json: the format first, then exactly the expected
    entries and fields, then the configs' own validation."""
    settings = _format_checked(read_settings(raw))
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


def _format_checked(settings: object) -> dict:
    """The parsed settings.json, if it is this explorer's format and version with the
    expected entries."""
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
    return settings


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


def _weights(raw: bytes, config: ExplorerConfig, train_config: TrainConfig) -> dict:
    try:
        expected = expected_shapes(config, train_config)
    except ConfigError as error:
        raise ConfigError(
            f"The checkpoint settings cannot be used: {error}",
            "err_ckpt_settings_unusable",
            reason=error,
        ) from None
    tensors = read_tensors(raw)
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
