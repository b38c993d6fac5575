"""Repeated tokens and distances between states, against torch functions and direct
numpy on the trace's own arrays."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from model.config import ExplorerConfig
from model.encoding import PAD_TOKEN
from model.lessons.repeats import (
    cosine_similarities,
    find_repeats,
    pairwise_distances,
    repeated_tokens,
    sequences_with_repeats,
    token_steps,
)
from model.presets import PRESETS
from model.trace import trace
from tests.support.strategies import DEFAULT, ONE_PER_CELL, small_configs

pytestmark = pytest.mark.usefixtures("single_thread_torch")

FINITE = st.floats(-3, 3, allow_nan=False, width=32)


# --- distances -------------------------------------------------------------------------


@given(states=hnp.arrays(np.float32, st.tuples(st.integers(1, 40), st.integers(1, 8)),
                         elements=FINITE))  # fmt: skip
def test_distances_equal_torch_cdist_and_direct_numpy(states):
    ours = pairwise_distances(states)
    direct = np.sqrt(((states[:, None, :].astype(np.float64) - states[None]) ** 2).sum(-1))
    np.testing.assert_allclose(ours, direct, atol=1e-6)
    x = torch.from_numpy(states).double()
    reference = torch.cdist(x, x).numpy()
    off_diagonal = ~np.eye(len(states), dtype=bool)
    np.testing.assert_array_equal(ours[off_diagonal], reference[off_diagonal])
    np.testing.assert_array_equal(np.diag(ours), 0.0)
    np.testing.assert_allclose(ours, ours.T, rtol=1e-12)


@given(states=hnp.arrays(np.float32, st.tuples(st.integers(1, 20), st.integers(1, 8)),
                         elements=FINITE))  # fmt: skip
def test_cosine_equals_torch_cosine_similarity_pair_by_pair(states):
    ours = cosine_similarities(states)
    x = torch.from_numpy(states.astype(np.float64))
    for i in range(len(states)):
        expected = torch.nn.functional.cosine_similarity(x[i : i + 1], x, dim=1).numpy()
        np.testing.assert_allclose(ours[i], expected, atol=1e-9)


def test_not_computed_rows_stay_nan():
    states = np.array([[0.0, 1.0], [np.nan, np.nan], [3.0, 5.0]], dtype=np.float32)
    distances = pairwise_distances(states)
    assert np.isnan(distances[1]).all() and np.isnan(distances[:, 1]).all()
    assert distances[0, 2] == pytest.approx(5.0)


# --- repeated tokens -------------------------------------------------------------------


@given(
    tokens=st.lists(st.sampled_from(["a", "b", "c", PAD_TOKEN]), min_size=1, max_size=15),
    cut=st.integers(0, 15),
)
def test_token_steps_lists_each_computed_real_step_once(tokens, cut):
    tokens = tuple(tokens)
    valid = np.arange(len(tokens)) < cut
    found = token_steps(tokens, valid)
    listed = sorted(step for steps in found.values() for step in steps)
    expected = [t for t, tok in enumerate(tokens) if tok != PAD_TOKEN and t < cut]
    assert listed == expected
    assert all(tokens[step] == token for token, steps in found.items() for step in steps)
    assert list(found) == list(dict.fromkeys(tokens[t] for t in expected))  # first seen first
    assert repeated_tokens(tokens, valid) == {k: v for k, v in found.items() if len(v) > 1}


def test_hello_repeats_its_l_at_steps_2_and_3():
    scene = trace(PRESETS["hello"])
    report = find_repeats(scene, 0, 0, 0)
    assert [(r.token, r.steps) for r in report.repeats] == [("l", (2, 3))]
    h = torch.from_numpy(scene.hidden[0, 0, 0])
    repeat = report.repeats[0]
    assert repeat.mean_distance == pytest.approx(torch.dist(h[2], h[3]).item(), abs=1e-6)
    assert repeat.closest[:2] == repeat.farthest[:2] == (2, 3)
    assert repeat.mean_cosine == pytest.approx(
        torch.nn.functional.cosine_similarity(h[2], h[3], dim=0).item(), abs=1e-6
    )
    assert report.typical_distance == pytest.approx(torch.pdist(h).mean().item(), abs=1e-6)
    assert report.pairs == 10 and report.find("l") is repeat and report.find("h") is None


def test_the_lecture_batch_as_read_repeats_in_sequences_3_4_5():
    scene = trace(PRESETS["lecture"])  # read as h e l / e o l / l l e / l l e / o l l
    assert sequences_with_repeats(scene) == [2, 3, 4]
    assert find_repeats(scene, 0, 0, 0).repeats == ()


def test_padding_fed_as_zeros_is_not_a_repeated_token():
    scene = trace(ExplorerConfig(sequences=("hello", "hi", "ab"), batch_first=False))
    # read as (h h a) (e i b) (l · ·) (l · ·) (o · ·): the padding "·" repeats but is no token
    assert scene.tokens[2] == ("l", PAD_TOKEN, PAD_TOKEN)
    assert sequences_with_repeats(scene) == [0]
    assert [r.token for r in find_repeats(scene, 2, 0, 0).repeats] == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    config=small_configs(
        alphabet="abc", max_chars=7, max_lines=3, max_hidden=5, max_layers=2, max_seed=1000,
        kinds=ONE_PER_CELL, bias=DEFAULT, init_state=DEFAULT,
    ),
    pick=st.data(),
)  # fmt: skip
def test_repeats_of_random_scenes_match_torch_on_the_trace(config, pick):
    scene = trace(config)
    seq = pick.draw(st.integers(0, scene.hidden.shape[2] - 1))
    layer = pick.draw(st.integers(0, scene.num_layers - 1))
    direction = pick.draw(st.integers(0, scene.num_directions - 1))
    report = find_repeats(scene, seq, layer, direction)
    h = torch.from_numpy(scene.hidden[layer, direction, seq]).double()  # (T, H)
    tokens, valid = scene.tokens[seq], scene.valid[seq]
    for repeat in report.repeats:
        assert len(repeat.steps) >= 2
        assert {tokens[t] for t in repeat.steps} == {repeat.token} and valid[[*repeat.steps]].all()
        index = torch.tensor(repeat.steps)
        expected = torch.cdist(h[index], h[index])
        np.testing.assert_allclose(repeat.distances, expected.numpy(), atol=1e-6)
        assert repeat.mean_distance == pytest.approx(torch.pdist(h[index]).mean().item(), abs=1e-6)
        assert repeat.closest[2] <= repeat.mean_distance + 1e-12 <= repeat.farthest[2] + 2e-12
    computed = h[torch.from_numpy(valid)]
    if len(computed) > 1:
        assert report.typical_distance == pytest.approx(torch.pdist(computed).mean().item())
    else:
        assert report.typical_distance is None
    real = [tok for tok, ok in zip(tokens, valid, strict=True) if ok and tok != PAD_TOKEN]
    assert {r.token for r in report.repeats} == {tok for tok in real if real.count(tok) > 1}
