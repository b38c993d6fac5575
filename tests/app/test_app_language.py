"""Two languages: the URL and the switch choose Korean or English, every key exists in
both (tests/components/i18n/test_catalogue.py), and no view shows a string outside the table.

The last is proved with a pseudo-language: the Korean table is replaced by the English
one with every text wrapped in ⟦ ⟧. Every string the page shows (labels, help, Markdown,
tab names, table headers, chart titles, axes, annotations, hover text, buttons) must
then have no Latin word outside the brackets, apart from names that are the same in
every language (RNN, LSTM, GRU, English, h_n ...). The scenes use Korean text, so the
user's own tokens carry no Latin letters either.
"""

from __future__ import annotations

import json
import re

import pytest
from google.protobuf.json_format import MessageToDict

from components import i18n as text
from components.i18n import EN, t
from components.lessons import TAB_KEY, TABS

# Same in every language: model and library names, tensor names, the language names.
NAMES = ("RNN", "LSTM", "GRU", "English", "PyTorch", "PCA", "tanh", "relu", "ReLU", "Adam", "SGD")
TEXT_FIELDS = {"label", "body", "help", "placeholder", "options", "caption"}
PLOTLY_TEXT_KEYS = {"text", "label", "prefix", "hovertemplate", "ticktext", "title"}
SCENES = {
    "gru": {"preset": "korean"},
    "lstm": {
        "seq": ["안녕하세요", "하세요안녕"],
        "cell": "lstm",
        "hidden": "5",
        "layers": "2",
        "bidirectional": "1",
        "batch_first": "1",
    },  # fmt: skip
    "rnn_sf": {"seq": ["가나다", "다나가"], "cell": "rnn"},
    "numbers": {
        "seq": ["1, 2, 3", "3 2 1"],
        "tokens": "numbers",
        "cell": "lstm",
        "batch_first": "1",
    },  # fmt: skip
}


@pytest.fixture
def pseudo(monkeypatch):
    """The Korean table replaced by bracketed English: what is not bracketed did not
    come from the table."""
    monkeypatch.setitem(text.TABLES, "ko", {key: f"⟦{value}⟧" for key, value in EN.items()})


def shown_strings(page) -> list[str]:
    found: list[str] = []
    _walk(page.at._tree, found)
    return found


def _walk(node, found: list[str]) -> None:
    proto = getattr(node, "proto", None)
    kind = getattr(node, "type", "")
    if proto is not None and kind not in ("code", "latex", "html"):  # code, formulas, CSS
        fields = MessageToDict(proto)
        if kind == "plotly_chart":
            _plotly_strings(json.loads(fields.get("spec", "{}")), found)
        elif kind == "dataframe":
            found += [str(column) for column in node.value.columns]
        else:
            for name in TEXT_FIELDS & set(fields):
                _strings(fields[name], found)
    for child in getattr(node, "children", {}).values():
        _walk(child, found)


def _strings(value, found: list[str]) -> None:
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, list | tuple):
        for item in value:
            _strings(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, found)


def _plotly_strings(value, found: list[str], key: str = "") -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _plotly_strings(item, found, name)
    elif isinstance(value, list):
        for item in value:
            _plotly_strings(item, found, key)
    elif isinstance(value, str) and key in PLOTLY_TEXT_KEYS:
        found.append(value)


def outside_table(strings: list[str], typed: tuple[str, ...] = ()) -> list[str]:
    """Strings with a Latin word that is neither bracketed nor a shared name."""
    bad = []
    for original in strings:
        rest, count = original, 1
        while count:  # innermost first: a translated text can hold another one
            rest, count = re.subn(r"⟦[^⟦⟧]*⟧", " ", rest)
        rest = re.sub(r"`[^`]*`", " ", rest)  # code spans: tensor names, code
        rest = re.sub(r"\b[A-Za-z]<sub>\w+</sub>", " ", rest)  # W<sub>ih</sub>: a symbol
        rest = re.sub(r"%\{[^}]*\}|<extra></extra>|</?(br|sub|b|i)( [^>]*)?>", " ", rest)
        rest = re.sub(r"\b(output|[hcxW]\w*)\[[^\]]*\]|\b[bhcxyzW]_\w+", " ", rest)  # h[0], W_ih
        rest = re.sub(r"\b(weight|bias)_(ih|hh)_l\d+(_reverse)?\b", " ", rest)  # torch's names
        rest = re.sub(r"\b(batch_sizes|(un)?sorted_indices)\b", " ", rest)  # PackedSequence's
        words = [w for w in re.findall(r"[A-Za-z]{2,}", rest) if w not in NAMES + typed]
        if words:
            bad.append(original)
    return bad


@pytest.mark.parametrize("scene", sorted(SCENES))
@pytest.mark.parametrize(("tab", "render"), TABS, ids=[k for k, *_ in TABS])
def test_no_view_shows_a_string_outside_the_table(pseudo, make_app, scene, tab, render):
    page = make_app({**SCENES[scene], "lang": "ko"})
    page.open(tab, "ko")
    strings = shown_strings(page)
    assert len(strings) > 20  # the walk found the page
    assert outside_table(strings) == []


def test_presenter_mode_and_the_training_form_speak_the_table_too(pseudo, make_app):
    page = make_app({"preset": "hihello", "lang": "ko", "present": "1"})
    assert outside_table(shown_strings(page), typed=("hihello",)) == []  # the user's word


def test_the_url_chooses_korean_and_keeps_it(make_app):
    page = make_app({"preset": "lecture", "lang": "ko"})
    assert page.at.title[0].value == t("app_title", "ko")
    assert t("app_caption", "ko") in page.bodies("caption")
    assert page.query()["lang"] == ["ko"]
    assert page.query()["preset"] == ["lecture"]  # the view setting is not a scene change
    labels = page.at.button_group(key=TAB_KEY).options
    assert labels == [t(key, "ko") for key, *_ in TABS]


def test_the_switch_changes_the_language_and_keeps_the_scene(make_app, ref):
    page = make_app({"seq": ["abc"], "cell": "gru", "hidden": "3"})
    before = page.heatmap()
    assert "lang" not in page.query()  # English is the default: not written
    page.at.session_state["lang"] = "ko"
    page.run()
    assert page.at.title[0].value == t("app_title", "ko")
    assert page.query()["lang"] == ["ko"]
    assert page.value("main_cell") == "gru" and page.value("main_hidden_size") == 3
    assert (page.heatmap() == before).all()  # the same numbers in any language
    spec = page.charts()["timeline_chart"]
    assert spec["layout"]["title"]["text"].startswith(t("fig_hidden_state", "ko"))


def test_the_open_lesson_stays_open_in_the_other_language(make_app):
    page = make_app({"preset": "lecture"}).open("tab_code")
    assert page.at.button_group(key=TAB_KEY).value == "tab_code"
    code = page.at.code[1].value
    page.at.session_state["lang"] = "ko"
    page.run()
    pills = page.at.button_group(key=TAB_KEY)
    assert pills.value == "tab_code"  # the lesson's key, not its English name
    assert pills.options == [t(key, "ko") for key, *_ in TABS]
    assert page.at.code[1].value == code  # the same printout, now under a Korean name


def test_a_bad_language_in_the_link_is_a_notice(make_app):
    page = make_app({"preset": "lecture", "lang": "fr"})
    assert page.at.title[0].value == t("app_title", "en")
    warnings = page.bodies("warning")
    assert len(warnings) == 1 and "`lang`" in warnings[0] and "`fr`" in warnings[0]
