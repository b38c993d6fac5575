"""Sampling text from a trained next-token model: the prompt is read, then each step's
output (through the linear layer, or itself as logits) picks the next token, greedily
or from softmax(logits / temperature), and that token is fed back in.

The module runs exactly as trained (its own layout, batch_first or not, the initial
state of the scene's first sequence); the hidden state of its top layer is kept at every
step, prompt and generated tokens alike, so the views can show what the network carried
while it wrote. Sampling uses a private torch.Generator seeded with `seed`: the same
settings give the same text, and no other session's random stream is touched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from model.config import ExplorerConfig
from model.errors import ConfigError, quoted
from model.reading import tokenize
from model.training.config import TrainConfig
from model.training.data import training_data
from model.training.network import build_network

MAX_GENERATED = 400  # tokens written per request
MAX_PROMPT = 200  # tokens read first
MAX_TEMPERATURE = 5.0  # 0 = greedy; above this the text is noise


@dataclass(frozen=True, eq=False)
class Generated:
    tokens: tuple[str, ...]  # the prompt's tokens, then the generated ones
    prompt_length: int
    hidden: np.ndarray  # (T, H * directions) the top layer's state after each token
    chosen_probability: np.ndarray  # (T - prompt_length,) probability of each pick

    @property
    def text(self) -> str:
        return "".join(self.tokens)

    def joined(self, tokens: str) -> str:
        return ("" if tokens == "chars" else " ").join(self.tokens)


def generate(
    config: ExplorerConfig,
    train_config: TrainConfig,
    weights: dict[str, torch.Tensor],
    prompt: str,
    length: int,
    temperature: float = 0.0,
    seed: int = 0,
) -> Generated:
    """Read `prompt`, then write `length` tokens (temperature 0: the likeliest each time)."""
    data = training_data(config)
    _check(config, data, length, temperature)
    vocab = data.encoded.vocab
    position = {token: i for i, token in enumerate(vocab)}
    tokens = _prompt_tokens(config, prompt, position)
    network = build_network(config, train_config, data)
    network.load_state_dict(weights)
    network.eval()
    generator = torch.Generator().manual_seed(seed)
    state = _first_state(network)
    picked, chances, outputs = list(tokens), [], []
    with torch.no_grad():
        feed = [position[t] for t in tokens]
        for _ in range(length + 1):
            out, state = network.rnn(_inputs(network, vocab, feed, config.batch_first), state)
            out = out[0] if config.batch_first else out[:, 0]  # (T_fed, D*H)
            outputs.append(out)
            if len(picked) == len(tokens) + length:
                break
            logits = out[-1] if network.head is None else network.head(out[-1])  # (V,)
            index, chance = _pick(logits, temperature, generator)
            picked.append(vocab[index])
            chances.append(chance)
            feed = [index]
    hidden = torch.cat(outputs).numpy()  # (T, D*H)
    return Generated(tuple(picked), len(tokens), hidden, np.array(chances, dtype=np.float64))


def _check(config: ExplorerConfig, data, length: int, temperature: float) -> None:
    if data.numbers:
        raise ConfigError(
            "Generating needs tokens (characters or words), not numbers.", "err_generate_numbers"
        )
    if config.bidirectional:
        raise ConfigError(
            "A bidirectional network reads the future too, so it cannot write text one token "
            "at a time. Train a one-direction network to generate.",
            "err_generate_bidirectional",
        )
    if not (isinstance(length, int) and 1 <= length <= MAX_GENERATED):
        raise ConfigError(
            f"Generate 1 to {MAX_GENERATED} tokens.", "err_generate_length", limit=MAX_GENERATED
        )
    if not 0 <= temperature <= MAX_TEMPERATURE:
        raise ConfigError(
            f"The temperature must be between 0 (greedy) and {MAX_TEMPERATURE:g}.",
            "err_generate_temperature",
            limit=MAX_TEMPERATURE,
        )


def _prompt_tokens(config: ExplorerConfig, prompt: str, position: dict) -> tuple[str, ...]:
    tokens = tokenize(prompt, config.tokens, keep_lines=True)
    if not tokens:
        raise ConfigError("Type a prompt to start from.", "err_generate_prompt")
    if len(tokens) > MAX_PROMPT:
        raise ConfigError(
            f"The prompt is too long: at most {MAX_PROMPT} tokens.",
            "err_generate_prompt_long",
            limit=MAX_PROMPT,
        )
    unknown = [t for t in tokens if t not in position]
    if unknown:
        token = quoted(unknown[0])
        raise ConfigError(
            f"The prompt has {token}, which the training text never had: the network only "
            "knows the tokens it was trained on.",
            "err_generate_unknown",
            token=token,
        )
    return tokens


def _first_state(network):
    """The initial state of the scene's first sequence ((h0, c0) for an LSTM)."""
    built = network.built
    h0 = built.h0[:, :1].contiguous()
    return h0 if built.c0 is None else (h0, built.c0[:, :1].contiguous())


def _inputs(network, vocab: tuple[str, ...], feed: list[int], batch_first: bool):
    index = torch.tensor(feed)  # (T,)
    if network.embedding is not None:
        x = network.embedding(index)  # (T, E)
    else:
        x = nn.functional.one_hot(index, len(vocab)).float()  # (T, V)
    return x.unsqueeze(0) if batch_first else x.unsqueeze(1)


def _pick(logits: torch.Tensor, temperature: float, generator) -> tuple[int, float]:
    probabilities = torch.softmax(logits, -1)
    if temperature == 0:
        index = int(torch.argmax(logits))
    else:
        scaled = torch.softmax(logits / temperature, -1)
        index = int(torch.multinomial(scaled, 1, generator=generator))
    return index, float(probabilities[index])
