"""The Limits list: every named limit is listed with its value, in both languages, and a
backend refusal is shown in the user's language."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.figures import parts as figure_parts
from components.i18n import error_text, t
from components.sidebar import limits as limits_module
from components.sidebar.limits import LIMIT_MODULES, limit_groups
from model import config, series, upload
from model.config import ExplorerConfig
from model.errors import ConfigError
from model.lessons import code_model, memory, seq2seq_data, tasks
from model.training import archive as checkpoint  # the checkpoint file's caps
from model.training import config as training
from model.training import generate

ROOT = Path(__file__).resolve().parents[3]
PREFIXES = ("MAX_", "MIN_")


def defined_limits(module) -> set[str]:
    """MAX_* / MIN_* assigned at the top of the module's own source (not imported)."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names |= {n.id for n in targets if isinstance(n, ast.Name) and n.id.startswith(PREFIXES)}
    return names


def listed_limits() -> dict[str, set[str]]:
    """module name -> the limit constants components/sidebar/limits.py reads (module.NAME)."""
    tree = ast.parse(Path(limits_module.__file__).read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr.startswith(PREFIXES)
        ):
            found.setdefault(node.value.id, set()).add(node.attr)
    return found


def imported_names() -> dict[str, str]:
    """module path -> the name limits.py gives it (`from model.training import run as x`)."""
    tree = ast.parse(Path(limits_module.__file__).read_text(encoding="utf-8"))
    return {
        f"{node.module}.{alias.name}": alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


@pytest.mark.parametrize("module", LIMIT_MODULES, ids=lambda m: m.__name__)
def test_every_named_limit_is_listed(module):
    names = defined_limits(module)
    assert names, module.__name__  # the scan finds them
    alias = imported_names()[module.__name__]
    assert names == listed_limits().get(alias, set()), alias


def test_the_modules_cover_the_brief():
    assert set(LIMIT_MODULES) == {
        config, training, checkpoint, figure_parts, memory, series, upload, generate,
        seq2seq_data, tasks, code_model,
    }  # fmt: skip


def test_the_server_upload_cap_is_the_checkpoint_cap():
    options = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert options["maxUploadSize"] * 2**20 == checkpoint.MAX_UPLOAD_BYTES
    assert options["maxMessageSize"] >= 1


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_line_says_its_value(lang):
    groups = dict(limit_groups(lang))
    assert len(groups) == 5 and all(groups.values())
    text = "\n".join(line for lines in groups.values() for line in lines)
    for value in (
        config.MAX_SEQUENCES, config.MAX_STEPS, config.MAX_TEXT_CHARS, config.MAX_TOKEN_CHARS,
        config.MAX_STATE_VALUES, training.MAX_TRAIN_STEPS,
        training.MAX_TRAIN_WORK, figure_parts.MAX_HOVER_CELLS, memory.MAX_INFLUENCE_WORK,
        memory.MAX_INFLUENCE_STEPS,
    ):  # fmt: skip
        assert f"**{value:,}**" in text, value
    assert f"**{checkpoint.MAX_UPLOAD_BYTES // 2**20} MB**" in text
    assert f"**{training.MAX_SNAPSHOT_BYTES // 2**20} MB**" in text
    assert f"{training.MAX_TRAIN_SECONDS:g}" in text
    assert "**±1,000,000**" in text and "**0.00001 – 10**" in text
    assert f"**{memory.MIN_SCALE:g} – {memory.MAX_SCALE:g}**" in text
    assert f"**0 – {config.MAX_SEED:,}**" in text
    assert "<" not in text  # Markdown only, no HTML


def _limits_page(lang: str) -> None:
    from components.sidebar.limits import render_limits

    render_limits(lang, expanded=True)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_expander_draws_every_group(lang):
    at = AppTest.from_function(_limits_page, args=(lang,), default_timeout=60)
    at.run()
    assert not at.exception
    (expander,) = at.expander
    assert expander.label == t("limits_title", lang)
    (caption,) = [c.value for c in expander.caption]  # one element: cheap to re-render
    parts = caption.split("\n\n")
    assert parts[0] == t("limits_caption", lang)
    groups = limit_groups(lang)
    assert parts[1::2] == [f"**{title}**" for title, _ in groups]
    assert parts[2::2] == ["\n".join(f"- {line}" for line in lines) for _, lines in groups]


# --- a refusal in the user's language ------------------------------------------------


def _refusal(**fields) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        ExplorerConfig(**fields)
    return caught.value


def test_a_refusal_in_english_and_korean():
    error = _refusal(hidden_size=0)
    assert error_text(error, "en") == str(error)
    assert error_text(error, "ko") == "hidden_size 값은 1에서 512 사이여야 합니다 (입력값: 0)."
    assert error_text(error, "xx") == str(error)  # an unknown language: English


def test_what_cannot_be_translated_is_shown_in_english():
    assert error_text(ConfigError("plain sentence."), "ko") == "plain sentence."
    assert error_text(ConfigError("no text.", "err_no_such_key"), "ko") == "no text."
    missing_field = ConfigError("Line 2 has no tokens.", "err_no_tokens")  # no `line`
    assert error_text(missing_field, "ko") == "Line 2 has no tokens."
    assert error_text(ValueError("other."), "ko") == "other."


def test_a_reason_inside_a_message_is_translated_too():
    inner = ConfigError("Type at least one sequence (one per line).", "err_no_text")
    outer = ConfigError(f"The checkpoint settings cannot be used: {inner}",
                        "err_ckpt_settings_unusable", reason=inner)  # fmt: skip
    assert error_text(outer, "en") == str(outer)
    assert error_text(outer, "ko") == (
        "체크포인트 설정을 사용할 수 없습니다: 시퀀스를 한 줄에 하나씩, 하나 이상 입력하세요."
    )
