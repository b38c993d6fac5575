"""The seq2seq lesson: the course lab's encoder-decoder (deeplearningzerotoall/PyTorch,
RNN/6-seq2seq.py), trained here as the lab trains it, and what the lab prints.

    config = Seq2SeqConfig(read_pairs(text))       # ConfigError for bad text or settings
    run = train_seq2seq(config)                    # seeded modules, nothing trained yet
    for record in run:                             # one Seq2SeqStep per iteration
        show(record.iteration, record.loss)        # stop whenever: simply stop consuming
    result = run.result()                          # the losses and the kept weights
    translation = translate(result, "i feel hungry.")   # words and every hidden state

As the lab: `torch.manual_seed(seed)`, then the encoder, then the decoder; the lab's
`print(random.choice(pairs))` and then its `[random.choice(pairs) for _ in range(n_iter)]`,
drawn up front from `random.Random(seed)` (a private generator: the same draws as the
lab's global `random` after `random.seed(seed)`, without touching it). Each iteration:
the source's words and <EOS> through the encoder one at a time from a zero state; the
decoder from <SOS> and the encoder's last state, teacher forcing over the target and
<EOS>; the NLLLoss of every step summed; backward; an SGD step of each optimizer. Its
loss is the lab's `loss.item() / target_length`.

A run stops by itself after `time_limit` seconds (MAX_TRAIN_SECONDS), counted from its
first iteration, or when a loss or a weight stops being finite (the weights of the last
good iteration are kept); `message` says so in English, `reason` as (text key, fields).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from model.lessons.seq2seq_data import (
    MAX_S2S_STEPS,
    SOS_TOKEN,
    TARGET_MAX_LENGTH,
    Pair,
    Seq2SeqConfig,
    read_corpus,
    read_pairs,
    vocabularies,
)
from model.lessons.seq2seq_net import (
    Decoder,
    Encoder,
    Seq2SeqModel,
    Translation,
    build_modules,
    tensorize,
    translate,
    zero_state,
)
from model.training.config import MAX_TRAIN_SECONDS, MIN_LEARNING_RATE

__all__ = [
    "LAB_PAIRS_TEXT", "MAX_S2S_STEPS", "Seq2SeqConfig", "Seq2SeqModel", "Seq2SeqResult",
    "Seq2SeqRun", "Seq2SeqStep", "Translation", "lab_printout", "read_corpus", "read_pairs",
    "train_seq2seq", "translate",
]  # fmt: skip

S2S_SECONDS = MAX_TRAIN_SECONDS  # wall time of one run on the shared server
LAB_PRINT_EVERY = 1000  # the lab's print_every
# The lab's `raw` (and the course's eng-kor.txt): English, a tab, Korean.
LAB_PAIRS_TEXT = "\n".join([
    "I feel hungry.\t나는 배가 고프다.",
    "Pytorch is very easy.\t파이토치는 매우 쉽다.",
    "Pytorch is a framework for deep learning.\t파이토치는 딥러닝을 위한 프레임워크이다.",
    "Pytorch is very clear to use.\t파이토치는 사용하기 매우 직관적이다.",
])  # fmt: skip

# The English of what can end a run early; the page translates the same keys.
DIVERGED = (
    "Training diverged at iteration {iteration}: the loss or a weight stopped being a "
    "finite number. The learning rate {lr} made the updates too big. The weights after "
    "iteration {good} are kept. Try a smaller learning rate (say {smaller})."
)
TIMED_OUT = (
    "Training stopped after {seconds} seconds, the time limit for one run on this shared "
    "server, at iteration {iteration} of {total}. The weights of that iteration are kept. "
    "To train to the end, use fewer iterations or a smaller hidden size."
)


@dataclass(frozen=True)
class Seq2SeqStep:
    """One iteration, yielded after its update."""

    iteration: int  # 1 .. total
    total: int  # Seq2SeqConfig.steps
    loss: float  # the lab's loss_iter: the summed NLLLoss / target length (with <EOS>)
    pair: Pair  # the pair it trained on


@dataclass(frozen=True, eq=False)
class Seq2SeqResult:
    """What a run did, up to where it ended."""

    model: Seq2SeqModel  # the kept weights (model.iteration: after how many iterations)
    losses: np.ndarray  # (K,) float64: the loss of iterations 1 .. K (K = model.iteration)
    sample_pair: Pair  # the lab's print(random.choice(load_pairs)) before training
    completed: bool  # every iteration ran
    diverged_at: int | None  # the iteration whose loss or updated weights were not finite
    timed_out: bool
    message: str  # plain English: why it ended early; "" when it did not
    reason: tuple[str, dict] | None  # the same for any language: (text key, fields)

    @property
    def config(self) -> Seq2SeqConfig:
        return self.model.config

    @property
    def iterations(self) -> int:
        return self.model.iteration


class Seq2SeqRun:
    """An iterator of Seq2SeqStep records; `result()` at any time (between records)."""

    def __init__(
        self,
        config: Seq2SeqConfig,
        time_limit: float | None = S2S_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.config, self.time_limit, self._clock = config, time_limit, clock
        self.source_vocab, self.target_vocab = vocabularies(config.pairs)
        self.encoder, self.decoder = build_modules(config, self.source_vocab, self.target_vocab)
        rng = random.Random(config.seed)
        self.sample_pair = rng.choice(config.pairs)
        self.batch = [rng.choice(config.pairs) for _ in range(config.steps)]
        self._tensors = {
            pair: (tensorize(self.source_vocab, pair[0]), tensorize(self.target_vocab, pair[1]))
            for pair in set(config.pairs)
        }  # (T_src, 1) and (T_tgt, 1) long, each with its <EOS>
        rate = config.learning_rate
        self._optimizers = [torch.optim.SGD(self.encoder.parameters(), lr=rate),
                            torch.optim.SGD(self.decoder.parameters(), lr=rate)]  # fmt: skip
        self._criterion = nn.NLLLoss()
        self._params = [(part, name, param) for part, module in self._parts()
                        for name, param in module.named_parameters()]  # fmt: skip
        self._good = [param.detach().clone() for *_, param in self._params]
        self._good_iteration = 0
        self._losses: list[float] = []
        self._ended: tuple[int | None, bool, str, tuple[str, dict] | None] = (None, False, "", None)
        self._completed = False
        self._loop = self._iterations()

    def __iter__(self) -> Iterator[Seq2SeqStep]:
        return self

    def __next__(self) -> Seq2SeqStep:
        return next(self._loop)

    def _parts(self) -> tuple[tuple[str, nn.Module], ...]:
        return (("encoder", self.encoder), ("decoder", self.decoder))

    def _iterations(self) -> Iterator[Seq2SeqStep]:
        total, limit = self.config.steps, self.time_limit
        deadline = None if limit is None else self._clock() + limit
        for iteration, pair in enumerate(self.batch, 1):
            source, target = self._tensors[pair]
            for optimizer in self._optimizers:
                optimizer.zero_grad()
            loss = iteration_loss(self.encoder, self.decoder, source, target, self._criterion)
            value = loss.item()
            if not math.isfinite(value):
                return self._diverge(iteration)
            loss.backward()
            for optimizer in self._optimizers:
                optimizer.step()
            if not self._weights_finite():
                return self._diverge(iteration)
            self._keep(iteration)
            self._losses.append(value / target.size(0))  # the lab's loss_iter
            self._completed = iteration == total
            yield Seq2SeqStep(iteration, total, self._losses[-1], pair)
            if deadline is not None and iteration < total and self._clock() >= deadline:
                return self._out_of_time(iteration)

    def _weights_finite(self) -> bool:
        """One reduction first (any inf or NaN makes the sum non-finite), then the exact
        check only when the sum is not finite (a finite overflow is not a problem)."""
        total = torch.stack([param.detach().sum() for *_, param in self._params]).sum()
        return bool(torch.isfinite(total)) or all(
            bool(torch.isfinite(param).all()) for *_, param in self._params
        )

    def _keep(self, iteration: int) -> None:
        with torch.no_grad():
            for kept, (*_, param) in zip(self._good, self._params, strict=True):
                kept.copy_(param)
        self._good_iteration = iteration

    def _diverge(self, iteration: int) -> None:
        with torch.no_grad():  # back to the last good weights
            for kept, (*_, param) in zip(self._good, self._params, strict=True):
                param.copy_(kept)
        rate = self.config.learning_rate
        fields = {"iteration": iteration, "lr": f"{rate:g}", "good": self._good_iteration,
                  "smaller": f"{max(rate / 10, MIN_LEARNING_RATE):g}"}  # fmt: skip
        self._ended = (iteration, False, DIVERGED.format(**fields), ("s2s_diverged", fields))

    def _out_of_time(self, iteration: int) -> None:
        fields = {"seconds": f"{self.time_limit:g}", "iteration": iteration,
                  "total": self.config.steps}  # fmt: skip
        self._ended = (None, True, TIMED_OUT.format(**fields), ("s2s_timed_out", fields))

    def model(self) -> Seq2SeqModel:
        """The kept weights (the last good iteration's), as copies."""
        states: dict[str, dict[str, torch.Tensor]] = {"encoder": {}, "decoder": {}}
        for kept, (part, name, _) in zip(self._good, self._params, strict=True):
            states[part][name] = kept.clone()
        return Seq2SeqModel(self.config, self.source_vocab, self.target_vocab,
                            states["encoder"], states["decoder"],
                            self._good_iteration)  # fmt: skip

    def result(self) -> Seq2SeqResult:
        diverged_at, timed_out, message, reason = self._ended
        return Seq2SeqResult(
            model=self.model(), losses=np.array(self._losses, dtype=np.float64),
            sample_pair=self.sample_pair, completed=self._completed, diverged_at=diverged_at,
            timed_out=timed_out, message=message, reason=reason,
        )  # fmt: skip


def iteration_loss(
    encoder: Encoder, decoder: Decoder, source: torch.Tensor, target: torch.Tensor, criterion
) -> torch.Tensor:
    """One iteration's summed NLLLoss, the lab's way: source (T_src, 1) word by word into
    the encoder from zeros; the decoder from <SOS>, fed the target (T_tgt, 1) (teacher
    forcing)."""
    hidden = zero_state(encoder.cell, encoder.hidden_size)  # (1, 1, H), LSTM: (h, c)
    for index in source:  # (1,)
        _, hidden = encoder(index, hidden)
    decoder_input = torch.tensor([[SOS_TOKEN]])  # (1, 1)
    loss = 0
    for index in target:  # (1,)
        output, hidden = decoder(decoder_input, hidden)  # (1, V_target)
        loss += criterion(output, index)
        decoder_input = index  # teacher forcing
    return loss


def train_seq2seq(
    config: Seq2SeqConfig,
    time_limit: float | None = S2S_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> Seq2SeqRun:
    """Build the seeded modules and draw the pairs; return the run (nothing trained yet)."""
    return Seq2SeqRun(config, time_limit, clock)


# --- what the lab prints --------------------------------------------------------------------


def preprocess_lines(config: Seq2SeqConfig, read: int | None = None) -> list[str]:
    """The lab's preprocess printout; `read`: the pairs read before the filter."""
    source, target = vocabularies(config.pairs)
    return ["reading corpus...", f"Read {len(config.pairs) if read is None else read} sentence "
            "pairs", f"Trimmed to {len(config.pairs)} sentence pairs", "Counting words...",
            f"source vocab size = {len(source)}", f"target vocab size = {len(target)}"]  # fmt: skip


def loss_lines(losses, n_iter: int, print_every: int = LAB_PRINT_EVERY) -> list[str]:
    """The lab's train printout: the mean of the losses over every `print_every`."""
    lines, loss_total = [], 0
    for i, loss_iter in enumerate(losses, 1):
        loss_total += float(loss_iter)
        if i % print_every == 0:
            loss_avg = loss_total / print_every
            loss_total = 0
            lines.append(f"[{i} - {i / n_iter * 100}%] loss = {loss_avg:05.4f}")
    return lines


def evaluate_lines(pairs, translations: list[Translation]) -> list[str]:
    """The lab's evaluate printout: >, =, < and an empty line per pair."""
    lines = []
    for pair, translation in zip(pairs, translations, strict=True):
        lines += [f"> {pair[0]}", f"= {pair[1]}", f"< {translation.sentence}", ""]
    return lines


def lab_printout(
    result: Seq2SeqResult, read: int | None = None, print_every: int = LAB_PRINT_EVERY
) -> tuple[str, list[Translation]]:
    """What the lab's script prints for this run, and the translations of every pair."""
    config = result.config
    translations = [translate(result, pair[0], TARGET_MAX_LENGTH) for pair in config.pairs]
    lines = preprocess_lines(config, read) + [str(list(result.sample_pair))]
    lines += loss_lines(result.losses, config.steps, print_every)
    lines += evaluate_lines(config.pairs, translations)
    return "\n".join(lines) + "\n", translations
