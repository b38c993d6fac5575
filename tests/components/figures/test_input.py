"""The "Input & vocabulary" figure on its own: what each step was fed, exactly."""

from __future__ import annotations

import numpy as np
import pytest

from components.figures import parts
from components.figures.input import input_figure
from tests.components.figures.figure_checks import CASES


@pytest.mark.parametrize("name", list(CASES))
def test_input_figure_is_what_each_step_was_fed(name, traced):
    config, seq, *_ = CASES[name]
    result = traced(config)
    figure = input_figure(result, seq)
    z = np.asarray(figure.data[0].z)
    assert z.dtype == np.float32
    np.testing.assert_array_equal(z, result.inputs[seq].T)
    if config.encoding == "onehot":
        labels = list(figure.layout.yaxis.ticktext)
        assert labels == [parts.display_token(t) for t in result.encoded.vocab]
    else:
        assert z.shape[0] == config.input_size
