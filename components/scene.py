"""Compute a scene once per configuration and hand it to the views.

Two levels, both holding only numpy arrays and text (no torch module is ever shared):

* the session keeps its current scene in `st.session_state`, so reruns that change only
  the view (sequence, layer, units) neither recompute nor unpickle it;
* small scenes also go in `st.cache_data`, shared by every session: a class opening the
  lecture link computes it once. Large scenes stay per session, since a shared cache
  pickles its value on every store and hit (about 150 ms for the largest scene).

The shared cache is bounded in entries, in the size of each entry and in time: at most
CACHE_ENTRIES scenes, each with at most SHARED_CACHE_VALUES traced values and
SHARED_CACHE_WEIGHTS weights (the Trace carries the module's parameters: an LSTM of
hidden size 512, 4 layers, both directions, traces few values on a short word but
pickles to 82 MB), each kept at most CACHE_SECONDS. Per session, `st.session_state`
holds one scene and one trained scene, replaced when the configuration changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from components.i18n import error_text, t
from components.training.state import Shown
from model.cells import CELL_FACTS
from model.codegen import python_code
from model.config import MAX_VOCAB, ExplorerConfig
from model.errors import ConfigError
from model.trace import Trace, trace, trace_model
from model.training.code import divergence_note, training_code
from model.training.data import training_data
from model.training.network import built_model_for

log = logging.getLogger(__name__)
CACHE_ENTRIES = 32  # small scenes kept for everyone; least recently used go first
CACHE_SECONDS = 3600  # a shared scene is recomputed after an hour (a lecture)
SHARED_CACHE_VALUES = 50_000  # scenes up to this many traced values share the cache ...
SHARED_CACHE_WEIGHTS = 500_000  # ... and up to this many weights (2 MB of float32)


@dataclass(frozen=True, eq=False)
class Scene:
    trace: Trace
    code: str  # plain PyTorch that reproduces the scene
    printout: str  # what that code prints
    untrained_code: str = ""  # trained scenes: the untrained scene's code as well
    note: str = ""  # trained scenes: what the printout covers (e.g. a divergence)


def _compute(config: ExplorerConfig) -> Scene:
    result = trace(config)
    return Scene(result, python_code(config, result.encoded), result.printed)


@st.cache_data(max_entries=CACHE_ENTRIES, ttl=CACHE_SECONDS, show_spinner=False)
def _shared_scene(config: ExplorerConfig) -> Scene:
    return _compute(config)


def traced_values_bound(config: ExplorerConfig) -> int:
    """An upper bound on batch x steps x hidden x layers x directions, before encoding."""
    characters = sum(len(line) for line in config.sequences)
    return characters * config.hidden_size * config.num_layers * config.num_directions


def weights_bound(config: ExplorerConfig) -> int:
    """An upper bound on the module's weights (and the embedding's), before encoding: the
    vocabulary or feature count is at most the number of characters typed."""
    characters = sum(len(line) for line in config.sequences)
    vocab = min(characters, MAX_VOCAB)
    embedding = config.encoding == "embedding" and config.tokens != "numbers"
    inputs = config.input_size if embedding else vocab
    hidden, directions = config.hidden_size, config.num_directions
    blocks = CELL_FACTS[config.cell].blocks * hidden  # weight blocks: PyTorch's layout
    total = vocab * config.input_size if embedding else 0
    for layer in range(config.num_layers):
        layer_inputs = inputs if layer == 0 else hidden * directions
        total += directions * blocks * (layer_inputs + hidden + 2)  # W_ih, W_hh, two biases
    return total


def shared(config: ExplorerConfig) -> bool:
    """Whether the scene is small enough for the cache every session shares."""
    return (
        traced_values_bound(config) <= SHARED_CACHE_VALUES
        and weights_bound(config) <= SHARED_CACHE_WEIGHTS
    )


def compute_scene(config: ExplorerConfig) -> Scene:
    memo = st.session_state.get("_scene")
    if memo is not None and memo[0] == config:
        return memo[1]
    small = shared(config)
    scene = _shared_scene(config) if small else _compute(config)
    st.session_state["_scene"] = (config, scene)
    return scene


def seeded_trace(trace: Trace) -> Trace | None:
    """The scene's config with its seeded (untrained) weights: `trace` itself unless the
    weights shown are trained. None if that scene cannot be computed."""
    try:
        return compute_scene(trace.config).trace
    except ConfigError:
        return None


def trained_scene(config: ExplorerConfig, shown: Shown) -> Scene:
    """The explorer's scene for trained weights (per session; never in the shared cache)."""
    key = (config, shown.key)
    memo = st.session_state.get("_trained_scene")
    if memo is not None and memo[0] == key:
        return memo[1]
    trained = shown.trained
    data = training_data(config)
    encoded = data.inputs if data.numbers else data.encoded  # numbers: the scaled input
    built = built_model_for(config, trained.weights_at(shown.step), encoded)
    result = trace_model(config, encoded, built)
    note = "" if trained.result is None else divergence_note(trained.result)
    scene = Scene(
        result,
        training_code(config, trained.train_config),
        trained.printout,
        untrained_code=python_code(config),
        note=note,
    )
    st.session_state["_trained_scene"] = (key, scene)
    return scene


def safe_scene(
    config: ExplorerConfig, shown: Shown | None = None, lang: str = "en"
) -> tuple[Scene | None, str | None]:
    """(scene, None), or (None, a message for the user); never raises."""
    try:
        if shown is not None:
            return trained_scene(config, shown), None
        return compute_scene(config), None
    except ConfigError as error:
        return None, error_text(error, lang)
    except Exception:  # a bug or a torch failure: log it, tell the user plainly
        log.exception("scene failed for %r", config)
        return None, t("error_scene_failed", lang)
