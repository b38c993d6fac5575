"""What Python's own `tokenize` says about every character of a piece of code, the labels
the code model's units are compared with (`model.lessons.code_model`): inside a string
literal, bracket depth, indentation level, column. Code that does not tokenize (an
unclosed bracket or string, a bad dedent) is labelled by a tolerant scanner instead.
numpy and the standard library only.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass

import numpy as np

OPENING, CLOSING = "([{", ")]}"
LABELS = ("string", "depth", "indent", "column")  # what each character is labelled with


@dataclass(frozen=True, eq=False)
class CodeLabels:
    """Per character (T,): inside a string literal (0/1), open brackets after it, the
    indentation level of its line, its column. `exact`: from tokenize; otherwise from
    the tolerant scanner (the code does not tokenize)."""

    string: np.ndarray
    depth: np.ndarray
    indent: np.ndarray
    column: np.ndarray
    exact: bool

    def of(self, name: str) -> np.ndarray:
        return getattr(self, name)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def _columns(text: str) -> np.ndarray:
    starts = _line_starts(text)
    columns = np.zeros(len(text), dtype=np.int64)
    for row, start in enumerate(starts):
        end = starts[row + 1] if row + 1 < len(starts) else len(text)
        columns[start:end] = np.arange(end - start)
    return columns


def code_labels(text: str) -> CodeLabels:
    """Each character's labels, from `tokenize`; if the code does not tokenize (an
    unclosed bracket or string, a bad dedent), from a tolerant scanner instead."""
    try:
        return _tokenize_labels(text)
    except (tokenize.TokenError, SyntaxError):
        return _scanned_labels(text)


def _tokenize_labels(text: str) -> CodeLabels:
    size = len(text)
    starts = _line_starts(text)

    def offset(position: tuple[int, int]) -> int:
        row, col = position
        return min(starts[row - 1] + col, size) if row - 1 < len(starts) else size

    string = np.zeros(size, dtype=np.int64)
    depth_change = np.zeros(size + 1, dtype=np.int64)  # +1 after an opening bracket
    indent_rows: list[tuple[int, int]] = []  # (first row, level) as tokenize says
    level, fstring_starts = 0, []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        kind, where = token.type, offset(token.start)
        if kind == tokenize.STRING:
            string[where : offset(token.end)] = 1
        elif kind == getattr(tokenize, "FSTRING_START", -1):  # Python 3.12 and later
            fstring_starts.append(where)
        elif kind == getattr(tokenize, "FSTRING_END", -1) and fstring_starts:
            string[fstring_starts.pop() : offset(token.end)] = 1
        elif kind == tokenize.OP and token.string in OPENING + CLOSING and not fstring_starts:
            depth_change[where] += 1 if token.string in OPENING else -1
        elif kind in (tokenize.INDENT, tokenize.DEDENT):
            level += 1 if kind == tokenize.INDENT else -1
            indent_rows.append((token.start[0], level))
    depth = np.maximum(np.cumsum(depth_change)[:size], 0)
    indent = np.zeros(size, dtype=np.int64)
    for row, row_level in indent_rows:  # a level holds from its row on
        if row - 1 < len(starts):
            indent[starts[row - 1] :] = row_level
    return CodeLabels(string, depth, indent, _columns(text), exact=True)


def _scanned_labels(text: str) -> CodeLabels:
    """Approximate labels without tokenize: quotes (single, triple, a prefix such as
    f or rb counted in the string as tokenize does), `#` comments, brackets outside
    both, and indentation as a stack of leading-space widths."""
    size = len(text)
    string = np.zeros(size, dtype=np.int64)
    depth = np.zeros(size, dtype=np.int64)
    quote, comment, open_brackets, index = "", False, 0, 0
    while index < size:
        char = text[index]
        if quote:
            string[index] = 1
            if char == "\\" and index + 1 < size:
                string[index + 1] = 1
                depth[index : index + 2] = open_brackets
                index += 2
                continue
            if text.startswith(quote, index):
                string[index : index + len(quote)] = 1
                depth[index : index + len(quote)] = open_brackets
                index += len(quote)
                quote = ""
                continue
            if char == "\n" and len(quote) == 1:
                quote = ""
        elif comment:
            comment = char != "\n"
        elif char == "#":
            comment = True
        elif char in "'\"":
            quote = char * 3 if text.startswith(char * 3, index) else char
            string[_prefix_start(text, index) : index + len(quote)] = 1
            depth[index : index + len(quote)] = open_brackets
            index += len(quote)
            continue
        elif char in OPENING:
            open_brackets += 1
        elif char in CLOSING:
            open_brackets = max(0, open_brackets - 1)
        depth[index] = open_brackets
        index += 1
    indent = _scanned_indent(text, string, depth)
    return CodeLabels(string, depth, indent, _columns(text), exact=False)


def _prefix_start(text: str, quote: int) -> int:
    """Where a string opening at `quote` starts: before its prefix letters (f, rb, ...)
    when they stand alone, not at the end of a longer name."""
    start = quote
    while start > quote - 2 and start > 0 and text[start - 1] in "rRbBuUfF":
        start -= 1
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        return quote
    return start


def _scanned_indent(text: str, string: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """A line opens or closes a level only when it starts a statement: not inside
    brackets or a string left open by the line before."""
    indent = np.zeros(len(text), dtype=np.int64)
    widths, position = [0], 0
    for line in text.split("\n"):
        body = line.lstrip(" \t")
        continued = position > 0 and (depth[position - 1] > 0 or string[position - 1] > 0)
        if body and not body.startswith("#") and not continued:
            width = len(line) - len(body)
            while width < widths[-1]:
                widths.pop()
            if width > widths[-1]:
                widths.append(width)
        indent[position : position + len(line) + 1] = len(widths) - 1
        position += len(line) + 1
    return indent
