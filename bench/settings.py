"""The scenes bench/rerun.py and bench/tracer.py measure: the largest settings the app
allows (as a link and as the config the app builds from it), the lecture preset, and a
GRU of hidden size 128 over 500 steps; tiny ones of the same kinds for --smoke. The random
lines come from a fixed seed, so every run measures the same inputs."""

from __future__ import annotations

import random
from dataclasses import dataclass

from components.urlstate import parse_query
from model.config import ExplorerConfig
from model.presets import PRESETS

SEED = 20240601
ALPHABET = "abcdefgh"


@dataclass(frozen=True)
class Scenes:
    big_query: dict[str, str]  # the largest settings as the link's query parameters
    big: ExplorerConfig  # the config the app builds from that link
    big_label: str
    lecture: ExplorerConfig  # the default page
    gru: ExplorerConfig
    gru_label: str


def config_from_url(query: dict[str, str]) -> ExplorerConfig:
    """The config the app builds from these query parameters (the same parser). A link
    the app corrects (a notice) would measure something else: refused."""
    config, _, notices = parse_query({name: [value] for name, value in query.items()})
    if notices:
        raise ValueError(f"query {sorted(query)} gave notices {notices}")
    return config


def scenes(smoke: bool = False) -> Scenes:
    sizes = (24, 8, 12, 8) if smoke else (1000, 256, 500, 128)
    big_steps, big_hidden, gru_steps, gru_hidden = sizes
    rng = random.Random(SEED)
    big_line = "".join(rng.choice(ALPHABET) for _ in range(big_steps))
    gru_line = "".join(rng.choice(ALPHABET) for _ in range(gru_steps))
    query = {
        "seq": big_line,
        "cell": "lstm",
        "hidden": str(big_hidden),
        "layers": "2",
        "bidirectional": "1",
        "batch_first": "1",
    }
    return Scenes(
        big_query=query,
        big=config_from_url(query),
        big_label=(
            f"LSTM, hidden {big_hidden}, 2 layers, bidirectional, batch_first, one line of "
            f"{big_steps} letters from {ALPHABET!r}"
        ),
        lecture=PRESETS["lecture"],
        gru=ExplorerConfig(
            sequences=(gru_line,), cell="gru", hidden_size=gru_hidden, batch_first=True
        ),
        gru_label=f"GRU hidden {gru_hidden}, {gru_steps} steps",
    )
