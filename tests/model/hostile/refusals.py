"""What every hostile input must give: a valid Trace, or the project's own ConfigError
with a text key whose English equals the sentence and whose Korean exists (assert_clear).
KEYED_MODULES lists the model modules whose every refusal has a text key; test_errors.py
checks their source for it."""

from __future__ import annotations

import re
import string
import traceback
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from components.i18n import EN, KO, error_text
from model.cells import GATE_NAMES
from model.config import MAX_STEPS, MAX_TOKEN_CHARS, MAX_VOCAB, ExplorerConfig
from model.errors import ConfigError
from model.trace import Trace

ROOT = Path(__file__).resolve().parents[3]
HANGUL = re.compile("[가-힣]")
INVISIBLE = {"Cc", "Cs"}


def template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


MODEL_FILES = sorted((ROOT / "model").rglob("*.py"))
KEYED_MODULES = tuple(
    sorted(
        {p.stem for p in MODEL_FILES}
        | {p.relative_to(ROOT / "model").with_suffix("").as_posix() for p in MODEL_FILES}
    )
)  # every model module (by file stem and by path): every refusal there has a text key


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
