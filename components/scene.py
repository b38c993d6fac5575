"""Compute a scene once per configuration (cached) and keep per-session settings.

The cache holds only pure, picklable results (numpy arrays and text) keyed by the frozen
config: no torch module is ever shared between sessions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from model.codegen import printout, python_code
from model.config import ConfigError, ExplorerConfig
from model.trace import Trace, trace

log = logging.getLogger(__name__)
CACHE_ENTRIES = 32  # scenes kept by the server, for everyone; least recently used go first


@dataclass(frozen=True, eq=False)
class Scene:
    trace: Trace
    code: str
    printout: str


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def compute_scene(config: ExplorerConfig) -> Scene:
    result = trace(config)
    return Scene(result, python_code(config, result.encoded), printout(config, result.encoded))


def safe_scene(config: ExplorerConfig) -> tuple[Scene | None, str | None]:
    """(scene, None), or (None, a message for the user); never raises."""
    try:
        return compute_scene(config), None
    except ConfigError as error:
        return None, str(error)
    except Exception:  # a bug or a torch failure: log it, tell the user plainly
        log.exception("scene failed for %r", config)
        return None, "Something went wrong computing this scene. Try other settings."
