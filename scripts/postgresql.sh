#!/usr/bin/env bash
# Find PostgreSQL 15's server binaries (initdb, pg_ctl) for `make test`, installing Debian's
# postgresql-15 package first when they are missing, as scripts/chromium.sh does for Chromium.
# Prints the binaries' folder on stdout (everything else goes to stderr): scripts/test.sh
# reads it. PG_BIN names another folder; PG_INSTALL_DRY_RUN=1 says what would be installed
# and how, and installs nothing (tests/test_setup.py runs it so).
set -euo pipefail

default=/usr/lib/postgresql/15/bin
packages=(postgresql-15)

has_server() {
    [[ -x $1/initdb && -x $1/pg_ctl ]]
}

pg_bin=${PG_BIN:-$default}
if ! has_server "$pg_bin" && command -v initdb >/dev/null; then
    pg_bin=$(dirname "$(readlink -f "$(command -v initdb)")")
fi
if has_server "$pg_bin"; then
    echo "==> $("$pg_bin/postgres" --version 2>/dev/null || echo "PostgreSQL in $pg_bin")" >&2
    echo "$pg_bin"
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    sudo=(none)
fi
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)
echo "==> PostgreSQL 15 server binaries not found (looked in ${PG_BIN:-$default} and on PATH)." >&2
echo "==> about to install from Debian: ${packages[*]} (the server, its client and" >&2
echo "    postgresql-common; about 60 MB on disk). The tests start their own throwaway" >&2
echo "    cluster in /tmp; the package's own service is not used." >&2
if [[ ${sudo[*]-} == none ]]; then
    echo "error: installing needs root or password-less sudo." >&2
    echo "       run: sudo apt-get install -y ${packages[*]}   (or set PG_BIN to PostgreSQL 15's bin folder)" >&2
    exit 1
fi
if [[ ${PG_INSTALL_DRY_RUN:-0} == 1 ]]; then
    echo "dry run: would run: ${sudo[*]-} ${apt[*]} update" >&2
    echo "dry run: would run: ${sudo[*]-} ${apt[*]} install -y ${packages[*]}" >&2
    echo "$default"
    exit 0
fi
# Another apt run (e.g. at machine start) may hold the lock: DPkg::Lock::Timeout waits for it.
"${sudo[@]}" "${apt[@]}" update >&2
"${sudo[@]}" "${apt[@]}" install -y "${packages[@]}" >&2
if ! has_server "$default"; then
    echo "error: ${packages[*]} is installed but $default/initdb is missing" >&2
    exit 1
fi
echo "==> $("$default/postgres" --version)" >&2
echo "$default"
