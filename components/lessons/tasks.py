"""The "Tasks: who remembers" lesson: a task with a known story (remember the first token,
count aⁿbⁿ, bracket depth), trained live on a small network, its accuracy, and the unit
that does the job found automatically, coloured over a test sequence and plotted against
the task's hidden variable.

Results are kept per settings in the session (numbers and text only): switching the
task or the unit shown never retrains. A Train click takes a core from the training
queue (`model.training.queue.RUNS`) like any training run.
"""

from __future__ import annotations

import logging

import streamlit as st

from components.charting import chart
from components.figures import tasks as figures
from components.figures.parts import CELL_NAMES
from components.i18n import error_text, t
from components.lessons.view import LessonView, keep, restore
from model.config import CELLS
from model.errors import ConfigError
from model.lessons.tasks import (
    GAP_OPTIONS,
    MAX_COUNT_N,
    MAX_DEPTH,
    MAX_GAPS,
    MAX_TEST_N,
    MAX_TRAIN_STEPS,
    MIN_TRAIN_STEPS,
    TASKS,
    TIME_LIMIT_SECONDS,
    TaskSettings,
)
from model.lessons.tasks_train import PERFECT_BATCHES, ModelResult, run_task
from model.training.queue import RUNS

log = logging.getLogger(__name__)
TASK_KEY, GAPS_KEY, BOUND_KEY, DEPTH_KEY = "tasks_task", "tasks_gaps", "tasks_bound", "tasks_depth"
STEPS_KEY, CELL_KEY, SHOWN_GAP_KEY = "tasks_steps", "tasks_cell", "tasks_shown_gap"
RESULTS = "_tasks_results"  # settings -> [ModelResult], this session's trained tasks
KEPT_RESULTS = 8  # the most recent settings kept
DEFAULT_GAPS = [2, 5, 10, 20]
DEFAULT_STEPS = 300
GOOD_ENOUGH = 0.9  # the gap whose unit is shown first: the longest the cell answers this well


def render(view: LessonView) -> None:
    lang = view.lang
    st.caption(t("tasks_intro", lang))
    task = _choose_task(lang)
    settings = _settings(task, view, lang)
    results = st.session_state.get(RESULTS, {}).get(settings)
    if st.button(t("tasks_train", lang), key="tasks_train", type="primary"):
        results = _train(settings, lang) or results
    if results is None:
        st.info(t("tasks_press_train", lang), icon="👆")
        return
    _render_summary(settings, results, lang)
    if task != "brackets":
        _render_accuracy(settings, results, lang)
    _render_unit(settings, results, view, lang)


def _choose_task(lang: str) -> str:
    labels = {"gap": t("tasks_task_gap", lang), "count": t("tasks_task_count", lang),
              "brackets": t("tasks_task_brackets", lang)}  # fmt: skip
    restore(TASK_KEY, TASKS, "gap")
    task = st.radio(t("tasks_task", lang), TASKS, format_func=labels.get, key=TASK_KEY,
                    horizontal=True)  # fmt: skip
    keep(TASK_KEY)
    about = {"gap": t("tasks_about_gap", lang), "count": t("tasks_about_count", lang),
             "brackets": t("tasks_about_brackets", lang)}  # fmt: skip
    st.markdown(about[task])
    return task


def _settings(task: str, view: LessonView, lang: str) -> TaskSettings:
    """The task's own setting, the steps, and (count, brackets) the cell trained."""
    scene_cell = view.trace.config.cell
    left, right = st.columns(2)
    with left:
        if task == "gap":
            _restore_gaps()
            gaps = st.multiselect(t("tasks_gaps", lang), GAP_OPTIONS, key=GAPS_KEY,
                                  max_selections=MAX_GAPS,
                                  help=t("tasks_gaps_help", lang, most=MAX_GAPS))  # fmt: skip
            keep(GAPS_KEY)
        elif task == "count":
            restore(BOUND_KEY, range(2, MAX_COUNT_N + 1), 8)
            st.slider(t("tasks_bound", lang), 2, MAX_COUNT_N, key=BOUND_KEY,
                      help=t("tasks_bound_help", lang, most=MAX_TEST_N))  # fmt: skip
            keep(BOUND_KEY)
        else:
            restore(DEPTH_KEY, range(2, MAX_DEPTH + 1), 4)
            st.slider(t("tasks_depth", lang), 2, MAX_DEPTH, key=DEPTH_KEY,
                      help=t("tasks_depth_help", lang))  # fmt: skip
            keep(DEPTH_KEY)
    with right:
        restore(STEPS_KEY, range(MIN_TRAIN_STEPS, MAX_TRAIN_STEPS + 1), DEFAULT_STEPS)
        steps = st.slider(t("tasks_steps", lang), MIN_TRAIN_STEPS, MAX_TRAIN_STEPS, step=10,
                          key=STEPS_KEY,
                          help=t("tasks_steps_help", lang, perfect=PERFECT_BATCHES,
                                 seconds=f"{TIME_LIMIT_SECONDS:g}"))  # fmt: skip
        keep(STEPS_KEY)
    cells = CELLS
    if task != "gap":
        cell = _choose_cell(scene_cell, t("tasks_cell_train", lang))
        cells = (cell,)
    state = st.session_state
    gaps = tuple(sorted(state.get(GAPS_KEY) or DEFAULT_GAPS)) if task == "gap" else (2,)
    return TaskSettings(
        task=task, cells=cells, gaps=gaps, steps=int(steps), seed=view.trace.config.seed,
        count_bound=int(state.get(BOUND_KEY, 8)), depth=int(state.get(DEPTH_KEY, 4)),
    )  # fmt: skip


def _restore_gaps() -> None:
    state = st.session_state
    kept = state.get("_kept_" + GAPS_KEY) if GAPS_KEY not in state else state[GAPS_KEY]
    valid = isinstance(kept, list) and kept and set(kept) <= set(GAP_OPTIONS)
    state[GAPS_KEY] = list(kept)[:MAX_GAPS] if valid else list(DEFAULT_GAPS)


def _choose_cell(default: str, label: str) -> str:
    restore(CELL_KEY, CELLS, default)
    cell = st.radio(label, CELLS, format_func=CELL_NAMES.get, key=CELL_KEY, horizontal=True)
    keep(CELL_KEY)
    return cell


def _train(settings: TaskSettings, lang: str) -> list[ModelResult] | None:
    """Wait for a core, train every network of the settings with a progress bar, keep
    the results in the session."""
    with RUNS.place() as ticket:
        note = st.empty()
        while not RUNS.wait(ticket, 0.5):
            ahead = RUNS.ahead(ticket)
            if ahead:
                note.info(t("queue_wait_ahead", lang, ahead=ahead, cores=RUNS.slots,
                            seconds=0), icon="⏳")  # fmt: skip
            else:
                note.info(t("queue_wait_next", lang, cores=RUNS.slots, seconds=0), icon="⏳")
        note.empty()
        progress = st.progress(0.0, text=t("tasks_training", lang, done=0, total="…"))

        def advance(done: int, total: int) -> None:
            progress.progress(done / total, text=t("tasks_training", lang, done=done, total=total))

        try:
            results = run_task(settings, advance)
        except ConfigError as error:
            st.error(error_text(error, lang))
            return None
        except Exception:  # a bug or a torch failure: log it, say so plainly
            log.exception("task training failed for %r", settings)
            st.error(t("tasks_failed", lang))
            return None
        finally:
            progress.empty()
    store = st.session_state.setdefault(RESULTS, {})
    store.pop(settings, None)
    store[settings] = results
    while len(store) > KEPT_RESULTS:
        store.pop(next(iter(store)))
    return results


def _render_summary(settings: TaskSettings, results: list[ModelResult], lang: str) -> None:
    seconds = sum(r.training.seconds for r in results)
    st.caption(t("tasks_trained", lang, networks=len(results), seconds=f"{seconds:.1f}",
                 hidden=settings.hidden_size, lr=settings.lr, seed=settings.seed))  # fmt: skip
    if any(r.training.stopped == "time" for r in results):
        st.warning(t("tasks_time_cut", lang, seconds=f"{settings.time_limit:g}"))


def _render_accuracy(settings: TaskSettings, results: list[ModelResult], lang: str) -> None:
    if settings.task == "gap":
        lines = {cell: (settings.gaps, tuple(r.accuracy[0] for r in results if r.cell == cell))
                 for cell in settings.cells}  # fmt: skip
        spec = figures.accuracy_spec(lines, t("tasks_fig_gap_title", lang),
                                     t("tasks_fig_gap_axis", lang), lang, chance=0.5)  # fmt: skip
        chart(spec, "tasks-accuracy-gap", "tasks_accuracy_chart")
        st.caption(t("tasks_accuracy_gap_caption", lang))
        return
    (result,) = results
    lines = {result.cell: (result.points, result.accuracy)}
    title = t("tasks_fig_count_title", lang, cell=CELL_NAMES[result.cell])
    spec = figures.accuracy_spec(lines, title, "n", lang, bound=settings.count_bound)
    chart(spec, "tasks-accuracy-count", "tasks_accuracy_chart")
    held = settings.count_bound  # the largest n up to which every n is answered right
    for n, accuracy in zip(result.points, result.accuracy, strict=True):
        if n > settings.count_bound and accuracy == 1.0 and n == held + 1:
            held = n
    st.caption(t("tasks_accuracy_count_caption", lang, bound=settings.count_bound, held=held))


def _render_unit(
    settings: TaskSettings, results: list[ModelResult], view: LessonView, lang: str
) -> None:
    st.subheader(t("tasks_unit_title", lang))
    result = results[0]
    if settings.task == "gap":
        left, right = st.columns(2)
        with left:
            cell = _choose_cell(view.trace.config.cell, t("tasks_cell_shown", lang))
        mine = [r for r in results if r.cell == cell]
        good = [r.gap for r in mine if r.accuracy[0] >= GOOD_ENOUGH]
        with right:
            restore(SHOWN_GAP_KEY, settings.gaps, max(good) if good else settings.gaps[0])
            gap = st.selectbox(t("tasks_shown_gap", lang), settings.gaps, key=SHOWN_GAP_KEY)
            keep(SHOWN_GAP_KEY)
        result = next(r for r in mine if r.gap == gap)
    variable = {"gap": t("tasks_variable_gap", lang), "count": t("tasks_variable_count", lang),
                "brackets": t("tasks_variable_brackets", lang)}[settings.task]  # fmt: skip
    if settings.task == "brackets":
        st.metric(t("tasks_accuracy_metric", lang), f"{result.accuracy[0]:.0%}",
                  help=t("tasks_accuracy_metric_help", lang))  # fmt: skip
    label = figures.unit_label(result.cell, result.unit)
    quantity = result.unit.quantity
    what = (t("tasks_quantity_h", lang) if quantity == "h" else t("tasks_quantity_c", lang)
            if quantity == "c" else t("gate_" + quantity, lang))  # fmt: skip
    st.markdown(t("tasks_unit_found", lang, unit=label, what=what, cell=CELL_NAMES[result.cell],
                  r=f"{result.unit.r:.2f}", variable=variable))  # fmt: skip
    st.caption(t("tasks_unit_caption", lang))
    text = figures.unit_text_spec(result.tokens, result.unit_values, result.variable, label,
                                  result.cell, variable, lang)  # fmt: skip
    chart(text, f"tasks-unit-{settings.task}", "tasks_text_chart")
    st.caption(t("tasks_text_caption", lang))
    scatter = figures.scatter_spec(result.scatter_variable, result.scatter_unit, result.unit.r,
                                   label, result.cell, variable, lang)  # fmt: skip
    chart(scatter, f"tasks-scatter-{settings.task}", "tasks_scatter_chart")
    st.caption(t("tasks_scatter_caption", lang))
