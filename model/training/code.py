"""The plain PyTorch code that trains what the explorer trains, and what it prints.

`training_code(config, train_config)` writes a lecture-style script: seed, data (X input,
Y target), the module built in the same order as `model.training.network.build_network` (seed,
[embedding], RNN, [h0, c0], then the output layer under the training seed), the loss,
the optimizer and the loop. Step k is the weights after k updates, as in the explorer;
every step prints one line::

    0 loss=1.612870 predicted=['ihlleo']

``predicted`` is the list of per-line predictions exactly as `TrainStep.predictions`
gives them (tokens joined; numbers in the typed units, ``{:.4g}``). The code repeats the
backend's operations one for one, so the losses agree to the last bit, not just to 6
decimals (tests/model/training/test_code.py runs it in a separate Python).

`expected_printout(config, train_config)` is what the code prints, built from the
backend's own records (`printed_line(record)` is one line: the app can collect them while
it trains instead of training again).

Divergence: the code has no stopping rule; it goes on printing ``nan`` (or ``inf``). The
explorer stops at `TrainResult.diverged_at` and keeps the weights of `last_step`, so
`expected_printout` ends at ``last_step`` and the code's first ``last_step + 1`` lines
equal it. The training view shows that printout followed by `divergence_note(result)`.
"""

from __future__ import annotations

from model.cells import CELL_FACTS
from model.codegen import module_lines, series_lines, state_lines, tokens_are_letters, window_lines
from model.config import ExplorerConfig
from model.encoding import EncodedBatch
from model.reading import clean_text, parse_numbers
from model.series import series_parts
from model.training.config import TrainConfig
from model.training.data import IGNORE_INDEX, TrainingData, training_data
from model.training.network import check_settings
from model.training.records import TrainResult, TrainStep
from model.training.run import train


def training_code(config: ExplorerConfig, train_config: TrainConfig) -> str:
    """The training script for these settings (ConfigError for settings that cannot
    train, as `model.training.run.train` would raise)."""
    data = training_data(config)
    check_settings(config, train_config, data)
    inputs, steps = data.inputs, train_config.steps
    unequal = len(set(inputs.lengths.tolist())) > 1
    head = data.numbers or train_config.head == "linear"
    lines = ["import torch", "", f"torch.manual_seed({config.seed})", ""]
    embedding = config.encoding == "embedding" and not data.numbers
    if data.numbers:
        lines += _number_data(config, inputs, unequal)
    else:
        lines += _token_data(config, data, unequal)
    lines += module_lines(config, inputs) + state_lines(config, inputs)
    modules = ["embedding", "rnn"] if embedding else ["rnn"]
    if head:
        size = config.hidden_size * config.num_directions
        what = "features" if data.numbers else "vocabulary"
        outputs = data.targets.shape[-1] if data.numbers else inputs.feature_size
        if train_config.lab_seed:
            lines.append("# the linear layer: drawn right after the RNN, from the same stream")
        else:
            lines.append(f"torch.manual_seed({train_config.seed})  # the output layer's own seed")
        lines.append(f"fc = torch.nn.Linear({size}, {outputs})  # hidden x directions -> {what}")
        modules.append("fc")
    if data.numbers:
        lines.append("criterion = torch.nn.MSELoss()")
    else:
        ignores = f"  # ignores the targets {IGNORE_INDEX} (padding)" if unequal else ""
        lines.append("criterion = torch.nn.CrossEntropyLoss()" + ignores)
    params = "rnn.parameters()"
    if modules != ["rnn"]:
        lines.append("params = [" + ", ".join(f"*{m}.parameters()" for m in modules) + "]")
        params = "params"
    optimizer = "Adam" if train_config.optimizer == "adam" else "SGD"
    lines += [
        f"optimizer = torch.optim.{optimizer}({params}, lr={train_config.learning_rate!r})",
        "",
    ]
    mini = 0 < train_config.batch_size < inputs.batch_size
    if mini:
        lines += _batch_lines(train_config)
    lines.append(f"for step in range({steps + 1}):  # step k: the weights after k updates")
    body = _forward_lines(config, embedding, data.packed, unequal)
    body += _number_loss(unequal) if data.numbers else _token_loss(config, unequal, head)
    body += [
        'print(f"{step} loss={loss.item():.6f} predicted={predicted}")',
        f"if step < {steps}:",
        "    optimizer.zero_grad()",
    ]
    if mini:
        body += ["    " + line for line in _batch_update(config, data, embedding, head)]
    else:
        body.append("    loss.backward()")
    body.append("    optimizer.step()")
    return "\n".join(lines + ["    " + line for line in body] + [""])


def printed_line(record: TrainStep) -> str:
    """The line the code prints at `record.step` (no newline)."""
    return f"{record.step} loss={record.loss:.6f} predicted={list(record.predictions)}"


def expected_printout(config: ExplorerConfig, train_config: TrainConfig) -> str:
    """What the code prints, from the backend's own run: every step to the end, or up to
    the last good step if the run diverges (the code then goes on printing nan)."""
    return "".join(printed_line(record) + "\n" for record in train(config, train_config))


def divergence_note(result: TrainResult) -> str:
    """A line to show under a diverged run's printout ("" when it did not diverge); the
    training view shows `result.message` (what happened, what to try) beside it."""
    if result.timed_out:
        return (
            f"# The explorer stopped this run at its time limit after step {result.last_step}"
            f" of {result.train_config.steps} and kept that step; the code runs every step."
        )
    if not result.diverged:
        return ""
    return (
        f"# The run diverged at step {result.diverged_at}: the explorer stopped there and "
        f"kept step {result.last_step}. The code has no stopping rule: from step "
        f"{result.diverged_at} it prints loss=nan (or inf)."
    )


# --- pieces ------------------------------------------------------------------------------


def _token_data(config: ExplorerConfig, data: TrainingData, unequal: bool) -> list[str]:
    inputs = data.inputs
    batch, steps = inputs.batch_size, inputs.max_length
    lines = [
        "# the vocabulary, in order of first appearance",
        f"vocab = {list(inputs.vocab)!r}",
    ]
    if data.encoded.windowed:
        lines += window_lines(config, inputs)
        lines += [
            "# next-token prediction: each window's target is the window one step later",
            "inputs = sequences",
            f"targets = [tokens[i + 1 : i + window + 1] for i in "
            f"range(0, len(tokens) - window, {config.stride})]",
        ]
    else:
        lines += [
            "# next-token prediction: the input is each line without its last token,",
            "# the target each line without its first",
            "inputs = [",
            *[f"    {list(line)!r}," for line in inputs.token_lines],
            "]",
            "targets = [",
            *[f"    {list(line[1:])!r}," for line in data.encoded.token_lines],
            "]",
        ]
    if unequal:
        lines.append("lengths = [len(s) for s in inputs]")
    shape_note = "  # input (batch, seq, input) as typed"
    if config.encoding == "embedding":
        lines += [
            "index_data = torch.tensor(",
            f"    [[vocab.index(t) for t in s] + [0] * ({steps} - len(s)) for s in inputs]",
            ")  # (batch, seq)",
        ]
    elif tokens_are_letters(inputs) and not data.encoded.windowed:
        lines += ["# one-hot vectors, as on the slide"]
        lines += [f"{t} = {vector}" for t, _, vector in inputs.one_hot_table()]
        if unequal:
            lines.append(f"pad = {[0] * len(inputs.vocab)}")
        rows = [
            "[" + ", ".join(list(line) + ["pad"] * (steps - len(line))) + "]"
            for line in inputs.token_lines
        ]
        lines.append("X = torch.Tensor([" + ", ".join(rows) + "])" + shape_note)
    else:
        lines += [
            f"X = torch.zeros({batch}, {steps}, len(vocab)){shape_note}",
            "for b, tokens in enumerate(inputs):",
            "    for t, token in enumerate(tokens):",
            "        X[b, t, vocab.index(token)] = 1.0  # one-hot; padding stays 0",
        ]
    pad = f" + [{IGNORE_INDEX}] * ({steps} - len(s))" if unequal else ""
    lines += [
        "# target: (batch, seq) vocabulary indices"
        + (f"; {IGNORE_INDEX} pads short lines" if unequal else ""),
        f"Y = torch.tensor([[vocab.index(t) for t in s]{pad} for s in targets])",
    ]
    if config.encoding == "embedding":
        if unequal:
            lines.append(f"mask = (Y != {IGNORE_INDEX}).unsqueeze(-1).float()  # 0 at padding")
        lines.append(f"embedding = torch.nn.Embedding(len(vocab), {config.input_size})")
    return lines


def _number_data(config: ExplorerConfig, inputs: EncodedBatch, unequal: bool) -> list[str]:
    if config.series is not None:
        return series_lines(config) + [
            "X = torch.FloatTensor(trainX)  # (windows, window, features)",
            "Y = torch.FloatTensor(trainY)  # (windows, 1): the target column, scaled",
            f"span, low = {data_span(config)}",
        ]
    if inputs.windowed:
        starts = f"range(0, len(series) - window, {config.stride})"
        return window_lines(config, inputs)[:-1] + [
            "# min-max scaling per feature, with the min and max of every step",
            "everything = torch.tensor(series)",
            "low, high = everything.min(0).values, everything.max(0).values",
            "span = torch.where(high > low, high - low, torch.ones_like(high))  # constant: 1",
            "scaled = (everything - low) / span",
            "# many-to-one: each window is an input, the step after it the target",
            f"X = torch.stack([scaled[i : i + window] for i in {starts}])  # (windows, window, F)",
            f"Y = torch.stack([scaled[i + window] for i in {starts}])  # (windows, features)",
        ]
    typed = [clean_text(s).strip() for s in config.sequences]
    series = [parse_numbers(line) for line in typed if line]  # the typed floats, unrounded
    lines = [
        "# one line per sequence, one list of numbers per step",
        "series = [",
        *[f"    {line!r}," for line in series],
        "]",
        "# min-max scaling per feature, with the min and max of every typed step",
        "everything = torch.tensor([step for line in series for step in line])",
        "low, high = everything.min(0).values, everything.max(0).values",
        "span = torch.where(high > low, high - low, torch.ones_like(high))  # constant: 1",
        "scaled = [(torch.tensor(line) - low) / span for line in series]",
        "# many-to-one: the input is each line without its last step, the target that step",
    ]
    if unequal:
        batch, steps, features = inputs.batch_size, inputs.max_length, inputs.feature_size
        lines += [
            "lengths = [len(line) - 1 for line in series]",
            f"X = torch.zeros({batch}, {steps}, {features})"
            "  # (batch, seq, features) as typed; zeros pad short lines",
            "for b, line in enumerate(scaled):",
            "    X[b, : lengths[b]] = line[:-1]",
        ]
    else:
        lines.append("X = torch.stack([line[:-1] for line in scaled])  # (batch, seq, features)")
    return lines + ["Y = torch.stack([line[-1] for line in scaled])  # (batch, features)"]


def _batch_lines(train_config: TrainConfig) -> list[str]:
    """The mini-batches: each epoch a fresh random order of the windows, cut in runs."""
    return [
        f"# mini-batches of {train_config.batch_size} windows: each epoch a new random order",
        f"generator = torch.Generator().manual_seed({train_config.seed})",
        "batches = []",
        f"while len(batches) < {train_config.steps}:",
        f"    batches += list(torch.randperm(len(Y), generator=generator)"
        f".split({train_config.batch_size}))",
        "",
    ]


def _batch_update(config: ExplorerConfig, data: TrainingData, embedding: bool, head: bool):
    """The update from one mini-batch (the loss printed above is of every window)."""
    x = "embedding(index_data[rows])" if embedding else "X[rows]"
    state = ""
    if config.init_state == "random":
        cell = CELL_FACTS[config.cell].has_cell_state
        state = ", (h0[:, rows], c0[:, rows])" if cell else ", h0[:, rows]"
    lines = ["rows = batches[step]", f"batch_outputs, _ = rnn({x}{state})"]
    if data.numbers:
        lines.append("batch_loss = criterion(fc(batch_outputs[:, -1]), Y[rows])")
    else:
        logits = "fc(batch_outputs)" if head else "batch_outputs"
        lines.append(f"batch_loss = criterion({logits}.reshape(-1, len(vocab)), "
                     "Y[rows].reshape(-1))")  # fmt: skip
    return lines + ["batch_loss.backward()"]


def data_span(config: ExplorerConfig) -> str:
    """`span, low` of the series' target column in the training part, as Python."""
    train, _ = series_parts(config.series, config.window, config.stride)
    span = float((train.low + train.span) - train.low)  # as data.predictions_text reads it
    return f"{span!r}, {train.low!r}  # the target column: units = scaled * span + low"


def _forward_lines(config: ExplorerConfig, embedding: bool, packed: bool, unequal: bool):
    lines = []
    if embedding:
        lines.append("X = embedding(index_data)" + (" * mask" if unequal else ""))
    state = ""
    if config.init_state == "random":
        state = ", (h0, c0)" if CELL_FACTS[config.cell].has_cell_state else ", h0"
    if not packed:
        return lines + [f"outputs, _status = rnn(X{state})"]
    return lines + [
        "packed = torch.nn.utils.rnn.pack_padded_sequence(",
        "    X, lengths, batch_first=True, enforce_sorted=False",
        ")",
        f"packed_outputs, _status = rnn(packed{state})",
        "outputs, _ = torch.nn.utils.rnn.pad_packed_sequence(packed_outputs, batch_first=True)",
    ]


def _token_loss(config: ExplorerConfig, unequal: bool, head: bool) -> list[str]:
    joiner = '""' if config.tokens == "chars" else '" "'
    if head:
        lines = ["logits = fc(outputs)"]
    else:
        lines = ["logits = outputs  # hidden size = vocabulary size: the outputs are the logits"]
    lines += [
        "loss = criterion(logits.reshape(-1, len(vocab)), Y.reshape(-1))",
        "guesses = logits.argmax(-1).tolist()  # the most likely next token at each step",
    ]
    if unequal:
        return lines + [
            f"predicted = [{joiner}.join(vocab[j] for j in row[:n])"
            " for row, n in zip(guesses, lengths)]"
        ]
    return lines + [f"predicted = [{joiner}.join(vocab[j] for j in row) for row in guesses]"]


def _number_loss(unequal: bool) -> list[str]:
    last = "outputs[:, -1]"
    if unequal:
        last = "outputs[torch.arange(len(lengths)), torch.tensor(lengths) - 1]"
    return [
        "# many-to-one: the output at the last input step, through the linear layer",
        f"prediction = fc({last})",
        "loss = criterion(prediction, Y)",
        "values = (prediction.detach() * span + low).tolist()  # in the typed units",
        'predicted = [" ".join(f"{v:.4g}" for v in row) for row in values]',
    ]
