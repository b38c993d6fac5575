"""Windows: one long stream (a text, a series) cut into the short sequences a network
trains on, the way the course's longseq and timeseries labs cut them:

    for i in range(0, len(stream) - window, stride):
        x = stream[i : i + window]      # a window: one sequence of the batch
        y = stream[i + window]          # the step that follows it (training's target)

Only windows that have a following step are cut, so the last window ends one step
before the stream does. model.encoding builds the batch from the starts given here.
"""

from __future__ import annotations

from collections.abc import Sequence

from model.config import MAX_WINDOWS
from model.errors import ConfigError


def window_starts(stream_length: int, window: int, stride: int) -> range:
    """The start of every window of `window` steps, `stride` apart, that a step follows."""
    starts = range(0, stream_length - window, stride)
    if not starts:
        raise ConfigError(
            f"The text has {stream_length:,} steps: too short for a window of {window} and "
            "the step after it. Use a shorter window or a longer text.",
            "err_window_too_long",
            steps=stream_length,
            window=window,
        )
    if len(starts) > MAX_WINDOWS:
        raise ConfigError(
            f"This cuts {len(starts):,} windows; at most {MAX_WINDOWS:,} fit. Use a larger "
            "stride or a shorter text.",
            "err_too_many_windows",
            got=len(starts),
            limit=MAX_WINDOWS,
        )
    return starts


def lab_lines(
    starts: Sequence[int],
    windows: Sequence[Sequence[str]],
    following: Sequence[str],
    joiner: str,
    most: int = 12,
) -> list[str]:
    """The windows as the longseq lab prints them, `0 if you wan -> f you want`: the
    start, the window, and the window one step later (its targets). At most `most`
    lines: the first ones, then `...` and the last one."""
    rows = [
        f"{start} {joiner.join(window)} -> {joiner.join([*window[1:], after])}"
        for start, window, after in zip(starts, windows, following, strict=True)
    ]
    if len(rows) > most:
        rows = [*rows[: most - 2], "...", rows[-1]]
    return rows


def reassembled(predictions: Sequence[str], joiner: str) -> str:
    """The longseq lab's predicted text: the first window's predictions, then the last
    predicted token of every later window (with stride 1, one new step each). Tokens
    are joined by `joiner` ("" for characters, " " for words)."""
    if not predictions:
        return ""
    last = [p[-1:] if not joiner else p.split(joiner)[-1] for p in predictions[1:]]
    return joiner.join([predictions[0], *last]) if joiner else predictions[0] + "".join(last)
