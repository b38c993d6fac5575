"""A trained series model on the part it never saw: the test windows (model.series),
predicted and compared with the truth, as the timeseries lab plots them at its end."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from model.config import ExplorerConfig
from model.encoding import EncodedBatch
from model.series import series_parts
from model.training.data import TrainingData
from model.training.network import Network, built_model_for, forward


@dataclass(frozen=True, eq=False)
class Forecast:
    """The test part: for each window, the row after it, true and predicted."""

    target: str  # the predicted column's name
    rows: np.ndarray  # (N,) int64: the predicted row, in time order, counted from 1
    true: np.ndarray  # (N,) float64 in the file's units
    predicted: np.ndarray  # (N,) float64 in the file's units
    true_scaled: np.ndarray  # (N,) as the network sees them (what the lab plots)
    predicted_scaled: np.ndarray
    train_rows: int  # rows in the training part

    @property
    def rmse(self) -> float:
        return float(np.sqrt(np.mean((self.predicted - self.true) ** 2)))

    @property
    def rmse_scaled(self) -> float:
        return float(np.sqrt(np.mean((self.predicted_scaled - self.true_scaled) ** 2)))


def forecast(config: ExplorerConfig, weights: dict[str, torch.Tensor]) -> Forecast:
    """Run a Network state_dict (linear head) on the test windows of config.series."""
    _, test = series_parts(config.series, config.window, config.stride)
    batch = len(test.rows)
    encoded = EncodedBatch(
        tuple(("",) * config.window for _ in range(batch)), (),
        np.zeros(test.inputs.shape[:2], dtype=np.int64), test.inputs.copy(),
        np.full(batch, config.window, dtype=np.int64), "numbers",
    )  # fmt: skip
    targets = torch.from_numpy(test.targets.copy())
    data = TrainingData(encoded, encoded, targets, (), None, None, False)
    head = nn.Linear(*reversed(weights["head.weight"].shape))
    network = Network(built_model_for(config, weights, encoded), head)
    with torch.no_grad():
        head.weight.copy_(weights["head.weight"])
        head.bias.copy_(weights["head.bias"])
        predicted = forward(network, data)[:, 0].numpy().astype(np.float64)
    true = test.targets[:, 0].astype(np.float64)
    return Forecast(
        target=config.series.target_name,
        rows=test.rows + config.window + 1,
        true=test.in_units(true),
        predicted=test.in_units(predicted),
        true_scaled=true,
        predicted_scaled=predicted,
        train_rows=int(len(config.series.table.values) * config.series.split),
    )
