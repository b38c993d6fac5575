"""Shared fixtures for the figure and URL-state tests (no Streamlit runtime here)."""

from __future__ import annotations

from functools import lru_cache

import pytest

from model.config import ExplorerConfig
from model.trace import Trace, trace


@lru_cache(maxsize=64)
def _cached_trace(config: ExplorerConfig) -> Trace:
    return trace(config)


@pytest.fixture(scope="session")
def traced():
    """config -> Trace, computed once per config for the whole run."""
    return _cached_trace
