#!/usr/bin/env bash
# `make lint`: ruff check + ruff format --check (tools from requirements-dev.txt).
# The rules live here until the project has a pyproject.toml to hold [tool.ruff].
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/venv.sh -r requirements-dev.txt
paths=(articles newsarchive tests)
ruff=.venv/bin/ruff
options=(--target-version py311 --line-length 100)
status=0
"$ruff" check "${options[@]}" --select E,F,I,B,DJ,UP "${paths[@]}" || status=1
"$ruff" format --check "${options[@]}" "${paths[@]}" || status=1
exit "$status"
