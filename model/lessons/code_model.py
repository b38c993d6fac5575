"""The "code_model" lesson: a character LSTM that read Python's standard library.

The weights are trained by `scripts/train_code_model.py` on the `.py` files of the
standard library installed on the machine and shipped as safetensors (the vocabulary and
the training note ride along as metadata). This module runs a text through them step by
step, exactly as `nn.LSTM` computes (tested against it), labels every character with
what Python's own `tokenize` says about it (inside a string, bracket depth, indentation
level, column), finds the unit of h or c that follows each label best, and samples code.
torch + numpy + the standard library; no UI here.
"""

from __future__ import annotations

import io
import json
import math
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file

from model.errors import ConfigError
from model.lessons.tasks import UnitFound, find_unit

WEIGHTS = Path(__file__).resolve().parents[1] / "data" / "code_lstm.safetensors"
MAX_CODE_CHARS = 4000  # characters analysed at once (states, labels, units)
MAX_PROMPT_CHARS = 500  # characters of a sampling prompt
MAX_SAMPLE_CHARS = 500  # characters sampled at once
MIN_TEMPERATURE = 0.1  # sampling temperature, at least ...
MAX_TEMPERATURE = 2.0  # ... and at most
MAX_SAMPLE_SEED = 2**31 - 1
LABELS = ("string", "depth", "indent", "column")  # what each character is labelled with
OPENING, CLOSING = "([{", ")]}"
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


@dataclass(frozen=True, eq=False)
class CodeLabels:
    """Per character (T,): inside a string literal (0/1), open brackets after it, the
    indentation level of its line, its column. `exact`: from tokenize; otherwise from
    the tolerant scanner (the code does not tokenize)."""

    string: np.ndarray
    depth: np.ndarray
    indent: np.ndarray
    column: np.ndarray
    exact: bool

    def of(self, name: str) -> np.ndarray:
        return getattr(self, name)


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
    batch, steps = ids.shape
    size = model.hidden_size
    h = torch.zeros(batch, size)
    c = torch.zeros(batch, size)
    inputs = model.weight_ih.T[ids] + model.bias  # (B, T, 4H)
    hs, cs = [], []
    for step in range(steps):
        gates = inputs[:, step] + h @ model.weight_hh.T  # (B, 4H)
        i, f, g, o = gates.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        hs.append(h)
        cs.append(c)
    return torch.stack(hs, 1), torch.stack(cs, 1)


def code_states(model: CodeModel, text: str) -> CodeStates:
    """The states after each character of `text` (at most MAX_CODE_CHARS)."""
    check_code(text)
    hidden, cell = run_ids(model, encode(model, text)[None])
    return CodeStates(text, hidden[0].numpy(), cell[0].numpy())


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


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def _columns(text: str) -> np.ndarray:
    starts = _line_starts(text)
    columns = np.zeros(len(text), dtype=np.int64)
    for row, start in enumerate(starts):
        end = starts[row + 1] if row + 1 < len(starts) else len(text)
        columns[start:end] = np.arange(end - start)
    return columns


def code_labels(text: str) -> CodeLabels:
    """Each character's labels, from `tokenize`; if the code does not tokenize (an
    unclosed bracket or string, a bad dedent), from a tolerant scanner instead."""
    try:
        return _tokenize_labels(text)
    except (tokenize.TokenError, SyntaxError):
        return _scanned_labels(text)


def _tokenize_labels(text: str) -> CodeLabels:
    size = len(text)
    starts = _line_starts(text)

    def offset(position: tuple[int, int]) -> int:
        row, col = position
        return min(starts[row - 1] + col, size) if row - 1 < len(starts) else size

    string = np.zeros(size, dtype=np.int64)
    depth_change = np.zeros(size + 1, dtype=np.int64)  # +1 after an opening bracket
    indent_rows: list[tuple[int, int]] = []  # (first row, level) as tokenize says
    level, fstring_starts = 0, []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        kind, where = token.type, offset(token.start)
        if kind == tokenize.STRING:
            string[where : offset(token.end)] = 1
        elif kind == getattr(tokenize, "FSTRING_START", -1):  # Python 3.12 and later
            fstring_starts.append(where)
        elif kind == getattr(tokenize, "FSTRING_END", -1) and fstring_starts:
            string[fstring_starts.pop() : offset(token.end)] = 1
        elif kind == tokenize.OP and token.string in OPENING + CLOSING and not fstring_starts:
            depth_change[where] += 1 if token.string in OPENING else -1
        elif kind in (tokenize.INDENT, tokenize.DEDENT):
            level += 1 if kind == tokenize.INDENT else -1
            indent_rows.append((token.start[0], level))
    depth = np.maximum(np.cumsum(depth_change)[:size], 0)
    indent = np.zeros(size, dtype=np.int64)
    for row, row_level in indent_rows:  # a level holds from its row on
        if row - 1 < len(starts):
            indent[starts[row - 1] :] = row_level
    return CodeLabels(string, depth, indent, _columns(text), exact=True)


def _scanned_labels(text: str) -> CodeLabels:
    """Approximate labels without tokenize: quotes (single, triple, a prefix such as
    f or rb counted in the string as tokenize does), `#` comments, brackets outside
    both, and indentation as a stack of leading-space widths."""
    size = len(text)
    string = np.zeros(size, dtype=np.int64)
    depth = np.zeros(size, dtype=np.int64)
    quote, comment, open_brackets, index = "", False, 0, 0
    while index < size:
        char = text[index]
        if quote:
            string[index] = 1
            if char == "\\" and index + 1 < size:
                string[index + 1] = 1
                depth[index : index + 2] = open_brackets
                index += 2
                continue
            if text.startswith(quote, index):
                string[index : index + len(quote)] = 1
                depth[index : index + len(quote)] = open_brackets
                index += len(quote)
                quote = ""
                continue
            if char == "\n" and len(quote) == 1:
                quote = ""
        elif comment:
            comment = char != "\n"
        elif char == "#":
            comment = True
        elif char in "'\"":
            quote = char * 3 if text.startswith(char * 3, index) else char
            string[_prefix_start(text, index) : index + len(quote)] = 1
            depth[index : index + len(quote)] = open_brackets
            index += len(quote)
            continue
        elif char in OPENING:
            open_brackets += 1
        elif char in CLOSING:
            open_brackets = max(0, open_brackets - 1)
        depth[index] = open_brackets
        index += 1
    indent = _scanned_indent(text, string, depth)
    return CodeLabels(string, depth, indent, _columns(text), exact=False)


def _prefix_start(text: str, quote: int) -> int:
    """Where a string opening at `quote` starts: before its prefix letters (f, rb, ...)
    when they stand alone, not at the end of a longer name."""
    start = quote
    while start > quote - 2 and start > 0 and text[start - 1] in "rRbBuUfF":
        start -= 1
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        return quote
    return start


def _scanned_indent(text: str, string: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """A line opens or closes a level only when it starts a statement: not inside
    brackets or a string left open by the line before."""
    indent = np.zeros(len(text), dtype=np.int64)
    widths, position = [0], 0
    for line in text.split("\n"):
        body = line.lstrip(" \t")
        continued = position > 0 and (depth[position - 1] > 0 or string[position - 1] > 0)
        if body and not body.startswith("#") and not continued:
            width = len(line) - len(body)
            while width < widths[-1]:
                widths.pop()
            if width > widths[-1]:
                widths.append(width)
        indent[position : position + len(line) + 1] = len(widths) - 1
        position += len(line) + 1
    return indent


def find_units(states: CodeStates, labels: CodeLabels) -> dict[str, UnitFound | None]:
    """For each label, the unit of h or c whose value correlates best with it (Pearson
    r over the characters); None when the label never varies in this text."""
    found: dict[str, UnitFound | None] = {}
    quantities = {"h": states.hidden, "c": states.cell}
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
