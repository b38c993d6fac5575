"""What several test files (and bench/) share, so each is written once:

- `reference`: the plain-torch reference, a notebook's code without the app's;
- `strategies`: Hypothesis strategies for small scenes and texts;
- `files`: checkpoint and hostile-upload builders;
- `server`: start `streamlit run app.py` on a free port, stop it by its PID.

No pytest fixtures live here: a test imports what it needs.
"""
