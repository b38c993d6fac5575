"""The title suffix every figure shares: "sequence n · layer k · reverse", one helper and
one set of texts, the layer written as the page's layer control writes it."""

from __future__ import annotations

from components.figures.parts import chart_title, titled, where
from components.i18n import t
from model.config import ExplorerConfig

DEEP = ExplorerConfig(sequences=("hello", "hi"), cell="lstm", num_layers=2, bidirectional=True)


def test_the_layer_and_direction_are_named_only_when_there_are_several(traced):
    deep, single = traced(DEEP), traced(ExplorerConfig())
    assert where(deep, "en", 1, 1, 1) == "sequence 2 · layer 2 · reverse"
    assert where(deep, "en", layer=0, direction=0) == "layer 1 · forward"
    assert where(single, "en", 0, 0, 0) == "sequence 1"
    assert where(single, "en", layer=0, direction=0) == ""


def test_korean_writes_the_layer_as_the_layer_control_does(traced):
    shown = where(traced(DEEP), "ko", 0, 1, 0)
    assert shown == " · ".join(
        (t("fig_sequence_n", "ko", n=1), t("fig_layer_n", "ko", n=2), t("direction_forward", "ko"))
    )
    assert t("select_layer", "ko") in t("fig_layer_n", "ko", n=2)  # 층 (layer) 2


def test_titles_skip_empty_parts(traced):
    assert titled("Input x_t", "") == "Input x_t"
    assert titled("a", "b", "") == "a · b"
    title = chart_title("Hidden state", traced(DEEP), 0, 1, 1, "en")
    assert title == "Hidden state · LSTM · sequence 1 · layer 2 · reverse"
