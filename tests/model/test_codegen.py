"""The PyTorch panel: the generated code, run by a real Python, prints exactly what the
panel shows, and the module it builds has the weights the explorer traced."""

from __future__ import annotations

import pytest
import torch

from model.codegen import python_code
from model.config import ExplorerConfig
from model.presets import PRESETS
from model.trace import trace
from tests.model.snippets import printed_by_python as run_snippets

CASES = {
    **{f"preset-{name}": config for name, config in PRESETS.items()},
    "lstm-random-state-packed": ExplorerConfig(
        sequences=("hello", "hi"), cell="lstm", hidden_size=3, init_state="random",
        bidirectional=True, num_layers=2,
    ),
    "gru-words-embedding-packed": ExplorerConfig(
        sequences=("the cat sat", "a dog"), tokens="words", encoding="embedding",
        input_size=5, cell="gru",
    ),
    "embedding-unequal-seq-first": ExplorerConfig(
        sequences=("the cat sat", "a dog"), tokens="words", encoding="embedding",
        input_size=5, batch_first=False,
    ),
    "korean-relu-no-bias": ExplorerConfig(
        sequences=("안녕하세요", "hi!"), hidden_size=3, batch_first=False,
        nonlinearity="relu", bias=False,
    ),
    "numbers-unequal": ExplorerConfig(
        sequences=("0.1, 0.5, 0.9", "1 2 3 4"), tokens="numbers", hidden_size=3
    ),
    "numbers-features": ExplorerConfig(
        sequences=("1 2; 3 4; 5 6",), tokens="numbers", hidden_size=3, seed=7
    ),
    "quotes-and-keywords": ExplorerConfig(
        sequences=('if "x" \\ \'y\'', "pad _ def"), hidden_size=2, seed=3
    ),
    "windows-chars-gappy-stride": ExplorerConfig(
        sequences=("hello world", " and more"), window=3, stride=5, hidden_size=3
    ),
    "windows-korean-embedding": ExplorerConfig(
        sequences=("안녕 👍🏽 하세요",), window=4, encoding="embedding", input_size=3
    ),
    "windows-words": ExplorerConfig(
        sequences=("the cat sat", "on the mat"), tokens="words", window=2, cell="gru"
    ),
    "windows-numbers": ExplorerConfig(
        sequences=("1 2; 3 4; 5 6; 7 8", "9 10; 11 12"), tokens="numbers", window=3,
        stride=2, cell="lstm", hidden_size=3,
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def printed_by_python() -> dict[str, str]:
    """Every case's code, run by a separate Python."""
    return dict(
        zip(CASES, run_snippets([python_code(config) for config in CASES.values()]), strict=True)
    )


@pytest.mark.parametrize("name", CASES)
def test_generated_code_prints_what_the_panel_shows(name, printed_by_python):
    """The panel shows trace().printed: the module's own forward, autograd and all."""
    assert printed_by_python[name] == trace(CASES[name]).printed


def test_lecture_code_is_the_lecture():
    code = python_code(PRESETS["lecture"])
    assert "torch.manual_seed(0)" in code
    assert "h = [1, 0, 0, 0]" in code
    assert "input_data = torch.Tensor([[h, e, l, l, o], [e, o, l, l, l], [l, l, e, e, l]])" in code
    assert "rnn = torch.nn.RNN(4, 2)\n" in code
    assert "outputs, _status = rnn(input_data)" in code
    assert trace(PRESETS["lecture"]).printed.endswith("torch.Size([3, 5, 2])\n")


@pytest.mark.parametrize("name", ["lecture", "sentence"])
def test_printout_numbers_are_the_traced_numbers(name):
    """The panel's printed tensor and the charts come from the same weights."""
    config = PRESETS[name]
    result = trace(config)
    namespace: dict = {}
    code = python_code(config).replace("print(outputs)\nprint(outputs.size())\n", "")
    exec(compile(code, "<generated>", "exec"), namespace)  # our own template, in a test
    outputs = namespace["outputs"].detach()
    if not config.batch_first:
        outputs = outputs.transpose(0, 1)
    torch.testing.assert_close(outputs, torch.from_numpy(result.output), atol=1e-6, rtol=0)
