const CHECK_MS = 250;
const PLAY_MS = 650;
const REPORT_MS = 350;
const LABEL_GAP_PX = 2;  // at least this between two labels of a time axis
const MIN_WINDOW = 4;  // steps: a window never narrower than this
// labels up to this much wider than their step are left as the spec drew them: the
// server's windows are sized for a laptop's chart, whose tokens sit that close
const SLACK = 1.25;

function hse() {
  if (!window.__hse) {
    window.__hse = {
      step: 0, steps: 1, playing: null, pointer: false, views: new Set(), report: null,
    };
  }
  return window.__hse;
}

// A chart with a time cursor carries its steps in layout.meta[0].hse (a list: see
// components/figures/cursor.py, time_meta).
function cursorMeta(gd) {
  const meta = gd.layout && gd.layout.meta;
  return Array.isArray(meta) && meta[0] && meta[0].hse ? meta[0].hse : null;
}

function timeCharts() {
  return Array.from(document.querySelectorAll(".js-plotly-plot")).filter(
    (gd) => cursorMeta(gd) && gd._fullLayout
  );
}

function named(list, name) {
  const found = [];
  (list || []).forEach((item, index) => { if (item && item.name === name) found.push(index); });
  return found;
}

// The step a chart's marks are at: the one this script last placed them at, or, for a
// layout it has not touched (a new chart: Streamlit gives a changed spec a new element,
// and relayout changes a layout in place), the step its spec drew them at. A cursor line
// that says otherwise wins (undefined: place it again).
function shownStep(gd) {
  const step = gd.__hseLayout === gd.layout ? gd.__hseShown : cursorMeta(gd).step || 0;
  const cursors = named(gd.layout.shapes, "hse_cursor");
  if (cursors.length && gd.layout.shapes[cursors[0]].x0 !== step) return undefined;
  return step;
}

function placed(gd, t) {
  gd.__hseShown = t;
  gd.__hseLayout = gd.layout;
}

// The x axes that show a window of steps and pan to keep the cursor in view: a long
// sequence's (the spec says), and any that fitTokens narrowed.
function windowAxes(gd, meta) {
  return Array.from(new Set([...(meta.window_axes || []), ...(gd.__hseWindows || [])]));
}

// A time axis whose tokens run into each other (a phone's narrow chart, a long line)
// shows a window of as many steps as their widest neighbours leave room for, around the
// cursor, panned like a long sequence's. Measured in the page: the server does not know
// the screen. Again when the chart's size changes (a browser window made wider: wider
// again, up to the spec's own range). A chart whose labels fit is left alone.
function fitTokens(gd, t) {
  const full = gd._fullLayout;
  const size = `${full.width}x${full.height}`;
  const fresh = gd.__hseFitLayout !== gd.layout;  // a layout drawn anew
  if (!fresh && gd.__hseFitSize === size) return;
  const specs = (gd.__hseSpecRanges = gd.__hseSpecRanges || {});
  const set = (gd.__hseSetWidths = gd.__hseSetWidths || {});  // the windows this script set
  gd.__hseFitLayout = gd.layout;
  gd.__hseFitSize = size;
  const steps = cursorMeta(gd).steps;
  const update = {};
  Object.keys(full).filter((name) => /^xaxis\d*$/.test(name)).forEach((name) => {
    const axis = full[name];
    if (!axis.showticklabels || !Array.isArray(axis.ticktext) || !axis._length) return;
    // Streamlit keeps a chart's relayouts in the layout it draws anew (a resize): a
    // window as wide as the one this script set (panned since) is not the spec's range
    const shown = axis.range[1] - axis.range[0];
    const ours = name in set && Math.abs(set[name] - shown) < 1e-6;
    if (!(name in specs) || (fresh && !ours)) specs[name] = axis.range.slice();
    const own = specs[name][1] - specs[name][0];
    const widths = Array.from(gd.querySelectorAll(`g.${axis._id}tick text`))
      .map((text) => text.getBoundingClientRect())
      .map((box) => [box.left, box.width])
      .sort((a, b) => a[0] - b[0])
      .map(([, width]) => width);
    // two neighbours need half of each one's width on either side of the middle
    const pairs = widths.slice(1).map((width, i) => (width + widths[i]) / 2);
    if (!pairs.length) return;
    const need = Math.max(...pairs) + LABEL_GAP_PX;
    const fits = need <= SLACK * axis._length / own;  // the spec's range (nearly) fits
    const room = Math.max(MIN_WINDOW, Math.floor(axis._length / need));
    const width = fits ? own : Math.min(own, room);
    if (Math.abs(width - shown) < 0.5) return;
    const low = Math.max(-0.5, Math.min(steps - 0.5 - width, t - width / 2));
    update[`${name}.range`] = [low, low + width];
    set[name] = width;
    if (fits) return;
    update.dragmode = "pan";
    gd.__hseWindows = Array.from(new Set([...(gd.__hseWindows || []), name]));
  });
  if (Object.keys(update).length) {
    window.Plotly.relayout(gd, update);
    gd.__hseFitLayout = gd.layout;
  }
}

function place(gd, wanted) {
  const meta = cursorMeta(gd);
  const t = Math.max(0, Math.min(meta.steps - 1, wanted));
  // already there (a new chart at the cursor's step): a relayout would draw it once more
  if (shownStep(gd) === t) { placed(gd, t); return; }
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
  windowAxes(gd, meta).forEach((axis) => {
    const range = gd.layout[axis] && gd.layout[axis].range;
    if (!range) return;
    const width = range[1] - range[0];
    if (t < range[0] + 0.5 || t > range[1] - 0.5) {
      const low = Math.max(-0.5, Math.min(meta.steps - 0.5 - width, t - width / 2));
      update[`${axis}.range`] = [low, low + width];
    }
  });
  const trail = meta.trail;
  if (trail && point) {  // a long path's last steps up to t, as line shapes (state_space.py)
    const segments = named(gd.layout.shapes, "hse_trail");
    segments.forEach((i, k) => {
      const a = t - segments.length + k, b = a + 1;  // the last one ends at t
      const ok = a >= 0 && point.x[a] !== null && point.x[b] !== null;
      update[`shapes[${i}].visible`] = ok;
      if (ok) {
        update[`shapes[${i}].x0`] = point.x[a];
        update[`shapes[${i}].y0`] = point.y[a];
        update[`shapes[${i}].x1`] = point.x[b];
        update[`shapes[${i}].y1`] = point.y[b];
      }
    });
  }
  window.Plotly.relayout(gd, update);
  placed(gd, t);
  const scene = meta.scene_point;
  if (scene) {  // the 3-D ring is a trace: its one point moves
    const ok = scene.x[t] !== null;
    window.Plotly.restyle(gd, {
      x: [[ok ? scene.x[t] : null]],
      y: [[ok ? scene.y[t] : null]],
      z: [[ok ? scene.z[t] : null]],
      text: [[ok ? scene.text[t] : ""]],
    }, [scene.trace]);
    if (trail) {  // a long 3-D path's last steps up to t, shaded light to dark
      const low = Math.max(0, t - trail.steps + 1);
      const cut = (values) => values.slice(low, t + 1);
      const colour = cut(scene.x).map((_, i, all) => trail.steps - all.length + i);
      window.Plotly.restyle(gd, {
        x: [cut(scene.x)], y: [cut(scene.y)], z: [cut(scene.z)], "marker.color": [colour],
      }, [trail.trace]);
    }
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
      fitTokens(gd, s.step);
      place(gd, s.step);  // a chart already there is only noted
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
