"""The trace against plain torch.nn modules built the way a notebook would build them."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from torch import nn

from model.cells import GATE_NAMES, build_model
from model.config import ExplorerConfig
from model.encoding import PAD_TOKEN, encode
from model.equations import layer_weights, step_gru, step_lstm, step_rnn
from model.errors import ConfigError
from model.trace import Trace, trace
from tests.support.reference import Reference, lower_layer_outputs, one_hot_batch, trace_reference
from tests.support.strategies import CELL_KINDS, small_configs

pytestmark = pytest.mark.usefixtures("single_thread_torch")

TOL = 1e-5


# --- against an independent reference: the code a student would write (tests/support) ---


def check_against_reference(result: Trace, config: ExplorerConfig, texts: tuple[str, ...]):
    lengths_typed = [len(t) for t in texts]
    x_typed = one_hot_batch(texts)
    ref = trace_reference(config, lengths_typed, lambda: x_typed)
    check_trace(result, config, ref)


def check_trace(result: Trace, config: ExplorerConfig, ref: Reference) -> None:
    L, D, H = config.num_layers, config.num_directions, config.hidden_size
    N, T = ref.x_read.shape[:2]

    assert np.isfinite(result.max_error) and result.max_error < TOL, result.max_error
    assert result.packed == ref.packed
    np.testing.assert_array_equal(result.lengths, ref.lengths)
    np.testing.assert_array_equal(result.inputs, ref.x_read.numpy())
    np.testing.assert_array_equal(result.initial_hidden, ref.h0.numpy())
    if ref.c0 is not None:
        np.testing.assert_array_equal(result.initial_cell, ref.c0.numpy())

    assert result.output.shape == (N, T, D * H)
    np.testing.assert_allclose(result.output, ref.output, atol=TOL, rtol=0)
    np.testing.assert_allclose(result.h_n, ref.h_n, atol=TOL, rtol=0)
    if config.cell == "lstm":
        np.testing.assert_allclose(result.c_n, ref.c_n, atol=TOL, rtol=0)
    else:
        assert result.c_n is None and result.cell is None

    valid = np.arange(T)[None, :] < ref.lengths[:, None]  # (N, T)
    np.testing.assert_array_equal(result.valid, valid)
    assert result.hidden.shape == (L, D, N, T, H)

    # Every layer's h_t: the top from the module's output, the others from a module
    # holding only the layers below.
    layer_outputs = [*lower_layer_outputs(config, ref), ref.output]
    for layer in range(L):
        shown = np.concatenate([result.hidden[layer, d] for d in range(D)], axis=-1)
        np.testing.assert_allclose(shown[valid], layer_outputs[layer][valid], atol=TOL, rtol=0)

    # The last state each direction computed is h_n (and c_n).
    rows = np.arange(N)
    for layer, d in itertools.product(range(L), range(D)):
        t = ref.lengths - 1 if d == 0 else np.zeros(N, dtype=int)
        np.testing.assert_allclose(
            result.hidden[layer, d, rows, t], ref.h_n[layer * D + d], atol=TOL, rtol=0
        )
        if config.cell == "lstm":
            np.testing.assert_allclose(
                result.cell[layer, d, rows, t], ref.c_n[layer * D + d], atol=TOL, rtol=0
            )

    # NaN exactly where a packed sequence computed nothing; finite everywhere else.
    arrays = {"hidden": result.hidden, **result.gates, **result.preactivations}
    if result.cell is not None:
        arrays["cell"] = result.cell
    assert set(result.gates) == set(GATE_NAMES[config.cell])
    for name, values in arrays.items():
        assert values.shape == (L, D, N, T, H), name
        assert np.isfinite(values[:, :, valid]).all(), name
        assert np.isnan(values[:, :, ~valid]).all(), name
    if not ref.packed:
        assert valid.all()
    np.testing.assert_array_equal(result.output[~valid], 0.0)


# --- 1. the lecture ------------------------------------------------------------------


def test_lecture_hello_batch_is_reproduced_exactly():
    torch.manual_seed(0)
    h = [1, 0, 0, 0]
    e = [0, 1, 0, 0]
    l = [0, 0, 1, 0]
    o = [0, 0, 0, 1]
    input_data = torch.Tensor([[h, e, l, l, o], [e, o, l, l, l], [l, l, e, e, l]])
    rnn = torch.nn.RNN(4, 2)
    outputs, _status = rnn(input_data)
    assert outputs.shape == (3, 5, 2)

    typed = ("hello", "eolll", "lleel")
    result = trace(ExplorerConfig(sequences=typed, hidden_size=2, batch_first=False, seed=0))
    expected = outputs.detach().transpose(0, 1).numpy()  # (5, 3, 2) read layout

    assert result.output.shape == (5, 3, 2)
    np.testing.assert_array_equal(result.output, expected)  # bit for bit, as on the slide
    np.testing.assert_array_equal(result.hidden[0, 0], expected)
    np.testing.assert_allclose(result.h_n, _status.detach().numpy(), atol=1e-7, rtol=0)
    # PyTorch read five sequences of three steps: column t of the typed lines.
    assert result.tokens == tuple(tuple(line[t] for line in typed) for t in range(5))
    assert result.tokens[0] == ("h", "e", "l")
    np.testing.assert_array_equal(result.inputs, input_data.transpose(0, 1).numpy())
    assert result.lengths.tolist() == [3] * 5
    assert not result.packed
    assert result.max_error < TOL
    assert result.encoded.vocab == ("h", "e", "l", "o")


# --- 2. every cell, layer count, direction, ... against plain torch.nn ---------------

EQUAL = ("hello", "olleh", "lohel")
UNEQUAL = ("hello", "he", "hol")
GRID = list(
    itertools.product(
        CELL_KINDS, [1, 2, 3], [False, True], [True, False], [True, False],
        ["zeros", "random"], [EQUAL, UNEQUAL],
    )
)  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "layers", "bidirectional", "bias", "batch_first", "init_state", "texts"),
    GRID,
    ids=[
        f"{c}-{n}-L{layers}-{'bi' if bi else 'uni'}-{'b' if b else 'nob'}-"
        f"{'bf' if bf else 'sf'}-{init}-{'eq' if texts is EQUAL else 'uneq'}"
        for (c, n), layers, bi, b, bf, init, texts in GRID
    ],
)
def test_every_configuration_matches_torch(
    kind, layers, bidirectional, bias, batch_first, init_state, texts
):
    cell, nonlinearity = kind
    config = ExplorerConfig(
        sequences=texts,
        cell=cell,
        nonlinearity=nonlinearity,
        hidden_size=3,
        num_layers=layers,
        bidirectional=bidirectional,
        bias=bias,
        batch_first=batch_first,
        init_state=init_state,
        seed=GRID.index((kind, layers, bidirectional, bias, batch_first, init_state, texts)),
    )
    check_against_reference(trace(config), config, texts)


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(config=small_configs(max_chars=6, max_lines=4, max_hidden=5, max_layers=3))
def test_random_configurations_match_torch(config):
    texts = config.sequences
    check_against_reference(trace(config), config, texts)


def test_packed_positions_are_nan_and_padding_tokens_are_marked():
    texts = ("hello", "he")
    packed = trace(ExplorerConfig(sequences=texts, cell="lstm", bidirectional=True))
    assert packed.packed
    assert packed.tokens == (tuple("hello"), ("h", "e", PAD_TOKEN, PAD_TOKEN, PAD_TOKEN))
    assert np.isnan(packed.hidden[:, :, 1, 2:]).all()
    assert np.isnan(packed.cell[:, :, 1, 2:]).all()
    assert not packed.padded_input.any()  # packing never feeds the padding
    check_against_reference(packed, packed.config, texts)

    seq_first = trace(packed.config.with_changes(batch_first=False))
    assert not seq_first.packed
    assert np.isfinite(seq_first.hidden).all()
    # Read as 5 sequences of 2 steps: steps 2..4 of line 2 are fed padding vectors.
    expected_pad = np.array([[False, False], [False, False]] + [[False, True]] * 3)
    np.testing.assert_array_equal(seq_first.padded_input, expected_pad)
    np.testing.assert_array_equal(seq_first.inputs[expected_pad], 0.0)
    check_against_reference(seq_first, seq_first.config, texts)


# --- 3. the trace's gates are the step equations at every position -------------------


@pytest.mark.parametrize("kind", CELL_KINDS)
@pytest.mark.parametrize("batch_first", [True, False])
def test_gates_at_each_position_follow_the_step_equations(kind, batch_first):
    config = ExplorerConfig(
        sequences=("hello", "hi", "ohm"),
        cell=kind[0],
        nonlinearity=kind[1],
        hidden_size=3,
        num_layers=2,
        bidirectional=True,
        batch_first=batch_first,
        init_state="random",
        seed=42,
    )
    result = trace(config)
    module = build_model(config, encode(config)).rnn
    L, D, N, T, _ = result.hidden.shape
    as_tensor = torch.from_numpy
    checked = 0
    for layer, d, n in itertools.product(range(L), range(D), range(N)):
        length = int(result.lengths[n])
        w = layer_weights(module, layer, d)
        for t in range(length):
            if layer == 0:
                x = as_tensor(result.inputs[n, t])
            else:
                x = as_tensor(np.concatenate([result.hidden[layer - 1, k, n, t] for k in range(D)]))
            previous = t - 1 if d == 0 else t + 1  # the step this direction read before
            first = previous < 0 or previous >= length
            row = layer * D + d
            h_prev = as_tensor(
                result.initial_hidden[row, n] if first else result.hidden[layer, d, n, previous]
            )
            with torch.no_grad():
                if kind[0] == "rnn":
                    step = step_rnn(x, h_prev, w, kind[1])
                    expected_pre = {"hidden": step["pre"]}
                elif kind[0] == "gru":
                    step = step_gru(x, h_prev, w)
                    expected_pre = {g: step["pre_" + g] for g in GATE_NAMES["gru"]}
                else:
                    c_prev = as_tensor(
                        result.initial_cell[row, n] if first else result.cell[layer, d, n, previous]
                    )
                    step = step_lstm(x, h_prev, c_prev, w)
                    expected_pre = {g: step["pre_" + g] for g in GATE_NAMES["lstm"]}
                    np.testing.assert_allclose(
                        result.cell[layer, d, n, t], step["c"], atol=TOL, rtol=0
                    )
            np.testing.assert_allclose(result.hidden[layer, d, n, t], step["h"], atol=TOL, rtol=0)
            for name in GATE_NAMES[kind[0]]:
                np.testing.assert_allclose(
                    result.gates[name][layer, d, n, t], step[name], atol=TOL, rtol=0
                )
            for name, value in expected_pre.items():
                np.testing.assert_allclose(
                    result.preactivations[name][layer, d, n, t], value, atol=TOL, rtol=0
                )
            checked += 1
    assert checked == L * D * int(result.lengths.sum())


# --- 7. embeddings: drawn right after the seed, before the module ------------------


@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_embedding_inputs_follow_the_documented_order(batch_first, cell):
    texts = ("hello", "hi", "oh")
    config = ExplorerConfig(
        sequences=texts,
        encoding="embedding",
        input_size=3,
        cell=cell,
        hidden_size=2,
        bidirectional=True,
        batch_first=batch_first,
        init_state="random",
        seed=7,
    )
    vocab = list(dict.fromkeys("".join(texts)))
    indices = torch.zeros(3, 5, dtype=torch.long)
    mask = torch.zeros(3, 5, 1)
    for row, text in enumerate(texts):
        indices[row, : len(text)] = torch.tensor([vocab.index(c) for c in text])
        mask[row, : len(text)] = 1.0

    def embedded() -> torch.Tensor:
        embedding = nn.Embedding(len(vocab), 3)  # right after torch.manual_seed(seed)
        with torch.no_grad():
            return embedding(indices) * mask

    lengths = [len(t) for t in texts]
    ref = trace_reference(config, lengths, embedded)
    result = trace(config)
    assert result.inputs.shape == ((3, 5, 3) if batch_first else (5, 3, 3))
    np.testing.assert_array_equal(result.inputs, ref.x_read.numpy())
    typed_inputs = result.inputs if batch_first else result.inputs.transpose(1, 0, 2)
    np.testing.assert_array_equal(typed_inputs[~mask[..., 0].bool().numpy()], 0.0)
    assert np.abs(typed_inputs[mask[..., 0].bool().numpy()]).min() > 0
    check_trace(result, config, ref)


# --- numbers, large values and long lines ---------------------------------------------


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_numbers_trace_matches_torch(kind):
    lines = ("0.1 -1; 0.5 2; 0.9 0", "3 4;")
    config = ExplorerConfig(
        sequences=lines, tokens="numbers", cell=kind[0], nonlinearity=kind[1],
        hidden_size=3, num_layers=2, bidirectional=True, seed=3,
    )  # fmt: skip
    values = torch.tensor(
        [[[0.1, -1.0], [0.5, 2.0], [0.9, 0.0]], [[3.0, 4.0], [0.0, 0.0], [0.0, 0.0]]]
    )
    ref = trace_reference(config, [3, 1], lambda: values)
    check_trace(trace(config), config, ref)


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_large_numbers_stay_within_tolerance(kind):
    """Inputs up to MAX_ABS_NUMBER make ReLU states of order 1e6, where float32 steps are
    0.06 apart; the trace must still agree with the module to float32 precision."""
    line = " ".join(["1000000", "-999999", "500000", "0.5", "1e6"] * 4)
    config = ExplorerConfig(
        sequences=(line,), tokens="numbers", cell=kind[0], nonlinearity=kind[1],
        hidden_size=8, num_layers=3, bidirectional=True, seed=1,
    )  # fmt: skip
    result = trace(config)
    assert np.isfinite(result.max_error) and result.max_error < TOL
    values = torch.from_numpy(result.encoded.values.copy())
    ref = trace_reference(config, [20], lambda: values)
    np.testing.assert_allclose(result.output, ref.output, rtol=TOL, atol=TOL)


def test_long_lstm_line_stays_within_tolerance():
    config = ExplorerConfig(
        sequences=(("abcdefghij" * 100),),
        cell="lstm",
        hidden_size=16,
        bidirectional=True,
        init_state="random",
        seed=5,
    )
    result = trace(config)
    assert result.max_error < TOL
    check_against_reference(result, config, config.sequences)


def test_relu_state_overflowing_float32_is_a_config_error():
    # With this seed the 2-unit ReLU RNN's recurrent matrix grows the state every step:
    # plain PyTorch reaches inf within 1000 steps.
    config = ExplorerConfig(sequences=("a" * 1000,), nonlinearity="relu", hidden_size=2, seed=845)
    ref = trace_reference(config, [1000], lambda: one_hot_batch(config.sequences))
    assert not np.isfinite(ref.output).all()
    with pytest.raises(ConfigError, match="float32"):
        trace(config)
