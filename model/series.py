"""A series from a CSV, the course's timeseries lab's way: rows in time order, split in
time into a training and a test part, min-max scaled per column, cut into windows of
`window` rows whose target is one column of the row after each window.

The lab (deeplearningzerotoall/PyTorch, RNN/5-timeseries)::

    xy = xy[::-1]                                   # the file lists the newest day first
    train_size = int(len(xy) * 0.7)
    train_set = xy[0:train_size]
    test_set = xy[train_size - seq_length:]         # the test windows may start in training
    train_set = minmax_scaler(train_set)            # each part scaled on its own ...
    test_set = minmax_scaler(test_set)              # ... (x - min) / (max - min + 1e-7)
    x = part[i : i + seq_length, :]; y = part[i + seq_length, [-1]]

`scaling="parts"` is exactly that; `scaling="train"` fits min and max on the training part
only and applies them to both parts, the sound way (the lab's test scaling peeks at the
test part's own range). Arithmetic in float64 as numpy does it, then float32, as the
lab's `torch.FloatTensor(trainX)`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from model.errors import ConfigError
from model.upload import Table
from model.windows import window_starts

SCALINGS = ("parts", "train")
MIN_SPLIT = 0.1  # the training part's share of the rows, at least ...
MAX_SPLIT = 0.95  # ... and at most
SCALE_EPSILON = 1e-7  # the lab's minmax_scaler adds it to every column's range


@dataclass(frozen=True)
class SeriesData:
    """Which of a table's numbers the network reads and predicts, and how."""

    table: Table
    features: tuple[int, ...]  # the columns fed in, in the file's order
    target: int  # the column predicted at the row after each window
    newest_first: bool = False  # the file lists the newest row first: reverse it
    split: float = 0.7  # share of the rows, in time order, for training
    scaling: str = "parts"  # parts (the lab) | train (fitted on the training part)

    def __post_init__(self) -> None:
        columns = len(self.table.columns)
        if not self.features or any(not 0 <= c < columns for c in self.features):
            raise ConfigError(
                "Choose at least one column to feed the network.", "err_series_features"
            )
        if not 0 <= self.target < columns:
            raise ConfigError("Choose the column to predict.", "err_series_target")
        if self.scaling not in SCALINGS:
            raise ConfigError(
                f"scaling must be parts or train (got {self.scaling!r}).",
                "err_series_scaling",
                got=repr(self.scaling),
            )
        if not MIN_SPLIT <= self.split <= MAX_SPLIT:
            raise ConfigError(
                f"The training part must be between {MIN_SPLIT:g} and {MAX_SPLIT:g} of the "
                f"rows (got {self.split:g}).",
                "err_series_split",
                low=MIN_SPLIT,
                high=MAX_SPLIT,
                got=f"{self.split:g}",
            )

    @property
    def target_name(self) -> str:
        return self.table.columns[self.target]


@dataclass(frozen=True, eq=False)
class SeriesPart:
    """One part's windows, scaled, and how to read its target back in the file's units."""

    inputs: np.ndarray  # (N, window, features) float32, scaled
    targets: np.ndarray  # (N, 1) float32, scaled target of the row after each window
    rows: np.ndarray  # (N,) int64: the time-ordered row index of each window's first row
    low: float  # the target column's min and range + epsilon: value = scaled * span + low
    span: float

    def in_units(self, scaled: np.ndarray) -> np.ndarray:
        return np.asarray(scaled, dtype=np.float64) * self.span + self.low


@functools.lru_cache(maxsize=16)  # a scene, its training data and its forecast share it
def series_parts(series: SeriesData, window: int, stride: int) -> tuple[SeriesPart, SeriesPart]:
    """(training part, test part), each cut into windows (read-only arrays: shared)."""
    values = series.table.values[::-1] if series.newest_first else series.table.values
    train_size = int(len(values) * series.split)
    if train_size <= window or len(values) - train_size < 1:
        raise ConfigError(
            f"The file has {len(values):,} rows: too few for windows of {window} in a "
            f"training part of {series.split:g} and a test part after it.",
            "err_series_too_short",
            rows=len(values),
            window=window,
            split=f"{series.split:g}",
        )
    train, test = values[:train_size], values[train_size - window :]
    if series.scaling == "parts":
        scaled = [(_minmax(part), part) for part in (train, test)]
    else:
        low, high = train.min(0), train.max(0)
        scaled = [((part - low) / (high - low + SCALE_EPSILON), train) for part in (train, test)]
    offsets = (0, train_size - window)
    return tuple(
        _windows(series, part, fitted, window, stride, offset)
        for (part, fitted), offset in zip(scaled, offsets, strict=True)
    )


def _minmax(part: np.ndarray) -> np.ndarray:
    """The lab's minmax_scaler."""
    numerator = part - np.min(part, 0)
    denominator = np.max(part, 0) - np.min(part, 0)
    return numerator / (denominator + SCALE_EPSILON)


def _windows(
    series: SeriesData, scaled: np.ndarray, fitted: np.ndarray, window: int, stride: int,
    offset: int,
) -> SeriesPart:  # fmt: skip
    starts = np.array(window_starts(len(scaled), window, stride), dtype=np.int64)
    features = list(series.features)
    inputs = np.stack([scaled[i : i + window, features] for i in starts]).astype(np.float32)
    targets = scaled[starts + window][:, [series.target]].astype(np.float32)
    column = fitted[:, series.target]
    low, high = float(column.min()), float(column.max())
    rows = starts + offset
    for array in (inputs, targets, rows):
        array.flags.writeable = False
    return SeriesPart(inputs, targets, rows, low, high - low + SCALE_EPSILON)
