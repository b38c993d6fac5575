"""The "Encoder–decoder" lesson: the course's seq2seq lab (RNN/6-seq2seq) trained live on
the user's sentence pairs, what the lab prints, and one translation's hidden states.

The lesson has its own input (a form: pairs, cell, sizes, seed), independent of the
scene above. A run takes a core from the server's queue like the main training, redraws
its progress, and any click stops it (what ran is kept). The trained model lives in this
browser session only (`st.session_state`); every number on screen is PyTorch's.
"""

from __future__ import annotations

import streamlit as st

from components.charting import chart
from components.figures.parts import CELL_NAMES
from components.figures.seq2seq import loss_spec, states_spec
from components.i18n import error_text, t
from components.lessons.seq2seq_live import Kept, kept_runs, train_live
from components.lessons.view import KEPT, LessonView
from model.config import MAX_SEED
from model.errors import ConfigError, quoted
from model.lessons.seq2seq import (
    LAB_PAIRS_TEXT,
    LAB_PRINT_EVERY,
    Seq2SeqConfig,
    evaluate_lines,
    loss_lines,
    preprocess_lines,
    read_corpus,
)
from model.lessons.seq2seq_data import (
    MAX_S2S_HIDDEN,
    MAX_S2S_PAIRS,
    MAX_S2S_STEPS,
    MAX_S2S_TEXT_CHARS,
    S2S_CELLS,
)
from model.training.config import MAX_LEARNING_RATE, MIN_LEARNING_RATE

FINISH_WAIT_SECONDS = 5.0  # a new render waits at most this long for a stopped run's weights
DEFAULTS = {"s2s_pairs": LAB_PAIRS_TEXT, "s2s_cell": "gru", "s2s_hidden": 16,
            "s2s_steps": 5000, "s2s_lr": 0.01, "s2s_seed": 0}  # fmt: skip
VALID = {
    "s2s_pairs": lambda v: isinstance(v, str) and len(v) <= MAX_S2S_TEXT_CHARS,
    "s2s_cell": lambda v: v in S2S_CELLS,
    "s2s_hidden": lambda v: isinstance(v, int) and 1 <= v <= MAX_S2S_HIDDEN,
    "s2s_steps": lambda v: isinstance(v, int) and 1 <= v <= MAX_S2S_STEPS,
    "s2s_lr": lambda v: isinstance(v, float) and MIN_LEARNING_RATE <= v <= MAX_LEARNING_RATE,
    "s2s_seed": lambda v: isinstance(v, int) and 0 <= v <= MAX_SEED,
}
PAIR_KEY, WHICH_KEY = "s2s_pair", "s2s_which"


def _restore() -> None:
    """Before the form is drawn: each widget's last value (kept while the lesson was closed),
    or its default."""
    state = st.session_state
    for key, default in DEFAULTS.items():
        if key not in state and KEPT + key in state:
            state[key] = state[KEPT + key]
        if not VALID[key](state.get(key)):
            state[key] = default


def _keep(*keys: str) -> None:
    for key in keys:
        st.session_state[KEPT + key] = st.session_state[key]


def render(view: LessonView) -> None:
    lang = view.lang
    st.caption(t("s2s_intro", lang))
    kept = kept_runs()
    if (running := kept.get("running")) is not None:  # a click stopped a run just now
        running.wait(FINISH_WAIT_SECONDS)
    _restore()
    start = _form(lang)
    _keep(*DEFAULTS)
    config, read = _settings(lang)
    if start and config is not None:
        train_live(config, read, lang)
    trained: Kept | None = kept.get("model")
    if trained is None:
        st.info(t("s2s_not_trained", lang), icon="💡")
        return
    if config is not None and trained.config != config:
        st.caption(t("s2s_other_settings", lang))
    _render_result(trained, lang)


def _form(lang: str) -> bool:
    """The lesson's own input and the Train button; True when it was pressed."""
    with st.form("s2s_form", border=False):
        st.text_area(t("s2s_pairs", lang), key="s2s_pairs", height=150,
                     max_chars=MAX_S2S_TEXT_CHARS,
                     help=t("s2s_pairs_help", lang, most=MAX_S2S_PAIRS))  # fmt: skip
        columns = st.columns([3, 2, 2, 2, 2])
        columns[0].radio(t("s2s_cell", lang), S2S_CELLS, key="s2s_cell", horizontal=True,
                         format_func=CELL_NAMES.get)  # fmt: skip
        columns[1].number_input(t("s2s_hidden", lang), 1, MAX_S2S_HIDDEN, key="s2s_hidden",
                                help=t("s2s_hidden_help", lang))  # fmt: skip
        columns[2].number_input(t("s2s_steps", lang), 1, MAX_S2S_STEPS, step=500,
                                key="s2s_steps", help=t("s2s_steps_help", lang))  # fmt: skip
        columns[3].number_input(t("s2s_lr", lang), MIN_LEARNING_RATE, MAX_LEARNING_RATE,
                                key="s2s_lr", format="%g", step=0.005,
                                help=t("s2s_lr_help", lang))  # fmt: skip
        columns[4].number_input(t("s2s_seed", lang), 0, MAX_SEED, key="s2s_seed")
        return st.form_submit_button(
            t("s2s_train", lang), type="primary", icon="▶️", key="s2s_train"
        )


def _settings(lang: str) -> tuple[Seq2SeqConfig | None, int]:
    """The form's values as a Seq2SeqConfig (and the pairs read before the lab's filter),
    or None with the reason shown."""
    state = st.session_state
    try:
        corpus = read_corpus(state["s2s_pairs"])
        config = Seq2SeqConfig(
            corpus.pairs, cell=state["s2s_cell"], hidden_size=int(state["s2s_hidden"]),
            steps=int(state["s2s_steps"]), learning_rate=float(state["s2s_lr"]),
            seed=int(state["s2s_seed"]),
        )  # fmt: skip
    except ConfigError as error:
        st.error(f"**{t('s2s_cannot', lang)}** {error_text(error, lang)}", icon="🛑")
        return None, 0
    if corpus.dropped:
        lines = ", ".join(str(line) for line in corpus.dropped[:10])
        lines += " …" if len(corpus.dropped) > 10 else ""
        st.caption(t("s2s_dropped", lang, count=len(corpus.dropped), lines=lines))
    return config, corpus.read


def _render_result(trained: Kept, lang: str) -> None:
    result, config = trained.result, trained.result.config
    st.markdown("**" + t("s2s_result_title", lang, cell=CELL_NAMES[config.cell],
                         iterations=result.iterations, pairs=len(config.pairs)) + "**")  # fmt: skip
    if result.reason is not None:
        key, fields = result.reason
        text = (t("s2s_diverged", lang, **fields) if key == "s2s_diverged"
                else t("s2s_timed_out", lang, **fields))  # fmt: skip
        st.warning(text, icon="⚠️")
    translations = trained.translations()
    exact = sum(tr.predicted[:-1] == tuple(p[1].split(" ")) for tr, p in
                zip(translations, config.pairs, strict=True))  # fmt: skip
    every = min(LAB_PRINT_EVERY, max(1, config.steps // 5))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        chart(loss_spec(result.losses, lang), "seq2seq-loss", "s2s_loss_chart")
    with right:
        st.caption(t("s2s_printout", lang, every=every))
        printed = preprocess_lines(config, trained.read) + [str(list(result.sample_pair))]
        printed += loss_lines(result.losses, config.steps, every)
        st.code("\n".join(printed), language=None, wrap_lines=True)
    st.markdown(t("s2s_translations", lang, exact=exact, pairs=len(config.pairs)))
    st.code("\n".join(evaluate_lines(config.pairs, translations)), language=None, height=260,
            wrap_lines=True)  # fmt: skip
    _render_states(trained, translations, lang)


def _render_states(trained: Kept, translations, lang: str) -> None:
    config = trained.result.config
    pairs = config.pairs
    if st.session_state.get(PAIR_KEY) not in range(len(pairs)):
        st.session_state[PAIR_KEY] = st.session_state.get(KEPT + PAIR_KEY, 0)
        if st.session_state[PAIR_KEY] not in range(len(pairs)):
            st.session_state[PAIR_KEY] = 0
    choice = st.selectbox(t("s2s_choose_pair", lang), range(len(pairs)), key=PAIR_KEY,
                          format_func=lambda i: f"{pairs[i][0]}  →  {pairs[i][1]}")  # fmt: skip
    _keep(PAIR_KEY)
    which = "h"
    if config.cell == "lstm":
        if st.session_state.get(WHICH_KEY) not in ("h", "c"):
            st.session_state[WHICH_KEY] = st.session_state.get(KEPT + WHICH_KEY, "h")
        names = {"h": t("s2s_which_h", lang), "c": t("s2s_which_c", lang)}
        which = st.radio(t("s2s_which", lang), ("h", "c"), key=WHICH_KEY, horizontal=True,
                         format_func=names.get)  # fmt: skip
        _keep(WHICH_KEY)
    translation = translations[choice]
    source, target = pairs[choice]
    st.markdown(t("s2s_states_caption", lang, source=quoted(source, 80),
                  predicted=quoted(translation.sentence, 80), target=quoted(target, 80),
                  steps=len(translation.source_words),
                  written=len(translation.predicted)))  # fmt: skip
    spec = states_spec(translation, config.cell, lang, which)
    chart(spec, f"seq2seq-states_{config.cell}_pair{choice + 1}", "s2s_states_chart")
    st.caption(t("s2s_states_explain", lang))
