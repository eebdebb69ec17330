#!/usr/bin/env bash
# `make typecheck`: mypy with django-stubs on articles/ (tools from requirements-dev.txt).
# The config lives here until the project has a pyproject.toml to hold [tool.mypy].
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/venv.sh -r requirements-dev.txt
config=$(mktemp /tmp/newsarchive-mypy.XXXXXX.ini)
trap 'rm -f "$config"' EXIT
cat >"$config" <<'INI'
[mypy]
python_version = 3.11
plugins = mypy_django_plugin.main
disallow_untyped_defs = True
warn_unused_ignores = True
cache_dir = /dev/null

[mypy.plugins.django-stubs]
django_settings_module = newsarchive.settings

# No type information upstream.
[mypy-haystack.*,whoosh.*,dj_database_url.*]
ignore_missing_imports = True
INI
.venv/bin/mypy --config-file "$config" articles/
