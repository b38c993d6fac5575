"""Run generated PyTorch snippets in a separate Python and collect what each prints."""

from __future__ import annotations

import json
import subprocess
import sys

RUNNER = """
import contextlib, io, json, sys
import torch
torch.set_num_threads(1)  # as the app runs
snippets = json.load(sys.stdin)
printed = []
for code in snippets:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), {"__name__": "__main__"})
    printed.append(out.getvalue())
json.dump(printed, sys.stdout)
"""


def printed_by_python(codes: list[str]) -> list[str]:
    """One process for all (importing torch costs seconds); each snippet runs in a fresh
    namespace, as a notebook cell would."""
    done = subprocess.run(
        [sys.executable, "-c", RUNNER], input=json.dumps(codes), capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
