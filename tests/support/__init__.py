"""What several test files (and bench/) share, so each is written once:

- `reference`: the plain-torch reference, a notebook's code without the app's;
- `strategies`: Hypothesis strategies for small scenes and texts;
- `files`: checkpoint and hostile-upload builders;
- `server`: start `streamlit run app.py` on a free port, stop it by its PID.
- `streamlit_sessions`: a browser-less Streamlit websocket client (one `Session` per tab);
- `students`: scripted students on the real server, each interaction checked (the
  sessions test and bench/load.py).

No pytest fixtures live here: a test imports what it needs.
"""
