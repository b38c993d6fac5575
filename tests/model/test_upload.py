"""Uploaded text files and CSV tables: what is read, and every refusal a clear ConfigError
whose sentence is its catalogue template with its fields."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import time
import zipfile

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from model.config import MAX_FEATURES
from model.errors import ConfigError
from model.upload import (
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    MAX_TABLE_VALUE,
    MAX_UPLOAD_BYTES,
    TEXTS,
    Table,
    read_table,
    read_text,
)

STOCK_COLUMNS = ("Open", "High", "Low", "Volume", "Close")


def stock_csv(days: int = 700, seed: int = 0) -> bytes:
    """A file like the course's data-02-stock_daily.csv: a comment naming the columns,
    then daily prices (around 800) and volumes (millions), newest day first."""
    rng = np.random.default_rng(seed)
    close = 800 * np.exp(np.cumsum(rng.normal(0, 0.01, days)))
    open_ = close * np.exp(rng.normal(0, 0.005, days))
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.01, days))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.01, days))
    volume = rng.integers(800_000, 6_000_000, days)
    lines = ["# " + ",".join(STOCK_COLUMNS)]
    for day in reversed(range(days)):  # newest first
        o, h, lo, c = open_[day], high[day], low[day], close[day]
        lines.append(f"{o:.6f},{h:.6f},{lo:.6f},{volume[day]},{c:.6f}")
    return ("\n".join(lines) + "\n").encode()


def refused(data: bytes, reader=read_table) -> ConfigError:
    """The refusal, checked: the project's own error, an upload key, and its sentence is
    exactly the template with its fields (what the catalogue will show)."""
    with pytest.raises(ConfigError) as caught:
        reader(data)
    error = caught.value
    assert type(error) is ConfigError and error.key in TEXTS, error.key
    assert str(error) == TEXTS[error.key].format(**error.fields)
    assert len(str(error)) < 400
    return error


def a_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in files.items():
            archive.writestr(name, payload)
    return buffer.getvalue()


# --- tables that are read --------------------------------------------------------------


def test_the_course_stock_file_reads_as_the_lab_loads_it():
    data = stock_csv()
    table = read_table(data, "data-02-stock_daily.csv")
    assert table.columns == STOCK_COLUMNS and table.has_header
    assert table.name == "data-02-stock_daily.csv"
    assert table.rows == 700 and table.values.shape == (700, 5)
    assert table.values.dtype == np.float64
    lab = np.loadtxt(io.BytesIO(data), delimiter=",")  # the lab's own loader
    np.testing.assert_array_equal(table.values, lab)
    assert table.values[:, 3].min() >= 800_000  # volumes in the millions, kept exactly


def test_a_header_row_names_the_columns():
    table = read_table(b"Open,Close\n1,2\n3.5,-4e2\n")
    assert table.columns == ("Open", "Close") and table.has_header
    np.testing.assert_array_equal(table.values, [[1, 2], [3.5, -400]])


def test_without_a_header_the_columns_are_numbered():
    table = read_table(b"1,2,3\n4,5,6\n")
    assert table.columns == ("column 1", "column 2", "column 3")
    assert not table.has_header and table.rows == 2


def test_a_header_row_wins_over_the_comment():
    table = read_table(b"# a,b\nx,y\n1,2\n")
    assert table.columns == ("x", "y") and table.rows == 1


def test_a_comment_with_another_number_of_fields_names_nothing():
    table = read_table(b"# stock prices, daily\n1,2,3\n")
    assert table.columns == ("column 1", "column 2", "column 3")
    assert not table.has_header


@pytest.mark.parametrize("delimiter", [b";", b"\t"])
def test_semicolons_and_tabs_separate_when_there_is_no_comma(delimiter):
    data = delimiter.join([b"Open", b"Close"]) + b"\n" + delimiter.join([b"1.5", b"2"]) + b"\n"
    table = read_table(data)
    assert table.columns == ("Open", "Close")
    np.testing.assert_array_equal(table.values, [[1.5, 2]])


def test_quoted_fields():
    table = read_table(b'"Open, USD","Close"\n"1.5", "2"\n')
    assert table.columns == ("Open, USD", "Close")
    np.testing.assert_array_equal(table.values, [[1.5, 2]])


def test_one_column_is_a_series():
    table = read_table(b"Close\n1\n2\n3\n")
    assert table.columns == ("Close",)
    assert table.values.shape == (3, 1)


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbfOpen,Close\r\n1,2\r\n3,4\r\n",
        b"Open,Close\r1,2\r3,4\r",
        b"  # prices\n\nOpen , Close\n\n 1 ,2\n# a remark\n3,\t4 \n\n",
    ],
    ids=["bom-crlf", "lone-cr", "comments-blanks-spaces"],
)
def test_line_endings_bom_comments_and_blank_lines(data):
    table = read_table(data)
    assert table.columns == ("Open", "Close")
    np.testing.assert_array_equal(table.values, [[1, 2], [3, 4]])


def test_column_names_are_cut_made_unique_and_never_empty():
    long = "x" * 100
    data = f"Close,Close,,{long},  a   b \n1,2,3,4,5\n".encode()
    assert read_table(data).columns == ("Close", "Close 2", "column 3", "x" * 40, "a b")


def test_the_limits_themselves_are_accepted():
    assert MAX_TABLE_COLUMNS == MAX_FEATURES
    wide = ",".join(["1"] * MAX_TABLE_COLUMNS).encode() + b"\n"
    assert read_table(wide).values.shape == (1, MAX_TABLE_COLUMNS)
    assert read_table(b"1\n" * MAX_TABLE_ROWS).rows == MAX_TABLE_ROWS
    big = f"{MAX_TABLE_VALUE:.0f},-{MAX_TABLE_VALUE:.0f}\n".encode()
    np.testing.assert_array_equal(read_table(big).values, [[1e15, -1e15]])


# --- text files ------------------------------------------------------------------------


def test_read_text_keeps_lines_tabs_and_spaces():
    data = "\ufeffhello\r\nwor\u200bld\rt\tab  \n\n각".encode()
    assert read_text(data) == "hello\nworld\nt\tab  \n\n각"


def test_read_text_composes_accents():
    assert read_text("e\u0301".encode()) == "\u00e9"


def test_read_text_has_no_length_limit_of_its_own():
    assert len(read_text(b"a" * MAX_UPLOAD_BYTES)) == MAX_UPLOAD_BYTES


# --- refusals --------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
ZIP = a_zip({"data.csv": b"1,2\n"})
XLSX = a_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
WIDE = ",".join(["1"] * (MAX_TABLE_COLUMNS + 1)).encode() + b"\n"
TOO_LARGE = b"1\n" * (MAX_UPLOAD_BYTES // 2 + 1)
TEXT = b"# c\n\nOpen,Close\n1,2\n# x\n3,abc\n"
UNCLOSED = b'a,b\n"1' + b"2" * 200_000

# a case: (bytes, key, what the sentence must name)
TABLE_REFUSALS = {
    "empty": (b"", "err_upload_empty", []),
    "white-space": (b" \r\n\t\n\xef\xbb\xbf", "err_upload_empty", []),
    "too-large": (TOO_LARGE, "err_upload_too_large", ["2,097,154", "2,097,152", "2 MB"]),
    "zip": (ZIP, "err_upload_disguised_csv", ["zip", "not a CSV"]),
    "xlsx": (XLSX, "err_upload_disguised_csv", ["Excel"]),
    "gzip": (gzip.compress(b"1,2\n"), "err_upload_disguised_csv", ["gzip"]),
    "pdf": (b"%PDF-1.7\n1 0 obj", "err_upload_disguised_csv", ["PDF"]),
    "png": (PNG, "err_upload_disguised_csv", ["PNG"]),
    "windows-1252": (b"Caf\xe9,Close\n1,2\n", "err_upload_not_utf8", ["offset 3", "UTF-8"]),
    "utf-16": ("a,b\n1,2\n".encode("utf-16"), "err_upload_not_utf8", ["offset 0"]),
    "binary": (b"1,2\n3,\x004\n", "err_upload_binary", ["offset 6"]),
    "header-only": (b"# a,b\nOpen,Close\n", "err_upload_no_rows", []),
    "comments-only": (b"# a,b\n  # c\n\n", "err_upload_no_rows", []),
    "ragged": (b"1,2\n3,4\n\n5\n", "err_upload_ragged", ["Line 4", "line 1", "(1 instead of 2)"]),
    "ragged-header": (b"a,b\n1,2,3\n", "err_upload_ragged", ["Line 2", "line 1", "(3 instead"]),
    "text": (TEXT, "err_upload_not_number", ["Line 6", "`Close`", "`abc`"]),
    "decimal-comma": (b"a;b\n1,5;2\n", "err_upload_not_number", ["Line 2", "`a`", "`1,5`"]),
    "empty-cell": (b"Open,Close\n1,2\n,4\n", "err_upload_empty_cell", ["Line 3", "`Open`"]),
    "blank-cell": (b"a,b\n1,\t \n", "err_upload_empty_cell", ["Line 2", "`b`"]),
    "nan": (b"1,2\n3,nan\n", "err_upload_not_finite", ["Line 2", "`column 2`", "`nan`"]),
    "inf": (b"1,-Infinity\n", "err_upload_not_finite", ["Line 1", "`column 2`", "`-Infinity`"]),
    "huge": (b"1,2\n3e15,4\n", "err_upload_value_too_large", ["Line 2", "`column 1`", "1e+15"]),
    "overflow": (b"x\n1e999\n", "err_upload_value_too_large", ["Line 2", "`x`", "`1e999`"]),
    "too-many-columns": (WIDE, "err_upload_too_many_columns", ["65 columns", "at most 64"]),
    "too-many-rows": (b"1\n" * (MAX_TABLE_ROWS + 1), "err_upload_too_many_rows", ["20,000"]),
    "unclosed-quote": (UNCLOSED, "err_upload_unreadable", ["Line 2"]),
    "multi-line-cell": (b'a,b\n"1\n2",3\n', "err_upload_not_number", ["Line 2", "`1 2`"]),
}
TEXT_REFUSALS = {
    "empty": (b"\n\n", "err_upload_empty", []),
    "zip": (ZIP, "err_upload_disguised_text", ["zip", "not text"]),
    "jpeg": (b"\xff\xd8\xff\xe0\0\x10JFIF", "err_upload_disguised_text", ["JPEG"]),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", "err_upload_disguised_text", ["Office"]),
    "windows-1252": (b"\xef\xbb\xbfna\xefve", "err_upload_not_utf8", ["offset 5"]),
    "binary": (b"ab\0", "err_upload_binary", ["offset 2"]),
    "too-large": (b" " * (MAX_UPLOAD_BYTES + 1), "err_upload_too_large", ["2,097,153"]),
}


@pytest.mark.parametrize(("data", "key", "named"), TABLE_REFUSALS.values(), ids=TABLE_REFUSALS)
def test_hostile_tables_are_refused_naming_what_is_wrong(data, key, named):
    error = refused(data)
    assert error.key == key
    for fragment in named:
        assert fragment in str(error)


@pytest.mark.parametrize(("data", "key", "named"), TEXT_REFUSALS.values(), ids=TEXT_REFUSALS)
def test_hostile_text_files_are_refused_naming_what_is_wrong(data, key, named):
    error = refused(data, read_text)
    assert error.key == key
    for fragment in named:
        assert fragment in str(error)


def test_every_refusal_has_a_case_above():
    tested = {key for _, key, _ in [*TABLE_REFUSALS.values(), *TEXT_REFUSALS.values()]}
    assert tested == set(TEXTS)


def test_a_million_rows_are_refused_fast():
    data = b"1\n" * 1_000_000  # 2,000,000 bytes: under the size cap
    started = time.perf_counter()
    assert refused(data).key == "err_upload_too_many_rows"
    assert time.perf_counter() - started < 2.0  # ~0.1 s: reading stops at the limit


def test_cell_text_is_quoted_in_the_message():
    error = refused(b"a\n1\n`*[x](y)*`\n")
    assert error.fields["value"].startswith("`") and "](" in error.fields["value"]
    assert str(error).count("`") == 4  # the column and the value, each one code span


# --- properties ------------------------------------------------------------------------

CSV_ALPHABET = "0123456789.,;\t\n\r #\"'eE+-naifxy \x00é"


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300) | st.text(CSV_ALPHABET, max_size=200).map(str.encode))
@example(data=b'"\n1,2')
@example(data=b"#\n\n,\n")
def test_any_bytes_give_a_table_or_a_config_error(data):
    for reader in (read_text, read_table):
        try:
            result = reader(data)
        except ConfigError:
            refused(data, reader)  # and a well-formed one
            continue
        if isinstance(result, str):
            result.encode("utf-8")
            continue
        values = result.values
        assert values.shape == (result.rows, len(result.columns)) and result.rows >= 1
        assert len(set(result.columns)) == len(result.columns)
        assert np.isfinite(values).all() and np.abs(values).max() <= MAX_TABLE_VALUE
        assert not values.flags.writeable


_FLOATS = st.floats(-MAX_TABLE_VALUE, MAX_TABLE_VALUE, allow_nan=False, allow_infinity=False)
_MATRICES = st.integers(1, 8).flatmap(
    lambda width: st.lists(
        st.lists(_FLOATS, min_size=width, max_size=width), min_size=1, max_size=20
    )
)


def _written(values: np.ndarray, delimiter: str, fmt: str, header: str) -> bytes:
    """The matrix as numpy.savetxt writes it, or with Python's repr (the shortest exact)."""
    if fmt != "repr":
        buffer = io.BytesIO()
        np.savetxt(buffer, values, fmt=fmt, delimiter=delimiter, header=header)
        return buffer.getvalue()
    rows = [delimiter.join(repr(float(x)) for x in row) for row in values]
    return "\n".join(([f"# {header}"] if header else []) + rows).encode()


@settings(max_examples=100, deadline=None)
@given(
    matrix=_MATRICES,
    delimiter=st.sampled_from([",", ";", "\t"]),
    fmt=st.sampled_from(["%.17g", "%.18e", "repr"]),
    named=st.booleans(),
)
def test_numpy_savetxt_files_read_back_exactly(matrix, delimiter, fmt, named):
    values = np.array(matrix, dtype=np.float64)
    width = values.shape[1]
    names = (
        [f"col{j}" for j in range(width)] if named else [f"column {j + 1}" for j in range(width)]
    )
    data = _written(values, delimiter, fmt, delimiter.join(names) if named else "")
    table = read_table(data)
    np.testing.assert_array_equal(table.values, values)
    assert table.columns == tuple(names) and table.has_header == named


# --- the Table object ------------------------------------------------------------------


def test_tables_are_equal_and_hashed_by_the_bytes_read():
    data = stock_csv(days=30)
    first, again = read_table(data, "a.csv"), read_table(data, "b.csv")
    assert first == again and hash(first) == hash(again) and len({first, again}) == 1
    assert first.digest == hashlib.sha256(data).hexdigest()
    same_numbers = read_table(data + b"\n")
    np.testing.assert_array_equal(same_numbers.values, first.values)
    assert same_numbers != first and same_numbers.digest != first.digest

    @dataclasses.dataclass(frozen=True)
    class Settings:  # a frozen config holding a table stays hashable (it keys caches)
        table: Table
        steps: int = 7

    assert hash(Settings(first)) == hash(Settings(again)) and Settings(first) == Settings(again)
    assert first != type("Other", (), {"digest": first.digest})()


def test_a_table_cannot_be_changed():
    table = read_table(b"1,2\n3,4\n")
    assert not table.values.flags.writeable
    with pytest.raises(ValueError):
        table.values[0, 0] = 9
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.columns = ("x", "y")
