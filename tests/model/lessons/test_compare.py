"""RNN, LSTM and GRU on the same scene, against torch.nn modules built as a notebook would."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from model.config import CELLS, NONLINEARITIES, ExplorerConfig
from model.lessons.compare import (
    TIMED_RUNS,
    TIMING_BUDGET,
    compare_cells,
    forward_seconds,
    parameter_count,
)
from model.presets import PRESETS
from model.trace import trace
from tests.support.reference import one_hot, seeded_module
from tests.support.strategies import DEFAULT, ONE_PER_CELL, small_configs

pytestmark = pytest.mark.usefixtures("single_thread_torch")


configs = small_configs(
    alphabet="abcde",
    max_chars=7,
    max_lines=1,
    max_hidden=6,
    kinds=ONE_PER_CELL,
    nonlinearity=st.sampled_from(NONLINEARITIES),
    batch_first=DEFAULT,
    init_state=DEFAULT,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_each_cell_matches_torch_nn_on_the_same_input_and_seed(config):
    comparison = compare_cells(config)
    assert [run.cell for run in comparison.runs] == list(CELLS)
    x = one_hot(config.sequences[0])[None]  # (1, T, V)
    for run in comparison.runs:
        cell_config = replace(config, cell=run.cell)
        module = seeded_module(cell_config, x.shape[-1])
        assert run.error == ""
        assert run.parameters == sum(p.numel() for p in module.parameters())
        assert run.gate_blocks == {"rnn": 1, "lstm": 4, "gru": 3}[run.cell]
        with torch.no_grad():
            output, _ = module(x)  # (1, T, D*H)
        hidden = config.hidden_size
        top = np.concatenate([run.hidden[-1, d, 0] for d in range(config.num_directions)], axis=-1)
        np.testing.assert_allclose(top, output[0].numpy(), atol=1e-5)
        assert top.shape[-1] == hidden * config.num_directions
        assert run.max_error < 1e-5
        assert 0 < run.seconds < 5 and 1 <= run.timed_runs <= TIMED_RUNS


def test_the_scene_cell_is_the_scene_itself():
    config = PRESETS["lecture"]
    run = compare_cells(config).run(config.cell)
    np.testing.assert_array_equal(run.hidden, trace(config).hidden)


@pytest.mark.parametrize(
    ("cell", "torch_class"), [("rnn", nn.RNN), ("lstm", nn.LSTM), ("gru", nn.GRU)]
)
def test_parameter_count_is_what_torch_counts(cell, torch_class):
    module = torch_class(7, 5, num_layers=2, bidirectional=True)
    expected = sum(p.numel() for p in module.parameters())
    assert parameter_count(module) == expected
    assert parameter_count(nn.Linear(3, 2)) == 3 * 2 + 2


def test_richer_cells_have_more_parameters():
    runs = compare_cells(PRESETS["hello"]).runs
    counts = {run.cell: run.parameters for run in runs}
    assert counts["rnn"] < counts["gru"] < counts["lstm"]
    assert counts["lstm"] == 4 * counts["rnn"] and counts["gru"] == 3 * counts["rnn"]


def test_a_cell_that_cannot_run_the_scene_says_why_and_the_others_still_run():
    # A ReLU RNN whose state overflows float32 (see test_trace); LSTM and GRU are bounded.
    config = ExplorerConfig(sequences=("a" * 1000,), nonlinearity="relu", hidden_size=2, seed=845)
    comparison = compare_cells(config)
    failed = comparison.run("rnn")
    assert "float32" in failed.error and failed.hidden is None and failed.parameters == 0
    for cell in ("lstm", "gru"):
        assert comparison.run(cell).error == ""
        assert np.isfinite(comparison.run(cell).hidden).all()


def test_the_lecture_layout_is_kept():
    """batch_first off: every cell reads the (3, 5, 4) tensor as 5 sequences of 3 steps."""
    comparison = compare_cells(PRESETS["lecture"])
    for run in comparison.runs:
        assert run.hidden.shape == (1, 1, 5, 3, 2)


def test_the_scene_given_is_reused_for_its_own_cell_and_changes_nothing():
    config = PRESETS["sentence"]
    scene = trace(config)
    reused = compare_cells(config, scene)
    fresh = compare_cells(config)
    assert reused.run(config.cell).hidden is scene.hidden
    for a, b in zip(reused.runs, fresh.runs, strict=True):
        np.testing.assert_array_equal(a.hidden, b.hidden)
        assert a.parameters == b.parameters


def test_forward_seconds_times_every_function_in_rounds():
    calls = []
    timings = forward_seconds([lambda: calls.append("a"), lambda: calls.append("b")])
    assert len(timings) == 2 and all(runs == TIMED_RUNS for _, runs in timings)
    assert calls == ["a", "b"] * (TIMED_RUNS + 1)  # a dropped warm-up round, then rounds
    assert forward_seconds([]) == []


def test_a_slow_forward_is_timed_once():
    slow = lambda: time.sleep(TIMING_BUDGET * 1.2)  # noqa: E731
    ((seconds, runs),) = forward_seconds([slow])
    assert runs == 1 and seconds >= TIMING_BUDGET
