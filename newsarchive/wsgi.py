"""WSGI entry point for gunicorn: `gunicorn newsarchive.wsgi`.

With DEBUG off it refuses to start on the repository's SECRET_KEY or with an `admin` account
whose password is `admin` (articles/checks.py).
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
application = get_wsgi_application()

if not settings.DEBUG:
    from articles.checks import refuse_unsafe_start

    refuse_unsafe_start()
