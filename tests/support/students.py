"""Scripted students on the real server: what one student does in a session, each
interaction checked against what the page then shows.

A student opens the preset link, types a word, switches the cell type and trains for the
lecture's steps (`play`); `attend` runs that after a delay and records every run and the
first failure instead of raising. Used by tests/e2e/test_server_sessions.py (a few
students at once) and bench/load.py (a lecture hall of them). Sessions are
`streamlit_sessions.Session`s: Streamlit's websocket protocol, no browser.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from streamlit.proto.Alert_pb2 import Alert

from model.presets import PRESETS
from tests.support.streamlit_sessions import NoAnswer, Run, Session

INTERACTIONS = ("open", "type", "cell", "train")
LETTERS = "hielo"  # hihello's vocabulary: a typed word keeps hidden size = vocabulary size
CELL_LABELS = ("GRU", "LSTM")  # the preset's RNN is switched to one of these
TRAIN_FORM = "main_train_form"
TIMELINE_KEY = "timeline_chart"

Think = Callable[[], float]  # seconds a student pauses before the next interaction


class CheckFailed(Exception):
    """The run finished, but the page does not show what the interaction should do."""


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


# --- what the page shows ------------------------------------------------------------------


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


# --- one student's interactions, each checked -------------------------------------------


async def prepare(session: Session, student: Student, record: Record, think: Think) -> None:
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


async def play(session: Session, student: Student, record: Record, think: Think) -> None:
    """The four interactions, with `think()` seconds between them."""
    await prepare(session, student, record, think)
    await asyncio.sleep(think())
    await train(session, student, record)


async def attend(session: Session, record: Record, delay: float, think: Think) -> Record:
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
