"""The "Why recurrence" figure: the original and shuffled order through the scene's cell
and through the feed-forward layer, each panel the backend's numbers (the order run)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch
from torch import nn

from components.figures import order as of
from components.i18n import t
from model.config import ExplorerConfig
from model.lessons.order import order_run
from model.presets import PRESETS
from tests.components.figures.figure_checks import DEEP, check_layout, spec_heatmaps, titles


def test_order_figure_puts_rnn_and_feedforward_beside_each_other(traced):
    scene = traced(PRESETS["hello"])
    run = order_run(scene, 0, 0)
    spec = of.order_spec(run, scene, 0, 0)
    check_layout(spec)
    maps = spec_heatmaps(spec)
    expected = [run.hidden[0, 0], run.feedforward, run.shuffled_hidden[0, 0],
                run.shuffled_feedforward]  # fmt: skip
    for heat, values in zip(maps, expected, strict=True):
        np.testing.assert_array_equal(heat["z"], values.T)
    layout = spec["layout"]
    assert [text.split("<br>")[0] for text in layout["xaxis"]["ticktext"]] == list("hello")
    shuffled = [text.split("<br>")[0] for text in layout["xaxis3"]["ticktext"]]
    assert shuffled == list(run.shuffled_tokens) != list("hello")
    kept = np.flatnonzero(run.same_step).tolist()
    assert kept  # this seed keeps a token in place: it is outlined in all four panels
    boxes = [(shape["xref"], shape["x0"] + 0.5) for shape in layout["shapes"]]
    assert sorted(boxes) == sorted((f"x{s}", t) for s in ("", "2", "3", "4") for t in kept)


def test_order_figure_escapes_tokens_and_outlines_nothing_when_nothing_moved(traced):
    config = ExplorerConfig(sequences=("<<<",))
    scene = traced(config)
    run = order_run(scene, 0, 0)
    assert not run.differs
    spec = of.order_spec(run, scene, 0, 0)
    assert spec["layout"]["shapes"] == []
    assert all(text.startswith("&lt;") for text in spec["layout"]["xaxis"]["ticktext"])


def test_feedforward_panels_use_torch_numbers(traced):
    """The feed-forward panel is a seeded nn.Linear on [x_t, t], then tanh."""
    config = replace(PRESETS["hello"], seed=3)
    scene = traced(config)
    run = order_run(scene, 0, 1)
    torch.manual_seed(3)
    layer = nn.Linear(5, 2)
    x = torch.cat([torch.from_numpy(scene.inputs[0]), torch.arange(5.0)[:, None]], dim=1)
    with torch.no_grad():
        expected = torch.tanh(layer(x)).numpy()
    np.testing.assert_allclose(
        spec_heatmaps(of.order_spec(run, scene, 0, 0))[1]["z"], expected.T, atol=1e-6
    )


def test_long_sequences_are_not_outlined(traced):
    config = ExplorerConfig(sequences=("ab" * 40,))
    scene = traced(config)
    run = order_run(scene, 0, 0)
    assert run.same_step.any() and len(run.tokens) > of.MAX_BOXED_STEPS
    spec = of.order_spec(run, scene, 0, 0)
    assert spec["layout"]["shapes"] == []
    assert "ticktext" not in spec["layout"]["xaxis"]  # 80 steps: numbers, hover for tokens


def test_korean_order_labels_come_from_the_table(traced):
    scene = traced(DEEP)
    run = order_run(scene, 0, 0)
    order = of.order_spec(run, scene, 0, 0, "ko")
    assert titles(order)[1] == t("order_fig_ff_original", "ko", formula=of.FF_FORMULA)
    assert spec_heatmaps(order)[1]["hovertemplate"].startswith(t("order_fig_ff_name", "ko") + "[")
