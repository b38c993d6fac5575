"""The plain PyTorch code that reproduces a scene. `module_lines`, `state_lines` and
`tokens_are_letters` are shared with the training script (model.training.code).

What the code prints is `Trace.printed`: the tracer runs the module itself, the same way
(seed, input, module, call) with autograd on. A test runs the code in a separate Python
and compares its output with that text.
"""

from __future__ import annotations

import keyword

from model.cells import CELL_FACTS, input_size_for, read_shape
from model.config import ExplorerConfig
from model.encoding import EncodedBatch, encode

SHAPE_NOTE = "  # (batch, seq, input) as typed"


def python_code(config: ExplorerConfig, encoded: EncodedBatch | None = None) -> str:
    encoded = encoded or encode(config)
    unequal = len(set(encoded.lengths.tolist())) > 1
    packed = config.batch_first and unequal
    lines = ["import torch", "", f"torch.manual_seed({config.seed})", ""]
    lines += _input_lines(config, encoded, unequal)
    lines += module_lines(config, encoded)
    state = state_lines(config, encoded)
    lines += state
    args = "" if not state else (", (h0, c0)" if CELL_FACTS[config.cell].has_cell_state else ", h0")
    if packed:
        lines += [
            f"lengths = torch.tensor({encoded.lengths.tolist()})",
            "packed = torch.nn.utils.rnn.pack_padded_sequence(",
            "    input_data, lengths, batch_first=True, enforce_sorted=False",
            ")",
            f"packed_outputs, _status = rnn(packed{args})",
            "outputs, _ = torch.nn.utils.rnn.pad_packed_sequence(packed_outputs, batch_first=True)",
        ]
    else:
        lines.append(f"outputs, _status = rnn(input_data{args})")
    lines += ["print(outputs)", "print(outputs.size())", ""]
    return "\n".join(lines)


def _input_lines(config: ExplorerConfig, encoded: EncodedBatch, unequal: bool) -> list[str]:
    """The lines that build `input_data`: numbers as typed, one-hot letters as on the
    slide, or the vocabulary and the sequences (one-hot or through an embedding); with a
    window, the stream and the loop that cuts it (the longseq and timeseries labs)."""
    if config.series is not None:
        return series_lines(config) + ["input_data = torch.FloatTensor(trainX)", ""]
    if encoded.windowed:
        if encoded.values is not None:
            return window_lines(config, encoded) + [
                "input_data = torch.tensor(windows)  # (windows, window, features)",
                "",
            ]
    elif encoded.values is not None:
        return _number_lines(encoded)
    elif config.encoding == "onehot" and tokens_are_letters(encoded):
        return _letter_lines(encoded, unequal)
    batch, steps = encoded.batch_size, encoded.max_length
    out = [
        "# the vocabulary, in order of first appearance",
        f"vocab = {list(encoded.vocab)!r}",
    ]
    if encoded.windowed:
        out += window_lines(config, encoded)
    else:
        out += ["sequences = ["]
        out += [f"    {list(line)!r}," for line in encoded.token_lines] + ["]"]
    if config.encoding == "onehot":
        out += [
            f"input_data = torch.zeros({batch}, {steps}, len(vocab)){SHAPE_NOTE}",
            "for b, tokens in enumerate(sequences):",
            "    for t, token in enumerate(tokens):",
            "        input_data[b, t, vocab.index(token)] = 1.0  # one-hot; padding stays 0",
            "",
        ]
        return out
    out += [
        "index_data = torch.tensor(",
        f"    [[vocab.index(t) for t in s] + [0] * ({steps} - len(s)) for s in sequences]",
        ")  # (batch, seq)",
        f"embedding = torch.nn.Embedding(len(vocab), {config.input_size})",
        f"input_data = embedding(index_data){SHAPE_NOTE}",
    ]
    if unequal:
        out += [
            "mask = torch.tensor(",
            f"    [[1.0] * len(s) + [0.0] * ({steps} - len(s)) for s in sequences]",
            ")",
            "input_data = input_data * mask.unsqueeze(-1)  # zero vectors at padding",
        ]
    return out + [""]


def series_lines(config: ExplorerConfig) -> list[str]:
    """A file's series as the timeseries lab reads it: the numbers, time order, the
    split, the scaling, and the training part's windows `trainX` and targets `trainY`."""
    series, window = config.series, config.window
    names = ", ".join(series.table.columns)
    out = [
        "import numpy as np",
        "",
        f"# the file's numbers as read, one row per line ({names})",
        "xy = np.array([",
        *[f"    {[float(v) for v in row]!r}," for row in series.table.values.tolist()],
        "])",
    ]
    if series.newest_first:
        out.append("xy = xy[::-1]  # the file lists the newest row first: oldest first now")
    out += [
        f"train_size = int(len(xy) * {series.split!r})",
        "train_set = xy[0:train_size]",
        "",
        "def minmax_scaler(data):",
        "    numerator = data - np.min(data, 0)",
        "    denominator = np.max(data, 0) - np.min(data, 0)",
        "    return numerator / (denominator + 1e-7)",
        "",
    ]
    if series.scaling == "parts":
        out.append("train_set = minmax_scaler(train_set)  # each part scaled on its own")
    else:
        out += [
            "low, high = train_set.min(0), train_set.max(0)  # fitted on the training part",
            "train_set = (train_set - low) / (high - low + 1e-7)",
        ]
    starts = f"range(0, len(train_set) - window, {config.stride})"
    features = list(series.features)
    out += [
        f"window = {window}",
        f"trainX = np.array([train_set[i : i + window, {features}] for i in {starts}])",
        f"trainY = np.array([train_set[i + window, [{series.target}]] for i in {starts}])",
    ]
    return out


def window_lines(config: ExplorerConfig, encoded: EncodedBatch) -> list[str]:
    """The stream and the windows cut from it: `sequences` (tokens) or `windows`
    (numbers), as the longseq and timeseries labs cut them."""
    loop = f"range(0, len({{0}}) - window, {config.stride})"
    if encoded.values is not None:
        steps = encoded.stream_values.tolist()
        return [
            "# the series, one list of numbers per step, cut into windows",
            "series = [",
            *[f"    {[float(v) for v in step]!r}," for step in steps],
            "]",
            f"window = {config.window}",
            f"windows = [series[i : i + window] for i in {loop.format('series')}]",
        ]
    stream = encoded.stream
    if config.tokens == "chars" and all(len(token) == 1 for token in encoded.vocab):
        tokens = [f"text = {''.join(stream)!r}", "tokens = list(text)"]
    else:
        tokens = [f"tokens = {list(stream)!r}"]
    return [
        *tokens,
        f"window = {config.window}",
        f"sequences = [tokens[i : i + window] for i in {loop.format('tokens')}]",
    ]


def _number_lines(encoded: EncodedBatch) -> list[str]:
    rows = [
        "[" + ", ".join("[" + ", ".join(repr(float(v)) for v in step) + "]" for step in line) + "]"
        for line in encoded.values.tolist()
    ]
    return [
        "# one line per sequence, one list of numbers per step (zeros pad short lines)",
        "input_data = torch.tensor([",
        *[f"    {row}," for row in rows],
        "])" + SHAPE_NOTE,
        "",
    ]


def _letter_lines(encoded: EncodedBatch, unequal: bool) -> list[str]:
    out = [f"{t} = {vector}" for t, _, vector in encoded.one_hot_table()]
    pad = ""
    if unequal:
        out.append(f"pad = {[0] * len(encoded.vocab)}")
        pad = "pad"
    steps = encoded.max_length
    rows = [
        "[" + ", ".join(list(line) + [pad] * (steps - len(line))) + "]"
        for line in encoded.token_lines
    ]
    return [
        "# one-hot vectors, as on the slide",
        *out,
        "input_data = torch.Tensor([" + ", ".join(rows) + "])" + SHAPE_NOTE,
        "",
    ]


def module_lines(config: ExplorerConfig, encoded: EncodedBatch) -> list[str]:
    args = [str(input_size_for(config, encoded)), str(config.hidden_size)]
    defaults = {"num_layers": 1, "bias": True, "batch_first": False, "bidirectional": False}
    for name, default in defaults.items():
        value = getattr(config, name)
        if value != default:
            args.append(f"{name}={value}")
    facts = CELL_FACTS[config.cell]
    if facts.has_nonlinearity and config.nonlinearity != "tanh":
        args.append(f"nonlinearity={config.nonlinearity!r}")
    return [f"rnn = torch.nn.{facts.label}({', '.join(args)})"]


def state_lines(config: ExplorerConfig, encoded: EncodedBatch) -> list[str]:
    if config.init_state == "zeros":
        return []  # PyTorch's default initial state is zeros
    batch, _ = read_shape(config, encoded)
    shape = f"{config.num_layers * config.num_directions}, {batch}, {config.hidden_size}"
    lines = [f"h0 = torch.randn({shape})  # (layers * directions, batch, hidden)"]
    if CELL_FACTS[config.cell].has_cell_state:
        lines.append(f"c0 = torch.randn({shape})")
    return lines + [""]


def tokens_are_letters(encoded: EncodedBatch) -> bool:
    """True when every token can be a one-letter Python variable, as on the slide."""
    reserved = {"pad", "_"}
    return all(
        len(t) == 1 and t.isascii() and t.isidentifier() and not keyword.iskeyword(t)
        for t in encoded.vocab
    ) and not reserved & set(encoded.vocab)
