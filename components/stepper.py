"""Step buttons (and the ← → keys) that move every chart's time cursor one step, in the
browser. Plotly's own controls can play and jump but have no "next step"; this asks
Plotly to animate to the neighbouring frame of each chart that has frames, so the
hidden-state and gates charts move together and nothing reaches the server.

The JavaScript below is fixed text: no user input ever goes into it. Its words come
from the text table as `data` and are set as textContent (never as HTML).
"""

from __future__ import annotations

from streamlit.components.v2 import component

from components.i18n import t

HTML = """
<div class="hse-stepper" role="group">
  <button type="button" data-step="-1" data-word="previous"></button>
  <button type="button" data-step="1" data-word="next"></button>
  <span class="hse-hint" data-word="hint"></span>
</div>
"""

CSS = """
.hse-stepper { display: flex; gap: 0.5rem; align-items: center; font-family: inherit; }
.hse-stepper button {
  font-size: 1rem; padding: 0.35rem 0.9rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.25); background: white; color: #1f2937;
}
.hse-stepper button:hover { border-color: #ff4b4b; color: #ff4b4b; }
.hse-hint { color: #6b7280; font-size: 0.9rem; }
"""

JS = """
function charts() {
  return Array.from(document.querySelectorAll(".js-plotly-plot")).filter(
    (gd) => gd._transitionData && gd._transitionData._frames &&
            gd._transitionData._frames.length && gd._fullLayout && gd._fullLayout.sliders &&
            gd._fullLayout.sliders.length
  );
}

function step(delta) {
  if (!window.Plotly) return;
  for (const gd of charts()) {
    const names = gd._transitionData._frames.map((frame) => frame.name);
    const current = gd._fullLayout.sliders[0].active || 0;
    const next = Math.min(names.length - 1, Math.max(0, current + delta));
    if (next === current) continue;
    const redraw = Boolean(gd._fullLayout.scene);  // 3-D scenes need a redraw
    window.Plotly.animate(gd, [names[next]], {
      frame: { duration: 0, redraw: redraw }, transition: { duration: 0 }, mode: "immediate",
    });
  }
}

export default function (component) {
  const root = component.parentElement;
  const words = component.data || {};
  root.querySelectorAll("[data-word]").forEach((element) => {
    element.textContent = words[element.dataset.word] || "";
  });
  const group = root.querySelector(".hse-stepper");
  if (group) group.setAttribute("aria-label", words.group || "");
  root.querySelectorAll("button[data-step]").forEach((button) => {
    button.onclick = () => step(Number(button.dataset.step));
  });
  if (!window.__hseStepKeys) {  // one listener per page, however often the app reruns
    window.__hseStepKeys = true;
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      const typing = target && (target.isContentEditable ||
        ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
      if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "ArrowRight") { step(1); event.preventDefault(); }
      if (event.key === "ArrowLeft") { step(-1); event.preventDefault(); }
    });
  }
}
"""

_stepper = component("hse_time_stepper", html=HTML, css=CSS, js=JS)


def render_stepper(key: str, lang: str = "en") -> None:
    words = {
        "previous": t("stepper_previous", lang),
        "next": t("stepper_next", lang),
        "hint": t("stepper_hint", lang),
        "group": t("fig_time_step", lang),
    }
    _stepper(key=key, data=words)
