"""The scene in the URL and back: parse_query / to_query, pure functions."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.i18n import t
from components.urlstate import (
    KNOWN,
    LESSON_PARAMS,
    PARAMS,
    SERIES_PARAMS,
    TRAIN_PARAMS,
    TRAINED,
    VIEW_DEFAULTS,
    VIEW_PARAMS,
    parse_lessons,
    parse_query,
    parse_trained,
    parse_training,
    parse_view,
    to_query,
)
from model.config import (
    CELLS,
    ENCODINGS,
    INIT_STATES,
    MAX_HIDDEN,
    MAX_INPUT_SIZE,
    MAX_LAYERS,
    MAX_SEED,
    MAX_TEXT_CHARS,
    NONLINEARITIES,
    TOKENIZERS,
    ExplorerConfig,
)
from model.presets import DEFAULT_PRESET, PRESETS
from model.reading import split_lines

DEFAULT = ExplorerConfig()


def as_lists(query: dict) -> dict[str, list[str]]:
    """What the app hands parse_query: every name -> the list of its values."""
    return {name: value if isinstance(value, list) else [value] for name, value in query.items()}


def notice_names(notices: list) -> list[tuple[str, str | None]]:
    return [(key, values.get("name")) for key, values in notices]


# --- round trips -----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_round_trips_and_is_named(name):
    preset = PRESETS[name]
    query = to_query(preset)
    assert query["preset"] == name
    assert query["seq"] == list(preset.sequences)
    assert parse_query(as_lists(query)) == (preset, name, [])
    assert parse_query({"preset": [name]}) == (preset, name, [])


def test_the_lecture_link_gives_the_lecture_preset():
    config, preset, notices = parse_query({"preset": ["lecture"]})
    assert config == PRESETS["lecture"]
    assert config.sequences == ("hello", "eolll", "lleel")
    assert config.batch_first is False and config.hidden_size == 2 and config.seed == 0
    assert (preset, notices) == ("lecture", [])


def test_an_empty_query_is_the_default_preset_without_notices():
    assert DEFAULT_PRESET == "lecture"
    assert parse_query({}) == (PRESETS["lecture"], "lecture", [])


# A line as the text box yields it: invisible-only text (a lone soft hyphen) is dropped
# there, so a link holding it falls back with a notice (tested below), not round-trips.
line = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda s: split_lines(s) == (s,))

configs = st.builds(
    ExplorerConfig,
    sequences=st.lists(line, min_size=1, max_size=4).map(tuple),
    tokens=st.sampled_from(TOKENIZERS),
    encoding=st.sampled_from(ENCODINGS),
    input_size=st.integers(1, MAX_INPUT_SIZE),
    cell=st.sampled_from(CELLS),
    nonlinearity=st.sampled_from(NONLINEARITIES),
    hidden_size=st.integers(1, MAX_HIDDEN),
    num_layers=st.integers(1, MAX_LAYERS),
    bidirectional=st.booleans(),
    bias=st.booleans(),
    batch_first=st.booleans(),
    seed=st.integers(0, MAX_SEED),
    init_state=st.sampled_from(INIT_STATES),
)


@settings(max_examples=150, deadline=None)
@given(configs)
def test_random_valid_configs_round_trip(config):
    query = to_query(config)
    assert all(isinstance(v, str) for k, v in query.items() if k != "seq")
    parsed, preset, notices = parse_query(as_lists(query))
    assert parsed == config
    assert notices == []
    named = [name for name, p in PRESETS.items() if p == config]
    assert preset == (named[0] if named else None)
    assert ("preset" in query) == bool(named)


def test_to_query_writes_every_setting_with_booleans_as_0_1():
    query = to_query(PRESETS["lecture"])
    # view settings and training values only when not default; `trained` with a model
    assert set(query) == (
        KNOWN
        - set(VIEW_PARAMS)
        - set(TRAIN_PARAMS)
        - set(SERIES_PARAMS)
        - set(LESSON_PARAMS)
        - {TRAINED}
    )
    assert query["batch_first"] == "0" and query["bias"] == "1" and query["bidirectional"] == "0"
    assert (query["hidden"], query["layers"], query["seed"], query["cell"]) == (
        "2",
        "1",
        "0",
        "rnn",
    )


def test_to_query_names_the_preset_only_when_the_config_equals_it():
    lecture = PRESETS["lecture"]
    for change in [{"seed": 1}, {"hidden_size": 3}, {"sequences": ("hello",)}, {"bias": False}]:
        query = to_query(lecture.with_changes(**change))
        assert "preset" not in query, change
        config, preset, notices = parse_query(as_lists(query))
        assert config == lecture.with_changes(**change)
        assert preset is None and notices == []


def test_a_preset_link_with_changes_is_no_longer_that_preset():
    config, preset, notices = parse_query({"preset": ["lecture"], "hidden": ["3"]})
    assert config == PRESETS["lecture"].with_changes(hidden_size=3)
    assert preset is None and notices == []
    same, preset, _ = parse_query({"preset": ["lecture"], "hidden": ["2"]})
    assert same == PRESETS["lecture"] and preset == "lecture"


def test_repeated_seq_keeps_its_order():
    config, _, notices = parse_query({"seq": ["lleel", "hello", "eolll", "hello"]})
    assert config.sequences == ("lleel", "hello", "eolll", "hello")
    assert notices == []


def test_blank_seq_values_are_dropped_but_others_kept():
    config, _, notices = parse_query({"seq": ["abc", "  ", "", "de"]})
    assert config.sequences == ("abc", "de") and notices == []


def test_accepted_spellings():
    config, _, notices = parse_query(
        {"cell": [" LSTM "], "bidirectional": ["true"], "bias": ["False"], "seed": ["-0"]}
    )
    assert (config.cell, config.bidirectional, config.bias, config.seed) == ("lstm", True, False, 0)
    assert notices == []


def test_the_last_of_repeated_single_values_wins():
    config, _, _ = parse_query({"hidden": ["3", "5"]})
    assert config.hidden_size == 5


# --- bad links: the default, a notice, never an exception ------------------------------


def test_an_unknown_key_gives_a_notice_and_is_ignored():
    # "colour" is a view setting now (fitted or fixed); "color" is not
    config, preset, notices = parse_query({"color": ["red"], "hidden": ["3"]})
    assert config == DEFAULT.with_changes(hidden_size=3)
    assert preset is None
    assert notice_names(notices) == [("notice_unknown_param", "color")]
    assert "color" in t(notices[0][0], **notices[0][1])


def test_only_unknown_keys_still_open_the_default_preset():
    config, preset, notices = parse_query({"utm_source": ["mail"]})
    assert (config, preset) == (PRESETS["lecture"], "lecture")
    assert notice_names(notices) == [("notice_unknown_param", "utm_source")]


BAD_VALUES = [
    ("hidden", "0"),
    ("hidden", "-3"),
    ("hidden", "9999"),
    ("hidden", "2.5"),
    ("hidden", "abc"),
    ("hidden", "--3"),
    ("hidden", ""),
    ("hidden", "３"),  # a full-width digit
    ("hidden", "1_0"),
    ("layers", "5"),
    ("layers", "0"),
    ("cell", "transformer"),
    ("tokens", "bytes"),
    ("encoding", "onehotx"),
    ("nonlinearity", "sigmoid"),
    ("init", "ones"),
    ("bidirectional", "2"),
    ("bias", "yes"),
    ("batch_first", "-1"),
    ("seed", "-1"),
    ("seed", "99999999999999"),
    ("seed", str(MAX_SEED + 1)),
    ("input", "513"),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
@pytest.mark.parametrize("preset", [None, "sentence"])
def test_an_invalid_value_falls_back_with_a_notice_naming_it(name, value, preset):
    query = {name: [value]}
    if preset:
        query["preset"] = [preset]
    config, chosen, notices = parse_query(query)
    base = PRESETS[preset] if preset else DEFAULT
    assert config == base  # the preset's (or the default) value is used
    assert chosen == preset
    assert notice_names(notices) == [("notice_bad_value", name)]
    assert notices[0][1]["value"] == value[:40]
    text = t(notices[0][0], **notices[0][1])
    assert name in text


def test_a_nonexistent_preset_gives_a_notice():
    config, preset, notices = parse_query({"preset": ["nope"]})
    assert preset is None
    assert config == DEFAULT
    assert notices == [("notice_bad_preset", {"value": "nope"})]
    assert "nope" in t("notice_bad_preset", value="nope")


def test_empty_seq_falls_back_with_a_notice():
    for seq in ([""], ["   ", ""], []):
        config, preset, notices = parse_query({"seq": seq, "preset": ["lecture"]})
        assert config == PRESETS["lecture"] and preset == "lecture"
        assert notice_names(notices) == [("notice_empty_seq", None)]
    config, _, notices = parse_query({"seq": [""]})
    assert config.sequences == DEFAULT.sequences
    assert [key for key, _ in notices] == ["notice_empty_seq"]


def test_a_too_long_seq_falls_back_with_a_notice():
    long = ["a" * (MAX_TEXT_CHARS // 2), "b" * (MAX_TEXT_CHARS // 2 + 1)]
    config, preset, notices = parse_query({"seq": long, "preset": ["lecture"], "cell": ["gru"]})
    assert config == PRESETS["lecture"].with_changes(cell="gru")  # the rest is kept
    assert preset is None
    assert [key for key, _ in notices] == ["notice_bad_config"]
    message = t(notices[0][0], **notices[0][1])
    assert f"{MAX_TEXT_CHARS:,}" in message
    just_fits = ["a" * (MAX_TEXT_CHARS // 2), "b" * (MAX_TEXT_CHARS // 2)]
    assert parse_query({"seq": just_fits})[0].sequences == tuple(just_fits)


def test_long_bad_values_are_cut_in_the_notice():
    config, _, notices = parse_query({"x" * 500: ["1"], "cell": ["y" * 500]})
    assert config == DEFAULT
    assert [len(v.get("name", v.get("value", ""))) for _, v in notices] == [40, 4]
    assert notices[1][1]["value"] == "y" * 40


query_text = st.text(max_size=30)
queries = st.dictionaries(
    st.one_of(st.sampled_from(sorted(KNOWN)), query_text),
    st.lists(query_text, max_size=3),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(queries)
def test_any_query_gives_a_valid_config_and_never_raises(query):
    config, preset, notices = parse_query(query)
    assert isinstance(config, ExplorerConfig)
    assert preset is None or config == PRESETS[preset]
    for key, values in notices:
        t(key, **values)  # every notice can be shown


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(PARAMS)), st.text(max_size=15))
def test_any_single_value_is_used_or_reported(name, value):
    config, _, notices = parse_query({name: [value]})
    field = PARAMS[name].field
    if notices:
        assert notice_names(notices) == [("notice_bad_value", name)]
        assert getattr(config, field) == getattr(DEFAULT, field)
    else:
        assert asdict(config) == {**asdict(DEFAULT), field: getattr(config, field)}


def test_view_settings_round_trip_and_only_differences_are_written():
    config = PRESETS["lecture"]
    assert VIEW_DEFAULTS == {"lang": "en", "present": False, "colour": "fitted"}
    assert not {"lang", "present", "colour"} & set(to_query(config, VIEW_DEFAULTS))
    query = to_query(config, {"lang": "ko", "present": True, "colour": "fixed"})
    assert query["lang"] == "ko" and query["present"] == "1" and query["colour"] == "fixed"
    view, notices = parse_view({k: [v] if isinstance(v, str) else v for k, v in query.items()})
    assert view == {"lang": "ko", "present": True, "colour": "fixed"} and notices == []
    # a link without a view setting opens with the defaults: fitted colours first
    assert parse_view({"preset": ["lecture"]}) == (VIEW_DEFAULTS, [])
    # a view setting alone does not make the scene custom
    _, preset, notices = parse_query({"preset": ["lecture"], "lang": ["ko"], "colour": ["fixed"]})
    assert preset == "lecture" and notices == []


@pytest.mark.parametrize(
    ("name", "raw"),
    [("lang", "fr"), ("lang", "<b>"), ("present", "2"), ("colour", "red"), ("colour", "")],
)
def test_a_bad_view_setting_is_a_notice_and_the_default(name, raw):
    view, notices = parse_view({name: [raw]})
    assert view == VIEW_DEFAULTS
    assert notices == [("notice_bad_value", {"name": name, "value": raw})]


def test_an_invisible_only_sequence_in_a_link_is_dropped_with_a_notice():
    config, _, notices = parse_query({"seq": ["\u00ad"]})  # a lone soft hyphen
    assert config.sequences == ("hello",) and notices == [("notice_empty_seq", {})]
    config, _, _ = parse_query({"seq": ["\u00ad", "abc"]})
    assert config.sequences == ("abc",)


def test_training_values_round_trip_and_only_those_off_their_default_are_written():
    defaults = {"head": "logits", "optimizer": "adam", "lr": 0.1, "steps": 100, "seed": 0,
                "lab_seed": False}  # fmt: skip
    values = {**defaults, "head": "linear", "lr": 0.01, "steps": 500, "lab_seed": True}
    query = to_query(PRESETS["hello"], None, values, defaults)
    assert {name: query[name] for name in TRAIN_PARAMS if name in query} == {
        "head": "linear", "lr": "0.01", "train_steps": "500", "lab_seed": "1"
    }  # fmt: skip
    read, notices = parse_training(as_lists(query))
    assert notices == []
    assert read == {"head": "linear", "lr": 0.01, "steps": 500, "lab_seed": True}
    config, preset, _ = parse_query(as_lists(query))
    assert (config, preset) == (PRESETS["hello"], "hello")  # training keeps the preset


@pytest.mark.parametrize(
    "name, raw",
    [("lr", "nan"), ("lr", "inf"), ("lr", "0"), ("lr", "11"), ("lr", "1e-9"), ("lr", "ten"),
     ("lr", "٣"), ("train_steps", "0"), ("train_steps", "2001"), ("head", "softmax"),
     ("optimizer", "rmsprop"), ("lab_seed", "2"), ("train_seed", "-1")],
)  # fmt: skip
def test_a_bad_training_value_is_a_notice_and_the_form_keeps_its_own(name, raw):
    read, notices = parse_training({name: [raw]})
    assert read == {}
    assert notices == [("notice_bad_value", {"name": name, "value": raw})]


def test_a_preset_series_split_and_scaling_travel_in_the_link():
    config, preset, notices = parse_query({"preset": ["timeseries"], "split": ["0.8"],
                                           "scaling": ["train"]})  # fmt: skip
    assert notices == [] and preset is None  # no longer the preset itself
    assert (config.series.split, config.series.scaling) == (0.8, "train")
    assert config.series.table == PRESETS["timeseries"].series.table
    query = to_query(config)
    assert (query["split"], query["scaling"]) == ("0.8", "train")
    assert query["preset"] == "timeseries"  # the preset carries the made-up file
    assert parse_query(as_lists(query))[0] == config
    assert "split" not in to_query(PRESETS["hello"])


@pytest.mark.parametrize("raw", ["0.99", "0", "nan", "seventy"])
def test_a_bad_split_is_a_notice_and_the_preset_keeps_its_own(raw):
    config, _, notices = parse_query({"preset": ["timeseries"], "split": [raw]})
    assert config.series.split == 0.7
    assert notices == [("notice_bad_value", {"name": "split", "value": raw})]


def test_a_split_without_a_series_is_ignored():
    config, _, notices = parse_query({"preset": ["hello"], "split": ["0.8"]})
    assert config == PRESETS["hello"] and notices == []


def test_lesson_choices_travel_in_the_link_and_only_off_their_default():
    lessons = {"memory_scale": 2.0, "tasks_task": "count", "tasks_bound": 8,
               "tasks_depth": None, "tasks_steps": 120}  # fmt: skip
    query = to_query(PRESETS["hello"], None, None, None, lessons)
    assert {name: query[name] for name in LESSON_PARAMS if name in query} == {
        "k": "2", "task": "count", "task_steps": "120"
    }  # fmt: skip
    read, notices = parse_lessons(as_lists(query))
    assert notices == []
    assert read == {"memory_scale": 2.0, "tasks_task": "count", "tasks_steps": 120}
    assert parse_query(as_lists(query))[1] == "hello"  # lesson choices keep the preset


@pytest.mark.parametrize("name, raw", [("k", "5"), ("k", "0.1"), ("k", "nan"), ("task", "sort"),
                                       ("task_n", "1"), ("task_steps", "100000")])  # fmt: skip
def test_a_bad_lesson_choice_is_a_notice(name, raw):
    read, notices = parse_lessons({name: [raw]})
    assert read == {} and notices == [("notice_bad_value", {"name": name, "value": raw})]


def test_the_lesson_settings_name_the_lessons_own_keys():
    from components.lessons import memory, tasks

    keys = {memory.SCALE_KEY, tasks.TASK_KEY, tasks.BOUND_KEY, tasks.DEPTH_KEY, tasks.STEPS_KEY}
    assert {setting.field for setting in LESSON_PARAMS.values()} == keys


def test_a_trained_model_is_marked_in_the_link_and_missed_on_the_next_session():
    config = PRESETS["hihello"]
    assert "trained" not in to_query(config)
    query = to_query(config, trained=True)
    assert query["trained"] == "1"
    read = {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    parsed, preset, notices = parse_query(read)
    assert (parsed, preset, notices) == (config, "hihello", [])  # not an unknown setting
    assert parse_trained(read) == [("notice_trained_gone", {})]
    assert parse_trained({"seq": ["hello"]}) == []
