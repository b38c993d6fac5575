"""How much the explorer's training loop costs beside a plain PyTorch loop, and the
memory its snapshots hold per session.

Run from the repository root: `python bench/training.py` (options: --reps, --big-reps,
--smoke). Prints figures beside their targets; asserts nothing (--smoke, a few training
steps of small models, exits 1 if the plain loop's losses differ). See bench/README.md.

Both loops run in this process with torch.set_num_threads(1), as the app does,
interleaved (explorer, plain, explorer, ...) so both see the same machine load:

* explorer: `model.training.run.train_to_end` (validation, the seeded build, every step's
  record with accuracy and a copy of the weights as the last good step, the snapshots
  for the views, predictions at the snapshot steps).
* plain: the PyTorch panel's own training code (`model.training.code.training_code`,
  the same build and the same operations) with its per-step predictions and print
  removed: it only keeps `loss.item()` per step, the least a loop can do.

Both include building the data and the module. The plain loop's losses are checked to
equal the explorer's. Beside the lecture's setups, the course's windowed labs: longseq
(a sentence in 170 windows) and timeseries (a synthetic stock CSV, 505 windows).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import add_smoke, finish, load_average, smoke_note, timed  # noqa: E402
from model.config import ExplorerConfig  # noqa: E402
from model.presets import PRESET_TRAINING, PRESETS  # noqa: E402
from model.training.code import training_code  # noqa: E402
from model.training.config import MAX_SNAPSHOT_BYTES, MAX_SNAPSHOTS, TrainConfig  # noqa: E402
from model.training.run import train, train_to_end  # noqa: E402

TARGET = 1.3
SENTENCE = "the quick brown fox jumps over the lazy dog by the river"  # 56 characters
_DROPPED = ("guesses = ", "predicted = ", "values = ")


def settings(smoke: bool) -> dict[str, tuple[ExplorerConfig, TrainConfig]]:
    """The two trained setups, and a third for memory only (built, not trained), a large model
    where MAX_SNAPSHOT_BYTES cuts the number of snapshots below MAX_SNAPSHOTS. --smoke:
    the same kinds, tiny."""
    lecture, big, large = (10, 16, 32) if smoke else (100, 128, 256)  # steps, hidden, hidden
    big_steps = 20 if smoke else 500
    return {
        f"lecture hihello, {lecture} steps": (
            ExplorerConfig(sequences=("hihello",), hidden_size=5),
            TrainConfig(head="logits", optimizer="adam", learning_rate=0.1, steps=lecture),
        ),
        f"hidden {big}, {big_steps} steps": (
            ExplorerConfig(sequences=(SENTENCE,), hidden_size=big),
            TrainConfig(head="linear", optimizer="adam", learning_rate=0.01, steps=big_steps),
        ),
        f"LSTM {large} x 2 layers bidir. (not trained)": (
            ExplorerConfig(
                sequences=(SENTENCE,), cell="lstm", hidden_size=large, num_layers=2,
                bidirectional=True,
            ),
            TrainConfig(head="linear", steps=500),
        ),
    }  # fmt: skip


def lab_settings(smoke: bool) -> dict[str, tuple[ExplorerConfig, TrainConfig]]:
    """The course's windowed labs as their presets: longseq (170 windows of 10 characters,
    2-layer RNN and a linear layer, 100 steps) and timeseries (the made-up stock file,
    505 windows of 7 days, LSTM(5, 10) and a linear layer, 500 steps of Adam 0.01)."""
    labs = {}
    for name, steps in (("longseq", 10 if smoke else 100), ("timeseries", 10 if smoke else 500)):
        labs[f"{name} windows, {steps} steps"] = (
            PRESETS[name],
            replace(PRESET_TRAINING[name], steps=steps),
        )
    return labs


def plain_loop(config: ExplorerConfig, train_config: TrainConfig):
    """The generated training code, compiled, recording losses instead of printing."""
    kept = []
    for line in training_code(config, train_config).splitlines():
        if line.strip().startswith(_DROPPED):
            continue
        if line.strip().startswith("print("):
            line = line.split("print(")[0] + "losses.append(loss.item())"
        kept.append(line)
    assert sum("losses.append" in line for line in kept) == 1
    return compile("\n".join(kept), "<plain loop>", "exec")


def run_plain(code) -> list[float]:
    namespace = {"losses": []}
    exec(code, namespace)  # our own generated code
    return namespace["losses"]


def measure(name: str, setup: tuple[ExplorerConfig, TrainConfig], reps: int) -> dict:
    config, train_config = setup
    code = plain_loop(config, train_config)
    result, losses = train_to_end(config, train_config), run_plain(code)  # warm-up
    same = result.losses.tolist() == losses
    explorer_times, plain_times = [], []
    for _ in range(reps):
        explorer_times.append(timed(train_to_end, config, train_config))
        plain_times.append(timed(run_plain, code))
    explorer, plain = statistics.median(explorer_times), statistics.median(plain_times)
    steps = train_config.steps + 1
    row = {
        "name": name,
        "reps": reps,
        "explorer": explorer,
        "plain": plain,
        "ratio": explorer / plain,
        "per_step_extra_ms": (explorer - plain) / steps * 1e3,
        "same": same,
        "snapshots": len(result.snapshots),
        "snapshot_bytes": result.snapshot_bytes,
        "weights": sum(t.numel() for t in result.weights.values()),
    }
    print(
        f"{name}: explorer median {explorer * 1e3:9.1f} ms   plain median {plain * 1e3:9.1f} ms"
        f"   ratio {row['ratio']:.2f}x   (n={reps}; explorer "
        f"{min(explorer_times) * 1e3:.1f}-{max(explorer_times) * 1e3:.1f} ms, plain "
        f"{min(plain_times) * 1e3:.1f}-{max(plain_times) * 1e3:.1f} ms)"
    )
    print(
        f"    {steps} steps: {explorer / steps * 1e3:.2f} vs {plain / steps * 1e3:.2f} ms/step "
        f"(+{row['per_step_extra_ms']:.3f} ms/step); plain losses equal the explorer's: "
        f"{'yes' if same else 'NO'}"
    )
    return row


def large_model_memory(setup: tuple[ExplorerConfig, TrainConfig]) -> tuple[int, int, int]:
    """(weights, snapshots it would keep, their bytes) for this setup, without training."""
    run = train(*setup)
    per_snapshot = sum(t.numel() * t.element_size() for t in run.network.state_dict().values())
    weights = sum(t.numel() for t in run.network.state_dict().values())
    return weights, len(run.snapshot_steps), per_snapshot * len(run.snapshot_steps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15, help="repetitions, lecture setup")
    parser.add_argument("--big-reps", type=int, default=3, help="repetitions, hidden 128")
    add_smoke(parser)
    args = parser.parse_args(argv)
    reps, big_reps = (1, 1) if args.smoke else (args.reps, args.big_reps)
    torch.set_num_threads(1)  # as app.py
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, ", end="")
    print(f"load average {load_average()} (2 cores)")
    smoke_note(args.smoke)
    print()
    started = time.perf_counter()
    (lecture, lecture_setup), (big, big_setup), (large, large_setup) = settings(args.smoke).items()
    rows = [measure(lecture, lecture_setup, reps), measure(big, big_setup, big_reps)]
    rows += [measure(name, setup, big_reps) for name, setup in lab_settings(args.smoke).items()]
    weights, kept, large_bytes = large_model_memory(large_setup)
    mib = 2**20
    print("\nSummary")
    print(f"{'setting':<32} {'explorer':>10} {'plain':>10} {'ratio':>7} {'target':>7} {'ok':>4}")
    for row in rows:
        ok = "yes" if row["ratio"] <= TARGET else "NO"
        print(
            f"{row['name']:<32} {row['explorer'] * 1e3:>8.1f}ms {row['plain'] * 1e3:>8.1f}ms "
            f"{row['ratio']:>6.2f}x {TARGET:>6.1f}x {ok:>4}"
        )
    print(
        f"\nSnapshot memory per session (limit MAX_SNAPSHOT_BYTES = {MAX_SNAPSHOT_BYTES:,} B "
        f"= {MAX_SNAPSHOT_BYTES / mib:.0f} MiB; at most {MAX_SNAPSHOTS} snapshots)"
    )
    print(f"{'setting':<40} {'weights':>10} {'snapshots':>10} {'bytes':>12} {'MiB':>7}")
    memory = [(r["name"], r["weights"], r["snapshots"], r["snapshot_bytes"]) for r in rows]
    memory.append((large, weights, kept, large_bytes))
    for name, count, snapshots, size in memory:
        print(f"{name:<40} {count:>10,} {snapshots:>10} {size:>12,} {size / mib:>7.2f}")
    different = [row["name"] for row in rows if not row["same"]]
    if different:
        print(f"\nProblem: the plain loop's losses differ from the explorer's: {different}")
    return finish(started, args.smoke, bool(different))


if __name__ == "__main__":
    sys.exit(main())
