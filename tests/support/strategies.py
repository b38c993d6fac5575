"""Hypothesis strategies several test files draw from: small valid scenes and texts.

    @given(config=small_configs(max_hidden=5, max_lines=4))
    @given(config=small_configs(kinds=ONE_PER_CELL, bias=True, init_state=DEFAULT))

Each test passes its own ranges (they decide how long a run takes); a field given by name
is pinned to that value, drawn from it when it is a strategy, or left at ExplorerConfig's
default when it is DEFAULT.
"""

from __future__ import annotations

from hypothesis import strategies as st

from model.config import ExplorerConfig

# (cell, nonlinearity): the four different recurrences (the nonlinearity is an RNN's only)
CELL_KINDS = (("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh"))
ONE_PER_CELL = (("rnn", "tanh"), ("lstm", "tanh"), ("gru", "tanh"))
INIT_STATES = ("zeros", "random")
MAX_SEED_DRAWN = 2**31 - 1
DEFAULT = object()  # a field left at ExplorerConfig's default, not drawn

# Any character at all: surrogates, controls, unassigned code points, everything.
ANY_CHAR = st.characters(exclude_categories=())


def any_text(max_size: int) -> st.SearchStrategy[str]:
    """Text of any characters, up to max_size of them."""
    return st.text(ANY_CHAR, max_size=max_size)


def lines(
    alphabet: str = "abcd", max_chars: int = 6, max_lines: int = 3, min_lines: int = 1
) -> st.SearchStrategy[tuple[str, ...]]:
    """Typed lines of a small alphabet, 1..max_chars characters each, never blank."""
    line = st.text(alphabet, min_size=1, max_size=max_chars).filter(str.strip)
    return st.lists(line, min_size=min_lines, max_size=max_lines).map(tuple)


def _config(fields: dict) -> ExplorerConfig:
    fields = dict(fields)
    cell, nonlinearity = fields.pop("kind")
    fields.setdefault("nonlinearity", nonlinearity)  # unless drawn on its own
    return ExplorerConfig(cell=cell, **fields)


def small_configs(
    *,
    alphabet: str = "abcd",
    max_chars: int = 6,
    max_lines: int = 3,
    max_hidden: int = 4,
    max_layers: int = 3,
    max_seed: int = MAX_SEED_DRAWN,
    kinds: tuple[tuple[str, str], ...] = CELL_KINDS,
    **fields,
) -> st.SearchStrategy[ExplorerConfig]:
    """Small valid one-hot scenes of characters: every cell kind, 1..max_hidden units,
    1..max_layers layers, one or two directions, either layout, with or without bias,
    zero or random initial states, any seed up to max_seed. `fields`: a field pinned to
    a value, drawn from a strategy, or DEFAULT (not drawn); a `nonlinearity` given here
    is drawn for every cell instead of with the kind."""
    drawn: dict[str, st.SearchStrategy] = {
        "sequences": lines(alphabet, max_chars, max_lines),
        "kind": st.sampled_from(kinds),
        "hidden_size": st.integers(1, max_hidden),
        "num_layers": st.integers(1, max_layers),
        "bidirectional": st.booleans(),
        "bias": st.booleans(),
        "batch_first": st.booleans(),
        "init_state": st.sampled_from(INIT_STATES),
        "seed": st.integers(0, max_seed),
    }
    for name, value in fields.items():
        if value is DEFAULT:
            drawn.pop(name)
        else:
            drawn[name] = value if isinstance(value, st.SearchStrategy) else st.just(value)
    return st.fixed_dictionaries(drawn).map(_config)
