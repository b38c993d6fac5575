"""A lecture hall on the real server: many students at once, each doing what a student does.

Run from the repository root: `python bench/load.py` (options: --help). See bench/LOAD.md.

It starts `streamlit run app.py` itself (127.0.0.1, a free port, the shipped
.streamlit/config.toml), then drives sessions with `bench/load_client.py` (Streamlit's
websocket protocol, no browser). Each student opens the preset link, types a word, switches
the cell type and trains for the lecture's 100 steps, with a pause to think between steps;
every interaction is checked against what the page then shows. First a few students do the
same alone, one after another (the baseline), then `--sessions` students arrive within
`--ramp` seconds.
All sessions stay open until every student is done (the peak); then they close, and the
server's memory and `active_sessions` are read again, and once more after the server's
`disconnectedSessionTTL`. The run stops by itself after `--timeout` seconds, and always
stops the server it started (by its PID), also on Ctrl-C or an error. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
from streamlit.proto.Alert_pb2 import Alert

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load_client import NoAnswer, Run, Session  # noqa: E402
from model.presets import PRESETS  # noqa: E402

INTERACTIONS = ("open", "type", "cell", "train")
LETTERS = "hielo"  # hihello's vocabulary: a typed word keeps hidden size = vocabulary size
CELL_LABELS = ("GRU", "LSTM")  # the preset's RNN is switched to one of these
TRAIN_FORM = "main_train_form"
TIMELINE_KEY = "timeline_chart"
DEFAULT_TTL = 120  # seconds: Streamlit's server.disconnectedSessionTTL default


class CheckFailed(Exception):
    """The run finished, but the page does not show what the interaction should do."""


# --- the students -------------------------------------------------------------------------


@dataclass(frozen=True)
class Student:
    index: int
    preset: str  # the link: ?preset=<preset>
    word: str  # typed into the sequences box
    cell: str  # the cell radio's label chosen
    steps: int  # training steps

    @property
    def head(self) -> str:
        """The lecture's head (outputs as logits) when hidden size = vocabulary size."""
        preset = PRESETS[self.preset]
        fits = preset.hidden_size == len(set(self.word)) and not preset.bidirectional
        return "logits" if fits else "linear"


def make_students(count: int, preset: str, steps: int, seed: int) -> list[Student]:
    """Each types their own word over hihello's letters (all five, 6-9 letters long)."""
    rng = random.Random(seed)
    students = []
    for index in range(count):
        letters = list(LETTERS) + rng.choices(LETTERS, k=rng.randint(1, 4))
        rng.shuffle(letters)
        cell = CELL_LABELS[index % len(CELL_LABELS)]
        students.append(Student(index, preset, "".join(letters), cell, steps))
    return students


@dataclass
class Record:
    """One student's session as measured."""

    student: Student
    runs: dict[str, Run] = field(default_factory=dict)
    failure: str = ""  # "" = every interaction answered and checked
    failed_at: str = ""  # the interaction that failed
    dropped: bool = False  # no answer: timeout or closed connection
    outcome: str = ""  # train: "trained" (all steps) or "cut" (time limit or diverged)
    http_bytes: int = 0  # bodies of the HTTP requests on opening (page, assets)


# --- one student's interactions, each checked -------------------------------------------


def _check_run(run: Run) -> None:
    if not run.ok:
        raise CheckFailed(f"script status {run.status}, exceptions {run.exceptions}")


def _timeline(session: Session) -> str:
    for chart in session.page.of_kind("plotly_chart"):
        if chart.id.endswith("-" + TIMELINE_KEY):
            return chart.spec
    raise CheckFailed("no hidden-state timeline chart on the page")


def timeline_figure(session: Session) -> dict:
    """The timeline's figure (data, layout, frames) as the page received it."""
    return json.loads(_timeline(session))


def _query(session: Session, name: str) -> list[str]:
    return parse_qs(session.query_string).get(name, [])


def check_open(session: Session, student: Student) -> None:
    if _query(session, "preset") != [student.preset]:
        raise CheckFailed(f"the link's preset is not shown: {session.query_string!r}")
    _, box = session.page.widget("main_sequences")
    if box.value != "\n".join(PRESETS[student.preset].sequences):
        raise CheckFailed(f"the sequences box holds {box.value!r}")
    _timeline(session)


def check_changed(session: Session, name: str, value: str, before: str) -> None:
    if _query(session, name) != [value]:
        raise CheckFailed(f"{name}={value} not applied: {session.query_string!r}")
    if _timeline(session) == before:
        raise CheckFailed(f"the timeline did not change after {name}={value}")


def check_trained(session: Session, steps: int) -> str:
    """'trained' (every step, a success message) or 'cut' (a warning: the time limit or a
    divergence stopped it); either way the loss curve and the snapshot slider are shown."""
    session.page.widget("main_train_step")  # the snapshot slider: only after a run
    curves = [
        json.loads(chart.spec)["data"][0]
        for chart in session.page.of_kind("plotly_chart")
        if '"name":"loss"' in chart.spec
    ]
    if not curves:
        raise CheckFailed("no loss curve after training")
    alerts = {alert.format for alert in session.page.of_kind("alert")}
    if Alert.SUCCESS in alerts and len(curves[0]["x"]) == steps + 1:
        return "trained"
    if Alert.WARNING in alerts:
        return "cut"
    raise CheckFailed(f"no result message after training (alert formats {sorted(alerts)})")


async def prepare(session: Session, student: Student, record: Record, think) -> None:
    """Open the link, type the word, switch the cell, with `think()` seconds between."""
    record.runs["open"] = run = await session.open(f"preset={student.preset}")
    _check_run(run)
    check_open(session, student)
    before = _timeline(session)
    await asyncio.sleep(think())
    record.runs["type"] = run = await session.set_value("main_sequences", student.word)
    _check_run(run)
    check_changed(session, "seq", student.word, before)
    before = _timeline(session)
    await asyncio.sleep(think())
    record.runs["cell"] = run = await session.set_value("main_cell", student.cell)
    _check_run(run)
    check_changed(session, "cell", student.cell.lower(), before)


async def train(session: Session, student: Student, record: Record) -> None:
    """Submit the training form with the student's head and steps; wait for the result."""
    form = {"main_train_head": student.head, "main_train_steps": student.steps}
    record.runs["train"] = run = await session.submit(TRAIN_FORM, form)
    _check_run(run)
    record.outcome = check_trained(session, student.steps)


async def play(session: Session, student: Student, record: Record, think) -> None:
    """The four interactions, with `think()` seconds between them."""
    await prepare(session, student, record, think)
    await asyncio.sleep(think())
    await train(session, student, record)


async def attend(session: Session, record: Record, delay: float, think) -> Record:
    """A student arriving after `delay` seconds; failures are recorded, never raised."""
    await asyncio.sleep(delay)
    try:
        await play(session, record.student, record, think)
    except (NoAnswer, OSError) as error:  # the interaction after the last answered one
        record.failure, record.dropped = f"{type(error).__name__}: {error}", True
        record.failed_at = next((n for n in INTERACTIONS if n not in record.runs), "train")
    except (CheckFailed, KeyError) as error:  # the last answered interaction
        record.failure = f"{type(error).__name__}: {error}"
        record.failed_at = list(record.runs)[-1] if record.runs else "open"
    record.http_bytes = session.http_bytes
    return record


# --- the server ---------------------------------------------------------------------------


class Server:
    """`streamlit run app.py` started by this process; stopped by its PID."""

    def __init__(self, root: Path, port: int, flags: list[str], log_path: Path):
        self.root, self.port, self.flags, self.log_path = root, port, flags, log_path
        self.base_url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(self.port), "--server.address", "127.0.0.1",
            "--server.headless", "true", *self.flags,
        ]  # fmt: skip

    def start(self, timeout: float = 90.0) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command, cwd=self.root, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.log_path}")
            listening = f"127.0.0.1:{self.port}" in self.log_path.read_text(errors="replace")
            if listening and self.get("/_stcore/health") == "ok":
                return
            time.sleep(0.25)
        raise RuntimeError(f"the server was not healthy after {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)

    def get(self, path: str) -> str:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=30) as response:
                return response.read().decode().strip()
        except OSError:
            return ""

    def active_sessions(self) -> int | None:
        for line in self.get("/_stcore/metrics?families=active_sessions").splitlines():
            if line.startswith("active_sessions "):
                return int(float(line.split()[1]))
        return None

    def _status(self, name: str) -> int:
        """A /proc/PID/status memory field, in bytes."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
        return 0

    def rss(self) -> int:
        return self._status("VmRSS")

    def peak_rss(self) -> int:
        return self._status("VmHWM")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_counts(self) -> tuple[int, int]:
        """(tracebacks, warning or error lines) in the server's output so far."""
        text = self.log_path.read_text(errors="replace")
        lines = text.splitlines()
        return text.count("Traceback"), sum(" WARNING " in x or " ERROR " in x for x in lines)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the phases ---------------------------------------------------------------------------


async def alone(server: Server, students: list[Student], args) -> list[Record]:
    """Students one after another, each alone on the server, without pauses."""
    records = []
    for student in students:
        session = Session(server.base_url, args.run_timeout, args.assets)
        records.append(await attend(session, Record(student), 0.0, lambda: 0.0))
        await session.close()
    return records


@dataclass
class Peak:
    """What the server held with every session still open."""

    seconds: float  # from the first arrival until every student was done
    active: int | None
    rss: int
    cpu: float  # server CPU seconds used during the load phase
    unfinished: int  # students still busy at the time cap


async def lecture(server, students, args, deadline, probes) -> tuple[list[Record], Peak]:
    """Every student arrives within `--ramp` s; all stay connected until all are done."""
    rng = random.Random(args.seed + 1)

    def think() -> float:
        return rng.uniform(0.5, 1.5) * args.think

    sessions = [Session(server.base_url, args.run_timeout, args.assets) for _ in students]
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
    session = Session(server.base_url, args.run_timeout)
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
            f"{failed} failed; server RSS {_mb(server.rss())}",
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


# --- the report ---------------------------------------------------------------------------


def _mb(value: float) -> str:
    return f"{value / 2**20:,.0f} MB"


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return float("nan"), float("nan"), float("nan")
    p50, p95 = np.percentile(values, [50, 95])
    return float(p50), float(p95), max(values)


def latency_table(baseline: list[Record], load: list[Record]) -> list[str]:
    lines = [
        f"{'interaction':<12}{'alone p50':>10}{'p95':>8}  {'loaded p50':>11}{'p95':>9}"
        f"{'max':>9}{'×p50':>7}  {'first redraw p50/p95':>21}  {'answered':>9}  {'kB p50':>7}"
    ]
    for name in INTERACTIONS:
        single = [r.runs[name].seconds for r in baseline if name in r.runs]
        loaded = [r.runs[name] for r in load if name in r.runs]
        s50, s95, _ = _percentiles(single)
        l50, l95, lmax = _percentiles([run.seconds for run in loaded])
        f50, f95, _ = _percentiles([run.first_delta for run in loaded if run.first_delta])
        kb = np.median([run.received for run in loaded]) / 1000 if loaded else float("nan")
        ok = sum(run.ok for run in loaded)
        lines.append(
            f"{name:<12}{s50:>9.2f}s{s95:>7.2f}s  {l50:>10.2f}s{l95:>8.2f}s{lmax:>8.1f}s"
            f"{l50 / s50:>7.1f}  {f50:>10.2f}s /{f95:>6.2f}s  {ok:>4}/{len(load):<4}  {kb:>7.0f}"
        )
    return lines


def failure_lines(records: list[Record], limit: int = 8) -> list[str]:
    failed = [r for r in records if r.failure]
    lines = [f"  #{r.student.index} at {r.failed_at}: {r.failure[:160]}" for r in failed[:limit]]
    if len(failed) > limit:
        lines.append(f"  ... and {len(failed) - limit} more")
    return lines


def probe_line(args, probes: list[float]) -> str:
    if args.probe_every <= 0:
        return "probe: off"
    answered = [x for x in probes if x != float("inf")]
    p50, p95, most = _percentiles(answered)
    return (
        f"probe (one more student switching the cell every {args.probe_every:g} s while the "
        f"others train): p50 {p50:.2f} s, p95 {p95:.2f} s, max {most:.1f} s, "
        f"{len(answered)}/{len(probes)} answered"
    )


def report(args, server, baseline, load, peak, before, after, probes) -> str:
    held = sum(not r.failure for r in load)
    dropped = sum(r.dropped for r in load)
    checks = sum(bool(r.failure) and not r.dropped for r in load) - peak.unfinished
    trained = sum(r.outcome == "trained" for r in load)
    cut = sum(r.outcome == "cut" for r in load)
    tracebacks, warnings = server.log_counts()
    n = len(load)
    lines = [
        f"Hidden-State Explorer under load: {n} sessions, preset {args.preset}, "
        f"{args.steps} training steps, arrivals over {args.ramp:g} s, think {args.think:g} s",
        f"server: {' '.join(server.command[1:])} (pid {server.process.pid})",
        f"machine: {os.cpu_count()} cores; load average {before['loadavg']} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end",
        "",
        *latency_table(baseline, load),
        "  (seconds from the request to its script_finished; open includes GET /, health and "
        "host-config; alone = one session on the server; first redraw = the first delta)",
        f"  the server's very first open (imports torch, fills the shared cache): "
        f"{before['first']:.1f} s",
        "",
        f"sessions: {n} started, {held} held (every interaction answered and checked), "
        f"{dropped} dropped (no answer or connection closed), {checks} failed a check, "
        f"{peak.unfinished} unfinished at the {args.timeout:g} s time cap",
        f"training: {trained} trained all {args.steps} steps, {cut} cut (time limit or diverged)",
        probe_line(args, probes),
        f"load phase: {peak.seconds:.0f} s from the first arrival to the last answer; server CPU "
        f"{peak.cpu:.0f} s ({peak.cpu / max(peak.seconds, 1):.2f} cores, "
        f"{peak.cpu / max(n, 1):.2f} s per session)",
        f"active_sessions: {peak.active} at the peak; {after['active']} after closing "
        f"(polled for {after['settled']:.0f} s); {after.get('ttl_active', '-')} after the "
        f"{after['ttl']} s TTL {after.get('ttl_note', '')}",
        f"server memory (RSS): {_mb(before['rss'])} before; {_mb(peak.rss)} at the peak, "
        f"{(peak.rss - before['rss']) / max(n, 1) / 1024:,.0f} kB per session; "
        f"{_mb(after['rss'])} after closing; {after.get('ttl_rss', '-')} after the TTL; "
        f"high-water {_mb(server.peak_rss())}",
        f"opening: {np.median([r.http_bytes for r in load] or [0]) / 1e6:.2f} MB over HTTP per "
        f"session ({'with' if args.assets else 'without'} the page's static files)",
        f"server log: {tracebacks} tracebacks, {warnings} warning/error lines ({server.log_path})",
        f"client: {sum(os.times()[:2]):.0f} s CPU in this process",
    ]
    failures = failure_lines(baseline + load)
    if failures:
        lines += ["", "failures:", *failures]
    return "\n".join(lines)


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
    parser.add_argument("--root", type=Path, default=ROOT, help="folder holding app.py")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    return parser.parse_args(argv)


def server_flags(args: argparse.Namespace) -> list[str]:
    flags = []
    if args.ttl is not None:
        flags += ["--server.disconnectedSessionTTL", str(args.ttl)]
    for flag in args.server_flag:
        name, _, value = flag.partition("=")
        flags += [f"--{name}", value]
    return flags


async def measure(args: argparse.Namespace, server: Server, deadline: float) -> str:
    students = make_students(args.sessions + args.baseline + 1, args.preset, args.steps, args.seed)
    single, crowd = students[1 : args.baseline + 1], students[args.baseline + 1 :]
    print("warming up (the first run imports torch) ...", flush=True)
    warm = await asyncio.wait_for(alone(server, students[:1], args), deadline - time.monotonic())
    print(f"{len(single)} students alone ...", flush=True)
    baseline = await asyncio.wait_for(alone(server, single, args), deadline - time.monotonic())
    first_open = warm[0].runs["open"].seconds if "open" in warm[0].runs else float("nan")
    before = {"rss": server.rss(), "loadavg": f"{os.getloadavg()[0]:.1f}", "first": first_open}
    ttl = args.ttl if args.ttl is not None else DEFAULT_TTL
    reserve = 60 + ttl + 15  # closing, settling and the TTL wait after the load phase
    print(f"{len(crowd)} students at once ...", flush=True)
    probes: list[float] = []
    load, peak = await lecture(server, crowd, args, deadline - reserve, probes)
    active, settled = await settle(server, min(60.0, max(deadline - time.monotonic(), 1)))
    after = {"active": active, "settled": settled, "rss": server.rss(), "ttl": ttl}
    if time.monotonic() + ttl + 10 < deadline:
        print(f"waiting out the {ttl} s session TTL ...", flush=True)
        await asyncio.sleep(ttl + 10)
        after["ttl_active"] = await asyncio.to_thread(server.active_sessions)
        after["ttl_rss"] = _mb(server.rss())
    else:
        after["ttl_note"] = "(skipped: past the time cap)"
    return report(args, server, baseline, load, peak, before, after, probes)


def stop_on_signals() -> None:
    """Ctrl-C and `kill` end the run through `finally` (which stops the server), also when
    started in the background, where the shell makes Python ignore SIGINT."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGALRM, signal.default_int_handler)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    stop_on_signals()
    signal.alarm(int(args.timeout) + 300)  # the last resort if a phase ignores the deadline
    deadline = time.monotonic() + args.timeout
    port = args.port or free_port()
    server = Server(args.root, port, server_flags(args), ROOT / "artifacts" / "load-streamlit.log")
    try:
        server.start()
        print(f"server pid {server.process.pid} on {server.base_url}", flush=True)
        print(asyncio.run(measure(args, server, deadline)))
    except KeyboardInterrupt:
        print("interrupted; stopping the server", file=sys.stderr, flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
