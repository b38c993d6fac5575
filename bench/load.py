"""A lecture hall on the real server: many students at once, each doing what a student does.

Run from the repository root: `python bench/load.py` (options: --help). See bench/LOAD.md.

It starts `streamlit run app.py` itself (127.0.0.1, a free port, the shipped
.streamlit/config.toml), then drives sessions through Streamlit's websocket protocol, no
browser: the scripted students of tests/support/students.py (the ones
tests/e2e/test_server_sessions.py runs), each a tests/support/streamlit_sessions.py
`Session`. Each student opens the preset link, types a word, switches the cell type and
trains for the lecture's 100 steps, with a pause to think between steps; every
interaction is checked against what the page then shows. First a few students do the
same alone, one after another (the baseline), then `--sessions` students arrive within
`--ramp` seconds.
All sessions stay open until every student is done (the peak); then they close, and the
server's memory and `active_sessions` are read again, and once more after the server's
`disconnectedSessionTTL`. The run stops by itself after `--timeout` seconds, and always
stops the server it started (by its PID), also on Ctrl-C or an error. Asserts nothing;
`--smoke` (two students, five training steps, a 1 s TTL) exits 1 if a student failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import add_smoke, finish, smoke_note  # noqa: E402
from bench.load_report import Peak, mb, report  # noqa: E402
from bench.server import Server  # noqa: E402
from model.presets import PRESETS  # noqa: E402
from tests.support.streamlit_sessions import NoAnswer, Session  # noqa: E402
from tests.support.students import (  # noqa: E402
    CELL_LABELS,
    INTERACTIONS,
    Record,
    Student,
    attend,
    make_students,
)

DEFAULT_TTL = 120  # seconds: Streamlit's server.disconnectedSessionTTL default
SMOKE = {  # --smoke: a few seconds, the same phases
    "sessions": 2, "baseline": 1, "steps": 5, "ramp": 0.5, "think": 0.1,
    "probe_every": 0.5, "ttl": 1, "timeout": 120.0, "run_timeout": 60.0,
}  # fmt: skip

# --- the phases ---------------------------------------------------------------------------


SETTLE = 0.2  # s after an alone student's interaction before the next: its trailing work


def _read_cpu(server: Server, readings: list[float], pause: float) -> float:
    """A student's `think()`: note the server's CPU time now; pause this long."""
    readings.append(server.cpu_seconds())
    return pause


async def alone(server: Server, students: list[Student], args, cpu=None) -> list[Record]:
    """Students one after another, each alone on the server, without pauses. With `cpu`
    (a dict), the server CPU seconds of each interaction are appended under its name: the
    reading is taken as each answer arrives, so work the server does after its
    script_finished (a few ms) counts to the next interaction."""
    records = []
    for student in students:
        session = server.session(args.run_timeout, args.assets)
        readings = [server.cpu_seconds()]
        think = functools.partial(_read_cpu, server, readings, SETTLE if cpu is not None else 0.0)
        records.append(await attend(session, Record(student), 0.0, think))
        await asyncio.sleep(SETTLE if cpu is not None else 0.0)
        readings.append(server.cpu_seconds())
        await session.close()
        if cpu is not None and not records[-1].failure:
            for name, (a, b) in zip(INTERACTIONS, itertools.pairwise(readings), strict=True):
                cpu.setdefault(name, []).append(b - a)
    return records


async def lecture(server, students, args, deadline, probes) -> tuple[list[Record], Peak]:
    """Every student arrives within `--ramp` s; all stay connected until all are done."""
    rng = random.Random(args.seed + 1)

    def think() -> float:
        return rng.uniform(0.5, 1.5) * args.think

    sessions = [server.session(args.run_timeout, args.assets) for _ in students]
    records = [Record(student) for student in students]
    cpu, start = server.cpu_seconds(), time.monotonic()
    tasks = [
        asyncio.create_task(attend(session, record, args.ramp * i / len(students), think))
        for i, (session, record) in enumerate(zip(sessions, records, strict=True))
    ]
    ticker = asyncio.create_task(tick(server, records, start))
    probing = asyncio.create_task(probe(server, args, probes))
    _, pending = await asyncio.wait(tasks, timeout=max(deadline - time.monotonic(), 1.0))
    for task in (*pending, ticker, probing):
        task.cancel()
    await asyncio.gather(*pending, ticker, probing, return_exceptions=True)
    for task, record in zip(tasks, records, strict=True):
        if task.cancelled():
            record.failure, record.failed_at = "unfinished at the time cap", "time cap"
    seconds = time.monotonic() - start
    active = await asyncio.to_thread(server.active_sessions)
    peak = Peak(seconds, active, server.rss(), server.cpu_seconds() - cpu, len(pending))
    await asyncio.gather(*(close(s) for s in sessions))
    return records, peak


async def probe(server: Server, args, latencies: list[float]) -> None:
    """One more student who, once the others have arrived, switches the cell every
    `--probe-every` s until they are done: how long a cheap interaction takes while the
    others train. Latencies of answered switches go to `latencies` (a failure: inf)."""
    if args.probe_every <= 0:
        return
    session = server.session(args.run_timeout)
    try:
        await session.open(f"preset={args.preset}")
        await asyncio.sleep(args.ramp)
        for cell in itertools.cycle(CELL_LABELS):
            try:
                run = await session.set_value("main_cell", cell)
            except NoAnswer:
                latencies.append(float("inf"))
                return
            latencies.append(run.seconds if run.ok else float("inf"))
            await asyncio.sleep(args.probe_every)
    finally:
        await close(session)


async def tick(server: Server, records: list[Record], start: float, every: float = 30) -> None:
    """A progress line every `every` seconds while the students work."""
    while True:
        await asyncio.sleep(every)
        done = {name: sum(name in r.runs for r in records) for name in INTERACTIONS}
        failed = sum(bool(r.failure) for r in records)
        counts = ", ".join(f"{name} {count}" for name, count in done.items())
        print(
            f"  {time.monotonic() - start:5.0f} s: answered {counts} of {len(records)}; "
            f"{failed} failed; server RSS {mb(server.rss())}",
            flush=True,
        )


async def close(session: Session) -> None:
    with contextlib.suppress(TimeoutError, OSError):
        await asyncio.wait_for(session.close(), 30)


async def settle(server: Server, limit: float) -> tuple[int | None, float]:
    """Poll active_sessions until 0 (or `limit` seconds): (last value, seconds waited)."""
    start = time.monotonic()
    active = None
    while time.monotonic() - start < limit:
        active = await asyncio.to_thread(server.active_sessions)
        if active == 0:
            break
        await asyncio.sleep(1.0)
    return active, time.monotonic() - start


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=300, help="students at once (300)")
    parser.add_argument("--timeout", type=float, default=1800, help="overall cap, s (1800)")
    parser.add_argument(
        "--run-timeout",
        type=float,
        default=900,
        help="one interaction's answer, s, before it counts as dropped (900)",
    )
    parser.add_argument("--ramp", type=float, default=30, help="arrivals spread over, s (30)")
    parser.add_argument(
        "--think", type=float, default=5, help="mean pause between a student's interactions, s (5)"
    )
    parser.add_argument(
        "--assets",
        action="store_true",
        help="each opening also fetches the page's static files (empty cache)",
    )
    parser.add_argument(
        "--probe-every", type=float, default=10,
        help="one more student switches the cell this often while the others work, s (10; 0: off)",
    )  # fmt: skip
    parser.add_argument("--preset", default="hihello", choices=sorted(PRESETS))
    parser.add_argument("--steps", type=int, default=100, help="training steps (100)")
    parser.add_argument("--baseline", type=int, default=3, help="students alone first (3)")
    parser.add_argument("--seed", type=int, default=0, help="words, cells and pauses")
    parser.add_argument(
        "--ttl",
        type=int,
        default=None,
        help="pass --server.disconnectedSessionTTL (default: Streamlit's 120)",
    )
    parser.add_argument(
        "--server-flag",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra `streamlit run` option, e.g. server.fileWatcherType=none",
    )
    parser.add_argument(
        "--server-cpus",
        default="",
        metavar="LIST",
        help="pin the server to these cores (e.g. 0) and this client to the others",
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="folder holding app.py")
    add_smoke(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        vars(args).update(SMOKE)
    args.settle_limit = 10.0 if args.smoke else 60.0  # s polling active_sessions for 0
    args.ttl_margin = 2.0 if args.smoke else 10.0  # s waited beyond the TTL
    return args


def server_flags(args: argparse.Namespace) -> list[str]:
    flags = []
    if args.ttl is not None:
        flags += ["--server.disconnectedSessionTTL", str(args.ttl)]
    for flag in args.server_flag:
        name, _, value = flag.partition("=")
        flags += [f"--{name}", value]
    return flags


async def measure(args: argparse.Namespace, server: Server, deadline: float):
    """The phases; returns (the report, whether any student failed)."""
    students = make_students(args.sessions + args.baseline + 1, args.preset, args.steps, args.seed)
    single, crowd = students[1 : args.baseline + 1], students[args.baseline + 1 :]
    print("warming up (the first run imports torch) ...", flush=True)
    warm = await asyncio.wait_for(alone(server, students[:1], args), deadline - time.monotonic())
    print(f"{len(single)} students alone ...", flush=True)
    cpu: dict[str, list[float]] = {}
    baseline = await asyncio.wait_for(alone(server, single, args, cpu), deadline - time.monotonic())
    first_open = warm[0].runs["open"].seconds if "open" in warm[0].runs else float("nan")
    before = {"rss": server.rss(), "loadavg": f"{os.getloadavg()[0]:.1f}", "first": first_open}
    before["cpu"] = cpu
    ttl = args.ttl if args.ttl is not None else DEFAULT_TTL
    # closing, settling and the TTL wait after the load phase
    reserve = args.settle_limit + ttl + args.ttl_margin + 5
    print(f"{len(crowd)} students at once ...", flush=True)
    probes: list[float] = []
    load, peak = await lecture(server, crowd, args, deadline - reserve, probes)
    limit = min(args.settle_limit, max(deadline - time.monotonic(), 1))
    active, settled = await settle(server, limit)
    after = {"active": active, "settled": settled, "rss": server.rss(), "ttl": ttl}
    if time.monotonic() + ttl + args.ttl_margin < deadline:
        print(f"waiting out the {ttl} s session TTL ...", flush=True)
        await asyncio.sleep(ttl + args.ttl_margin)
        after["ttl_active"] = await asyncio.to_thread(server.active_sessions)
        after["ttl_rss"] = mb(server.rss())
    else:
        after["ttl_note"] = "(skipped: past the time cap)"
    text = report(args, server, baseline, load, peak, before, after, probes)
    failed = any(r.failure for r in warm + baseline + load) or float("inf") in probes
    return text, failed or server.log_counts()[0] > 0  # a traceback in the server's log


def pin(pid: int, cpus: str) -> None:
    """Every thread of the server on `cpus` ("0" or "0,1"; threads it starts later inherit
    it), this process on the other cores when there are any."""
    chosen = {int(c) for c in cpus.split(",")}
    for task in Path(f"/proc/{pid}/task").iterdir():
        os.sched_setaffinity(int(task.name), chosen)
    rest = set(range(os.cpu_count() or 1)) - chosen
    if rest:
        os.sched_setaffinity(0, rest)
    print(f"server on core(s) {sorted(chosen)}; this client on {sorted(rest) or 'the same'}")


def stop_on_signals() -> None:
    """Ctrl-C and `kill` end the run through `finally` (which stops the server), also when
    started in the background, where the shell makes Python ignore SIGINT."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGALRM, signal.default_int_handler)


def run_with_folder(args: argparse.Namespace, measure, prefix: str) -> int:
    """main() of a bench whose `measure(args, folder, deadline)` starts and stops its own
    servers (logs in a new temporary folder) and returns (report, failed): signals, the
    last-resort alarm, the smoke banner, the closing line and exit status."""
    stop_on_signals()
    signal.alarm(int(args.timeout) + (30 if args.smoke else 300))
    started = time.perf_counter()
    deadline = time.monotonic() + args.timeout
    smoke_note(args.smoke)
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    print(f"logs in {folder}", flush=True)
    failed = True
    try:
        text, failed = asyncio.run(measure(args, folder, deadline))
        print(text)
    except KeyboardInterrupt:
        print("interrupted; the servers are stopped", file=sys.stderr, flush=True)
    finally:
        signal.alarm(0)
    return finish(started, args.smoke, failed)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_signals()
    # the last resort if a phase ignores the deadline
    signal.alarm(int(args.timeout) + (30 if args.smoke else 300))
    started = time.perf_counter()
    deadline = time.monotonic() + args.timeout
    smoke_note(args.smoke)
    server = Server(args.root, server_flags(args), ROOT / "artifacts" / "load-streamlit.log")
    failed = True
    try:
        server.start()
        print(f"server pid {server.pid} on {server.base_url}", flush=True)
        if args.server_cpus:
            pin(server.pid, args.server_cpus)
        text, failed = asyncio.run(measure(args, server, deadline))
        print(text)
    except KeyboardInterrupt:
        print("interrupted; stopping the server", file=sys.stderr, flush=True)
    finally:
        signal.alarm(0)
        server.stop()
    return finish(started, args.smoke, failed)


if __name__ == "__main__":
    sys.exit(main())
