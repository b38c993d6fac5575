"""The "Same token, different state" lesson: a repeated token's states and how far apart
they are, in a sentence, a chart and a table.

Numbers come from `model.lessons.repeats`; user text reaches the page as Plotly labels,
dataframe cells and Markdown code spans (`quoted`), never as HTML.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.charting import built_once, chart
from components.figures.names import png_filename
from components.figures.parts import visible_token
from components.figures.repeats import MAX_MATRIX_STEPS, repeats_spec
from components.i18n import t
from components.lessons.view import LessonView, keep, restore
from model.errors import quoted
from model.lessons.repeats import Repeat, RepeatsReport, find_repeats, sequences_with_repeats
from model.trace import Trace

REPEATS_CHART = "repeats_chart"
TOKEN_KEY = "repeats_token"
MAX_STEPS_LISTED = 12  # steps written out in a sentence or a table cell
DIGITS = 3
SAME_STATE = 1e-6  # states closer than this are called identical (float precision)


def render(view: LessonView) -> None:
    trace, seq, layer, direction, lang = (
        view.trace, view.seq, view.layer, view.direction, view.lang
    )  # fmt: skip
    report = built_once(
        "repeats_report", trace, (seq, layer, direction),
        lambda: find_repeats(trace, seq, layer, direction),
    )  # fmt: skip
    st.caption(t("repeats_caption", lang, hidden=trace.hidden.shape[-1]))
    if not report.repeats:
        _no_repeats(trace, seq, lang)
        return
    repeat = _chosen_repeat(report, lang)
    _sentence(repeat, report, lang)
    spec = built_once(
        "repeats", trace, (seq, layer, direction, repeat.token, lang),
        lambda: repeats_spec(trace, seq, layer, direction, report, repeat.token, lang),
    )  # fmt: skip
    chart(spec, png_filename("same-token", trace, seq, layer, direction), REPEATS_CHART)
    if trace.hidden.shape[3] > MAX_MATRIX_STEPS:
        st.caption(t("repeats_no_matrix", lang, most=MAX_MATRIX_STEPS))
    _repeats_table(report, lang)


def _no_repeats(trace: Trace, seq: int, lang: str) -> None:
    st.info(t("repeats_none", lang, number=seq + 1), icon="🔁")
    others = [n + 1 for n in sequences_with_repeats(trace)]
    if others:
        numbers = ", ".join(str(n) for n in others[:MAX_STEPS_LISTED])
        st.markdown(t("repeats_others", lang, numbers=numbers, label=t("select_sequence", lang)))
    st.markdown(t("repeats_try_hello", lang, preset=t("preset_hello", lang)))


def _chosen_repeat(report: RepeatsReport, lang: str) -> Repeat:
    """The token the chart and the sentence are about: most frequent first."""
    by_count = sorted(report.repeats, key=lambda r: -len(r.steps))
    options = [r.token for r in by_count]
    restore(TOKEN_KEY, options, options[0])
    token = st.selectbox(
        t("repeats_token", lang), options, key=TOKEN_KEY,
        format_func=lambda tok: f"{visible_token(tok)}  ×{len(report.find(tok).steps)}",
    )  # fmt: skip
    keep(TOKEN_KEY)
    return report.find(token)


def _number(value: float) -> str:
    return f"{value:.{DIGITS}f}"


def _steps_text(steps: tuple[int, ...]) -> str:
    shown = ", ".join(str(s) for s in steps[:MAX_STEPS_LISTED])
    return shown + (", …" if len(steps) > MAX_STEPS_LISTED else "")


def _sentence(repeat: Repeat, report: RepeatsReport, lang: str) -> None:
    token = quoted(visible_token(repeat.token))
    typical = _number(report.typical_distance)
    if len(repeat.steps) == 2:
        first, second = repeat.steps
        text = t("repeats_sentence_two", lang, token=token, first=first, second=second,
                 distance=_number(repeat.mean_distance), typical=typical)  # fmt: skip
    else:
        text = t(
            "repeats_sentence_many", lang, count=len(repeat.steps), token=token,
            steps=_steps_text(repeat.steps), distance=_number(repeat.mean_distance),
            closest=_number(repeat.closest[2]), farthest=_number(repeat.farthest[2]),
            typical=typical,
        )  # fmt: skip
    if repeat.farthest[2] < SAME_STATE:
        verdict = "repeats_same"
    elif repeat.mean_distance < report.typical_distance:
        verdict = "repeats_closer"
    else:
        verdict = "repeats_farther"
    st.markdown(text + " " + t(verdict, lang))


def _repeats_table(report: RepeatsReport, lang: str) -> None:
    def pair(found: tuple[int, int, float]) -> str:
        return f"{found[0]}–{found[1]}: {_number(found[2])}"

    rows = [
        {
            t("repeats_col_token", lang): visible_token(r.token),
            t("repeats_col_count", lang): len(r.steps),
            t("repeats_col_steps", lang): _steps_text(r.steps),
            t("repeats_col_mean", lang): round(r.mean_distance, DIGITS),
            t("repeats_col_closest", lang): pair(r.closest),
            t("repeats_col_farthest", lang): pair(r.farthest),
            t("repeats_col_cosine", lang): round(r.mean_cosine, DIGITS),
        }
        for r in sorted(report.repeats, key=lambda r: -len(r.steps))
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="content")
    st.caption(t("repeats_table_caption", lang, typical=_number(report.typical_distance)))
