"""The unrolled network's drawing pieces on their own: which steps are drawn, and how a
token is written inside a box. (The diagrams: test_weights.py, test_patterns.py.)"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from components.figures import unrolled as uf


@settings(max_examples=30, deadline=None)
@given(steps=st.integers(1, 60))
def test_long_sequences_show_the_first_steps_a_gap_and_the_last(steps):
    drawn = uf.drawn_positions(steps)
    assert len(drawn) == min(steps, uf.MAX_DRAWN)
    assert drawn[-1] == steps - 1 and drawn[0] == 0
    if steps > uf.MAX_DRAWN:
        assert drawn == [*range(uf.MAX_DRAWN - 2), None, steps - 1]
    else:
        assert None not in drawn


def test_user_tokens_are_escaped_and_cut():
    assert uf.box_text("<b>") == "&lt;b&gt;"
    assert uf.box_text(" ") == "␣"
    assert uf.box_text("extraordinary") == "extrao…"
    assert len(uf.box_text("extraordinary", 5)) == 5
