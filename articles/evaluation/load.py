"""The load test: do curators wait while an import and readers' searches run?

The site runs as `make run` runs it: gunicorn (3 workers) and the index worker, on a database
and index of their own. Readers search without pause from `searchers` threads (the search
page and the JSON API, in turn). A curator logged into the admin edits an article's title and
saves, again and again; a save is timed from the POST to its redirect (the change is then
committed and queued), and the article list it redirects to is timed on its own. Saves are
timed twice in the same run: with
the searches alone (the baseline), then while `manage.py import_articles` imports real corpus
articles. Every request that does not answer 200 (or the save's redirect) is counted as failed.

Figures are percentiles of each phase and the ratio of the import phase's p95 to the
baseline's, because absolute times on shared machines are noisy.
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User

from articles.evaluation.benchmark import QUERIES
from articles.evaluation.ingest_benchmark import write_feed
from articles.indexing import pending
from articles.models import Article

CURATOR = ("load-curator", "load-test-password-9")
PATIENCE = 600.0  # seconds any one request or process may take before the run gives up


@dataclass
class Latencies:
    """Seconds per request of one kind in one phase, and how many failed."""

    label: str
    seconds: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0

    def line(self) -> str:
        if not self.seconds:
            return f"{self.label:34s} none"
        return (
            f"{self.label:34s} {len(self.seconds):5d}  p50 {self.percentile(0.5) * 1000:7.0f} ms"
            f"  p95 {self.percentile(0.95) * 1000:7.0f} ms  max {max(self.seconds) * 1000:7.0f} ms"
            f"  failed {len(self.failed)}"
        )


@dataclass
class LoadReport:
    saves_alone: Latencies
    saves_importing: Latencies
    pages_alone: Latencies
    pages_importing: Latencies
    searches_alone: Latencies
    searches_importing: Latencies
    imported: str  # the import's summary line
    import_seconds: float
    indexed_after: float  # seconds from the import's end until the queue was empty

    @property
    def failures(self) -> list[str]:
        return [
            *self.saves_alone.failed,
            *self.saves_importing.failed,
            *self.pages_alone.failed,
            *self.pages_importing.failed,
            *self.searches_alone.failed,
            *self.searches_importing.failed,
        ]


def run(*, articles: int, searchers: int, baseline_saves: int) -> LoadReport:
    """Serve, search, save alone, then save during an import of `articles` corpus articles."""
    User.objects.filter(username=CURATOR[0]).delete()
    User.objects.create_superuser(CURATOR[0], "curator@example.org", CURATOR[1])
    edited = [
        Article.objects.create(
            key=f"load:{n}", title=f"Bài để sửa {n}", body=f"Nội dung số {n}.", language="vi"
        )
        for n in range(20)
    ]
    feed = Path(settings.VAR_DIR) / "load-feed.jsonl"
    write_feed(settings.CORPORA_DIR, feed, articles)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with _process(_gunicorn(port)), _process(_manage("index_worker")):
        _wait(lambda: _answers(base), "gunicorn to answer")
        _wait(lambda: pending() == 0, "the index worker to index the articles to edit")
        curator = _Curator(base)
        searches = _Searches(base, searchers)
        saves_alone = Latencies("admin saves, no import")
        pages_alone = Latencies("article list after a save, no import")
        with searches.running("searches, no import"):
            for n in range(baseline_saves):
                curator.save(edited[n % len(edited)], saves_alone, pages_alone)
        start = time.monotonic()
        importer = _manage("import_articles", "--no-progress", str(feed))
        saves_importing = Latencies("admin saves, during the import")
        pages_importing = Latencies("article list after a save, import")
        with searches.running("searches, during the import"):
            n = 0
            while importer.poll() is None:
                curator.save(edited[n % len(edited)], saves_importing, pages_importing)
                n += 1
        importer.wait(timeout=PATIENCE)
        import_seconds = time.monotonic() - start
        output = (Path(settings.VAR_DIR) / "load-import_articles.log").read_text()
        if importer.returncode != 0:
            raise RuntimeError(f"the import failed: {output[-2000:]}")
        done = time.monotonic()
        _wait(lambda: pending() == 0, "the index worker to empty the queue")
        indexed_after = time.monotonic() - done
    feed.unlink()
    return LoadReport(
        saves_alone,
        saves_importing,
        pages_alone,
        pages_importing,
        searches.phases["searches, no import"],
        searches.phases["searches, during the import"],
        output.strip().splitlines()[-1],
        import_seconds,
        indexed_after,
    )


class _Curator:
    """A logged-in admin session that edits articles' titles."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        # The save is timed to its redirect; the page it redirects to is timed on its own.
        self.posting = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _Unredirected()
        )
        self._post("/admin/login/", {"username": CURATOR[0], "password": CURATOR[1]})
        self.edits = 0

    def save(self, article: Article, saves: Latencies, pages: Latencies) -> None:
        path = f"/admin/articles/article/{article.pk}/change/"
        self.edits += 1
        fields = {
            "title": f"Bài để sửa, lần {self.edits}",
            "source": "",
            "language": "vi",
            "url": "",
            "visibility": "published",
            "published": "",
            "published_precision": "unknown",
            "body": article.body,
            "topic_links-TOTAL_FORMS": "0",
            "topic_links-INITIAL_FORMS": "0",
        }
        try:
            token = self._token(path)  # the form the curator has open: not timed
            start = time.perf_counter()
            location = self._post(path, {**fields, "csrfmiddlewaretoken": token})
            saves.seconds.append(time.perf_counter() - start)
            if location != "/admin/articles/article/":
                saves.failed.append(f"save {article.pk}: redirected to {location!r}")
                return
            start = time.perf_counter()
            with self.opener.open(self.base + location, timeout=PATIENCE) as response:
                response.read()
            pages.seconds.append(time.perf_counter() - start)
        except (OSError, urllib.error.URLError) as exc:
            saves.failed.append(f"save {article.pk}: {exc}")

    def _token(self, path: str) -> str:
        page = self.opener.open(self.base + path, timeout=PATIENCE).read().decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if found is None:
            raise OSError(f"no form at {path}")
        return found.group(1)

    def _post(self, path: str, data: dict[str, str]) -> str:
        """POST a form; the path it redirects to ("" when it answers without redirecting)."""
        if "csrfmiddlewaretoken" not in data:
            data = {**data, "csrfmiddlewaretoken": self._token(path)}
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.posting.open(self.base + path, body, timeout=PATIENCE) as response:
                response.read()
                return ""
        except urllib.error.HTTPError as exc:
            if exc.code != 302:
                raise
            return urllib.parse.urlsplit(exc.headers["Location"]).path


class _Unredirected(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Searches:
    """Readers searching without pause, timed per phase."""

    def __init__(self, base: str, threads: int) -> None:
        self.base = base
        self.threads = threads
        self.phases: dict[str, Latencies] = {}

    @contextmanager
    def running(self, label: str) -> Iterator[None]:
        found = self.phases[label] = Latencies(label)
        stop = threading.Event()
        workers = [
            threading.Thread(target=self._search, args=(n, found, stop))
            for n in range(self.threads)
        ]
        for worker in workers:
            worker.start()
        try:
            yield
        finally:
            stop.set()
            for worker in workers:
                worker.join(timeout=PATIENCE)

    def _search(self, seed: int, into: Latencies, stop: threading.Event) -> None:
        pick = random.Random(seed)
        while not stop.is_set():
            path = pick.choice(("/search/", "/api/articles/"))
            url = f"{self.base}{path}?{urllib.parse.urlencode({'q': pick.choice(QUERIES)})}"
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=PATIENCE) as response:
                    response.read()
                    status = int(response.status)
            except urllib.error.HTTPError as exc:
                status = exc.code
            except (OSError, urllib.error.URLError) as exc:
                into.failed.append(f"{url}: {exc}")
                continue
            into.seconds.append(time.perf_counter() - start)
            if status != 200:
                into.failed.append(f"{url}: HTTP {status}")


def _gunicorn(port: int) -> subprocess.Popen[bytes]:
    # As `make run` serves, with the readers' threads allowed to search without pause.
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsarchive.wsgi", "--workers", "3"]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", str(int(PATIENCE))],
        cwd=settings.BASE_DIR,
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _manage(*args: str) -> subprocess.Popen[bytes]:
    # Output to a file: a pipe nobody reads until the end would stall a chatty process.
    with open(Path(settings.VAR_DIR) / f"load-{args[0]}.log", "wb") as log:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _environment() -> dict[str, str]:
    return {**os.environ, "SEARCH_RATE": "1000000/m", "EXPORT_RATE": "1000000/m"}


@contextmanager
def _process(process: subprocess.Popen[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            process.kill()


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/", timeout=PATIENCE):
            return True
    except (OSError, urllib.error.URLError):
        return False


def _wait(condition: Any, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
