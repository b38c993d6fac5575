"""Packed sequences: the packing's numbers are PyTorch's (a notebook's own
`pack_sequence` + module beside it), each packed row's h_t is the trace's, and the
lab-shaped code prints what the lesson shows."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from model.cells import BuiltModel, build_model
from model.config import ExplorerConfig
from model.encoding import PAD_TOKEN, encode
from model.lessons.packing import packing, packing_code
from model.presets import PRESETS
from model.trace import trace, trace_model
from tests.model.snippets import printed_by_python
from tests.support.reference import initial_state, one_hot_batch, seeded_module
from tests.support.strategies import ONE_PER_CELL, lines, small_configs

pytestmark = pytest.mark.usefixtures("single_thread_torch")

TOL = 1e-5
unequal_lines = lines("abc", max_chars=5, min_lines=2, max_lines=4).filter(
    lambda typed: len({len(line) for line in typed}) > 1
)
unequal_scenes = small_configs(sequences=unequal_lines, batch_first=True, max_hidden=4,
                               max_layers=2)  # fmt: skip


def notebook_packed(config: ExplorerConfig):
    """What a notebook computes: one-hot lines, `pack_sequence(..., enforce_sorted=False)`,
    the seeded module on it with the seeded initial state."""
    x = one_hot_batch(config.sequences)
    sequences = [x[b, : len(line)] for b, line in enumerate(config.sequences)]
    packed = nn.utils.rnn.pack_sequence(sequences, enforce_sorted=False)
    module = seeded_module(config, x.shape[-1])
    h0, c0 = initial_state(config, len(sequences))
    with torch.no_grad():
        output, _ = module(packed, h0 if c0 is None else (h0, c0))
    return packed, output


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unequal_scenes)
def test_unequal_lines_pack_as_pytorch_packs_them_and_each_row_holds_the_traces_state(config):
    scene = trace(config)
    run = packing(scene)
    lengths = np.array([len(line) for line in config.sequences])
    assert scene.packed and run.packed_by_explorer and run.batch_first
    # batch_sizes: sequences still running at each step; they add up to every real step
    assert run.batch_sizes.sum() == lengths.sum() == run.rows
    assert run.batch_sizes.tolist() == [(lengths > t).sum() for t in range(lengths.max())]
    # the order and the rows are torch's own
    reference, output = notebook_packed(config)
    assert run.sorted_indices.tolist() == reference.sorted_indices.tolist()
    assert run.unsorted_indices.tolist() == reference.unsorted_indices.tolist()
    assert run.batch_sizes.tolist() == reference.batch_sizes.tolist()
    sorted_lengths = lengths[run.sorted_indices]
    assert (np.diff(sorted_lengths) <= 0).all()  # longest first
    starts = run.group_starts()
    for t, size in enumerate(run.batch_sizes):
        rows = slice(starts[t], starts[t + 1])
        assert (run.row_step[rows] == t).all()
        assert run.row_sequence[rows].tolist() == run.sorted_indices[:size].tolist()
    x = one_hot_batch(config.sequences)
    np.testing.assert_array_equal(x[run.row_sequence, run.row_step], reference.data)
    assert run.row_tokens == tuple(config.sequences[b][t] for b, t in
                                   zip(run.row_sequence, run.row_step, strict=True))  # fmt: skip
    # each packed row's h_t: the trace's at that (sequence, step), and the notebook's
    expected = scene.hidden[:, :, run.row_sequence, run.row_step]  # (L, D, R, H)
    np.testing.assert_allclose(run.hidden, expected, atol=TOL, rtol=TOL)
    assert run.max_error < TOL
    top = np.concatenate(list(run.hidden[-1]), axis=-1)  # (R, D*H) as packed output.data
    np.testing.assert_allclose(top, output.data.numpy(), atol=TOL, rtol=TOL)


def test_hello_hi_hey():
    run = packing(trace(ExplorerConfig(sequences=("hello", "hi", "hey"), batch_first=True)))
    assert run.batch_sizes.tolist() == [3, 3, 2, 1, 1]
    assert run.sorted_indices.tolist() == [0, 2, 1]
    assert run.row_tokens == tuple("hhheeilylo")
    assert run.sorted_tokens[1] == ("h", "e", "y", PAD_TOKEN, PAD_TOKEN)
    assert run.printed == "tensor([3, 3, 2, 1, 1])\ntensor([0, 2, 1])\n"


def test_the_lecture_is_not_packed_and_has_no_packed_states_but_shows_the_packing():
    scene = trace(PRESETS["lecture"])  # batch_first off: PyTorch read the columns
    run = packing(scene)
    assert not run.packed_by_explorer and not run.batch_first and run.equal_lengths
    assert run.hidden is None and run.max_error == 0.0
    assert run.batch_sizes.tolist() == [3] * 5  # the typed lines, packed as the lab would
    assert run.row_tokens[:3] == ("h", "e", "l")


def test_unequal_lines_with_batch_first_off_show_what_packing_would_do():
    config = ExplorerConfig(sequences=("hello", "hi"), batch_first=False)
    run = packing(trace(config))
    assert not run.packed_by_explorer and run.hidden is None
    assert run.batch_sizes.tolist() == [2, 2, 1, 1, 1]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_equal_lines_with_batch_first_on_pack_to_the_same_states(cell):
    config = ExplorerConfig(sequences=("abc", "cab"), batch_first=True, cell=cell, hidden_size=3,
                            num_layers=2, bidirectional=True, init_state="random")  # fmt: skip
    scene = trace(config)
    run = packing(scene)
    assert not scene.packed and not run.packed_by_explorer and run.equal_lengths
    np.testing.assert_allclose(run.hidden, scene.hidden[:, :, run.row_sequence, run.row_step],
                               atol=TOL)  # fmt: skip


def test_other_weights_are_the_ones_packed():
    """A trained scene's trace carries its own weights: the packed rows use them."""
    config = ExplorerConfig(sequences=("hello", "hi", "hey"), batch_first=True, cell="gru")
    encoded = encode(config)
    built = build_model(config, encoded)
    with torch.no_grad():
        for parameter in built.rnn.parameters():
            parameter.mul_(3.0)
    scene = trace_model(config, encoded, BuiltModel(built.rnn, None, built.h0, built.c0))
    run = packing(scene)
    np.testing.assert_allclose(run.hidden, scene.hidden[:, :, run.row_sequence, run.row_step],
                               atol=TOL)  # fmt: skip
    assert not np.allclose(run.hidden, packing(trace(config)).hidden, atol=1e-3)


@settings(max_examples=10, deadline=None)
@given(small_configs(sequences=unequal_lines, kinds=ONE_PER_CELL, max_layers=1), st.booleans())
def test_ties_keep_torchs_order(config, batch_first):
    run = packing(trace(replace(config, batch_first=batch_first)))
    lengths = torch.tensor([len(line) for line in config.sequences])
    _, expected = torch.sort(lengths, descending=True)  # what pack_padded_sequence calls
    assert run.sorted_indices.tolist() == expected.tolist()


CODE_SCENES = [
    ExplorerConfig(sequences=("hello", "hi", "hey"), batch_first=True),
    PRESETS["lecture"],
    ExplorerConfig(sequences=("hello world", "midnight", "calculation", "path", "short circuit"),
                   batch_first=True),  # the lab's five
    ExplorerConfig(sequences=("the cat sat", "a dog", "it's"), tokens="words", batch_first=True),
    ExplorerConfig(sequences=("0.1, 0.5", "1 2 3", "4"), tokens="numbers", batch_first=True),
    ExplorerConfig(sequences=("👍🏽 'ok'", "각\\n\"", "ab"), batch_first=True),
    ExplorerConfig(sequences=tuple("abcdefghijklmnop"[: n + 1] * 3 for n in range(16)),
                   batch_first=True),  # 16 lines: the data is written one line per sequence
]  # fmt: skip


def test_the_lab_shaped_code_prints_the_batch_sizes_and_sorted_indices_shown():
    runs = [packing(trace(config)) for config in CODE_SCENES]
    codes = [packing_code(trace(config)) for config in CODE_SCENES]
    assert all(len(line) <= 100 for code in codes for line in code.splitlines())
    assert printed_by_python(codes) == [run.printed for run in runs]
    assert "data = ['hello', 'hi', 'hey']" in codes[0]
    assert "data = [['the', 'cat', 'sat'], ['a', 'dog'], [\"it's\"]]" in codes[3]
