"""The "code_model" lesson: a character LSTM that read Python's standard library.

The weights are trained by `scripts/train_code_model.py` on the `.py` files of the
standard library installed on the machine and shipped as safetensors (the vocabulary and
the training note ride along as metadata). This module runs a text through them step by
step, exactly as `nn.LSTM` computes (tested against it), keeps h, c and every gate,
finds the unit that follows each of `model.lessons.code_labels`' labels best (what
Python's own `tokenize` says about each character), and samples code.
torch + numpy + the standard library; no UI here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file

from model.cells import CELL_FACTS
from model.errors import ConfigError
from model.lessons.code_labels import LABELS, CodeLabels
from model.lessons.tasks import UnitFound, find_unit

WEIGHTS = Path(__file__).resolve().parents[1] / "data" / "code_lstm.safetensors"
MAX_CODE_CHARS = 4000  # characters analysed at once (states, labels, units)
MAX_PROMPT_CHARS = 500  # characters of a sampling prompt
MAX_SAMPLE_CHARS = 500  # characters sampled at once
MIN_TEMPERATURE = 0.1  # sampling temperature, at least ...
MAX_TEMPERATURE = 2.0  # ... and at most
MAX_SAMPLE_SEED = 2**31 - 1
# the code the lesson opens with: strings (a docstring, an f-string), nested brackets, blocks
EXAMPLE_CODE = '''def greet(names, width=20):
    """Say hello to every name (a docstring)."""
    for name in sorted(names, key=len):
        if len(name) > width:
            name = name[: width - 1] + "~"
        line = "Hello, {}!".format(name.title())
        print(f"{line:>{width}} ({len(name)} letters)")
    return {"count": len(names), "widths": [len(n) for n in names]}
'''


@dataclass(frozen=True, eq=False)
class CodeModel:
    """The shipped LSTM: one layer, one-hot input over `vocab`, a linear read-out."""

    vocab: str  # the characters, in input order; the last one stands in for any other
    weight_ih: torch.Tensor  # (4H, V), gates in PyTorch's order i, f, g, o
    weight_hh: torch.Tensor  # (4H, H)
    bias: torch.Tensor  # (4H,) b_ih + b_hh
    head_weight: torch.Tensor  # (V, H)
    head_bias: torch.Tensor  # (V,)
    note: dict  # the training note: command, steps, seconds, held-out loss

    @property
    def hidden_size(self) -> int:
        return self.weight_hh.shape[1]


@dataclass(frozen=True, eq=False)
class CodeStates:
    text: str
    hidden: np.ndarray  # (T, H) h after each character
    cell: np.ndarray  # (T, H) c after each character
    gates: dict[str, np.ndarray]  # gate name (PyTorch's order i, f, g, o) -> (T, H)

    def values(self, quantity: str) -> np.ndarray:
        """(T, H) of h, c or a gate, by the name `find_units` gives."""
        return {"h": self.hidden, "c": self.cell}.get(quantity, self.gates.get(quantity))


def load_code_model(path: Path | str = WEIGHTS) -> CodeModel:
    """The weights of `path` (safetensors: tensors and JSON metadata only, no pickle)."""
    return _load(str(path))


@lru_cache(maxsize=2)
def _load(path: str) -> CodeModel:
    tensors = load_file(path)
    with safe_open(path, framework="pt") as handle:
        metadata = handle.metadata()
    return CodeModel(
        vocab=json.loads(metadata["vocab"]),
        weight_ih=tensors["lstm.weight_ih_l0"],
        weight_hh=tensors["lstm.weight_hh_l0"],
        bias=tensors["lstm.bias_ih_l0"] + tensors["lstm.bias_hh_l0"],
        head_weight=tensors["head.weight"],
        head_bias=tensors["head.bias"],
        note=json.loads(metadata["note"]),
    )


def normalise(text: str) -> str:
    """Line ends as "\\n" (a pasted Windows text reads as it would from a .py file)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def encode(model: CodeModel, text: str) -> torch.Tensor:
    """Character ids (T,); a character outside the vocabulary is its last entry."""
    index = {char: i for i, char in enumerate(model.vocab)}
    other = len(model.vocab) - 1
    return torch.tensor([index.get(char, other) for char in text], dtype=torch.long)


def check_code(text: str, most: int = MAX_CODE_CHARS) -> None:
    if not text:
        raise ConfigError("Type some code first.", "err_code_model_empty")
    if len(text) > most:
        raise ConfigError(f"The code is {len(text)} characters long; at most {most} are read.",
                          "err_code_model_long", length=len(text), most=most)  # fmt: skip


@torch.no_grad()
def run_ids(model: CodeModel, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """h and c after every character, (B, T, H) each, from a zero state: the LSTM's
    equations one step at a time (a one-hot input picks a column of W_ih)."""
    hidden, cell, _ = _run(model, ids, keep_gates=False)
    return hidden, cell


def _run(model: CodeModel, ids: torch.Tensor, keep_gates: bool):
    """h, c (B, T, H) and, with `keep_gates`, each gate's values (name -> (B, T, H))."""
    batch, steps = ids.shape
    size = model.hidden_size
    h = torch.zeros(batch, size)
    c = torch.zeros(batch, size)
    inputs = model.weight_ih.T[ids] + model.bias  # (B, T, 4H)
    hs, cs, kept = [], [], []
    for step in range(steps):
        gates = inputs[:, step] + h @ model.weight_hh.T  # (B, 4H)
        i, f, g, o = gates.chunk(4, dim=1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        hs.append(h)
        cs.append(c)
        if keep_gates:
            kept.append((i, f, g, o))
    if not keep_gates:
        return torch.stack(hs, 1), torch.stack(cs, 1), {}
    names = CELL_FACTS["lstm"].gates  # input, forget, candidate, output
    opened = {name: torch.stack([k[n] for k in kept], 1) for n, name in enumerate(names)}
    return torch.stack(hs, 1), torch.stack(cs, 1), opened


def code_states(model: CodeModel, text: str) -> CodeStates:
    """The states after each character of `text` (at most MAX_CODE_CHARS)."""
    check_code(text)
    with torch.no_grad():
        hidden, cell, gates = _run(model, encode(model, text)[None], keep_gates=True)
    opened = {name: value[0].numpy() for name, value in gates.items()}
    return CodeStates(text, hidden[0].numpy(), cell[0].numpy(), opened)


@torch.no_grad()
def bits_per_char(model: CodeModel, text: str, window: int) -> float:
    """Mean cross-entropy (bits) of each next character, the text cut into windows of
    `window` + 1 characters (the last may be shorter), each read from a zero state: how
    the training script measures its held-out loss."""
    ids = encode(model, text)
    total, count = 0.0, 0
    pieces = [ids[i : i + window + 1] for i in range(0, len(ids) - 1, window)]
    groups = [torch.stack([p for p in pieces if len(p) == window + 1])]
    groups += [p[None] for p in pieces if len(p) != window + 1]
    for group in groups:
        if not len(group):
            continue
        hidden, _ = run_ids(model, group[:, :-1])
        logits = hidden @ model.head_weight.T + model.head_bias  # (B, T, V)
        targets = group[:, 1:].reshape(-1)
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), targets, reduction="sum"
        )
        total += float(loss)
        count += group[:, 1:].numel()
    return total / count / math.log(2)


def find_units(states: CodeStates, labels: CodeLabels) -> dict[str, UnitFound | None]:
    """For each label, the unit of h, c or a gate whose value correlates best with it
    (Pearson r over the characters); None when the label never varies in this text."""
    found: dict[str, UnitFound | None] = {}
    quantities = {"h": states.hidden, "c": states.cell, **states.gates}
    for name in LABELS:
        try:
            found[name] = find_unit(quantities, labels.of(name).astype(np.float64))
        except ConfigError:
            found[name] = None
    return found


def check_sampling(prompt: str, length: int, temperature: float, seed: int) -> None:
    if len(prompt) > MAX_PROMPT_CHARS:
        raise ConfigError(f"The prompt is {len(prompt)} characters long; at most "
                          f"{MAX_PROMPT_CHARS} are read.", "err_code_model_prompt",
                          length=len(prompt), most=MAX_PROMPT_CHARS)  # fmt: skip
    if not 1 <= length <= MAX_SAMPLE_CHARS:
        raise ConfigError(f"Sample between 1 and {MAX_SAMPLE_CHARS} characters.",
                          "err_code_model_sample_length", most=MAX_SAMPLE_CHARS)  # fmt: skip
    if not MIN_TEMPERATURE <= temperature <= MAX_TEMPERATURE:
        raise ConfigError(f"The temperature must be between {MIN_TEMPERATURE} and "
                          f"{MAX_TEMPERATURE}.", "err_code_model_temperature",
                          low=MIN_TEMPERATURE, high=MAX_TEMPERATURE)  # fmt: skip
    if not 0 <= seed <= MAX_SAMPLE_SEED:
        raise ConfigError(f"The seed must be between 0 and {MAX_SAMPLE_SEED}.",
                          "err_code_model_seed", most=MAX_SAMPLE_SEED)  # fmt: skip


@torch.no_grad()
def sample(model: CodeModel, prompt: str, length: int, temperature: float, seed: int) -> str:
    """`length` characters after `prompt`, each drawn from softmax(logits / temperature)
    with a seeded generator (the same arguments give the same text). An empty prompt
    starts as if after a newline."""
    check_sampling(prompt, length, temperature, seed)
    generator = torch.Generator().manual_seed(seed)
    ids = encode(model, normalise(prompt) or "\n")
    h = torch.zeros(1, model.hidden_size)
    c = torch.zeros(1, model.hidden_size)
    out = []
    for step in range(len(ids) + length - 1):
        char = ids[step] if step < len(ids) else out[-1]
        gates = model.weight_ih[:, char] + model.bias + h @ model.weight_hh.T
        i, f, g, o = gates.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        if step >= len(ids) - 1:
            logits = (h @ model.head_weight.T + model.head_bias)[0] / temperature
            out.append(int(torch.multinomial(torch.softmax(logits, 0), 1, generator=generator)))
    return "".join(model.vocab[i] for i in out)
