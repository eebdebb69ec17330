"""Production checks: refuse the repository's SECRET_KEY and an `admin` account whose password
is `admin` (issue #16: the local defaults must never be what a reachable site runs on).

They are deploy checks, so `manage.py check --deploy` reports them as errors, and
newsarchive/wsgi.py runs them through `refuse_unsafe_start()` when gunicorn starts with DEBUG=0.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

LOCAL_ADMIN = "admin"  # the account and password scripts/run.sh creates for local use


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.SECRET_KEY != settings.LOCAL_SECRET_KEY:
        return []
    return [
        checks.Error(
            "SECRET_KEY is the repository's public local key: anyone can sign sessions and "
            "cursors with it.",
            hint="Set SECRET_KEY to a secret of your own (README.md, Production).",
            id="articles.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_admin_password(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    user_model = get_user_model()
    try:
        hashed = (
            user_model._default_manager.filter(
                **{user_model.USERNAME_FIELD: LOCAL_ADMIN, "is_active": True}
            )
            .values_list("password", flat=True)
            .first()
        )
    except DatabaseError:
        return []  # not migrated yet: there is no account to refuse
    # hashers.check_password, not user.check_password: a check must not re-hash and save.
    if hashed is None or not check_password(LOCAL_ADMIN, hashed):
        return []
    return [
        checks.Error(
            "The active account `admin` has the password `admin`.",
            hint="Change it (manage.py changepassword admin) or deactivate the account.",
            id="articles.E002",
        )
    ]


def refuse_unsafe_start() -> None:
    """Raise ImproperlyConfigured if any check, deploy checks included, finds an error."""
    errors = [
        message
        for message in checks.run_checks(include_deployment_checks=True)
        if message.level >= checks.ERROR and not message.is_silenced()
    ]
    if errors:
        raise ImproperlyConfigured(
            "refusing to serve with DEBUG off:\n" + "\n".join(str(error) for error in errors)
        )
