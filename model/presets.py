"""Ready-made scenes for the lecture hall. Each is a plain ExplorerConfig."""

from __future__ import annotations

import math

import numpy as np

from model.config import ExplorerConfig
from model.series import SeriesData
from model.training.config import TrainConfig
from model.upload import Table, read_table

# The course's later labs (deeplearningzerotoall/PyTorch, RNN/3-charseq and 4-longseq).
CHARSEQ = " if you want you"
LONGSEQ = (
    "if you want to build a ship, don't drum up people together to "
    "collect wood and don't assign them tasks and work, but rather "
    "teach them to long for the endless immensity of the sea."
)


def _sine(steps: int = 24) -> str:
    return ", ".join(f"{math.sin(2 * math.pi * t / 12):.3f}" for t in range(steps))


def stock_table(days: int = 732, seed: int = 7) -> Table:
    """A daily stock file in the course's layout (Open, High, Low, Volume, Close; the
    course's own file is not ours to ship), made up: a seeded random walk from 800 with
    volumes in the millions, oldest day first. Read by the upload reader, as a file is."""
    rng = np.random.default_rng(seed)
    close = 800 + np.cumsum(rng.normal(0, 6, days))
    opening = close + rng.normal(0, 3, days)
    high = np.maximum(opening, close) + rng.uniform(0, 5, days)
    low = np.minimum(opening, close) - rng.uniform(0, 5, days)
    volume = rng.integers(800_000, 4_000_000, days)
    rows = zip(opening, high, low, volume, close, strict=True)
    lines = [f"{o:.6f},{h:.6f},{lo:.6f},{v},{c:.6f}" for o, h, lo, v, c in rows]
    text = "# Open,High,Low,Volume,Close\n" + "\n".join(lines) + "\n"
    return read_table(text.encode(), "made-up-stock-daily.csv")


PRESETS: dict[str, ExplorerConfig] = {
    # The "RNN basics" lecture, exactly as its code ran: batch_first off, so PyTorch read
    # the (3, 5, 4) tensor as 5 sequences of 3 steps.
    "lecture": ExplorerConfig(
        sequences=("hello", "eolll", "lleel"), hidden_size=2, batch_first=False, seed=0
    ),
    # The next lecture's training example: the word hihello, whose vocabulary h, i, e, l, o
    # gives one-hot vectors of size 5 and hidden size = vocabulary size (training reads
    # hihell and predicts ihello).
    "hihello": ExplorerConfig(sequences=("hihello",), hidden_size=5, seed=0),
    "hello": ExplorerConfig(sequences=("hello",), hidden_size=2, seed=0),
    "sentence": ExplorerConfig(
        sequences=("the cat sat on the mat",),
        tokens="words",
        encoding="embedding",
        input_size=8,
        hidden_size=8,
        seed=0,
    ),
    "korean": ExplorerConfig(sequences=("안녕하세요",), hidden_size=3, cell="gru", seed=0),
    "sine": ExplorerConfig(sequences=(_sine(),), tokens="numbers", hidden_size=4, cell="lstm"),
    # charseq: the sample learned character by character, its leading space a token;
    # hidden size = vocabulary size (10), the outputs are the logits.
    "charseq": ExplorerConfig(sequences=(CHARSEQ,), hidden_size=10, seed=0),
    # longseq: the sentence as one stream cut into 170 windows of 10 characters, a
    # 2-layer RNN of hidden size = vocabulary size (25) and a linear layer on top.
    "longseq": ExplorerConfig(
        sequences=(LONGSEQ,), hidden_size=25, num_layers=2, window=10, seed=0
    ),
    # timeseries: a made-up stock file (stock_table), 505 windows of 7 days of all five
    # columns predicting the next Close, LSTM(5, 10); split 0.7, each part scaled alone.
    "timeseries": ExplorerConfig(
        tokens="numbers",
        window=7,
        cell="lstm",
        hidden_size=10,
        seed=0,
        series=SeriesData(stock_table(), features=(0, 1, 2, 3, 4), target=4),
    ),  # fmt: skip
}


def preset_with_table(table: Table | None) -> str | None:
    """The preset whose made-up file `table` is (a link can carry it), or None (an
    uploaded file, or no file)."""
    for name, preset in PRESETS.items():
        if table is not None and preset.series is not None and preset.series.table == table:
            return name
    return None


# How each preset's lab trains (the training form takes these with the preset).
PRESET_TRAINING: dict[str, TrainConfig] = {
    "hihello": TrainConfig(head="logits", learning_rate=0.1, steps=100),
    "charseq": TrainConfig(head="logits", learning_rate=0.1, steps=50),
    "longseq": TrainConfig(head="linear", learning_rate=0.1, steps=100, lab_seed=True),
    "timeseries": TrainConfig(head="linear", learning_rate=0.01, steps=500, lab_seed=True),
}
DEFAULT_PRESET = "lecture"
