"""Usage patterns against plain torch.nn modules: every tensor expression the page names is
evaluated on a module's real `output` / `h_n` / `c_n` and must give the values shown."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.config import NONLINEARITIES, ExplorerConfig
from model.lessons.patterns import (
    DECODER_STEPS,
    MAX_GENERATED,
    PATTERN_NAMES,
    can_generate,
    output_at,
    usage_pattern,
)
from model.presets import PRESETS
from model.trace import trace
from tests.support.reference import one_hot_batch, run_module, seeded_module
from tests.support.strategies import DEFAULT, ONE_PER_CELL, small_configs

pytestmark = pytest.mark.usefixtures("single_thread_torch")

TOL = 1e-6


# --- an independent reference (tests/support/reference.py): the code a student would write


def student_run(config: ExplorerConfig, x: torch.Tensor, whole: bool = True) -> dict:
    """The module's output, h_n, c_n on x (B, T, I) in the config's layout. `whole`: x is
    every line as typed, packed when batch_first and the lines differ in length, exactly as
    the printed code runs it."""
    rnn = seeded_module(config, x.shape[-1]).eval()
    lengths = [len(line) for line in config.sequences]
    packed = whole and config.batch_first and len(set(lengths)) > 1
    output, final = run_module(rnn, x, lengths, packed)
    h_n, c_n = final if isinstance(final, tuple) else (final, None)
    read_lengths = lengths if config.batch_first else [x.shape[0]] * x.shape[1]
    return {"output": output, "h_n": h_n, "c_n": c_n, "torch": torch,
            "lengths": torch.tensor(read_lengths)}  # fmt: skip


def evaluate(expression: str, names: dict) -> np.ndarray:
    return np.asarray(eval(expression, {"__builtins__": {"len": len}}, names))  # noqa: S307


configs = small_configs(
    max_seed=1000,
    kinds=ONE_PER_CELL,
    nonlinearity=st.sampled_from(NONLINEARITIES),
    init_state=DEFAULT,
)
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


# --- the values are PyTorch's -------------------------------------------------------------


@SETTINGS
@given(config=configs, data=st.data())
def test_every_expression_evaluates_to_the_values_shown(config, data):
    """many-to-one, many-to-many, encoder-decoder: fed the whole x."""
    result = trace(config)
    names = student_run(config, one_hot_batch(config.sequences))
    seq = data.draw(st.integers(0, result.output.shape[0] - 1))
    for name in ("many_to_one", "many_to_many", "encoder_decoder"):
        pattern = usage_pattern(result, seq, name)
        assert pattern.feed == "x"
        for tensor in pattern.tensors:
            whole = evaluate(tensor.expression, names)
            assert whole.shape == tensor.batch_shape, (name, tensor.expression)
            single = evaluate(tensor.for_sequence, names)
            np.testing.assert_allclose(tensor.values, single, atol=TOL, err_msg=tensor.for_sequence)


@SETTINGS
@given(config=configs, data=st.data())
def test_one_to_one_is_the_module_fed_one_step(config, data):
    result = trace(config)
    x = one_hot_batch(config.sequences)
    names = student_run(config, x[:, :1] if config.batch_first else x[:1], whole=False)
    seq = data.draw(st.integers(0, result.output.shape[0] - 1))
    pattern = usage_pattern(result, seq, "one_to_one")
    (tensor,) = pattern.tensors
    assert pattern.feed == ("x[:, :1]" if config.batch_first else "x[:1]")
    assert evaluate(tensor.expression, names).shape == tensor.batch_shape
    np.testing.assert_allclose(tensor.values, evaluate(tensor.for_sequence, names), atol=TOL)
    if not config.bidirectional:  # one direction: step 0 has seen only x_0 anyway
        np.testing.assert_allclose(tensor.values, result.output[seq, 0], atol=TOL)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers", [1, 2])
def test_one_to_many_feeds_each_prediction_back(cell, layers):
    """hidden size = vocabulary size: the outputs are logits, as in the hihello lecture."""
    config = PRESETS["hihello"].with_changes(cell=cell, num_layers=layers, seed=3)
    result = trace(config)
    assert can_generate(result)
    pattern = usage_pattern(result, 0, "one_to_many")
    vocab = list(dict.fromkeys("hihello"))
    rnn = seeded_module(config, len(vocab)).eval()
    state, outputs, predicted = None, [], []
    step_input = torch.eye(len(vocab))[vocab.index("h")][None, None]  # (1, 1, V)
    with torch.no_grad():
        for _ in range(len("hihello")):
            output, state = rnn(step_input, state)
            index = int(output[0, -1].argmax())
            outputs.append(output[0, -1].numpy())
            predicted.append(vocab[index])
            step_input = torch.eye(len(vocab))[index][None, None]
    np.testing.assert_allclose(pattern.tensors[0].values, np.stack(outputs), atol=TOL)
    assert pattern.predictions == tuple(predicted)
    assert pattern.inputs == (0,) and pattern.fed_back == tuple(range(1, 7))
    assert pattern.outputs == tuple(range(7)) and pattern.tokens == ("h",)


def test_one_to_many_without_logits_shows_the_first_step_only():
    config = PRESETS["lecture"]  # hidden 2, vocabulary 4: an output layer would be needed
    result = trace(config)
    assert not can_generate(result)
    pattern = usage_pattern(result, 1, "one_to_many")
    one = usage_pattern(result, 1, "one_to_one")
    assert pattern.predictions == ()
    np.testing.assert_array_equal(pattern.tensors[0].values, one.tensors[0].values[None])
    assert pattern.positions == 3 and pattern.fed_back == (1, 2)


def test_generation_is_capped():
    config = PRESETS["hihello"].with_changes(sequences=("hi" * 40,), hidden_size=2)
    pattern = usage_pattern(trace(config), 0, "one_to_many")
    assert pattern.positions == MAX_GENERATED == len(pattern.predictions)
    assert pattern.tensors[0].values.shape == (MAX_GENERATED, 2)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_a_random_initial_state_is_the_sequences_own(cell):
    config = ExplorerConfig(
        sequences=("hello", "world"), cell=cell, hidden_size=3, num_layers=2, init_state="random"
    )
    result = trace(config)
    for seq in range(2):
        (tensor,) = usage_pattern(result, seq, "one_to_one").tensors
        np.testing.assert_allclose(tensor.values, result.output[seq, 0], atol=TOL)


@pytest.mark.parametrize("encoding", ["embedding", "numbers"])
def test_other_inputs_are_fed_as_the_trace_fed_them(encoding):
    if encoding == "numbers":
        config = ExplorerConfig(sequences=("0.1, 0.5, 0.9",), tokens="numbers", cell="gru")
    else:
        config = PRESETS["sentence"]
    result = trace(config)
    (tensor,) = usage_pattern(result, 0, "one_to_one").tensors
    np.testing.assert_allclose(tensor.values, result.output[0, 0], atol=TOL)
    assert not can_generate(result)


# --- which positions, which tensors --------------------------------------------------------


def test_positions_of_each_pattern_on_the_lecture_scene():
    result = trace(PRESETS["lecture"])  # batch_first off: 5 sequences of 3 steps
    tokens = result.tokens[2]
    found = {name: usage_pattern(result, 2, name) for name in PATTERN_NAMES}
    assert (found["one_to_one"].positions, found["one_to_one"].outputs) == (1, (0,))
    assert found["many_to_one"].inputs == (0, 1, 2) and found["many_to_one"].outputs == (2,)
    assert found["many_to_many"].outputs == (0, 1, 2)
    assert found["encoder_decoder"].outputs == () and found["encoder_decoder"].decoder_steps
    assert found["encoder_decoder"].decoder_steps == DECODER_STEPS
    assert found["many_to_one"].tokens == tokens
    # batch_first off: time is the first index
    assert [t.expression for t in found["many_to_one"].tensors] == ["output[-1]", "h_n[-1]"]
    assert [t.for_sequence for t in found["many_to_one"].tensors] == ["output[-1, 2]", "h_n[-1, 2]"]
    assert found["one_to_one"].feed == "x[:1]"
    assert found["many_to_many"].tensors[0].for_sequence == "output[:, 2]"


def test_bidirectional_many_to_one_names_both_ends():
    config = ExplorerConfig(sequences=("hello",), cell="lstm", bidirectional=True, hidden_size=3)
    result = trace(config)
    output_last, ends = usage_pattern(result, 0, "many_to_one").tensors
    assert output_last.expression == "output[:, -1]"
    assert ends.expression == "torch.cat((h_n[-2], h_n[-1]), dim=1)"
    # output[:, -1]: the forward direction's end, but the reverse direction after one step
    np.testing.assert_allclose(output_last.values[:3], result.h_n[-2, 0], atol=TOL)
    np.testing.assert_allclose(output_last.values[3:], result.hidden[0, 1, 0, -1], atol=TOL)
    assert not np.allclose(output_last.values[3:], result.h_n[-1, 0])
    np.testing.assert_allclose(ends.values[3:], result.h_n[-1, 0], atol=TOL)


def test_a_packed_shorter_sequence_is_read_at_its_own_end():
    config = ExplorerConfig(sequences=("hello", "hi"), hidden_size=2)
    result = trace(config)
    pattern = usage_pattern(result, 1, "many_to_one")
    assert pattern.padded_end and not usage_pattern(result, 0, "many_to_one").padded_end
    assert pattern.tensors[0].for_sequence == "output[1, 1]"
    assert np.all(result.output[1, -1] == 0)  # what output[:, -1] would have given
    assert usage_pattern(result, 1, "many_to_many").tensors[0].for_sequence == "output[1, :2]"


def test_output_at_in_both_layouts():
    assert output_at(True, ":", "-1") == "output[:, -1]"
    assert output_at(False, ":", "-1") == "output[-1]"
    assert output_at(True, "2", ":") == "output[2]"
    assert output_at(False, "2", ":") == "output[:, 2]"
    assert output_at(True, ":", ":") == output_at(False, ":", ":") == "output"


def test_unknown_pattern_is_refused():
    with pytest.raises(ValueError, match="unknown usage pattern"):
        usage_pattern(trace(PRESETS["hello"]), 0, "two_to_three")


def test_rebuilding_the_module_leaves_the_global_generator_alone():
    result = trace(PRESETS["hello"])
    torch.manual_seed(11)
    expected = torch.rand(3)
    torch.manual_seed(11)
    usage_pattern(result, 0, "one_to_one")
    assert torch.equal(torch.rand(3), expected)
