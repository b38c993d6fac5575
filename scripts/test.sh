#!/usr/bin/env bash
# The whole test run, from a fresh machine: installs what the tests need, then runs them.
# Used by the README and by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

if [ ! -x /usr/bin/chromium ]; then  # the browser tests drive Debian's Chromium
  if [ "$(id -u)" = "0" ]; then APT=(apt-get); else APT=(sudo apt-get); fi
  "${APT[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -qq chromium >/dev/null
fi

python -m ruff check .
python -m ruff format --check .
python -m pytest "$@"
