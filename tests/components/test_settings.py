"""The settings table describes every setting once, and what it says is what
ExplorerConfig enforces: the same fields, choices and bounds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from components.i18n import LANGUAGES
from components.settings import BY_FIELD, KINDS, SETTINGS, TRAIN_SETTINGS, VIEW_SETTINGS
from model.config import ExplorerConfig, field_names
from model.errors import ConfigError

DEFAULT = ExplorerConfig()
INTS = [s for s in SETTINGS if s.kind == "int"]
CHOICES = [s for s in SETTINGS if s.kind == "choice"]


def test_every_config_field_is_one_setting_with_its_own_url_name():
    fields = [s.field for s in SETTINGS]
    # but the uploaded series: a file cannot travel in a link (components.sidebar.data_file)
    assert sorted(fields) == sorted(set(field_names()) - {"series"})
    assert len(fields) == len(set(fields))
    urls = [s.url for s in SETTINGS + VIEW_SETTINGS + TRAIN_SETTINGS]
    assert len(urls) == len(set(urls))
    assert {s.kind for s in SETTINGS} <= set(KINDS)


@pytest.mark.parametrize("setting", INTS, ids=lambda s: s.field)
def test_bounds_are_the_ones_the_config_enforces(setting):
    for value in (setting.low, setting.high):
        assert getattr(replace(DEFAULT, **{setting.field: value}), setting.field) == value
    for value in (setting.low - 1, setting.high + 1):
        with pytest.raises(ConfigError):
            replace(DEFAULT, **{setting.field: value})


@pytest.mark.parametrize("setting", CHOICES, ids=lambda s: s.field)
def test_choices_are_the_ones_the_config_accepts(setting):
    for value in setting.choices:
        replace(DEFAULT, **{setting.field: value})
    with pytest.raises(ConfigError):
        replace(DEFAULT, **{setting.field: "no-such-choice"})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_label_help_and_choice_has_a_text(lang):
    for setting in SETTINGS + VIEW_SETTINGS:
        assert setting.label(lang).strip()
        help_text = setting.help_text(lang)
        assert help_text is None or help_text.strip()
        for value in setting.choices:
            assert setting.option_text(value, lang).strip()


def test_a_range_help_says_the_bounds_of_its_row():
    hidden, layers = BY_FIELD["hidden_size"], BY_FIELD["num_layers"]
    assert hidden.help_text("en") == f"1 to {hidden.high}."
    assert hidden.help_text("ko") == f"1부터 {hidden.high}까지."
    assert layers.help_text("en") is None  # no help icon, as before the table
    assert BY_FIELD["lang"].option_text("ko", "en") == "한국어"  # each language in its own
