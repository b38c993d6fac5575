"""The page under AppTest: the lecture on first visit, and every control changes the scene."""

from __future__ import annotations

import numpy as np
import pytest

from components.figures import state_space
from components.figures.cursor import cursor_meta
from components.i18n import t
from components.urlstate import to_query
from model.presets import PRESETS
from model.trace import trace

LECTURE = PRESETS["lecture"]


def assert_scene(page, config, ref, seq=0, layer=0, direction=0) -> None:
    """The timeline heatmap is this config's trace and the URL says this config."""
    np.testing.assert_array_equal(page.heatmap(), ref.hidden(config, seq, layer, direction))
    assert page.query() == ref.as_lists(to_query(config))


# --- first visit -----------------------------------------------------------------------


def test_first_visit_shows_the_lecture_as_pytorch_printed_it(page, ref):
    page.open("tab_code")
    outputs = ref.lecture_outputs()  # (3, 5, 2): seq 3, batch 5 as PyTorch read it
    z = page.heatmap()
    assert z.shape == (2, 3) and np.array_equal(z, z.astype(np.float32))  # float32's values
    np.testing.assert_array_equal(z, outputs[:, 0, :].detach().numpy().T)
    assert page.value("main_preset") == "lecture"
    assert page.value("main_sequences") == "hello\neolll\nlleel"
    assert page.value("main_batch_first") is False
    assert page.widget("main_view_seq").options == [
        "1: hel",
        "2: eol",
        "3: lle",
        "4: lle",
        "5: oll",
    ]
    assert page.at.code[1].value.rstrip("\n") == f"{outputs}\n{outputs.size()}"
    assert not page.at.warning and not page.at.error


def test_first_visit_writes_the_lecture_link(page, ref):
    query = page.query()
    assert query["preset"] == ["lecture"]
    assert query["seq"] == ["hello", "eolll", "lleel"]
    assert query == ref.as_lists(to_query(LECTURE))
    assert query["batch_first"] == ["0"] and query["hidden"] == ["2"] and query["seed"] == ["0"]


def test_each_sequence_as_pytorch_read_it(page, ref):
    outputs = ref.lecture_outputs().detach().numpy()
    for seq in (4, 2):
        page.set(main_view_seq=page.widget("main_view_seq").options[seq])
        np.testing.assert_array_equal(page.heatmap(), outputs[:, seq, :].T)
        assert page.chart_config("timeline_chart")["toImageButtonOptions"]["filename"] == (
            f"hidden-state_rnn_h2_seq{seq + 1}"
        )


# --- each control ----------------------------------------------------------------------


def test_typing_sequences_changes_the_scene_and_leaves_the_preset(page, ref):
    page.set(main_sequences="abcab\nbcabc")
    # typed over the lecture: each line is read as one sequence (tests/app/test_app_own_text.py)
    config = LECTURE.with_changes(sequences=("abcab", "bcabc"), batch_first=True)
    assert_scene(page, config, ref)
    assert page.value("main_preset") == "custom"
    assert "preset" not in page.query()
    assert len(page.widget("main_view_seq").options) == 2


def test_words_tokens(page, ref):
    page.set(main_sequences="the cat sat\nthe dog ran", main_tokens="words", main_batch_first=True)
    config = LECTURE.with_changes(
        sequences=("the cat sat", "the dog ran"), tokens="words", batch_first=True
    )
    assert_scene(page, config, ref)
    spec = page.charts()["timeline_chart"]
    ticks = spec["layout"]["xaxis"]["ticktext"]
    assert [tick.split("<br>")[0] for tick in ticks] == ["the", "cat", "sat"]
    vocab = page.open("tab_input").at.dataframe[-1].value
    assert list(vocab.iloc[:, 0]) == ["the", "cat", "sat", "dog", "ran"]


def test_numbers_tokens(page, ref):
    page.open("tab_input")
    page.set(main_sequences="0.1, 0.5, 0.9\n1 2 3", main_tokens="numbers")
    config = LECTURE.with_changes(
        sequences=("0.1, 0.5, 0.9", "1 2 3"), tokens="numbers", batch_first=True
    )
    assert_scene(page, config, ref)
    assert t("input_vocab_numbers", "en") in page.bodies("caption")
    assert page.widget("main_encoding").disabled
    assert page.widget("main_input_size").disabled
    inputs = page.heatmap("input_chart")
    np.testing.assert_array_equal(inputs, np.array([[0.1, 0.5, 0.9]], dtype=np.float32))


def test_embedding_and_its_size(page, ref):
    assert page.widget("main_input_size").disabled
    page.set(main_encoding="embedding")
    assert not page.widget("main_input_size").disabled
    page.set(main_input_size=6)
    config = LECTURE.with_changes(encoding="embedding", input_size=6)
    assert_scene(page, config, ref)
    assert page.open("tab_input").heatmap("input_chart").shape == (6, 3)
    assert "torch.nn.Embedding(len(vocab), 6)" in page.open("tab_code").at.code[0].value


def test_relu(page, ref):
    page.open("tab_code")
    page.set(main_nonlinearity="relu", main_seed=3)
    config = LECTURE.with_changes(nonlinearity="relu", seed=3)
    assert_scene(page, config, ref)
    assert "nonlinearity='relu'" in page.at.code[0].value
    assert np.nanmin(page.heatmap()) >= 0


def test_hidden_size(page, ref):
    page.set(main_hidden_size=5)
    config = LECTURE.with_changes(hidden_size=5)
    assert_scene(page, config, ref)
    assert page.heatmap().shape == (5, 3)
    units = page.widget("main_view_units_h5")
    assert units.options == [f"h[{u}]" for u in range(5)]
    assert units.value == [0, 1, 2, 3, 4]  # a new size starts with all its units (up to 8)
    page.set(main_view_units_h5=[4, 3])
    assert unit_lines(page) == ["h[3]", "h[4]"]
    page.set(main_hidden_size=1)  # the chosen units no longer exist
    assert page.widget("main_view_units_h1").value == [0]
    assert unit_lines(page) == ["h[0]"]
    assert_scene(page, LECTURE.with_changes(hidden_size=1), ref)
    page.set(main_hidden_size=5)  # back: the choice made for this size is remembered
    assert unit_lines(page) == ["h[3]", "h[4]"]


def unit_lines(page) -> list[str]:
    data = page.charts()["timeline_chart"]["data"]
    return [trace["name"] for trace in data if trace.get("legendgroup") == "units"]


def test_layers_and_bidirectional_make_layer_and_direction_choosable(page, ref):
    assert page.widget("main_view_layer").disabled and page.widget("main_view_dir").disabled
    page.set(main_num_layers=2, main_bidirectional=True)
    layer, direction = page.widget("main_view_layer"), page.widget("main_view_dir")
    assert not layer.disabled and not direction.disabled
    assert layer.options == ["1", "2"] and direction.options == ["forward", "reverse"]
    config = LECTURE.with_changes(num_layers=2, bidirectional=True)
    assert_scene(page, config, ref)
    page.set(main_view_layer=1, main_view_dir=1)
    np.testing.assert_array_equal(page.heatmap(), ref.hidden(config, 0, 1, 1))
    for key in ("timeline_chart", "state_space_chart"):  # the subtitle says which is shown
        assert page.charts()[key]["layout"]["title"]["subtitle"]["text"] == "layer 2 · reverse"
    filename = page.chart_config("timeline_chart")["toImageButtonOptions"]["filename"]
    assert filename == "hidden-state_rnn_h2_seq1_layer2_reverse"
    shapes = next(body for body in page.bodies("markdown") if body.startswith("**Shapes**"))
    assert "`h_n` (4, 5, 2)" in shapes and "`outputs` (3, 5, 4)" in shapes


def test_bias_off_matches_torch(page, ref):
    page.set(main_bias=False)
    outputs = ref.lecture_outputs(bias=False).detach().numpy()
    np.testing.assert_array_equal(page.heatmap(), outputs[:, 0, :].T)
    assert_scene(page, LECTURE.with_changes(bias=False), ref)


def test_batch_first_on_reads_each_line_as_a_sequence(page, ref):
    page.set(main_batch_first=True)
    outputs = ref.lecture_outputs(batch_first=True).detach().numpy()  # (3, 5, 2)
    np.testing.assert_array_equal(page.heatmap(), outputs[0].T)
    assert page.heatmap().shape == (2, 5)
    assert not any(body.startswith("batch_first is off") for body in page.bodies("info"))
    fixes = [b for b in page.at.button if b.key == "main_fix_batch_first"]
    assert not fixes  # the one-click fix is gone with the pitfall
    assert page.widget("main_view_seq").options == ["1: hello", "2: eolll", "3: lleel"]
    page.set(main_view_seq="3: lleel")
    np.testing.assert_array_equal(page.heatmap(), outputs[2].T)
    assert_scene(page, LECTURE.with_changes(batch_first=True), ref, seq=2)


def test_seed_changes_the_weights_as_torch_does(page, ref):
    page.open("tab_code")
    before = page.heatmap()
    page.set(main_seed=1)
    after = page.heatmap()
    assert not np.array_equal(before, after)
    np.testing.assert_array_equal(after, ref.lecture_outputs(seed=1)[:, 0, :].detach().numpy().T)
    assert page.query()["seed"] == ["1"]
    assert "torch.manual_seed(1)" in page.at.code[0].value


def test_random_initial_state(page, ref):
    page.open("tab_code")
    before = page.heatmap()
    page.set(main_init_state="random")
    config = LECTURE.with_changes(init_state="random")
    assert not np.array_equal(before, page.heatmap())
    assert_scene(page, config, ref)
    assert "h0 = torch.randn(1, 5, 2)" in page.at.code[0].value
    assert page.at.code[1].value.rstrip("\n") == trace(config).printed.rstrip("\n")


# --- presets ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["korean", "sine"])
def test_choosing_a_preset_loads_it_and_touching_a_control_makes_it_custom(name, page, ref):
    preset = PRESETS[name]
    page.set(main_preset=name)
    assert_scene(page, preset, ref)
    assert page.value("main_preset") == name
    assert page.value("main_sequences") == "\n".join(preset.sequences)
    assert page.value("main_cell") == preset.cell
    assert page.value("main_hidden_size") == preset.hidden_size
    assert page.value("main_tokens") == preset.tokens
    assert page.query()["preset"] == [name]
    page.set(main_hidden_size=preset.hidden_size + 1)
    assert page.value("main_preset") == "custom"
    assert page.value("main_cell") == preset.cell  # the rest of the preset stays
    assert_scene(page, preset.with_changes(hidden_size=preset.hidden_size + 1), ref)
    assert "preset" not in page.query()


def test_back_to_the_lecture_preset(page, ref):
    page.set(main_cell="gru", main_hidden_size=4, main_sequences="abc")
    assert page.value("main_preset") == "custom"
    page.set(main_preset="lecture")
    assert_scene(page, LECTURE, ref)
    assert (
        page.value("main_cell") == "rnn" and page.value("main_sequences") == "hello\neolll\nlleel"
    )


def test_editing_the_text_keeps_the_sequence_number_and_its_new_label(page):
    page.set(main_batch_first=True)
    page.set(main_view_seq="2: eolll")
    page.set(main_sequences="abc\ndef\nghi")
    picker = page.widget("main_view_seq")
    assert picker.options == ["1: abc", "2: def", "3: ghi"]
    assert picker.value == "2: def"
    page.set(main_sequences="xyz")  # fewer lines: the last one that exists
    assert page.widget("main_view_seq").value == "1: xyz"


def test_the_trace_check_is_reported(page):
    captions = " ".join(page.bodies("caption"))
    assert "Checked: the step-by-step trace equals the module's own output" in captions
    assert "Warning: the trace differs" not in captions


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_caption_says_when_a_long_path_shows_only_its_recent_steps(make_app, lang):
    """Past 30 steps the state-space path is drawn faint with its last steps strong
    (components/figures/state_space.py): the caption under the charts says so, in the
    page's language, and only then."""
    line = "the cat sat on the mat and the dog sat on the log"
    clause = t("timeline_caption_trail", lang, steps=state_space.TRAIL_STEPS)
    long = make_app({"seq": line, "batch_first": "1", "lang": lang})
    assert any(clause in body for body in long.bodies("caption"))
    assert "trail" in cursor_meta(long.charts()["state_space_chart"]["layout"])
    short = make_app({"seq": "hello", "batch_first": "1", "lang": lang})
    assert not any(clause in body for body in short.bodies("caption"))
