#!/usr/bin/env bash
# `make run`: set up a local site with the demo articles and serve it with gunicorn.
# Safe to run again: migrate and import only change what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/venv.sh

export DEBUG=${DEBUG:-1}  # the embedded local setup; production sets DEBUG=0 (README.md)
export ADMIN_PASSWORD=${ADMIN_PASSWORD:-admin}
host=${HOST:-127.0.0.1}
port=${PORT:-8000}
workers=${WORKERS:-3}
python=.venv/bin/python
mkdir -p "${VAR_DIR:-var}"

echo "==> migrate"
"$python" manage.py migrate --noinput

echo "==> admin user"
"$python" manage.py shell -v 0 -c '
import os
from django.contrib.auth import get_user_model

user, created = get_user_model().objects.get_or_create(username="admin")
user.is_active = user.is_staff = user.is_superuser = True
user.set_password(os.environ["ADMIN_PASSWORD"])
user.save()
print("created" if created else "updated", "user admin")
'

echo "==> entity registry"
"$python" manage.py load_entities

echo "==> import demo/"
"$python" manage.py import_articles demo/

echo "==> file articles imported before stories existed (none on a fresh machine)"
"$python" manage.py group_stories

echo "==> index anything still queued"
"$python" manage.py process_index_queue --rebuild-if-outdated

echo "==> collect static files"
"$python" manage.py collectstatic --noinput -v 0

cat <<BANNER

  newsarchive is starting on http://$host:$port/
  admin:  http://$host:$port/admin/
          user admin, password $ADMIN_PASSWORD   (for local use only; set ADMIN_PASSWORD to change)
  stop:   Ctrl-C

BANNER
exec .venv/bin/gunicorn newsarchive.wsgi --workers "$workers" --bind "$host:$port" --access-logfile -
