"""Memory over a lecture: waves of students come and go for `--minutes` through nginx in
front of `--replicas` replicas; does each replica's resident memory settle?

Run from the repository root: `python bench/soak.py` (options: --help). See bench/LOAD.md.

Each replica first serves one student alone (its first session imports torch); then
every `--every` seconds a wave of `--wave` students arrives within `--ramp` seconds (the
scripted students of load.py: open the preset link, type their own word, switch the cell,
train; tests/support/students.py) and leaves when all of them are done (their websockets
close; Streamlit drops a closed session after `server.disconnectedSessionTTL`, 120 s).
Each replica's RSS (/proc/PID/status) is read as every wave leaves, and once more when
the last wave's sessions have expired. The figure: the last wave's reading against the
first wave's, per replica (target: within 10 %). Every process is on 127.0.0.1 and is
stopped by its PID, nginx first; the run stops after `--timeout` seconds. Asserts
nothing; `--smoke` (three waves of two students, five training steps) exits 1 if a
student failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import add_smoke  # noqa: E402
from bench.load import lecture, run_with_folder, settle  # noqa: E402
from bench.scaling import warm  # noqa: E402
from bench.server import BehindNginx  # noqa: E402
from model.presets import PRESETS  # noqa: E402
from tests.support.students import make_students  # noqa: E402

SESSION_TTL = 120  # s: Streamlit's server.disconnectedSessionTTL (the replicas' default)
SMOKE = {
    "minutes": 0.1, "every": 2.0, "wave": 2, "ramp": 0.5, "think": 0.1, "steps": 5,
    "expiry": 1.0, "timeout": 300.0, "run_timeout": 60.0,
}  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20, help="waves for this long (20)")
    parser.add_argument("--every", type=float, default=60, help="a wave every, s (60)")
    parser.add_argument("--wave", type=int, default=60, help="students per wave (60)")
    parser.add_argument("--ramp", type=float, default=20, help="a wave arrives within, s (20)")
    parser.add_argument("--think", type=float, default=3, help="mean pause, s (3)")
    parser.add_argument("--steps", type=int, default=100, help="training steps (100)")
    parser.add_argument("--replicas", type=int, default=2, help="replicas behind nginx (2)")
    parser.add_argument("--preset", default="hihello", choices=sorted(PRESETS))
    parser.add_argument("--seed", type=int, default=0, help="words, cells and pauses")
    parser.add_argument(
        "--expiry", type=float, default=SESSION_TTL + 15,
        help="wait after the last wave for its sessions to expire, s (135)",
    )  # fmt: skip
    parser.add_argument("--timeout", type=float, default=3000, help="overall cap, s (3000)")
    parser.add_argument("--run-timeout", type=float, default=120, help="one answer's cap, s")
    add_smoke(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        vars(args).update(SMOKE)
    args.assets, args.probe_every = False, 0  # what load.lecture reads
    return args


def mb_list(values: list[int]) -> str:
    return " / ".join(f"{v / 2**20:,.0f}" for v in values) + " MB"


async def soak(target: BehindNginx, args, deadline: float) -> tuple[list[str], bool]:
    lines, failed = [], False
    readings: list[list[int]] = []
    end = time.monotonic() + args.minutes * 60
    wave = 0
    while time.monotonic() < end and time.monotonic() + args.every < deadline:
        started = time.monotonic()
        students = make_students(args.wave, args.preset, args.steps, args.seed + wave)
        records, peak = await lecture(target, students, args, deadline, [])
        lost = sum(bool(r.failure) for r in records)
        failed |= lost > 0
        readings.append(target.rss_each())
        line = (
            f"  wave {wave + 1:3d} at {time.monotonic() - end + args.minutes * 60:5.0f} s: "
            f"{args.wave - lost}/{args.wave} held, {peak.seconds:.0f} s; RSS as it left "
            f"{mb_list(readings[-1])}; peak {mb_list([peak.rss])} in all"
        )
        print(line, flush=True)
        lines.append(line)
        wave += 1
        await asyncio.sleep(max(0.0, args.every - (time.monotonic() - started)))
    print(f"waiting {args.expiry:g} s for the last sessions to expire ...", flush=True)
    await asyncio.sleep(min(args.expiry, max(deadline - time.monotonic(), 0)))
    active, _ = await settle(target, 10.0)
    expired = target.rss_each()
    lines.append(f"after the last sessions expired: {active} active; RSS {mb_list(expired)}")
    if readings:
        first, last = readings[0], readings[-1]
        pairs = enumerate(zip(first, last, strict=True))
        changes = ", ".join(f"replica {i}: {100 * (b - a) / a:+.1f} %" for i, (a, b) in pairs)
        lines.append(f"last wave against the first, each replica: {changes} (target: within 10 %)")
    return lines, failed


async def measure(args, folder: Path, deadline: float) -> tuple[str, bool]:
    target = BehindNginx(folder, args.replicas)
    try:
        await asyncio.to_thread(target.start)
        print(f"{args.replicas} replicas behind nginx at {target.base_url}", flush=True)
        # each replica imports torch on its first session: before the first wave's reading
        warmed = await warm(target.replica_urls, args)
        lines, failed = await soak(target, args, deadline)
        failed |= not warmed
        tracebacks, _ = target.log_counts()
    finally:
        target.stop()
    head = [
        f"Soak: a wave of {args.wave} students every {args.every:g} s for {args.minutes:g} "
        f"min, through nginx to {args.replicas} replicas; preset {args.preset}, "
        f"{args.steps} training steps",
        f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end; "
        f"server logs: {tracebacks} tracebacks ({folder})",
        "",
    ]
    return "\n".join(head + lines), failed or tracebacks > 0


def main(argv: list[str] | None = None) -> int:
    return run_with_folder(parse_args(argv), measure, "soak-")


if __name__ == "__main__":
    sys.exit(main())
