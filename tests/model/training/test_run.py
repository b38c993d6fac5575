"""Training against plain PyTorch loops written here, the way a student would write them."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from model.cells import build_model
from model.config import ExplorerConfig
from model.encoding import encode
from model.errors import ConfigError
from model.trace import trace, trace_model
from model.training.config import MAX_SNAPSHOTS, MAX_TRAIN_STEPS, TrainConfig, snapshot_steps
from model.training.records import first_and_held
from model.training.run import train, train_to_end
from tests.support.reference import forward, rnn_by_name

pytestmark = pytest.mark.usefixtures("single_thread_torch")

LECTURE = ExplorerConfig(sequences=("hihello",), hidden_size=5)


# --- plain PyTorch references (no model.* code; modules by tests/support/reference) -----


def plain_next_token(
    texts,
    *,
    hidden,
    tokens="chars",
    cell="rnn",
    nonlinearity="tanh",
    layers=1,
    bidirectional=False,
    batch_first=True,
    embedding=0,
    seed=0,
    head="logits",
    optimizer="adam",
    lr=0.1,
    steps=100,
    train_seed=0,
):
    """Losses and predicted strings at every step 0..steps (step k = after k updates)."""
    split = list if tokens == "chars" else str.split
    joiner = "" if tokens == "chars" else " "
    lines = [split(t) for t in texts]
    vocab = list(dict.fromkeys(tok for line in lines for tok in line))
    V, B = len(vocab), len(lines)
    lengths = [len(line) - 1 for line in lines]
    T = max(lengths)
    X = torch.zeros(B, T, dtype=torch.long)
    Y = torch.full((B, T), -100)  # CrossEntropyLoss ignores -100
    for b, line in enumerate(lines):
        ids = torch.tensor([vocab.index(tok) for tok in line])
        X[b, : lengths[b]], Y[b, : lengths[b]] = ids[:-1], ids[1:]
    mask = (Y != -100).unsqueeze(-1).float()
    directions = 2 if bidirectional else 1
    torch.manual_seed(seed)
    emb = nn.Embedding(V, embedding) if embedding else None
    rnn = rnn_by_name(
        cell, embedding or V, hidden, nonlinearity,
        num_layers=layers, batch_first=batch_first, bidirectional=bidirectional,
    )  # fmt: skip
    h0 = torch.zeros(layers * directions, B if batch_first else T, hidden)
    state = (h0, torch.zeros_like(h0)) if cell == "lstm" else h0
    fc = None
    if head == "linear":
        torch.manual_seed(train_seed)
        fc = nn.Linear(directions * hidden, V)
    params = [p for m in (emb, rnn, fc) if m is not None for p in m.parameters()]
    opt = (torch.optim.Adam if optimizer == "adam" else torch.optim.SGD)(params, lr=lr)
    packed = batch_first and len(set(lengths)) > 1
    criterion = nn.CrossEntropyLoss()
    losses, predictions = [], []
    for i in range(steps + 1):
        x = emb(X) * mask if emb else nn.functional.one_hot(X, V).float() * mask
        outputs = forward(rnn, x, lengths, packed, state)[0]
        logits = fc(outputs) if fc else outputs
        loss = criterion(logits.reshape(-1, V), Y.reshape(-1))
        losses.append(loss.item())
        result = logits.argmax(-1)
        predictions.append(
            tuple(joiner.join(vocab[j] for j in result[b, : lengths[b]].tolist()) for b in range(B))
        )
        if i == steps or not math.isfinite(loss.item()):
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
    targets = tuple(joiner.join(line[1:]) for line in lines)
    return losses, predictions, targets


def plain_numbers(
    series,
    *,
    hidden,
    cell="rnn",
    batch_first=True,
    seed=0,
    lr=0.05,
    steps=60,
    optimizer="adam",
    train_seed=0,
):
    """series: lines of steps of features. Many-to-one: predict each line's last step."""
    lines = [torch.tensor(s, dtype=torch.float32) for s in series]  # (T_b, F)
    everything = torch.cat(lines)
    lo, hi = everything.min(0).values, everything.max(0).values
    span = torch.where(hi > lo, hi - lo, torch.ones_like(hi))
    scaled = [(line - lo) / span for line in lines]
    lengths = [len(s) - 1 for s in scaled]
    B, T, F = len(lines), max(lengths), everything.shape[1]
    X = torch.zeros(B, T, F)
    for b, s in enumerate(scaled):
        X[b, : lengths[b]] = s[:-1]
    Y = torch.stack([s[-1] for s in scaled])  # (B, F)
    torch.manual_seed(seed)
    rnn = rnn_by_name(cell, F, hidden, batch_first=batch_first)
    h0 = torch.zeros(1, B if batch_first else T, hidden)
    state = (h0, torch.zeros_like(h0)) if cell == "lstm" else h0
    torch.manual_seed(train_seed)
    fc = nn.Linear(hidden, F)
    opt = (torch.optim.Adam if optimizer == "adam" else torch.optim.SGD)(
        [*rnn.parameters(), *fc.parameters()], lr=lr
    )
    packed = batch_first and len(set(lengths)) > 1
    losses, predictions = [], []
    for i in range(steps + 1):
        outputs = forward(rnn, X, lengths, packed, state)[0]
        last = outputs[torch.arange(B), torch.tensor(lengths) - 1]
        pred = fc(last)
        loss = nn.functional.mse_loss(pred, Y)
        losses.append(loss.item())
        values = (pred.detach() * span + lo).numpy()
        predictions.append(tuple(" ".join(f"{v:.4g}" for v in row) for row in values))
        if i == steps:
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
    return losses, predictions, (lo.numpy(), hi.numpy())


def run_all(config, train_config):
    """(TrainResult, predictions of every step as yielded)."""
    run = train(config, train_config)
    yielded = [(record.step, record.loss, record.predictions) for record in run]
    return run.result(), yielded


# --- the loop equals the plain loop, step for step --------------------------------------


def test_lecture_hihello_matches_the_plain_loop():
    result, yielded = run_all(LECTURE, TrainConfig())  # logits head, Adam, lr 0.1, 100 steps
    losses, predictions, targets = plain_next_token(("hihello",), hidden=5)
    assert targets == ("ihello",) == result.targets
    assert [s for s, _, _ in yielded] == list(range(101)) == result.steps.tolist()
    np.testing.assert_allclose(result.losses, losses, rtol=0, atol=1e-6)
    np.testing.assert_allclose([loss for _, loss, _ in yielded], losses, rtol=0, atol=1e-6)
    assert [p for _, _, p in yielded] == predictions
    assert result.completed and not result.diverged and result.message == ""
    for step, shown in result.predictions.items():
        assert shown == predictions[step]


def test_lecture_run_reports_honestly_when_the_target_is_reached():
    result = train_to_end(LECTURE, TrainConfig())
    _, predictions, _ = plain_next_token(("hihello",), hidden=5)
    correct = [p == ("ihello",) for p in predictions]
    assert result.all_correct.tolist() == correct
    first = correct.index(True) if any(correct) else None
    assert result.first_all_correct == first
    assert result.held_to_end == (first is not None and all(correct[first:]))
    accuracy = [sum(a == b for a, b in zip(p[0], "ihello", strict=True)) / 6 for p in predictions]
    np.testing.assert_allclose(result.accuracies, accuracy)


@given(st.lists(st.booleans(), min_size=1, max_size=30))
def test_first_and_held_from_the_history(flags):
    first, held = first_and_held(np.array(flags))
    expected_first = flags.index(True) if True in flags else None
    assert first == expected_first
    assert held == (expected_first is not None and all(flags[expected_first:]))


LINEAR_CASES = [
    # texts, explorer settings, training settings
    (("hello world", "hi there"), {"cell": "lstm", "num_layers": 2, "bidirectional": True}, "sgd"),
    (
        ("hello world", "hi there"),
        {"cell": "gru", "num_layers": 2, "bidirectional": True, "batch_first": False},
        "sgd",
    ),
    (
        ("the cat sat", "the dog sat on the cat"),
        {"tokens": "words", "encoding": "embedding", "input_size": 3, "cell": "lstm"},
        "adam",
    ),
    (("abcab", "bca", "cabca"), {"nonlinearity": "relu", "batch_first": False}, "adam"),
]


@pytest.mark.parametrize("texts, explorer, optimizer", LINEAR_CASES)
def test_linear_head_matches_the_plain_loop(texts, explorer, optimizer):
    config = ExplorerConfig(sequences=texts, hidden_size=6, seed=3, **explorer)
    lr = 0.5 if optimizer == "sgd" else 0.05
    tc = TrainConfig(head="linear", optimizer=optimizer, learning_rate=lr, steps=40, seed=7)
    result, yielded = run_all(config, tc)
    losses, predictions, targets = plain_next_token(
        texts,
        hidden=6,
        tokens=explorer.get("tokens", "chars"),
        cell=explorer.get("cell", "rnn"),
        nonlinearity=explorer.get("nonlinearity", "tanh"),
        layers=explorer.get("num_layers", 1),
        bidirectional=explorer.get("bidirectional", False),
        batch_first=explorer.get("batch_first", True),
        embedding=3 if explorer.get("encoding") == "embedding" else 0,
        seed=3,
        head="linear",
        optimizer=optimizer,
        lr=lr,
        steps=40,
        train_seed=7,
    )
    assert result.targets == targets
    np.testing.assert_allclose(result.losses, losses, rtol=0, atol=1e-6)
    assert [p for _, _, p in yielded] == predictions
    assert result.completed


@pytest.mark.parametrize(
    "series, explorer",
    [
        ([[[1], [2], [3], [4], [5]], [[2], [4], [6], [8]]], {}),
        ([[[1], [2], [3], [4], [5]], [[2], [4], [6], [8]]], {"batch_first": False}),
        ([[[1, 5], [2, 5], [3, 5]], [[0.5, 5], [1, 5], [1.5, 5]]], {"cell": "gru"}),
    ],
)
def test_numbers_match_the_plain_loop(series, explorer):
    def typed(line):
        if len(line[0]) == 1:
            return ", ".join(f"{step[0]:g}" for step in line)
        return "; ".join(" ".join(f"{v:g}" for v in step) for step in line)

    config = ExplorerConfig(
        sequences=tuple(typed(line) for line in series), tokens="numbers", hidden_size=4, **explorer
    )
    tc = TrainConfig(head="linear", learning_rate=0.05, steps=60, seed=2)
    result, yielded = run_all(config, tc)
    losses, predictions, (lo, hi) = plain_numbers(
        series,
        hidden=4,
        cell=explorer.get("cell", "rnn"),
        batch_first=explorer.get("batch_first", True),
        train_seed=2,
    )
    np.testing.assert_allclose(result.losses, losses, rtol=0, atol=1e-6)
    assert [p for _, _, p in yielded] == predictions
    np.testing.assert_array_equal(result.scale_min, lo)
    np.testing.assert_array_equal(result.scale_max, hi)
    assert result.accuracies is None and result.first_all_correct is None


def test_numbers_ignore_the_head_setting():
    config = ExplorerConfig(sequences=("1 2 3 4",), tokens="numbers", hidden_size=3)
    a = train_to_end(config, TrainConfig(head="logits", steps=5))
    b = train_to_end(config, TrainConfig(head="linear", steps=5))
    np.testing.assert_array_equal(a.losses, b.losses)


# --- divergence ------------------------------------------------------------------------

DIVERGING = ExplorerConfig(sequences=("abcdefghij" * 10,), hidden_size=16, nonlinearity="relu")
DIVERGING_TRAINING = TrainConfig(head="linear", optimizer="sgd", learning_rate=10.0, steps=40)


def test_divergence_stops_and_keeps_the_last_good_weights():
    result = train_to_end(DIVERGING, DIVERGING_TRAINING)
    losses, _, _ = plain_next_token(
        ("abcdefghij" * 10,),
        hidden=16,
        nonlinearity="relu",
        head="linear",
        optimizer="sgd",
        lr=10.0,
        steps=40,
    )
    assert result.diverged and not result.completed
    # the plain loop's loss at the diverged step is not finite, every earlier one is
    assert result.diverged_at == len(losses) - 1
    assert not math.isfinite(losses[-1])
    np.testing.assert_allclose(result.losses, losses[:-1], rtol=0, atol=1e-6)
    assert result.last_step == result.diverged_at - 1 == result.steps[-1]
    assert np.isfinite(result.losses).all()
    assert all(torch.isfinite(t).all() for t in result.weights.values())
    kept = result.snapshots[result.last_step]
    assert all(torch.equal(result.weights[k], kept[k]) for k in kept)
    assert f"diverged at step {result.diverged_at}" in result.message
    assert "smaller learning rate" in result.message
    assert "Traceback" not in result.message
    traced = trace_model(DIVERGING, result.data.inputs, result.built_model())
    assert traced.max_error < 1e-5


# --- snapshots -------------------------------------------------------------------------


@given(st.integers(1, MAX_TRAIN_STEPS), st.integers(0, MAX_TRAIN_STEPS))
def test_snapshot_steps_are_bounded(steps, every):
    try:
        kept = snapshot_steps(steps, every)
    except ConfigError:
        assert every > 0
        return
    assert len(kept) <= MAX_SNAPSHOTS
    assert kept[0] == 0 and kept[-1] == steps
    assert list(kept) == sorted(set(kept))


def test_snapshots_trace_exactly_and_step_0_is_the_untrained_scene():
    config = ExplorerConfig(
        sequences=("hello world", "hi there"),
        cell="lstm",
        hidden_size=5,
        num_layers=2,
        bidirectional=True,
        init_state="random",
    )
    result = train_to_end(config, TrainConfig(head="linear", steps=120, learning_rate=0.05))
    assert len(result.snapshots) <= MAX_SNAPSHOTS
    assert {0, 120} <= set(result.snapshots)
    for step in list(result.snapshots)[::5] + [120]:
        traced = trace_model(config, result.data.inputs, result.built_model(step))
        assert traced.max_error < 1e-5
    untrained = build_model(config, encode(config))
    for name, value in untrained.rnn.state_dict().items():
        assert torch.equal(result.snapshots[0]["rnn." + name], value)
    full = encode(config)
    scene = trace(config)
    step0 = trace_model(config, full, result.built_model(0, full))
    assert step0.printed == scene.printed
    np.testing.assert_array_equal(step0.hidden, scene.hidden)
    np.testing.assert_array_equal(step0.cell, scene.cell)


def test_early_stop_keeps_what_ran():
    run = train(LECTURE, TrainConfig(steps=100, snapshot_every=10))
    for record in run:
        if record.step == 14:
            break
    result = run.result()
    assert not result.completed and not result.diverged
    assert result.last_step == 14 and len(result.losses) == 15
    assert set(result.snapshots) == {0, 10, 14}
    full = train_to_end(LECTURE, TrainConfig(steps=100, snapshot_every=10))
    np.testing.assert_array_equal(result.losses, full.losses[:15])
    every_14 = train_to_end(LECTURE, TrainConfig(steps=100, snapshot_every=14))
    for name, value in result.weights.items():
        assert torch.equal(value, every_14.snapshots[14][name])
    # stopping changed nothing: consuming the rest reproduces the full run
    rest = [record.loss for record in run]
    np.testing.assert_array_equal(rest, full.losses[15:])


def test_same_configs_give_bit_identical_histories():
    config = ExplorerConfig(sequences=("abcab", "bca"), hidden_size=4, cell="gru")
    tc = TrainConfig(head="linear", steps=30, seed=5)
    a, b = train_to_end(config, tc), train_to_end(config, tc)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert a.snapshots.keys() == b.snapshots.keys()
    for step in a.snapshots:
        for name in a.snapshots[step]:
            assert torch.equal(a.snapshots[step][name], b.snapshots[step][name])


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"head": "softmax"},
        {"optimizer": "rmsprop"},
        {"learning_rate": 0.0},
        {"learning_rate": 11.0},
        {"learning_rate": float("nan")},
        {"learning_rate": "0.1"},
        {"learning_rate": True},
        {"steps": 0},
        {"steps": MAX_TRAIN_STEPS + 1},
        {"steps": 10.0},
        {"seed": -1},
        {"seed": 2**31},
        {"snapshot_every": -1},
        {"steps": 100, "snapshot_every": 1},
    ],
)
def test_bad_train_configs_raise_config_error(changes):
    with pytest.raises(ConfigError):
        TrainConfig(**changes)


@pytest.mark.parametrize(
    "config, train_config",
    [
        (LECTURE.with_changes(hidden_size=4), TrainConfig()),  # logits need hidden = vocab
        (LECTURE.with_changes(bidirectional=True), TrainConfig()),
        (LECTURE.with_changes(sequences=("hihello", "x")), TrainConfig(head="linear")),
        (ExplorerConfig(sequences=("5",), tokens="numbers"), TrainConfig()),
        (
            ExplorerConfig(sequences=("a" * 1000,), hidden_size=512, cell="lstm"),
            TrainConfig(head="linear", steps=2000),
        ),  # too much work
        (  # snapshots too big
            ExplorerConfig(
                sequences=("ab",), hidden_size=512, cell="lstm", num_layers=4, bidirectional=True
            ),
            TrainConfig(head="linear"),
        ),
    ],
)
def test_settings_that_cannot_train_raise_config_error(config, train_config):
    with pytest.raises(ConfigError):
        train(config, train_config)


texts = st.lists(st.text(alphabet="abcd ", min_size=2, max_size=12), min_size=1, max_size=3).map(
    tuple
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts,
    st.sampled_from(["chars", "chars", "words"]),
    st.sampled_from(["rnn", "lstm", "gru"]),
    st.integers(1, 6),
    st.booleans(),
    st.sampled_from(["logits", "linear"]),
    st.sampled_from(["adam", "sgd"]),
    st.floats(1e-5, 10.0),
    st.integers(1, 15),
    st.booleans(),
)
def test_random_settings_train_or_refuse(
    lines, tokens, cell, hidden, batch_first, head, optimizer, lr, steps, fit_logits
):
    try:
        config = ExplorerConfig(
            sequences=lines, tokens=tokens, cell=cell, hidden_size=hidden, batch_first=batch_first
        )
        if head == "logits" and fit_logits:  # mostly a valid scene, sometimes not
            config = config.with_changes(hidden_size=len(encode(config).vocab))
        run = train(
            config, TrainConfig(head=head, optimizer=optimizer, learning_rate=lr, steps=steps)
        )
    except ConfigError:
        return
    records = list(run)
    result = run.result()
    assert np.isfinite(result.losses).all()
    assert all(torch.isfinite(t).all() for t in result.weights.values())
    assert len(records) == len(result.losses)
    assert result.completed != result.diverged
    assert result.completed == (result.last_step == steps)
    traced = trace_model(config, result.data.inputs, result.built_model())
    assert traced.max_error < 1e-5
