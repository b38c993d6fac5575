"""The "PyTorch code" tab through AppTest: the code that reproduces the scene, and what
it prints."""

from __future__ import annotations

from components.i18n import t
from model.codegen import python_code
from model.presets import PRESETS
from model.trace import trace

LECTURE = PRESETS["lecture"]


def test_code_panel_shows_the_code_and_its_printout(page):
    page.open("tab_code")
    code, printed = (block.value.rstrip("\n") for block in page.at.code)
    assert code == python_code(LECTURE).rstrip("\n")
    assert "torch.manual_seed(0)" in code and "rnn = torch.nn.RNN(4, 2)" in code
    assert "outputs, _status = rnn(input_data)" in code
    assert printed == trace(LECTURE).printed.rstrip("\n")
    assert "torch.Size([3, 5, 2])" in printed
    assert [block.language for block in page.at.code] == ["python", "text"]
    assert t("code_printout", "en") in " ".join(page.bodies("markdown"))


def test_code_panel_follows_the_scene(page):
    page.open("tab_code")
    page.set(main_cell="lstm", main_batch_first=True, main_sequences="hello\nhi")
    config = LECTURE.with_changes(cell="lstm", batch_first=True, sequences=("hello", "hi"))
    code, printed = (block.value.rstrip("\n") for block in page.at.code)
    assert code == python_code(config).rstrip("\n")
    assert "torch.nn.LSTM(5, 2, batch_first=True)" in code
    assert "pack_padded_sequence" in code  # unequal lines are packed
    assert printed == trace(config).printed.rstrip("\n")
    assert "torch.Size([2, 5, 2])" in printed
