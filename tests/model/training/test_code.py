"""The PyTorch panel's training code, run by a real Python, prints the explorer's own
loss curve and predictions, line for line (losses with 6 decimals, predictions exactly)."""

from __future__ import annotations

import math

import pytest

from model.config import ExplorerConfig
from model.training.code import divergence_note, expected_printout, training_code
from model.training.config import TrainConfig
from model.training.run import train_to_end
from tests.model.snippets import printed_by_python as run_snippets

pytestmark = pytest.mark.usefixtures("single_thread_torch")

CASES = {
    "lecture-hihello": (
        ExplorerConfig(sequences=("hihello",), hidden_size=5),
        TrainConfig(head="logits", optimizer="adam", learning_rate=0.1, steps=100),
    ),
    "lstm-2-layers-bidirectional-sgd-packed": (
        ExplorerConfig(
            sequences=("hello world", "hi there"), cell="lstm", num_layers=2,
            bidirectional=True, hidden_size=6, seed=3, init_state="random",
        ),
        TrainConfig(head="linear", optimizer="sgd", learning_rate=0.5, steps=40, seed=7),
    ),
    "gru-words-embedding-packed": (
        ExplorerConfig(
            sequences=("the cat sat", "the dog sat on the cat"), tokens="words",
            encoding="embedding", input_size=3, cell="gru", hidden_size=6, seed=3,
        ),
        TrainConfig(head="linear", optimizer="adam", learning_rate=0.05, steps=40, seed=7),
    ),
    "gru-bidirectional-seq-first-unequal": (
        ExplorerConfig(
            sequences=("hello world", "hi there"), cell="gru", num_layers=2, bidirectional=True,
            batch_first=False, hidden_size=6, seed=3,
        ),
        TrainConfig(head="linear", optimizer="sgd", learning_rate=0.5, steps=40, seed=7),
    ),
    "relu-seq-first-three-lines": (
        ExplorerConfig(
            sequences=("abcab", "bca", "cabca"), nonlinearity="relu", batch_first=False,
            hidden_size=6, seed=3,
        ),
        TrainConfig(head="linear", optimizer="adam", learning_rate=0.05, steps=40, seed=7),
    ),
    "numbers-one-feature-packed": (
        ExplorerConfig(sequences=("1, 2, 3, 4, 5", "2, 4, 6, 8"), tokens="numbers", hidden_size=4),
        TrainConfig(learning_rate=0.05, steps=60, seed=2),
    ),
    "numbers-two-features-lstm-seq-first": (
        ExplorerConfig(
            sequences=("1 5; 2 5; 3 5", "0.5 5; 1 5; 1.5 5"), tokens="numbers", cell="lstm",
            hidden_size=4, batch_first=False,
        ),
        TrainConfig(learning_rate=0.05, steps=60, seed=2),
    ),
    "numbers-unequal-seq-first-embedding-ignored": (
        ExplorerConfig(
            sequences=("0.1, 0.5, 0.9", "-1 0.25 3 4.5"), tokens="numbers", hidden_size=3,
            batch_first=False, encoding="embedding",
        ),
        TrainConfig(optimizer="sgd", learning_rate=0.3, steps=30),
    ),
    "windows-longseq-lab-seed": (
        ExplorerConfig(sequences=("if you want to build a ship, don't",), hidden_size=14,
                       num_layers=2, window=10, stride=2),
        TrainConfig(head="linear", steps=30, lab_seed=True),
    ),
    "windows-words-logits": (
        ExplorerConfig(sequences=("the cat sat on", "the mat"), tokens="words", window=2,
                       hidden_size=5, cell="gru"),
        TrainConfig(steps=20),
    ),
    "windows-numbers-lab-seed": (
        ExplorerConfig(sequences=("1 10; 2 30; 3 20; 4 60; 5 50; 6 90",), tokens="numbers",
                       window=3, cell="lstm", hidden_size=4),
        TrainConfig(learning_rate=0.01, steps=30, lab_seed=True),
    ),
    "windows-mini-batches-embedding-random-state": (
        ExplorerConfig(sequences=("if you want to build a ship, don't drum up",), window=8,
                       encoding="embedding", input_size=5, cell="lstm", hidden_size=6,
                       init_state="random"),
        TrainConfig(head="linear", steps=25, batch_size=7, seed=3),
    ),
    "windows-numbers-mini-batches": (
        ExplorerConfig(sequences=(", ".join(str(i % 7) for i in range(40)),), tokens="numbers",
                       window=5, hidden_size=4),
        TrainConfig(learning_rate=0.05, steps=25, batch_size=10, seed=1),
    ),
    "diverging-relu-sgd": (
        ExplorerConfig(sequences=("abcdefghij" * 10,), hidden_size=16, nonlinearity="relu"),
        TrainConfig(head="linear", optimizer="sgd", learning_rate=10.0, steps=40),
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def printed_by_python() -> dict[str, str]:
    """Every case's code, run by a separate Python."""
    return dict(
        zip(CASES, run_snippets([training_code(*case) for case in CASES.values()]), strict=True)
    )


@pytest.mark.parametrize("name", [n for n in CASES if not n.startswith("diverging")])
def test_the_code_prints_the_explorers_training(name, printed_by_python):
    config, train_config = CASES[name]
    expected = expected_printout(config, train_config)
    assert expected.count("\n") == train_config.steps + 1
    assert printed_by_python[name] == expected


def test_a_diverging_run_prints_the_same_up_to_the_last_good_step(printed_by_python):
    config, train_config = CASES["diverging-relu-sgd"]
    result = train_to_end(config, train_config)
    assert result.diverged
    expected = expected_printout(config, train_config).splitlines()
    printed = printed_by_python["diverging-relu-sgd"].splitlines()
    assert len(expected) == result.last_step + 1 == result.diverged_at
    assert len(printed) == train_config.steps + 1  # the code has no stopping rule
    assert printed[: len(expected)] == expected
    loss = float(printed[result.diverged_at].split()[1].removeprefix("loss="))
    assert not math.isfinite(loss)
    note = divergence_note(result)
    assert f"step {result.diverged_at}" in note and f"kept step {result.last_step}" in note


def test_the_lecture_code_reads_like_the_lecture():
    code = training_code(*CASES["lecture-hihello"])
    for line in (
        "torch.manual_seed(0)",
        "h = [1, 0, 0, 0, 0]",
        "X = torch.Tensor([[h, i, h, e, l, l]])",
        "Y = torch.tensor([[vocab.index(t) for t in s] for s in targets])",
        "rnn = torch.nn.RNN(5, 5, batch_first=True)",
        "criterion = torch.nn.CrossEntropyLoss()",
        "optimizer = torch.optim.Adam(rnn.parameters(), lr=0.1)",
        "for step in range(101):",
    ):
        assert line in code
    assert "fc" not in code and "pack_padded_sequence" not in code
    first = expected_printout(*CASES["lecture-hihello"]).splitlines()[0]
    assert first.startswith("0 loss=") and first.endswith("predicted=['iiiiii']")


def test_no_note_without_divergence():
    assert divergence_note(train_to_end(*CASES["numbers-one-feature-packed"])) == ""
