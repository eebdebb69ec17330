"""Two application servers ("machines") on one database: each runs gunicorn and an index
worker with its own local folder (VAR_DIR). An edit and an import through one are found by
searches through the other.

On PostgreSQL the search index is a table in the shared database: nothing on local disk is
needed, and neither machine's folder ever holds an index. The embedded Whoosh index is a
folder, the one piece of local state the machines must then share (the same WHOOSH_PATH).
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from articles.models import Article, IndexQueue
from tests.factories import make_article
from tests.paths import ROOT
from tests.processes import PATIENCE, environment, manage, wait_for
from tests.test_concurrency import _Admin, _free_port

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def _machine(env: dict[str, str]) -> Iterator[str]:
    """gunicorn and an index worker with this environment; yields the server's base URL."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "newsarchive.wsgi", "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", str(int(PATIENCE))]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    worker = manage("index_worker", env=env)
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited: {server.stderr.read().decode()[-3000:]}")  # type: ignore[union-attr]
        try:
            urllib.request.urlopen(f"{base}/", timeout=PATIENCE)
        except (OSError, urllib.error.URLError):
            return False
        return True

    try:
        wait_for(answers, f"gunicorn on {base} to answer")
        yield base
    finally:
        for proc in (server, worker):
            proc.terminate()
        _, errors = server.communicate(timeout=PATIENCE)
        worker.communicate(timeout=PATIENCE)
        print(errors.decode()[-5000:])


def _found(base: str, q: str) -> list[int]:
    url = f"{base}/api/articles/?{urllib.parse.urlencode({'q': q})}"
    data: dict[str, Any] = json.loads(urllib.request.urlopen(url, timeout=PATIENCE).read())
    return sorted(row["id"] for row in data["results"])


def test_an_edit_and_an_import_through_one_server_are_found_through_the_other(
    tmp_path: Path, search_engine: str
) -> None:
    folders = {name: tmp_path / name for name in ("a", "b")}
    shared_whoosh = tmp_path / "shared-whoosh"
    envs = {
        name: environment(
            VAR_DIR=str(folder),
            WHOOSH_PATH=str(shared_whoosh if search_engine == "whoosh" else folder / "whoosh"),
            SEARCH_RATE="1000000/m",
            EXPORT_RATE="1000000/m",
            SEARCH_TIME_BUDGET="300",
        )
        for name, folder in folders.items()
    }
    User.objects.create_superuser("curator", "c@example.org", "pw-123456")
    article = make_article(title="Bài gốc", body="Nội dung về NATO ở Hà Nội.")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps(
            {
                "url": "https://two.example/zzimported",
                "title": "Tin nhập zzimported",
                "body": (
                    "Ông Stoltenberg nói NATO sẵn sàng hỗ trợ Libya nếu được yêu cầu, "
                    "trong một bài được nhập qua máy thứ nhất của kho lưu trữ."
                ),
                "language": "vi",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    with ExitStack() as stack:
        first = stack.enter_context(_machine(envs["a"]))
        second = stack.enter_context(_machine(envs["b"]))
        wait_for(lambda: _found(second, "nato") == [article.pk], "the article in search")

        assert _Admin(first).edit(article, title="Đã sửa zzedited") == 200
        wait_for(lambda: _found(second, "zzedited") == [article.pk], "the edit, through b")
        assert _found(second, '"bài gốc"') == []

        importer = manage("import_articles", str(feed), env=envs["a"])
        out, err = importer.communicate(timeout=PATIENCE)
        assert importer.returncode == 0, err.decode()
        assert out.decode().strip() == "created 1, updated 0, unchanged 0, failed 0"
        imported = Article.objects.get(url="https://two.example/zzimported").pk
        wait_for(lambda: _found(second, "zzimported") == [imported], "the import, through b")
        assert _found(first, "zzimported") == [imported]
        wait_for(lambda: not IndexQueue.objects.exists(), "the queue to empty")

    if search_engine == "postgres":
        # No index on either machine's disk: the database is all search needs.
        assert not any((folder / "whoosh").exists() for folder in folders.values())
        assert not shared_whoosh.exists()
    else:
        assert shared_whoosh.is_dir()


def _configured_engine(env: dict[str, str]) -> str:
    """settings.SEARCH_ENGINE as a process started with this environment sees it."""
    return subprocess.run(
        [sys.executable, "-c", "from newsarchive import settings; print(settings.SEARCH_ENGINE)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=True,
    ).stdout.strip()


@pytest.mark.parametrize(
    ("database_url", "engine"),
    [
        ("postgres://newsarchive@127.0.0.1:5432/newsarchive", "articles.search.postgres."),
        ("sqlite:///var/db.sqlite3", "articles.search.backend."),
        ("", "articles.search.backend."),
    ],
)
def test_the_search_engine_follows_the_database(database_url: str, engine: str) -> None:
    env = {key: value for key, value in environment().items() if key != "SEARCH_ENGINE"}
    env["DATABASE_URL"] = database_url
    assert _configured_engine(env).startswith(engine)
    # Set explicitly, it wins (Whoosh on PostgreSQL, for instance).
    env["SEARCH_ENGINE"] = "articles.search.backend.LockingWhooshEngine"
    assert _configured_engine(env) == "articles.search.backend.LockingWhooshEngine"
