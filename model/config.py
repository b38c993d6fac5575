"""The explorer's settings: one frozen, validated dataclass and the limits it enforces.

Every limit is a named constant here. `ExplorerConfig.__post_init__` raises a
`ConfigError` (a `ValueError`) with a sentence a user can act on; the UI shows that
sentence (in the user's language, through the error's text key), never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

from model.errors import ConfigError, quoted

if TYPE_CHECKING:
    from model.series import SeriesData

# --- limits (one place; the UI shows them in help texts) -----------------------------
MAX_SEQUENCES = 16  # lines in the batch
# Windows: the whole text (or series) as one stream, cut into windows of `window` steps
# every `stride` steps (the course's longseq and timeseries labs). The windows form the
# batch; a few hundred train in seconds, and every view shows one window at a time.
MAX_WINDOWS = 1000
MAX_WINDOW = 200  # steps in one window
MAX_STEPS = 1000  # tokens (or numeric steps) in one line
MAX_TEXT_CHARS = 20_000  # characters of pasted text, all lines together
MAX_VOCAB = 512  # distinct tokens (= one-hot input size)
MAX_FEATURES = 64  # numbers per step
MAX_INPUT_SIZE = 512  # embedding size
MAX_HIDDEN = 512
MAX_LAYERS = 4
MAX_SEED = 2**31 - 1
MAX_ABS_NUMBER = 1e6  # numeric inputs beyond this are almost certainly a typo
# characters (code points) in one token: a word, or one character with its combining marks.
# Every chart repeats a token in its labels and hover text (up to 4,000 cells a heatmap).
MAX_TOKEN_CHARS = 50
# Budget for the traced state: batch x steps x hidden x layers x directions.
# The largest advertised scene (1 x 1000 x 256 x 2 x 2) uses 1,024,000.
MAX_STATE_VALUES = 2_100_000

TOKENIZERS = ("chars", "words", "numbers")
ENCODINGS = ("onehot", "embedding")
CELLS = ("rnn", "lstm", "gru")
NONLINEARITIES = ("tanh", "relu")
INIT_STATES = ("zeros", "random")


@dataclass(frozen=True)
class ExplorerConfig:
    """Everything that decides what is on screen. Hashable: it keys the caches."""

    sequences: tuple[str, ...] = ("hello",)  # one entry per typed line
    tokens: str = "chars"  # how a line becomes tokens: chars | words | numbers
    encoding: str = "onehot"  # onehot (input = vocabulary size) | embedding
    input_size: int = 4  # embedding size; ignored for one-hot and numbers
    cell: str = "rnn"  # rnn | lstm | gru
    nonlinearity: str = "tanh"  # RNN only: tanh | relu
    hidden_size: int = 2
    num_layers: int = 1
    bidirectional: bool = False
    bias: bool = True
    batch_first: bool = True  # False: PyTorch reads (batch, seq, input) as (seq, batch, input)
    seed: int = 0  # torch.manual_seed(seed) before anything random is built
    init_state: str = "zeros"  # zeros | random (torch.randn after the module is built)
    # 0: every typed line is one sequence. n >= 1: the typed lines, joined by line breaks,
    # are one stream (of characters, words or numeric steps), cut into the windows
    # stream[i : i + n] for i = 0, stride, 2 * stride, ... while a next step follows the
    # window (training predicts it). The windows are the batch.
    window: int = 0
    stride: int = 1  # steps between the starts of two windows (window > 0)
    # An uploaded CSV read as a series (model.series), instead of the typed text: its
    # training part's windows are the batch. Needs tokens "numbers" and a window. Not in
    # a link (a file cannot travel in a URL).
    series: SeriesData | None = None

    def __post_init__(self) -> None:
        check_choice("tokens", self.tokens, TOKENIZERS)
        check_choice("encoding", self.encoding, ENCODINGS)
        check_choice("cell", self.cell, CELLS)
        check_choice("nonlinearity", self.nonlinearity, NONLINEARITIES)
        check_choice("init_state", self.init_state, INIT_STATES)
        check_int("input_size", self.input_size, 1, MAX_INPUT_SIZE)
        check_int("hidden_size", self.hidden_size, 1, MAX_HIDDEN)
        check_int("num_layers", self.num_layers, 1, MAX_LAYERS)
        check_int("seed", self.seed, 0, MAX_SEED)
        check_int("window", self.window, 0, MAX_WINDOW)
        check_int("stride", self.stride, 1, MAX_WINDOW)
        if self.series is not None and (self.tokens != "numbers" or not self.window):
            raise ConfigError(
                "A series from a file is read as numbers, in windows: choose numbers and a "
                "window of 1 or more.",
                "err_series_needs_window",
            )
        for name in ("bidirectional", "bias", "batch_first"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be true or false.", "err_not_bool", name=name)
        if not isinstance(self.sequences, tuple) or not all(
            isinstance(s, str) for s in self.sequences
        ):
            raise ConfigError("sequences must be a tuple of strings.", "err_sequences_type")
        if sum(len(s) for s in self.sequences) > MAX_TEXT_CHARS:
            raise ConfigError(
                f"The text is too long: at most {MAX_TEXT_CHARS:,} characters in all.",
                "err_text_too_long",
                limit=MAX_TEXT_CHARS,
            )

    @property
    def windowed(self) -> bool:
        return self.window > 0

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def with_changes(self, **changes) -> ExplorerConfig:
        return replace(self, **changes)


def field_names() -> tuple[str, ...]:
    return tuple(f.name for f in fields(ExplorerConfig))


def check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in choices:
        options, got = ", ".join(choices), quoted(value)
        raise ConfigError(
            f"{name} must be one of {options} (got {got}).",
            "err_choice",
            name=name,
            options=options,
            got=got,
        )


def check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        got = quoted(value)
        raise ConfigError(
            f"{name} must be a whole number (got {got}).", "err_not_int", name=name, got=got
        )
    if not low <= value <= high:
        got = _grouped(value)
        raise ConfigError(
            f"{name} must be between {low} and {high:,} (got {got}).",
            "err_int_range",
            name=name,
            low=low,
            high=high,
            got=got,
        )


def _grouped(value: int, limit: int = 24) -> str:
    """An integer with thousands separators, cut short if it is absurdly long."""
    if abs(value) >= 10**limit:  # formatting a 4,000-digit number is slow and unreadable
        return ("-" if value < 0 else "") + "1e" + str(limit) + "+"
    return f"{value:,}"
