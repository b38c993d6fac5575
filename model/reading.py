"""Typed text -> tokens or numeric steps: how one line is read.

Three ways to read a line:

* ``chars``: one token per user-perceived character (a grapheme cluster, after NFC), so
  "👍🏽" or "각" is one token, not two code points. Spaces are characters too, at
  either end of a line as well.
* ``words``: split on white space.
* ``numbers``: a numeric series. Steps are separated by commas or spaces
  (``0.1, 0.5, 0.9``); for several features per step, separate the steps with ``;``
  and the features with spaces (``1 2; 3 4; 5 6``). A decimal comma (``0,5 1,5``)
  is refused rather than read as two numbers.

Text is cleaned first (`clean_text`): NFC, control characters and invisible format
characters (byte-order mark, zero-width space, direction overrides) dropped, broken
surrogates replaced. Every refusal is a ConfigError with a text key (model.config).
The batch these make is model.encoding's.
"""

from __future__ import annotations

import math
import re
import unicodedata

import regex

from model.config import MAX_ABS_NUMBER, MAX_STEPS, MAX_TOKEN_CHARS
from model.errors import ConfigError, quoted

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
    """The lines of a text box that hold more than white space: one sequence per line.
    Spaces at either end stay (as characters they are tokens: the course's charseq
    sample `" if you want you"` starts with one)."""
    lines = clean_text(text, keep_lines=True).splitlines()
    return tuple(line for line in lines if line.strip())


def tokenize(line: str, tokens: str, keep_lines: bool = False) -> tuple[str, ...]:
    """A line's tokens; with `keep_lines`, line breaks in it are tokens too (chars)."""
    line = clean_text(line, keep_lines)
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


def check_lengths(
    token_lines: tuple[tuple[str, ...], ...], typed: bool = True, most: int | None = MAX_STEPS
) -> None:
    """Every line has 1 .. `most` tokens (None: no limit, e.g. a stream cut into windows);
    typed tokens at most MAX_TOKEN_CHARS each."""
    for number, line in enumerate(token_lines, start=1):
        if not line:
            raise ConfigError(f"Line {number} has no tokens.", "err_no_tokens", line=number)
        if most is not None and len(line) > most:
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


def step_token(step: list[float]) -> str:
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
