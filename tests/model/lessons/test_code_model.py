"""The code_model lesson's backend: the shipped weights load, their loss on a fixed slice
of held-out standard library files is the number the training note gives, the training
script resumes from them, the step-by-step states are nn.LSTM's, the labels are what
tokenize says (exact, on a hand-written snippet), code that does not tokenize still gets
states and labels, the units found on the lesson's example follow strings and brackets,
and sampling is seeded."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from torch import nn

from components.i18n import error_text
from model.errors import ConfigError
from model.lessons.code_labels import code_labels
from model.lessons.code_model import (
    EXAMPLE_CODE,
    MAX_CODE_CHARS,
    MAX_SAMPLE_CHARS,
    WEIGHTS,
    bits_per_char,
    code_states,
    encode,
    find_units,
    load_code_model,
    sample,
)

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "train_code_model.py"
LOSS_TOLERANCE = 2e-3  # bits/char: the note rounds to 4 decimals; float sums differ a little


def script():
    spec = importlib.util.spec_from_file_location("train_code_model", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_weights_load_with_their_vocabulary_and_note():
    model = load_code_model()
    note = json.loads(WEIGHTS.with_suffix(".json").read_text(encoding="utf-8"))
    assert model.note == note
    assert model.vocab == script().VOCAB and len(model.vocab) == model.weight_ih.shape[1]
    assert model.weight_hh.shape == (4 * model.hidden_size, model.hidden_size)
    assert WEIGHTS.stat().st_size < 1_000_000
    assert note["command"].startswith("python scripts/train_code_model.py")
    assert note["steps"] > 0 and note["held_out_bits_per_char"] < 2.0


def test_the_loss_on_the_fixed_held_out_slice_is_the_notes():
    train = script()
    note = load_code_model().note
    if sys.version.split()[0] != note["python"]:
        pytest.skip(f"the slice is Python {note['python']}'s standard library")
    root, names = train.stdlib_files()
    held = [name for name in names if train.held_out(name)]
    slice_names, text = train.test_slice(root, held)
    assert slice_names == note["slice_files"] and len(text) == note["slice_chars"]
    assert all(train.held_out(name) for name in slice_names)
    loss = bits_per_char(load_code_model(), text, note["eval_window"])
    assert loss == pytest.approx(note["slice_bits_per_char"], abs=LOSS_TOLERANCE)


def test_the_script_resumes_from_the_shipped_weights(tmp_path):
    out = tmp_path / "resumed.safetensors"
    command = [sys.executable, str(SCRIPT), "--resume", str(WEIGHTS.relative_to(ROOT)),
               "--seconds", "2", "--out", str(out), "--train-chars", "100000",
               "--eval-chars", "2000", "--lr", "1e-4"]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "held-out loss" in done.stdout
    resumed = load_code_model(out)
    assert resumed.note["steps"] > load_code_model().note["steps"]
    assert "--resume" in resumed.note["command"]
    shipped = load_code_model()
    assert not torch.equal(resumed.weight_hh, shipped.weight_hh)  # it trained on
    assert torch.allclose(resumed.weight_hh, shipped.weight_hh, atol=0.05)  # from there


def test_the_states_are_nn_lstms():
    model = load_code_model()
    lstm = nn.LSTM(len(model.vocab), model.hidden_size, batch_first=True)
    tensors = load_file(str(WEIGHTS))
    lstm.load_state_dict({k.removeprefix("lstm."): v for k, v in tensors.items()
                          if k.startswith("lstm.")})  # fmt: skip
    text = EXAMPLE_CODE + "ünïcode → ?\r\n\tx = '''\n"
    onehot = nn.functional.one_hot(encode(model, text), len(model.vocab)).float()[None]
    with torch.no_grad():
        hidden, _ = lstm(onehot)
        cells = [lstm(onehot[:, : t + 1])[1][1][0, 0] for t in (0, 10, len(text) - 1)]
    states = code_states(model, text)
    np.testing.assert_allclose(states.hidden, hidden[0].numpy(), atol=1e-5)
    for t, cell in zip((0, 10, len(text) - 1), cells, strict=True):
        np.testing.assert_allclose(states.cell[t], cell.numpy(), atol=1e-5)


SNIPPET = "x = (\"a\", [1,\n  2])\ndef f():\n    '''d'''\n    return f\"{x}\"\n"
# one string of digits per line, a digit per character (the line end included)
STRING = ["00000111000000", "000000", "000000000", "000011111110", "000000000001111110"]
DEPTH = ["00001111112222", "222100", "000001000", "000000000000", "000000000000000000"]
INDENT = ["00000000000000", "000000", "000000000", "111111111111", "111111111111111111"]


def digits(lines: list[str]) -> list[int]:
    return [int(d) for d in "".join(lines)]


def test_the_labels_are_tokenizes_on_a_hand_written_snippet():
    labels = code_labels(SNIPPET)
    assert labels.exact
    assert labels.string.tolist() == digits(STRING)
    assert labels.depth.tolist() == digits(DEPTH)
    assert labels.indent.tolist() == digits(INDENT)
    columns = [c for line in SNIPPET.splitlines(keepends=True) for c in range(len(line))]
    assert labels.column.tolist() == columns


def test_the_scanner_agrees_on_code_that_tokenizes_and_labels_code_that_does_not():
    from model.lessons.code_labels import _scanned_labels

    scanned = _scanned_labels(SNIPPET)
    exact = code_labels(SNIPPET)
    for name in ("string", "depth", "indent", "column"):
        assert scanned.of(name).tolist() == exact.of(name).tolist(), name
    for broken in ("x = (1,\n  [2", "if x:\n    y\n  z\n", 's = """open\n', "def f(:\n"):
        labels = code_labels(broken)
        assert len(labels.depth) == len(broken)
        assert code_states(load_code_model(), broken).hidden.shape[0] == len(broken)
    assert not code_labels("x = (1,\n  [2").exact
    assert code_labels("x = (1,\n  [2").depth.tolist() == [0] * 4 + [1] * 6 + [2] * 2


def test_the_units_found_on_the_example_follow_strings_and_brackets():
    model = load_code_model()
    found = find_units(code_states(model, EXAMPLE_CODE), code_labels(EXAMPLE_CODE))
    assert set(found) == {"string", "depth", "indent", "column"}
    assert abs(found["string"].r) > 0.5
    assert abs(found["depth"].r) > 0.5
    # the shipped model (1.65 bits/char): string 0.73, depth 0.68, indent 0.69, column 0.62
    assert all(unit is not None and abs(unit.r) > 0.5 for unit in found.values())


def test_a_label_that_never_changes_finds_no_unit():
    found = find_units(code_states(load_code_model(), "x = 1\n"), code_labels("x = 1\n"))
    assert found["string"] is None and found["depth"] is None and found["column"] is not None


def test_sampling_is_seeded_and_has_the_length_asked():
    model = load_code_model()
    one = sample(model, "def ", 120, 0.8, seed=3)
    assert len(one) == 120 and set(one) <= set(model.vocab)
    assert sample(model, "def ", 120, 0.8, seed=3) == one
    assert sample(model, "def ", 120, 0.8, seed=4) != one
    assert len(sample(model, "", 5, 1.0, seed=0)) == 5


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda m: code_states(m, ""), "err_code_model_empty"),
        (lambda m: code_states(m, "x" * (MAX_CODE_CHARS + 1)), "err_code_model_long"),
        (lambda m: sample(m, "x" * 501, 10, 1.0, 0), "err_code_model_prompt"),
        (lambda m: sample(m, "", MAX_SAMPLE_CHARS + 1, 1.0, 0), "err_code_model_sample_length"),
        (lambda m: sample(m, "", 10, 0.0, 0), "err_code_model_temperature"),
        (lambda m: sample(m, "", 10, 1.0, -1), "err_code_model_seed"),
    ],
)
def test_limits_are_refused_with_a_text_key(call, key):
    with pytest.raises(ConfigError) as caught:
        call(load_code_model())
    assert caught.value.key == key
    assert error_text(caught.value, "en") == str(caught.value)
    assert error_text(caught.value, "ko") != str(caught.value)


def test_the_gates_are_the_lstms_and_are_searched_too():
    """Each gate after each character (PyTorch's i, f, g, o) rebuilds c and h by the LSTM's
    equations, and the unit finder searches the gates as well as h and c."""
    states = code_states(load_code_model(), SNIPPET)
    gates = states.gates
    assert list(gates) == ["input", "forget", "candidate", "output"]
    c_prev = np.vstack([np.zeros((1, states.cell.shape[1]), np.float32), states.cell[:-1]])
    rebuilt_c = gates["forget"] * c_prev + gates["input"] * gates["candidate"]
    np.testing.assert_allclose(rebuilt_c, states.cell, atol=1e-6)
    np.testing.assert_allclose(gates["output"] * np.tanh(states.cell), states.hidden, atol=1e-6)
    labels = code_labels(SNIPPET)
    rng = np.random.default_rng(0)
    tracking = {name: rng.normal(size=v.shape).astype(np.float32) for name, v in gates.items()}
    tracking["forget"][:, 5] = labels.depth  # a forget-gate unit that is the depth
    planted = type(states)(SNIPPET, rng.normal(size=states.hidden.shape),
                           rng.normal(size=states.cell.shape), tracking)  # fmt: skip
    found = find_units(planted, labels)["depth"]
    assert (found.quantity, found.unit) == ("forget", 5) and found.r > 0.999
    np.testing.assert_array_equal(planted.values("forget")[:, 5], labels.depth)
