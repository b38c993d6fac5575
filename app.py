"""Hidden-State Explorer: `streamlit run app.py`. Wiring only; no maths here.

The page, top to bottom: the title, the view choices, the hidden state over time beside
its path in state space with the time control (the first screen, on a projector too),
the shapes and the batch_first pitfall in a line, training, then the lesson tabs.
"""

import streamlit as st
import torch

from components import main_view
from components.i18n import t
from components.lessons import follows_cursor, render_lessons
from components.lessons.shapes import render_shapes
from components.lessons.view import LessonView, lesson_values, seed_lessons
from components.page import page_style
from components.scene import safe_scene
from components.settings import LESSON_SETTINGS
from components.sidebar.controls import render_controls, seed_widgets
from components.sidebar.display import (
    language,
    presenting,
    render_display_settings,
    seed_display,
    view_settings,
)
from components.sidebar.limits import render_limits
from components.training.form import render_training
from components.training.result import chart_context, render_step_chooser
from components.training.state import form_values, seed_training, training_values
from components.urlstate import (
    parse_lessons,
    parse_query,
    parse_trained,
    parse_training,
    parse_view,
    to_query,
)
from model.presets import PRESET_TRAINING
from model.training.config import TrainConfig

PREFIX = "main"
torch.set_num_threads(1)  # small models on a shared 2-core server: see bench/tracer.py

if "notices" not in st.session_state:  # first run of this session: the URL decides
    query = {name: st.query_params.get_all(name) for name in st.query_params}
    config, preset, notices = parse_query(query)
    view, view_notices = parse_view(query)
    training, training_notices = parse_training(query)
    lessons, lesson_notices = parse_lessons(query)
    notices += view_notices + training_notices + lesson_notices + parse_trained(query)
    st.session_state.notices = notices
    seed_lessons(lessons)
    seed_widgets(PREFIX, config, preset)
    seed_training(PREFIX, {**form_values(PRESET_TRAINING.get(preset, TrainConfig())), **training})
    seed_display(view)
LANG = language()

st.set_page_config(page_title=t("page_title", LANG), page_icon="🔁", layout="wide")
st.html(page_style(presenting(), LANG))

with st.sidebar:
    render_display_settings(LANG)
    config, error = render_controls(PREFIX, LANG, compact=presenting())
    render_limits(LANG)

st.title(t("app_title", LANG))
if not presenting():
    st.caption(t("app_caption", LANG))
with st.container(key="notes"):  # always there: a note that comes and goes shifts nothing
    main_view.render_notices(st.session_state.notices, LANG)
    main_view.render_scene_note(LANG)
main = st.container()  # the first screen; filled once the scene (trained or not) is known
below = st.container()

scene = shown = None
if config is not None:
    shown = render_training(config, PREFIX, LANG)
    scene, error = safe_scene(config, shown, LANG)
if scene is None:
    main_view.render_error(error or "", LANG)
    st.stop()

lessons = lesson_values(s.field for s in LESSON_SETTINGS)
st.query_params.from_dict(
    to_query(config, view_settings(), training_values(PREFIX), form_values(TrainConfig()), lessons,
             trained=shown is not None)
)  # fmt: skip
trace = scene.trace
when, unit_labels = chart_context(shown, trace.encoded.vocab, trace.hidden.shape[-1], LANG)
with main:
    seq, layer, direction, units, fitted = main_view.render_selection(trace, PREFIX, LANG)
    render_step_chooser(shown, PREFIX, LANG)  # the trained weights shown, beside the charts
    step = main_view.render_timeline(
        trace, (seq, layer, direction), units, LANG, fitted=fitted, big=presenting(),
        report=follows_cursor(), unit_labels=unit_labels, when=when,
    )  # fmt: skip
with below:
    render_shapes(trace, PREFIX, LANG)
render_lessons(LessonView(scene, seq, layer, direction, tuple(units), LANG, step, when))
main_view.render_check(trace, LANG)
