"""A replica lost mid-lecture: students through nginx on two replicas, one replica killed.

Run from the repository root: `python bench/replica_kill.py` (options: --help); needs nginx
(scripts/test.sh installs it). Everything runs on 127.0.0.1, on free ports: two replicas
of the app with one cookie secret and the shipped deploy/nginx.conf in front of them
(tests/deploy/cluster.py), every process stopped by its own PID at the end.

1. `--sessions` students open the lecture's link through nginx (each its own browser:
   its own routing cookie), type their own word and switch the cell: their scene, which
   the page keeps in its URL. Each browser's replica is read from nginx's access log.
2. Replica 0 is killed (SIGKILL to its PID), as a crash or the OOM killer would.
3. Each of its students' pages sees the websocket drop and does what Streamlit's page
   does: wait (its back-off: 250-500 ms, then doubling to 4 s), ask /_stcore/health and
   /_stcore/host-config, open a new websocket naming its old session, and rerun with its
   URL and widget values. Measured: whose scene (word, cell, chart) came back, and how
   many seconds after the kill. The other replica's students interact once more: were
   they disturbed?
4. New students arrive (plain page loads): all must reach the live replica; the access
   log says how many requests tried the dead one first (nginx's passive health check,
   max_fails / fail_timeout in nginx.conf).
5. Replica 0 restarts on its port: how long until nginx sends new students to it again,
   and where the cookies of the students who had moved now point.

Figures and one run's results: bench/LOAD.md. `--smoke`: four students, short limits;
exits 1 if a student failed to open or lost their scene, a student of the live replica
was disturbed, nginx sent a new student to the dead replica or answered with a 5xx.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import add_smoke, finish, median, smoke_note  # noqa: E402
from components.i18n import t  # noqa: E402
from deploy.nginx_local import NGINX_CONF  # noqa: E402
from tests.deploy.browsers import Browser, Tab  # noqa: E402
from tests.deploy.cluster import Cluster, start_cluster  # noqa: E402
from tests.support.students import (  # noqa: E402
    CheckFailed,
    Record,
    Student,
    make_students,
    prepare,
    timeline_figure,
    train,
)

KILLED = 0  # the replica that is lost
TRAIN_STEPS = 5  # each student trains this much before the kill: a model the kill loses
GONE = t("notice_trained_gone", "en")
SMOKE = {"sessions": 4, "newcomers": 6, "timeout": 150.0, "run_timeout": 60.0}
PAGE_MAX_DELAY = 4.0  # s: the page's reconnect back-off stops doubling here
# A page retries after anything: refused, reset, a 5xx, a closed or refused websocket
# (NoAnswer, OSError, websockets' InvalidStatus, ...).
ERRORS = (Exception,)


@dataclass
class Attendee:
    """One student's browser, tab and what happened to them."""

    student: Student
    browser: Browser
    tab: Tab
    replica: int = -1  # where nginx routed the browser at first
    record: Record | None = None
    back_after: float | None = None  # s from the kill to the scene shown again
    attempts: int = 0
    resumed: bool = False  # the new websocket found the old session (it cannot: replica gone)
    told: bool = False  # the page back says the trained model is gone (notice_trained_gone)
    problem: str = ""
    notes: list[str] = field(default_factory=list)


def new_browser(cluster: Cluster) -> Browser:
    """A browser with no cookies yet, visiting the site by a name on nginx's port."""
    return Browser(cluster.url, site=f"http://hse.test:{cluster.nginx.port}")


async def routed(cluster: Cluster, browser: Browser, marker: str, limit: float = 5.0) -> list[str]:
    """GET /?<marker> with this browser's cookies; the replicas nginx tried for it."""
    status, _ = await browser.get(f"/?{marker}")
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        rows = [
            tried for request, _, tried in cluster.nginx.upstreams() if f"?{marker} " in request
        ]
        if rows:
            return rows[-1] if status == 200 else []
        await asyncio.sleep(0.05)
    return []


def replica(cluster: Cluster, tried: list[str]) -> int:
    return cluster.replica_of(tried[-1]) if tried else -1


def page_delay(attempt: int) -> float:
    """Streamlit's page (1.67): the first retry after 250-500 ms, then up to 4 s."""
    ceiling = min(PAGE_MAX_DELAY, 0.5 * 2 ** (attempt - 1))
    floor = 0.25 if attempt == 1 else ceiling / 2
    return random.uniform(floor, ceiling)


def scene_problem(one: Attendee) -> str:
    """ "" if the page shows the student's scene again: word and cell in the URL, the word in
    the box, the hidden-state chart drawn."""
    query = parse_qs(one.tab.query_string)
    if query.get("seq") != [one.student.word] or query.get("cell") != [one.student.cell.lower()]:
        return f"URL lost the scene: {one.tab.query_string!r}"
    _, box = one.tab.page.widget("main_sequences")
    if box.value != one.student.word:
        return f"the box holds {box.value!r}, not {one.student.word!r}"
    timeline_figure(one.tab)  # raises CheckFailed without the chart
    return ""


async def recover(one: Attendee, killed_at: float, deadline: float) -> None:
    """The page after its replica died: notice, back off, ping, reconnect, rerun."""
    if not await one.tab.dropped(max(deadline - time.monotonic(), 0.1)):
        one.problem = "the websocket never dropped"
        return
    while time.monotonic() < deadline:
        one.attempts += 1
        await asyncio.sleep(page_delay(one.attempts))
        try:
            health, _ = await one.browser.get("/_stcore/health")
            config, _ = await one.browser.get("/_stcore/host-config")
            if (health, config) != (200, 200):
                continue
            run = await one.tab.reconnect()
        except ERRORS as error:  # the page just tries again
            one.notes.append(f"attempt {one.attempts}: {type(error).__name__}")
            continue
        one.resumed = one.tab.resumed
        try:
            one.problem = "" if run.ok else f"run status {run.status} {run.exceptions}"
            one.problem = one.problem or scene_problem(one)
            one.told = GONE in " ".join(one.tab.page.alerts())
        except CheckFailed as error:
            one.problem = str(error)
        one.back_after = time.monotonic() - killed_at
        return
    one.problem = "not reconnected before the time cap"


async def undisturbed(one: Attendee) -> None:
    """A student of the live replica interacts once more, on the same session."""
    before = one.tab.session_id
    try:
        run = await one.tab.set_value("main_cell", "LSTM" if one.student.cell == "GRU" else "GRU")
    except ERRORS as error:
        one.problem = f"interaction failed: {type(error).__name__}: {error}"
        return
    if not run.ok or one.tab.session_id != before:
        one.problem = f"run ok {run.ok}, session kept {one.tab.session_id == before}"


async def newcomers(cluster: Cluster, count: int, tag: str) -> list[list[str]]:
    """`count` new browsers load the page; the replicas nginx tried for each."""
    return [await routed(cluster, new_browser(cluster), f"{tag}={i}") for i in range(count)]


async def taken_back(cluster: Cluster, limit: float) -> float | None:
    """s until a new browser lands on the restarted replica (None: not within `limit`)."""
    start = time.monotonic()
    for attempt in range(int(limit / 0.25)):
        tried = await routed(cluster, new_browser(cluster), f"back={attempt}")
        if replica(cluster, tried) == KILLED:
            return time.monotonic() - start
        if time.monotonic() - start > limit:
            break
        await asyncio.sleep(0.25)
    return None


def quantile(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else None


async def seat(cluster: Cluster, students: list[Student], run_timeout: float) -> list[Attendee]:
    """A browser per student, half of the class on each replica: new browsers (each routed
    by its first request) are taken while their replica has room, at most 10 per student."""
    room = {0: (len(students) + 1) // 2, 1: len(students) // 2}
    ones = []
    for attempt in range(10 * len(students)):
        if len(ones) == len(students):
            break
        browser = new_browser(cluster)
        where = replica(cluster, await routed(cluster, browser, f"seat={attempt}"))
        if room.get(where, 0) > 0:
            room[where] -= 1
            student = students[len(ones)]
            ones.append(Attendee(student, browser, browser.tab(run_timeout), where))
    if len(ones) < len(students):
        raise RuntimeError(f"nginx routed {10 * len(students)} new browsers to one replica")
    return ones


async def measure(cluster: Cluster, args: argparse.Namespace, deadline: float) -> bool:
    """The phases; prints the report; True if something failed."""
    students = make_students(args.sessions, "hihello", TRAIN_STEPS, args.seed)
    ones = await seat(cluster, students, args.run_timeout)
    print(f"{len(ones)} students open the link, type a word, switch the cell, train ...")

    async def arrive(one: Attendee) -> None:
        one.record = Record(one.student)
        await prepare(one.tab, one.student, one.record, lambda: 0.2)
        await train(one.tab, one.student, one.record)

    arrived = await asyncio.gather(*(arrive(one) for one in ones), return_exceptions=True)
    failed_prepare = [one for one, result in zip(ones, arrived, strict=True) if result is not None]
    lost = [one for one in ones if one.replica == KILLED and one not in failed_prepare]
    kept = [one for one in ones if one.replica != KILLED and one not in failed_prepare]
    for one, result in zip(ones, arrived, strict=True):
        if result is not None:
            one.problem = f"did not open: {type(result).__name__}: {result}"

    pid = cluster.kill(KILLED)
    killed_at = time.monotonic()
    print(f"killed replica {KILLED} (PID {pid}); {len(lost)} students were on it", flush=True)
    await asyncio.gather(
        *(recover(one, killed_at, deadline - 30) for one in lost),
        *(undisturbed(one) for one in kept),
    )
    after_kill = await newcomers(cluster, args.newcomers, "new")
    fail_timeout = float(re.search(r"fail_timeout=(\d+)s", NGINX_CONF.read_text())[1])

    restart_at = time.monotonic()
    cluster.restart(KILLED)
    healthy_after = time.monotonic() - restart_at
    back_after = await taken_back(cluster, fail_timeout + 15)
    moved_back = []
    for one in lost:
        tried = await routed(cluster, one.browser, f"moved={one.student.index}")
        if replica(cluster, tried) == KILLED:
            moved_back.append(one)
    lost_again = 0
    for one in moved_back[:3]:  # what their next reconnect would find
        with contextlib.suppress(*ERRORS):
            await one.tab.reconnect()
            lost_again += not one.tab.resumed
    restart = Restart(
        healthy_after, back_after, len(moved_back), min(len(moved_back), 3), lost_again
    )
    return report(cluster, ones, failed_prepare, after_kill, restart)


@dataclass
class Restart:
    healthy_after: float  # s from the restart to /_stcore/health "ok"
    back_after: float | None  # s until nginx sent a new student to it again
    moved_back: int  # moved students whose cookie routes to it again
    reconnected: int  # of those, reconnected there
    new_session: int  # ... and given a new session (the one they had is on the other)


def seconds(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.2f} s"


def report(cluster: Cluster, ones, failed_prepare, after_kill, restart: Restart) -> bool:
    """Print the figures; True if something failed."""
    lost = [one for one in ones if one.replica == KILLED and one not in failed_prepare]
    kept = [one for one in ones if one.replica != KILLED and one not in failed_prepare]
    back = [one for one in lost if one.back_after is not None and not one.problem]
    times = [one.back_after for one in back]
    attempts = [one.attempts for one in back]
    on_dead = sum(replica(cluster, tried) == KILLED for tried in after_kill)
    tried_dead = sum(len(tried) > 1 for tried in after_kill)
    disturbed = [one for one in kept if one.problem]
    logged = cluster.nginx.upstreams()
    failovers = sum(len(tried) > 1 for _, _, tried in logged)
    errors = sum(status >= 500 for _, status, _ in logged)
    lines = [
        "",
        f"Replica lost mid-lecture: 2 replicas behind nginx on 127.0.0.1, {len(ones)} students",
        f"before the kill: {len(lost)} students on replica {KILLED} (killed), {len(kept)} on "
        f"the other; {len(failed_prepare)} failed to open",
        f"scene back: {len(back)} of {len(lost)} students of the lost replica (word, cell and "
        f"chart, from the page's URL and widget values); "
        f"old session resumed: {sum(one.resumed for one in lost)}",
        f"time from the kill to the scene back: p50 {seconds(median(times) if times else None)}"
        f", p95 {seconds(quantile(times, 0.95))}, max {seconds(max(times, default=None))}; "
        f"reconnect attempts p50 {median(attempts) if attempts else 0:.0f}",
        f"told that their trained model is gone: {sum(one.told for one in back)} of "
        f"{len(back)} (each had trained {TRAIN_STEPS} steps; the page says so in its language)",
        f"other replica's students undisturbed: {len(kept) - len(disturbed)} of {len(kept)}",
        f"new students after the kill: {len(after_kill) - on_dead} of {len(after_kill)} on the "
        f"live replica; {tried_dead} of their requests tried the dead one first",
        f"through nginx after the kill: {failovers} requests tried the dead replica, then the "
        f"live one; {errors} answered with an error (5xx)",
        f"replica {KILLED} restarted: healthy after {seconds(restart.healthy_after)}; new "
        f"students sent to it again after {seconds(restart.back_after)}",
        f"moved students routed back to the restarted replica: {restart.moved_back} of "
        f"{len(lost)}; of {restart.reconnected} reconnected there, {restart.new_session} got "
        f"a new session (their scene from the URL; a trained model would be gone)",
    ]
    print("\n".join(lines))
    for one in ones:
        if one.problem:
            notes = "; ".join(one.notes[-3:])
            where = f"student {one.student.index} on replica {one.replica}"
            print(f"  problem: {where}: {one.problem} {notes}")
    untold = sum(not one.told for one in back)
    return bool(len(back) < len(lost) or disturbed or on_dead or failed_prepare or errors or untold)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="students (20)")
    parser.add_argument("--newcomers", type=int, default=20, help="new students after the kill")
    parser.add_argument("--timeout", type=float, default=600, help="overall cap, s (600)")
    parser.add_argument("--run-timeout", type=float, default=120, help="one run's cap, s")
    parser.add_argument("--seed", type=int, default=0, help="words and cells")
    parser.add_argument("--folder", type=Path, default=None, help="logs (default: a temp dir)")
    add_smoke(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        vars(args).update(SMOKE)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for name in ("SIGINT", "SIGTERM", "SIGALRM"):  # end through `finally`, which stops all
        signal.signal(getattr(signal, name), signal.default_int_handler)
    signal.alarm(int(args.timeout) + 30)
    started = time.perf_counter()
    smoke_note(args.smoke)
    random.seed(args.seed)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="replica-kill-"))
    print(f"starting 2 replicas and nginx (logs in {folder}) ...", flush=True)
    cluster = start_cluster(folder, replicas=2)
    try:
        deadline = time.monotonic() + args.timeout
        failed = asyncio.run(asyncio.wait_for(measure(cluster, args, deadline), args.timeout))
    finally:
        signal.alarm(0)
        cluster.stop()
    return finish(started, args.smoke, failed)


if __name__ == "__main__":
    sys.exit(main())
