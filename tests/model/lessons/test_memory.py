"""Memory over time: the influence matrices against finite differences of the torch.nn
module (float64) and against the product of per-step Jacobians of torch.nn.RNNCell /
LSTMCell / GRUCell; the printed PyTorch code against the lesson's numbers; the budget,
the scale and the eigenvalues of W_hh."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from torch import nn

from model.codegen import python_code
from model.config import CELLS, ExplorerConfig
from model.errors import ConfigError
from model.lessons.memory import (
    MAX_INFLUENCE_STEPS,
    MAX_INFLUENCE_WORK,
    MAX_SCALE,
    MIN_SCALE,
    cell_sources,
    check_scale,
    influence_steps,
    influence_work,
    memory_code,
    memory_run,
    recurrent_eigenvalues,
    spectral_radius,
)
from model.lessons.memory_influence import Influence
from model.presets import PRESETS
from model.trace import Trace, trace
from tests.support.reference import CELLS as TORCH_CELLS
from tests.support.reference import rnn_by_name
from tests.support.strategies import small_configs

pytestmark = pytest.mark.usefixtures("single_thread_torch")

EPS = 1e-6  # central differences in float64: error ~ EPS^2, rounding ~ 1e-16 / EPS
FD_TOLERANCE = {"rtol": 1e-5, "atol": 1e-8}
SCALES = st.sampled_from([MIN_SCALE, 0.6, 1.0, 2.5, MAX_SCALE])


@st.composite
def scenes(draw):
    """(config, seq, layer, direction, scale): a small scene and a choice above the tabs."""
    config = draw(small_configs(max_chars=6, max_lines=2, max_hidden=4, max_layers=3))
    batch = len(config.sequences) if config.batch_first else max(map(len, config.sequences))
    seq = draw(st.integers(0, batch - 1))
    layer = draw(st.integers(0, config.num_layers - 1))
    direction = draw(st.integers(0, config.num_directions - 1))
    return config, seq, layer, direction, draw(SCALES)


# --- plain-torch references (nothing of model/ but the Trace's numbers) --------------------


def _weights(scene: Trace, layers: int, direction: int | None, scale: float) -> dict:
    """Float64 parameters of layers 0..layers-1 (one direction, renamed as a forward one,
    when `direction` is given), W_hh times `scale`."""
    kept = {}
    for name, value in scene.weights.items():
        layer = int(name.split("_l")[1].split("_")[0])
        reverse = name.endswith("_reverse")
        if layer >= layers or (direction is not None and reverse != (direction == 1)):
            continue
        tensor = torch.tensor(value, dtype=torch.float64)
        kept[name.removesuffix("_reverse") if direction is not None else name] = (
            tensor * scale if name.startswith("weight_hh") else tensor
        )
    return kept


def full_module(scene: Trace, layers: int, scale: float) -> nn.RNNBase:
    """torch.nn's module of the scene's cell with layers 0..layers-1, both directions when
    bidirectional, batch-first, float64, W_hh scaled."""
    config = scene.config
    module = rnn_by_name(config.cell, scene.inputs.shape[-1], config.hidden_size,
                         config.nonlinearity, num_layers=layers, bias=config.bias,
                         batch_first=True, bidirectional=config.bidirectional).double()  # fmt: skip
    module.load_state_dict(_weights(scene, layers, None, scale))  # float64, as they are
    return module


def initial(scene: Trace, seq: int, layers: int, direction: int | None):
    """(h0, c0) rows of layers 0..layers-1 for sequence `seq`: (rows, 1, H) float64; every
    direction, or one."""
    directions = scene.config.num_directions
    rows = [j * directions + d for j in range(layers) for d in range(directions)
            if direction is None or d == direction]  # fmt: skip

    def pick(values):
        if values is None:
            return None
        return torch.tensor(values[rows, seq][:, None], dtype=torch.float64)

    return pick(scene.initial_hidden), pick(scene.initial_cell)


def state_arg(h0, c0):
    return h0 if c0 is None else (h0, c0)


def fd_on_input(scene: Trace, seq: int, run: Influence, layer: int, direction: int, scale):
    """||dh_t/dx_s|| by central differences of the torch.nn module, in time order."""
    module = full_module(scene, layer + 1, scale)
    state = state_arg(*initial(scene, seq, layer + 1, None))
    hidden = scene.config.hidden_size
    x = torch.tensor(scene.inputs[seq, run.positions], dtype=torch.float64)  # (N, I)

    def states(x):
        with torch.no_grad():
            output, _ = module(x[None], state)
        return output[0, :, direction * hidden : (direction + 1) * hidden]  # (N, H)

    steps, width = x.shape
    jacobian = torch.zeros(steps, hidden, steps, width, dtype=torch.float64)
    for s in range(steps):
        for i in range(width):
            bump = torch.zeros_like(x)
            bump[s, i] = EPS
            jacobian[:, :, s, i] = (states(x + bump) - states(x - bump)) / (2 * EPS)
    return torch.linalg.norm(jacobian, dim=(1, 3)).numpy()  # (t, s)


def reader(scene: Trace, seq: int, layer: int, direction: int, scale: float):
    """The chosen direction as a forward module on the input in its reading order (the
    reverse direction of PyTorch's module is exactly that), with its initial state."""
    config = scene.config
    module = rnn_by_name(config.cell, scene.inputs.shape[-1], config.hidden_size,
                         config.nonlinearity, num_layers=layer + 1, bias=config.bias,
                         batch_first=True).double()  # fmt: skip
    module.load_state_dict(_weights(scene, layer + 1, direction, scale))
    return module, initial(scene, seq, layer + 1, direction)


def fd_on_state(scene: Trace, seq: int, run: Influence, layer: int, direction: int, scale):
    """||dh_t/dh_s|| for s read before t, by central differences: run the module up to s,
    move the chosen layer's h_s, run it on from s + 1. In time order."""
    module, (h0, c0) = reader(scene, seq, layer, direction, scale)
    read = run.positions[::-1] if run.reverse else run.positions
    x = torch.tensor(scene.inputs[seq, read], dtype=torch.float64)[None]  # (1, N, I)
    steps, hidden = len(read), scene.config.hidden_size
    norms = np.full((steps, steps), np.nan)
    with torch.no_grad():
        for s in range(steps - 1):
            _, final = module(x[:, : s + 1], state_arg(h0, c0))
            h_s, c_s = final if isinstance(final, tuple) else (final, None)
            jacobian = torch.zeros(steps - s - 1, hidden, hidden, dtype=torch.float64)
            for j in range(hidden):
                outs = []
                for sign in (1, -1):
                    moved = h_s.clone()
                    moved[layer, 0, j] += sign * EPS
                    outs.append(module(x[:, s + 1 :], state_arg(moved, c_s))[0][0])
                jacobian[:, :, j] = (outs[0] - outs[1]) / (2 * EPS)
            norms[s + 1 :, s] = torch.linalg.norm(jacobian, dim=(1, 2)).numpy()
    return norms[::-1, ::-1] if run.reverse else norms


def product_of_step_jacobians(scene, seq, run: Influence, layer, direction, scale):
    """dh_t/dh_s = P J_t ... J_{s+1} P^T and dh_t/dx_s = P J_t ... J_{s+1} B_s, with J_k
    and B_k the Jacobians of one step of torch.nn.*Cell modules holding the weights (the
    stack's state: each layer's h, and c for an LSTM). In time order."""
    config = scene.config
    hidden, lstm = config.hidden_size, config.cell == "lstm"
    module, (h0, c0) = reader(scene, seq, layer, direction, scale)
    cells = []
    for j in range(layer + 1):
        extra = {"nonlinearity": config.nonlinearity} if config.cell == "rnn" else {}
        cell = TORCH_CELLS[config.cell](module.get_parameter(f"weight_ih_l{j}").shape[1],
                                        hidden, bias=config.bias, **extra).double()  # fmt: skip
        cell.load_state_dict({n: module.get_parameter(f"{n}_l{j}") for n, _ in
                              cell.named_parameters()})  # fmt: skip
        cells.append(cell)
    width = 2 * hidden if lstm else hidden

    def step(z, x):
        new, layer_input = [], x
        for j, cell in enumerate(cells):
            h = z[j * width : j * width + hidden][None]
            if lstm:
                c = z[j * width + hidden : (j + 1) * width][None]
                h, c = cell(layer_input[None], (h, c))
                new += [h[0], c[0]]
            else:
                h = cell(layer_input[None], h)
                new.append(h[0])
            layer_input = h[0]
        return torch.cat(new)

    read = run.positions[::-1] if run.reverse else run.positions
    x = torch.tensor(scene.inputs[seq, read], dtype=torch.float64)
    parts = [[h0[j, 0]] + ([c0[j, 0]] if lstm else []) for j in range(layer + 1)]
    z = torch.cat([p for part in parts for p in part])
    step_jacobians, input_jacobians = [], []
    for k in range(len(read)):
        j_z, j_x = torch.autograd.functional.jacobian(step, (z, x[k]))
        step_jacobians.append(j_z)
        input_jacobians.append(j_x)
        with torch.no_grad():
            z = step(z, x[k])
    rows = slice(layer * width, layer * width + hidden)
    steps = len(read)
    on_input, on_state = np.full((steps, steps), np.nan), np.full((steps, steps), np.nan)
    for t in range(steps):
        product = torch.eye(z.shape[0], dtype=torch.float64)  # dz_t/dz_s, s = t first
        for s in range(t, -1, -1):
            on_input[t, s] = torch.linalg.norm((product @ input_jacobians[s])[rows]).item()
            if s < t:
                on_state[t, s] = torch.linalg.norm(product[rows, rows]).item()
            product = product @ step_jacobians[s]
    if run.reverse:
        return on_input[::-1, ::-1], on_state[::-1, ::-1]
    return on_input, on_state


def own_run(config, seq, layer, direction, scale):
    scene = trace(config)
    memory = memory_run(scene, seq, layer, direction, scale)
    return scene, memory, memory.of(config.cell)


def at_a_relu_kink(config: ExplorerConfig, scene: Trace, seq: int) -> bool:
    """A ReLU RNN without bias fed a zero vector (padding) from a zero state: its
    pre-activation is exactly 0, where ReLU has no derivative (autograd takes 0, finite
    differences 1/2)."""
    zero_input = bool(np.all(scene.inputs[seq] == 0, axis=-1).any())
    return config.cell == "rnn" and config.nonlinearity == "relu" and not config.bias and zero_input


def structure(run: Influence) -> np.ndarray:
    """(N, N) True where h_t can depend on x_s: s read no later than t."""
    t, s = np.indices(run.on_input.shape)
    return s >= t if run.reverse else s <= t


# --- the two checks ------------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenes())
def test_influence_equals_finite_differences_of_the_torch_module(case):
    config, seq, layer, direction, scale = case
    scene, memory, run = own_run(config, seq, layer, direction, scale)
    assume(not at_a_relu_kink(config, scene, seq))
    layer = memory.layer  # the first layer above a bidirectional one
    assert layer == (0 if config.bidirectional else case[2])
    expected = fd_on_input(scene, seq, run, layer, direction, scale)
    inside = structure(run)
    np.testing.assert_allclose(run.on_input[inside], expected[inside], **FD_TOLERANCE)
    assert np.isnan(run.on_input[~inside]).all()
    assert np.abs(expected[~inside]).max(initial=0.0) < 1e-9  # no dependency there at all
    expected_state = fd_on_state(scene, seq, run, layer, direction, scale)
    np.testing.assert_allclose(run.on_state, expected_state, equal_nan=True, **FD_TOLERANCE)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenes())
def test_influence_is_the_product_of_the_cells_step_jacobians(case):
    config, seq, layer, direction, scale = case
    scene, memory, run = own_run(config, seq, layer, direction, scale)
    on_input, on_state = product_of_step_jacobians(scene, seq, run, memory.layer, direction, scale)
    np.testing.assert_allclose(run.on_input, on_input, rtol=1e-10, atol=1e-13, equal_nan=True)
    np.testing.assert_allclose(run.on_state, on_state, rtol=1e-10, atol=1e-13, equal_nan=True)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenes())
def test_at_scale_one_the_states_are_the_scenes_and_the_line_is_the_last_row(case):
    config, seq, layer, direction, _ = case
    scene, memory, run = own_run(config, seq, layer, direction, 1.0)
    shown = scene.hidden[memory.layer, direction, seq, run.positions]  # (N, H) float32
    np.testing.assert_allclose(run.hidden, shown, atol=2e-5)
    last = run.positions[-1] if not run.reverse else run.positions[0]
    assert run.positions[run.last] == last
    gaps = np.abs(last - run.positions)
    np.testing.assert_array_equal(run.by_gap[gaps], run.on_input[run.last])
    assert run.positions.tolist() == sorted(run.positions.tolist())
    assert memory.steps == len(run.positions) == memory.total_steps  # small: all of it


# --- the three cells -----------------------------------------------------------------------


def test_the_other_cells_are_the_seeded_scene_with_that_cell():
    config = ExplorerConfig(sequences=("hello", "help"), cell="gru", hidden_size=3,
                            init_state="random", num_layers=2)  # fmt: skip
    scene = trace(config)
    sources, errors = cell_sources(scene, 1)
    assert [s.cell for s in sources] == list(CELLS) and errors == []
    for source in sources:
        other = trace(replace(config, cell=source.cell))
        assert source.own == (source.cell == "gru")
        assert source.weights.keys() == other.weights.keys()
        for name, value in other.weights.items():
            np.testing.assert_array_equal(source.weights[name], value)
        np.testing.assert_array_equal(source.h0, other.initial_hidden[:, 1])
    memory = memory_run(scene, 1, 1, 0)
    for run in memory.influences:  # each cell's states are its own scene's
        other = trace(replace(config, cell=run.cell))
        np.testing.assert_allclose(run.hidden, other.hidden[1, 0, 1, : memory.steps], atol=2e-5)


def test_a_plain_rnn_forgets_and_a_larger_w_hh_remembers_longer():
    config = ExplorerConfig(sequences=("abcdabcdabcdabcdabcdabcdabcdabcd",), hidden_size=8)
    scene = trace(config)
    default = memory_run(scene, 0, 0, 0).of("rnn").by_gap
    assert default[30] < 1e-6 * default[0]  # PyTorch's initialisation: it dies out
    small = memory_run(scene, 0, 0, 0, MIN_SCALE).of("rnn").by_gap
    large = memory_run(scene, 0, 0, 0, 3.0).of("rnn").by_gap
    assert small[30] < default[30] < large[30]


# --- the printed code ----------------------------------------------------------------------

CODE_CASES = {
    "lecture": (PRESETS["lecture"], 1, 0, 0, 2.0),
    "lstm_random_reverse": (
        ExplorerConfig(sequences=("hello", "hi"), cell="lstm", hidden_size=3,
                       bidirectional=True, init_state="random"), 1, 0, 1, 0.5,
    ),
    "gru_two_layers_words": (
        ExplorerConfig(sequences=("the cat sat on the mat",), tokens="words",
                       encoding="embedding", input_size=5, cell="gru", hidden_size=4,
                       num_layers=2, bias=False), 0, 1, 0, 3.0,
    ),
    "rnn_relu_lower_layer": (
        ExplorerConfig(sequences=("abcab", "ba"), nonlinearity="relu", num_layers=2, seed=3),
        1, 0, 0, 1.5,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", CODE_CASES)
def test_the_printed_code_scales_w_hh_and_gets_the_lessons_numbers(name):
    config, seq, layer, direction, scale = CODE_CASES[name]
    scene, memory, run = own_run(config, seq, layer, direction, scale)
    code = memory_code(scene, memory)
    assert "with torch.no_grad():\n    rnn.weight_hh_l0.mul_(k)" in code
    assert f"k = {scale:g}" in code
    namespace: dict = {}
    exec(python_code(config) + "\n" + code, namespace)  # noqa: S102 - our own generated code
    influence = namespace["influence"].numpy()
    np.testing.assert_allclose(influence, run.on_input[run.last], rtol=1e-4, atol=1e-7)
    rnn = namespace["rnn"]
    original = trace(config).weights
    for weight, value in rnn.named_parameters():
        factor = scale if weight.startswith("weight_hh") else 1.0
        np.testing.assert_allclose(value.detach().numpy(), original[weight] * factor, rtol=1e-6)
    if memory.layer == config.num_layers - 1:  # the module's outputs are this layer's
        hidden = config.hidden_size
        outputs = namespace["outputs"]
        outputs = outputs[0] if config.batch_first else outputs[:, 0]
        part = outputs[:, direction * hidden : (direction + 1) * hidden].numpy()
        np.testing.assert_allclose(part, run.hidden, atol=2e-5)


# --- the budget, the scale, the eigenvalues -------------------------------------------------


def test_a_long_sequence_shows_its_first_steps_within_the_budget():
    config = ExplorerConfig(sequences=("abcdefghij" * 100,), hidden_size=64)
    scene = trace(config)
    memory = memory_run(scene, 0, 0, 0)
    assert memory.total_steps == 1000 and 1 <= memory.steps < MAX_INFLUENCE_STEPS
    width = scene.inputs.shape[-1]
    work = [
        sum(influence_work(c, 64, 1, width, n) for c in CELLS)
        for n in (memory.steps, memory.steps + 1)
    ]
    assert work[0] <= MAX_INFLUENCE_WORK < work[1]
    assert all(run.positions.tolist() == list(range(memory.steps)) for run in memory.influences)


def test_small_scenes_are_capped_at_the_chart_limit():
    config = ExplorerConfig(sequences=("ab" * 300,), hidden_size=2)
    assert influence_steps(config, 0, 2, 600) == MAX_INFLUENCE_STEPS
    assert influence_steps(config, 0, 2, 7) == 7


def test_a_reverse_read_shows_the_last_steps_of_the_sequence():
    config = ExplorerConfig(sequences=("abcdefghij" * 30,), hidden_size=64, bidirectional=True)
    scene = trace(config)
    memory = memory_run(scene, 0, 0, 1)
    run = memory.of("rnn")
    assert run.positions[-1] == 299 and len(run.positions) == memory.steps < 300
    np.testing.assert_allclose(run.hidden, scene.hidden[0, 1, 0, run.positions], atol=2e-5)


def test_a_network_too_large_for_even_one_step_is_refused_in_words():
    config = ExplorerConfig(sequences=("ab",), hidden_size=512, num_layers=4)
    with pytest.raises(ConfigError) as caught:
        memory_run(trace(config), 0, 3, 0)
    assert caught.value.key == "err_influence_too_big"
    assert f"{MAX_INFLUENCE_WORK:,}" in str(caught.value)


@pytest.mark.parametrize("bad", [0.1, 4.5, -1, float("nan"), True, "2"])
def test_a_scale_outside_its_range_is_refused(bad):
    with pytest.raises(ConfigError) as caught:
        check_scale(bad)
    assert caught.value.key == "err_memory_scale"


def test_the_eigenvalues_are_those_of_each_w_hh_block_and_scale_with_k():
    config = ExplorerConfig(sequences=("hello",), cell="lstm", hidden_size=5, bidirectional=True)
    scene = trace(config)
    sources, _ = cell_sources(scene, 0)
    own = next(s for s in sources if s.own)
    values = recurrent_eigenvalues(own, 0, 1)
    assert list(values) == ["i", "f", "g", "o"]
    blocks = torch.tensor(scene.weights["weight_hh_l0_reverse"]).double().chunk(4)
    for block, letter in zip(blocks, "ifgo", strict=True):
        expected = torch.linalg.eigvals(block).abs().max().item()
        assert spectral_radius(values)[letter] == pytest.approx(expected)
        assert spectral_radius(values, 2.5)[letter] == pytest.approx(2.5 * expected)
    rnn = next(s for s in sources if s.cell == "rnn")
    assert list(recurrent_eigenvalues(rnn, 0, 0)) == ["h"]
