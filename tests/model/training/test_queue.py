"""Sharing the cores: the run queue (threads take turns, first come first served, and a
place is always given back) and the wall-time cap of one training run."""

from __future__ import annotations

import contextlib
import os
import threading
import time

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from model.config import ExplorerConfig
from model.training import queue as run_queue
from model.training.config import MAX_TRAIN_SECONDS, TrainConfig
from model.training.queue import LEFT, RUNNING, WAITING, RunQueue
from model.training.run import train, train_to_end

THREAD_TIMEOUT = 30.0  # seconds; a thread still alive after this means a hang


class ScriptStopped(BaseException):
    """Like Streamlit's StopException: a BaseException, not an Exception."""


def start(target, *args) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def join_all(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
        assert not thread.is_alive(), "a thread never got its turn"


def until(condition, timeout: float = THREAD_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the queue"
        time.sleep(0.001)


# --- the queue ---------------------------------------------------------------------------


@pytest.mark.parametrize(("slots", "runs"), [(1, 6), (2, 12), (3, 10), (4, 4)])
def test_never_more_than_slots_at_once(slots, runs):
    queue = RunQueue(slots)
    lock, now, peak = threading.Lock(), [0], [0]
    everyone_in = threading.Barrier(runs)

    def run():
        everyone_in.wait(THREAD_TIMEOUT)  # all compete at the same moment
        with queue.place() as ticket:
            queue.wait(ticket)
            with lock:
                now[0] += 1
                peak[0] = max(peak[0], now[0])
                assert queue.running() <= slots
            time.sleep(0.02)  # hold the core a while, so runs overlap if allowed to
            with lock:
                now[0] -= 1

    join_all([start(run) for _ in range(runs)])
    assert peak[0] == min(slots, runs), f"peak {peak[0]} with {slots} slots"
    assert queue.running() == queue.waiting() == 0


@pytest.mark.parametrize("slots", [1, 2, 3])
def test_first_come_first_served(slots):
    """Eight runs line up behind busy cores; each freed core goes to the longest waiter."""
    queue = RunQueue(slots)
    holders = [queue.enter() for _ in range(slots)]  # every core busy
    started: list[int] = []
    finish = [threading.Event() for _ in range(8)]

    def run(number: int):
        with queue.place() as ticket:
            queue.wait(ticket)
            started.append(number)
            finish[number].wait(THREAD_TIMEOUT)  # holds the core until told

    threads = []
    for number in range(8):  # one at a time, so the arrival order is known
        threads.append(start(run, number))
        until(lambda n=number: queue.waiting() == n + 1)
    frees = [lambda h=h: queue.leave(h) for h in holders] + [e.set for e in finish]
    for count, free in enumerate(frees[:8], 1):  # free one core, see who gets it
        free()
        until(lambda c=count: len(started) == c)
    for event in finish:
        event.set()
    join_all(threads)
    assert started == list(range(8))


def test_waiting_times_out_and_reports_the_place():
    queue = RunQueue(1)
    holder = queue.enter()
    first, second, third = (queue.enter() for _ in range(3))
    assert holder.state == RUNNING and first.state == WAITING
    assert [queue.ahead(t) for t in (holder, first, second, third)] == [0, 0, 1, 2]

    began = time.monotonic()
    assert queue.wait(third, timeout=0.1) is False
    assert time.monotonic() - began >= 0.1
    assert queue.wait(holder, timeout=0) is True  # a running ticket does not wait

    queue.leave(second)  # gave up its place: the ones behind move up
    assert queue.ahead(third) == 1
    queue.leave(holder)
    assert queue.wait(first, timeout=0) is True
    assert first.state == RUNNING and queue.ahead(third) == 0
    assert (queue.running(), queue.waiting()) == (1, 1)


def test_a_waiter_wakes_as_soon_as_a_core_frees():
    queue = RunQueue(1)
    holder, ticket = queue.enter(), queue.enter()
    woke: list[float] = []
    thread = start(lambda: woke.append(time.monotonic()) if queue.wait(ticket, 10) else None)
    time.sleep(0.05)
    freed = time.monotonic()
    queue.leave(holder)
    join_all([thread])
    assert woke and woke[0] - freed < 1.0, "the waiter slept through its turn"


@pytest.mark.parametrize("error", [RuntimeError("bug"), ScriptStopped()])
def test_the_place_is_given_back_when_the_block_raises(error):
    queue = RunQueue(1)
    with pytest.raises(type(error)), queue.place() as ticket:  # running
        raise error
    assert ticket.state == LEFT and queue.running() == 0
    holder = queue.enter()
    with pytest.raises(type(error)), queue.place() as waiting:  # still in line
        assert not queue.wait(waiting, 0)
        raise error
    assert waiting.state == LEFT and queue.waiting() == 0
    queue.leave(holder)
    queue.leave(holder)  # leaving twice changes nothing
    assert queue.running() == queue.waiting() == 0


def test_a_stopped_waiting_thread_frees_its_place_for_the_next():
    """A thread that is told to stop while it waits (as a closed tab is, at its next
    redraw) leaves the line, and the one behind it gets the core."""
    queue = RunQueue(1)
    holder = queue.enter()
    stop = threading.Event()
    got_core = threading.Event()

    def closed_tab():
        with queue.place() as ticket:
            while not queue.wait(ticket, 0.01):
                if stop.is_set():
                    raise ScriptStopped

    def next_in_line():
        with queue.place() as ticket:
            queue.wait(ticket)
            got_core.set()

    def quietly(target):
        with contextlib.suppress(ScriptStopped):
            target()

    first = start(quietly, closed_tab)
    until(lambda: queue.waiting() == 1)
    second = start(next_in_line)
    until(lambda: queue.waiting() == 2)
    stop.set()
    until(lambda: queue.waiting() == 1)
    queue.leave(holder)
    assert got_core.wait(THREAD_TIMEOUT)
    join_all([first, second])
    assert queue.running() == queue.waiting() == 0


@settings(max_examples=200, deadline=None)
@given(
    slots=st.integers(1, 4),
    moves=st.lists(st.one_of(st.just("enter"), st.integers(0, 30)), max_size=60),
)
def test_any_sequence_of_arrivals_and_departures(slots, moves):
    """Enter, or leave the k-th ticket still held: the running count stays within
    `slots`, no core idles while someone waits, and nobody is overtaken."""
    queue = RunQueue(slots)
    held = []
    for move in moves:
        if move == "enter":
            held.append(queue.enter())
        elif held:
            queue.leave(held.pop(move % len(held)))
        running = [t for t in held if t.state == RUNNING]
        waiting = [t for t in held if t.state == WAITING]
        assert queue.running() == len(running) <= slots
        assert queue.waiting() == len(waiting)
        assert not waiting or len(running) == slots
        if running and waiting:
            assert max(t.number for t in running) < min(t.number for t in waiting)
        for place, ticket in enumerate(sorted(waiting, key=lambda t: t.number)):
            assert queue.ahead(ticket) == place


def test_a_queue_needs_a_slot():
    with pytest.raises(ValueError):
        RunQueue(0)


def test_one_run_per_core_unless_a_test_server_says_otherwise(monkeypatch):
    env = run_queue.CONCURRENCY_ENV
    cores = len(os.sched_getaffinity(0))
    if env not in os.environ:
        assert run_queue.RUNS.slots == run_queue.MAX_CONCURRENT_RUNS == cores
    monkeypatch.delenv(env, raising=False)
    assert run_queue._concurrency() == cores
    # a replica pinned to one core (taskset) runs one training at a time, whatever the
    # machine has: two at once in one process would share its interpreter lock
    monkeypatch.setattr(run_queue.os, "sched_getaffinity", lambda pid: {3})
    assert run_queue._concurrency() == 1
    monkeypatch.setenv(env, "1")
    assert run_queue._concurrency() == 1
    for bad in ("0", "-2", "two", "1.5"):
        monkeypatch.setenv(env, bad)
        with pytest.raises(ValueError, match=env):
            run_queue._concurrency()


# --- the wall-time cap -------------------------------------------------------------------

HIHELLO = ExplorerConfig(sequences=("hihello",), hidden_size=5)


@pytest.fixture
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.usefixtures("one_thread")
@pytest.mark.parametrize("stop_after", [0, 1, 37])
def test_out_of_time_keeps_the_steps_done(stop_after):
    """The clock passes the limit after step k: the run stops there, and what it kept is
    exactly step k of a run of k steps (a capped run is a prefix of the full one)."""
    now = [0.0]
    run = train(HIHELLO, TrainConfig(steps=100), time_limit=10.0, clock=lambda: now[0])
    for record in run:
        if record.step == stop_after:
            now[0] = 10.0
    result = run.result()
    assert result.timed_out and not result.completed and not result.diverged
    assert result.last_step == stop_after and len(result.losses) == stop_after + 1
    assert f"at step {stop_after:,} of 100" in result.message and "10 seconds" in result.message
    short = train_to_end(HIHELLO, TrainConfig(steps=max(stop_after, 1)), time_limit=None)
    for name, value in result.weights.items():
        expected = short.snapshots[stop_after][name]
        assert torch.equal(value, expected), name
    assert result.losses.tolist() == short.losses[: stop_after + 1].tolist()


@pytest.mark.usefixtures("one_thread")
def test_the_real_clock_stops_a_long_run():
    config = ExplorerConfig(sequences=("abcdefghij" * 20,), cell="lstm", hidden_size=32)
    began = time.monotonic()
    result = train_to_end(config, TrainConfig(head="linear", steps=2000), time_limit=0.3)
    elapsed = time.monotonic() - began
    assert result.timed_out and 0 < result.last_step < 2000
    assert elapsed < 10.0, f"a 0.3 s limit let the run go on for {elapsed:.1f} s"


def test_a_run_that_finishes_in_time_is_not_marked():
    result = train_to_end(HIHELLO, TrainConfig(steps=5))
    assert result.completed and not result.timed_out and result.message == ""
    assert train(HIHELLO, TrainConfig()).time_limit == MAX_TRAIN_SECONDS
