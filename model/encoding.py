"""Typed text -> tokens -> vocabulary -> a padded batch, as on the lecture slides.

Three ways to read a line:

* ``chars``: one token per user-perceived character (a grapheme cluster, after NFC), so
  "👍🏽" or "각" is one token, not two code points.
* ``words``: split on white space.
* ``numbers``: a numeric series. Steps are separated by commas or spaces
  (``0.1, 0.5, 0.9``); for several features per step, separate the steps with ``;``
  and the features with spaces (``1 2; 3 4; 5 6``). A decimal comma (``0,5 1,5``)
  is refused rather than read as two numbers.

Text is cleaned first (`clean_text`): NFC, control characters and invisible format
characters (byte-order mark, zero-width space, direction overrides) dropped, broken
surrogates replaced. Every refusal is a ConfigError with a text key (model.config).

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
    MAX_TOKEN_CHARS,
    MAX_VOCAB,
    ExplorerConfig,
)
from model.errors import ConfigError, quoted

PAD_TOKEN = "·"  # shown where a line is shorter than the longest one
_GRAPHEME = regex.compile(r"\X")
_NUMBER_SPLIT = re.compile(r"[,\s]+")  # between numbers: commas and/or white space
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")  # 0,5 among space-separated numbers
# Invisible format characters that would become invisible tokens, or reorder what is
# shown (bidirectional overrides): soft hyphen, Arabic letter mark, Mongolian vowel
# separator, zero-width space, LRM/RLM, embeddings and overrides, word joiner and
# invisible operators, isolates, deprecated format controls, byte-order mark,
# interlinear annotation. Kept: ZWJ and ZWNJ (they join emoji and shape scripts), tag
# characters (subdivision flags), variation selectors.
_INVISIBLE = frozenset(
    [0x00AD, 0x061C, 0x180E, 0x200B, 0x200E, 0x200F, 0xFEFF]
    + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2065))
    + list(range(0x2066, 0x2070))
    + list(range(0xFFF9, 0xFFFC))
)
_CONTROLS = [*range(0x20), *range(0x7F, 0xA0)]  # category Cc
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85"  # controls that str.splitlines splits on
_DROPPED = {cp: None for cp in [*_CONTROLS, *_INVISIBLE] if cp != ord("\t")}
_DROPPED_BUT_LINES = {cp: None for cp in _DROPPED if chr(cp) not in _LINE_BREAKS}


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


def clean_text(text: str, keep_lines: bool = False) -> str:
    """Drop what cannot travel to a browser or would not be seen: control characters (but
    tab; and line breaks with `keep_lines`), invisible format characters; then NFC (after
    the drop, so a dropped character cannot keep an accent from its letter). Surrogates:
    a pair written as two code points becomes its character, a lone one U+FFFD."""
    if _has_surrogate(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = text.translate(_DROPPED_BUT_LINES if keep_lines else _DROPPED)
    return unicodedata.normalize("NFC", text)


def split_lines(text: str) -> tuple[str, ...]:
    """The non-empty lines of a text box, stripped: one sequence per line."""
    lines = (line.strip() for line in clean_text(text, keep_lines=True).splitlines())
    return tuple(line for line in lines if line)


def tokenize(line: str, tokens: str) -> tuple[str, ...]:
    line = clean_text(line)
    if tokens == "chars":
        return tuple(_GRAPHEME.findall(line))
    if tokens == "words":
        return tuple(line.split())
    raise ConfigError(
        f"tokenize() does not read numbers; use parse_numbers (got {quoted(tokens)}).",
        "err_tokenize_numbers",
        got=quoted(tokens),
    )


def parse_numbers(line: str) -> list[list[float]]:
    """One line of numbers -> steps x features. See the module docstring for the syntax."""
    line = clean_text(line).strip()
    if ";" in line:
        steps = [part for part in (p.strip() for p in line.split(";")) if part]
        rows = [[_number(x) for x in _NUMBER_SPLIT.split(step) if x] for step in steps]
        rows = [row for row in rows if row]  # a step of separators only (", ;") is no step
    else:
        rows = [[_number(x)] for x in _NUMBER_SPLIT.split(line) if x]
    _check_decimal_commas(line)  # the likelier mistake when the widths differ too
    widths = {len(row) for row in rows}
    if len(widths) > 1:
        sizes = ", ".join(str(w) for w in sorted(widths))
        raise ConfigError(
            f"Every step needs the same number of features (this line has steps of {sizes}).",
            "err_features_in_line",
            sizes=sizes,
        )
    return rows


def _check_decimal_commas(line: str) -> None:
    """`0,5 1,5` is two numbers with decimal commas, not four numbers: refuse it. A
    comma between digits is a decimal comma when spaces separate the numbers."""
    for step in line.split(";"):
        chunks = step.split()
        if len(chunks) < 2:
            continue
        for chunk in chunks:
            if _DECIMAL_COMMA.fullmatch(chunk):
                value = quoted(chunk)
                raise ConfigError(
                    f"{value} looks like a number with a decimal comma. Write it with a "
                    "decimal point (0.5); commas and spaces separate numbers.",
                    "err_decimal_comma",
                    value=value,
                )


def encode(config: ExplorerConfig) -> EncodedBatch:
    """Tokenise every line, build the vocabulary and pad to the longest line."""
    lines = tuple(line for line in (clean_text(s).strip() for s in config.sequences) if line)
    if not lines:
        raise ConfigError("Type at least one sequence (one per line).", "err_no_text")
    if len(lines) > MAX_SEQUENCES:
        raise ConfigError(
            f"At most {MAX_SEQUENCES} sequences (lines); got {len(lines):,}.",
            "err_too_many_lines",
            limit=MAX_SEQUENCES,
            got=len(lines),
        )
    if config.tokens == "numbers":
        return _encode_numbers(lines)
    token_lines = tuple(tokenize(line, config.tokens) for line in lines)
    _check_lengths(token_lines)
    vocab = tuple(dict.fromkeys(t for line in token_lines for t in line))
    if len(vocab) > MAX_VOCAB:
        raise ConfigError(
            f"Too many distinct tokens: {len(vocab):,} (at most {MAX_VOCAB}). "
            "Use fewer distinct words or characters.",
            "err_vocab",
            got=len(vocab),
            limit=MAX_VOCAB,
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
            raise ConfigError(
                f"Line {number}: {error}", "err_line", line=number, reason=error
            ) from None
        if not rows[-1]:  # only separators, e.g. "," or ";"
            raise ConfigError(f"Line {number} has no numbers.", "err_no_numbers", line=number)
    widths = {len(steps[0]) for steps in rows if steps}
    if len(widths) > 1:
        raise ConfigError(
            "Every line needs the same number of features per step.", "err_features_lines"
        )
    width = widths.pop()
    if width > MAX_FEATURES:
        raise ConfigError(
            f"At most {MAX_FEATURES} numbers per step; got {width:,}.",
            "err_too_many_features",
            limit=MAX_FEATURES,
            got=width,
        )
    token_lines = tuple(tuple(_step_token(step) for step in steps) for steps in rows)
    _check_lengths(token_lines, typed=False)  # the app writes these tokens itself
    lengths = np.array([len(steps) for steps in rows], dtype=np.int64)
    values = np.zeros((len(rows), int(lengths.max()), width), dtype=np.float32)
    for row, steps in enumerate(rows):
        values[row, : len(steps)] = steps
    indices = np.zeros(values.shape[:2], dtype=np.int64)
    return EncodedBatch(token_lines, (), indices, values, lengths, "numbers")


def _check_lengths(token_lines: tuple[tuple[str, ...], ...], typed: bool = True) -> None:
    """Every line has 1 .. MAX_STEPS tokens; typed tokens at most MAX_TOKEN_CHARS each."""
    for number, line in enumerate(token_lines, start=1):
        if not line:
            raise ConfigError(f"Line {number} has no tokens.", "err_no_tokens", line=number)
        if len(line) > MAX_STEPS:
            raise ConfigError(
                f"Line {number} has {len(line):,} steps; at most {MAX_STEPS:,} per sequence.",
                "err_too_many_steps",
                line=number,
                got=len(line),
                limit=MAX_STEPS,
            )
        longest = max(line, key=len)
        if typed and len(longest) > MAX_TOKEN_CHARS:
            token = quoted(longest)
            raise ConfigError(
                f"Line {number} has a token of {len(longest):,} characters ({token}); a "
                "token (a word, or a character with its accent marks) has at most "
                f"{MAX_TOKEN_CHARS}.",
                "err_token_too_long",
                line=number,
                got=len(longest),
                token=token,
                limit=MAX_TOKEN_CHARS,
            )


def _number(text: str) -> float:
    shown = quoted(text)
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(
            f"{shown} is not a number. Write numbers like 0.5 or -2 "
            "(a decimal point, not a comma).",
            "err_not_a_number",
            value=shown,
        ) from None
    if not math.isfinite(value):
        raise ConfigError(f"{shown} is not a finite number.", "err_not_finite", value=shown)
    if abs(value) > MAX_ABS_NUMBER:
        raise ConfigError(
            f"{shown} is too large (at most {MAX_ABS_NUMBER:g} in size).",
            "err_number_too_large",
            value=shown,
            limit=MAX_ABS_NUMBER,
        )
    return value


def _step_token(step: list[float]) -> str:
    """One numeric step as a token: `0.5`, or `(1, 2)` for several features."""
    if len(step) == 1:
        return f"{step[0]:g}"
    return "(" + ", ".join(f"{v:g}" for v in step) + ")"


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
