#!/usr/bin/env bash
# The whole test run, from a fresh machine: installs what the tests need, then runs them.
# Used by the README and by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# The browser tests drive Debian's Chromium; a Korean font lets it draw the Korean UI
# (without one, Hangul shows as empty boxes in screenshots).
PACKAGES=()
if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=ko | grep -q . || ! fc-list | grep -qi emoji; then
  PACKAGES+=(chromium fonts-nanum fonts-noto-color-emoji)
fi
# The deploy tests (tests/deploy/) run Debian's nginx as their own child process on loopback
# ports, in front of two replicas. (Where services start on install, e.g. under systemd,
# the package's own nginx also starts, on port 80; the tests never use it.)
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then PACKAGES+=(nginx); fi
if [ "${#PACKAGES[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then APT=(apt-get); else APT=(sudo apt-get); fi
  "${APT[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -qq "${PACKAGES[@]}" >/dev/null
fi

python -m ruff check .
python -m ruff format --check .
lint-imports  # the layers (pyproject.toml [tool.importlinter]); tests/test_layers.py shows they can fail
python -m pytest "$@"
