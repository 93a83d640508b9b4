#!/usr/bin/env bash
# Create a virtual environment and install Khabar into it; the Makefile and the Dockerfile both
# use this script, so CI exercises the image's install steps too.
# Usage: scripts/install-venv.sh VENV_DIR [dev|prod]
set -euo pipefail
venv=${1:?usage: install-venv.sh VENV_DIR [dev|prod]}
mode=${2:-dev}
python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "install-venv: Khabar needs Python 3.11 or newer ($python is $("$python" --version 2>&1))" >&2
  exit 1
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
if [ "$mode" = dev ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    --config-settings editable_mode=compat -e '.[dev]'
else
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check .
fi
