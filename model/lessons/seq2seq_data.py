"""The seq2seq lesson's data, the course lab's way (deeplearningzerotoall/PyTorch,
RNN/6-seq2seq.py): sentence pairs read from tab-separated lines, the settings of a run
(`Seq2SeqConfig`), and the two vocabularies.

As the lab: a line is `source<TAB>target` (the course's eng-kor.txt; more columns, as in
the Tatoeba files, are ignored as the lab's `pair[0], pair[1]` ignore them), stripped and
lower-cased; a pair is kept when its source has fewer than SOURCE_MAX_LENGTH words and its
target fewer than TARGET_MAX_LENGTH (words: split on single spaces); a vocabulary is
<SOS> = 0, <EOS> = 1, then the words in order of first appearance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from model.config import MAX_SEED, MAX_TOKEN_CHARS, check_choice, check_int
from model.errors import ConfigError, quoted
from model.training.config import MAX_LEARNING_RATE, MIN_LEARNING_RATE

# --- limits (named once; the page shows them) -------------------------------------------
MAX_S2S_PAIRS = 100  # sentence pairs kept for training
MAX_S2S_WORDS = 20  # words in one sentence (the lab's filter keeps fewer than 10 / 12)
MAX_S2S_WORD_CHARS = MAX_TOKEN_CHARS  # characters in one word (every chart writes it)
MAX_S2S_TEXT_CHARS = 20_000  # characters of pasted pairs, all lines together
MAX_S2S_STEPS = 10_000  # training iterations (the lab runs 5,000: ~20 s on one core here)
MAX_S2S_HIDDEN = 128  # hidden size = embedding size (the lab: 16)
MAX_S2S_DECODE = 50  # words the greedy decoder may produce (the lab: TARGET_MAX_LENGTH)

# --- the lab's constants ------------------------------------------------------------------
SOURCE_MAX_LENGTH = 10  # kept: a source of fewer words than this
TARGET_MAX_LENGTH = 12  # ... and a target of fewer words; also the decoder's longest output
SOS_TOKEN, EOS_TOKEN = 0, 1
SOS, EOS = "<SOS>", "<EOS>"
S2S_CELLS = ("gru", "lstm", "rnn")  # the lab's GRU first

Pair = tuple[str, str]


@dataclass(frozen=True)
class Seq2SeqConfig:
    """One encoder-decoder run. Hashable; validated on creation (ConfigError)."""

    pairs: tuple[Pair, ...]  # (source, target) sentences, as read_pairs gives them
    cell: str = "gru"  # gru (the lab) | lstm | rnn: encoder and decoder alike
    hidden_size: int = 16  # = the embedding size, encoder and decoder alike (the lab's 16)
    steps: int = 5000  # iterations: one random pair each (the lab's n_iter)
    learning_rate: float = 0.01  # plain SGD, encoder and decoder (the lab's)
    seed: int = 0  # torch.manual_seed(seed) and random.Random(seed)

    def __post_init__(self) -> None:
        check_pairs(self.pairs)
        check_choice("cell", self.cell, S2S_CELLS)
        check_int("hidden_size", self.hidden_size, 1, MAX_S2S_HIDDEN)
        check_int("steps", self.steps, 1, MAX_S2S_STEPS)
        check_int("seed", self.seed, 0, MAX_SEED)
        rate = self.learning_rate
        number = isinstance(rate, int | float) and not isinstance(rate, bool)
        if not (number and math.isfinite(rate) and MIN_LEARNING_RATE <= rate <= MAX_LEARNING_RATE):
            got = quoted(rate)
            raise ConfigError(
                f"learning_rate must be a number between {MIN_LEARNING_RATE:g} and "
                f"{MAX_LEARNING_RATE:g} (got {got}).",
                "err_s2s_lr", low=f"{MIN_LEARNING_RATE:g}", high=f"{MAX_LEARNING_RATE:g}", got=got,
            )  # fmt: skip
        object.__setattr__(self, "learning_rate", float(rate))


def words_of(sentence: str) -> list[str]:
    """The lab's words: split on single spaces (two spaces make an empty word)."""
    return sentence.split(" ")


def check_pairs(pairs: object) -> None:
    if not isinstance(pairs, tuple) or not pairs:
        raise ConfigError("There are no sentence pairs to train on.", "err_s2s_no_pairs")
    if len(pairs) > MAX_S2S_PAIRS:
        raise ConfigError(
            f"{len(pairs):,} sentence pairs are too many: at most {MAX_S2S_PAIRS} train here.",
            "err_s2s_too_many_pairs", pairs=f"{len(pairs):,}", most=MAX_S2S_PAIRS,
        )  # fmt: skip
    for number, pair in enumerate(pairs, 1):
        if not (
            isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(s, str) for s in pair)
        ):
            raise ConfigError(
                f"Pair {number} is not two sentences (source, target).",
                "err_s2s_not_pair", number=number,
            )  # fmt: skip
        for sentence in pair:
            reason = sentence_problem(sentence)
            if reason:
                raise ConfigError(f"Pair {number}: {reason}", "err_s2s_pair", number=number,
                                  reason=reason)  # fmt: skip


def sentence_problem(sentence: str) -> ConfigError | None:
    """Why a sentence cannot be used (a ConfigError to put inside another), or None: it
    must not be empty, and have at most MAX_S2S_WORDS words of at most MAX_S2S_WORD_CHARS
    characters."""
    if not sentence.strip():
        return ConfigError("a sentence is empty.", "err_s2s_empty")
    words = words_of(sentence)
    if len(words) > MAX_S2S_WORDS:
        return ConfigError(
            f"a sentence has {len(words):,} words; at most {MAX_S2S_WORDS} fit.",
            "err_s2s_too_many_words", words=f"{len(words):,}", most=MAX_S2S_WORDS,
        )  # fmt: skip
    longest = max(words, key=len)
    if len(longest) > MAX_S2S_WORD_CHARS:
        word = quoted(longest)
        return ConfigError(
            f"the word {word} is longer than {MAX_S2S_WORD_CHARS} characters.",
            "err_s2s_long_word", word=word, most=MAX_S2S_WORD_CHARS,
        )  # fmt: skip
    return None


# --- reading pairs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """What read_corpus found: the pairs kept, and what the lab's filter dropped."""

    pairs: tuple[Pair, ...]
    read: int  # pairs read (the lab's "Read N sentence pairs"): the non-blank lines
    dropped: tuple[int, ...]  # line numbers (1-based) of the pairs the filter dropped


def read_corpus(text: str) -> Corpus:
    """Tab-separated lines -> the lab's pairs. Blank lines are skipped; a line without a
    tab, or with an empty side, is refused naming it (ConfigError), and so is a text with
    no pair kept or more than MAX_S2S_PAIRS."""
    if not isinstance(text, str):
        raise ConfigError("The sentence pairs must be text.", "err_s2s_not_text")
    if len(text) > MAX_S2S_TEXT_CHARS:
        raise ConfigError(
            f"The sentence pairs are {len(text):,} characters long; at most "
            f"{MAX_S2S_TEXT_CHARS:,} fit.",
            "err_s2s_text_too_long", chars=f"{len(text):,}", most=f"{MAX_S2S_TEXT_CHARS:,}",
        )  # fmt: skip
    kept: list[Pair] = []
    dropped: list[int] = []
    read = 0
    for number, raw_line in enumerate(text.split("\n"), 1):
        line = raw_line.strip().lower()  # the lab's line.strip().lower()
        if not line:
            continue
        read += 1
        pair = _pair(line, number)
        if (
            len(words_of(pair[0])) < SOURCE_MAX_LENGTH
            and len(words_of(pair[1])) < TARGET_MAX_LENGTH
        ):
            kept.append(pair)
        else:
            dropped.append(number)
    if not read:
        raise ConfigError("There are no sentence pairs to train on.", "err_s2s_no_pairs")
    if not kept:
        raise ConfigError(_nothing_kept(read), "err_s2s_none_kept", read=read,
                          source=SOURCE_MAX_LENGTH, target=TARGET_MAX_LENGTH)  # fmt: skip
    pairs = tuple(kept)
    check_pairs(pairs)
    return Corpus(pairs, read, tuple(dropped))


def read_pairs(text: str) -> tuple[Pair, ...]:
    """The pairs read_corpus keeps."""
    return read_corpus(text).pairs


def _pair(line: str, number: int) -> Pair:
    columns = line.split("\t")
    if len(columns) < 2:
        shown = quoted(line)
        raise ConfigError(
            f"Line {number} ({shown}) has no tab: write the source sentence, a tab, then "
            "the target sentence.",
            "err_s2s_no_tab", line=number, text=shown,
        )  # fmt: skip
    source, target = columns[0], columns[1]
    for sentence in (source, target):
        reason = sentence_problem(sentence)
        if reason:
            raise ConfigError(f"Line {number}: {reason}", "err_s2s_line", line=number,
                              reason=reason)  # fmt: skip
    return source, target


def _nothing_kept(read: int) -> str:
    return (
        f"None of the {read} pairs is kept: the lab keeps a pair whose source has fewer than "
        f"{SOURCE_MAX_LENGTH} words and whose target fewer than {TARGET_MAX_LENGTH}."
    )


# --- vocabularies -------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocab:
    """<SOS>, <EOS>, then every word in order of first appearance (the lab's Vocab)."""

    words: tuple[str, ...]  # index -> word

    @property
    def index(self) -> dict[str, int]:
        return {word: i for i, word in enumerate(self.words)}

    def __len__(self) -> int:  # the lab's n_vocab
        return len(self.words)


def vocabularies(pairs: tuple[Pair, ...]) -> tuple[Vocab, Vocab]:
    """(source vocabulary, target vocabulary), as the lab's preprocess counts words."""
    source: dict[str, None] = {SOS: None, EOS: None}
    target: dict[str, None] = {SOS: None, EOS: None}
    for pair in pairs:
        source.update(dict.fromkeys(words_of(pair[0])))
        target.update(dict.fromkeys(words_of(pair[1])))
    return Vocab(tuple(source)), Vocab(tuple(target))
