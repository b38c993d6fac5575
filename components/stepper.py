"""The time control under the main chart: ◀ step, ▶ play / ❚❚ pause, step ▶, a slider
over the tokens and the current step in large type. It moves the time cursor of every
chart on the page in the browser, so the hidden-state and gates charts move together and
nothing reaches the server (unless `report` is on: then the chosen step is sent, at most
every REPORT_MS, for a lesson that follows the cursor).

How the cursor moves: a chart built with `components.figures.cursor` carries its
per-step positions in `layout.meta.hse` and names its cursor shapes and labels; this
script relayouts only those (no Plotly frames: a chart redrawn by fullscreen or by a new
scene keeps no frames, but it keeps its meta). A check every CHECK_MS puts every chart's
cursor back on the page's step, so a redrawn chart (fullscreen, a cell switch, another
sequence) shows the same step, clamped to its length.

Keys: ← → step, space plays or pauses, unless the user is typing (text, numbers, a
select box). A radio button, tab or switch focused by a mouse click does not keep the
arrows: they still step (a keyboard user who tabbed to it keeps the native behaviour).
Touch screens: the buttons are large and a horizontal swipe over a chart steps; the
keyboard hint is shown only where there is a fine pointer.

The JavaScript is fixed text: no user input goes into it. Words and token labels come
as `data` and are set as textContent (never as HTML).
"""

from __future__ import annotations

import streamlit as st
from streamlit.components.v2 import component

from components.i18n import t

KEY = "time_stepper"  # the component's key
STEP_KEY = "time_step"  # the step the browser last reported (kept by _keep_step)
BIG_READOUT_PX = 44  # presenter mode: the current step ("l · 2") in large type

HTML = """
<div class="hse-stepper" role="group">
  <div class="hse-buttons">
    <button type="button" data-act="prev" data-word="previous"></button>
    <button type="button" data-act="play" class="hse-play"></button>
    <button type="button" data-act="next" data-word="next"></button>
  </div>
  <input type="range" class="hse-own" min="0" max="0" step="1" value="0">
  <span class="hse-readout" aria-live="polite"></span>
  <span class="hse-hint"></span>
</div>
"""

CSS = """
.hse-stepper { display: flex; flex-wrap: wrap; gap: 0.4rem 0.9rem; align-items: center;
  font-family: var(--st-font, sans-serif); color: var(--st-text-color, #1f2937); }
.hse-buttons { display: flex; gap: 0.4rem; }
.hse-stepper button { font: inherit; font-size: 1rem; min-height: 2.6rem; min-width: 2.6rem;
  padding: 0.3rem 0.6rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.3); background: white; color: inherit; }
.hse-stepper button:hover { border-color: #ff4b4b; color: #ff4b4b; }
.hse-play { min-width: 6rem; }
.hse-stepper input[type=range] { flex: 1 1 6rem; min-width: 5rem; height: 2.2rem;
  accent-color: #ff4b4b; cursor: pointer; }
.hse-readout { font-size: 1.6rem; font-weight: 600; min-width: 5ch; white-space: pre; }
.hse-hint { color: #6b7280; font-size: 0.85rem; flex-basis: 100%; }
.hse-big .hse-readout { font-size: BIG_READOUT_PXpx; }
.hse-big button { font-size: 1.15rem; min-height: 3rem; }
"""

JS = """
const CHECK_MS = 250;
const PLAY_MS = 650;
const REPORT_MS = 350;

function hse() {
  if (!window.__hse) {
    window.__hse = {
      step: 0, steps: 1, playing: null, pointer: false, views: new Set(), report: null,
    };
  }
  return window.__hse;
}

function timeCharts() {
  return Array.from(document.querySelectorAll(".js-plotly-plot")).filter(
    (gd) => gd.layout && gd.layout.meta && gd.layout.meta.hse && gd._fullLayout
  );
}

function named(list, name) {
  const found = [];
  (list || []).forEach((item, index) => { if (item && item.name === name) found.push(index); });
  return found;
}

function shownStep(gd) {
  const cursors = named(gd.layout.shapes, "hse_cursor");
  if (cursors.length) return gd.layout.shapes[cursors[0]].x0;
  return gd.__hseShown;
}

function place(gd, wanted) {
  const meta = gd.layout.meta.hse;
  const t = Math.max(0, Math.min(meta.steps - 1, wanted));
  if (shownStep(gd) === t && gd.__hseShown === t) return;
  const update = {};
  named(gd.layout.shapes, "hse_cursor").forEach((i) => {
    update[`shapes[${i}].x0`] = t;
    update[`shapes[${i}].x1`] = t;
  });
  const point = meta.point;
  if (point) {
    const ok = point.x[t] !== null && point.y[t] !== null;
    named(gd.layout.shapes, "hse_point").forEach((i) => {
      update[`shapes[${i}].visible`] = ok;
      if (ok) {
        update[`shapes[${i}].xanchor`] = point.x[t];
        update[`shapes[${i}].yanchor`] = point.y[t];
      }
    });
    named(gd.layout.annotations, "hse_point_label").forEach((i) => {
      update[`annotations[${i}].visible`] = ok;
      if (ok) {
        update[`annotations[${i}].x`] = point.x[t];
        update[`annotations[${i}].y`] = point.y[t];
        update[`annotations[${i}].text`] = point.text[t];
      }
    });
  }
  (meta.window_axes || []).forEach((axis) => {
    const range = gd.layout[axis] && gd.layout[axis].range;
    if (!range) return;
    const width = range[1] - range[0];
    if (t < range[0] + 0.5 || t > range[1] - 0.5) {
      const low = Math.max(-0.5, Math.min(meta.steps - 0.5 - width, t - width / 2));
      update[`${axis}.range`] = [low, low + width];
    }
  });
  gd.__hseShown = t;
  window.Plotly.relayout(gd, update);
  const scene = meta.scene_point;
  if (scene) {
    const ok = scene.x[t] !== null;
    window.Plotly.restyle(gd, {
      x: [[ok ? scene.x[t] : null]],
      y: [[ok ? scene.y[t] : null]],
      z: [[ok ? scene.z[t] : null]],
      text: [[ok ? scene.text[t] : ""]],
    }, [scene.trace]);
  }
}

function show(state) {
  for (const view of state.views) {
    const { slider, readout, play } = view;
    if (slider) { slider.max = String(state.steps - 1); slider.value = String(state.step); }
    if (readout) readout.textContent = (state.labels && state.labels[state.step]) || "";
    if (play) play.textContent = state.playing ? view.words.pause : view.words.play;
  }
}

function go(step) {
  const state = hse();
  state.step = Math.max(0, Math.min(state.steps - 1, step));
  if (window.Plotly) for (const gd of timeCharts()) place(gd, state.step);
  show(state);
  if (state.report) state.report(state.step);
}

function stop() {
  const state = hse();
  if (state.playing) { clearInterval(state.playing); state.playing = null; }
  show(state);
}

function toggle() {
  const state = hse();
  if (state.playing) { stop(); return; }
  if (state.step >= state.steps - 1) go(0);
  state.playing = setInterval(() => {
    const s = hse();
    if (s.step >= s.steps - 1) { stop(); return; }
    go(s.step + 1);
  }, PLAY_MS);
  show(state);
}

function typing(target) {
  if (!target) return false;
  if (target.isContentEditable) return true;
  if (target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
  if (target.tagName === "INPUT") {
    const kind = (target.type || "text").toLowerCase();
    const own = target.classList.contains("hse-own");
    return own || !["radio", "checkbox", "button", "range"].includes(kind);
  }
  const role = target.getAttribute && target.getAttribute("role");
  return role === "combobox" || role === "slider" || role === "textbox" || role === "spinbutton";
}

function listenOnce() {
  const state = hse();
  if (state.listening) return;
  state.listening = true;
  document.addEventListener("pointerdown", () => { hse().pointer = true; }, true);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Tab") { hse().pointer = false; return; }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    const keys = { ArrowRight: 1, ArrowLeft: -1 };
    if (!(event.key in keys) && event.key !== " ") return;
    if (typing(target)) return;
    const onPage = !target || target === document.body || target === document.documentElement;
    const clicked = hse().pointer;  // focus came from a click, not from the keyboard
    if (!onPage && !clicked) return;
    if (event.key === " ") {
      if (!onPage) return;  // space on a focused button presses it
      toggle();
    } else {
      stop();
      go(hse().step + keys[event.key]);
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);
  let start = null;
  document.addEventListener("touchstart", (event) => {
    const chart = event.target.closest && event.target.closest("[data-testid=stPlotlyChart]");
    const one = chart && event.touches.length === 1;
    start = one ? [event.touches[0].clientX, event.touches[0].clientY] : null;
  }, { capture: true, passive: true });
  document.addEventListener("touchend", (event) => {
    if (!start || !event.changedTouches.length) return;
    const dx = event.changedTouches[0].clientX - start[0];
    const dy = event.changedTouches[0].clientY - start[1];
    start = null;
    if (Math.abs(dx) > 40 && Math.abs(dx) > 2 * Math.abs(dy)) {
      stop();
      go(hse().step + (dx < 0 ? 1 : -1));
    }
  }, { capture: true, passive: true });
  setInterval(() => {
    const s = hse();
    if (!window.Plotly) return;
    for (const gd of timeCharts()) {
      const wanted = Math.max(0, Math.min(gd.layout.meta.hse.steps - 1, s.step));
      if (shownStep(gd) !== wanted || gd.__hseShown !== wanted) place(gd, s.step);
    }
  }, CHECK_MS);
}

export default function (component) {
  const { parentElement, data, setStateValue } = component;
  const state = hse();
  const words = (data && data.words) || {};
  state.steps = Math.max(1, (data && data.steps) || 1);
  state.labels = (data && data.labels) || [];
  if (state.step > state.steps - 1) state.step = state.steps - 1;
  let timer = null;
  state.report = data && data.report ? (step) => {
    clearTimeout(timer);
    timer = setTimeout(() => setStateValue("step", step), REPORT_MS);
  } : null;
  // a lesson that follows the cursor just opened: tell it where the cursor is
  if (state.report && data.reported !== state.step) state.report(state.step);
  const root = parentElement.querySelector(".hse-stepper");
  root.classList.toggle("hse-big", Boolean(data && data.big));
  root.setAttribute("aria-label", words.group || "");
  root.querySelectorAll("[data-word]").forEach((element) => {
    element.textContent = words[element.dataset.word] || "";
  });
  const query = "(hover: hover) and (pointer: fine)";
  const fine = window.matchMedia && window.matchMedia(query).matches;
  const hint = root.querySelector(".hse-hint");
  hint.textContent = fine ? words.hint_keys || "" : words.hint_touch || "";
  const view = {
    slider: root.querySelector("input[type=range]"),
    readout: root.querySelector(".hse-readout"),
    play: root.querySelector("button[data-act=play]"),
    words,
  };
  view.slider.setAttribute("aria-label", words.group || "");
  view.slider.oninput = () => {
    const wanted = Number(view.slider.value);  // read first: stop() redraws the slider
    stop();
    go(wanted);
  };
  root.querySelector("button[data-act=prev]").onclick = () => { stop(); go(hse().step - 1); };
  root.querySelector("button[data-act=next]").onclick = () => { stop(); go(hse().step + 1); };
  view.play.onclick = toggle;
  for (const old of Array.from(state.views)) if (!old.slider.isConnected) state.views.delete(old);
  state.views.add(view);
  listenOnce();
  go(state.step);
}
"""

_stepper = component(
    "hse_time_stepper", html=HTML, css=CSS.replace("BIG_READOUT_PX", str(BIG_READOUT_PX)), js=JS
)


def render_stepper(
    labels: list[str], lang: str = "en", big: bool = False, report: bool = False
) -> int:
    """The time control for every chart on the page; `labels` name each step of the main
    sequence ("l · 2"). With `report`, the browser sends the chosen step (one rerun per
    step, for a lesson that follows the cursor); returns the last step it sent."""
    words = {
        "previous": t("stepper_previous", lang),
        "next": t("stepper_next", lang),
        "play": t("fig_play", lang),
        "pause": t("fig_pause", lang),
        "hint_keys": t("stepper_hint", lang),
        "hint_touch": t("stepper_hint_touch", lang),
        "group": t("fig_time_step", lang),
    }
    reported = int(st.session_state.get(STEP_KEY, 0))
    data = {"steps": len(labels), "labels": labels, "words": words, "big": big,
            "report": report, "reported": reported}  # fmt: skip
    _stepper(key=KEY, data=data, default={"step": 0}, on_step_change=_keep_step)
    return reported


def _keep_step() -> None:
    """The browser reported a step: keep it where the lessons read it (a whole number in
    range is the only value accepted from the page)."""
    state = st.session_state.get(KEY)
    step = state.get("step") if hasattr(state, "get") else None
    if isinstance(step, int | float) and not isinstance(step, bool) and 0 <= step < 1_000_000:
        st.session_state[STEP_KEY] = int(step)
