"""Settings: every value comes from the environment, with a default that works locally.

Production (PostgreSQL + gunicorn) sets at least SECRET_KEY, DEBUG=0, ALLOWED_HOSTS and
DATABASE_URL; see README.md.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_rate(name: str, default: str) -> str:
    """A rate limit as django-ratelimit writes it: "60/m" (a count per s, m, h or d)."""
    raw = (os.environ.get(name) or default).strip()
    if not re.fullmatch(r"[0-9]+/[0-9]*[smhd]", raw):
        raise ImproperlyConfigured(f"{name} must look like 60/m (per s, m, h or d), got {raw!r}")
    return raw


# Unset DEBUG means the embedded local setup: DEBUG on, this key from the repository, served
# on 127.0.0.1 only (scripts/run.sh refuses another address with it). Anyone can read the key,
# so anyone could sign cookies and cursors with it: production refuses it (here, and in
# articles/checks.py for `manage.py check --deploy` and gunicorn's start).
LOCAL_SECRET_KEY = "insecure-local-development-key-do-not-use-in-production-0123456789"
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = LOCAL_SECRET_KEY
elif SECRET_KEY == LOCAL_SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured(
        "SECRET_KEY is the repository's public local key: set a secret one (README.md)"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "haystack",
    "csp",
    "axes",
    "django_ratelimit",
    "articles",
]

MIDDLEWARE = [
    # Long-lived caches out of the cyclic collector's way after the first responses.
    "articles.middleware.SettledHeapMiddleware",
    # A request that changes things goes before a running import (SQLite's one write lock).
    "articles.middleware.CuratorsFirstMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # gunicorn serves no static files; WhiteNoise does, compressed and cached, from STATIC_ROOT.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface language (issue #13): the switcher's cookie, else Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ANONYMOUS_SEARCH=0: a login before anything but the login page, the admin and feeds.
    "articles.workspace.access.LoginToSearchMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A search that times out or cannot reach the index: a 503 with a message, not a 500.
    "articles.middleware.SearchErrorMiddleware",
    # Last, as django-axes requires: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsarchive.urls"
WSGI_APPLICATION = "newsarchive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
# The shared test and benchmark corpora (never copied into the repo): ../shared/corpora next
# to the checkout, or wherever CORPORA_DIR says (scripts/test.sh finds it for a local clone).
CORPORA_DIR = Path(os.environ.get("CORPORA_DIR") or BASE_DIR.parent / "shared" / "corpora")

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers plus an import share one file. WAL lets readers go on while
    # one process writes; IMMEDIATE takes the write lock when a transaction starts, so two
    # writers queue on the timeout instead of failing with "database is locked" when a
    # read lock cannot be upgraded.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory, so tests can start gunicorn and import processes on the test DB.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The search layer goes through haystack only (articles/search/). Two engines are tested:
# the embedded Whoosh index, wrapped so that several processes can write to it safely
# (articles/search/backend.py), and PostgreSQL full-text search (articles/search/postgres.py),
# the production engine: no state on local disk, so several application servers can share it.
# The default follows the database.
_DEFAULT_ENGINE = (
    "articles.search.postgres.PostgresEngine"
    if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
    else "articles.search.backend.LockingWhooshEngine"
)
SEARCH_ENGINE = os.environ.get("SEARCH_ENGINE") or _DEFAULT_ENGINE
WHOOSH_PATH = Path(os.environ.get("WHOOSH_PATH", VAR_DIR / "whoosh"))
HAYSTACK_CONNECTIONS: dict[str, dict[str, Any]] = {
    "default": {
        "ENGINE": SEARCH_ENGINE,
        "PATH": str(WHOOSH_PATH),
        "WRITE_LOCK_TIMEOUT": env_int("SEARCH_WRITE_LOCK_TIMEOUT", 60),
    }
}
# Indexing happens through articles.indexing's queue, not haystack's per-save processor.
HAYSTACK_SIGNAL_PROCESSOR = "articles.indexing.QueuedSignalProcessor"

# English only when the browser asks for neither language (LocaleMiddleware reads the
# switcher's cookie, then Accept-Language): see README, Translating.
LANGUAGE_CODE = "en"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A year: the reader chose the language once.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Deploy hardening: `manage.py check --deploy` is clean with DEBUG=0 and a real SECRET_KEY.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# HSTS for a year, subdomains included (sent on HTTPS responses only). Preloading is opt-in:
# once browsers ship the domain in their preload list, leaving HTTPS takes months to undo.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # searches stay ours: outlets see no query in Referer
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): our own files only. No inline script or style at all,
# so an injected <script> or javascript: link cannot run (issue #16); the admin needs only its
# static JavaScript. Timeline bars take their height from classes (static/site.css).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Rate limits per client address (django-ratelimit) on searches and the export; over them, 429
# with Retry-After. Counted in the cache: the database for the embedded default (its table
# comes from `manage.py createcachetable`), or memcached/Redis via CACHE_BACKEND/CACHE_LOCATION.
SEARCH_RATE = env_rate("SEARCH_RATE", "60/m")
EXPORT_RATE = env_rate("EXPORT_RATE", "60/m")
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "articles.views.client_ip"
# A cache that cannot count (the database busy past its timeout) lets the request through: a
# search should not fail because its counter did.
RATELIMIT_FAIL_OPEN = True
# The header a trusted reverse proxy sets to the client's address (e.g. X-Forwarded-For);
# unset, the address is REMOTE_ADDR. Never set it without such a proxy in front: clients could
# then claim any address.
_client_ip_header = os.environ.get("CLIENT_IP_HEADER", "").strip()
CLIENT_IP_HEADER = (
    "HTTP_" + _client_ip_header.upper().replace("-", "_") if _client_ip_header else ""
)
CACHE_BACKEND = os.environ.get("CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache")
CACHES = {
    "default": {
        "BACKEND": CACHE_BACKEND,
        "LOCATION": os.environ.get("CACHE_LOCATION", "newsarchive_cache"),
        # Culling a third of the counters at 300 entries (Django's default) would reset
        # clients' limits under load.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}

# Admin login throttling (django-axes): 5 wrong passwords for one username from one address
# lock that pair out for 15 minutes (HTTP 429). Attempts are kept in the database.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "articles.views.client_ip"

SILENCED_SYSTEM_CHECKS = [
    *env_list("SILENCED_SYSTEM_CHECKS", []),
    # Preloading is opt-in (SECURE_HSTS_PRELOAD above); W021 asks for it.
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    # The database cache counts with get + set, not an atomic increment, so simultaneous
    # requests of one client may be counted as one: a soft limit, and no server to run.
    *(
        ["django_ratelimit.E003", "django_ratelimit.W001"]
        if CACHE_BACKEND == "django.core.cache.backends.db.DatabaseCache"
        else []
    ),
]

# Import limits: a bigger file is reported as failed, never read into memory.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Feeds (articles/feeds/): the worker fetches each active feed every interval. Tell sites
# who is fetching: put your project's contact URL or address in FEED_USER_AGENT.
FEED_USER_AGENT = os.environ.get(
    "FEED_USER_AGENT", "newsarchive/1.0 (news archive feed reader; robots.txt obeyed)"
)
FEED_TIMEOUT: float = env_int("FEED_TIMEOUT", 20)  # seconds per read and for a whole body
FEED_MAX_BYTES = env_int("FEED_MAX_BYTES", 10 * 1024 * 1024)  # a feed, sitemap or page
FEED_MAX_REDIRECTS = env_int("FEED_MAX_REDIRECTS", 5)
FEED_DOMAIN_DELAY: float = env_int("FEED_DOMAIN_DELAY", 2)  # seconds between requests to a host
FEED_RETRIES = env_int("FEED_RETRIES", 2)  # more tries of a request that may pass (5xx, timeout)
FEED_RETRY_SECONDS: float = env_int("FEED_RETRY_SECONDS", 5)  # first wait; doubles each time
FEED_PAGES_PER_TURN = env_int("FEED_PAGES_PER_TURN", 5)  # pages per worker turn
FEED_CHECK_SECONDS: float = env_int("FEED_CHECK_SECONDS", 10)  # how often due feeds are sought
# Seconds one search may run before the visitor gets "took too long" (HTTP 503), well under
# gunicorn's 30 s worker timeout, which would kill the worker and answer a bare 500.
SEARCH_TIME_BUDGET: float = env_int("SEARCH_TIME_BUDGET", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The analyst's workspace (articles/workspace): accounts are made by staff in the admin.
LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:saved_list"
LOGOUT_REDIRECT_URL = "articles:home"
# Whether visitors who are not logged in may search and read (the embedded demo: yes). Off,
# every page and the API ask for a login, except the login page, the admin and the Atom
# feeds of saved searches (their private token is the key).
ANONYMOUS_SEARCH = env_bool("ANONYMOUS_SEARCH", True)
# Saved searches' e-mail digests (sent by the index worker): printed on the console unless
# EMAIL_BACKEND says otherwise, e.g. django.core.mail.backends.smtp.EmailBackend with
# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsarchive <noreply@localhost>")
# The site's address in digests and feeds (links must be absolute outside a request).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
