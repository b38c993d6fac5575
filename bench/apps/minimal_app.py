"""The baseline for bench/browser_speed.py: the smallest Streamlit app that does what the
explorer's main view does in the browser. The same widgets as the explorer's sidebar (a
text area committed with Ctrl+Enter or on blur, a horizontal radio) and one Plotly heatmap
as tall as the explorer's timeline chart. No torch: the values are a cheap function of
the text, so an interaction costs Streamlit's round trip and Plotly's redraw, nothing else.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

CELLS = ("RNN", "LSTM", "GRU")
UNITS = 2  # rows, as the lecture preset's hidden size
HEIGHT = 670  # pixels, as the explorer's timeline chart

st.set_page_config(page_title="Minimal one-chart app", layout="wide")
with st.sidebar:
    text = st.text_area("Sequences", "hello\neolll\nlleel", key="sequences", height=110)
    cell = st.radio("Cell", CELLS, key="cell", horizontal=True)

line = text.splitlines()[0] if text.strip() else " "
codes = np.array([ord(ch) for ch in line], dtype=np.float32)  # (T,)
phase = np.arange(UNITS, dtype=np.float32)[:, None] + CELLS.index(cell)  # (UNITS, 1)
values = np.tanh(np.sin(codes[None, :] * 0.37 + phase)).astype(np.float32)  # (UNITS, T)

steps = list(range(len(line)))  # a letter may repeat: positions on the axis, letters as labels
figure = go.Figure(
    go.Heatmap(z=values, x=steps, colorscale="RdBu_r", zmin=-1, zmax=1),
    layout={
        "height": HEIGHT,
        "title": f"{cell}: {line}",
        "font": {"size": 16},
        "xaxis": {"tickvals": steps, "ticktext": list(line), "title": "step"},
        "yaxis": {"title": "unit", "dtick": 1},
    },
)
st.plotly_chart(figure, key="chart", theme=None)
