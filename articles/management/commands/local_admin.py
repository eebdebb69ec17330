"""manage.py local_admin: `make run`'s admin account, created once and never reset.

Creates the superuser `admin` with the password in ADMIN_PASSWORD, or `admin` for the local
setup (DEBUG on). An existing `admin` keeps its password whatever ADMIN_PASSWORD says: before
issue #16, re-running `make run` reset it to `admin`. With DEBUG off, `admin`/`admin` is
never created: it says so and creates nothing (articles/checks.py would refuse it anyway).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from articles.checks import LOCAL_ADMIN


class Command(BaseCommand):
    help = "Create the superuser `admin` if it does not exist (password: ADMIN_PASSWORD)."

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()._default_manager
        if users.filter(**{get_user_model().USERNAME_FIELD: LOCAL_ADMIN}).exists():
            self.stdout.write("user admin exists: its password is left as it is")
            return
        password = os.environ.get("ADMIN_PASSWORD", "")
        if not settings.DEBUG and password in {"", LOCAL_ADMIN}:
            self.stderr.write(
                "no admin created: DEBUG is off, so set ADMIN_PASSWORD to a password of your "
                "own (not `admin`) or use `manage.py createsuperuser`"
            )
            return
        users.create_superuser(LOCAL_ADMIN, email="", password=password or LOCAL_ADMIN)
        self.stdout.write("created user admin")
