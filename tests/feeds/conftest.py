"""The feed tests' site on 127.0.0.1 and settings that make the client quick (no waits)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.feeds.site import Site, serving


@pytest.fixture
def site(settings: Any) -> Iterator[Site]:
    settings.FEED_USER_AGENT = "newsarchive-test/1.0 (+http://example.invalid/about)"
    settings.FEED_DOMAIN_DELAY = 0
    settings.FEED_RETRY_SECONDS = 0
    settings.FEED_RETRIES = 1
    settings.FEED_TIMEOUT = 2
    settings.FEED_MAX_BYTES = 1024 * 1024
    with serving() as running:
        yield running
