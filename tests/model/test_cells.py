"""The seeded modules and the step equations, checked against torch.nn's own cells."""

from __future__ import annotations

import sys
import threading

import pytest
import torch
from torch import nn

from model.cells import (
    CELL_FACTS,
    GATE_NAMES,
    build_model,
    layer_parameters,
    make_input,
    make_module,
    read_shape,
)
from model.config import CELLS, ExplorerConfig
from model.encoding import encode
from model.equations import (
    layer_weights,
    lstm_cell_state,
    lstm_gates,
    step_gru,
    step_lstm,
    step_rnn,
)

pytestmark = pytest.mark.usefixtures("single_thread_torch")

ATOL = 1e-6
INPUT, HIDDEN, BATCH = 5, 4, 3


def _inputs(seed: int = 1):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(BATCH, INPUT, generator=generator)
    h = torch.randn(BATCH, HIDDEN, generator=generator)
    c = torch.randn(BATCH, HIDDEN, generator=generator)
    return x, h, c


def _copy_into_cell(module: nn.RNNBase, cell: nn.RNNCellBase) -> nn.RNNCellBase:
    """Give an nn.*Cell the weights of layer 0 of a one-layer module."""
    with torch.no_grad():
        cell.weight_ih.copy_(module.weight_ih_l0)
        cell.weight_hh.copy_(module.weight_hh_l0)
        if module.bias:
            cell.bias_ih.copy_(module.bias_ih_l0)
            cell.bias_hh.copy_(module.bias_hh_l0)
    return cell


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_step_rnn_matches_rnn_cell(bias, nonlinearity):
    torch.manual_seed(3)
    module = nn.RNN(INPUT, HIDDEN, bias=bias, nonlinearity=nonlinearity)
    cell = _copy_into_cell(module, nn.RNNCell(INPUT, HIDDEN, bias=bias, nonlinearity=nonlinearity))
    x, h, _ = _inputs()
    with torch.no_grad():
        expected = cell(x, h)
        step = step_rnn(x, h, layer_weights(module, 0, 0), nonlinearity)
    torch.testing.assert_close(step["h"], expected, atol=ATOL, rtol=0)
    activation = torch.tanh if nonlinearity == "tanh" else torch.relu
    torch.testing.assert_close(activation(step["pre"]), expected, atol=ATOL, rtol=0)


@pytest.mark.parametrize("bias", [True, False])
def test_step_lstm_matches_lstm_cell(bias):
    torch.manual_seed(4)
    module = nn.LSTM(INPUT, HIDDEN, bias=bias)
    cell = _copy_into_cell(module, nn.LSTMCell(INPUT, HIDDEN, bias=bias))
    x, h, c = _inputs()
    with torch.no_grad():
        expected_h, expected_c = cell(x, (h, c))
        step = step_lstm(x, h, c, layer_weights(module, 0, 0))
        gates = lstm_gates(x, h, layer_weights(module, 0, 0))
    torch.testing.assert_close(step["h"], expected_h, atol=ATOL, rtol=0)
    torch.testing.assert_close(step["c"], expected_c, atol=ATOL, rtol=0)
    # The gates alone rebuild the cell's c_t and h_t.
    c_new = lstm_cell_state(gates, c)
    torch.testing.assert_close(c_new, expected_c, atol=ATOL, rtol=0)
    torch.testing.assert_close(gates["output"] * torch.tanh(c_new), expected_h, atol=ATOL, rtol=0)
    for name in GATE_NAMES["lstm"]:
        torch.testing.assert_close(gates[name], step[name], atol=0, rtol=0)
        activation = torch.tanh if name == "candidate" else torch.sigmoid
        torch.testing.assert_close(activation(gates["pre_" + name]), gates[name])


@pytest.mark.parametrize("bias", [True, False])
def test_step_gru_matches_gru_cell(bias):
    torch.manual_seed(5)
    module = nn.GRU(INPUT, HIDDEN, bias=bias)
    cell = _copy_into_cell(module, nn.GRUCell(INPUT, HIDDEN, bias=bias))
    x, h, _ = _inputs()
    with torch.no_grad():
        expected = cell(x, h)
        step = step_gru(x, h, layer_weights(module, 0, 0))
    torch.testing.assert_close(step["h"], expected, atol=ATOL, rtol=0)
    z, n = step["update"], step["candidate"]
    torch.testing.assert_close((1 - z) * n + z * h, expected, atol=ATOL, rtol=0)
    for name in GATE_NAMES["gru"]:
        activation = torch.tanh if name == "candidate" else torch.sigmoid
        torch.testing.assert_close(activation(step["pre_" + name]), step[name])


def test_layer_weights_without_bias_are_zero_biases():
    module = nn.GRU(INPUT, HIDDEN, bias=False)
    weights = layer_weights(module, 0, 0)
    assert torch.equal(weights.b_ih, torch.zeros(3 * HIDDEN))
    assert torch.equal(weights.b_hh, torch.zeros(3 * HIDDEN))
    assert weights.w_ih.shape == (3 * HIDDEN, INPUT)
    assert weights.w_hh.shape == (3 * HIDDEN, HIDDEN)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_layer_weights_pick_the_right_layer_and_direction(kind):
    """Each (layer, direction) of a 2-layer bidirectional module, used in the step
    function, reproduces that module's output at the first step it reads."""
    torch.manual_seed(6)
    module = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind](
        INPUT, HIDDEN, num_layers=2, bidirectional=True
    )
    x = torch.randn(1, BATCH, INPUT)  # one time step: both directions start there
    h0 = torch.randn(4, BATCH, HIDDEN)
    c0 = torch.randn(4, BATCH, HIDDEN)
    with torch.no_grad():
        _, final = module(x, (h0, c0) if kind == "lstm" else h0)
        h_n = final[0] if kind == "lstm" else final
        layer_input = x[0]
        for layer in range(2):
            outputs = []
            for direction in range(2):
                row = layer * 2 + direction
                w = layer_weights(module, layer, direction)
                if kind == "rnn":
                    h = step_rnn(layer_input, h0[row], w)["h"]
                elif kind == "gru":
                    h = step_gru(layer_input, h0[row], w)["h"]
                else:
                    h = step_lstm(layer_input, h0[row], c0[row], w)["h"]
                torch.testing.assert_close(h, h_n[row], atol=ATOL, rtol=0)
                outputs.append(h)
            layer_input = torch.cat(outputs, dim=-1)


def test_step_functions_broadcast_over_sequences():
    torch.manual_seed(7)
    module = nn.LSTM(INPUT, HIDDEN)
    cell = _copy_into_cell(module, nn.LSTMCell(INPUT, HIDDEN))
    x = torch.randn(2, 6, INPUT)
    h = torch.randn(2, 6, HIDDEN)
    c = torch.randn(2, 6, HIDDEN)
    with torch.no_grad():
        step = step_lstm(x, h, c, layer_weights(module, 0, 0))
        expected_h, expected_c = cell(
            x.reshape(-1, INPUT), (h.reshape(-1, HIDDEN), c.reshape(-1, HIDDEN))
        )
    torch.testing.assert_close(step["h"].reshape(-1, HIDDEN), expected_h, atol=ATOL, rtol=0)
    torch.testing.assert_close(step["c"].reshape(-1, HIDDEN), expected_c, atol=ATOL, rtol=0)


# --- build_model: the same weights as plain PyTorch code ------------------------------


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("init_state", ["zeros", "random"])
@pytest.mark.parametrize("batch_first", [True, False])
def test_build_model_equals_plain_torch(cell, init_state, batch_first):
    config = ExplorerConfig(
        sequences=("hello", "hole"),
        cell=cell,
        nonlinearity="relu",
        hidden_size=3,
        num_layers=2,
        bidirectional=True,
        bias=False,
        batch_first=batch_first,
        seed=1234,
        init_state=init_state,
    )
    encoded = encode(config)
    built = build_model(config, encoded)
    batch = 2 if batch_first else 5
    assert read_shape(config, encoded) == ((2, 5) if batch_first else (5, 2))

    torch.manual_seed(1234)
    kwargs = {"nonlinearity": "relu"} if cell == "rnn" else {}
    module = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell](
        4, 3, num_layers=2, bias=False, batch_first=batch_first, bidirectional=True, **kwargs
    )
    shape = (4, batch, 3)
    h0 = torch.randn(shape) if init_state == "random" else torch.zeros(shape)
    c0 = None
    if cell == "lstm":
        c0 = torch.randn(shape) if init_state == "random" else torch.zeros(shape)

    assert type(built.rnn) is type(module)
    assert built.embedding is None
    assert not built.rnn.training
    reference = module.state_dict()
    assert built.rnn.state_dict().keys() == reference.keys()
    for name, value in built.rnn.state_dict().items():
        assert torch.equal(value, reference[name]), name
    assert torch.equal(built.h0, h0)
    if cell == "lstm":
        assert torch.equal(built.c0, c0)
    else:
        assert built.c0 is None


def test_make_input_is_one_hot_with_zero_padding():
    config = ExplorerConfig(sequences=("hello", "oh"))
    encoded = encode(config)
    x = make_input(encoded, build_model(config, encoded))
    assert x.shape == (2, 5, 4) and x.dtype == torch.float32
    expected = nn.functional.one_hot(torch.from_numpy(encoded.indices), 4).float()
    expected[1, 2:] = 0
    assert torch.equal(x, expected)


# --- seeding is safe across threads ------------------------------------------------


def _weights(built):
    state = [value.clone() for value in built.rnn.state_dict().values()]
    state.append(built.h0.clone())
    state.append(built.c0.clone())
    return state


def test_seeding_is_thread_safe():
    """Streamlit serves sessions from threads; torch.manual_seed is process-wide. Two
    threads building different seeds at once must still get the sequential weights."""
    configs = [
        ExplorerConfig(
            sequences=("hello world",),
            cell="lstm",
            hidden_size=48,
            num_layers=2,
            bidirectional=True,
            init_state="random",
            seed=seed,
        )
        for seed in (11, 22)
    ]
    encoded = encode(configs[0])
    expected = [_weights(build_model(config, encoded)) for config in configs]
    assert not torch.equal(expected[0][0], expected[1][0])
    mismatches: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker(which: int) -> None:
        try:
            start.wait()
            for round_ in range(50):
                got = _weights(build_model(configs[which], encoded))
                if not all(torch.equal(a, b) for a, b in zip(got, expected[which], strict=True)):
                    mismatches.append((which, round_))
        except Exception as error:  # reported below
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors, errors
    assert not mismatches, f"weights differed from a sequential build: {mismatches[:5]}"


# --- the table of cell facts, and a module carrying given weights ----------------------


@pytest.mark.parametrize("cell", CELLS)
def test_the_facts_match_what_torch_builds(cell):
    facts = CELL_FACTS[cell]
    module = facts.module(INPUT, HIDDEN)
    assert tuple(CELL_FACTS) == CELLS and facts.name == cell
    assert facts.label == type(module).__name__ == cell.upper()
    assert module.weight_ih_l0.shape == (facts.blocks * HIDDEN, INPUT)
    assert len(facts.letters) == len(facts.activations) == len(facts.preactivations)
    assert facts.gates == GATE_NAMES[cell]
    assert facts.has_cell_state == isinstance(module, nn.LSTM)
    assert facts.has_nonlinearity == hasattr(module, "nonlinearity")


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("layers", [1, 3])
def test_make_module_carries_the_weights_and_leaves_the_generator_alone(cell, layers):
    config = ExplorerConfig(
        cell=cell, nonlinearity="relu", hidden_size=3, num_layers=layers, bidirectional=True,
        bias=False, batch_first=False,
    )  # fmt: skip
    source = build_model(config, encode(config)).rnn
    weights = {name: value.detach().numpy().copy() for name, value in source.named_parameters()}
    before = torch.random.get_rng_state()
    rebuilt = make_module(config, weights)
    assert torch.equal(torch.random.get_rng_state(), before)
    assert type(rebuilt) is type(source) and rebuilt.batch_first and not rebuilt.training
    assert rebuilt.num_layers == layers and getattr(rebuilt, "nonlinearity", "relu") == "relu"
    for name, value in rebuilt.state_dict().items():
        assert torch.equal(value, source.state_dict()[name]), name


def test_layer_parameters_are_one_layer_under_layer_0_names():
    config = ExplorerConfig(cell="gru", hidden_size=3, num_layers=3, bidirectional=True)
    rnn = build_model(config, encode(config)).rnn
    single = make_module(config, layer_parameters(rnn, 1))
    assert single.num_layers == 1 and single.input_size == 2 * 3
    for name, value in single.named_parameters():
        assert torch.equal(value, getattr(rnn, name.replace("_l0", "_l1"))), name
