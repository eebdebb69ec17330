"""Several gunicorn workers serve searches while an import runs and an admin edits articles:
no request fails, and afterwards the index holds exactly what the database holds."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from haystack.query import SearchQuerySet

from articles.indexing import drain
from articles.models import Article, IndexQueue
from tests.factories import make_article
from tests.paths import ROOT

CORPORA = settings.CORPORA_DIR

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = urllib.parse.quote(db["USER"]) + (
        f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    )
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


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
def server_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "WHOOSH_PATH": settings.HAYSTACK_CONNECTIONS["default"]["PATH"],
        "VAR_DIR": str(settings.VAR_DIR),
        "DEBUG": "1",
        "PYTHONPATH": str(ROOT),
        # Three threads search without pause: count them (in the database cache, under
        # concurrent workers and an import) but never limit them.
        "SEARCH_RATE": "1000000/m",
        "EXPORT_RATE": "1000000/m",
    }


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
            "120",
        ],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/", timeout=5)
                break
            except (OSError, urllib.error.URLError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        _, errors = proc.communicate(timeout=30)
        # Anything a worker logged (a traceback behind a 500) belongs in the failure report.
        print(errors.decode()[-5000:])


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
        page = self.opener.open(self.base + path, timeout=60).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    def post(self, path: str, data: dict[str, Any]) -> int:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._token(path)}).encode()
        return int(self.opener.open(self.base + path, body, timeout=60).status)

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
    gunicorn: str, server_env: dict[str, str], tmp_path: Path
) -> None:
    User.objects.create_superuser("curator", "c@example.org", "pw-123456")
    edited = [
        make_article(title=f"Bài gốc {n}", body=f"Nội dung gốc số {n} về NATO.") for n in range(8)
    ]
    drain()
    feed = tmp_path / "feed.jsonl"
    _corpus_feed(feed, per_language=60)

    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(feed)],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    statuses: list[int] = []
    stop = threading.Event()

    def searcher(query: str) -> None:
        while not stop.is_set():
            for path in ("/search/", "/api/articles/"):
                url = f"{gunicorn}{path}?{urllib.parse.urlencode({'q': query})}"
                try:
                    statuses.append(urllib.request.urlopen(url, timeout=60).status)
                except urllib.error.HTTPError as exc:
                    statuses.append(exc.code)

    threads = [
        threading.Thread(target=searcher, args=(q,)) for q in ("nato", "chính phủ", "market")
    ]
    for thread in threads:
        thread.start()
    admin = _Admin(gunicorn)
    edit_statuses = []
    for n, article in enumerate(edited):
        changes = {"title": f"Đã sửa zzedit{n}"}
        if n % 3 == 0:
            changes["visibility"] = "hidden"
        edit_statuses.append(admin.edit(article, **changes))
    out, err = importer.communicate(timeout=600)
    stop.set()
    for thread in threads:
        thread.join()

    assert importer.returncode == 0, err.decode()
    assert out.decode().strip() == "created 120, updated 0, unchanged 0, failed 0"
    assert edit_statuses == [200] * len(edited)
    assert statuses and set(statuses) == {200}
    assert IndexQueue.objects.count() == 0

    # The index holds exactly the visible articles, each with its current title.
    indexed = {int(r.pk): r.title for r in SearchQuerySet().models(Article)[:10_000]}
    visible = dict(Article.objects.visible().values_list("pk", "title"))
    assert indexed == visible
    assert len(visible) == 120 + len(edited) - 3
    assert all(f"zzedit{n}" in visible.get(a.pk, f"zzedit{n}") for n, a in enumerate(edited))
