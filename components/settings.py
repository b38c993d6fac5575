"""Every setting, described once: the config field, its URL name, its kind, its choices
or bounds (model.config's constants, which ExplorerConfig enforces), and its label and
help text. The sidebar draws its widgets from this table (components.sidebar.controls), the link
is read and written by it (components.urlstate), and a range's help text takes its
bounds from it. No Streamlit here.

Labels and help texts are written as `lambda lang: t("key", lang)`: each text key is
named once, in its row, where the catalogue test finds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from components.figures.parts import CELL_NAMES
from components.i18n import LANGUAGES, t
from model.config import (
    CELLS,
    ENCODINGS,
    INIT_STATES,
    MAX_HIDDEN,
    MAX_INPUT_SIZE,
    MAX_LAYERS,
    MAX_SEED,
    MAX_TEXT_CHARS,
    MAX_WINDOW,
    NONLINEARITIES,
    TOKENIZERS,
)
from model.lessons.memory import MAX_SCALE, MIN_SCALE
from model.lessons.tasks import MAX_COUNT_N, MAX_DEPTH, TASKS
from model.lessons.tasks import MAX_TRAIN_STEPS as MAX_TASK_STEPS
from model.lessons.tasks import MIN_TRAIN_STEPS as MIN_TASK_STEPS
from model.series import MAX_SPLIT, MIN_SPLIT, SCALINGS
from model.training.config import (
    HEADS,
    MAX_BATCH_SIZE,
    MAX_LEARNING_RATE,
    MAX_TRAIN_STEPS,
    MIN_LEARNING_RATE,
    OPTIMIZERS,
)

KINDS = ("lines", "choice", "int", "float", "bool")
COLOUR_SCALES = ("fitted", "fixed")  # the main view's colour scale: fitted to the data first
DEFAULT_SCALE = 1.0  # the memory lesson's factor on W_hh: PyTorch's initialisation


@dataclass(frozen=True)
class Setting:
    """One setting. `kind`: lines (the typed text, one value per line, repeated in the
    URL), choice (one of `choices`), int (low..high), bool (0/1 in the URL)."""

    field: str  # the ExplorerConfig field, or the view setting's name
    url: str  # the query parameter
    kind: str
    label: Callable[[str], str]  # lang -> the widget's label
    help: Callable[[Setting, str], str] | None = None  # (setting, lang) -> its help text
    choices: tuple = ()  # kind choice: the allowed values
    low: float = 0  # kind int / float: the smallest value; kind lines: unused
    high: float = 0  # kind int / float: the largest value; kind lines: characters in all
    option: Callable[[str, str], str] | None = None  # (choice, lang) -> the choice's label
    horizontal: bool = True  # kind choice: the radio buttons in a row
    default: object = None  # view settings: the value when the link has none

    def help_text(self, lang: str) -> str | None:
        return None if self.help is None else self.help(self, lang)

    def option_text(self, value: str, lang: str) -> str:
        return str(value) if self.option is None else self.option(value, lang)


def widget_key(prefix: str, field: str) -> str:
    """The session-state key of a setting's widget."""
    return f"{prefix}_{field}"


def range_help(setting: Setting, lang: str) -> str:
    """ "1 to 512.": the setting's own bounds."""
    return t("setting_range", lang, low=setting.low, high=setting.high)


# In the sidebar's order. The lower bounds are ExplorerConfig's (model/config.py checks
# 1 <= size and 0 <= seed without a named constant).
SETTINGS: tuple[Setting, ...] = (
    Setting("sequences", "seq", "lines", lambda lang: t("sequences", lang),
            help=lambda s, lang: t("sequences_help", lang), high=MAX_TEXT_CHARS),
    Setting("tokens", "tokens", "choice", lambda lang: t("tokens", lang),
            help=lambda s, lang: t("tokens_help", lang), choices=TOKENIZERS,
            option=lambda value, lang: t("tokens_" + value, lang)),
    Setting("window", "window", "int", lambda lang: t("window", lang),
            help=lambda s, lang: t("window_help", lang, high=s.high), low=0, high=MAX_WINDOW),
    Setting("stride", "stride", "int", lambda lang: t("stride", lang),
            help=lambda s, lang: t("stride_help", lang), low=1, high=MAX_WINDOW),
    Setting("cell", "cell", "choice", lambda lang: t("cell", lang), choices=CELLS,
            option=lambda value, lang: CELL_NAMES[value]),
    Setting("hidden_size", "hidden", "int", lambda lang: t("hidden_size", lang),
            help=range_help, low=1, high=MAX_HIDDEN),
    Setting("num_layers", "layers", "int", lambda lang: t("num_layers", lang),
            low=1, high=MAX_LAYERS),
    Setting("bidirectional", "bidirectional", "bool", lambda lang: t("bidirectional", lang)),
    Setting("batch_first", "batch_first", "bool", lambda lang: t("batch_first", lang),
            help=lambda s, lang: t("batch_first_help", lang)),
    Setting("encoding", "encoding", "choice", lambda lang: t("encoding", lang),
            help=lambda s, lang: t("encoding_help", lang), choices=ENCODINGS,
            option=lambda value, lang: t("encoding_" + value, lang)),
    Setting("input_size", "input", "int", lambda lang: t("input_size", lang),
            help=range_help, low=1, high=MAX_INPUT_SIZE),
    Setting("nonlinearity", "nonlinearity", "choice", lambda lang: t("nonlinearity", lang),
            choices=NONLINEARITIES),
    Setting("bias", "bias", "bool", lambda lang: t("bias", lang)),
    Setting("seed", "seed", "int", lambda lang: t("seed", lang),
            help=lambda s, lang: t("seed_help", lang), low=0, high=MAX_SEED),
    Setting("init_state", "init", "choice", lambda lang: t("init_state", lang),
            choices=INIT_STATES, option=lambda value, lang: t("init_" + value, lang),
            horizontal=False),
)  # fmt: skip
# How the page is shown, not what it computes: in the link, but not in ExplorerConfig.
VIEW_SETTINGS: tuple[Setting, ...] = (
    Setting("lang", "lang", "choice", lambda lang: t("language", lang), choices=LANGUAGES,
            option=lambda value, lang: t("language_name", value), default="en"),
    Setting("present", "present", "bool", lambda lang: t("presenter", lang),
            help=lambda s, lang: t("presenter_help", lang), default=False),
    Setting("colour", "colour", "choice", lambda lang: t("colour_scale", lang),
            help=lambda s, lang: t("colour_scale_help", lang), choices=COLOUR_SCALES,
            option=lambda value, lang: t("colour_" + value, lang), default="fitted"),
)  # fmt: skip
# How to train (the training form, components.training.form): in the link too, so a
# link reopens a lab ready to train. Fields are the form's value names.
TRAIN_SETTINGS: tuple[Setting, ...] = (
    Setting("head", "head", "choice", lambda lang: t("train_head", lang), choices=HEADS,
            help=lambda s, lang: t("train_head_help", lang),
            option=lambda value, lang: t("train_head_" + value, lang)),
    Setting("optimizer", "optimizer", "choice", lambda lang: t("train_optimizer", lang),
            choices=OPTIMIZERS, option=lambda value, lang: {"adam": "Adam", "sgd": "SGD"}[value]),
    Setting("lr", "lr", "float", lambda lang: t("train_lr", lang),
            low=MIN_LEARNING_RATE, high=MAX_LEARNING_RATE),
    Setting("steps", "train_steps", "int", lambda lang: t("train_steps", lang),
            low=1, high=MAX_TRAIN_STEPS),
    Setting("seed", "train_seed", "int", lambda lang: t("train_seed", lang),
            help=lambda s, lang: t("train_seed_help", lang), low=0, high=MAX_SEED),
    Setting("batch_size", "batch", "int", lambda lang: t("train_batch_size", lang),
            help=lambda s, lang: t("train_batch_size_help", lang), low=0, high=MAX_BATCH_SIZE),
    Setting("lab_seed", "lab_seed", "bool", lambda lang: t("train_lab_seed", lang),
            help=lambda s, lang: t("train_lab_seed_help", lang)),
)  # fmt: skip
# A series' split and scaling (components.sidebar.data_file): in the link for a preset's made-up
# file (an uploaded file cannot travel in a link; its own choices stay with it).
SERIES_SETTINGS: tuple[Setting, ...] = (
    Setting("split", "split", "float", lambda lang: t("series_split", lang),
            low=MIN_SPLIT, high=MAX_SPLIT),
    Setting("scaling", "scaling", "choice", lambda lang: t("series_scaling", lang),
            choices=SCALINGS, option=lambda value, lang: t("series_scaling_" + value, lang)),
)  # fmt: skip
# Lesson choices worth a link (a lecturer's "look at k = 2"): fields are the lessons'
# session keys (components/lessons/memory.py, tasks.py; a test holds them equal).
LESSON_SETTINGS: tuple[Setting, ...] = (
    Setting("memory_scale", "k", "float", lambda lang: t("memory_scale", lang),
            low=MIN_SCALE, high=MAX_SCALE, default=DEFAULT_SCALE),
    Setting("tasks_task", "task", "choice", lambda lang: t("tasks_task", lang),
            choices=TASKS, default="gap"),
    Setting("tasks_bound", "task_n", "int", lambda lang: t("tasks_bound", lang),
            low=2, high=MAX_COUNT_N, default=8),
    Setting("tasks_depth", "task_depth", "int", lambda lang: t("tasks_depth", lang),
            low=2, high=MAX_DEPTH, default=4),
    Setting("tasks_steps", "task_steps", "int", lambda lang: t("tasks_steps", lang),
            low=MIN_TASK_STEPS, high=MAX_TASK_STEPS, default=300),
)  # fmt: skip
BY_FIELD: dict[str, Setting] = {setting.field: setting for setting in SETTINGS + VIEW_SETTINGS}
