"""The Encoder–decoder tab in AppTest: its own form trains the lab's seq2seq model, the
page prints what the backend (and so the lab) prints, and the states chart holds the
backend's hidden states."""

from __future__ import annotations

import numpy as np
import pytest

from components.i18n import EN, t
from components.lessons.view import KEPT
from model.lessons.seq2seq import (
    DIVERGED,
    LAB_PAIRS_TEXT,
    TIMED_OUT,
    Seq2SeqConfig,
    evaluate_lines,
    lab_printout,
    read_pairs,
    train_seq2seq,
)

SUBMIT = "s2s_train"
STEPS = 300


def backend(**changes):
    """The backend's run of the same settings: its result and translations."""
    run = train_seq2seq(Seq2SeqConfig(read_pairs(LAB_PAIRS_TEXT), steps=STEPS, **changes))
    for _ in run:
        pass
    result = run.result()
    return result, lab_printout(result)[1]


def train(page, lang="en", **values):
    page.open("tab_seq2seq", lang)
    for key, value in {"s2s_steps": STEPS, **values}.items():
        page.widget(key).set_value(value)
    (button,) = [b for b in page.at.button if b.key == SUBMIT]
    button.click()
    return page.run()


def states(page) -> list[np.ndarray]:
    return page.heatmaps("s2s_states_chart")  # encoder (H, T_src), start (H, 1), decoder


def test_the_tab_opens_with_the_labs_pairs_and_nothing_trained(page):
    page.open("tab_seq2seq")
    assert page.value("s2s_pairs") == LAB_PAIRS_TEXT
    assert (page.value("s2s_cell"), page.value("s2s_hidden"), page.value("s2s_steps")) == (
        "gru", 16, 5000)  # fmt: skip
    assert any(t("s2s_not_trained", "en")[:30] in body for body in page.markdown_bodies())
    assert "s2s_states_chart" not in page.charts()


def test_training_prints_the_labs_translations_and_charts_the_backends_states(page, ref):
    train(page)
    result, translations = backend()
    codes = [block.value for block in page.at.code]
    assert "\n".join(evaluate_lines(result.config.pairs, translations)).rstrip() in codes
    printed = next(code for code in codes if code.startswith("reading corpus..."))
    assert printed.splitlines()[6] == str(list(result.sample_pair))
    assert len([line for line in printed.splitlines() if "loss =" in line]) == 5  # every 60
    loss = page.charts()["s2s_loss_chart"]["data"][0]
    np.testing.assert_array_equal(ref.decode(loss["y"]), result.losses)  # every iteration
    encoder, start, decoder = states(page)
    first = translations[0]
    np.testing.assert_array_equal(encoder, first.encoder_states.T)
    np.testing.assert_array_equal(start[:, 0], first.encoder_final)
    np.testing.assert_array_equal(decoder, first.decoder_states.T)


def test_choosing_a_pair_and_lstm_cell_states(page):
    train(page, s2s_cell="lstm", s2s_hidden=8)
    _, translations = backend(cell="lstm", hidden_size=8)
    page.set(s2s_pair=2)
    encoder, start, decoder = states(page)
    np.testing.assert_array_equal(encoder, translations[2].encoder_states.T)
    assert encoder.shape[0] == 8
    page.set(s2s_which="c")
    encoder, start, decoder = states(page)
    np.testing.assert_array_equal(encoder, translations[2].encoder_cells.T)
    np.testing.assert_array_equal(decoder, translations[2].decoder_cells.T)
    np.testing.assert_array_equal(start[:, 0], translations[2].encoder_final_cell)


def test_the_form_and_the_model_survive_a_closed_tab(page):
    train(page, s2s_seed=3)
    page.set(s2s_pair=1)
    page.open("tab_input")
    assert KEPT + "s2s_seed" in page.at.session_state
    page.open("tab_seq2seq")
    assert page.value("s2s_seed") == 3 and page.value("s2s_pair") == 1
    assert "s2s_states_chart" in page.charts()


@pytest.mark.parametrize(
    ("text", "key"),
    [("no tab in this line", "err_s2s_no_tab"), ("", "err_s2s_no_pairs"),
     ("a\tb\n" + "x" * 60 + "\ty", "err_s2s_line")],
)  # fmt: skip
def test_bad_pairs_say_why_and_train_nothing(page, text, key):
    train(page, s2s_pairs=text)
    errors = page.bodies("error")
    assert any(t("s2s_cannot", "en") in body for body in errors), errors
    assert "_s2s_kept" not in page.at.session_state or not page.at.session_state["_s2s_kept"]
    assert "s2s_states_chart" not in page.charts()


def test_user_text_is_never_html(page, ref):
    train(page, s2s_pairs="<b>bold</b> <script>x</script>\t<i>안녕</i>", s2s_steps=5)
    assert "s2s_states_chart" in page.charts()
    for body in page.markdown_bodies():
        assert ref.unescaped_html(body) == [], body


def test_korean_page(page):
    page.at.session_state["lang"] = "ko"
    train(page.run(), "ko")
    assert page.charts()["s2s_states_chart"]["layout"]["title"]["text"].startswith("은닉 상태")


def test_the_patterns_encoder_decoder_points_to_the_tab(page):
    page.open("tab_patterns")
    page.set(patterns_choice="encoder_decoder")
    assert t("s2s_patterns_note", "en") in page.bodies("caption")


def test_the_run_ending_messages_are_the_catalogues_english():
    assert EN["s2s_diverged"] == DIVERGED
    assert EN["s2s_timed_out"] == TIMED_OUT
