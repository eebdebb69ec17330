"""A whole import: --jobs gives the same archive, progress is shown, indexing can wait."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.evaluation.ingest_benchmark import write_feed
from articles.indexing import drain, verify
from articles.ingest import count_inputs, import_paths, pipeline
from articles.management.commands import import_articles
from articles.models import Article, IndexQueue, Story
from articles.search import SearchParams, run

pytestmark = pytest.mark.django_db


def run_import(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def archive() -> dict[str, Any]:
    """What an import made, without ids: articles, their topics, mentions and copies, and
    the stories as groups of keys."""
    articles = Article.objects.prefetch_related("topics", "mentions").select_related("copy_of")
    rows = {
        a.key: (
            a.title,
            a.language,
            a.published,
            sorted(t.slug for t in a.topics.all()),
            sorted((m.entity_id, m.count) for m in a.mentions.all()),
            a.copy_of.key if a.copy_of else None,
        )
        for a in articles
    }
    stories: dict[int | None, set[str]] = {}
    for key, story in Article.objects.values_list("key", "story_id"):
        stories.setdefault(story, set()).add(key)
    return {"articles": rows, "stories": sorted(sorted(keys) for keys in stories.values())}


def forget_everything() -> None:
    Article.objects.all().delete()
    Story.objects.all().delete()
    drain()  # deleting queued the articles: their documents go


def test_two_extraction_processes_make_the_same_archive_and_report_bad_lines_by_name(
    registry: None, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.jsonl"
    count = write_feed(settings.CORPORA_DIR, feed, 150)
    with open(feed, "a", encoding="utf-8") as handle:
        handle.write('{"url": "https://e.org/broken", "title": \n')  # line count + 1
        handle.write(json.dumps({"url": "https://e.org/empty", "title": "Nothing", "body": " "}))
        handle.write("\n")

    alone, alone_err = run_import(str(feed))
    one = archive()
    forget_everything()
    together, together_err = run_import("--jobs", "2", str(feed))

    assert together == alone and together.startswith("created ")
    assert archive() == one
    assert f"failed: {feed}:{count + 1}: invalid JSON" in together_err
    assert f"failed: {feed}:{count + 2}: no article text found" in together_err
    failures = sorted(line for line in together_err.splitlines() if line.startswith("failed:"))
    assert failures == sorted(line for line in alone_err.splitlines() if line.startswith("failed:"))
    # Nothing lost: every article that was not refused is stored and searchable.
    stored = Article.objects.count()
    assert stored == int(together.split()[1].rstrip(",")) == count + 2 - len(failures)
    assert not IndexQueue.objects.exists()
    assert run(SearchParams(copies=True)).total == stored


def test_without_indexing_the_articles_wait_for_the_worker(
    tmp_path: Path, index_worker: Callable[[], int]
) -> None:
    feed = tmp_path / "feed.jsonl"
    write_feed(settings.CORPORA_DIR, feed, 20)

    out, _ = run_import("--no-index", str(feed))

    stored = set(Article.objects.values_list("pk", flat=True))
    assert out.startswith(f"created {len(stored)},")
    assert set(IndexQueue.objects.values_list("article_id", flat=True)) == stored
    assert run(SearchParams(copies=True)).total == 0
    assert index_worker() == len(stored)
    assert run(SearchParams(copies=True)).total == len(stored)


def test_progress_is_plain_lines_without_a_terminal_and_a_bar_on_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = tmp_path / "feed.jsonl"
    count = write_feed(settings.CORPORA_DIR, feed, 12)
    monkeypatch.setattr(import_articles, "PLAIN_EVERY", 0.0)

    _, err = run_import(str(feed))

    lines = [line for line in err.splitlines() if not line.startswith("failed:")]
    stored = Article.objects.count()
    assert lines[-1] == f"indexing {stored} queued articles"
    # done/total, share, elapsed and time left, rate: one line per article here.
    assert lines[0].startswith("  8%|") and f"| 1/{count} [" in lines[0]
    assert "articles/s]" in lines[-2] and f"| {count}/{count} [" in lines[-2]

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    forget_everything()
    terminal = Terminal()
    call_command("import_articles", str(feed), stdout=StringIO(), stderr=terminal)
    screen = terminal.getvalue()
    assert "\r" in screen and "100%|" in screen and f"{count}/{count}" in screen
    assert "indexing" in screen

    forget_everything()
    _, err = run_import("--no-progress", str(feed))
    assert all(line.startswith("failed:") for line in err.splitlines())


def test_count_inputs_counts_files_and_feed_lines(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.html").write_text("<p>x</p>")
    (tmp_path / "a" / "manifest.jsonl").write_text('{"file": "page.html"}\n')
    (tmp_path / "a" / ".hidden.txt").write_text("x")
    (tmp_path / "feed.jsonl").write_text('{"title": "1"}\n\n{"title": "2"}\n{"title": "3"}')
    (tmp_path / "note.txt").write_text("x")
    (tmp_path / "README.md").write_text("# what this folder is")
    assert count_inputs([tmp_path]) == 5
    assert count_inputs([tmp_path / "feed.jsonl", tmp_path / "missing.txt"]) == 4


@pytest.mark.django_db(transaction=True)
def test_with_jobs_another_process_indexes_beside_the_import(
    registry: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Committed transactions (the indexing process reads what the import commits), and
    # small batches, so that it also indexes while the import is still saving.
    monkeypatch.setattr(pipeline, "BESIDE_BATCH", 20)
    feed = tmp_path / "feed.jsonl"
    write_feed(settings.CORPORA_DIR, feed, 120)

    report = import_paths([feed], jobs=2)

    stored = Article.objects.count()
    assert stored == report.counts["created"] > 100 and not report.index_failed
    # The import itself had nothing left to index when it ended: the other process did it all.
    assert report.indexing == 0
    assert not IndexQueue.objects.exists()
    differences = verify()
    assert not differences.ids and differences.documents == stored, differences.summary()
    assert run(SearchParams(copies=True)).total == stored
