"""The seq2seq lesson's backend against the course lab itself (tests/support/seq2seq_lab.py,
the lab's plain PyTorch run beside it with `random.seed` and `torch.manual_seed`): the
same draws, every iteration's loss, the same printout, translations and hidden states;
then reading pairs, the settings' limits, divergence and the time limit."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from components.i18n import EN
from model.errors import ConfigError
from model.lessons.seq2seq import (
    DIVERGED,
    TIMED_OUT,
    Seq2SeqConfig,
    lab_printout,
    read_corpus,
    read_pairs,
    train_seq2seq,
    translate,
)
from model.lessons.seq2seq_data import (
    MAX_S2S_DECODE,
    MAX_S2S_HIDDEN,
    MAX_S2S_PAIRS,
    MAX_S2S_STEPS,
    MAX_S2S_TEXT_CHARS,
    MAX_S2S_WORD_CHARS,
    MAX_S2S_WORDS,
    SOURCE_MAX_LENGTH,
    TARGET_MAX_LENGTH,
    Pair,
    vocabularies,
)
from tests.model.hostile.refusals import refusal
from tests.support import seq2seq_lab as lab
from tests.support.strategies import any_text

pytestmark = pytest.mark.usefixtures("single_thread_torch")

LAB_TEXT = "\n".join(lab.RAW) + "\n"  # the course's eng-kor.txt
ITERATIONS = 300  # enough for the losses to fall and the translations to differ


def trained(config: Seq2SeqConfig):
    run = train_seq2seq(config)
    records = list(run)
    return run, records, run.result()


@pytest.fixture(scope="module", params=["gru", "lstm", "rnn"])
def side_by_side(request, single_thread_torch):
    """The lab's script and the explorer, same seed, on the lab's 4 pairs."""
    cell = request.param
    steps = ITERATIONS if cell == "gru" else 100  # the lab's cell in full, the others shorter
    reference = lab.run_lab(n_iter=steps, print_every=steps // 3, cell=cell)
    run, records, result = trained(Seq2SeqConfig(read_pairs(LAB_TEXT), cell=cell, steps=steps))
    return reference, run, records, result


def test_the_pairs_and_vocabularies_are_the_labs(side_by_side):
    reference, run, _, result = side_by_side
    assert [list(pair) for pair in result.config.pairs] == reference.pairs
    source, target = vocabularies(result.config.pairs)
    assert list(source.words) == list(reference.source_vocab.vocab2index)
    assert list(target.words) == list(reference.target_vocab.vocab2index)
    assert [list(pair) for pair in run.batch] == reference.batch  # random.Random(seed)


def test_every_iterations_loss_is_the_labs(side_by_side):
    reference, _, records, result = side_by_side
    assert len(records) == len(reference.losses) == result.iterations
    assert [r.iteration for r in records] == list(range(1, len(records) + 1))
    np.testing.assert_allclose(result.losses, reference.losses, rtol=0, atol=1e-6)
    assert [r.loss for r in records] == list(result.losses)
    assert result.losses[-1] < result.losses[0]  # it learns


def test_the_trained_weights_are_the_labs(side_by_side):
    reference, _, _, result = side_by_side
    for mine, theirs in ((result.model.encoder_state, reference.encoder),
                         (result.model.decoder_state, reference.decoder)):  # fmt: skip
        named = {name.replace("gru.", "rnn."): value for name, value in theirs.state_dict().items()}
        assert set(mine) == set(named)
        for name, value in mine.items():
            torch.testing.assert_close(value, named[name], rtol=0, atol=1e-6)


def test_the_printout_translations_and_states_are_the_labs(side_by_side):
    reference, _, _, result = side_by_side
    steps = result.config.steps
    printout, translations = lab_printout(result, print_every=steps // 3)
    assert printout == reference.printout
    for translation, evaluation in zip(translations, reference.evaluations, strict=True):
        assert list(translation.predicted) == evaluation.words
        encoder_h = torch.stack([h for h, _ in evaluation.encoder]).numpy()  # (T_src, H)
        decoder_h = torch.stack([h for h, _ in evaluation.decoder]).numpy()  # (T_dec, H)
        np.testing.assert_allclose(translation.encoder_states, encoder_h, rtol=0, atol=1e-6)
        np.testing.assert_allclose(translation.decoder_states, decoder_h, rtol=0, atol=1e-6)
        np.testing.assert_array_equal(translation.encoder_final, translation.encoder_states[-1])
        if result.config.cell == "lstm":
            encoder_c = torch.stack([c for _, c in evaluation.encoder]).numpy()
            decoder_c = torch.stack([c for _, c in evaluation.decoder]).numpy()
            np.testing.assert_allclose(translation.encoder_cells, encoder_c, rtol=0, atol=1e-6)
            np.testing.assert_allclose(translation.decoder_cells, decoder_c, rtol=0, atol=1e-6)
        else:
            assert translation.encoder_cells is None and translation.decoder_cells is None


def test_the_lab_run_in_full_prints_what_the_lab_prints(side_by_side):
    """The printout's loss lines use the lab's default print_every = 1000."""
    reference, _, _, result = side_by_side
    printout, _ = lab_printout(result)
    assert printout.startswith("reading corpus...\nRead 4 sentence pairs\nTrimmed to 4")
    assert "loss =" not in printout  # fewer than 1000 iterations: the lab prints no loss
    assert printout.splitlines()[6] == reference.printout.splitlines()[6]  # the sampled pair


def test_the_states_shapes_and_the_decoder_inputs():
    _, _, result = trained(Seq2SeqConfig(read_pairs(LAB_TEXT), steps=50, hidden_size=5))
    translation = translate(result, "pytorch is very easy.", max_length=3)
    assert translation.source_words == ("pytorch", "is", "very", "easy.", "<EOS>")
    assert translation.encoder_states.shape == (5, 5)
    steps = len(translation.predicted)
    assert 1 <= steps <= 3 and translation.decoder_states.shape == (steps, 5)
    assert translation.decoder_inputs[0] == "<SOS>"
    assert translation.decoder_inputs[1:] == translation.predicted[: steps - 1]
    assert translation.encoder_states.dtype == np.float32


def test_the_decoder_starts_from_the_encoders_final_state():
    _, _, result = trained(Seq2SeqConfig(read_pairs(LAB_TEXT), steps=20, cell="lstm"))
    translation = translate(result, "i feel hungry.")
    encoder, decoder = result.model.modules()
    start = (torch.tensor(translation.encoder_final).view(1, 1, -1),
             torch.tensor(translation.encoder_final_cell).view(1, 1, -1))  # fmt: skip
    with torch.no_grad():
        _, (h, c) = decoder(torch.tensor([[0]]), start)
    np.testing.assert_allclose(h.view(-1).numpy(), translation.decoder_states[0], atol=1e-6)
    np.testing.assert_allclose(c.view(-1).numpy(), translation.decoder_cells[0], atol=1e-6)


def test_training_and_translating_leave_the_global_generators_alone():
    random.seed(123)
    torch.manual_seed(123)
    expected = (random.random(), torch.rand(1))
    random.seed(123)
    torch.manual_seed(123)
    _, _, result = trained(Seq2SeqConfig(read_pairs(LAB_TEXT), steps=5, seed=7))
    translate(result, "i feel hungry.")
    assert (random.random(), torch.rand(1)) == expected


# --- divergence and the time limit ------------------------------------------------------


def test_a_non_finite_weight_stops_the_run_and_keeps_the_last_good_weights():
    config = Seq2SeqConfig(read_pairs(LAB_TEXT), steps=10)
    good_run = train_seq2seq(config)
    next(good_run), next(good_run)
    good = good_run.result().model
    run = train_seq2seq(config)
    records = [next(run), next(run)]
    with torch.no_grad():
        run.encoder.embedding.weight[0, 0] = float("inf")  # what a blown-up update leaves
    assert list(run) == []  # iteration 3's loss is not finite: the run ends
    result = run.result()
    assert (result.diverged_at, result.iterations, result.completed) == (3, 2, False)
    assert len(result.losses) == 2 and [r.iteration for r in records] == [1, 2]
    for name, value in good.encoder_state.items():
        torch.testing.assert_close(result.model.encoder_state[name], value, rtol=0, atol=0)
    key, fields = result.reason
    assert key == "s2s_diverged" and result.message == DIVERGED.format(**fields)
    assert fields["good"] == 2 and "iteration 3" in result.message
    assert np.isfinite(translate(result, "i feel hungry.").encoder_states).all()


def test_the_time_limit_stops_a_run_and_keeps_what_ran():
    ticks = iter(range(1000))
    run = train_seq2seq(Seq2SeqConfig(read_pairs(LAB_TEXT), steps=50), time_limit=3,
                        clock=lambda: next(ticks))  # fmt: skip
    records = list(run)
    result = run.result()
    assert len(records) == result.iterations == 3 and result.timed_out
    assert not result.completed and result.diverged_at is None
    key, fields = result.reason
    assert key == "s2s_timed_out" and result.message == TIMED_OUT.format(**fields)


# --- reading pairs ------------------------------------------------------------------------


def test_read_pairs_reads_the_courses_file_as_the_lab():
    windows = LAB_TEXT.replace("\n", "\r\n") + "\n\n   \n"
    expected = tuple(tuple(line.lower().split("\t")) for line in lab.RAW)
    assert read_pairs(LAB_TEXT) == read_pairs(windows) == expected
    tatoeba = "Go.\t가.\tCC-BY 2.0 (France) Attribution: tatoeba.org\n"
    assert read_pairs(tatoeba) == (("go.", "가."),)  # the lab's pair[0], pair[1]


def test_the_labs_filter_drops_long_pairs_and_says_which():
    long_source = " ".join(["w"] * SOURCE_MAX_LENGTH) + "\tshort"
    long_target = "short\t" + " ".join(["w"] * TARGET_MAX_LENGTH)
    kept_source = " ".join(["w"] * (SOURCE_MAX_LENGTH - 1)) + "\tok"
    corpus = read_corpus("\n".join([lab.RAW[0], long_source, "", long_target, kept_source]))
    assert corpus.read == 4 and corpus.dropped == (2, 4)
    assert corpus.pairs == (
        ("i feel hungry.", "나는 배가 고프다."),
        (kept_source.split("\t")[0], "ok"),
    )


def test_a_line_without_a_tab_is_refused_naming_it():
    error = refusal(lambda: read_pairs(lab.RAW[0] + "\nno tab here\n"))
    assert error.key == "err_s2s_no_tab" and error.fields["line"] == 2
    assert "`no tab here`" in str(error)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "err_s2s_no_pairs"),
        ("\n \n\t\n", "err_s2s_no_pairs"),
        ("a\t\tb", "err_s2s_line"),  # an empty target
        (" ".join(["w"] * 12) + "\tb", "err_s2s_none_kept"),
        ("x" * (MAX_S2S_WORD_CHARS + 1) + "\tb", "err_s2s_line"),
        ("\n".join(f"s{i}\tt{i}" for i in range(MAX_S2S_PAIRS + 1)), "err_s2s_too_many_pairs"),
        ("a\tb\n" * (MAX_S2S_TEXT_CHARS // 4 + 1), "err_s2s_text_too_long"),
        (b"a\tb", "err_s2s_not_text"),
    ],
)
def test_bad_text_is_refused_with_a_keyed_sentence(text, key):
    assert refusal(lambda: read_pairs(text)).key == key


def test_emoji_and_korean_are_words_like_any_other():
    text = "I 👍🏽 it\t난 👍🏽 좋아요\nHi 👋\t안녕 👋"
    pairs = read_pairs(text)
    assert pairs == (("i 👍🏽 it", "난 👍🏽 좋아요"), ("hi 👋", "안녕 👋"))
    _, _, result = trained(Seq2SeqConfig(pairs, steps=30))
    translation = translate(result, "i 👍🏽 it")
    assert translation.source_words == ("i", "👍🏽", "it", "<EOS>")
    assert all(word in result.model.target_vocab.words for word in translation.predicted)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(any_text(300), st.lists(
    st.tuples(any_text(30), st.sampled_from(["\t", "\t\t", " \t", ""]), any_text(30)),
    max_size=6).map(lambda rows: "\n".join(a + sep + b for a, sep, b in rows))))  # fmt: skip
@example(text="A\tB\r\nc d\te")
@example(text="\ud800\tx")
def test_read_pairs_gives_usable_pairs_or_a_config_error(text):
    try:
        pairs = read_pairs(text)
    except ConfigError as error:
        assert type(error) is ConfigError and error.key.startswith("err_s2s_")
        assert EN[error.key]
        return
    config = Seq2SeqConfig(pairs)  # whatever read_pairs keeps, a run accepts
    assert 1 <= len(config.pairs) <= MAX_S2S_PAIRS
    for source, target in pairs:
        assert source == source.lower() and "\t" not in source + target and "\n" not in source
        assert len(source.split(" ")) < SOURCE_MAX_LENGTH
        assert len(target.split(" ")) < TARGET_MAX_LENGTH


# --- settings ------------------------------------------------------------------------------

PAIRS: tuple[Pair, ...] = (("a b", "c"),)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"cell": "transformer"}, "err_choice"),
        ({"hidden_size": 0}, "err_int_range"),
        ({"hidden_size": MAX_S2S_HIDDEN + 1}, "err_int_range"),
        ({"hidden_size": 2.5}, "err_not_int"),
        ({"steps": 0}, "err_int_range"),
        ({"steps": MAX_S2S_STEPS + 1}, "err_int_range"),
        ({"seed": -1}, "err_int_range"),
        ({"learning_rate": float("nan")}, "err_s2s_lr"),
        ({"learning_rate": 0.0}, "err_s2s_lr"),
        ({"learning_rate": True}, "err_s2s_lr"),
        ({"learning_rate": "0.1"}, "err_s2s_lr"),
        ({"pairs": ()}, "err_s2s_no_pairs"),
        ({"pairs": [("a", "b")]}, "err_s2s_no_pairs"),
        ({"pairs": (("a", "b", "c"),)}, "err_s2s_not_pair"),
        ({"pairs": (("a", 1),)}, "err_s2s_not_pair"),
        ({"pairs": (("a", " "),)}, "err_s2s_pair"),
        ({"pairs": ((" ".join(["w"] * (MAX_S2S_WORDS + 1)), "b"),)}, "err_s2s_pair"),
        ({"pairs": (("a", "b"),) * (MAX_S2S_PAIRS + 1)}, "err_s2s_too_many_pairs"),
    ],
)
def test_bad_settings_are_refused_with_a_keyed_sentence(changes, key):
    assert refusal(lambda: Seq2SeqConfig(**{"pairs": PAIRS, **changes})).key == key


def test_translate_refuses_unknown_words_and_bad_lengths():
    _, _, result = trained(Seq2SeqConfig(PAIRS, steps=2))
    assert refusal(lambda: translate(result, "a zebra")).key == "err_s2s_unknown_word"
    for bad in (0, MAX_S2S_DECODE + 1, 2.0, True):
        assert refusal(lambda bad=bad: translate(result, "a b", bad)).key == "err_s2s_max_length"
    assert len(translate(result, "a b", 1).predicted) == 1
