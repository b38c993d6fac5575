"""The page's own CSS: fixed text, no user input ever goes into it."""

from __future__ import annotations

# The key ending of a box around a select that has one option (components.main_view): a
# phone hides it (two disabled selects took 170 px of its first screen).
ONLY_ONE = "_only_one"

# Less empty space above the charts, so the hidden state is on the first screen of a
# 720 px projector: a smaller title, tighter blocks.
PAGE_STYLE = """
[data-testid="stMainBlockContainer"] { padding-top: 2.6rem; padding-bottom: 3rem; }
[data-testid="stSidebarUserContent"] { padding-top: 1rem; }
h1 { padding-top: 0 !important; padding-bottom: 0.1rem !important; font-size: 1.9rem !important; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 3.6rem; }
  h1 { font-size: 1.5rem !important; }
  [class*="ONLY_ONE"] { display: none; }
}
/* Every chart a whole number of pixels wide. Plotly sizes a new chart from its CSS width,
   which the browser gives to 3 decimals (675.016 px); Streamlit then sets the exact width
   (675.015625 px), and that difference drew the chart a second time from scratch. */
[data-testid="stFullScreenFrame"] { width: round(down, 100%, 1px); }
/* A touch screen has no hover: Plotly would draw its tools over every chart's title. */
@media (hover: none) and (max-width: 640px) {
  .js-plotly-plot .modebar-container { display: none !important; }
}
""".replace("ONLY_ONE", ONLY_ONE)
# Presenter mode: larger text everywhere on the page.
PRESENTER_STYLE = """
[data-testid="stMain"] { font-size: 1.3rem; }
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.3rem; }
[data-testid="stMain"] button p { font-size: 1.2rem; }
"""


# Korean: lines break between words, never inside one (long unbroken text still wraps).
KOREAN_STYLE = """
p, li, label { word-break: keep-all; overflow-wrap: anywhere; }
"""


def page_style(presenting: bool, lang: str = "en") -> str:
    korean = KOREAN_STYLE if lang == "ko" else ""
    return "<style>" + PAGE_STYLE + (PRESENTER_STYLE if presenting else "") + korean + "</style>"
