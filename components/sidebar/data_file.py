"""Bring a file: a text (its characters become the text box's lines) or a CSV read as a
series (model.series), with the choices of the timeseries lab: the columns fed in, the
column predicted, time order, the training part's share and the scaling. The table lives
in this browser session only; a link cannot carry it, and the page says so.
"""

from __future__ import annotations

import streamlit as st

from components.i18n import error_text, t
from components.settings import widget_key
from model.config import MAX_TEXT_CHARS
from model.errors import ConfigError
from model.presets import preset_with_table
from model.series import MAX_SPLIT, MIN_SPLIT, SCALINGS, SeriesData
from model.upload import MAX_UPLOAD_BYTES, read_table, read_text

TABLE_SUFFIXES = (".csv", ".tsv")
SERIES_WINDOW = 7  # the window a CSV starts with: the timeseries lab's seq_length


def file_key(prefix: str, name: str) -> str:
    return f"{prefix}_file_{name}"


def render_data_file(prefix: str, lang: str) -> None:
    """The uploader, what went wrong with the last file, and the series' choices."""
    st.file_uploader(
        t("data_file", lang), type=["txt", "csv", "tsv"], key=file_key(prefix, "upload"),
        on_change=_read_file, args=(prefix,), max_upload_size=MAX_UPLOAD_BYTES // 2**20,
        help=t("data_file_help", lang, mb=MAX_UPLOAD_BYTES // 2**20, chars=MAX_TEXT_CHARS),
    )  # fmt: skip
    problem = st.session_state.get(file_key(prefix, "problem"))
    if problem is not None:
        st.error(f"**{t('data_file_bad', lang)}** {error_text(problem, lang)}", icon="🛑")
    table = st.session_state.get(file_key(prefix, "table"))
    if table is None:
        return
    st.caption(t("data_file_table", lang, rows=table.rows, columns=len(table.columns)))
    columns = list(range(len(table.columns)))
    st.multiselect(
        t("series_features", lang), columns, key=file_key(prefix, "features"),
        format_func=lambda c: table.columns[c], help=t("series_features_help", lang),
    )  # fmt: skip
    st.selectbox(
        t("series_target", lang), columns, key=file_key(prefix, "target"),
        format_func=lambda c: table.columns[c],
    )  # fmt: skip
    st.toggle(
        t("series_newest_first", lang), key=file_key(prefix, "newest_first"),
        help=t("series_newest_first_help", lang),
    )  # fmt: skip
    st.slider(
        t("series_split", lang), MIN_SPLIT, MAX_SPLIT, step=0.05, key=file_key(prefix, "split"),
        help=t("series_split_help", lang),
    )  # fmt: skip
    st.radio(
        t("series_scaling", lang), SCALINGS, key=file_key(prefix, "scaling"),
        format_func=lambda v: t("series_scaling_" + v, lang), help=t("series_scaling_help", lang),
    )  # fmt: skip
    st.button(t("series_drop", lang), on_click=drop_table, args=(prefix,))
    made_up = preset_with_table(table) is not None
    st.caption(t("series_made_up" if made_up else "series_not_in_link", lang))


def series_from_state(prefix: str) -> SeriesData | None:
    """The chosen series (ConfigError for bad choices), or None without a table."""
    state = st.session_state
    table = state.get(file_key(prefix, "table"))
    if table is None:
        return None
    return SeriesData(
        table,
        features=tuple(sorted(state[file_key(prefix, "features")])),
        target=state[file_key(prefix, "target")],
        newest_first=bool(state[file_key(prefix, "newest_first")]),
        split=float(state[file_key(prefix, "split")]),
        scaling=state[file_key(prefix, "scaling")],
    )


def seed_series(prefix: str, series: SeriesData | None) -> None:
    """Put a config's series (a preset's made-up file) into the controls, or none."""
    state = st.session_state
    state.pop(file_key(prefix, "before"), None)
    state[file_key(prefix, "table")] = None if series is None else series.table
    if series is not None:
        state[file_key(prefix, "features")] = list(series.features)
        state[file_key(prefix, "target")] = series.target
        state[file_key(prefix, "newest_first")] = series.newest_first
        state[file_key(prefix, "split")] = series.split
        state[file_key(prefix, "scaling")] = series.scaling


def _read_file(prefix: str) -> None:
    """Uploader callback (before the script runs, so it may set the widgets' state)."""
    state = st.session_state
    upload = state.get(file_key(prefix, "upload"))
    state[file_key(prefix, "problem")] = None
    if upload is None:
        return
    try:
        data, name = upload.getvalue(), upload.name
        if name.lower().endswith(TABLE_SUFFIXES):
            _use_table(prefix, read_table(data, name))
        else:
            _use_text(prefix, read_text(data, name))
    except ConfigError as error:
        state[file_key(prefix, "problem")] = error


def _use_table(prefix: str, table) -> None:
    state = st.session_state
    if state.get(file_key(prefix, "table")) is None:  # what "use the typed text" restores
        before = {name: state[widget_key(prefix, name)] for name in ("tokens", "window")}
        state[file_key(prefix, "before")] = before
    state[file_key(prefix, "table")] = table
    state[file_key(prefix, "features")] = list(range(len(table.columns)))
    state[file_key(prefix, "target")] = len(table.columns) - 1
    state[file_key(prefix, "newest_first")] = False
    state[file_key(prefix, "split")] = 0.7
    state[file_key(prefix, "scaling")] = "parts"
    state[widget_key(prefix, "tokens")] = "numbers"
    if not state[widget_key(prefix, "window")]:
        state[widget_key(prefix, "window")] = SERIES_WINDOW
    state[widget_key(prefix, "preset")] = "custom"


def _use_text(prefix: str, text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise ConfigError(
            f"The text is too long: at most {MAX_TEXT_CHARS:,} characters in all.",
            "err_text_too_long",
            limit=MAX_TEXT_CHARS,
        )
    state = st.session_state
    drop_table(prefix)
    state[widget_key(prefix, "sequences")] = text
    if state[widget_key(prefix, "tokens")] == "numbers":  # a text is read by its characters
        state[widget_key(prefix, "tokens")] = "chars"
    state[widget_key(prefix, "preset")] = "custom"


def drop_table(prefix: str) -> None:
    """Back to the typed text, with the tokens and window it had before the table."""
    state = st.session_state
    state[file_key(prefix, "table")] = None
    for name, value in (state.pop(file_key(prefix, "before"), None) or {}).items():
        state[widget_key(prefix, name)] = value
