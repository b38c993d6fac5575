"""What training feeds and what it checks: the inputs and targets of each typed line, in
the typed layout, and the predictions shown back in the typed units.

Tokens (chars, words): next-token prediction, the lecture's ``hihello`` way. Each line
without its last token is the input, the same line without its first token the target
("hihello": input ``hihell``, target ``ihello``). The input is the explorer's own input
(one-hot, or the embedding, which then trains too); the module is built by
`model.cells.build_model` on that input (`model.training.network`), so step 0 *is* the
untrained scene of the same seed. Cross-entropy over every real target position; all
lines form one batch, padding targets carry `IGNORE_INDEX`. Unequal lines are packed
with ``batch_first`` on, exactly as the explorer runs them.

``batch_first`` off: PyTorch reads the (B, T, I) tensor the app builds as (seq=B,
batch=T, input=I). Training does the same thing the plain code would: the input tensor,
the output and the targets all stay in the typed (B, T) layout, and position [b, t] of
the output is compared with the successor of token t of line b. Only what the module
*reads* differs: the recurrence runs down across the lines (one "sequence" per column),
so with one typed line every position starts from h0 and the network can only learn a
token -> next-token table (no memory). That is the lecture's pitfall, trained.

Numbers: many-to-one. Each line without its last step is one input sequence; the target
is the line's last step. The output at the last real input step goes through
``nn.Linear(hidden * directions, features)``; mean squared error. Values are min-max
scaled per feature with the min and max of all typed steps ((x - min) / (max - min); a
feature whose values are all equal uses a range of 1); the model sees and predicts
scaled values, the UI shows `TrainResult.scale_min` / `scale_max`, and predictions are
reported in the typed units. The "last real input step" is picked in the typed layout
(``outputs[b, length_b - 1]``): with equal lines that is ``outputs[:, -1]``, the
lecture's code, for either ``batch_first``. Type several lines (windows of a series) to
give it several examples.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from model.config import ExplorerConfig
from model.encoding import EncodedBatch, encode
from model.errors import ConfigError
from model.series import series_parts

IGNORE_INDEX = -100  # target at padding; nn.functional.cross_entropy's default


@dataclass(frozen=True, eq=False)
class TrainingData:
    """What the network is fed and what it should answer, in the typed (B, T) layout."""

    encoded: EncodedBatch  # the full typed lines
    inputs: EncodedBatch  # each line without its last step (numbers: scaled values)
    targets: torch.Tensor  # tokens: (B, T-1) int64, IGNORE_INDEX at padding; numbers: (B, F)
    target_text: tuple[str, ...]  # per line: the target tokens joined / the last step typed
    scale_min: np.ndarray | None  # numbers: (F,) float32 min of each feature; else None
    scale_max: np.ndarray | None  # numbers: (F,) float32 max of each feature; else None
    packed: bool  # unequal lines packed (batch_first on), as the explorer does

    @property
    def numbers(self) -> bool:
        return self.encoded.values is not None


def training_data(config: ExplorerConfig) -> TrainingData:
    encoded = encode(config)
    if encoded.windowed:
        return _window_data(config, encoded)
    if int(encoded.lengths.min()) < 2:
        if encoded.values is not None:
            raise ConfigError(
                "To train, every line needs at least two numbers: the model learns to "
                "predict each next one from those before it.",
                "err_train_few_numbers",
            )
        raise ConfigError(
            "To train, every line needs at least two tokens: the model learns to predict "
            "each next one from those before it.",
            "err_train_few_tokens",
        )
    lengths = encoded.lengths - 1
    steps = int(lengths.max())
    mask = np.arange(steps)[None, :] < lengths[:, None]  # (B, T-1)
    token_lines = tuple(line[:-1] for line in encoded.token_lines)
    packed = config.batch_first and len(set(lengths.tolist())) > 1
    rows = range(encoded.batch_size)
    if encoded.values is not None:
        valid = encoded.values[encoded.mask]  # (steps in all lines, F)
        low, high = valid.min(axis=0), valid.max(axis=0)
        span = np.where(high > low, high - low, 1.0).astype(np.float32)
        scaled = ((encoded.values - low) / span).astype(np.float32)
        scaled[~encoded.mask] = 0.0
        inputs_values = scaled[:, :steps] * mask[..., None]
        targets = torch.from_numpy(scaled[rows, encoded.lengths - 1].copy())  # (B, F)
        inputs = EncodedBatch(
            token_lines, (), np.zeros_like(mask, dtype=np.int64), inputs_values, lengths, "numbers"
        )
        target_text = tuple(line[-1] for line in encoded.token_lines)
        return TrainingData(encoded, inputs, targets, target_text, low, high, packed)
    indices = np.where(mask, encoded.indices[:, :steps], 0)
    inputs = EncodedBatch(token_lines, encoded.vocab, indices, None, lengths, encoded.tokens)
    targets = np.where(mask, encoded.indices[:, 1 : steps + 1], IGNORE_INDEX)
    joiner = "" if encoded.tokens == "chars" else " "
    target_text = tuple(joiner.join(line[1:]) for line in encoded.token_lines)
    return TrainingData(encoded, inputs, torch.from_numpy(targets), target_text, None, None, packed)


def _window_data(config: ExplorerConfig, encoded: EncodedBatch) -> TrainingData:
    """Windows: the whole window is the input; the target is the window one step later
    (tokens, the longseq lab) or the step after it (numbers, the timeseries lab)."""
    if config.series is not None:  # a file's series: scaled already, one target column
        train, _ = series_parts(config.series, config.window, config.stride)
        low, high = np.array([train.low]), np.array([train.low + train.span])
        targets = torch.from_numpy(encoded.following_values)  # (B, 1), scaled
        return TrainingData(encoded, encoded, targets, encoded.following, low, high, False)
    if encoded.values is not None:
        values = encoded.stream_values  # min-max over every step of the stream
        low, high = values.min(axis=0), values.max(axis=0)
        span = np.where(high > low, high - low, 1.0).astype(np.float32)
        inputs = replace(encoded, values=((encoded.values - low) / span).astype(np.float32))
        targets = torch.from_numpy(((encoded.following_values - low) / span).astype(np.float32))
        return TrainingData(encoded, inputs, targets, encoded.following, low, high, False)
    position = {token: i for i, token in enumerate(encoded.vocab)}
    following = np.array([[position[t]] for t in encoded.following], dtype=np.int64)
    targets = np.concatenate([encoded.indices[:, 1:], following], axis=1)  # (B, W)
    joiner = "" if encoded.tokens == "chars" else " "
    target_text = tuple(
        joiner.join((*line[1:], after))
        for line, after in zip(encoded.token_lines, encoded.following, strict=True)
    )
    return TrainingData(encoded, encoded, torch.from_numpy(targets), target_text, None, None, False)


def predictions_text(outputs: torch.Tensor, data: TrainingData) -> tuple[str, ...]:
    if data.numbers:
        span = np.where(data.scale_max > data.scale_min, data.scale_max - data.scale_min, 1.0)
        values = outputs.detach().numpy() * span + data.scale_min  # (B, F)
        return tuple(" ".join(f"{v:.4g}" for v in row) for row in values)
    predicted = outputs.detach().argmax(-1).numpy()  # (B, T-1)
    vocab, joiner = data.encoded.vocab, "" if data.encoded.tokens == "chars" else " "
    return tuple(
        joiner.join(vocab[i] for i in predicted[b, :length])
        for b, length in enumerate(data.inputs.lengths.tolist())
    )
