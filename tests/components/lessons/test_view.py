"""`restore`: a lesson widget's kept value, or its default when the value is no option."""

from __future__ import annotations

import pytest
import streamlit as st

from components.lessons.view import KEPT, restore


@pytest.fixture
def state(monkeypatch):
    fake = {}
    monkeypatch.setattr(st, "session_state", fake)
    return fake


@pytest.mark.parametrize(
    "value, expected", [(None, 0), ("7", 0), (7.5, 0), (2**31, 0), (-1, 0), (7, 7)]
)
def test_a_range_takes_only_an_int_inside_it(state, value, expected):
    # (None in range(2**31) walks the whole range: the page once waited 44 s for it)
    state["seed"] = value
    restore("seed", range(2**31), 0)
    assert state["seed"] == expected


def test_a_kept_value_comes_back_and_a_list_is_checked_as_a_list(state):
    state[KEPT + "task"] = "count"
    restore("task", ("gap", "count"), "gap")
    assert state["task"] == "count"
    state["task"] = "sort"
    restore("task", ("gap", "count"), "gap")
    assert state["task"] == "gap"
