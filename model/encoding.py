"""Typed text -> tokens -> vocabulary -> a padded batch, as on the lecture slides.

Three ways to read a line:

* ``chars``: one token per user-perceived character (a grapheme cluster, after NFC), so
  "👍🏽" or "각" is one token, not two code points.
* ``words``: split on white space.
* ``numbers``: a numeric series. Steps are separated by commas or spaces
  (``0.1, 0.5, 0.9``); for several features per step, separate the steps with ``;``
  and the features with spaces (``1 2; 3 4; 5 6``).

The vocabulary is the distinct tokens in order of first appearance, so ``hello`` gives
h, e, l, o as on the slide.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import regex

from model.config import (
    MAX_ABS_NUMBER,
    MAX_FEATURES,
    MAX_SEQUENCES,
    MAX_STEPS,
    MAX_VOCAB,
    ConfigError,
    ExplorerConfig,
    quoted,
)

PAD_TOKEN = "·"  # shown where a line is shorter than the longest one
_GRAPHEME = regex.compile(r"\X")
_NUMBER_SPLIT = re.compile(r"[,\s]+")  # between numbers: commas and/or white space


@dataclass(frozen=True, eq=False)
class EncodedBatch:
    """The typed lines as a padded batch, in the (batch, seq) layout the user typed."""

    token_lines: tuple[tuple[str, ...], ...]  # tokens of each line, as shown on the axis
    vocab: tuple[str, ...]  # distinct tokens, first appearance first; () for numbers
    indices: np.ndarray  # (B, T) int64 vocabulary index, 0 at padding; numbers: unused
    values: np.ndarray | None  # (B, T, F) float32 numbers, 0 at padding; else None
    lengths: np.ndarray  # (B,) int64 true length of each line
    tokens: str  # the tokenizer used

    @property
    def batch_size(self) -> int:
        return len(self.token_lines)

    @property
    def max_length(self) -> int:
        return int(self.lengths.max())

    @property
    def feature_size(self) -> int:
        """Input size before any embedding: vocabulary size, or numbers per step."""
        return self.values.shape[2] if self.values is not None else len(self.vocab)

    @property
    def mask(self) -> np.ndarray:
        """(B, T) True where a line has a real token."""
        return np.arange(self.max_length)[None, :] < self.lengths[:, None]

    def one_hot_table(self) -> list[tuple[str, int, list[int]]]:
        """(token, index, one-hot vector) rows, as on the slide."""
        size = len(self.vocab)
        return [
            (token, i, [1 if j == i else 0 for j in range(size)])
            for i, token in enumerate(self.vocab)
        ]


def clean_text(text: str) -> str:
    """NFC-normalise and drop what cannot travel to a browser (lone surrogates, NUL)."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch == "\t" or unicodedata.category(ch) != "Cc")


def split_lines(text: str) -> tuple[str, ...]:
    """The non-empty lines of a text box, stripped: one sequence per line."""
    lines = (clean_text(line).strip() for line in text.splitlines())
    return tuple(line for line in lines if line)


def tokenize(line: str, tokens: str) -> tuple[str, ...]:
    line = clean_text(line)
    if tokens == "chars":
        return tuple(_GRAPHEME.findall(line))
    if tokens == "words":
        return tuple(line.split())
    raise ConfigError(f"tokenize() does not read numbers; use parse_numbers (got {tokens!r}).")


def parse_numbers(line: str) -> list[list[float]]:
    """One line of numbers -> steps x features. See the module docstring for the syntax."""
    line = clean_text(line).strip()
    if ";" in line:
        steps = [part for part in (p.strip() for p in line.split(";")) if part]
        rows = [[_number(x) for x in _NUMBER_SPLIT.split(step) if x] for step in steps]
    else:
        rows = [[_number(x)] for x in _NUMBER_SPLIT.split(line) if x]
    widths = {len(row) for row in rows}
    if len(widths) > 1:
        raise ConfigError(
            "Every step needs the same number of features "
            f"(this line has steps of {', '.join(str(w) for w in sorted(widths))})."
        )
    return rows


def encode(config: ExplorerConfig) -> EncodedBatch:
    """Tokenise every line, build the vocabulary and pad to the longest line."""
    lines = tuple(line for line in (clean_text(s).strip() for s in config.sequences) if line)
    if not lines:
        raise ConfigError("Type at least one sequence (one per line).")
    if len(lines) > MAX_SEQUENCES:
        raise ConfigError(f"At most {MAX_SEQUENCES} sequences (lines); got {len(lines)}.")
    if config.tokens == "numbers":
        return _encode_numbers(lines)
    token_lines = tuple(tokenize(line, config.tokens) for line in lines)
    _check_lengths(token_lines)
    vocab = tuple(dict.fromkeys(t for line in token_lines for t in line))
    if len(vocab) > MAX_VOCAB:
        raise ConfigError(
            f"Too many distinct tokens: {len(vocab):,} (at most {MAX_VOCAB}). "
            "Use fewer distinct words or characters."
        )
    position = {token: i for i, token in enumerate(vocab)}
    lengths = np.array([len(line) for line in token_lines], dtype=np.int64)
    indices = np.zeros((len(lines), int(lengths.max())), dtype=np.int64)
    for row, line in enumerate(token_lines):
        indices[row, : len(line)] = [position[t] for t in line]
    return EncodedBatch(token_lines, vocab, indices, None, lengths, config.tokens)


def _encode_numbers(lines: tuple[str, ...]) -> EncodedBatch:
    rows = []
    for number, line in enumerate(lines, start=1):
        try:
            rows.append(parse_numbers(line))
        except ConfigError as error:
            raise ConfigError(f"Line {number}: {error}") from None
        if not rows[-1]:  # only separators, e.g. "," or ";"
            raise ConfigError(f"Line {number} has no numbers.")
    widths = {len(steps[0]) for steps in rows if steps}
    if len(widths) > 1:
        raise ConfigError("Every line needs the same number of features per step.")
    width = widths.pop()
    if width > MAX_FEATURES:
        raise ConfigError(f"At most {MAX_FEATURES} numbers per step; got {width}.")
    token_lines = tuple(tuple(_step_token(step) for step in steps) for steps in rows)
    _check_lengths(token_lines)
    lengths = np.array([len(steps) for steps in rows], dtype=np.int64)
    values = np.zeros((len(rows), int(lengths.max()), width), dtype=np.float32)
    for row, steps in enumerate(rows):
        values[row, : len(steps)] = steps
    indices = np.zeros(values.shape[:2], dtype=np.int64)
    return EncodedBatch(token_lines, (), indices, values, lengths, "numbers")


def _check_lengths(token_lines: tuple[tuple[str, ...], ...]) -> None:
    for number, line in enumerate(token_lines, start=1):
        if not line:
            raise ConfigError(f"Line {number} has no tokens.")
        if len(line) > MAX_STEPS:
            raise ConfigError(
                f"Line {number} has {len(line):,} steps; at most {MAX_STEPS:,} per sequence."
            )


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(
            f"{quoted(text)} is not a number. Write numbers like 0.5 or -2 "
            "(a decimal point, not a comma)."
        ) from None
    if not math.isfinite(value):
        raise ConfigError(f"{quoted(text)} is not a finite number.")
    if abs(value) > MAX_ABS_NUMBER:
        raise ConfigError(f"{quoted(text)} is too large (at most {MAX_ABS_NUMBER:g} in size).")
    return value


def _step_token(step: list[float]) -> str:
    """One numeric step as a token: `0.5`, or `(1, 2)` for several features."""
    if len(step) == 1:
        return f"{step[0]:g}"
    return "(" + ", ".join(f"{v:g}" for v in step) + ")"


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)
