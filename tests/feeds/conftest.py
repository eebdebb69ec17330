"""The feed tests' site on 127.0.0.1 and settings that make the client quick (no waits)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from articles.feeds import Fetcher, Limits
from tests.feeds.site import Site, serving


@pytest.fixture
def site(settings: Any) -> Iterator[Site]:
    settings.FEED_USER_AGENT = "newsarchive-test/1.0 (+http://example.invalid/about)"
    settings.FEED_DOMAIN_DELAY = 0
    settings.FEED_RETRY_SECONDS = 0
    settings.FEED_RETRIES = 1
    # Generous: a loaded machine must never make a good answer time out. Timeouts are
    # tested with an answer that never comes (see warmed_fetcher).
    settings.FEED_TIMEOUT = 120
    settings.FEED_MAX_BYTES = 1024 * 1024
    with serving() as running:
        yield running


def warmed_fetcher(url: str, *, timeout: float) -> Fetcher:
    """A Fetcher that has read the site's robots.txt patiently, then waits only `timeout`
    seconds for answers (so that only the answer that never comes times out)."""
    client = Fetcher(Limits.from_settings())
    assert client.allowed(url)
    client.limits = replace(client.limits, timeout=timeout, retries=1)
    client._pool = None  # made again with the short timeout
    return client
