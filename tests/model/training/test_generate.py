"""Generating text from a trained model, checked against a plain PyTorch loop written
here: the trained weights loaded into torch.nn modules, one token fed at a time."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from model.config import ExplorerConfig
from model.errors import ConfigError
from model.training.config import TrainConfig
from model.training.generate import MAX_GENERATED, generate
from model.training.run import train_to_end

MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
CASES = {
    "hihello-logits": (ExplorerConfig(sequences=("hihello",), hidden_size=5), TrainConfig()),
    "longseq-like-linear-2-layers": (
        ExplorerConfig(sequences=("if you want to build a ship",), hidden_size=12,
                       num_layers=2, window=6, cell="lstm"),
        TrainConfig(head="linear", steps=60, lab_seed=True),
    ),
    "words-embedding-seq-first": (
        ExplorerConfig(sequences=("the cat sat on the mat",), tokens="words", cell="gru",
                       encoding="embedding", input_size=4, hidden_size=6, batch_first=False),
        TrainConfig(head="linear", steps=40),
    ),
}  # fmt: skip


def plain_generation(config, weights, vocab, prompt, length, temperature, seed):
    """Feed the prompt token by token, then the picks: the lab's generation loop."""
    extra = {"nonlinearity": config.nonlinearity} if config.cell == "rnn" else {}
    rnn = MODULES[config.cell](
        config.input_size if config.encoding == "embedding" else len(vocab),
        config.hidden_size, num_layers=config.num_layers, batch_first=True, **extra,
    )  # fmt: skip
    rnn.load_state_dict({k[4:]: v for k, v in weights.items() if k.startswith("rnn.")})
    fc = None
    if "head.weight" in weights:
        fc = torch.nn.Linear(config.hidden_size, len(vocab))
        fc.load_state_dict({"weight": weights["head.weight"], "bias": weights["head.bias"]})
    embedding = None
    if "embedding.weight" in weights:
        embedding = torch.nn.Embedding.from_pretrained(weights["embedding.weight"])
    generator = torch.Generator().manual_seed(seed)
    tokens, state, states = list(prompt), None, []
    feed = [vocab.index(t) for t in prompt]
    with torch.no_grad():
        for index in feed[:-1]:  # the prompt, one token at a time
            out, state = rnn(_x(index, vocab, embedding), state)
            states.append(out[0, -1])
        index = feed[-1]
        for _ in range(length):
            out, state = rnn(_x(index, vocab, embedding), state)
            states.append(out[0, -1])
            logits = out[0, -1] if fc is None else fc(out[0, -1])
            if temperature == 0:
                index = int(torch.argmax(logits))
            else:
                index = int(torch.multinomial(torch.softmax(logits / temperature, -1), 1,
                                              generator=generator))  # fmt: skip
            tokens.append(vocab[index])
        out, state = rnn(_x(index, vocab, embedding), state)
        states.append(out[0, -1])
    return tokens, torch.stack(states).numpy()


def _x(index, vocab, embedding):
    if embedding is not None:
        return embedding(torch.tensor([[index]]))
    return torch.nn.functional.one_hot(torch.tensor([[index]]), len(vocab)).float()


@pytest.fixture(scope="module")
def trained():
    return {name: train_to_end(*case) for name, case in CASES.items()}


@pytest.mark.parametrize("temperature", [0.0, 0.8])
@pytest.mark.parametrize("name", CASES)
def test_generation_is_the_plain_loop(name, temperature, trained):
    config, train_config = CASES[name]
    result = trained[name]
    vocab = list(result.data.encoded.vocab)
    prompt = list(result.data.encoded.token_lines[0][:2])
    text = " ".join(prompt) if config.tokens == "words" else "".join(prompt)
    seen = generate(config, train_config, result.weights, text, 12, temperature, seed=3)
    tokens, states = plain_generation(config, result.weights, vocab, prompt, 12, temperature, 3)
    assert list(seen.tokens) == tokens
    assert seen.prompt_length == 2 and seen.hidden.shape == (14, config.hidden_size)
    np.testing.assert_allclose(seen.hidden, states, rtol=0, atol=1e-5)
    assert ((seen.chosen_probability > 0) & (seen.chosen_probability <= 1)).all()


def test_greedy_generation_from_the_lab_prompt_continues_as_trained(trained):
    config, train_config = CASES["hihello-logits"]
    result = trained["hihello-logits"]
    seen = generate(config, train_config, result.weights, "h", 5)
    # hihello's model, asked after "h", writes what it predicts for "hihell" at step 100
    assert seen.tokens[1] == result.predictions[100][0][0]


@pytest.mark.parametrize(
    "changes, key",
    [({"prompt": ""}, "err_generate_prompt"), ({"prompt": "hz"}, "err_generate_unknown"),
     ({"length": 0}, "err_generate_length"), ({"length": MAX_GENERATED + 1}, "err_generate_length"),
     ({"temperature": -1.0}, "err_generate_temperature"),
     ({"temperature": float("nan")}, "err_generate_temperature")],
)  # fmt: skip
def test_bad_requests_are_refused_with_a_sentence(changes, key, trained):
    config, train_config = CASES["hihello-logits"]
    request = {"prompt": "hi", "length": 5, "temperature": 0.0, **changes}
    with pytest.raises(ConfigError) as caught:
        generate(config, train_config, trained["hihello-logits"].weights, **request)
    assert caught.value.key == key


def test_numbers_and_two_directions_cannot_generate():
    numbers = ExplorerConfig(sequences=("1, 2, 3, 4",), tokens="numbers")
    result = train_to_end(numbers, TrainConfig(steps=2))
    with pytest.raises(ConfigError, match="tokens"):
        generate(numbers, TrainConfig(steps=2), result.weights, "1", 3)
    both = ExplorerConfig(sequences=("hello",), bidirectional=True, hidden_size=3)
    trained_both = train_to_end(both, TrainConfig(head="linear", steps=2))
    with pytest.raises(ConfigError, match="bidirectional"):
        generate(both, TrainConfig(head="linear", steps=2), trained_both.weights, "h", 3)
