"""Running the site's own processes (manage.py commands, gunicorn) against the test database.

The tests that use these need committed rows (`transactional_db`): another process never
sees the test's own transaction. Waits are on conditions, with generous bounds, never on
fixed sleeps, so a busy machine makes a test slower but not red.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection

from tests.paths import ROOT

# Bounds for waits on a machine whose two cores other test suites keep busy.
PATIENCE = 600.0


def database_url() -> str:
    """The test database as a DATABASE_URL, for a child process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = urllib.parse.quote(db["USER"]) + (
        f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    )
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def environment(**extra: str) -> dict[str, str]:
    """This test's database, index and state folder, for a child process."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SEARCH_ENGINE": settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"],
        "WHOOSH_PATH": settings.HAYSTACK_CONNECTIONS["default"]["PATH"],
        "VAR_DIR": str(settings.VAR_DIR),
        "DEBUG": "1",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def manage(*args: str, **popen: Any) -> subprocess.Popen[bytes]:
    """Start `manage.py ARGS` on the test database; output goes to pipes unless told."""
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    popen.setdefault("env", environment())
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, **popen)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = PATIENCE) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds saying what was awaited."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)
