"""Generate: a trained next-token model writes from a prompt, greedily or with a
temperature; the text and the hidden state at every token, prompt and written alike."""

from __future__ import annotations

import streamlit as st

from components.charting import chart
from components.figures.generate import generated_spec
from components.figures.parts import visible_token
from components.i18n import error_text, t
from components.training.state import Trained, kept_for, train_key
from model.errors import ConfigError
from model.training.generate import MAX_GENERATED, MAX_TEMPERATURE, generate

PROMPT_TOKENS = 3  # the prompt offered first: the training text's first tokens


def render_generate(trained: Trained, step: int | None, prefix: str, lang: str) -> None:
    config = trained.config
    st.markdown("**" + t("generate_title", lang) + "**")
    if config.bidirectional:
        st.caption(t("generate_bidirectional", lang))
        return
    first = trained.result.data.encoded.token_lines[0][:PROMPT_TOKENS]
    joiner = "" if config.tokens == "chars" else " "
    st.session_state.setdefault(train_key(prefix, "prompt"), joiner.join(first))
    with st.form(train_key(prefix, "generate_form"), border=False):
        columns = st.columns([4, 2, 3, 2], vertical_alignment="bottom")
        columns[0].text_input(t("generate_prompt", lang), key=train_key(prefix, "prompt"),
                              max_chars=400)  # fmt: skip
        columns[1].number_input(
            t("generate_length", lang), 1, MAX_GENERATED, 60 if joiner == "" else 20,
            key=train_key(prefix, "generate_length"),
        )  # fmt: skip
        columns[2].slider(
            t("generate_temperature", lang), 0.0, MAX_TEMPERATURE, 0.0, step=0.1,
            key=train_key(prefix, "temperature"), help=t("generate_temperature_help", lang),
        )  # fmt: skip
        columns[3].number_input(t("generate_seed", lang), 0, 2**31 - 1, 0,
                                key=train_key(prefix, "generate_seed"))  # fmt: skip
        asked = st.form_submit_button(t("generate_start", lang))
    kept = kept_for(prefix)
    if asked:
        state = st.session_state
        try:
            kept["generated"] = generate(
                config, trained.train_config, trained.weights_at(step),
                state[train_key(prefix, "prompt")],
                int(state[train_key(prefix, "generate_length")]),
                float(state[train_key(prefix, "temperature")]),
                int(state[train_key(prefix, "generate_seed")]),
            )  # fmt: skip
            kept["generated_for"] = (id(trained), step)
        except ConfigError as error:
            st.error(error_text(error, lang), icon="🛑")
            kept.pop("generated", None)
    generated = kept.get("generated")
    if generated is None or kept.get("generated_for") != (id(trained), step):
        return
    shown = [visible_token(token) if token in ("\n", "\t") else token for token in generated.tokens]
    prompt = joiner.join(shown[: generated.prompt_length])
    written = joiner.join(shown[generated.prompt_length :])
    st.code(prompt + joiner + "▸" + joiner + written, language=None, wrap_lines=True)
    chart(generated_spec(generated, lang), "generated", "generated_chart")
