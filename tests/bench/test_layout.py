"""What keeps bench/ in shape: the tests never import it (benches may use tests/support,
not the other way round), and no bench file grows past the hard limit."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAX_LINES = 500  # a bench file past this holds several jobs: split it


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_test_imports_bench_code():
    offenders = {
        str(path.relative_to(REPO)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] == "bench"
        )
        for path in (REPO / "tests").rglob("*.py")
    }
    assert not {path: names for path, names in offenders.items() if names}


def test_every_bench_file_stays_under_the_limit():
    lengths = {
        str(path.relative_to(REPO)): len(path.read_text().splitlines())
        for path in (REPO / "bench").rglob("*.py")
    }
    assert lengths, "no bench scripts found"
    assert {path: n for path, n in lengths.items() if n > MAX_LINES} == {}
