"""The whole scene in the URL query string, and back. Pure functions: no Streamlit here.

Names and values are the settings table's (components.settings): seq (repeated, one per
sequence), tokens, encoding, input, cell, nonlinearity, hidden, layers, bidirectional,
bias, batch_first, seed, init, window, stride; preset; lang, present and colour; and
how to train: head, optimizer, lr, train_steps, train_seed, batch, lab_seed; a preset
series' split and scaling; lesson choices: k, task, task_n, task_depth, task_steps.
Booleans are 0/1.
Unknown or invalid values fall back to the preset's (or the default) value and produce a
notice: a (text key, parameters) pair the view translates. A link with many unknown
names gives at most MAX_UNKNOWN_NOTICES notices (the page stays readable, and a crafted
link cannot make the server draw thousands of boxes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields, replace

from components.settings import (
    LESSON_SETTINGS,
    SERIES_SETTINGS,
    SETTINGS,
    TRAIN_SETTINGS,
    VIEW_SETTINGS,
    Setting,
)
from model.config import ExplorerConfig
from model.errors import ConfigError
from model.presets import DEFAULT_PRESET, PRESETS, preset_with_table
from model.reading import clean_text

SEQ = next(setting.url for setting in SETTINGS if setting.kind == "lines")  # repeated
# URL name -> the setting it sets (components.settings describes each one)
PARAMS: dict[str, Setting] = {s.url: s for s in SETTINGS if s.kind != "lines"}
# How the page is shown, not what it computes: language and presenter mode.
VIEW_PARAMS: dict[str, Setting] = {s.url: s for s in VIEW_SETTINGS}
VIEW_DEFAULTS = {s.url: s.default for s in VIEW_SETTINGS}
# How to train: the training form's values (a lab's link opens ready to train).
TRAIN_PARAMS: dict[str, Setting] = {s.url: s for s in TRAIN_SETTINGS}
# A preset series' split and scaling (ignored without a series)
SERIES_PARAMS: dict[str, Setting] = {s.url: s for s in SERIES_SETTINGS}
# Lesson choices (the memory lesson's k, the tasks lesson's task and sizes)
LESSON_PARAMS: dict[str, Setting] = {s.url: s for s in LESSON_SETTINGS}
# Set while the page shows a model trained in its session: the model lives in the server's
# memory for that session only, so a link or a reconnect that arrives without it says so
TRAINED = "trained"
KNOWN = {SEQ, "preset", TRAINED, *PARAMS, *VIEW_PARAMS, *TRAIN_PARAMS, *SERIES_PARAMS,
         *LESSON_PARAMS}  # fmt: skip
MAX_UNKNOWN_NOTICES = 5  # unknown names in a link: one notice each up to this many
Notice = tuple[str, dict]


def parse_query(query: Mapping[str, Sequence[str]]) -> tuple[ExplorerConfig, str | None, list]:
    """Query parameters (name -> list of values) -> (config, preset name or None, notices)."""
    notices: list[Notice] = _unknown_notices(set(query) - KNOWN)
    preset = _last(query, "preset")
    if preset is not None and preset not in PRESETS:
        notices.append(("notice_bad_preset", {"value": preset[:40]}))
        preset = None
    lesson_or_view = set(VIEW_PARAMS) | set(TRAIN_PARAMS) | set(LESSON_PARAMS) | {TRAINED}
    if preset is None and not set(query) & (KNOWN - lesson_or_view):
        preset = DEFAULT_PRESET
    base = PRESETS[preset] if preset else ExplorerConfig()
    values = {field.name: getattr(base, field.name) for field in fields(base)}
    if SEQ in query:
        typed = query[SEQ]
        typed = [typed] if isinstance(typed, str) else typed
        sequences = tuple(s for s in typed if clean_text(s).strip())  # not only invisible
        if sequences:
            values["sequences"] = sequences
        else:
            notices.append(("notice_empty_seq", {}))
    values.update(_read(query, PARAMS, notices))
    series_values = _read(query, SERIES_PARAMS, notices)
    if base.series is not None and series_values:
        values["series"] = replace(base.series, **series_values)
    try:
        config = ExplorerConfig(**values)
    except ConfigError as error:  # e.g. text too long: keep the rest, drop the text
        # the error itself: shown as its English sentence, or translated (its text key)
        notices.append(("notice_bad_config", {"reason": error}))
        config = ExplorerConfig(**{**values, "sequences": base.sequences})
    explicit = set(query) - {"preset", *VIEW_PARAMS, *TRAIN_PARAMS, *LESSON_PARAMS}
    if preset and explicit & KNOWN and config != PRESETS[preset]:
        preset = None
    return config, preset, notices


def parse_view(query: Mapping[str, Sequence[str]]) -> tuple[dict, list]:
    """Query parameters -> ({"lang": ..., "present": ...}, notices for bad values)."""
    notices: list[Notice] = []
    return {**VIEW_DEFAULTS, **_read(query, VIEW_PARAMS, notices)}, notices


def parse_trained(query: Mapping[str, Sequence[str]]) -> list[Notice]:
    """A session's first run on a link that had a trained model: the model is not in this
    new session (the page was reloaded, or the server that held it restarted and the page
    reconnected to another): say so plainly."""
    return [("notice_trained_gone", {})] if TRAINED in query else []


def parse_training(query: Mapping[str, Sequence[str]]) -> tuple[dict, list]:
    """Query parameters -> (the training form's values the link sets, by field;
    notices for bad values)."""
    notices: list[Notice] = []
    return _read(query, TRAIN_PARAMS, notices), notices


def parse_lessons(query: Mapping[str, Sequence[str]]) -> tuple[dict, list]:
    """Query parameters -> (lesson choices the link sets, by session key; notices)."""
    notices: list[Notice] = []
    return _read(query, LESSON_PARAMS, notices), notices


def _read(query: Mapping[str, Sequence[str]], settings: Mapping, notices: list) -> dict:
    """URL name -> setting: the valid values by field; a notice for each bad one."""
    values = {}
    for name, setting in settings.items():
        raw = _last(query, name)
        if raw is None:
            continue
        value = _convert(raw, setting)
        if value is None:
            notices.append(("notice_bad_value", {"name": name, "value": raw[:40]}))
        else:
            values[setting.field] = value
    return values


def to_query(
    config: ExplorerConfig,
    view: Mapping | None = None,
    training: Mapping | None = None,
    training_defaults: Mapping | None = None,
    lessons: Mapping | None = None,
    trained: bool = False,
) -> dict[str, str | list[str]]:
    """Config (and the view settings and training values, by field, that differ from
    their defaults) -> query parameters; names the preset when the scene is exactly one.
    `trained`: the page shows a model trained in this session (`trained=1`)."""
    query: dict[str, str | list[str]] = {SEQ: list(config.sequences)}
    for name, value in (view or {}).items():
        if name in VIEW_PARAMS and value != VIEW_DEFAULTS[name]:
            query[name] = _written(VIEW_PARAMS[name], value)
    for name, setting in TRAIN_PARAMS.items():
        value = (training or {}).get(setting.field)
        if value is not None and value != (training_defaults or {}).get(setting.field):
            query[name] = _written(setting, value)
    for name, setting in PARAMS.items():
        query[name] = _written(setting, getattr(config, setting.field))
    for name, setting in LESSON_PARAMS.items():
        value = (lessons or {}).get(setting.field)
        if value is not None and value != setting.default:
            query[name] = _written(setting, value)
    if config.series is not None:
        for name, setting in SERIES_PARAMS.items():
            query[name] = _written(setting, getattr(config.series, setting.field))
    for name, preset in PRESETS.items():
        if preset == config:
            query["preset"] = name
            break
    else:  # a preset's made-up file with other settings: the preset carries the file
        carrier = preset_with_table(None if config.series is None else config.series.table)
        if carrier is not None:
            query["preset"] = carrier
    if trained:
        query[TRAINED] = "1"
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


def _written(setting: Setting, value) -> str:
    if setting.kind == "float":
        return f"{value:g}"
    return ("1" if value else "0") if setting.kind == "bool" else str(value)


def _convert(raw: str, setting: Setting):
    """A URL value -> the setting's value, or None when it is not one."""
    raw = raw.strip()
    if setting.kind == "choice":
        return raw.lower() if raw.lower() in setting.choices else None
    if setting.kind == "bool":
        return {"0": False, "1": True, "false": False, "true": True}.get(raw.lower())
    if setting.kind == "float":
        return _float(raw, setting)
    if not raw.isascii() or not raw.removeprefix("-").isdigit() or len(raw) > 12:
        return None
    number = int(raw)
    return number if setting.low <= number <= setting.high else None


def _float(raw: str, setting: Setting) -> float | None:
    if not raw.isascii() or len(raw) > 24:
        return None
    try:
        number = float(raw)
    except ValueError:
        return None
    return number if setting.low <= number <= setting.high else None  # NaN fails both
