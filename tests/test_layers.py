"""The layers are kept by import-linter (pyproject.toml): the real tree keeps every
contract, and each contract breaks when a module crosses its layer, so none of them
can pass by accident."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LINT, "--no-cache"],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def lint_imports_ok(root: Path) -> subprocess.CompletedProcess:
    result = lint(root)
    assert "Contracts:" in result.stdout, result.stdout + result.stderr
    return result


def test_the_tree_keeps_every_layer():
    result = lint_imports_ok(ROOT)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("model/presets.py", "import streamlit", "model/ is the explorer core"),
        ("model/presets.py", "import plotly", "model/ is the explorer core"),
        ("model/presets.py", "import components.i18n", "model/ is the explorer core"),
        ("components/figures/parts.py", "import streamlit", "figure builders are pure"),
        ("components/figures/parts.py", "import components.charting", "figure builders are pure"),
    ],
)
def test_crossing_a_layer_breaks_its_contract(tmp_path, module, line, contract):
    for name in ("model", "components"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n")
    result = lint_imports_ok(tmp_path)
    assert result.returncode != 0
    report = " ".join(result.stdout.split())  # contract names wrap across lines
    assert "1 broken" in report, report
    assert contract in report.split(" BROKEN")[0], report
