"""Every refusal the backend raises carries a text key that exists in both languages
with exactly the fields the code passes; the key survives pickling.
"""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest

from components.i18n import EN, KO, error_text
from model.encoding import encode
from tests.model.hostile.refusals import KEYED_MODULES, ROOT, refusal, scene, template_fields

pytestmark = pytest.mark.usefixtures("single_thread_torch")


def _config_error_calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ConfigError":
            yield node


@pytest.mark.parametrize(
    "module",
    sorted(
        p.relative_to(ROOT / "model").with_suffix("").as_posix()
        for p in (ROOT / "model").rglob("*.py")
    ),
)
def test_every_text_key_the_backend_raises_exists_with_its_fields(module):
    path = ROOT / "model" / f"{module}.py"
    for call in _config_error_calls(path):
        where = f"{path.name}:{call.lineno}"
        assert module in KEYED_MODULES, f"{where}: a module not checked for text keys"
        assert len(call.args) >= 2, f"{where}: ConfigError without a text key"
        key = call.args[1]
        assert isinstance(key, ast.Constant) and key.value.startswith("err_"), where
        passed = {keyword.arg for keyword in call.keywords}
        for table in (EN, KO):
            assert key.value in table, f"{where}: no text for {key.value}"
            assert template_fields(table[key.value]) == passed, f"{where}: {key.value}"


def test_config_errors_keep_their_key_through_pickling():
    error = refusal(lambda: encode(scene("numbers", ["0,5 1,5"])))
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.key, copy.fields["reason"].key) == (
        str(error),
        "err_line",
        "err_decimal_comma",
    )
    assert error_text(copy, "ko") == error_text(error, "ko")
