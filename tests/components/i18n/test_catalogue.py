"""The translation table: every key the code asks for exists, and formats with what the
code passes; every key in the table is used. Keys and parameters are read from the source
with `ast`, so a new t("...") call is checked without editing this file."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from components.i18n import EN, LANGUAGES, TABLES, t
from components.lessons import TABS
from components.settings import COLOUR_SCALES
from model.cells import GATE_NAMES
from model.config import CELLS, ENCODINGS, INIT_STATES, TOKENIZERS
from model.presets import PRESETS
from model.series import SCALINGS
from model.training.config import HEADS, PROBLEMS, TIPS

ROOT = Path(__file__).resolve().parents[3]
SOURCES = sorted((ROOT / "components").rglob("*.py")) + [ROOT / "app.py"]
BACKEND = sorted((ROOT / "model").rglob("*.py"))
# Keys built as "prefix" + value: every value the code can produce.
DYNAMIC = {
    "preset_": [*PRESETS, "custom"],
    "tokens_": list(TOKENIZERS),
    "encoding_": list(ENCODINGS),
    "init_": list(INIT_STATES),
    "gates_caption_": [cell for cell in CELLS if cell != "rnn"],
    "train_head_": list(HEADS),
    "gate_": sorted({gate for gates in GATE_NAMES.values() for gate in gates}),
    "colour_": list(COLOUR_SCALES),
    "series_scaling_": list(SCALINGS),
}


# Keys passed through a parameter or read from a table: every key the variable can hold.
VARIABLE_KEYS = {
    ("_dims", "key"): {key for key in EN if key.startswith("dims_")},
    ("_hover", "row"): {"pitfall_line", "pitfall_sequence"},
    ("_hover", "what"): {"fig_train_loss", "fig_train_accuracy"},
    ("diverged_text", "tip"): set(TIPS),
    ("diverged_text", "problem_key"): set(PROBLEMS),
}


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def translator_names(tree: ast.AST) -> set[str]:
    """The names t() goes by in a module: "t", and any `from components.i18n import t as
    tr` alias (the figure builders')."""
    names = {"t"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "components.i18n":
            names |= {alias.asname or alias.name for alias in node.names if alias.name == "t"}
    return names


def _is_t_call(node: ast.AST, names: set[str]) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names


def _assigned_strings(function: ast.AST, name: str) -> set[str]:
    """String constants a local variable can hold (x = "a" if c else "b")."""
    found: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            found |= _strings(node.value, function)
    return found


def _strings(node: ast.AST, function: ast.AST) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body, function) | _strings(node.orelse, function)
    if isinstance(node, ast.Name):
        where = (getattr(function, "name", ""), node.id)
        if where in VARIABLE_KEYS:
            return VARIABLE_KEYS[where]
        found = _assigned_strings(function, node.id)
        if not found and getattr(function, "name", "") == "render_notices":
            return set(notice_keys())  # the keys come from urlstate's notices
        if not found and getattr(function, "name", "") == "render_lessons":
            return {key for key, *_ in TABS}  # the tab labels
        assert found, f"cannot resolve the key variable {node.id!r}"
        return found
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add)
        and isinstance(node.left, ast.Constant)
    ):
        prefix = node.left.value
        assert prefix in DYNAMIC, f"unknown dynamic key prefix {prefix!r}: add it to DYNAMIC"
        return {prefix + value for value in DYNAMIC[prefix]}
    raise AssertionError(f"cannot resolve the key in {ast.unparse(node)}")


def collect_calls() -> list[tuple[str, str, set[str] | None]]:
    """(where, key, keyword names passed, or None when passed as **values) per t() call."""
    calls = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        translators = translator_names(tree)
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        for node in ast.walk(tree):
            if not _is_t_call(node, translators):
                continue
            scope = next(
                (f for f in functions if any(child is node for child in ast.walk(f))), tree
            )
            names = {k.arg for k in node.keywords}
            passed = None if None in names else names
            for key in sorted(_strings(node.args[0], scope)):
                calls.append((f"{path.name}:{node.lineno}", key, passed))
    return calls


def notice_keys() -> dict[str, set[str]]:
    """Notices built in urlstate.py: ("notice_...", {params}) tuples."""
    tree = ast.parse((ROOT / "components" / "urlstate.py").read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Tuple)
            and len(node.elts) == 2
            and isinstance(node.elts[0], ast.Constant)
            and str(node.elts[0].value).startswith("notice_")
            and isinstance(node.elts[1], ast.Dict)
        ):
            found[node.elts[0].value] = {k.value for k in node.elts[1].keys}
    return found


def backend_keys() -> set[str]:
    """Text keys of the backend's refusals: `ConfigError(message, "key", ...)` in model/
    (shown through error_text, never through a t("...") call)."""
    keys = set()
    for path in BACKEND:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "ConfigError"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
            ):
                keys.add(node.args[1].value)
    return keys


CALLS = collect_calls()
NOTICES = notice_keys()
BACKEND_KEYS = backend_keys()


def unused_keys(table: dict[str, str]) -> list[str]:
    """Keys of `table` that no code uses: not asked for by a t() call (a constant, a
    DYNAMIC prefix, a variable or table of keys, see _strings), not a urlstate notice,
    not a backend refusal."""
    used = {key for _, key, _ in CALLS} | set(NOTICES) | BACKEND_KEYS
    return sorted(set(table) - used)


def test_the_source_scan_finds_the_calls():
    keys = {key for _, key, _ in CALLS}
    assert len(CALLS) > 60
    assert {"app_title", "check_ok", "check_bad", "dims_sf", "preset_lecture"} <= keys
    assert {"direction_forward", "direction_reverse", "gates_caption_lstm"} <= keys
    assert {"fig_value", "gate_candidate_n", "gate_forget"} <= keys  # the figures' tr(...)
    assert {"err_line", "err_decimal_comma", "err_ckpt_json"} <= BACKEND_KEYS
    assert set(NOTICES) == {
        "notice_unknown_param",
        "notice_bad_preset",
        "notice_empty_seq",
        "notice_bad_value",
        "notice_bad_config",
        "notice_trained_gone",
    }


@pytest.mark.parametrize(("where", "key", "passed"), CALLS, ids=[f"{w}:{k}" for w, k, _ in CALLS])
def test_every_key_the_code_uses_exists_and_gets_its_parameters(where, key, passed):
    assert key in EN, f"{where}: t({key!r}) has no English text"
    if passed is not None:  # t(key, lang, a=..., b=...): exactly the template's fields
        assert fields(EN[key]) == passed, where
        if passed:
            EN[key].format(**dict.fromkeys(passed, 1))


def test_every_key_in_the_table_is_used_somewhere():
    """A text no code asks for is dead weight in both catalogues (and in every Korean
    review): delete it from en.toml and ko.toml, with its ko.toml [_from_english] stamp."""
    assert unused_keys(EN) == []


def test_the_unused_key_check_sees_a_key_no_code_uses():
    """The check above can fail: a text added to the table and used nowhere is caught."""
    added = set(unused_keys({**EN, "no_code_asks_for_this": "Hello"})) - set(unused_keys(EN))
    assert added == {"no_code_asks_for_this"}


def test_t_is_imported_by_name_so_the_scan_sees_every_call():
    """`i18n.t("key")` through a module import would hide its key from the checks above;
    `from components.i18n import t as tr` is seen (translator_names)."""
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("components.i18n") for a in node.names), path
            if isinstance(node, ast.ImportFrom) and node.module == "components":
                assert "i18n" not in {a.name for a in node.names}, path


@pytest.mark.parametrize(("key", "params"), sorted(NOTICES.items()))
def test_every_notice_has_text_and_formats_with_its_parameters(key, params):
    assert key in EN
    assert fields(EN[key]) == params
    shown = t(key, "en", **dict.fromkeys(params, "<b>x</b> [y](z)"))
    assert "{" not in shown


def test_every_text_formats_with_representative_values():
    for key, template in EN.items():
        names = fields(template)
        shown = t(key, "en", **dict.fromkeys(names, 3)) if names else t(key, "en")
        assert isinstance(shown, str) and shown.strip(), key
        if names:
            assert "{" not in shown, key


def test_texts_without_fields_have_no_stray_braces():
    for key, template in EN.items():
        if not fields(template):
            assert "{" not in template and "}" not in template, key


def test_every_language_has_the_same_keys():
    assert "en" in LANGUAGES
    for lang, table in TABLES.items():
        assert set(table) == set(EN), lang


def test_unknown_language_falls_back_to_english_and_unknown_key_fails_loudly():
    assert t("app_title", "xx") == EN["app_title"]
    with pytest.raises(KeyError):
        t("no_such_key")


def test_the_backends_training_words_are_the_tables_english():
    """model/training.py writes its English message from the same keys the page
    translates: the two English texts must not drift apart."""
    for key, english in {**PROBLEMS, **TIPS}.items():
        assert EN[key] == english, key


def test_every_korean_entry_is_stamped_with_the_english_it_translates():
    """A Korean text older than its English fails here: change the English, then the
    Korean, then `python -m components.i18n.stamp KEY`."""
    from components.i18n import load_catalogue
    from components.i18n.stamp import STAMPS, english_sources, stamp

    stamps = load_catalogue("ko")[STAMPS]
    english = english_sources()
    assert set(stamps) == set(english)
    stale = sorted(key for key, value in stamps.items() if value != stamp(english[key]))
    assert not stale, f"Korean older than its English (translate, then stamp): {stale}"


def test_the_stamp_check_sees_a_changed_english(tmp_path, monkeypatch):
    """The check above can fail: an English text edited after its Korean is caught."""
    from components import i18n
    from components.i18n import stamp as stamping

    for lang in i18n.LANGUAGES:
        (tmp_path / f"{lang}.toml").write_bytes((i18n.HERE / f"{lang}.toml").read_bytes())
    en = tmp_path / "en.toml"
    en.write_text(
        en.read_text(encoding="utf-8").replace('app_title = "', 'app_title = "New ', 1),
        encoding="utf-8",
    )
    monkeypatch.setattr(stamping, "HERE", tmp_path)
    monkeypatch.setattr(i18n, "HERE", tmp_path)
    stamps = i18n.load_catalogue("ko")[stamping.STAMPS]
    english = stamping.english_sources()
    assert stamps["app_title"] != stamping.stamp(english["app_title"])
    assert stamping.main(["app_title"]) == 0  # stamping after the translation clears it
    stamps = i18n.load_catalogue("ko")[stamping.STAMPS]
    assert stamps["app_title"] == stamping.stamp(english["app_title"])
    assert len(stamps) == len(english)


def test_both_catalogues_have_the_same_sections_and_keys():
    from components.i18n import load_catalogue

    en, ko = load_catalogue("en"), load_catalogue("ko")
    assert {s for s in ko if not s.startswith("_")} == set(en)
    for section, texts in en.items():
        assert set(ko[section]) == set(texts), section
