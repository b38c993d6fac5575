"""The course's labs, trained by the explorer and by their own plain PyTorch code
(tests/support/labs.py): every loss to 1e-6, the same predictions."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
import torch

from model.codegen import python_code
from model.config import ExplorerConfig
from model.encoding import encode
from model.errors import ConfigError
from model.series import SeriesData, series_parts
from model.trace import trace
from model.training.code import expected_printout, training_code
from model.training.config import TrainConfig
from model.training.forecast import forecast
from model.training.run import train
from model.upload import read_table
from model.windows import reassembled
from tests.model.snippets import printed_by_python as run_snippets
from tests.support import labs

LONGSEQ_CONFIG = ExplorerConfig(
    sequences=(labs.LONGSEQ,),
    hidden_size=len(labs.vocabulary(labs.LONGSEQ)),
    num_layers=2,
    window=10,
)


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
    assert reassembled(predictions, "") == expected_sentence


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


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    data = labs.stock_csv()
    path = tmp_path_factory.mktemp("lab") / "data-02-stock_daily.csv"
    path.write_bytes(data)
    return data, str(path)


def stock_config(data: bytes, **series_changes) -> ExplorerConfig:
    table = read_table(data, "data-02-stock_daily.csv")
    settings = {"features": (0, 1, 2, 3, 4), "target": 4, "newest_first": True}
    series = SeriesData(table, **{**settings, **series_changes})
    return ExplorerConfig(tokens="numbers", window=7, cell="lstm", hidden_size=10, series=series)


def test_timeseries_lab_every_loss_and_the_test_predictions(stock):
    data, path = stock
    losses, test_y, test_predicted = labs.timeseries_run(path, steps=500)
    config = stock_config(data)
    result = run_all(config, TrainConfig(head="linear", learning_rate=0.01, steps=500,
                                         lab_seed=True))  # fmt: skip
    assert result.data.encoded.batch_size == 505
    np.testing.assert_allclose(result.losses[:500], losses, rtol=0, atol=1e-6)
    seen = forecast(config, result.weights)
    np.testing.assert_allclose(seen.predicted_scaled, test_predicted[:, 0], rtol=0, atol=1e-6)
    np.testing.assert_allclose(seen.true_scaled, test_y[:, 0], rtol=0, atol=1e-6)
    # in the file's units: the test part's own Close range, as the lab's scaler used it
    xy = np.loadtxt(path, delimiter=",")[::-1]
    close = xy[int(len(xy) * 0.7) - 7 :, 4]
    np.testing.assert_allclose(seen.true, close[7:], rtol=0, atol=1e-3)


def test_scaling_fitted_on_the_training_part_reads_the_test_part_with_its_range(stock):
    data, _ = stock
    config = stock_config(data, scaling="train")
    train, test = series_parts(config.series, 7, 1)
    xy = np.loadtxt(io.BytesIO(data), delimiter=",")[::-1]
    fitted = xy[: int(len(xy) * 0.7)]
    low, high = fitted.min(0), fitted.max(0)
    expected = ((xy[int(len(xy) * 0.7) - 7 :] - low) / (high - low + 1e-7))[:7]
    np.testing.assert_allclose(test.inputs[0], expected.astype(np.float32), rtol=0, atol=1e-7)
    assert test.inputs.max() > 1 or test.inputs.min() < 0  # the test part leaves [0, 1]
    assert train.inputs.min() >= 0 and train.inputs.max() <= 1


@pytest.mark.parametrize(
    "changes, key",
    [({"split": 0.99}, "err_series_split"), ({"split": 0.01}, "err_series_split"),
     ({"features": ()}, "err_series_features"), ({"target": 5}, "err_series_target"),
     ({"scaling": "robust"}, "err_series_scaling")],
)  # fmt: skip
def test_bad_series_settings_are_refused_with_a_sentence(stock, changes, key):
    with pytest.raises(ConfigError) as caught:
        stock_config(stock[0], **changes)
    assert caught.value.key == key


def test_a_file_too_short_for_its_windows_is_refused(stock):
    short = b"\n".join(stock[0].splitlines()[:9])
    with pytest.raises(ConfigError) as caught:
        encode(stock_config(short))
    assert caught.value.key == "err_series_too_short"


def test_the_code_of_a_series_scene_and_its_training_print_what_the_explorer_shows(stock):
    config = stock_config(stock[0], split=0.9, scaling="train")
    short = replace(config, series=replace(
        config.series, table=read_table(b"\n".join(stock[0].splitlines()[:60]), "s.csv")
    ))  # fmt: skip
    train_config = TrainConfig(head="linear", learning_rate=0.01, steps=20, lab_seed=True)
    printed = run_snippets([python_code(short), training_code(short, train_config)])
    assert printed[0] == trace(short).printed
    assert printed[1] == expected_printout(short, train_config)


def test_mini_batches_of_windows_are_the_plain_loop_with_its_own_random_order():
    """Every step's loss is of all 170 windows; each update uses the next run of a fresh
    torch.randperm per epoch, as a plain loop with a seeded generator does."""
    config = replace(LONGSEQ_CONFIG, num_layers=1)
    result = run_all(config, TrainConfig(head="linear", steps=12, lab_seed=True, batch_size=32,
                                         seed=4))  # fmt: skip
    x, y, chars = labs.char_windows(labs.LONGSEQ, 10)
    size = len(chars)
    torch.manual_seed(0)
    rnn = torch.nn.RNN(size, size, batch_first=True)
    fc = torch.nn.Linear(size, size)
    optimizer = torch.optim.Adam([*rnn.parameters(), *fc.parameters()], lr=0.1)
    generator = torch.Generator().manual_seed(4)
    runs = []
    while len(runs) < 12:
        runs += list(torch.randperm(len(x), generator=generator).split(32))
    losses = []
    for step in range(13):
        with torch.no_grad():
            logits = fc(rnn(x)[0]).reshape(-1, size)
            losses.append(torch.nn.functional.cross_entropy(logits, y.reshape(-1)).item())
        if step < 12:
            optimizer.zero_grad()
            rows = runs[step]
            logits = fc(rnn(x[rows])[0]).reshape(-1, size)
            torch.nn.functional.cross_entropy(logits, y[rows].reshape(-1)).backward()
            optimizer.step()
    np.testing.assert_allclose(result.losses, losses, rtol=0, atol=1e-6)
    assert len(runs[5]) == 10  # 170 = 5 x 32 + 10: an epoch's last run is shorter


def test_mini_batches_need_windows():
    config = ExplorerConfig(sequences=("hello", "world"), hidden_size=4)
    with pytest.raises(ConfigError) as caught:
        train(config, TrainConfig(head="linear", batch_size=1))
    assert caught.value.key == "err_batch_needs_windows"
