"""Why recurrence: the shuffle, the shuffled run and the feed-forward alternative, against
torch.nn modules built as a notebook would build them."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from model.cells import build_model
from model.codegen import python_code
from model.config import ExplorerConfig
from model.encoding import encode
from model.lessons.order import order_code, order_run, shuffle_order, shuffled_trace
from model.presets import PRESETS
from model.trace import trace, trace_model
from tests.support.reference import initial_state, one_hot_batch, seeded_module
from tests.support.strategies import DEFAULT, ONE_PER_CELL, small_configs

pytestmark = pytest.mark.usefixtures("single_thread_torch")

TOL = 1e-5


# --- the shuffle -----------------------------------------------------------------------

token_lists = st.lists(st.sampled_from("abc"), min_size=0, max_size=12).map(tuple)


@settings(max_examples=300, deadline=None)
@given(token_lists, st.integers(0, 2**32 - 1))
def test_shuffle_is_a_deterministic_permutation_that_differs_when_it_can(tokens, seed):
    order = shuffle_order(tokens, seed)
    assert order.dtype == np.int64
    assert sorted(order.tolist()) == list(range(len(tokens)))
    assert np.array_equal(order, shuffle_order(tokens, seed))
    shuffled = tuple(tokens[i] for i in order)
    if len(set(tokens)) > 1:
        assert shuffled != tokens
    else:
        assert shuffled == tokens  # nothing can differ


def test_another_seed_gives_another_order():
    tokens = tuple("abcdefgh")
    orders = {tuple(shuffle_order(tokens, seed).tolist()) for seed in range(10)}
    assert len(orders) > 5


# --- the shuffled run against torch.nn ---------------------------------------------------


def read_sequence(config: ExplorerConfig, seq: int) -> torch.Tensor:
    """(T, V): sequence `seq` as PyTorch reads the typed tensor (a column without batch_first)."""
    typed = one_hot_batch(config.sequences)
    if config.batch_first:
        return typed[seq, : len(config.sequences[seq])]
    return typed[:, seq]


configs = small_configs(max_hidden=5, kinds=ONE_PER_CELL, bias=DEFAULT)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs, st.data())
def test_the_shuffled_run_equals_torch_nn_on_the_shuffled_one_hot_input(config, data):
    scene = trace(config)
    seq = data.draw(st.integers(0, scene.hidden.shape[2] - 1))
    run = order_run(scene, seq, data.draw(st.integers(0, 1000)))
    x = read_sequence(config, seq)[torch.from_numpy(run.order)]  # (T, V) shuffled
    module = seeded_module(config, x.shape[-1])
    h0, c0 = initial_state(config, len(scene.lengths))
    state = h0[:, seq : seq + 1]
    if config.cell == "lstm":
        state = (state, c0[:, seq : seq + 1])
    with torch.no_grad():
        output, final = module(x.unsqueeze(0 if config.batch_first else 1), state)
    output = output[0] if config.batch_first else output[:, 0]  # (T, D*H)
    directions = config.num_directions
    top = np.concatenate([run.shuffled_hidden[-1, d] for d in range(directions)], axis=-1)
    np.testing.assert_allclose(top, output.numpy(), atol=TOL)
    h_n = final[0] if config.cell == "lstm" else final
    np.testing.assert_allclose(run.shuffled_final, h_n[:, 0].numpy(), atol=TOL)
    assert run.max_error < TOL
    assert run.shuffled_tokens == tuple(run.tokens[i] for i in run.order)


def test_the_original_order_reproduces_the_scene():
    config = ExplorerConfig(
        sequences=("hello", "hi"), cell="lstm", num_layers=2, bidirectional=True,
        init_state="random", hidden_size=3, seed=4,
    )  # fmt: skip
    scene = trace(config)
    for seq in range(2):
        steps = int(scene.lengths[seq])
        same = shuffled_trace(scene, seq, np.arange(steps))
        np.testing.assert_allclose(same.hidden[:, :, 0], scene.hidden[:, :, seq, :steps], atol=TOL)
        np.testing.assert_allclose(same.h_n[:, 0], scene.h_n[:, seq], atol=TOL)


def test_the_shuffle_uses_the_scenes_own_weights_trained_or_not():
    config = ExplorerConfig(sequences=("hello",), cell="gru", hidden_size=3, seed=2)
    encoded = encode(config)
    built = build_model(config, encoded)
    with torch.no_grad():
        for parameter in built.rnn.parameters():
            parameter.mul_(-2.0).add_(0.1)  # as if trained: no longer the seeded weights
    scene = trace_model(config, encoded, built)
    run = order_run(scene, 0, 3)
    x = one_hot_batch(config.sequences)[0][torch.from_numpy(run.order)]
    with torch.no_grad():
        output, _ = built.rnn(x[None])
    np.testing.assert_allclose(run.shuffled_hidden[0, 0], output[0].numpy(), atol=TOL)


# --- the feed-forward alternative ------------------------------------------------------


@pytest.mark.parametrize("preset", ["lecture", "hello", "sentence", "sine"])
def test_the_feedforward_is_a_seeded_torch_linear_on_input_and_position(preset):
    config = PRESETS[preset]
    scene = trace(config)
    run = order_run(scene, 0, 0)
    steps = len(run.tokens)
    x = torch.from_numpy(scene.inputs[0, :steps])  # what the RNN was fed
    torch.manual_seed(config.seed)
    layer = nn.Linear(x.shape[-1] + 1, config.hidden_size)
    position = torch.arange(steps, dtype=torch.float32)[:, None]
    with torch.no_grad():
        expected = torch.tanh(layer(torch.cat([x, position], dim=1)))
        shuffled = torch.tanh(layer(torch.cat([x[torch.from_numpy(run.order)], position], dim=1)))
    np.testing.assert_allclose(run.feedforward, expected.numpy(), atol=1e-6)
    np.testing.assert_allclose(run.shuffled_feedforward, shuffled.numpy(), atol=1e-6)


def test_feedforward_depends_only_on_the_token_and_step_the_rnn_does_not():
    config = PRESETS["hello"]
    run = order_run(trace(config), 0, 0)
    assert run.differs
    same = run.same_step
    assert same.any() and not same.all()  # this seed keeps some token where it was
    np.testing.assert_array_equal(run.feedforward[same], run.shuffled_feedforward[same])
    assert not np.allclose(run.feedforward[~same], run.shuffled_feedforward[~same])
    assert run.final_distance[0] > 0.01  # same tokens, another end state
    later = np.flatnonzero(same & (np.arange(len(same)) > np.argmax(~same)))
    for t in later:  # after the first moved token, the RNN state differs even here
        assert not np.allclose(run.hidden[0, 0, t], run.shuffled_hidden[0, 0, t])


def test_all_tokens_equal_cannot_be_shuffled():
    run = order_run(trace(ExplorerConfig(sequences=("aaaa",))), 0, 7)
    assert not run.differs
    np.testing.assert_allclose(run.final_distance, 0.0, atol=TOL)


# --- the code shown with it ------------------------------------------------------------

CODE_CASES = {
    "lecture": (PRESETS["lecture"], 1),
    "hello": (PRESETS["hello"], 0),
    "long-order-wrapped": (ExplorerConfig(sequences=("abcdefghij" * 10,), cell="gru"), 0),
    "sentence-embedding": (PRESETS["sentence"], 0),
    "packed-lstm-random-bidirectional": (
        ExplorerConfig(
            sequences=("hello", "hi"),
            cell="lstm",
            bidirectional=True,
            num_layers=2,
            init_state="random",
            hidden_size=3,
            seed=9,
        ),  # fmt: skip
        1,
    ),
}


@pytest.mark.parametrize("case", sorted(CODE_CASES))
def test_the_code_shown_reproduces_the_shuffle_and_the_feedforward(case):
    config, seq = CODE_CASES[case]
    scene = trace(config)
    run = order_run(scene, seq, 5)
    code = order_code(scene, seq, run.order)
    assert max(len(line) for line in code.splitlines()) <= 100
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(python_code(config) + "\n" + code, namespace)
    np.testing.assert_allclose(namespace["ff_outputs"].detach(), run.feedforward, atol=1e-6)
    np.testing.assert_allclose(
        namespace["ff_shuffled"].detach(), run.shuffled_feedforward, atol=1e-6
    )
    status = namespace["shuffled_status"]
    h_n = status[0] if config.cell == "lstm" else status
    np.testing.assert_allclose(h_n[:, 0].detach(), run.shuffled_final, atol=TOL)
