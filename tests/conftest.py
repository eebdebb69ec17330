"""Fixtures for every test: a private search index, and a real browser for page tests.

Writing a browser test: mark it `browser` and ask for `live_server`, `transactional_db`
and `page` (a fresh Playwright page in Debian's Chromium)::

    @pytest.mark.browser
    def test_search_page_shows_hits(live_server, transactional_db, page):
        make_article(title="Hà Nội")
        page.goto(live_server.url + "/?q=ha+noi")
        assert page.locator(".hit").count() == 1

live_server answers from another thread, which only sees committed rows: the plain `db`
fixture wraps the test in a transaction that thread cannot see, hence `transactional_db`.
Browser tests run last (see pytest_collection_modifyitems) and are never skipped: with no
Chromium they fail. Never run `playwright install`; the browser comes from Debian.

The demo archive is defined here once: `demo` imports the five demo pages (keyed by seed
number, "000" to "004"); `linked_demo` loads the entity registry first, so mentions are
linked and stories grouped; `registry` alone loads the registry.
"""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.test import override_settings

from tests.paths import DEMO, DEMO_FILES, corpora_problem

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from articles.models import Article

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine has no internet: without these Chromium keeps dialing Google's hosts.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# pytest-django's default "localhost" may resolve to ::1; keep the live server on IPv4 loopback.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


def pytest_sessionstart(session: pytest.Session) -> None:
    # Many tests read the shared corpora: without them, one clear message instead of a
    # FileNotFoundError traceback per test (issue #17).
    from django.conf import settings

    problem = corpora_problem(Path(settings.CORPORA_DIR))
    if problem:
        pytest.exit(f"error: {problem}", returncode=4)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # A skipped test proves nothing, and the suite must never pass by skipping.
    report = yield
    if report.skipped:
        why = "xfail" if hasattr(report, "wasxfail") else "skip"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"{why} is not allowed in this suite (fix or delete the test): {reason}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    # Same rule for module-level pytest.skip() / pytest.importorskip().
    report = yield
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipping a module is not allowed in this suite: {reason}"
    return report


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # After pytest-django's own ordering: browser tests go last, because once Playwright
    # starts, the main thread has a running event loop for the rest of the session.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database as `make run` prepares it: migrated, plus the cache table that the
    rate limits count in (pytest-django migrates but never runs createcachetable)."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def rate_limit_counters(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test counts rate limits from zero, in memory: the database cache keeps counting
    across tests that commit (live_server, gunicorn), and its queries would blur the pinned
    query counts. tests/test_security.py counts in the database cache itself."""
    from django.conf import settings
    from django.core.cache import caches

    counters = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"rate-limits:{request.node.nodeid}",
    }
    with override_settings(
        CACHES={**settings.CACHES, "rate-limits": counters}, RATELIMIT_USE_CACHE="rate-limits"
    ):
        yield
        caches["rate-limits"].clear()


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default interface language. LocaleMiddleware activates the
    language a request asks for in the thread that serves it and leaves it active, so a test
    that asks for Vietnamese would otherwise hand it to the next test's model code."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def search_index(tmp_path: Path) -> Iterator[Path]:
    """Give each test its own empty Whoosh index: the index doesn't roll back with the DB."""
    from django.conf import settings
    from haystack import connections

    path = tmp_path / "whoosh"
    conf = copy.deepcopy(settings.HAYSTACK_CONNECTIONS)
    conf["default"]["PATH"] = str(path)
    # haystack's ConnectionHandler keeps its own reference to the settings dict (for ENGINE)
    # and caches one engine per thread; the engine reads PATH from settings when built.
    original = connections.connections_info
    with override_settings(HAYSTACK_CONNECTIONS=conf, WHOOSH_PATH=path, VAR_DIR=tmp_path / "var"):
        connections.connections_info = conf
        connections.reload("default")
        try:
            yield path
        finally:
            connections.connections_info = original
    connections.reload("default")


WHOOSH_ENGINE = "articles.search.backend.LockingWhooshEngine"
POSTGRES_ENGINE = "articles.search.postgres.PostgresEngine"


@pytest.fixture
def search_engine() -> str:
    """The engine this run searches with: "whoosh" or "postgres" (settings.SEARCH_ENGINE,
    which follows the database). Tests of behaviour that differs branch on it."""
    from django.conf import settings

    engine = settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"]
    return {WHOOSH_ENGINE: "whoosh", POSTGRES_ENGINE: "postgres"}[engine]


@pytest.fixture
def whoosh_engine(search_index: Path) -> Iterator[Path]:
    """The embedded Whoosh engine, whatever the database: tests of Whoosh's own behaviour
    (its folder on disk) run on SQLite and on PostgreSQL alike."""
    from django.conf import settings
    from haystack import connections

    conf = settings.HAYSTACK_CONNECTIONS["default"]
    engine = conf["ENGINE"]
    conf["ENGINE"] = WHOOSH_ENGINE
    connections.reload("default")
    try:
        yield search_index
    finally:
        conf["ENGINE"] = engine
        connections.reload("default")


@pytest.fixture
def index_worker(db: None) -> Callable[[], int]:
    """Runs the index worker's jobs until the queue is empty, as `manage.py index_worker`
    would between requests: what makes a saved change searchable. Returns articles indexed."""
    from articles import worker

    def run() -> int:
        return worker.run(until_idle=True)["index"]

    return run


@pytest.fixture
def indexed(index_worker: Callable[[], int]) -> Callable[..., Article]:
    """make_article, then the index worker's turn."""
    from tests.factories import make_article

    def make(**overrides: Any) -> Article:
        article = make_article(**overrides)
        index_worker()
        return article

    return make


@pytest.fixture
def registry(db: None) -> None:
    """The shipped entity registry in the database, as `manage.py load_entities` loads it."""
    from django.core.management import call_command

    call_command("load_entities", stdout=StringIO())


def _import_demo() -> dict[str, Article]:
    from django.core.management import call_command

    from articles.models import Article

    out = StringIO()
    # The folder's manifest.jsonl is picked up without --manifest.
    call_command("import_articles", str(DEMO), stdout=out)
    assert out.getvalue().strip() == "created 5, updated 0, unchanged 0, failed 0"
    return {seed: Article.objects.get(key=f"file:{name}") for seed, name in DEMO_FILES.items()}


@pytest.fixture
def demo(db: None) -> dict[str, Article]:
    """The demo folder imported with import_articles, without the entity registry; by seed."""
    return _import_demo()


@pytest.fixture
def linked_demo(registry: None) -> dict[str, Article]:
    """The demo folder imported after the entity registry: mentions linked, stories grouped."""
    return _import_demo()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright; shared by the whole session."""
    from playwright.sync_api import Error, sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(executable, os.X_OK):
        pytest.fail(
            f"Chromium not found at {executable}: install Debian's chromium package "
            "(`make test` does). Do not run `playwright install`.",
            pytrace=False,
        )
    # Playwright's sync API keeps an asyncio loop running in this thread from start() to
    # stop(), and Django then refuses ORM calls here (SynchronousOnlyOperation) although
    # nothing runs concurrently. The documented escape hatch, scoped to the browser's life.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Error as exc:
            pytest.fail(f"Chromium at {executable} did not start: {exc}", pytrace=False)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context (no cookies) and page for one test."""
    if request.node.get_closest_marker("browser") is None:
        pytest.fail("a test that uses `page` must be marked @pytest.mark.browser", pytrace=False)
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()
