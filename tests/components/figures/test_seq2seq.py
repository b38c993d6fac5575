"""The seq2seq lesson's figures alone: one translation's encoder and decoder states side by
side on one colour scale symmetric about 0, the decoder's start column = the encoder's
last state, the words on the time axes; and the loss per iteration."""

from __future__ import annotations

import numpy as np
import pytest

from components.figures import seq2seq as figures
from components.figures.parts import DIVERGING_SCALE
from components.i18n import t
from model.lessons.seq2seq import LAB_PAIRS_TEXT, Seq2SeqConfig, read_pairs, train_seq2seq
from model.lessons.seq2seq import translate as translated
from tests.components.figures.figure_checks import check_layout


@pytest.fixture(scope="module", params=["gru", "lstm"])
def result(request):
    run = train_seq2seq(Seq2SeqConfig(read_pairs(LAB_PAIRS_TEXT), cell=request.param,
                                      steps=40, hidden_size=6))  # fmt: skip
    for _ in run:
        pass
    return run.result()


def panels(spec: dict) -> tuple[dict, dict, dict]:
    encoder, start, decoder = (trace for trace in spec["data"] if trace["type"] == "heatmap")
    return encoder, start, decoder


def test_the_states_are_the_translations_on_one_symmetric_scale(result):
    translation = translated(result, "pytorch is a framework for deep learning.")
    spec = figures.states_spec(translation, result.config.cell)
    check_layout(spec)
    encoder, start, decoder = panels(spec)
    np.testing.assert_array_equal(encoder["z"], translation.encoder_states.T)  # (H, T_src)
    np.testing.assert_array_equal(start["z"][:, 0], translation.encoder_final)
    np.testing.assert_array_equal(decoder["z"], translation.decoder_states.T)  # (H, T_dec)
    assert {trace["coloraxis"] for trace in (encoder, start, decoder)} == {"coloraxis"}
    axis = spec["layout"]["coloraxis"]
    largest = max(np.abs(translation.encoder_states).max(),
                  np.abs(translation.decoder_states).max())  # fmt: skip
    assert axis["cmin"] == -axis["cmax"] == pytest.approx(-largest)
    assert axis["colorscale"] == DIVERGING_SCALE  # RdBu_r: white at 0


def test_the_words_are_on_the_time_axes_and_the_start_column_is_marked(result):
    translation = translated(result, "i feel hungry.")
    spec = figures.states_spec(translation, result.config.cell)
    layout = spec["layout"]
    words = layout["xaxis"]["ticktext"]
    assert words == ["i", "feel", "hungry.", "&lt;EOS&gt;"]
    written = layout["xaxis2"]["ticktext"][1:]
    assert written == [figures.short_word(word) for word in translation.predicted]
    assert layout["xaxis2"]["tickvals"][0] == figures.START == panels(spec)[1]["x"][0]
    assert t("fig_s2s_start", "en") in layout["xaxis2"]["ticktext"][0]
    outlines = [s for s in layout["shapes"] if s["type"] == "rect"]
    assert [(s["xref"], s["x0"] + 0.5) for s in outlines] == [("x", 3), ("x2", figures.START)]
    (arrow,) = [note for note in layout["annotations"] if note.get("showarrow")]
    assert arrow["ax"] > 1 and arrow["x"] > arrow["ax"]  # from the encoder to the decoder
    left, right = layout["xaxis"]["domain"], layout["xaxis2"]["domain"]
    column = (left[1] - left[0]) / 4
    assert column == pytest.approx((right[1] - right[0]) / (len(translation.predicted) + 1))


def test_the_decoder_hover_says_what_each_step_was_fed(result):
    translation = translated(result, "i feel hungry.")
    _, _, decoder = panels(figures.states_spec(translation, result.config.cell))
    first = decoder["customdata"][0]
    assert first[0].startswith("0 · fed &lt;SOS&gt; → ")
    assert decoder["customdata"].shape == decoder["z"].shape


def test_lstm_cell_states_and_korean_titles(result):
    translation = translated(result, "pytorch is very easy.")
    if result.config.cell != "lstm":
        assert translation.encoder_cells is None
        return
    spec = figures.states_spec(translation, "lstm", "ko", which="c")
    encoder, start, decoder = panels(spec)
    np.testing.assert_array_equal(encoder["z"], translation.encoder_cells.T)
    np.testing.assert_array_equal(start["z"][:, 0], translation.encoder_final_cell)
    np.testing.assert_array_equal(decoder["z"], translation.decoder_cells.T)
    assert spec["layout"]["title"]["text"] == t("fig_s2s_title_c", "ko", cell="LSTM")


def test_long_words_are_cut_on_the_axis_and_escaped():
    assert figures.short_word("<b>" * 10) == "&lt;b&gt;&lt;b&gt;&lt;b&gt;…"  # 9 characters + …
    assert figures.short_word("프레임워크이다.") == "프레임워크이다."


def test_the_loss_chart_has_every_iteration(result):
    spec = figures.loss_spec(result.losses)
    (line,) = spec["data"]
    assert line["x"] == list(range(1, 41))
    np.testing.assert_array_equal(line["y"], result.losses)
    assert spec["layout"]["xaxis"]["title"]["text"] == t("fig_s2s_iteration", "en")
