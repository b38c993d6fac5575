"""ExplorerConfig: every field validated, frozen, hashable; the state budget."""

from __future__ import annotations

import dataclasses

import pytest

from model.cells import build_model, check_budget
from model.config import (
    CELLS,
    ENCODINGS,
    INIT_STATES,
    MAX_HIDDEN,
    MAX_INPUT_SIZE,
    MAX_LAYERS,
    MAX_SEED,
    MAX_STATE_VALUES,
    MAX_TEXT_CHARS,
    NONLINEARITIES,
    TOKENIZERS,
    ExplorerConfig,
    field_names,
)
from model.encoding import encode
from model.errors import ConfigError
from model.trace import trace

pytestmark = pytest.mark.usefixtures("single_thread_torch")


def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError)


def test_defaults_are_valid_and_trace():
    config = ExplorerConfig()
    result = trace(config)
    assert result.max_error < 1e-5
    assert config.num_directions == 1


def test_field_names_match_the_dataclass():
    assert field_names() == tuple(f.name for f in dataclasses.fields(ExplorerConfig))
    assert "sequences" in field_names() and "seed" in field_names()


@pytest.mark.parametrize(
    ("field", "choices"),
    [
        ("tokens", TOKENIZERS),
        ("encoding", ENCODINGS),
        ("cell", CELLS),
        ("nonlinearity", NONLINEARITIES),
        ("init_state", INIT_STATES),
    ],
)
def test_every_listed_choice_is_accepted(field, choices):
    for choice in choices:
        assert getattr(ExplorerConfig(**{field: choice}), field) == choice


BAD_VALUES = [
    ("tokens", "letters"),
    ("tokens", "CHARS"),
    ("tokens", None),
    ("tokens", ["chars"]),
    ("encoding", "word2vec"),
    ("encoding", 1),
    ("cell", "transformer"),
    ("cell", "RNN"),
    ("nonlinearity", "sigmoid"),
    ("init_state", "ones"),
    ("input_size", 0),
    ("input_size", MAX_INPUT_SIZE + 1),
    ("input_size", 2.0),
    ("input_size", "4"),
    ("input_size", True),
    ("hidden_size", 0),
    ("hidden_size", -1),
    ("hidden_size", MAX_HIDDEN + 1),
    ("hidden_size", 1.5),
    ("hidden_size", None),
    ("hidden_size", True),
    ("num_layers", 0),
    ("num_layers", MAX_LAYERS + 1),
    ("num_layers", 2.0),
    ("num_layers", True),
    ("seed", -1),
    ("seed", MAX_SEED + 1),
    ("seed", 0.0),
    ("seed", "0"),
    ("seed", False),
    ("bidirectional", 1),
    ("bidirectional", 0),
    ("bidirectional", "yes"),
    ("bidirectional", None),
    ("bias", 1),
    ("bias", "false"),
    ("batch_first", 0),
    ("batch_first", 1.0),
    ("sequences", ["hello"]),
    ("sequences", "hello"),
    ("sequences", ("hello", 1)),
    ("sequences", (b"hello",)),
    ("sequences", None),
    ("sequences", ("x" * (MAX_TEXT_CHARS + 1),)),
    ("sequences", ("x" * (MAX_TEXT_CHARS // 2), "y" * (MAX_TEXT_CHARS // 2 + 1))),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES, ids=lambda v: repr(v)[:30])
def test_out_of_range_or_wrong_type_is_a_config_error(field, value):
    with pytest.raises(ConfigError) as caught:
        ExplorerConfig(**{field: value})
    message = str(caught.value)
    # The sentence names what is wrong (the field, or the text being too long).
    assert field in message or "too long" in message


@pytest.mark.parametrize(("field", "value"), BAD_VALUES, ids=lambda v: repr(v)[:30])
def test_with_changes_validates_too(field, value):
    with pytest.raises(ConfigError):
        ExplorerConfig().with_changes(**{field: value})


def test_out_of_range_message_gives_the_limits():
    with pytest.raises(ConfigError, match=f"between 1 and {MAX_HIDDEN}"):
        ExplorerConfig(hidden_size=MAX_HIDDEN + 1)
    with pytest.raises(ConfigError, match=f"{MAX_TEXT_CHARS:,}"):
        ExplorerConfig(sequences=("x" * (MAX_TEXT_CHARS + 1),))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("input_size", 1),
        ("input_size", MAX_INPUT_SIZE),
        ("hidden_size", 1),
        ("hidden_size", MAX_HIDDEN),
        ("num_layers", 1),
        ("num_layers", MAX_LAYERS),
        ("seed", 0),
        ("seed", MAX_SEED),
        ("sequences", ("x" * MAX_TEXT_CHARS,)),
        ("sequences", ()),  # valid as a config; encode() asks for a line
        ("bidirectional", True),
        ("bias", False),
        ("batch_first", False),
    ],
)
def test_limits_themselves_are_accepted(field, value):
    assert getattr(ExplorerConfig(**{field: value}), field) == value


def test_frozen():
    config = ExplorerConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.hidden_size = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.sequences = ("abc",)  # type: ignore[misc]


def test_hashable_and_equal_by_value():
    a = ExplorerConfig(sequences=("hello", "world"), cell="gru", hidden_size=3)
    b = ExplorerConfig(sequences=("hello", "world"), cell="gru", hidden_size=3)
    c = a.with_changes(hidden_size=4)
    assert a == b and hash(a) == hash(b)
    assert a != c
    cache = {a: 1}
    assert cache[b] == 1 and c not in cache
    assert c.hidden_size == 4 and a.hidden_size == 3  # with_changes copies


def test_num_directions():
    assert ExplorerConfig(bidirectional=True).num_directions == 2
    assert ExplorerConfig(bidirectional=False).num_directions == 1


# --- the state budget ---------------------------------------------------------------


def _budget_total(config: ExplorerConfig) -> int:
    encoded = encode(config)
    lines, steps = encoded.batch_size, encoded.max_length
    return lines * steps * config.hidden_size * config.num_layers * config.num_directions


LARGEST_ADVERTISED = ExplorerConfig(
    sequences=(("the quick brown fox jumps over the lazy dog " * 30)[:1000],),
    cell="lstm",
    hidden_size=256,
    num_layers=2,
    bidirectional=True,
)


def test_largest_advertised_scene_fits_the_budget():
    encoded = encode(LARGEST_ADVERTISED)
    assert encoded.max_length == 1000
    check_budget(LARGEST_ADVERTISED, encoded)  # no error
    check_budget(LARGEST_ADVERTISED.with_changes(batch_first=False), encoded)
    assert _budget_total(LARGEST_ADVERTISED) <= MAX_STATE_VALUES


def test_largest_advertised_scene_traces_within_tolerance():
    result = trace(LARGEST_ADVERTISED)
    assert result.hidden.shape == (2, 2, 1, 1000, 256)
    assert result.max_error < 1e-5


def test_budget_boundary_is_inclusive():
    # 1 x 1000 x 350 x 3 x 2 == MAX_STATE_VALUES exactly; one more hidden unit is over.
    exact = ExplorerConfig(
        sequences=("ab" * 500,), hidden_size=350, num_layers=3, bidirectional=True
    )
    assert _budget_total(exact) == MAX_STATE_VALUES
    check_budget(exact, encode(exact))
    over = exact.with_changes(hidden_size=351)
    assert _budget_total(over) > MAX_STATE_VALUES
    with pytest.raises(ConfigError, match="limit"):
        check_budget(over, encode(over))


@pytest.mark.parametrize("batch_first", [True, False])
def test_scene_over_the_budget_is_refused_everywhere(batch_first):
    config = ExplorerConfig(
        sequences=("ab" * 500,),
        cell="lstm",
        hidden_size=MAX_HIDDEN,
        num_layers=MAX_LAYERS,
        bidirectional=True,
        batch_first=batch_first,
    )
    encoded = encode(config)
    assert _budget_total(config) > MAX_STATE_VALUES
    with pytest.raises(ConfigError) as caught:
        check_budget(config, encoded)
    assert f"{MAX_STATE_VALUES:,}" in str(caught.value)
    with pytest.raises(ConfigError):
        build_model(config, encoded)
    with pytest.raises(ConfigError):
        trace(config)


def test_budget_counts_every_line():
    lines = tuple("ab" * 500 for _ in range(16))  # 16 x 1000 steps
    config = ExplorerConfig(sequences=lines, hidden_size=132)
    assert _budget_total(config) > MAX_STATE_VALUES
    with pytest.raises(ConfigError):
        check_budget(config, encode(config))
    smaller = config.with_changes(hidden_size=131)
    assert _budget_total(smaller) <= MAX_STATE_VALUES
    check_budget(smaller, encode(smaller))
