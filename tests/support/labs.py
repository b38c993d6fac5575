"""The course's labs as their own plain PyTorch code (deeplearningzerotoall/PyTorch,
RNN/3-charseq, 4-longseq, 5-timeseries), written without any of the app's code, so the
explorer's training is checked against what a student's notebook prints.

Two deliberate differences from the lab files, both about reproducibility, not maths:
the vocabulary is the characters in order of first appearance (the labs' `list(set(s))`
changes order with Python's hash seed, so their own printouts differ run to run), and
every lab starts with `torch.manual_seed(seed)` (the explorer's seed).
"""

from __future__ import annotations

import numpy as np
import torch

CHARSEQ = " if you want you"
LONGSEQ = (
    "if you want to build a ship, don't drum up people together to "
    "collect wood and don't assign them tasks and work, but rather "
    "teach them to long for the endless immensity of the sea."
)


def vocabulary(text: str) -> list[str]:
    return list(dict.fromkeys(text))


def char_windows(text: str, window: int) -> tuple[torch.Tensor, torch.Tensor, list[str]]:
    """longseq's data: one-hot windows X (N, window, V), targets Y (N, window), vocab."""
    char_set = vocabulary(text)
    index = {c: i for i, c in enumerate(char_set)}
    size = len(char_set)
    x_data, y_data = [], []
    for i in range(0, len(text) - window):
        x_data.append([index[c] for c in text[i : i + window]])
        y_data.append([index[c] for c in text[i + 1 : i + window + 1]])
    x = torch.Tensor(np.array([np.eye(size)[row] for row in x_data])).float()
    return x, torch.Tensor(y_data).long(), char_set


def charseq_losses(steps: int = 50, seed: int = 0) -> list[float]:
    """charseq: the sample without its last character predicts it without its first."""
    char_set = vocabulary(CHARSEQ)
    index = {c: i for i, c in enumerate(char_set)}
    size = len(char_set)
    sample = [index[c] for c in CHARSEQ]
    x = torch.Tensor(np.array([np.eye(size)[sample[:-1]]])).float()
    y = torch.Tensor([sample[1:]]).long()
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(size, size, batch_first=True)
    criterion = torch.nn.CrossEntropyLoss(weight=torch.ones(size))
    optimizer = torch.optim.Adam(rnn.parameters(), lr=0.1)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        outputs, _status = rnn(x)
        loss = criterion(outputs.view(-1, size), y.view(-1))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def longseq_run(
    window: int = 10, layers: int = 2, steps: int = 100, seed: int = 0
) -> tuple[list[float], str]:
    """longseq: (losses, the predicted sentence reassembled after the last step)."""
    x, y, char_set = char_windows(LONGSEQ, window)
    size = len(char_set)
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(size, size, num_layers=layers, batch_first=True)
    fc = torch.nn.Linear(size, size, bias=True)
    criterion = torch.nn.CrossEntropyLoss(weight=torch.ones(size))
    optimizer = torch.optim.Adam([*rnn.parameters(), *fc.parameters()], lr=0.1)
    losses, predicted = [], ""
    for _ in range(steps):
        optimizer.zero_grad()
        outputs = fc(rnn(x)[0])
        loss = criterion(outputs.contiguous().view(-1, size), y.contiguous().view(-1))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        results = outputs.data.numpy().argmax(axis=2)
        predicted = "".join(char_set[t] for t in results[0]) + "".join(
            char_set[row[-1]] for row in results[1:]
        )
    return losses, predicted


def stock_csv(days: int = 732, seed: int = 0) -> bytes:
    """A realistic synthetic daily stock file in the course's layout: a comment naming
    the columns, then Open, High, Low, Volume, Close, newest day first; volumes in the
    millions, prices a random walk near 800."""
    rng = np.random.default_rng(seed)
    close = 800 + np.cumsum(rng.normal(0, 6, days))
    open_ = close + rng.normal(0, 3, days)
    high = np.maximum(open_, close) + rng.uniform(0, 5, days)
    low = np.minimum(open_, close) - rng.uniform(0, 5, days)
    volume = rng.integers(800_000, 4_000_000, days)
    rows = [
        f"{o:.6f},{h:.6f},{lo:.6f},{v},{c:.6f}"
        for o, h, lo, v, c in zip(open_, high, low, volume, close, strict=True)
    ]
    return ("# Open,High,Low,Volume,Close\n" + "\n".join(rows[::-1]) + "\n").encode()


def minmax_scaler(data: np.ndarray) -> np.ndarray:
    numerator = data - np.min(data, 0)
    denominator = np.max(data, 0) - np.min(data, 0)
    return numerator / (denominator + 1e-7)


def build_dataset(series: np.ndarray, seq_length: int) -> tuple[np.ndarray, np.ndarray]:
    x, y = [], []
    for i in range(0, len(series) - seq_length):
        x.append(series[i : i + seq_length, :])
        y.append(series[i + seq_length, [-1]])  # the next close
    return np.array(x), np.array(y)


def timeseries_run(
    path: str, steps: int = 500, seq_length: int = 7, hidden: int = 10, seed: int = 0
) -> tuple[list[float], np.ndarray, np.ndarray]:
    """timeseries: (losses, test targets, test predictions), both scaled, as the lab
    plots them."""
    torch.manual_seed(seed)
    xy = np.loadtxt(path, delimiter=",")
    xy = xy[::-1]  # reverse order: oldest first
    train_size = int(len(xy) * 0.7)
    train_set = minmax_scaler(xy[0:train_size])
    test_set = minmax_scaler(xy[train_size - seq_length :])
    train_x, train_y = build_dataset(train_set, seq_length)
    test_x, test_y = build_dataset(test_set, seq_length)
    rnn = torch.nn.LSTM(xy.shape[1], hidden, num_layers=1, batch_first=True)
    fc = torch.nn.Linear(hidden, 1, bias=True)
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.Adam([*rnn.parameters(), *fc.parameters()], lr=0.01)
    x, y = torch.FloatTensor(train_x), torch.FloatTensor(train_y)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = criterion(fc(rnn(x)[0][:, -1]), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.no_grad():
        predicted = fc(rnn(torch.FloatTensor(test_x))[0][:, -1]).numpy()
    return losses, test_y, predicted
