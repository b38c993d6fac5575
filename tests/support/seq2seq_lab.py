"""The course's seq2seq lab as its own plain PyTorch code (deeplearningzerotoall/PyTorch,
RNN/6-seq2seq.py), written without any of the app's code, so the explorer's
encoder-decoder is checked against what a student's script prints.

The lab's functions are copied as they are (CPU only). What is added, none of it maths:
`run_lab` runs the script's body with `random.seed(seed)` and `torch.manual_seed(seed)` at
its top (the lab seeds torch only) and captures what it prints; `train` also returns every
iteration's loss; `evaluate_states` is the lab's `evaluate` for one pair that also keeps
the hidden state after every step; `cell` swaps the lab's `nn.GRU` for `nn.LSTM` or
`nn.RNN` (LSTM: its state is the pair (h, c), zeros to start).
"""

# The lab's own spelling is kept (.format, super(Encoder, self), the unused `di`).
# ruff: noqa: UP032, UP008, C416, B007

from __future__ import annotations

import contextlib
import io
import random
from types import SimpleNamespace

import torch
import torch.nn as nn
from torch import optim

RAW = [
    "I feel hungry.\t나는 배가 고프다.",
    "Pytorch is very easy.\t파이토치는 매우 쉽다.",
    "Pytorch is a framework for deep learning.\t파이토치는 딥러닝을 위한 프레임워크이다.",
    "Pytorch is very clear to use.\t파이토치는 사용하기 매우 직관적이다.",
]
SOURCE_MAX_LENGTH = 10
TARGET_MAX_LENGTH = 12
SOS_token = 0
EOS_token = 1
CELLS = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}


class Vocab:
    def __init__(self):
        self.vocab2index = {"<SOS>": SOS_token, "<EOS>": EOS_token}
        self.index2vocab = {SOS_token: "<SOS>", EOS_token: "<EOS>"}
        self.vocab_count = {}
        self.n_vocab = len(self.vocab2index)

    def add_vocab(self, sentence):
        for word in sentence.split(" "):
            if word not in self.vocab2index:
                self.vocab2index[word] = self.n_vocab
                self.vocab_count[word] = 1
                self.index2vocab[self.n_vocab] = word
                self.n_vocab += 1
            else:
                self.vocab_count[word] += 1


def filter_pair(pair, source_max_length, target_max_length):
    return (
        len(pair[0].split(" ")) < source_max_length and len(pair[1].split(" ")) < target_max_length
    )


def preprocess(corpus, source_max_length, target_max_length):
    print("reading corpus...")
    pairs = []
    for line in corpus:
        pairs.append([s for s in line.strip().lower().split("\t")])
    print("Read {} sentence pairs".format(len(pairs)))

    pairs = [pair for pair in pairs if filter_pair(pair, source_max_length, target_max_length)]
    print("Trimmed to {} sentence pairs".format(len(pairs)))

    source_vocab = Vocab()
    target_vocab = Vocab()

    print("Counting words...")
    for pair in pairs:
        source_vocab.add_vocab(pair[0])
        target_vocab.add_vocab(pair[1])
    print("source vocab size =", source_vocab.n_vocab)
    print("target vocab size =", target_vocab.n_vocab)

    return pairs, source_vocab, target_vocab


class Encoder(nn.Module):
    def __init__(self, input_size, hidden_size, cell="gru"):
        super(Encoder, self).__init__()
        self.hidden_size = hidden_size
        self.cell = cell
        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = CELLS[cell](hidden_size, hidden_size)

    def forward(self, x, hidden):
        x = self.embedding(x).view(1, 1, -1)
        x, hidden = self.gru(x, hidden)
        return x, hidden


class Decoder(nn.Module):
    def __init__(self, hidden_size, output_size, cell="gru"):
        super(Decoder, self).__init__()
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.gru = CELLS[cell](hidden_size, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, x, hidden):
        x = self.embedding(x).view(1, 1, -1)
        x, hidden = self.gru(x, hidden)
        x = self.softmax(self.out(x[0]))
        return x, hidden


def zeros_state(encoder):
    """The lab's `torch.zeros([1, 1, encoder.hidden_size])`; LSTM: (h0, c0) zeros."""
    h0 = torch.zeros([1, 1, encoder.hidden_size])
    return (h0, torch.zeros([1, 1, encoder.hidden_size])) if encoder.cell == "lstm" else h0


def tensorize(vocab, sentence):
    indexes = [vocab.vocab2index[word] for word in sentence.split(" ")]
    indexes.append(vocab.vocab2index["<EOS>"])
    return torch.Tensor(indexes).long().view(-1, 1)


def train(
    pairs, source_vocab, target_vocab, encoder, decoder, n_iter, print_every=1000,
    learning_rate=0.01,
):  # fmt: skip
    loss_total = 0
    losses = []  # added: every iteration's loss / target_length

    encoder_optimizer = optim.SGD(encoder.parameters(), lr=learning_rate)
    decoder_optimizer = optim.SGD(decoder.parameters(), lr=learning_rate)

    training_batch = [random.choice(pairs) for _ in range(n_iter)]
    training_source = [tensorize(source_vocab, pair[0]) for pair in training_batch]
    training_target = [tensorize(target_vocab, pair[1]) for pair in training_batch]

    criterion = nn.NLLLoss()

    for i in range(1, n_iter + 1):
        source_tensor = training_source[i - 1]
        target_tensor = training_target[i - 1]

        encoder_hidden = zeros_state(encoder)

        encoder_optimizer.zero_grad()
        decoder_optimizer.zero_grad()

        source_length = source_tensor.size(0)
        target_length = target_tensor.size(0)

        loss = 0

        for enc_input in range(source_length):
            _, encoder_hidden = encoder(source_tensor[enc_input], encoder_hidden)

        decoder_input = torch.Tensor([[SOS_token]]).long()
        decoder_hidden = encoder_hidden

        for di in range(target_length):
            decoder_output, decoder_hidden = decoder(decoder_input, decoder_hidden)
            loss += criterion(decoder_output, target_tensor[di])
            decoder_input = target_tensor[di]  # teacher forcing

        loss.backward()

        encoder_optimizer.step()
        decoder_optimizer.step()

        loss_iter = loss.item() / target_length
        loss_total += loss_iter
        losses.append(loss_iter)

        if i % print_every == 0:
            loss_avg = loss_total / print_every
            loss_total = 0
            print("[{} - {}%] loss = {:05.4f}".format(i, i / n_iter * 100, loss_avg))
    return losses, training_batch


def evaluate(pairs, source_vocab, target_vocab, encoder, decoder, target_max_length):
    for pair in pairs:
        print(">", pair[0])
        print("=", pair[1])
        found = evaluate_states(pair[0], source_vocab, target_vocab, encoder, decoder,
                                target_max_length)  # fmt: skip
        predict_words = found.words
        predict_sentence = " ".join(predict_words)
        print("<", predict_sentence)
        print("")


def _h_and_c(state):
    """(h, c or None) as (H,) tensors, of a (1, 1, H) state or an LSTM's pair of them."""
    if isinstance(state, tuple):
        return state[0].detach().view(-1).clone(), state[1].detach().view(-1).clone()
    return state.detach().view(-1).clone(), None


def evaluate_states(sentence, source_vocab, target_vocab, encoder, decoder, target_max_length):
    """The lab's evaluate for one source sentence; also the state after every step."""
    with torch.no_grad():
        source_tensor = tensorize(source_vocab, sentence)
        source_length = source_tensor.size()[0]
        encoder_hidden = zeros_state(encoder)
        encoder_states = []

        for ei in range(source_length):
            _, encoder_hidden = encoder(source_tensor[ei], encoder_hidden)
            encoder_states.append(_h_and_c(encoder_hidden))

        decoder_input = torch.Tensor([[SOS_token]]).long()
        decoder_hidden = encoder_hidden
        decoded_words = []
        decoder_states = []

        for di in range(target_max_length):
            decoder_output, decoder_hidden = decoder(decoder_input, decoder_hidden)
            decoder_states.append(_h_and_c(decoder_hidden))
            _, top_index = decoder_output.data.topk(1)
            if top_index.item() == EOS_token:
                decoded_words.append("<EOS>")
                break
            else:
                decoded_words.append(target_vocab.index2vocab[top_index.item()])

            decoder_input = top_index.squeeze().detach()
    return SimpleNamespace(words=decoded_words, encoder=encoder_states, decoder=decoder_states)


def run_lab(raw=RAW, n_iter=5000, print_every=1000, seed=0, hidden_size=16, cell="gru",
            learning_rate=0.01):  # fmt: skip
    """The script's body, seeded; returns what it printed, every loss, the trained modules
    and vocabularies, and each pair's evaluation with its states."""
    random.seed(seed)
    torch.manual_seed(seed)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        load_pairs, load_source_vocab, load_target_vocab = preprocess(
            raw, SOURCE_MAX_LENGTH, TARGET_MAX_LENGTH
        )
        print(random.choice(load_pairs))

        enc_hidden_size = hidden_size
        dec_hidden_size = enc_hidden_size
        enc = Encoder(load_source_vocab.n_vocab, enc_hidden_size, cell)
        dec = Decoder(dec_hidden_size, load_target_vocab.n_vocab, cell)

        losses, batch = train(load_pairs, load_source_vocab, load_target_vocab, enc, dec,
                              n_iter, print_every=print_every,
                              learning_rate=learning_rate)  # fmt: skip
        evaluate(load_pairs, load_source_vocab, load_target_vocab, enc, dec, TARGET_MAX_LENGTH)
    evaluations = [
        evaluate_states(
            pair[0], load_source_vocab, load_target_vocab, enc, dec, TARGET_MAX_LENGTH
        )  # fmt: skip
        for pair in load_pairs
    ]
    return SimpleNamespace(
        printout=out.getvalue(), losses=losses, batch=batch, pairs=load_pairs,
        source_vocab=load_source_vocab, target_vocab=load_target_vocab,
        encoder=enc, decoder=dec, evaluations=evaluations,
    )  # fmt: skip
