#!/usr/bin/env bash
# `make run`: set up a local site with the demo articles and serve it with gunicorn.
# Safe to run again: migrate and import only change what changed, and an existing admin
# account keeps its password.
#
# Local only by default: DEBUG on, the repository's SECRET_KEY and admin/admin are public,
# so they are served on 127.0.0.1 and nowhere else. Another HOST needs a SECRET_KEY and an
# ADMIN_PASSWORD of your own, and passes `manage.py check --deploy` first (issue #16).
set -euo pipefail
cd "$(dirname "$0")/.."

host=${HOST:-127.0.0.1}
port=${PORT:-8000}
workers=${WORKERS:-3}
case $host in
    127.* | localhost | ::1 | "[::1]") local_only=1 ;;
    *) local_only=0 ;;
esac
if [[ $local_only -eq 0 ]]; then
    if [[ -z ${SECRET_KEY:-} ]]; then
        echo "error: HOST=$host is reachable from other machines: set SECRET_KEY to a secret of" \
            "your own (the default key is public, in the repository). See README.md, Production." >&2
        exit 2
    fi
    if [[ ${ADMIN_PASSWORD:-admin} == admin ]]; then
        echo "error: HOST=$host is reachable from other machines: set ADMIN_PASSWORD to a password" \
            "of your own (not admin). See README.md, Admin." >&2
        exit 2
    fi
fi

scripts/venv.sh

export DEBUG=${DEBUG:-1}  # the embedded local setup; production sets DEBUG=0 (README.md)
if [[ $DEBUG == 1 ]]; then
    export ADMIN_PASSWORD=${ADMIN_PASSWORD:-admin}
fi
python=.venv/bin/python
mkdir -p "${VAR_DIR:-var}"

echo "==> migrate"
"$python" manage.py migrate --noinput

echo "==> cache table (rate limits)"
"$python" manage.py createcachetable

echo "==> admin user (created once; an existing password is never changed)"
"$python" manage.py local_admin

if [[ $local_only -eq 0 ]]; then
    echo "==> production checks (HOST=$host is reachable from other machines)"
    "$python" manage.py check --deploy --fail-level ERROR
fi

echo "==> entity registry"
"$python" manage.py load_entities

echo "==> concept glossary"
"$python" manage.py load_concepts

echo "==> import demo/"
"$python" manage.py import_articles demo/

echo "==> file articles imported before stories existed (none on a fresh machine)"
"$python" manage.py group_stories

echo "==> index anything still queued"
"$python" manage.py process_index_queue --rebuild-if-outdated

echo "==> collect static files"
"$python" manage.py collectstatic --noinput -v 0

if [[ $local_only -eq 1 ]]; then
    scope="local only: served on $host, never on another address with these defaults"
else
    scope="reachable from other machines: your SECRET_KEY and admin password"
fi
cat <<BANNER

  newsarchive is starting on http://$host:$port/   ($scope)
  admin:  http://$host:$port/admin/
          user admin, with ADMIN_PASSWORD as it was when the account was created (default
          admin); later runs never change it: manage.py changepassword admin does
  stop:   Ctrl-C

BANNER
# The index worker is the only search index writer: requests only queue their changes. It
# runs beside gunicorn and stops with it; both run in the background so that Ctrl-C and a
# TERM from a process manager reach this script, which stops the two.
"$python" manage.py index_worker &
worker_pid=$!
server_pid=""
stop() {
    kill -TERM ${server_pid:+"$server_pid"} "$worker_pid" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
# gunicorn refuses request lines over 4094 bytes by default, below a 500-letter Vietnamese
# query (up to 9 bytes a letter, percent-encoded): 8190 is its maximum, so the app itself
# answers an over-long query with its own message.
.venv/bin/gunicorn newsarchive.wsgi --workers "$workers" --bind "$host:$port" \
    --limit-request-line 8190 --access-logfile - &
server_pid=$!
# gunicorn ended by itself (it refused to start, say): stop the worker and pass its status on.
status=0
wait "$server_pid" || status=$?
stop
exit "$status"
