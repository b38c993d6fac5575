"""The explorer's refusals: `ConfigError` and how user text is quoted inside one.

Every refusal in model/ is a `ConfigError` (a `ValueError`) with an English sentence a
user can act on, a text key and the fields of that sentence; `components.i18n.error_text`
shows it in the page's language (the backend never knows the language).
"""

from __future__ import annotations

import unicodedata


class ConfigError(ValueError):
    """A setting or an input the explorer cannot use; the message is for the user.

    `str(error)` is the English sentence (a notebook shows it as is). `key` and `fields`
    say the same for any language: the UI shows `t(key, lang, **fields)`, whose English
    text equals `str(error)` (components/i18n, tested). A field may itself be a
    ConfigError (a reason inside a message); it is translated the same way."""

    def __init__(self, message: str, key: str | None = None, **fields: object):
        super().__init__(message)
        self.key = key
        self.fields = fields


def quoted(text: object, limit: int = 24) -> str:
    """User text inside a message, as a Markdown code span: shown literally wherever the
    message is rendered (no links, no directives), and readable as plain text too. Cut to
    `limit` characters; white space and controls become spaces, a lone surrogate (which
    no browser message can carry) U+FFFD, and at most 2 accent marks stay on a letter
    (a pile of hundreds would paint over the lines above)."""
    text = str(text)
    short = text[:limit] + ("…" if len(text) > limit else "")
    safe, marks = [], 0
    for ch in short:
        marks = marks + 1 if unicodedata.category(ch).startswith("M") else 0
        if marks > 2:
            continue
        if "\ud800" <= ch <= "\udfff":
            ch = "\ufffd"
        safe.append(" " if ch.isspace() or ord(ch) < 32 else ch)
    return "`" + "".join(safe).replace("`", "ʹ") + "`"
