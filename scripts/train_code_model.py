"""Train the `code_model` lesson's character LSTM on Python's own standard library.

The corpus is read at training time from the standard library installed on this machine
(`sysconfig.get_paths()["stdlib"]`): nothing is downloaded and no text is committed. Every
`.py` file (outside site-packages), in sorted order; a file is held out when the SHA-256
of its relative path says so (about 1 in 20), so the split is the same on every run.

    python scripts/train_code_model.py --seconds 900
    python scripts/train_code_model.py --resume model/data/code_lstm.safetensors --seconds 60

Writes the weights with the vocabulary (safetensors, metadata as JSON) and a note (JSON)
with the command, steps, seconds and the held-out loss in bits per character. One thread,
a time budget: the step count depends on the machine, the note records it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shlex
import sys
import sysconfig
import time
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from torch.nn import functional as F

# The vocabulary: tab, newline, printable ASCII, then one stand-in for every other char.
REPLACEMENT = "\ufffd"
VOCAB = "\t\n" + "".join(chr(code) for code in range(32, 127)) + REPLACEMENT
HELD_OUT_ONE_IN = 20  # a file is held out when its path hash % this == 0
WINDOW = 200  # characters per training window (truncated BPTT, from a zero state)
BATCH = 32  # windows per step
EVAL_WINDOW = 200  # the held-out text is cut into windows of this length, each from zero
MAX_EVAL_CHARS = 1_000_000  # the held-out loss reads at most this many characters
SLICE_FILES = 4  # the test slice: the first held-out files ...
SLICE_CHARS = 12_000  # ... their first this many characters, together
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "model" / "data" / "code_lstm.safetensors"


class CharLSTM(nn.Module):
    """One-hot characters -> one LSTM layer -> logits over the vocabulary."""

    def __init__(self, vocab_size: int, hidden_size: int) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.lstm = nn.LSTM(vocab_size, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:  # (B, T) -> (B, T, V)
        onehot = F.one_hot(ids, self.vocab_size).float()  # (B, T, V)
        hidden, _ = self.lstm(onehot)  # (B, T, H)
        return self.head(hidden)


def stdlib_files() -> tuple[Path, list[str]]:
    """The standard library's folder and its `.py` files, relative, sorted."""
    root = Path(sysconfig.get_paths()["stdlib"])
    names = sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if not {"site-packages", "dist-packages"} & set(path.relative_to(root).parts)
    )
    return root, names


def held_out(relative: str) -> bool:
    digest = hashlib.sha256(relative.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % HELD_OUT_ONE_IN == 0


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def read_files(root: Path, names: list[str], most: int | None = None) -> str:
    """The files one after the other; with `most`, reading stops once that many
    characters are in (a quick run, e.g. the resume test)."""
    texts, count = [], 0
    for name in names:
        if most is not None and count >= most:
            break
        texts.append(read_text(root / name))
        count += len(texts[-1])
    return "".join(texts)[:most]


def encode(text: str) -> torch.Tensor:
    index = {char: i for i, char in enumerate(VOCAB)}
    other = index[REPLACEMENT]
    return torch.tensor([index.get(char, other) for char in text], dtype=torch.long)


def test_slice(root: Path, held: list[str]) -> tuple[list[str], str]:
    """The small fixed held-out slice the test recomputes: the first held-out files,
    concatenated, cut to SLICE_CHARS."""
    names = held[:SLICE_FILES]
    text = "".join(read_text(root / name) for name in names)[:SLICE_CHARS]
    return names, text


@torch.no_grad()
def bits_per_char(model: CharLSTM, ids: torch.Tensor, window: int = EVAL_WINDOW) -> float:
    """Mean cross-entropy in bits of each next character, the text cut into windows
    that each start from a zero state (as in training); a last short window counts."""
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(ids) - 1, window * 64):
        chunk = ids[start : start + window * 64 + 1]
        pieces = [chunk[i : i + window + 1] for i in range(0, len(chunk) - 1, window)]
        full = [p for p in pieces if len(p) == window + 1]
        rest = [p for p in pieces if len(p) != window + 1]
        for group in ([torch.stack(full)] if full else []) + [p[None] for p in rest]:
            logits = model(group[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, model.vocab_size),
                                   group[:, 1:].reshape(-1), reduction="sum")  # fmt: skip
            total += float(loss)
            count += group[:, 1:].numel()
    model.train()
    return total / count / math.log(2)


def save(model: CharLSTM, path: Path, note: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {name: value.detach().contiguous() for name, value in model.state_dict().items()}
    metadata = {"vocab": json.dumps(VOCAB), "hidden_size": str(model.lstm.hidden_size),
                "note": json.dumps(note)}  # fmt: skip
    save_file(tensors, str(path), metadata=metadata)
    path.with_suffix(".json").write_text(json.dumps(note, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=900.0, help="training time budget")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", type=Path, help="continue from these weights")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--eval-chars", type=int, default=MAX_EVAL_CHARS)
    parser.add_argument("--train-chars", type=int, help="read training files up to this many")
    args = parser.parse_args(argv)
    given = sys.argv[1:] if argv is None else argv
    command = "python scripts/train_code_model.py " + shlex.join(given)
    print(command, flush=True)

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    root, names = stdlib_files()
    train_names = [name for name in names if not held_out(name)]
    held_names = [name for name in names if held_out(name)]
    train_ids = encode(read_files(root, train_names, args.train_chars))
    held_ids = encode("".join(read_text(root / name) for name in held_names))[: args.eval_chars]
    print(f"{len(train_names)} training files ({len(train_ids):,} chars), "
          f"{len(held_names)} held out", flush=True)  # fmt: skip

    model = CharLSTM(len(VOCAB), args.hidden)
    steps_before, seconds_before = 0, 0.0
    if args.resume:
        model.load_state_dict(load_file(str(args.resume)))
        with open(args.resume.with_suffix(".json"), encoding="utf-8") as note_file:
            old = json.load(note_file)
        steps_before, seconds_before = old["steps"], old["seconds"]
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    start, step, losses = time.monotonic(), 0, []
    while (elapsed := time.monotonic() - start) < args.seconds:
        fraction = elapsed / args.seconds  # cosine decay to a tenth over the budget
        for group in optimizer.param_groups:
            group["lr"] = args.lr * (0.1 + 0.45 * (1 + math.cos(math.pi * fraction)))
        starts = torch.randint(0, len(train_ids) - WINDOW - 1, (BATCH,), generator=generator)
        batch = torch.stack([train_ids[s : s + WINDOW + 1] for s in starts.tolist()])
        logits = model(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, len(VOCAB)), batch[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        losses.append(loss.item())
        if step % 200 == 0:
            recent = sum(losses[-200:]) / 200 / math.log(2)
            print(f"step {step}  {elapsed:.0f}s  train {recent:.3f} bits/char", flush=True)
    seconds = time.monotonic() - start

    slice_names, slice_text = test_slice(root, held_names)
    note = {
        "command": command,
        "steps": steps_before + step,
        "seconds": round(seconds_before + seconds, 1),
        "held_out_bits_per_char": round(bits_per_char(model, held_ids), 4),
        "held_out_chars": len(held_ids),
        "slice_files": slice_names,
        "slice_chars": len(slice_text),
        "slice_sha256": hashlib.sha256(slice_text.encode("utf-8")).hexdigest(),
        "slice_bits_per_char": round(bits_per_char(model, encode(slice_text)), 4),
        "eval_window": EVAL_WINDOW,
        "python": sys.version.split()[0],
        "stdlib_files": len(names),
        "train_files": len(train_names),
        "held_out_files": len(held_names),
        "hidden_size": args.hidden,
        "window": WINDOW,
        "batch": BATCH,
        "lr": args.lr,
        "seed": args.seed,
    }
    save(model, args.out, note)
    print(f"{note['steps']} steps, {note['seconds']} s, held-out loss "
          f"{note['held_out_bits_per_char']} bits/char -> {args.out}", flush=True)  # fmt: skip
    return note


if __name__ == "__main__":
    main()
