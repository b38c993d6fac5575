"""AppTest helpers: run app.py headless and read its charts, texts and URL.

Every run asserts that the script raised nothing (AppTest does not fail on its own).
"""

from __future__ import annotations

import base64
import json
import re
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.lessons import TAB_KEY
from model.config import ExplorerConfig
from model.trace import trace
from tests.support.reference import lecture_outputs

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 90  # the first run imports torch and plotly
MARKDOWN_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                  "error", "success")  # fmt: skip
WIDGET_KINDS = ("text_area", "radio", "number_input", "toggle", "selectbox", "multiselect")


def decode(value) -> np.ndarray:
    """A Plotly JSON array: a plain list, or {"dtype", "bdata", "shape"} (Plotly >= 6)."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if shape:
            if isinstance(shape, str):
                shape = [int(part) for part in shape.split(",")]
            array = array.reshape(shape)
        return array
    return np.asarray(value, dtype=float)


def as_lists(query) -> dict[str, list[str]]:
    return {k: list(v) if isinstance(v, list | tuple) else [v] for k, v in dict(query).items()}


class Page:
    """One AppTest session of app.py."""

    def __init__(self, at: AppTest):
        self.at = at

    def run(self) -> Page:
        self.at.run()
        self.check()
        return self

    def check(self) -> None:
        assert not self.at.exception, [e.value for e in self.at.exception]

    # widgets
    def widget(self, key: str):
        for kind in WIDGET_KINDS:
            for element in getattr(self.at, kind):
                if element.key == key:
                    return element
        raise KeyError(f"no widget with key {key!r}")

    def set(self, **values) -> Page:
        """Set widgets by key (several at once, one rerun), e.g. set(main_cell="lstm")."""
        for key, value in values.items():
            self.widget(key).set_value(value)
        return self.run()

    def value(self, key: str):
        return self.widget(key).value

    def open(self, tab: str, lang: str = "en") -> Page:
        """Open a lesson by its text key (e.g. "tab_code"); only the open one is drawn."""
        self.at.session_state[TAB_KEY] = tab
        return self.run()

    # charts
    def charts(self) -> dict[str, dict]:
        """Chart key (timeline_chart, gates_chart, input_chart) -> its Plotly spec."""
        found = {}
        for chart in self.at.get("plotly_chart"):
            key = chart.proto.id.rsplit("-", 1)[-1]
            found[key] = json.loads(chart.proto.spec)
        return found

    def chart_config(self, key: str) -> dict:
        for chart in self.at.get("plotly_chart"):
            if chart.proto.id.endswith("-" + key):
                return json.loads(chart.proto.config)
        raise KeyError(key)

    def heatmaps(self, key: str = "timeline_chart") -> list[np.ndarray]:
        spec = self.charts()[key]
        return [decode(trace["z"]) for trace in spec["data"] if trace["type"] == "heatmap"]

    def heatmap(self, key: str = "timeline_chart") -> np.ndarray:
        return self.heatmaps(key)[0]

    # text
    def bodies(self, kind: str) -> list[str]:
        return [element.proto.body for element in getattr(self.at, kind)]

    def markdown_bodies(self) -> list[str]:
        return [body for kind in MARKDOWN_KINDS for body in self.bodies(kind)]

    def query(self) -> dict[str, list[str]]:
        return as_lists(self.at.query_params)


def outside_code(text: str) -> str:
    """Markdown text without its code spans (which are always shown literally)."""
    return re.sub(r"`[^`]*`", "", text)


def unescaped_html(text: str) -> list[str]:
    """Raw HTML-looking tags in Markdown text, outside code spans: a '<' not escaped by a
    backslash."""
    return re.findall(r"(?<!\\)<\s*/?\s*[a-zA-Z][^>]*>?", outside_code(text))


def expected_hidden(config: ExplorerConfig, seq=0, layer=0, direction=0) -> np.ndarray:
    """What the heatmap must hold: the backend's trace, (H, T)."""
    return trace(config).hidden[layer, direction, seq].T


@pytest.fixture(scope="session")
def ref() -> SimpleNamespace:
    """Reference values and checks the tests compare the page with (lecture_outputs: the
    lecture's code in plain PyTorch, tests/support/reference.py)."""
    return SimpleNamespace(
        decode=decode,
        hidden=expected_hidden,
        lecture_outputs=partial(lecture_outputs, grad=True),  # printed with grad_fn
        unescaped_html=unescaped_html,
        outside_code=outside_code,
        as_lists=as_lists,
    )


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture
def make_app():
    """make_app(query=None) -> a Page after its first run (query: name -> str or list)."""

    def make(query: dict | None = None) -> Page:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        for name, value in (query or {}).items():
            at.query_params[name] = value
        return Page(at).run()

    return make


@pytest.fixture
def page(make_app) -> Page:
    """The page as a first visit (no query string) shows it."""
    return make_app()
