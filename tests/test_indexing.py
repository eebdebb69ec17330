"""The write path: requests only queue, the index worker writes, verify_index checks it all."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from haystack import connections
from haystack.query import SearchQuerySet

from articles import worker
from articles.indexing import drain, enqueue, queue_status, verify
from articles.models import Article, IndexQueue, Visibility
from articles.search import SearchParams, run
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def found(q: str) -> list[int]:
    return sorted(hit.article.pk for hit in run(SearchParams(q=q)).hits)


def test_a_save_only_queues_and_the_worker_indexes_it(index_worker: Callable[[], int]) -> None:
    article = make_article(title="Stoltenberg ở Brussels")
    assert list(IndexQueue.objects.values_list("article_id", flat=True)) == [article.pk]
    assert found("stoltenberg") == []
    assert index_worker() == 1
    assert found("stoltenberg") == [article.pk]
    assert queue_status().length == 0


def test_queueing_again_while_a_batch_is_written_keeps_the_newer_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    article = make_article(title="Bản tin cũ")
    backend_class = type(connections["default"].get_backend())
    real_apply = backend_class.apply

    def edited_meanwhile(self: Any, index: Any, objects: Any, removed: Any) -> None:
        real_apply(self, index, objects, removed)
        # A curator saves again after the worker read the article, before its rows go.
        Article.objects.filter(pk=article.pk).update(title="Bản tin mới")
        enqueue([article.pk])

    monkeypatch.setattr(backend_class, "apply", edited_meanwhile)
    assert drain(limit=1) == 1
    assert IndexQueue.objects.filter(article_id=article.pk).exists()  # not forgotten
    monkeypatch.undo()
    drain()
    assert found('"bản tin mới"') == [article.pk] and found('"bản tin cũ"') == []


def test_the_worker_loop_stops_when_told_and_survives_a_failing_job() -> None:
    stop = threading.Event()
    turns: list[str] = []

    def broken() -> int:
        turns.append("broken")
        raise RuntimeError("disk full")

    def counting() -> int:
        turns.append("counting")
        if turns.count("counting") == 3:
            stop.set()
        return 1

    done = worker.run(
        [worker.Job("broken", broken, every=0.01), worker.Job("counting", counting, every=0.01)],
        stop=stop,
    )
    assert done == {"broken": 0, "counting": 3}
    assert turns[:2] == ["broken", "counting"]  # the failure did not end the loop


def test_verify_index_finds_and_repairs_every_kind_of_difference(
    index_worker: Callable[[], int], search_engine: str
) -> None:
    kept, changed, hidden, deleted, lost, twice = (
        make_article(title=f"Bài số {n}", body=f"Nội dung số {n} về NATO.") for n in range(6)
    )
    index_worker()
    out = StringIO()
    call_command("verify_index", stdout=out)
    assert out.getvalue().splitlines()[-1] == "index and database agree"

    # Changes the queue never heard of (a crash in an older version, a restored backup, a
    # hand-made SQL fix): verify_index is how they are found.
    Article.objects.filter(pk=changed.pk).update(title="Tiêu đề khác")
    Article.objects.filter(pk=hidden.pk).update(visibility=Visibility.HIDDEN)
    Article.objects.filter(pk=deleted.pk)._raw_delete("default")  # type: ignore[attr-defined]
    backend = connections["default"].get_backend()
    backend.remove(f"articles.article.{lost.pk}")
    index = connections["default"].get_unified_index().get_index(Article)
    if search_engine == "whoosh":
        with backend.index.writer() as writer:  # a second document for one article
            writer.add_document(**next(backend._documents(index, [twice])))
    # PostgreSQL's documents are rows keyed by the article id: a second one cannot exist.
    duplicated = [twice.pk] if search_engine == "whoosh" else []
    # A change still queued is the worker's, not a difference.
    pending = make_article(title="Đang chờ")

    differences = verify()
    assert (differences.missing, differences.extra) == ([lost.pk], sorted([deleted.pk, hidden.pk]))
    assert (differences.stale, differences.duplicated) == ([changed.pk], duplicated)
    assert differences.queued == 1 and pending.pk not in differences.ids
    with pytest.raises(CommandError, match="verify_index --repair"):
        call_command("verify_index", stdout=StringIO())

    out = StringIO()
    call_command("verify_index", "--repair", stdout=out)
    assert out.getvalue().splitlines()[-1] == "index and database agree"
    assert found("nato") == sorted([kept.pk, changed.pk, lost.pk, twice.pk])
    assert found('"tiêu đề khác"') == [changed.pk]
    assert verify().ids == [] and not IndexQueue.objects.exists()


def test_the_worker_lets_a_short_queue_settle_into_one_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker, "SETTLE", 600.0)  # however slow this machine is today
    first = make_article(title="Một")
    # A second, a moment later: one commit for both is cheaper than a commit each.
    assert worker.index_turn() == 0
    second = make_article(title="Hai")
    IndexQueue.objects.filter(article_id=first.pk).update(
        queued_at=timezone.now() - timedelta(seconds=worker.SETTLE + 1)
    )
    assert worker.index_turn() == 2
    assert sorted(int(r.pk) for r in SearchQuerySet().models(Article)) == [first.pk, second.pk]
