#!/usr/bin/env bash
# Create .venv with Python 3.11 if it is missing, then install the pinned requirements.
# Extra arguments go to pip (scripts/lint.sh passes -r requirements-dev.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3.11}
if [[ ! -x .venv/bin/python ]]; then
    if ! command -v "$python" >/dev/null; then
        echo "error: $python not found; install Python 3.11 or set PYTHON=/path/to/python3.11" >&2
        exit 1
    fi
    echo "==> creating .venv with $("$python" --version)"
    "$python" -m venv .venv
fi
echo "==> installing requirements.txt into .venv"
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt "$@"
