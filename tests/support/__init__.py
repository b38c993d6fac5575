"""What several test files share: the plain-torch reference (`reference`), Hypothesis
strategies (`strategies`), checkpoint and upload builders (`files`) and the Streamlit
server launcher (`server`). Nothing here imports pytest fixtures or Streamlit itself."""
