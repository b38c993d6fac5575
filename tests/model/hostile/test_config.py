"""Hostile values in ExplorerConfig's fields: the size limits refused in both languages
(tests/model/test_config.py checks the ranges), and any value in any field is accepted
or a keyed ConfigError.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from components.i18n import error_text
from model.config import (
    MAX_HIDDEN,
    MAX_INPUT_SIZE,
    MAX_LAYERS,
    MAX_SEED,
    MAX_TEXT_CHARS,
    ExplorerConfig,
    field_names,
)
from model.errors import ConfigError
from tests.model.hostile.refusals import assert_clear, refusal

pytestmark = pytest.mark.usefixtures("single_thread_torch")


@pytest.mark.parametrize(
    ("field", "low", "high"),
    [
        ("hidden_size", 1, MAX_HIDDEN),
        ("num_layers", 1, MAX_LAYERS),
        ("input_size", 1, MAX_INPUT_SIZE),
        ("seed", 0, MAX_SEED),
    ],
)
def test_size_limits_refuse_in_both_languages(field, low, high):
    """test_config.py checks the ranges; here the refusals are translated."""
    for value in (low - 1, high + 1, 10**5000, -(10**5000)):
        error = refusal(lambda v=value: ExplorerConfig(**{field: v}))
        assert error.key == "err_int_range" and error.fields["name"] == field
        assert len(str(error)) < 120  # a 5,000-digit number is not printed in full
    korean = error_text(refusal(lambda: ExplorerConfig(**{field: high + 1})), "ko")
    assert f"{high:,}" in korean


def test_text_limit_message_in_both_languages():
    error = refusal(lambda: ExplorerConfig(sequences=("x" * (MAX_TEXT_CHARS + 1),)))
    assert f"{MAX_TEXT_CHARS:,}" in error_text(error, "ko")


# --- any value in any field, any text: a valid Trace or a keyed ConfigError -------------

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.binary(max_size=6),
    st.lists(st.text(max_size=3), max_size=3),
    st.tuples(st.text(max_size=3), st.integers()),
    st.sampled_from([np.int64(3), np.float32(2.0), np.array(["chars"]), torch.tensor(2)]),
)


@settings(max_examples=300, deadline=None, database=None)
@given(field=st.sampled_from(field_names()), value=ODD_VALUES)
def test_any_value_in_any_field_is_accepted_or_a_keyed_config_error(field, value):
    try:
        config = ExplorerConfig(**{field: value})
    except ConfigError as error:
        assert_clear(error)
        return
    assert getattr(config, field) is value
    hash(config)  # still a cache key
