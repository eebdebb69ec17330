#!/usr/bin/env bash
# `make lint`: ruff check + ruff format --check, configured in pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/venv.sh -r requirements-dev.txt >/dev/null
status=0
.venv/bin/ruff check . || status=1
.venv/bin/ruff format --check . || status=1
exit "$status"
