"""LiveStates (model/training/live.py): a run's first sequence's hidden states while it
trains equal the explorer's own trace of the same weights, whatever the cell, layers,
directions, layout, input kind and initial state."""

from __future__ import annotations

import numpy as np
import pytest

from model.config import ExplorerConfig
from model.trace import trace_model
from model.training.config import TrainConfig
from model.training.live import LiveStates, live_states
from model.training.network import built_model_for
from model.training.run import train

pytestmark = pytest.mark.usefixtures("single_thread_torch")

LINEAR = TrainConfig(head="linear", steps=12)
CASES = {
    "hihello, the lecture's run": (
        ExplorerConfig(sequences=("hihello",), hidden_size=5), TrainConfig(steps=12)
    ),
    "batch_first off (the pitfall)": (
        ExplorerConfig(sequences=("hello", "eolll", "lleel"), hidden_size=2, batch_first=False),
        LINEAR,
    ),
    "LSTM, 2 layers, both directions, packed": (
        ExplorerConfig(
            sequences=("hello world", "abc"), cell="lstm", hidden_size=6, num_layers=2,
            bidirectional=True,
        ),
        LINEAR,
    ),
    "GRU, words, a learned embedding, random h0": (
        ExplorerConfig(
            sequences=("the cat sat on the mat", "a dog"), tokens="words",
            encoding="embedding", input_size=4, cell="gru", hidden_size=5, init_state="random",
        ),
        LINEAR,
    ),
    "numbers, LSTM, batch_first off, random h0 and c0": (
        ExplorerConfig(
            sequences=("1, 2, 3, 4, 5", "2, 4, 6, 8, 10"), tokens="numbers", hidden_size=3,
            batch_first=False, cell="lstm", init_state="random",
        ),
        LINEAR,
    ),
}  # fmt: skip


def traced_first(run) -> tuple[np.ndarray, tuple[str, ...]]:
    """What the trained scene shows of the run's weights now: the trace's layer 0, forward,
    first sequence, its real steps (T, H), and their tokens."""
    config, data = run.config, run.data
    weights = {name: value.detach().clone() for name, value in run.network.state_dict().items()}
    encoded = data.inputs if data.numbers else data.encoded
    traced = trace_model(config, encoded, built_model_for(config, weights, encoded))
    length = int(traced.lengths[0])
    return traced.hidden[0, 0, 0, :length], tuple(traced.tokens[0][:length])


@pytest.mark.parametrize("name", list(CASES))
def test_live_states_equal_the_trace_of_the_same_weights(name):
    config, train_config = CASES[name]
    run = train(config, train_config, time_limit=None)
    live = LiveStates(run)
    seen = []
    for record in run:
        if record.step in (0, 5, train_config.steps):
            expected, tokens = traced_first(run)
            got = live.states()
            assert got.dtype == np.float32 and got.shape == expected.shape
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)
            assert live.tokens == tokens
            seen.append(got)
    assert not np.allclose(seen[0], seen[-1])  # the states learned


def test_max_steps_keeps_the_first_steps():
    config = ExplorerConfig(sequences=("abcdefghij" * 3,), hidden_size=4)
    run = train(config, LINEAR, time_limit=None)
    whole, first = LiveStates(run), LiveStates(run, max_steps=7)
    assert first.total_steps == whole.total_steps == 30
    assert first.tokens == tuple("abcdefg")
    np.testing.assert_array_equal(first.states(), whole.states()[:7])


def test_a_scene_that_cannot_be_built_has_no_live_states(monkeypatch):
    """The live view then shows the loss alone; the trained scene says why at the end."""
    config = CASES["hihello, the lecture's run"][0].with_changes(init_state="random")
    run = train(config, TrainConfig(steps=3), time_limit=None)
    monkeypatch.setattr("model.cells.MAX_STATE_VALUES", 1)  # random h0: a full build
    assert live_states(run) is None
