"""The seq2seq lab's encoder and decoder (deeplearningzerotoall/PyTorch, RNN/6-seq2seq.py),
any of the three cells, and its greedy `evaluate` for one sentence with every hidden state.

The modules are the lab's, one token per call (a (1, 1, H) state, sequence first): the
encoder embeds a word and steps its cell; the decoder embeds a word, steps its cell and
turns the output into log-probabilities over the target words (Linear + LogSoftmax).
The cell is chosen by name in `make_cell`; LSTM's (h, c) pair is opened in `split_state`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from model.cells import SEED_LOCK
from model.errors import ConfigError, quoted
from model.lessons.seq2seq_data import (
    EOS,
    EOS_TOKEN,
    MAX_S2S_DECODE,
    SOS,
    SOS_TOKEN,
    Seq2SeqConfig,
    Vocab,
    words_of,
)

State = torch.Tensor | tuple[torch.Tensor, torch.Tensor]  # (1, 1, H), LSTM: (h, c)


def make_cell(cell: str, size: int) -> nn.Module:
    """The one place a cell is chosen by name: input size = hidden size = `size`."""
    return {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}[cell](size, size)


def zero_state(cell: str, size: int) -> State:
    """The lab's `torch.zeros([1, 1, hidden_size])`; LSTM starts with (h, c) both zeros."""
    h0 = torch.zeros([1, 1, size])
    return (h0, torch.zeros([1, 1, size])) if cell == "lstm" else h0


def split_state(state: State) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(h, c) of a state, c None but for an LSTM: the one place its pair is opened."""
    return state if isinstance(state, tuple) else (state, None)


class Encoder(nn.Module):
    """The lab's Encoder: embedding (V_source, H), then the cell; one word per call."""

    def __init__(self, input_size: int, hidden_size: int, cell: str = "gru"):
        super().__init__()
        self.hidden_size, self.cell = hidden_size, cell
        self.embedding = nn.Embedding(input_size, hidden_size)  # built first, as the lab
        self.rnn = make_cell(cell, hidden_size)

    def forward(self, x: torch.Tensor, hidden: State) -> tuple[torch.Tensor, State]:
        x = self.embedding(x).view(1, 1, -1)  # (1,) index -> (1, 1, H)
        return self.rnn(x, hidden)  # output (1, 1, H), the new state


class Decoder(nn.Module):
    """The lab's Decoder: embedding (V_target, H), the cell, Linear(H, V_target), LogSoftmax."""

    def __init__(self, hidden_size: int, output_size: int, cell: str = "gru"):
        super().__init__()
        self.hidden_size, self.cell = hidden_size, cell
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.rnn = make_cell(cell, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, x: torch.Tensor, hidden: State) -> tuple[torch.Tensor, State]:
        x = self.embedding(x).view(1, 1, -1)  # (1, 1, H)
        x, hidden = self.rnn(x, hidden)  # (1, 1, H)
        return self.softmax(self.out(x[0])), hidden  # (1, V_target) log-probabilities


def build_modules(config: Seq2SeqConfig, source: Vocab, target: Vocab) -> tuple[Encoder, Decoder]:
    """torch.manual_seed(seed), then the encoder and the decoder, in the lab's order (the
    global generator, as the lab's; other threads' draws wait, and its state is restored)."""
    with SEED_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        encoder = Encoder(len(source), config.hidden_size, config.cell)
        decoder = Decoder(config.hidden_size, len(target), config.cell)
    return encoder, decoder


def tensorize(vocab: Vocab, sentence: str) -> torch.Tensor:
    """(T, 1) long: the words' indices, then <EOS> (the lab's tensorize)."""
    index = vocab.index
    unknown = [word for word in words_of(sentence) if word not in index]
    if unknown:
        word = quoted(unknown[0])
        raise ConfigError(
            f"The word {word} is not in the source vocabulary: the model only knows the "
            "words of its training pairs.",
            "err_s2s_unknown_word", word=word,
        )  # fmt: skip
    indexes = [index[word] for word in words_of(sentence)] + [EOS_TOKEN]
    return torch.tensor(indexes, dtype=torch.long).view(-1, 1)


@dataclass(frozen=True)
class Seq2SeqModel:
    """Trained (or untrained) weights with what they mean: the config and vocabularies."""

    config: Seq2SeqConfig
    source_vocab: Vocab
    target_vocab: Vocab
    encoder_state: dict[str, torch.Tensor]  # Encoder.state_dict() (CPU copies)
    decoder_state: dict[str, torch.Tensor]  # Decoder.state_dict()
    iteration: int = 0  # the iterations these weights have been trained for

    def modules(self) -> tuple[Encoder, Decoder]:
        """Fresh modules holding these weights (torch's global random state untouched)."""
        config = self.config
        with SEED_LOCK, torch.random.fork_rng(devices=[]):  # building draws initial weights
            encoder = Encoder(len(self.source_vocab), config.hidden_size, config.cell)
            decoder = Decoder(config.hidden_size, len(self.target_vocab), config.cell)
        encoder.load_state_dict(self.encoder_state)
        decoder.load_state_dict(self.decoder_state)
        return encoder.eval(), decoder.eval()


@dataclass(frozen=True, eq=False)
class Translation:
    """The lab's evaluate of one sentence, with the hidden state after every step."""

    source_words: tuple[str, ...]  # the words the encoder read, then <EOS>: T_src
    decoder_inputs: tuple[str, ...]  # <SOS>, then each word it predicted before: T_dec
    predicted: tuple[str, ...]  # the lab's decoded_words (ending in <EOS> if produced)
    encoder_states: np.ndarray  # (T_src, H) float32: h after each source word
    decoder_states: np.ndarray  # (T_dec, H) float32: h after each produced word
    encoder_cells: np.ndarray | None  # LSTM: (T_src, H) c; else None
    decoder_cells: np.ndarray | None  # LSTM: (T_dec, H) c; else None

    @property
    def encoder_final(self) -> np.ndarray:
        """(H,): the encoder's last state, the decoder's start (the lab's decoder_hidden)."""
        return self.encoder_states[-1]

    @property
    def encoder_final_cell(self) -> np.ndarray | None:
        return None if self.encoder_cells is None else self.encoder_cells[-1]

    @property
    def sentence(self) -> str:
        """What the lab prints after `<`."""
        return " ".join(self.predicted)


def translate(model, source_sentence: str, max_length: int = 12) -> Translation:
    """Greedy decoding as the lab's evaluate: the sentence and <EOS> through the encoder
    from zeros; then the decoder from <SOS> and the encoder's last state, feeding back its
    most likely word, until <EOS> or `max_length` words. `model`: a Seq2SeqModel or
    anything with one as `.model` (a run's result)."""
    model = getattr(model, "model", model)
    if isinstance(max_length, bool) or not isinstance(max_length, int) or not (
        1 <= max_length <= MAX_S2S_DECODE
    ):  # fmt: skip
        got = quoted(max_length)
        raise ConfigError(
            f"max_length must be a whole number from 1 to {MAX_S2S_DECODE} (got {got}).",
            "err_s2s_max_length", most=MAX_S2S_DECODE, got=got,
        )  # fmt: skip
    source = tensorize(model.source_vocab, source_sentence)  # (T_src, 1)
    encoder, decoder = model.modules()
    with torch.no_grad():
        hidden = zero_state(model.config.cell, model.config.hidden_size)
        encoder_states = []
        for index in source:  # (1,)
            _, hidden = encoder(index, hidden)
            encoder_states.append(split_state(hidden))
        decoder_input = torch.tensor([[SOS_TOKEN]])  # (1, 1)
        inputs, predicted, decoder_states = [SOS], [], []
        for _ in range(max_length):
            output, hidden = decoder(decoder_input, hidden)  # (1, V_target)
            decoder_states.append(split_state(hidden))
            _, top_index = output.topk(1)  # (1, 1)
            word = model.target_vocab.words[top_index.item()]
            predicted.append(word)
            if top_index.item() == EOS_TOKEN:
                break
            inputs.append(word)
            decoder_input = top_index.squeeze().detach()  # () index, as the lab feeds it
    encoder_h, encoder_c = _stacked(encoder_states)
    decoder_h, decoder_c = _stacked(decoder_states)
    return Translation(
        source_words=tuple(words_of(source_sentence)) + (EOS,),
        decoder_inputs=tuple(inputs[: len(predicted)]),
        predicted=tuple(predicted),
        encoder_states=encoder_h, decoder_states=decoder_h,
        encoder_cells=encoder_c, decoder_cells=decoder_c,
    )  # fmt: skip


def _stacked(states: list[tuple[torch.Tensor, torch.Tensor | None]]):
    """[(h, c)] of (1, 1, H) -> ((T, H), (T, H) or None) float32 arrays."""
    h = torch.cat([state[0].reshape(1, -1) for state in states]).numpy().astype(np.float32)
    if states[0][1] is None:
        return h, None
    c = torch.cat([state[1].reshape(1, -1) for state in states]).numpy().astype(np.float32)
    return h, c
