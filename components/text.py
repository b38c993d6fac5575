"""Tokens and shapes written as text for widgets and messages (the figures escape their
own).

A sequence's label in a select box, or a stretch of tokens quoted in a sentence, reads the
way the user typed it: characters joined without spaces, words with spaces, numbers
with commas.
"""

from __future__ import annotations

from collections.abc import Sequence

from components.figures.parts import visible_token
from model.encoding import PAD_TOKEN
from model.trace import Trace

JOINERS = {"chars": "", "words": " ", "numbers": ", "}  # by the `tokens` setting
SEQUENCE_LABEL_CHARS = 40  # a sequence's label is cut to this many characters


def typed_text(trace: Trace, tokens: Sequence[str]) -> str:
    """Tokens joined the way the user typed them (white space tokens made visible)."""
    return JOINERS[trace.config.tokens].join(visible_token(token) for token in tokens)


def sequence_label(trace: Trace, index: int) -> str:
    """ "2: eolll": a sequence's number and its text, as the select boxes show it."""
    tokens = list(trace.tokens[index])
    while tokens and tokens[-1] == PAD_TOKEN:  # trailing padding says nothing
        tokens.pop()
    text = typed_text(trace, tokens)
    text = text if len(text) <= SEQUENCE_LABEL_CHARS else text[: SEQUENCE_LABEL_CHARS - 1] + "…"
    return f"{index + 1}: {text}"


def shape_text(shape: Sequence[int]) -> str:
    """A tensor's shape as PyTorch prints it, without "torch.Size": (3, 5, 4)."""
    return "(" + ", ".join(str(n) for n in shape) + ")"
