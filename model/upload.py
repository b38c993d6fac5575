"""A user's uploaded file, read safely: `read_text` (any text) and `read_table` (a CSV).

Accepted: UTF-8 of at most MAX_UPLOAD_BYTES; a byte-order mark is dropped, "\\r\\n" and
"\\r" become "\\n", then `model.reading.clean_text` (lines and tabs kept). Refused: an
empty file (or only white space), a larger one, bytes that are not UTF-8 (the offset is
named), binary data (a NUL byte), and a zip, gzip, PDF, image or Office file renamed
(told by its first bytes).

A table is a CSV of numbers, like the course's `data-02-stock_daily.csv`:

    # Open,High,Low,Volume,Close
    828.659973,833.450012,828.349976,1247700,831.659973

Lines starting with `#` are comments, blank lines are skipped; the first comment names the
columns when it has as many fields as the rows and no header row does. Fields are split on
commas, or on `;` or tabs when the first line has no comma (csv quoting; cells stripped).
The first row is a header when any cell is text; names are cut to MAX_COLUMN_NAME
characters and made unique ("Close 2"), an empty one becomes "column N". Refused: no rows,
rows of different lengths, text, empty cells, NaN or infinity, |value| > MAX_TABLE_VALUE,
more than MAX_TABLE_ROWS rows (reading stops there) or MAX_TABLE_COLUMNS columns. Lines are
numbered as in the file, from 1. Each refusal's English sentence is TEXTS[key] filled.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

import numpy as np

from model.config import MAX_FEATURES
from model.errors import ConfigError, quoted
from model.reading import clean_text

MAX_UPLOAD_BYTES = 2 * 2**20  # a file's size
MAX_TABLE_ROWS = 20_000  # rows of numbers in a CSV, after comments and header
MAX_TABLE_COLUMNS = MAX_FEATURES
MAX_TABLE_VALUE = 1e15  # scaling makes millions fine; this only refuses absurd values
MAX_COLUMN_NAME = 40  # characters of a column name kept

TEXTS = {  # the English catalogue entries of every refusal here (components/i18n)
    "err_upload_empty": "The file is empty (or holds only white space).",
    "err_upload_too_large": "The file is too large ({got:,} bytes): uploads are capped at "
    "{limit:,} bytes ({megabytes} MB).",
    "err_upload_disguised_text": "This file is not text: it is in {kind} format. Upload a "
    "plain-text file saved as UTF-8.",
    "err_upload_disguised_csv": "This file is not a CSV: it is in {kind} format. Save or "
    "export the table as CSV (UTF-8) and upload that file.",
    "err_upload_not_utf8": "The file is not UTF-8 text (the byte at offset {offset:,} "
    "cannot be read). Save it as UTF-8 (in Excel: CSV UTF-8) and upload it again.",
    "err_upload_binary": "The file holds binary data (a NUL byte at offset {offset:,}), not text.",
    "err_upload_no_rows": "The CSV has no rows of numbers, only comments, a header or blank lines.",
    "err_upload_too_many_rows": "The CSV has more than {limit:,} rows of numbers; keep at "
    "most {limit:,}.",
    "err_upload_too_many_columns": "The CSV has {got:,} columns; at most {limit} are allowed.",
    "err_upload_ragged": "Line {line} does not have as many fields as line {first} ({got:,} "
    "instead of {expected}): every row needs the same number of columns.",
    "err_upload_unreadable": "Line {line} cannot be read as CSV: a field is too long, or a "
    "quote is not closed.",
    "err_upload_empty_cell": "Line {line}, column {column}: the cell is empty; every cell "
    "needs a number.",
    "err_upload_not_number": "Line {line}, column {column}: {value} is not a number. Write "
    "numbers like 0.5 or -2e3, with a decimal point and no thousands separators.",
    "err_upload_not_finite": "Line {line}, column {column}: {value} is not a finite number.",
    "err_upload_value_too_large": "Line {line}, column {column}: {value} is too large (at "
    "most {limit:g} in absolute value).",
}

_MAGIC = (  # how a file starts -> what it is (a format's name, the same in every language)
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office (.xls, .doc)"),
)


def _refusal(error: ConfigError) -> ConfigError:
    """The error with its English sentence: TEXTS[key] filled with its fields. (Each
    ConfigError(...) call names its key literally: tests/model/hostile checks them.)"""
    error.args = (TEXTS[error.key].format(**error.fields),)
    return error


@dataclass(frozen=True, eq=False)
class Table:
    """A CSV's numbers. Equal and hashed by the bytes read (it keys caches)."""

    name: str  # the file name as given (for messages and captions)
    columns: tuple[str, ...]  # names from the file, else "column 1", "column 2", ...
    values: np.ndarray  # (rows, columns) float64, read-only
    has_header: bool  # True when the names come from the file (a header row or comment)
    digest: str  # sha256 hex of the bytes read

    @property
    def rows(self) -> int:
        return self.values.shape[0]

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.digest == other.digest

    def __hash__(self) -> int:
        return hash(self.digest)


def read_text(data: bytes, name: str = "") -> str:
    """A UTF-8 text file -> its text, cleaned (lines and tabs kept). No length limit:
    the caller enforces its own. `name` only tells a renamed Excel workbook."""
    return _decode(data, name, table=False)


def read_table(data: bytes, name: str = "") -> Table:
    """A CSV of numbers -> Table (see the module's docstring for the rules)."""
    text = _decode(data, name, table=True)
    comment, first = _preamble(text)
    delimiter = "," if first is None else _delimiter(first)
    records = _records(text, delimiter)
    start, fields = next(records, (0, None))
    if fields is None:
        raise _refusal(ConfigError("", "err_upload_no_rows"))
    if len(fields) > MAX_TABLE_COLUMNS:
        got, limit = len(fields), MAX_TABLE_COLUMNS
        raise _refusal(ConfigError("", "err_upload_too_many_columns", got=got, limit=limit))
    header = fields if any(cell and not _is_number(cell) for cell in fields) else None
    names = header or _comment_names(comment, delimiter, len(fields))
    columns = _column_names(names, len(fields))
    rows = records if header else itertools.chain([(start, fields)], records)
    values = _parse(rows, columns, start)
    values.flags.writeable = False
    digest = hashlib.sha256(data).hexdigest()
    return Table(name, columns, values, names is not None, digest)


# --- decoding --------------------------------------------------------------------------


def _decode(data: bytes, name: str, table: bool) -> str:
    if len(data) > MAX_UPLOAD_BYTES:
        limit, megabytes = MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES // 2**20
        error = ConfigError(
            "", "err_upload_too_large", got=len(data), limit=limit, megabytes=megabytes
        )
        raise _refusal(error)
    data = bytes(data)  # a bytearray or memoryview too
    kind = _disguise(data, name)
    if kind and table:
        raise _refusal(ConfigError("", "err_upload_disguised_csv", kind=kind))
    if kind:
        raise _refusal(ConfigError("", "err_upload_disguised_text", kind=kind))
    try:
        text = data.decode("utf-8")  # a byte-order mark is U+FEFF: clean_text drops it
    except UnicodeDecodeError as error:
        offset = error.start
        raise _refusal(ConfigError("", "err_upload_not_utf8", offset=offset)) from None
    if (offset := data.find(b"\0")) >= 0:
        raise _refusal(ConfigError("", "err_upload_binary", offset=offset))
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n"), keep_lines=True)
    if not text.strip():
        raise _refusal(ConfigError("", "err_upload_empty"))
    return text


def _disguise(data: bytes, name: str) -> str | None:
    """The format a file's first bytes belong to, if it is one that is not text."""
    kind = next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)
    if kind == "zip" and (name.lower().endswith((".xlsx", ".xlsm")) or b"xl/" in data[:8192]):
        return "Excel (.xlsx)"  # a workbook is a zip of xl/... parts
    return kind


# --- the CSV, line by line -------------------------------------------------------------


def _preamble(text: str) -> tuple[str | None, str | None]:
    """(the first comment line without its #, the first line of data or header)."""
    comment = None
    for line in io.StringIO(text, newline="\n"):
        stripped = line.strip()
        if stripped.startswith("#"):
            comment = stripped.lstrip("#") if comment is None else comment
        elif stripped:
            return comment, stripped
    return comment, None


def _delimiter(line: str) -> str:
    if "," in line:
        return ","
    return next((d for d in (";", "\t") if d in line), ",")


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number where it starts, stripped cells) of each row, skipping comments and
    blank lines; read lazily, so a caller that stops early reads no further."""
    starts: list[int] = []

    def content() -> Iterator[str]:
        for number, line in enumerate(io.StringIO(text, newline="\n"), 1):
            if line.strip() and not line.lstrip().startswith("#"):
                starts.append(number)
                yield line

    reader = csv.reader(content(), delimiter=delimiter, skipinitialspace=True)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error:  # a field beyond csv's size limit (an unclosed quote, or junk)
            line = starts[0] if starts else 1
            raise _refusal(ConfigError("", "err_upload_unreadable", line=line)) from None
        yield starts[0], [cell.strip() for cell in fields]
        starts.clear()


def _comment_names(comment: str | None, delimiter: str, width: int) -> list[str] | None:
    if comment is None:
        return None
    try:
        names = next(csv.reader([comment], delimiter=delimiter, skipinitialspace=True), [])
    except csv.Error:
        return None
    return [name.strip() for name in names] if len(names) == width else None


def _column_names(names: list[str] | None, width: int) -> tuple[str, ...]:
    columns: list[str] = []
    for index in range(width):
        base = " ".join(names[index].split())[:MAX_COLUMN_NAME] if names else ""
        base = base or f"column {index + 1}"
        name, copy = base, 1
        while name in columns:
            copy += 1
            name = f"{base} {copy}"
        columns.append(name)
    return tuple(columns)


def _parse(rows: Iterator, columns: tuple[str, ...], first: int) -> np.ndarray:
    """(rows, columns) float64 from the rows of cells; `first` is the line whose length
    every row must have."""
    values: list[list[float]] = []
    for line, cells in rows:
        if len(values) == MAX_TABLE_ROWS:
            raise _refusal(ConfigError("", "err_upload_too_many_rows", limit=MAX_TABLE_ROWS))
        if len(cells) != len(columns):
            got, expected = len(cells), len(columns)
            error = ConfigError(
                "", "err_upload_ragged", line=line, got=got, first=first, expected=expected
            )
            raise _refusal(error)
        values.append([_number(c, line, name) for c, name in zip(cells, columns, strict=True)])
    if not values:
        raise _refusal(ConfigError("", "err_upload_no_rows"))
    return np.array(values, dtype=np.float64).reshape(len(values), len(columns))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _number(cell: str, line: int, name: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        value = None
    if value is not None and abs(value) <= MAX_TABLE_VALUE:  # False for NaN and infinity
        return value
    _refuse_cell(cell, line, name, value)


def _refuse_cell(cell: str, line: int, name: str, value: float | None) -> NoReturn:
    """Why `cell` (read as `value`, None when float() failed) is not a usable number."""
    column, got = quoted(name, MAX_COLUMN_NAME), quoted(cell)
    if not cell:
        raise _refusal(ConfigError("", "err_upload_empty_cell", line=line, column=column))
    if value is None:
        raise _refusal(
            ConfigError("", "err_upload_not_number", line=line, column=column, value=got)
        )
    if math.isnan(value) or (math.isinf(value) and "inf" in cell.lower()):
        raise _refusal(
            ConfigError("", "err_upload_not_finite", line=line, column=column, value=got)
        )
    limit = MAX_TABLE_VALUE  # beyond it; 1e999 too (float() reads it as infinity)
    error = ConfigError(
        "", "err_upload_value_too_large", line=line, column=column, value=got, limit=limit
    )
    raise _refusal(error)
