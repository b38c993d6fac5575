"""What the lesson panels cost a rerun: this tree's app.py beside an earlier commit's
(default: the explorer foundation, before the panels), in one run.

    python bench/panels_overhead.py                      # vs 44d5480, 3 alternating rounds
    python bench/panels_overhead.py --baseline <commit> --rounds 5
    python bench/panels_overhead.py --smoke              # one round of one rerun each

Each round runs one child Python per tree (the trees cannot share one process: both
have a `components` package). A child measures, with AppTest, the lecture preset's warm
rerun (nothing changed) and a new 5-letter word each time (a cache miss), each
interleaved with reruns of bench/apps/empty_app.py, and prints the medians. Rounds alternate
the trees so both see the same machine load. The target (issue 3): the lecture preset
with every panel present at most 20% slower than the foundation. --smoke exits 1 if a
child failed or an app raised.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # last: a child puts its own tree first, for its app's modules

from bench.common import EMPTY_APP, add_smoke, finish, smoke_note  # noqa: E402

FOUNDATION = "44d5480"  # "Split components/figures.py ...": the explorer before issue 3
TARGET = 1.2


def child(tree: Path, reps: int) -> dict:
    """Runs inside the tree's own Python: medians in seconds."""
    sys.path.insert(0, str(tree))
    import logging

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    empty = AppTest.from_file(str(EMPTY_APP), default_timeout=120)
    app = AppTest.from_file(str(tree / "app.py"), default_timeout=120)
    for _ in range(3):
        empty.run()
    app.run()  # imports and the first scene
    app.run()

    def timed(step) -> float:
        start = time.perf_counter()
        step()
        return time.perf_counter() - start

    warm, warm_empty, changed, changed_empty = [], [], [], []
    rng = random.Random(0)
    for _ in range(reps):
        warm.append(timed(app.run))
        warm_empty.append(timed(empty.run))
    for _ in range(reps):
        word = "".join(rng.choice("abcdefgh") for _ in range(5))
        changed.append(timed(lambda word=word: (set_text(app, word), app.run())))
        changed_empty.append(timed(empty.run))
    if app.exception:
        raise RuntimeError(f"{tree / 'app.py'} raised: {app.exception[0].value[:300]}")
    median = statistics.median
    return {
        "warm": median(warm),
        "warm_empty": median(warm_empty),
        "changed": median(changed),
        "changed_empty": median(changed_empty),
    }


def set_text(app, text: str) -> None:
    app.text_area(key="main_sequences").set_value(text)


def measure(tree: Path, reps: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(tree), "--reps", str(reps)],
        capture_output=True, text=True, cwd=tree,
    )  # fmt: skip
    if out.returncode:
        raise RuntimeError(f"the child measuring {tree} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=FOUNDATION, help="commit to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reps", type=int, default=15, help="reruns per series per round")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    add_smoke(parser)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(Path(args.child), args.reps)))
        return 0
    if args.smoke:
        args.rounds, args.reps = 1, 1
    smoke_note(args.smoke)
    started = time.perf_counter()
    # `kill` ends the run through the `finally` that removes the worktree
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "baseline"
        subprocess.run(["git", "worktree", "add", "-f", "--detach", str(base), args.baseline],
                       cwd=ROOT, check=True, capture_output=True)  # fmt: skip
        try:
            results = {"now": [], "baseline": []}
            for _ in range(args.rounds):
                results["now"].append(measure(ROOT, args.reps))
                results["baseline"].append(measure(base, args.reps))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT,
                           check=False, capture_output=True)  # fmt: skip
    report(results, args.baseline)
    return finish(started, args.smoke, failed=False)  # a failure raised before this


def report(results: dict, baseline: str) -> None:
    def med(tree: str, key: str) -> float:
        return statistics.median(r[key] for r in results[tree])

    print(f"\nLesson panels' cost per rerun: this tree vs {baseline} (medians over rounds)")
    print(f"{'':34}{'this tree':>12}{'baseline':>12}{'now/base':>10}{'target':>9}")
    for label, key in (("lecture rerun, nothing changed", "warm"),
                       ("new word each time (cache miss)", "changed")):  # fmt: skip
        now, base = med("now", key), med("baseline", key)
        ratio = now / base
        print(f"{label:34}{now * 1e3:10.1f}ms{base * 1e3:10.1f}ms{ratio:9.2f}x"
              f"{'<= ' + str(TARGET) + 'x':>9}")  # fmt: skip
        now_e, base_e = med("now", key + "_empty"), med("baseline", key + "_empty")
        print(f"{'  ... x the empty script':34}{now / now_e:11.1f}x{base / base_e:11.1f}x")


if __name__ == "__main__":
    sys.exit(main())
