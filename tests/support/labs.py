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
