"""The course's labs, trained by the explorer and by their own plain PyTorch code
(tests/support/labs.py): every loss to 1e-6, the same predictions."""

from __future__ import annotations

import numpy as np
import pytest

from model.config import ExplorerConfig
from model.training.config import TrainConfig
from model.training.run import train
from tests.support import labs


def run_all(config: ExplorerConfig, train_config: TrainConfig):
    run = train(config, train_config)
    for _ in run:
        pass
    return run.result()


def test_charseq_keeps_its_leading_space_and_reproduces_every_loss():
    vocab = len(labs.vocabulary(labs.CHARSEQ))
    config = ExplorerConfig(sequences=(labs.CHARSEQ,), hidden_size=vocab)
    result = run_all(config, TrainConfig(steps=50))
    assert result.data.encoded.token_lines[0][0] == " "
    np.testing.assert_allclose(result.losses[:50], labs.charseq_losses(50), rtol=0, atol=1e-6)


def test_longseq_windows_with_the_lab_seed_reproduce_every_loss_and_the_sentence():
    vocab = len(labs.vocabulary(labs.LONGSEQ))
    config = ExplorerConfig(sequences=(labs.LONGSEQ,), hidden_size=vocab, num_layers=2, window=10)
    result = run_all(config, TrainConfig(head="linear", steps=100, lab_seed=True))
    expected_losses, expected_sentence = labs.longseq_run()
    assert result.data.encoded.batch_size == 170
    np.testing.assert_allclose(result.losses[:100], expected_losses, rtol=0, atol=1e-6)
    # the lab prints the predictions of its last forward pass, before the 100th update
    predictions = result.predictions[99]  # a snapshot step: 0, 3, ..., 99 and 100
    assert predictions[0] + "".join(p[-1] for p in predictions[1:]) == expected_sentence


def test_without_the_lab_seed_the_linear_layer_has_its_own_seed():
    vocab = len(labs.vocabulary(labs.LONGSEQ))
    config = ExplorerConfig(sequences=(labs.LONGSEQ,), hidden_size=vocab, window=10)
    own = run_all(config, TrainConfig(head="linear", steps=2, seed=5))
    lab = run_all(config, TrainConfig(head="linear", steps=2, seed=5, lab_seed=True))
    assert own.losses[0] != lab.losses[0]


@pytest.mark.parametrize("stride", [1, 3])
def test_window_targets_are_the_window_one_step_later(stride):
    config = ExplorerConfig(sequences=("abcab", "cab"), window=3, stride=stride, hidden_size=4)
    result = run_all(config, TrainConfig(head="linear", steps=1))
    stream = "abcab\ncab"
    starts = list(range(0, len(stream) - 3, stride))
    assert result.targets == tuple(stream[i + 1 : i + 4] for i in starts)
