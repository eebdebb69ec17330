#!/usr/bin/env bash
# `make test`: lint and types, then the whole suite (tests and doctests) twice: on SQLite with
# the embedded Whoosh engine, and on a throwaway PostgreSQL 15 cluster with the PostgreSQL
# search engine (the production pair). Installs what is missing first: requirements-dev.txt
# into .venv, Debian's chromium and postgresql-15 (as root or with password-less sudo).
# Needs no stdin; works as root (PostgreSQL then runs as the `postgres` system user).
# Extra arguments go to both pytest runs, e.g. `scripts/test.sh -k search -x`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/venv.sh -r requirements-dev.txt
scripts/chromium.sh
# PostgreSQL 15 from Debian when missing (prints what it installs first); PG_BIN overrides.
pg_bin=$(scripts/postgresql.sh)

# Lint and types first: cheap, and a finding fails the run like a failing test.
echo "==> make lint"
scripts/lint.sh
echo "==> make typecheck"
scripts/typecheck.sh

# The corpora live beside the original checkout (../shared/corpora), never in the repo. A
# clone made elsewhere (git clone /work/main /tmp/x) finds them beside the repo it came from.
if [[ -z ${CORPORA_DIR:-} && ! -d ../shared/corpora ]]; then
    origin=$(git remote get-url origin 2>/dev/null || true)
    if [[ -n $origin && -d $origin/../shared/corpora ]]; then
        export CORPORA_DIR=$(cd "$origin/../shared/corpora" && pwd)
    fi
fi
corpora=${CORPORA_DIR:-../shared/corpora}
if [[ ! -f $corpora/en_reuters21578.jsonl ]]; then
    echo "error: test corpora not found in $corpora; set CORPORA_DIR to the shared corpora folder" >&2
    exit 1
fi

work=$(mktemp -d /tmp/newsarchive-test.XXXXXX)
pg_dir=""

as_pg() {
    # initdb and postgres refuse to run as root: borrow the postgres system user.
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

stop_postgres() {
    [[ -n $pg_dir && -d $pg_dir ]] || return 0
    if [[ -f $pg_dir/data/postmaster.pid ]]; then
        echo "==> stopping PostgreSQL"
        if ! (cd "$pg_dir" && as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w -t 30 stop >/dev/null); then
            pid=$(head -n 1 "$pg_dir/data/postmaster.pid" 2>/dev/null || true)
            [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf "$pg_dir"
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_postgres
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_postgres() {
    pg_dir=$(mktemp -d /tmp/newsarchive-pg.XXXXXX)
    mkdir "$pg_dir/socket"
    if [[ $(id -u) -eq 0 ]]; then
        chown -R postgres: "$pg_dir"
    fi
    echo "==> starting PostgreSQL in $pg_dir"
    # cd: the postgres user may not be allowed into the repository's directory.
    if ! (cd "$pg_dir" && as_pg "$pg_bin/initdb" -D "$pg_dir/data" --auth=trust -U newsarchive \
            --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$pg_dir/initdb.log" 2>&1); then
        cat "$pg_dir/initdb.log" >&2
        echo "error: initdb failed" >&2
        return 1
    fi
    local attempt
    for attempt in 1 2 3; do
        pg_port=$(free_port)
        # Loopback only, socket inside the temp dir; durability is pointless for a throwaway.
        if (cd "$pg_dir" && as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
                -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
                start >/dev/null); then
            "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U newsarchive newsarchive
            return 0
        fi
        echo "PostgreSQL did not start on port $pg_port (attempt $attempt)" >&2
    done
    cat "$pg_dir/server.log" >&2
    echo "error: could not start PostgreSQL" >&2
    return 1
}

summary=()
failed=0

run_suite() {
    # run_suite NAME ENV... -- runs pytest with ENV (env(1) syntax) and records a summary line.
    local name=$1
    shift
    local junit=$work/$name.xml status
    mkdir -p "$work/$name-var"
    echo "==> pytest on $name"
    set +e
    env "$@" VAR_DIR="$work/$name-var" WHOOSH_PATH="$work/$name-var/whoosh" \
        .venv/bin/python -m pytest -p no:cacheprovider -rfEs --junitxml="$junit" "${pytest_args[@]}"
    status=$?
    set -e
    summary+=("$name: $(.venv/bin/python - "$junit" "$status" <<'PY'
import sys
import xml.etree.ElementTree as ET

path, status = sys.argv[1], int(sys.argv[2])
try:
    root = ET.parse(path).getroot()
except (OSError, ET.ParseError):
    print(f"no report (pytest exit {status})")
    raise SystemExit
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
count = {k: sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")}
passed = count["tests"] - count["failures"] - count["errors"] - count["skipped"]
parts = [f"{passed} passed"] + [f"{count[k]} {k}" for k in ("failures", "errors", "skipped") if count[k]]
if status == 5 or count["tests"] == 0:
    parts.append("NO TESTS COLLECTED")
print(", ".join(parts) + ("" if status == 0 else f" (pytest exit {status})"))
PY
)")
    # Exit 5 (nothing collected) fails too; skips already fail inside pytest (tests/conftest.py).
    if [[ $status -ne 0 ]] || grep -q '<skipped' "$junit" 2>/dev/null; then
        failed=1
    fi
}

pytest_args=("$@")
run_suite sqlite -u DATABASE_URL SEARCH_ENGINE=articles.search.backend.LockingWhooshEngine
start_postgres
run_suite postgresql DATABASE_URL="postgres://newsarchive@127.0.0.1:$pg_port/newsarchive" \
    SEARCH_ENGINE=articles.search.postgres.PostgresEngine

echo
echo "==> summary"
printf '%s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
    echo "FAILED"
    exit 1
fi
echo "OK"
