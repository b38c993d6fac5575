"""The tasks lesson's backend: the generators give the right answers and hidden variables
(against plain loops, Hypothesis), seeded runs repeat exactly, the unit finder picks the
unit of a hand-built RNN whose job is known (a counter, a memory), the states are
PyTorch's (against the explorer's trace of the same module), and an LSTM learns an easy
setting within a tiny budget."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from components.i18n import error_text
from model.cells import BuiltModel, make_module
from model.config import ExplorerConfig
from model.encoding import encode
from model.errors import ConfigError
from model.lessons.tasks import (
    MAX_COUNT_N,
    MAX_DEPTH,
    MAX_GAP,
    MAX_GAPS,
    MAX_TRAIN_STEPS,
    TASK_FACTS,
    TaskSettings,
    bracket_batch,
    count_batch,
    evaluation_batches,
    find_unit,
    gap_batch,
    scatter_sample,
)
from model.lessons.tasks_train import (
    TaskNetwork,
    build_network,
    flat_states,
    network_states,
    run_task,
    train_network,
)
from model.trace import trace_model

pytestmark = pytest.mark.usefixtures("single_thread_torch")
SEEDS = st.integers(0, 2**32 - 1)


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS, count=st.integers(1, 20), gap=st.integers(1, MAX_GAP))
def test_the_gap_task_asks_for_the_first_token(seed, count, gap):
    batch = gap_batch(np.random.default_rng(seed), count, gap)
    vocab = TASK_FACTS["gap"].vocab
    for row in range(count):
        tokens = batch.tokens("gap", row)
        assert len(tokens) == gap + 2 and tokens[-1] == "?"
        assert set(tokens[1:-1]) <= {"a", "b"}
        answers = [TASK_FACTS["gap"].classes[batch.targets[row, t]]
                   for t in range(len(tokens)) if batch.scored[row, t]]  # fmt: skip
        assert answers == [tokens[0]]
        assert (batch.variable[row] == (1.0 if tokens[0] == "a" else -1.0)).all()
    assert batch.inputs.max() < len(vocab)


@settings(max_examples=30, deadline=None)
@given(ns=st.lists(st.integers(1, 2 * MAX_COUNT_N), min_size=1, max_size=8))
def test_counting_answers_at_each_b_and_its_variable_is_a_minus_b(ns):
    batch = count_batch(np.array(ns))
    for row, n in enumerate(ns):
        tokens = batch.tokens("count", row)
        assert "".join(tokens) == "a" * n + "b" * n
        level = 0
        for t, token in enumerate(tokens):
            level += 1 if token == "a" else -1
            assert batch.variable[row, t] == level
            assert batch.scored[row, t] == (token == "b")
            if token == "b":
                answer = TASK_FACTS["count"].classes[batch.targets[row, t]]
                assert answer == ("end" if t == 2 * n - 1 else "b")
        assert not batch.scored[row, 2 * n :].any() and (batch.variable[row, 2 * n :] == 0).all()


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS, depth=st.integers(2, MAX_DEPTH), length=st.integers(2, 60))
def test_brackets_are_balanced_never_too_deep_and_answer_balanced_so_far(seed, depth, length):
    batch = bracket_batch(np.random.default_rng(seed), 6, depth, length)
    for row in range(6):
        level = 0
        for t, token in enumerate(batch.tokens("brackets", row)):
            level += 1 if token == "(" else -1
            assert 0 <= level <= depth
            assert batch.variable[row, t] == level
            assert batch.targets[row, t] == (level == 0)
        assert level == 0


def test_generators_and_training_repeat_with_their_seed_and_leave_global_state_alone():
    settings_ = TaskSettings(task="count", cells=("gru",), steps=12, count_bound=4, seed=3)
    first = gap_batch(np.random.default_rng(5), 8, 6)
    assert (gap_batch(np.random.default_rng(5), 8, 6).inputs == first.inputs).all()
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    one, two = run_task(settings_), run_task(settings_)
    assert torch.equal(torch.rand(3), expected)  # the global stream is left as it was
    assert one[0].accuracy == two[0].accuracy and one[0].unit == two[0].unit
    np.testing.assert_array_equal(one[0].training.losses, two[0].training.losses)


def hand_built(weights: dict[str, list], vocab: int, classes: int = 2) -> TaskNetwork:
    hidden = len(weights["weight_hh_l0"])
    rnn = nn.RNN(vocab, hidden, batch_first=True)
    rnn.load_state_dict({k: torch.tensor(v, dtype=torch.float32) for k, v in weights.items()})
    return TaskNetwork(rnn, nn.Linear(hidden, classes), vocab)


def test_the_finder_picks_a_hand_built_counter_unit():
    """Unit 1 adds +δ per a and −δ per b (tanh is nearly linear there); units 0 and 2 do
    something else (unit 2 only sees the a's)."""
    delta = 0.01
    network = hand_built({
        "weight_ih_l0": [[0.5, 0.3], [delta, -delta], [0.7, 0.0]],
        "weight_hh_l0": [[0.2, 0.0, 0.1], [0.0, 1.0, 0.0], [0.0, 0.0, 0.3]],
        "bias_ih_l0": [0.1, 0.0, -0.2], "bias_hh_l0": [0.0, 0.0, 0.0],
    }, vocab=2)  # fmt: skip
    batch = count_batch(np.arange(1, 9))
    states = network_states(network, batch)
    found = find_unit(flat_states(states, batch), batch.variable[batch.valid])
    assert (found.quantity, found.unit) == ("h", 1)
    assert found.r > 0.999


def test_the_finder_picks_a_hand_built_memory_unit_and_keeps_its_sign():
    """Unit 0 latches the first token (a strong self-loop; a: −, b: +): r ≈ −1 with the
    variable (a = +1); unit 1 follows the latest token, which says nothing of the first."""
    network = hand_built({
        "weight_ih_l0": [[-1.0, 1.0, 0.0], [2.0, -2.0, 0.0]],
        "weight_hh_l0": [[5.0, 0.0], [0.0, 0.0]],
        "bias_ih_l0": [0.0, 0.0], "bias_hh_l0": [0.0, 0.0],
    }, vocab=3)  # fmt: skip
    batch = gap_batch(np.random.default_rng(0), 100, 10)
    found = find_unit(
        flat_states(network_states(network, batch), batch), batch.variable[batch.valid]
    )
    assert (found.quantity, found.unit) == ("h", 0)
    assert found.r < -0.99


def test_the_finder_reads_every_quantity_and_ignores_constant_units():
    variable = np.array([0.0, 1.0, 2.0, 3.0])
    states = {
        "h": np.array([[1.0, 0.3], [1.0, 0.1], [1.0, 0.4], [1.0, 0.2]]),  # unit 0 constant
        "forget": np.array([[0.9, 3.0], [0.7, 2.0], [0.5, 1.1], [0.3, 0.0]]),
    }
    found = find_unit(states, variable)
    assert (found.quantity, found.unit) == ("forget", 0) and found.r == pytest.approx(-1.0)
    with pytest.raises(ConfigError) as refused:
        find_unit({"h": np.ones((4, 2))}, variable)
    assert refused.value.key == "err_task_no_unit"


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_the_states_are_the_explorers_trace_of_the_same_module(cell):
    """h, c and every gate equal model.trace's for the trained weights (the trace itself
    is checked against torch.nn's output in tests/model/test_trace.py)."""
    settings_ = TaskSettings(task="count", cells=(cell,), steps=15, count_bound=4, hidden_size=5)
    network = build_network(cell, settings_)
    train_network(network, settings_)
    batch = count_batch(np.array([4]))
    states = network_states(network, batch)
    assert states.max_error < 1e-5
    config = ExplorerConfig(sequences=("aaaabbbb",), cell=cell, hidden_size=5, batch_first=True)
    encoded = encode(config)
    assert encoded.vocab == TASK_FACTS["count"].vocab  # the same one-hot order
    rnn = make_module(config, network.rnn.state_dict())
    zeros = torch.zeros(1, 1, 5)
    built = BuiltModel(rnn, None, zeros, zeros if cell == "lstm" else None)
    scene = trace_model(config, encoded, built)
    np.testing.assert_allclose(states.values["h"][0], scene.hidden[0, 0, 0], atol=1e-6)
    if cell == "lstm":
        np.testing.assert_allclose(states.values["c"][0], scene.cell[0, 0, 0], atol=1e-6)
    for gate, values in scene.gates.items():
        np.testing.assert_allclose(states.values[gate][0], values[0, 0, 0], atol=1e-6)
    assert set(states.values) == {"h", *scene.gates, *(["c"] if cell == "lstm" else [])}


def test_an_lstm_learns_to_remember_across_a_gap_of_2_in_a_tiny_budget():
    settings_ = TaskSettings(task="gap", cells=("lstm",), gaps=(2,), steps=150)
    (result,) = run_task(settings_)
    assert result.points == (2,) and result.accuracy[0] >= 0.95
    assert abs(result.unit.r) > 0.9
    assert result.tokens[-1] == "?" and len(result.unit_values) == 4


def test_a_counting_run_tests_beyond_its_bound_and_shows_the_bound_sequence():
    settings_ = TaskSettings(task="count", cells=("lstm",), steps=20, count_bound=3)
    (result,) = run_task(settings_)
    assert result.points == tuple(range(1, 7))
    assert "".join(result.tokens) == "aaabbb"
    np.testing.assert_array_equal(result.variable, [1, 2, 3, 2, 1, 0])
    assert (
        len(result.scatter_unit) == len(result.scatter_variable) == sum(2 * n for n in range(1, 7))
    )
    assert len(evaluation_batches(settings_)) == 6


def test_the_gap_task_trains_every_cell_at_every_gap_and_reports_progress():
    settings_ = TaskSettings(task="gap", cells=("rnn", "lstm", "gru"), gaps=(1, 3), steps=10)
    seen = []
    results = run_task(settings_, lambda done, total: seen.append((done, total)))
    assert [(r.cell, r.gap) for r in results] == [
        ("rnn", 1), ("rnn", 3), ("lstm", 1), ("lstm", 3), ("gru", 1), ("gru", 3)
    ]  # fmt: skip
    assert seen == [(k, 6) for k in range(1, 7)]


def test_the_time_limit_stops_training():
    settings_ = TaskSettings(task="brackets", cells=("lstm",), steps=MAX_TRAIN_STEPS,
                             time_limit=0.05)  # fmt: skip
    (result,) = run_task(settings_)
    assert result.training.stopped in ("time", "perfect")
    assert result.training.steps < MAX_TRAIN_STEPS


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"task": "sort"}, "err_task_unknown"),
        ({"cells": ("lstm", "lstm")}, "err_task_cells"),
        ({"gaps": tuple(range(1, MAX_GAPS + 2))}, "err_task_gaps"),
        ({"gaps": (MAX_GAP + 1,)}, "err_task_setting"),
        ({"count_bound": MAX_COUNT_N + 1}, "err_task_setting"),
        ({"depth": 1}, "err_task_setting"),
        ({"steps": MAX_TRAIN_STEPS + 1}, "err_task_setting"),
        ({"hidden_size": 2.5}, "err_task_setting"),
        ({"lr": 0.0}, "err_task_rate"),
    ],
)
def test_every_limit_is_refused_with_a_sentence_in_both_languages(fields, key):
    with pytest.raises(ConfigError) as refused:
        TaskSettings(**fields)
    assert refused.value.key == key
    assert error_text(refused.value, "en") == str(refused.value)
    assert error_text(refused.value, "ko") != str(refused.value)


def test_the_scatter_sample_is_even_and_capped():
    assert scatter_sample(5, 10).tolist() == [0, 1, 2, 3, 4]
    picked = scatter_sample(10_000, 100)
    assert len(picked) == 100 and picked[0] == 0 and picked[-1] == 9_999
