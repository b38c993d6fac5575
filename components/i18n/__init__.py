"""Every text the page shows, in the page's language: `t(key, lang, **values)`.

The texts are data, one catalogue per language beside this file (`en.toml`, `ko.toml`),
one `[section]` per area of the page. `{name}` fields are filled by the caller;
`{MAX_...}` fields are the backend's named limits, filled here once when the catalogue
loads, so a limit is written in one place (model/) and every text follows it.
`error_text` turns a backend refusal (a `ConfigError` carrying a text key) into a
sentence in the page's language: the backend never knows the language.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from model import config

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "ko")
LIMIT_FIELD = re.compile(r"\{(MAX_[A-Z_]+)(?::([^}]*))?\}")


def _fill_limits(text: str) -> str:
    return LIMIT_FIELD.sub(lambda m: format(getattr(config, m[1]), m[2] or ""), text)


def load_catalogue(lang: str) -> dict[str, dict[str, str]]:
    """The catalogue's sections as written (sections starting with `_` are metadata)."""
    with open(HERE / f"{lang}.toml", "rb") as file:
        return tomllib.load(file)


def _flat(lang: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for section, texts in load_catalogue(lang).items():
        if section.startswith("_"):
            continue
        clash = set(texts) & set(table)
        assert not clash, f"{lang}.toml [{section}] repeats keys {sorted(clash)}"
        table.update({key: _fill_limits(text) for key, text in texts.items()})
    return table


TABLES: dict[str, dict[str, str]] = {lang: _flat(lang) for lang in LANGUAGES}
EN = TABLES["en"]
KO = TABLES["ko"]


def t(key: str, lang: str = "en", **values) -> str:
    table = TABLES.get(lang, EN)
    text = table.get(key, EN[key])
    return text.format(**values) if values else text


def error_text(error: BaseException, lang: str) -> str:
    """A backend refusal in the user's language: the ConfigError's text key with its
    fields (a field holding another ConfigError is translated too); its English sentence
    when it has no key or the key has no text."""
    key, fields = getattr(error, "key", None), getattr(error, "fields", None)
    table = TABLES.get(lang, EN)  # keys come from the backend, not from t("...")
    if not key or key not in table or not isinstance(fields, dict):
        return str(error)
    shown = {
        name: error_text(value, lang) if isinstance(value, BaseException) else value
        for name, value in fields.items()
    }
    try:
        return table[key].format(**shown)
    except (KeyError, IndexError, ValueError):  # a text out of step with its error
        return str(error)
