"""Ready-made scenes for the lecture hall. Each is a plain ExplorerConfig."""

from __future__ import annotations

import math

from model.config import ExplorerConfig


def _sine(steps: int = 24) -> str:
    return ", ".join(f"{math.sin(2 * math.pi * t / 12):.3f}" for t in range(steps))


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
}
DEFAULT_PRESET = "lecture"
