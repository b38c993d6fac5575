"""The whole scene in the URL query string, and back. Pure functions: no Streamlit here.

Names: seq (repeated, one per sequence), tokens, encoding, input, cell, nonlinearity,
hidden, layers, bidirectional, bias, batch_first, seed, init, preset. Booleans are 0/1.
Unknown or invalid values fall back to the preset's (or the default) value and produce a
notice: a (text key, parameters) pair the view translates. A link with many unknown
names gives at most MAX_UNKNOWN_NOTICES notices (the page stays readable, and a crafted
link cannot make the server draw thousands of boxes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict

from model.config import (
    CELLS,
    ENCODINGS,
    INIT_STATES,
    MAX_HIDDEN,
    MAX_INPUT_SIZE,
    MAX_LAYERS,
    MAX_SEED,
    NONLINEARITIES,
    TOKENIZERS,
    ExplorerConfig,
)
from model.encoding import clean_text
from model.errors import ConfigError
from model.presets import DEFAULT_PRESET, PRESETS

# URL name -> (config field, kind, allowed choices or (low, high))
PARAMS: dict[str, tuple[str, str, object]] = {
    "tokens": ("tokens", "choice", TOKENIZERS),
    "encoding": ("encoding", "choice", ENCODINGS),
    "input": ("input_size", "int", (1, MAX_INPUT_SIZE)),
    "cell": ("cell", "choice", CELLS),
    "nonlinearity": ("nonlinearity", "choice", NONLINEARITIES),
    "hidden": ("hidden_size", "int", (1, MAX_HIDDEN)),
    "layers": ("num_layers", "int", (1, MAX_LAYERS)),
    "bidirectional": ("bidirectional", "bool", None),
    "bias": ("bias", "bool", None),
    "batch_first": ("batch_first", "bool", None),
    "seed": ("seed", "int", (0, MAX_SEED)),
    "init": ("init_state", "choice", INIT_STATES),
}
# How the page is shown, not what it computes: language and presenter mode.
VIEW_PARAMS: dict[str, tuple[str, object]] = {
    "lang": ("choice", ("en", "ko")),
    "present": ("bool", None),
}
VIEW_DEFAULTS = {"lang": "en", "present": False}
KNOWN = {"seq", "preset", *PARAMS, *VIEW_PARAMS}
MAX_UNKNOWN_NOTICES = 5  # unknown names in a link: one notice each up to this many
Notice = tuple[str, dict]


def parse_query(query: Mapping[str, Sequence[str]]) -> tuple[ExplorerConfig, str | None, list]:
    """Query parameters (name -> list of values) -> (config, preset name or None, notices)."""
    notices: list[Notice] = _unknown_notices(set(query) - KNOWN)
    preset = _last(query, "preset")
    if preset is not None and preset not in PRESETS:
        notices.append(("notice_bad_preset", {"value": preset[:40]}))
        preset = None
    if preset is None and not set(query) & (KNOWN - set(VIEW_PARAMS)):
        preset = DEFAULT_PRESET
    base = PRESETS[preset] if preset else ExplorerConfig()
    values = asdict(base)
    if "seq" in query:
        typed = query["seq"]
        typed = [typed] if isinstance(typed, str) else typed
        sequences = tuple(s for s in typed if clean_text(s).strip())  # not only invisible
        if sequences:
            values["sequences"] = sequences
        else:
            notices.append(("notice_empty_seq", {}))
    values.update(_read(query, PARAMS, notices))
    try:
        config = ExplorerConfig(**values)
    except ConfigError as error:  # e.g. text too long: keep the rest, drop the text
        # the error itself: shown as its English sentence, or translated (its text key)
        notices.append(("notice_bad_config", {"reason": error}))
        config = ExplorerConfig(**{**values, "sequences": base.sequences})
    explicit = set(query) - {"preset", *VIEW_PARAMS}
    if preset and explicit & KNOWN and config != PRESETS[preset]:
        preset = None
    return config, preset, notices


def parse_view(query: Mapping[str, Sequence[str]]) -> tuple[dict, list]:
    """Query parameters -> ({"lang": ..., "present": ...}, notices for bad values)."""
    notices: list[Notice] = []
    fields = {name: (name, kind, allowed) for name, (kind, allowed) in VIEW_PARAMS.items()}
    return {**VIEW_DEFAULTS, **_read(query, fields, notices)}, notices


def _read(query: Mapping[str, Sequence[str]], fields: Mapping, notices: list) -> dict:
    """URL name -> (key, kind, allowed): the valid values by key; a notice for each bad one."""
    values = {}
    for name, (key, kind, allowed) in fields.items():
        raw = _last(query, name)
        if raw is None:
            continue
        value = _convert(raw, kind, allowed)
        if value is None:
            notices.append(("notice_bad_value", {"name": name, "value": raw[:40]}))
        else:
            values[key] = value
    return values


def to_query(config: ExplorerConfig, view: Mapping | None = None) -> dict[str, str | list[str]]:
    """Config (and view settings that differ from the defaults) -> query parameters;
    names the preset when the scene is exactly one."""
    query: dict[str, str | list[str]] = {"seq": list(config.sequences)}
    for name, value in (view or {}).items():
        if name in VIEW_PARAMS and value != VIEW_DEFAULTS[name]:
            query[name] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    for name, (field, kind, _) in PARAMS.items():
        value = getattr(config, field)
        query[name] = ("1" if value else "0") if kind == "bool" else str(value)
    for name, preset in PRESETS.items():
        if preset == config:
            query["preset"] = name
            break
    return query


def _unknown_notices(unknown: set[str]) -> list[Notice]:
    names = sorted(unknown)
    if len(names) <= MAX_UNKNOWN_NOTICES:
        return [("notice_unknown_param", {"name": name[:40]}) for name in names]
    listed = ", ".join(name[:12] for name in names[:3])  # the view shows 24 characters
    return [("notice_unknown_param", {"name": f"{listed}, …"})]


def _last(query: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = query.get(name)
    if not values:
        return None
    return values[-1] if not isinstance(values, str) else values


def _convert(raw: str, kind: str, allowed: object):
    raw = raw.strip()
    if kind == "choice":
        return raw.lower() if raw.lower() in allowed else None
    if kind == "bool":
        return {"0": False, "1": True, "false": False, "true": True}.get(raw.lower())
    if not raw.isascii() or not raw.removeprefix("-").isdigit() or len(raw) > 12:
        return None
    number = int(raw)
    low, high = allowed
    return number if low <= number <= high else None
