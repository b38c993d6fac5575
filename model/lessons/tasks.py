"""The "tasks" lesson: tasks with a known story, generated here (nothing downloaded), each
trained live in seconds, and the unit that does the job found automatically.

Three tasks, each with a hidden variable the network must keep to solve it:

* `gap`: remember the first token. `a` or `b`, then N more (`a` or `b` at random), then
  `?`;
  the answer, read at `?`, is the first token. Hidden variable: +1 for `a`, −1 for `b`.
* `count`: aⁿbⁿ. At every `b` the network says whether another `b` follows or the
  sequence ends there: it must count the `a`s. Trained on n up to a bound, tested beyond.
  Hidden variable: #a − #b so far.
* `brackets`: balanced brackets up to a depth; at every step, whether the brackets read
  so far are balanced. Hidden variable: the nesting depth.

`find_unit` picks, among every unit of h, c (LSTM) and the gates, the one whose value
correlates best (Pearson, over every step of the test sequences) with the hidden
variable. Training and the states are in `model.lessons.tasks_train`; this module holds
the task facts, the seeded generators and the unit finder (torch-free, numpy only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.config import CELLS, MAX_SEED
from model.errors import ConfigError, quoted

TASKS = ("gap", "count", "brackets")
MAX_GAP = 40  # filler tokens between the first token and the question
MAX_GAPS = 6  # gaps in one gap chart (each gap trains three networks)
MAX_COUNT_N = 16  # the largest n of aⁿbⁿ trained on
MAX_TEST_N = 32  # the largest n tested (at most twice the training bound)
MAX_DEPTH = 8  # the deepest nesting of the bracket task
MAX_TRAIN_STEPS = 1000  # optimiser steps per network
MIN_TRAIN_STEPS = 10
MAX_HIDDEN = 16  # the task networks are small: a job per unit is easier to see
TIME_LIMIT_SECONDS = 20.0  # one Train click, every network together; then it stops early
BATCH = 32  # sequences per training step
TEST_SEQUENCES = 200  # test sequences per gap (gap, brackets)
MAX_SCATTER_POINTS = 2000  # points in the unit-vs-variable scatter (an even sample)
GAP_OPTIONS = (1, 2, 3, 5, 8, 10, 15, 20, 25, 30, 40)  # the gaps offered


@dataclass(frozen=True)
class TaskFacts:
    """One task: its tokens (one-hot inputs, in this order), its answers (the output
    classes) and the name of its hidden variable."""

    name: str
    vocab: tuple[str, ...]
    classes: tuple[str, ...]
    variable: str  # what the hidden variable is, in words (English; the UI has its own)


TASK_FACTS = {
    "gap": TaskFacts("gap", ("a", "b", "?"), ("a", "b"), "first token (a = +1, b = −1)"),
    "count": TaskFacts("count", ("a", "b"), ("b", "end"), "#a − #b"),
    "brackets": TaskFacts("brackets", ("(", ")"), ("open", "balanced"), "depth"),
}


@dataclass(frozen=True)
class TaskSettings:
    """What one Train click trains: the frozen key of its results."""

    task: str = "count"  # gap | count | brackets
    cells: tuple[str, ...] = ("lstm",)  # the gap task trains RNN, LSTM and GRU
    gaps: tuple[int, ...] = (2, 5, 10, 20)  # gap: one network per cell and gap
    count_bound: int = 8  # count: trained on n = 1 .. count_bound
    depth: int = 4  # brackets: nesting at most this deep
    steps: int = 300  # optimiser steps per network (fewer when it is already perfect)
    hidden_size: int = 12
    seed: int = 0  # torch.manual_seed(seed) before each network; data from seed too
    lr: float = 0.02  # Adam
    time_limit: float = TIME_LIMIT_SECONDS

    def __post_init__(self) -> None:
        check_settings(self)

    @property
    def test_bound(self) -> int:
        """count: tested on n = 1 .. twice the training bound (at most MAX_TEST_N)."""
        return min(2 * self.count_bound, MAX_TEST_N)

    @property
    def bracket_length(self) -> int:
        """brackets: every string has this many brackets (room to reach the depth)."""
        return 6 * self.depth


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _refuse(what: str, low, high, value) -> ConfigError:
    got = quoted(value)
    return ConfigError(
        f"The task setting {what} must be a whole number from {low} to {high} (got {got}).",
        "err_task_setting", what=what, low=low, high=high, got=got,
    )  # fmt: skip


def check_settings(s: TaskSettings) -> None:
    """Every limit, with a sentence a user can act on."""
    if s.task not in TASKS:
        task, tasks = quoted(s.task), ", ".join(TASKS)
        raise ConfigError(f"Unknown task {task}: choose one of {tasks}.", "err_task_unknown",
                          task=task, tasks=tasks)  # fmt: skip
    if (
        not s.cells
        or any(cell not in CELLS for cell in s.cells)
        or len(set(s.cells)) < len(s.cells)
    ):
        raise ConfigError(f"Choose cells among {', '.join(CELLS)}, each once.",
                          "err_task_cells", cells=", ".join(CELLS))  # fmt: skip
    if not s.gaps or len(s.gaps) > MAX_GAPS or len(set(s.gaps)) < len(s.gaps):
        raise ConfigError(f"Choose 1 to {MAX_GAPS} different gaps.", "err_task_gaps",
                          most=MAX_GAPS)  # fmt: skip
    for what, value, low, high in (
        *(("gap", gap, 1, MAX_GAP) for gap in s.gaps),
        ("n", s.count_bound, 2, MAX_COUNT_N),
        ("depth", s.depth, 2, MAX_DEPTH),
        ("steps", s.steps, MIN_TRAIN_STEPS, MAX_TRAIN_STEPS),
        ("hidden size", s.hidden_size, 1, MAX_HIDDEN),
        ("seed", s.seed, 0, MAX_SEED),
    ):
        if not _whole(value) or not low <= value <= high:
            raise _refuse(what, low, high, value)
    if not (0 < s.lr <= 1) or not (0 < s.time_limit <= 600):
        raise ConfigError("The learning rate must be in (0, 1] and the time limit in "
                          "(0, 600] seconds.", "err_task_rate")  # fmt: skip


# --- the generators: a private numpy Generator each, never global state ----------------


@dataclass(frozen=True)
class TaskBatch:
    """Sequences of one task, right-padded (a one-way network never reads the padding
    before a real step, so the padding changes nothing that is scored)."""

    inputs: np.ndarray  # (N, T) int64 token index into TaskFacts.vocab
    targets: np.ndarray  # (N, T) int64 answer index into TaskFacts.classes (0 where unscored)
    scored: np.ndarray  # (N, T) bool: the steps with an answer to give
    lengths: np.ndarray  # (N,) real steps of each sequence
    variable: np.ndarray  # (N, T) float32 the hidden variable after each step (0 past the end)

    @property
    def valid(self) -> np.ndarray:
        """(N, T) True at real (unpadded) steps."""
        return np.arange(self.inputs.shape[1])[None, :] < self.lengths[:, None]

    def tokens(self, task: str, index: int) -> tuple[str, ...]:
        vocab = TASK_FACTS[task].vocab
        return tuple(vocab[i] for i in self.inputs[index, : self.lengths[index]])


def gap_batch(rng: np.random.Generator, count: int, gap: int) -> TaskBatch:
    """`a` or `b`, then `gap` random `a`/`b` fillers, then `?`, answered (at `?`) by the
    first token."""
    first = rng.integers(0, 2, size=count)  # 0 = a, 1 = b
    steps = gap + 2
    inputs = rng.integers(0, 2, size=(count, steps))  # a or b at random
    inputs[:, 0] = first
    inputs[:, -1] = 2  # "?"
    targets = np.zeros((count, steps), dtype=np.int64)
    targets[:, -1] = first
    scored = np.zeros((count, steps), dtype=bool)
    scored[:, -1] = True
    variable = np.repeat(np.where(first == 0, 1.0, -1.0)[:, None], steps, axis=1)
    lengths = np.full(count, steps, dtype=np.int64)
    return TaskBatch(inputs, targets, scored, lengths, variable.astype(np.float32))


def count_batch(ns: np.ndarray) -> TaskBatch:
    """aⁿbⁿ for each n; at every `b` the answer is `b` (another follows) or `end`."""
    ns = np.asarray(ns, dtype=np.int64)
    steps = int(2 * ns.max())
    position = np.arange(steps)[None, :]
    n = ns[:, None]
    inputs = np.where(position < n, 0, 1).astype(np.int64)
    valid = position < 2 * n
    scored = valid & (position >= n)
    targets = np.where(scored & (position == 2 * n - 1), 1, 0).astype(np.int64)
    variable = np.where(position < n, position + 1, 2 * n - position - 1)
    variable = np.where(valid, variable, 0).astype(np.float32)
    inputs = np.where(valid, inputs, 0)
    return TaskBatch(inputs, targets, scored, 2 * ns, variable)


def count_training_batch(rng: np.random.Generator, count: int, bound: int) -> TaskBatch:
    return count_batch(rng.integers(1, bound + 1, size=count))


def bracket_batch(rng: np.random.Generator, count: int, depth: int, length: int) -> TaskBatch:
    """Balanced strings of `length` brackets never deeper than `depth`: at depth 0 open,
    at `depth` close, when the steps left equal the depth close, else either (even odds).
    The answer at every step: are the brackets read so far balanced?"""
    length += length % 2
    inputs = np.zeros((count, length), dtype=np.int64)
    variable = np.zeros((count, length), dtype=np.float32)
    level = np.zeros(count, dtype=np.int64)
    coins = rng.random((count, length)) < 0.5
    for step in range(length):
        left = length - step
        close = (level == depth) | (level >= left) | ((level > 0) & coins[:, step])
        inputs[:, step] = close.astype(np.int64)  # 0 = "(", 1 = ")"
        level = level + np.where(close, -1, 1)
        variable[:, step] = level
    targets = (variable == 0).astype(np.int64)
    scored = np.ones((count, length), dtype=bool)
    return TaskBatch(inputs, targets, scored, np.full(count, length, dtype=np.int64), variable)


def training_batch(settings: TaskSettings, rng: np.random.Generator, gap: int = 0) -> TaskBatch:
    if settings.task == "gap":
        return gap_batch(rng, BATCH, gap)
    if settings.task == "count":
        return count_training_batch(rng, BATCH, settings.count_bound)
    return bracket_batch(rng, BATCH, settings.depth, settings.bracket_length)


def evaluation_batches(settings: TaskSettings, gap: int = 0) -> list[tuple[int, TaskBatch]]:
    """(point, batch) per point of the accuracy chart, from their own seeded stream:
    gap: one point (that gap); count: n = 1 .. test_bound, one sequence each; brackets:
    one point (the depth)."""
    rng = np.random.default_rng([settings.seed, 1])  # apart from the training stream
    if settings.task == "gap":
        return [(gap, gap_batch(rng, TEST_SEQUENCES, gap))]
    if settings.task == "count":
        return [(n, count_batch(np.array([n]))) for n in range(1, settings.test_bound + 1)]
    batch = bracket_batch(rng, TEST_SEQUENCES, settings.depth, settings.bracket_length)
    return [(settings.depth, batch)]


# --- the unit that does the job ---------------------------------------------------------


@dataclass(frozen=True)
class UnitFound:
    quantity: str  # h | c | a gate name (input, forget, ..., reset, update, candidate)
    unit: int
    r: float  # Pearson correlation with the hidden variable (its sign kept)


def correlations(values: np.ndarray, variable: np.ndarray) -> np.ndarray:
    """Pearson r of every column of values (steps, units) with variable (steps,); NaN for
    a constant column (or a constant variable)."""
    values = np.asarray(values, dtype=np.float64)
    variable = np.asarray(variable, dtype=np.float64)
    centred = values - values.mean(axis=0)
    target = variable - variable.mean()
    denominator = np.sqrt((centred**2).sum(axis=0) * (target**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (centred * target[:, None]).sum(axis=0) / denominator
    return np.where(denominator > 1e-12, r, np.nan)


def find_unit(states: dict[str, np.ndarray], variable: np.ndarray) -> UnitFound:
    """The unit (of any quantity: h, c, a gate) whose value correlates best with the
    hidden variable, by |r|; states: name -> (steps, units). Ties go to the first
    quantity given, then the lower unit."""
    best: UnitFound | None = None
    for quantity, values in states.items():
        r = correlations(values, variable)
        if np.isnan(r).all():
            continue
        unit = int(np.nanargmax(np.abs(r)))
        if best is None or abs(r[unit]) > abs(best.r):
            best = UnitFound(quantity, unit, float(r[unit]))
    if best is None:
        raise ConfigError("No unit varies together with the hidden variable (every value "
                          "or the variable is constant).", "err_task_no_unit")  # fmt: skip
    return best


def scatter_sample(count: int, most: int = MAX_SCATTER_POINTS) -> np.ndarray:
    """Indices of an even sample of at most `most` of `count` points (deterministic)."""
    if count <= most:
        return np.arange(count)
    return np.linspace(0, count - 1, most).round().astype(np.int64)
