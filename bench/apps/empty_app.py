"""The baseline for bench/rerun.py: the cheapest Streamlit script that still sends one
element. A rerun of app.py is compared with a rerun of this, in the same process."""

import streamlit as st

st.write("")
