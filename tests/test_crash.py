"""kill -9 the import and the index worker part way, run them again: nothing lost, nothing
duplicated, and verify_index finds the index equal to the database (both databases)."""

from __future__ import annotations

import json
import signal
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from haystack.query import SearchQuerySet

from articles.evaluation.ingest_benchmark import write_feed
from articles.indexing import verify
from articles.models import Article, IndexQueue
from tests.processes import PATIENCE, manage, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def stored() -> int:
    return Article.objects.count()


def indexed() -> int:
    return SearchQuerySet().models(Article).count()


def killed(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL  # it was still working


def test_killed_imports_and_worker_leave_the_index_equal_to_the_database(tmp_path: Path) -> None:
    call_command("load_entities", stdout=StringIO())
    feed = tmp_path / "feed.jsonl"
    lines = write_feed(settings.CORPORA_DIR, feed, 240)
    keys = [json.loads(line)["url"] for line in feed.read_text(encoding="utf-8").splitlines()]
    assert len(keys) == lines

    # The worker indexes while the import saves; both die mid-way.
    worker = manage("index_worker")
    first = manage("import_articles", str(feed))
    wait_for(lambda: stored() >= 30, "the first import to save 30 articles")
    wait_for(lambda: indexed() > 0, "the worker to index something")
    killed(worker)
    wait_for(lambda: stored() >= 60, "the first import to save 60 articles")
    killed(first)
    # Run again, with extraction processes this time, and killed again further on.
    second = manage("import_articles", "--jobs", "2", str(feed))
    wait_for(lambda: stored() >= 120, "the second import to save 120 articles")
    killed(second)

    # The same import to its end, leaving the index to a restarted worker.
    last = manage("import_articles", "--no-index", str(feed))
    out, err = last.communicate(timeout=PATIENCE)
    assert last.returncode == 0, err.decode()
    created, updated, unchanged, failed = (
        int(part.split()[1]) for part in out.decode().strip().split(", ")[:4]
    )
    refused = [line for line in err.decode().splitlines() if line.startswith("failed:")]
    assert all(line.endswith("no article text found") for line in refused)  # tables
    assert updated == 0 and failed == len(refused)
    assert unchanged >= 120 and created + unchanged == stored() == lines - failed
    # Nothing lost, nothing twice: every article the feed holds is stored once by its URL.
    refused_lines = {int(line.split(":")[-2]) for line in refused}
    expected = {key for n, key in enumerate(keys, start=1) if n not in refused_lines}
    assert set(Article.objects.values_list("key", flat=True)) == expected

    restarted = manage("index_worker", "--once")
    _, err = restarted.communicate(timeout=PATIENCE)
    assert restarted.returncode == 0, err.decode()
    assert not IndexQueue.objects.exists()

    check = manage("verify_index")
    out, err = check.communicate(timeout=PATIENCE)
    assert check.returncode == 0, out.decode() + err.decode()
    assert out.decode().splitlines()[-1] == "index and database agree"
    differences = verify()
    assert differences.ids == [] and differences.documents == differences.articles == stored()
    assert indexed() == stored()
