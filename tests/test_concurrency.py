"""Three gunicorn workers serve searches while an import runs, a curator edits and hides
articles, and the index worker indexes it all: no request fails, no request writes the
index, and afterwards the index holds exactly what the database holds.

Everything waits on conditions with generous bounds (tests/processes.py), never on short
fixed timeouts: on a machine whose cores are busy the test is slower, not red.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from haystack.query import SearchQuerySet

from articles.indexing import verify
from articles.models import Article, IndexQueue
from tests.factories import make_article
from tests.paths import ROOT
from tests.processes import PATIENCE, environment, manage, wait_for, wait_until_serving

CORPORA = settings.CORPORA_DIR

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _corpus_feed(path: Path, per_language: int) -> None:
    lines = []
    for name in ("en_bbc_news.jsonl", "vi_vntc_sample.jsonl"):
        with open(CORPORA / name, encoding="utf-8") as corpus:
            for n, line in enumerate(corpus):
                if n == per_language:
                    break
                record = json.loads(line)
                lines.append(
                    json.dumps(
                        {
                            "url": f"https://corpus.example/{record['id']}",
                            "title": record["title"],
                            "body": record["body"],
                            "language": record["lang"],
                        },
                        ensure_ascii=False,
                    )
                )
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def server_env() -> dict[str, str]:
    return environment(
        # Three threads search without pause: count them (in the database cache, under
        # concurrent workers and an import) but never limit them.
        SEARCH_RATE="1000000/m",
        EXPORT_RATE="1000000/m",
        # A search that waits for a busy CPU is slow, not failed.
        SEARCH_TIME_BUDGET="300",
    )


@pytest.fixture
def gunicorn(server_env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsarchive.wsgi",
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            str(int(PATIENCE)),
        ],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"

    try:
        wait_until_serving(proc, base)
        yield base
    finally:
        proc.terminate()
        _, errors = proc.communicate(timeout=PATIENCE)
        # Anything a worker logged (a traceback behind a 500) belongs in the failure report.
        print(errors.decode()[-5000:])


@pytest.fixture
def index_worker(server_env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    worker = manage("index_worker", env=server_env)
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=PATIENCE)


class _Admin:
    """A logged-in admin session against the running server."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.post(
            "/admin/login/", {"username": "curator", "password": "pw-123456", "next": "/admin/"}
        )

    def _token(self, path: str) -> str:
        page = self.opener.open(self.base + path, timeout=PATIENCE).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    def post(self, path: str, data: dict[str, Any]) -> int:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._token(path)}).encode()
        return int(self.opener.open(self.base + path, body, timeout=PATIENCE).status)

    def edit(self, article: Article, **changes: str) -> int:
        fields = {
            "title": article.title,
            "source": "",
            "language": article.language,
            "url": "",
            "visibility": article.visibility,
            "published": "",
            "published_precision": article.published_precision,
            "body": article.body,
            "topic_links-TOTAL_FORMS": "0",
            "topic_links-INITIAL_FORMS": "0",
        }
        fields.update(changes)
        return self.post(f"/admin/articles/article/{article.pk}/change/", fields)


def test_index_stays_correct_under_concurrent_search_import_and_edits(
    gunicorn: str,
    index_worker: subprocess.Popen[bytes],
    server_env: dict[str, str],
    tmp_path: Path,
) -> None:
    User.objects.create_superuser("curator", "c@example.org", "pw-123456")
    edited = [
        make_article(title=f"Bài gốc {n}", body=f"Nội dung gốc số {n} về NATO.") for n in range(8)
    ]
    # Saving only queued them: the worker makes them searchable.
    wait_for(lambda: not IndexQueue.objects.exists(), "the worker to index the first articles")
    assert SearchQuerySet().models(Article).count() == len(edited)
    feed = tmp_path / "feed.jsonl"
    _corpus_feed(feed, per_language=60)

    importer = manage("import_articles", str(feed), env=server_env)
    statuses: list[int] = []
    stop = threading.Event()

    def searcher(query: str) -> None:
        while not stop.is_set():
            for path in ("/search/", "/api/articles/"):
                url = f"{gunicorn}{path}?{urllib.parse.urlencode({'q': query})}"
                try:
                    statuses.append(urllib.request.urlopen(url, timeout=PATIENCE).status)
                except urllib.error.HTTPError as exc:
                    statuses.append(exc.code)

    threads = [
        threading.Thread(target=searcher, args=(q,)) for q in ("nato", "chính phủ", "market")
    ]
    for thread in threads:
        thread.start()
    try:
        admin = _Admin(gunicorn)
        edit_statuses = []
        for n, article in enumerate(edited):
            changes = {"title": f"Đã sửa zzedit{n}"}
            if n % 3 == 0:
                changes["visibility"] = "hidden"
            edit_statuses.append(admin.edit(article, **changes))
        out, err = importer.communicate(timeout=PATIENCE)
        # The import indexed what it queued, or left it to the worker holding the lock; the
        # curator's edits are the worker's.
        wait_for(lambda: not IndexQueue.objects.exists(), "the worker to empty the queue")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=PATIENCE)

    assert importer.returncode == 0, err.decode()
    assert out.decode().strip() == "created 120, updated 0, unchanged 0, failed 0"
    assert edit_statuses == [200] * len(edited)
    assert statuses and set(statuses) == {200}

    # The index holds exactly the visible articles, each with its current title.
    indexed = {int(r.pk): r.title for r in SearchQuerySet().models(Article)[:10_000]}
    visible = dict(Article.objects.visible().values_list("pk", "title"))
    assert indexed == visible
    assert len(visible) == 120 + len(edited) - 3
    assert all(f"zzedit{n}" in visible.get(a.pk, f"zzedit{n}") for n, a in enumerate(edited))
    assert verify().ids == []

    # SIGTERM stops the worker cleanly (its process manager's stop).
    index_worker.send_signal(signal.SIGTERM)
    _, errors = index_worker.communicate(timeout=PATIENCE)
    assert index_worker.returncode == 0, errors.decode()[-3000:]
    assert "index worker stopped" in errors.decode()
