"""The trace under the heaviest input allowed: the largest scene fits in bounded memory
and time, and a known tolerance gap with large cancelling numbers is kept visible.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from model.cells import check_budget
from model.config import (
    MAX_ABS_NUMBER,
    MAX_HIDDEN,
    MAX_INPUT_SIZE,
    MAX_LAYERS,
    MAX_STATE_VALUES,
    MAX_VOCAB,
    ExplorerConfig,
)
from model.encoding import encode
from model.errors import ConfigError
from model.trace import trace
from tests.model.hostile.refusals import ROOT

pytestmark = pytest.mark.usefixtures("single_thread_torch")


# --- the budget bounds memory and time ---------------------------------------------------

_MEASURE = """
import json, resource, sys, time
import torch
torch.set_num_threads(1)
from model.config import ExplorerConfig
from model.trace import trace
trace(ExplorerConfig())
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
settings = json.loads(sys.argv[1])
result = trace(ExplorerConfig(**{**settings, "sequences": tuple(settings["sequences"])}))
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": (after - before) / 1024, "rss_mb": after / 1024,
                  "values": int(result.hidden.size), "error": result.max_error}))
"""
_DISTINCT = "".join(chr(0x4E00 + i) for i in range(MAX_VOCAB))
# The largest weights (LSTM, hidden 512, 4 layers, both directions, embedding 512:
# 23 million parameters) with the state budget filled: 1 line x 512 steps.
LARGEST = {
    "sequences": [_DISTINCT],
    "cell": "lstm",
    "hidden_size": MAX_HIDDEN,
    "num_layers": MAX_LAYERS,
    "bidirectional": True,
    "encoding": "embedding",
    "input_size": MAX_INPUT_SIZE,
}
PEAK_MB = 1024  # measured here: ~420 MB and 7-12 s (2 shared cores)
SECONDS = 60


def test_the_largest_allowed_scene_fits_in_bounded_memory_and_time():
    config = ExplorerConfig(**{**LARGEST, "sequences": tuple(LARGEST["sequences"])})
    encoded = encode(config)
    check_budget(config, encoded)  # allowed ...
    assert encoded.max_length * MAX_HIDDEN * MAX_LAYERS * 2 <= MAX_STATE_VALUES
    one_more = config.with_changes(sequences=(_DISTINCT + "a",))
    with pytest.raises(ConfigError):  # ... and one more step is not
        check_budget(one_more, encode(one_more))
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, json.dumps(LARGEST)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    figures = json.loads(measured.stdout)
    print(f"\nlargest scene: {figures}")
    assert figures["values"] == MAX_HIDDEN * MAX_LAYERS * 2 * MAX_VOCAB
    assert figures["peak_mb"] < PEAK_MB and figures["seconds"] < SECONDS
    assert figures["error"] < 1e-5


# --- a known gap, kept visible -------------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="model/trace.py measures max_error relative to max(1, |value|); a ReLU RNN "
    "whose pre-activation is a near-cancelling sum of large terms differs by up to ~3e-3 "
    "between two correct float32 summation orders. The tolerance should scale with the "
    "terms (|x| |W_ih| + |h| |W_hh| + |b|), not with the result.",
)
def test_relu_with_large_cancelling_inputs_stays_within_tolerance():
    """30 steps of 8 numbers within +-MAX_ABS_NUMBER, ReLU, 3 layers: measured 2.7e-3
    here (18 of 200 such seeds exceed 1e-4; tanh, LSTM and GRU stay below 3e-7)."""
    values = np.random.default_rng(93).uniform(-MAX_ABS_NUMBER, MAX_ABS_NUMBER, (30, 8))
    line = "; ".join(" ".join(f"{v:.6g}" for v in step) for step in values)
    config = ExplorerConfig(
        sequences=(line,), tokens="numbers", nonlinearity="relu", hidden_size=16, num_layers=3,
        seed=93,
    )  # fmt: skip
    assert trace(config).max_error < 1e-5
