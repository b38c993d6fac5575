"""The explorer's settings: one frozen, validated dataclass and the limits it enforces.

Every limit is a named constant here. `ExplorerConfig.__post_init__` raises a
`ConfigError` (a `ValueError`) with a sentence a user can act on; the UI shows that
sentence, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

# --- limits (one place; the UI shows them in help texts) -----------------------------
MAX_SEQUENCES = 16  # lines in the batch
MAX_STEPS = 1000  # tokens (or numeric steps) in one line
MAX_TEXT_CHARS = 20_000  # characters of pasted text, all lines together
MAX_VOCAB = 512  # distinct tokens (= one-hot input size)
MAX_FEATURES = 64  # numbers per step
MAX_INPUT_SIZE = 512  # embedding size
MAX_HIDDEN = 512
MAX_LAYERS = 4
MAX_SEED = 2**31 - 1
MAX_ABS_NUMBER = 1e6  # numeric inputs beyond this are almost certainly a typo
# Budget for the traced state: batch x steps x hidden x layers x directions.
# The largest advertised scene (1 x 1000 x 256 x 2 x 2) uses 1,024,000.
MAX_STATE_VALUES = 2_100_000

TOKENIZERS = ("chars", "words", "numbers")
ENCODINGS = ("onehot", "embedding")
CELLS = ("rnn", "lstm", "gru")
NONLINEARITIES = ("tanh", "relu")
INIT_STATES = ("zeros", "random")


class ConfigError(ValueError):
    """A setting or an input the explorer cannot use; the message is for the user."""


def quoted(text: object, limit: int = 24) -> str:
    """User text inside a message, as a Markdown code span: shown literally wherever the
    message is rendered (no links, no directives), and readable as plain text too."""
    text = str(text)
    short = text[:limit] + ("…" if len(text) > limit else "")
    safe = "".join(" " if ch.isspace() or ord(ch) < 32 else ch for ch in short)
    return "`" + safe.replace("`", "ʹ") + "`"


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

    def __post_init__(self) -> None:
        _check_choice("tokens", self.tokens, TOKENIZERS)
        _check_choice("encoding", self.encoding, ENCODINGS)
        _check_choice("cell", self.cell, CELLS)
        _check_choice("nonlinearity", self.nonlinearity, NONLINEARITIES)
        _check_choice("init_state", self.init_state, INIT_STATES)
        _check_int("input_size", self.input_size, 1, MAX_INPUT_SIZE)
        _check_int("hidden_size", self.hidden_size, 1, MAX_HIDDEN)
        _check_int("num_layers", self.num_layers, 1, MAX_LAYERS)
        _check_int("seed", self.seed, 0, MAX_SEED)
        for name in ("bidirectional", "bias", "batch_first"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be true or false.")
        if not isinstance(self.sequences, tuple) or not all(
            isinstance(s, str) for s in self.sequences
        ):
            raise ConfigError("sequences must be a tuple of strings.")
        if sum(len(s) for s in self.sequences) > MAX_TEXT_CHARS:
            raise ConfigError(
                f"The text is too long: at most {MAX_TEXT_CHARS:,} characters in all."
            )

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def with_changes(self, **changes) -> ExplorerConfig:
        return replace(self, **changes)


def field_names() -> tuple[str, ...]:
    return tuple(f.name for f in fields(ExplorerConfig))


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)} (got {quoted(value)}).")


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be a whole number (got {quoted(value)}).")
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high:,} (got {value:,}).")
