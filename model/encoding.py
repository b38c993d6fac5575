"""Tokens -> vocabulary -> a padded batch, as on the lecture slides.

Each typed line is one sequence (how a line is read: model.reading), or, with a window,
the lines are one stream cut into windows (model.windows). The vocabulary is the
distinct tokens in order of first appearance, so ``hello`` gives h, e, l, o as on the
slide. Every refusal is a ConfigError with a text key (model.config).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from model.config import MAX_FEATURES, MAX_SEQUENCES, MAX_VOCAB, ExplorerConfig
from model.errors import ConfigError
from model.reading import check_lengths, clean_text, parse_numbers, step_token, tokenize
from model.series import series_parts
from model.windows import window_starts

PAD_TOKEN = "·"  # shown where a line is shorter than the longest one


@dataclass(frozen=True, eq=False)
class EncodedBatch:
    """The typed lines as a padded batch, in the (batch, seq) layout the user typed."""

    token_lines: tuple[tuple[str, ...], ...]  # tokens of each line, as shown on the axis
    vocab: tuple[str, ...]  # distinct tokens, first appearance first; () for numbers
    indices: np.ndarray  # (B, T) int64 vocabulary index, 0 at padding; numbers: unused
    values: np.ndarray | None  # (B, T, F) float32 numbers, 0 at padding; else None
    lengths: np.ndarray  # (B,) int64 true length of each line
    tokens: str  # the tokenizer used
    # Windows only (config.window > 0): where each window starts in the stream, and the
    # step that follows it (training's target), as a token and, for numbers, its values.
    starts: tuple[int, ...] = ()
    following: tuple[str, ...] = ()
    following_values: np.ndarray | None = None  # (B, F) float32
    stream: tuple[str, ...] = ()  # every token (step) of the stream, as on an axis
    stream_values: np.ndarray | None = None  # numbers: (N, F) float32 of the stream

    @property
    def windowed(self) -> bool:
        return bool(self.starts)

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


def encode(config: ExplorerConfig) -> EncodedBatch:
    """Tokenise every line, build the vocabulary and pad to the longest line; with a
    window, read the lines as one stream and cut it into windows (model.windows)."""
    if config.series is not None:
        return _encode_series(config)
    lines = tuple(line for line in (clean_text(s) for s in config.sequences) if line.strip())
    if not lines:
        raise ConfigError("Type at least one sequence (one per line).", "err_no_text")
    if config.windowed:
        return _encode_windows(config, lines)
    if len(lines) > MAX_SEQUENCES:
        raise ConfigError(
            f"At most {MAX_SEQUENCES} sequences (lines); got {len(lines):,}.",
            "err_too_many_lines",
            limit=MAX_SEQUENCES,
            got=len(lines),
        )
    if config.tokens == "numbers":
        rows = _read_numbers(lines)
        token_lines = tuple(tuple(step_token(step) for step in steps) for steps in rows)
        check_lengths(token_lines, typed=False)  # the app writes these tokens itself
        return _number_batch(rows, token_lines)
    line_tokens = tuple(
        tokenize(line if config.tokens == "chars" else line.strip(), config.tokens)
        for line in lines
    )
    check_lengths(line_tokens)
    return _token_batch(line_tokens, _vocabulary(line_tokens), config.tokens)


def _encode_windows(config: ExplorerConfig, lines: tuple[str, ...]) -> EncodedBatch:
    """The lines as one stream (characters: joined by a line break, which is a token),
    cut into windows of config.window steps, config.stride apart."""
    window, stride = config.window, config.stride
    if config.tokens == "numbers":
        steps = [step for row in _read_numbers(lines) for step in row]
        starts = window_starts(len(steps), window, stride)
        rows = [steps[i : i + window] for i in starts]
        token_lines = tuple(tuple(step_token(step) for step in row) for row in rows)
        batch = _number_batch(rows, token_lines)
        after = np.array([steps[i + window] for i in starts], dtype=np.float32)  # (B, F)
        following = tuple(step_token(steps[i + window]) for i in starts)
        return replace(
            batch, starts=tuple(starts), following=following, following_values=after,
            stream=tuple(step_token(step) for step in steps),
            stream_values=np.array(steps, dtype=np.float32),
        )  # fmt: skip
    if config.tokens == "chars":
        stream = tokenize("\n".join(lines), "chars", keep_lines=True)
    else:
        stream = tuple(word for line in lines for word in tokenize(line, "words"))
    check_lengths((stream,), typed=True, most=None)
    starts = window_starts(len(stream), window, stride)
    token_lines = tuple(stream[i : i + window] for i in starts)
    batch = _token_batch(token_lines, _vocabulary((stream,)), config.tokens)
    following = tuple(stream[i + window] for i in starts)
    return replace(batch, starts=tuple(starts), following=following, stream=stream)


def _encode_series(config: ExplorerConfig) -> EncodedBatch:
    """An uploaded series: the windows of its training part, scaled (model.series); each
    step is named by its row in time order, counted from 1."""
    train, _ = series_parts(config.series, config.window, config.stride)
    token_lines = tuple(
        tuple(str(row + 1 + t) for t in range(config.window)) for row in train.rows.tolist()
    )
    lengths = np.full(len(token_lines), config.window, dtype=np.int64)
    indices = np.zeros(train.inputs.shape[:2], dtype=np.int64)
    following = tuple(f"{v:.4g}" for v in train.in_units(train.targets[:, 0]))
    return EncodedBatch(  # copies: the parts are cached and read-only, torch wants writable
        token_lines, (), indices, train.inputs.copy(), lengths, "numbers",
        starts=tuple(train.rows.tolist()), following=following,
        following_values=train.targets.copy(),
    )  # fmt: skip


def _vocabulary(token_lines: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    vocab = tuple(dict.fromkeys(t for line in token_lines for t in line))
    if len(vocab) > MAX_VOCAB:
        raise ConfigError(
            f"Too many distinct tokens: {len(vocab):,} (at most {MAX_VOCAB}). "
            "Use fewer distinct words or characters.",
            "err_vocab",
            got=len(vocab),
            limit=MAX_VOCAB,
        )
    return vocab


def _token_batch(
    token_lines: tuple[tuple[str, ...], ...], vocab: tuple[str, ...], tokens: str
) -> EncodedBatch:
    position = {token: i for i, token in enumerate(vocab)}
    lengths = np.array([len(line) for line in token_lines], dtype=np.int64)
    indices = np.zeros((len(token_lines), int(lengths.max())), dtype=np.int64)
    for row, line in enumerate(token_lines):
        indices[row, : len(line)] = [position[t] for t in line]
    return EncodedBatch(token_lines, vocab, indices, None, lengths, tokens)


def _read_numbers(lines: tuple[str, ...]) -> list[list[list[float]]]:
    """Every line's steps (model.reading.parse_numbers), all of one width."""
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
    return rows


def _number_batch(
    rows: list[list[list[float]]], token_lines: tuple[tuple[str, ...], ...]
) -> EncodedBatch:
    lengths = np.array([len(steps) for steps in rows], dtype=np.int64)
    values = np.zeros((len(rows), int(lengths.max()), len(rows[0][0])), dtype=np.float32)
    for row, steps in enumerate(rows):
        values[row, : len(steps)] = steps
    indices = np.zeros(values.shape[:2], dtype=np.int64)
    return EncodedBatch(token_lines, (), indices, values, lengths, "numbers")
