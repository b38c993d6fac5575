"""Several sessions on the real server at once, driven through Streamlit's own websocket
protocol (tests/support/streamlit_sessions.py) by scripted students
(tests/support/students.py), as the load test does with hundreds (bench/load.py).

AppTest runs every test under one constant session id, so it cannot show that two users
are kept apart; here each session is its own websocket and its own server session. Two
students train the same cell at the same moment on different words: each page's loss
curve and trained hidden states must equal what `model.training.run.train_to_end` and the
tracer give for that student's own settings, and differ from the other's; a third
session on the same settings must see neither model.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json
from dataclasses import replace
from urllib.parse import parse_qs

import numpy as np
import pytest
import torch

from components.urlstate import parse_query
from model.config import ExplorerConfig
from model.encoding import encode
from model.presets import PRESETS
from model.trace import trace, trace_model
from model.training.config import TrainConfig
from model.training.network import built_model_for
from model.training.records import TrainResult
from model.training.run import train_to_end
from tests.support.streamlit_sessions import Session
from tests.support.students import (
    INTERACTIONS,
    Record,
    Student,
    attend,
    make_students,
    prepare,
    timeline_figure,
    train,
)

pytestmark = pytest.mark.e2e

TOLERANCE = 1e-5  # float32 hidden states, page vs backend
RUN_TIMEOUT = 240.0  # seconds for one interaction on a busy 2-core machine
STEPS = 100  # the lecture's training


def no_pause() -> float:
    return 0.2


def decoded(value) -> np.ndarray:
    """A Plotly array: plain JSON, or Plotly's {"dtype", "bdata" (base64), "shape"}."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if shape:
            array = array.reshape([int(n) for n in str(shape).split(",")])
        return array
    return np.asarray(value)


def page_losses(session: Session) -> np.ndarray:
    for chart in session.page.of_kind("plotly_chart"):
        for data in json.loads(chart.spec)["data"]:
            if data.get("name") == "loss":
                return decoded(data["y"])
    raise AssertionError("no training chart on the page")


def page_hidden(session: Session) -> np.ndarray:
    """The timeline's heatmap: (hidden units, steps) of sequence 1, layer 1."""
    heatmaps = [d for d in timeline_figure(session)["data"] if d["type"] == "heatmap"]
    return decoded(heatmaps[0]["z"]).astype(np.float32)


def student_config(student: Student) -> ExplorerConfig:
    return replace(PRESETS[student.preset], sequences=(student.word,), cell=student.cell.lower())


def backend_run(student: Student) -> TrainResult:
    return train_to_end(student_config(student), TrainConfig(head=student.head, steps=STEPS))


def hidden_states(config: ExplorerConfig, weights: dict[str, torch.Tensor] | None) -> np.ndarray:
    """What the timeline heatmap should show: (hidden, steps), from the tracer."""
    if weights is None:
        return trace(config).hidden[0, 0, 0].T
    encoded = encode(config)
    built = built_model_for(config, weights, encoded)
    return trace_model(config, encoded, built).hidden[0, 0, 0].T


def scene_config(session: Session) -> ExplorerConfig:
    """The scene the server shows this session, from the query string it wrote."""
    config, _preset, notices = parse_query(parse_qs(session.query_string))
    assert not notices, notices
    return config


async def crowd(app_url: str, students: list[Student]) -> list[Record]:
    """The students arrive 0.3 s apart and work at once, each in their own session."""
    sessions = [Session(app_url, RUN_TIMEOUT) for _ in students]
    pairs = zip(sessions, students, strict=True)
    visits = [attend(s, Record(student), 0.3 * i, no_pause) for i, (s, student) in enumerate(pairs)]
    try:
        return await asyncio.gather(*visits)
    finally:
        await asyncio.gather(*(s.close() for s in sessions))


def run_async(coroutine):
    """asyncio.run in its own thread: Playwright's sync API (the browser tests in the same
    session) keeps an event loop running in the main thread, where asyncio.run refuses."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_every_interaction_of_four_students_at_once_is_answered(app_url):
    students = make_students(4, "hihello", STEPS, seed=11)
    records = run_async(crowd(app_url, students))
    for record in records:
        assert not record.failure, f"student {record.student}: {record.failed_at}: {record.failure}"
        assert list(record.runs) == list(INTERACTIONS)
        assert all(run.ok for run in record.runs.values())
        assert record.outcome == "trained", record.outcome


async def train_two_at_once(app_url: str, a: Student, b: Student):
    """Both prepare their scene and press "Train" in the same instant, then rerun their
    page (the model must come back from their own session). Then a third student sets
    a's and then b's settings without training: the untrained scene both times."""
    sessions = [Session(app_url, RUN_TIMEOUT) for _ in range(3)]
    records = Record(a), Record(b), Record(a)
    try:
        for session, student, record in zip(sessions[:2], (a, b), records[:2], strict=True):
            await prepare(session, student, record, no_pause)
        await asyncio.gather(train(sessions[0], a, records[0]), train(sessions[1], b, records[1]))
        for session in sessions[:2]:
            assert (await session.rerun([])).ok
        fresh, seen = sessions[2], []
        await prepare(fresh, a, records[2], no_pause)
        seen.append((scene_config(fresh), has_result(fresh), page_hidden(fresh)))
        assert (await fresh.set_value("main_sequences", b.word)).ok
        seen.append((scene_config(fresh), has_result(fresh), page_hidden(fresh)))
        return sessions[:2], records, seen
    finally:
        await asyncio.gather(*(session.close() for session in sessions))


def has_result(session: Session) -> bool:
    """The snapshot slider appears only when the session has a trained model to show."""
    try:
        session.page.widget("main_train_step")
    except KeyError:
        return False
    return True


def test_two_sessions_training_at_once_each_get_their_own_model(app_url):
    # Same cell and shapes, different words: either model could be drawn on either page.
    a = Student(0, "hihello", "hiheoll", "GRU", STEPS)
    b = Student(1, "hihello", "olleihh", "GRU", STEPS)
    (page_a, page_b), records, seen = run_async(train_two_at_once(app_url, a, b))
    assert [r.outcome for r in records[:2]] == ["trained", "trained"]

    # The two runs really were on the server at the same time: each page's progress bar
    # was redrawn while the other's was mid-run.
    runs = [record.runs["train"] for record in records[:2]]
    assert all(len(run.progress) >= 2 for run in runs), [run.progress for run in runs]
    started = max(run.progress[0] for run in runs)
    finished = min(run.progress[-1] for run in runs)
    assert started < finished, "the two trainings did not overlap"

    results = backend_run(a), backend_run(b)
    assert np.abs(results[0].losses - results[1].losses).max() > 1e-3, "runs not distinguishable"
    for index, (session, student) in enumerate(((page_a, a), (page_b, b))):
        mine, other = results[index], results[1 - index]
        config = student_config(student)
        assert scene_config(session) == config
        losses = page_losses(session)
        assert losses.shape == (STEPS + 1,)
        np.testing.assert_allclose(losses, mine.losses, rtol=0, atol=1e-6)
        assert np.abs(losses - other.losses).max() > 1e-3, "the page shows the other's losses"
        shown = page_hidden(session)
        expected = hidden_states(config, mine.weights)
        np.testing.assert_allclose(shown, expected, rtol=0, atol=TOLERANCE)
        for weights in (other.weights, None):  # the other's model; the untrained one
            assert np.abs(shown - hidden_states(config, weights)).max() > 1e-3

    # A model stays in the session that trained it: the third session, on a's and then
    # b's exact settings, sees no training result and the untrained states.
    for (config, result_shown, shown), student in zip(seen, (a, b), strict=True):
        assert config == student_config(student)
        assert not result_shown, f"another session's model is shown for {student.word}"
        untrained = hidden_states(config, None)
        np.testing.assert_allclose(shown, untrained, rtol=0, atol=TOLERANCE)
