"""Take turns for the cores: at most MAX_CONCURRENT_RUNS training runs at once in this
process (every browser session of the server shares it); the others wait, first come
first served.

    with RUNS.place() as ticket:            # in the queue from here
        while not RUNS.wait(ticket, 0.5):   # False: still waiting after 0.5 s
            show(RUNS.ahead(ticket))        # tickets in front of this one
        train()                             # this run holds a core
    # left the queue: the core goes to the next ticket, also on an exception

A ticket is let in as soon as a core is free and it is first in line; `wait` only tells
the caller. The queue is a plain module global, not a Streamlit cache: a `clear_cache`
message from any client must not reset it. No Streamlit here.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

# Tests only: a server started with this variable runs that many trainings at once.
CONCURRENCY_ENV = "HSE_TEST_MAX_CONCURRENT_RUNS"


def _concurrency() -> int:
    value = os.environ.get(CONCURRENCY_ENV, "").strip()
    if not value:
        return len(os.sched_getaffinity(0)) or 1  # the cores this process may use
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{CONCURRENCY_ENV} must be a whole number of 1 or more (got {value!r}).")
    return int(value)


MAX_CONCURRENT_RUNS = _concurrency()  # one training run per core

WAITING, RUNNING, LEFT = "waiting", "running", "left"


class Ticket:
    """One run's place; `state` moves waiting -> running -> left (or waiting -> left)."""

    __slots__ = ("number", "state")

    def __init__(self, number: int):
        self.number = number  # order of arrival
        self.state = WAITING

    def __repr__(self) -> str:
        return f"Ticket({self.number}, {self.state})"


class RunQueue:
    """A FIFO of tickets, `slots` of which run at once. Thread-safe."""

    def __init__(self, slots: int):
        if slots < 1:
            raise ValueError(f"a run queue needs at least one slot (got {slots}).")
        self.slots = slots
        self._changed = threading.Condition()
        self._waiting: deque[Ticket] = deque()
        self._running = 0
        self._numbers = itertools.count()

    def enter(self) -> Ticket:
        """Join the end of the line (running at once if a slot is free)."""
        with self._changed:
            ticket = Ticket(next(self._numbers))
            self._waiting.append(ticket)
            self._admit()
            return ticket

    def wait(self, ticket: Ticket, timeout: float | None = None) -> bool:
        """Block until `ticket` runs (True) or `timeout` seconds pass (False)."""
        with self._changed:
            return self._changed.wait_for(lambda: ticket.state != WAITING, timeout)

    def ahead(self, ticket: Ticket) -> int:
        """Tickets waiting in front of this one (0 when it runs or is next)."""
        with self._changed:
            return self._waiting.index(ticket) if ticket.state == WAITING else 0

    def leave(self, ticket: Ticket) -> None:
        """Give up the place or the slot; the next in line may run. Idempotent."""
        with self._changed:
            if ticket.state == RUNNING:
                self._running -= 1
            elif ticket.state == WAITING:
                self._waiting.remove(ticket)
            ticket.state = LEFT
            self._admit()

    @contextmanager
    def place(self) -> Iterator[Ticket]:
        """A ticket for the `with` block; it leaves the queue however the block ends."""
        ticket = self.enter()
        try:
            yield ticket
        finally:
            self.leave(ticket)

    def running(self) -> int:
        """Runs holding a slot now (read-only, for tests and monitoring)."""
        with self._changed:
            return self._running

    def waiting(self) -> int:
        """Tickets in line now (read-only, for tests and monitoring)."""
        with self._changed:
            return len(self._waiting)

    def _admit(self) -> None:
        """Let in from the front of the line while slots are free. Lock held."""
        while self._waiting and self._running < self.slots:
            self._waiting.popleft().state = RUNNING
            self._running += 1
        self._changed.notify_all()


RUNS = RunQueue(MAX_CONCURRENT_RUNS)  # the server's queue, shared by every session
