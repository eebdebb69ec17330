#!/usr/bin/env bash
# `make typecheck`: mypy with django-stubs on articles/, configured in pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/venv.sh -r requirements-dev.txt >/dev/null
.venv/bin/mypy --cache-dir /dev/null
