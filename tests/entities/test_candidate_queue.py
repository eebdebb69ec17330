"""The curators' candidate queue (#14): counted, ranked, quoted, junk-free, worked in bulk."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from articles.entities import junk_reason
from articles.evaluation.ingest_benchmark import write_feed
from articles.models import Article, Candidate, CandidateSighting, Entity, Mention

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "language", "reason"),
    [
        ("Boxing Day", "en", "date"),
        ("March Madness", "en", "date"),
        ("Tháng Ba", "vi", "date"),
        ("Group 77", "en", "number"),
        ("Reuters Television", "en", "outlet"),
        ("VnExpress.net Sent", "en", "outlet"),
        ("Tuổi Trẻ Online", "vi", "outlet"),
        ("German Chancellor Gerhard Schroeder", "en", "role"),
        ("Cabinet Secretary", "en", "role"),
        ("Hạ Messina", "vi", "fragment"),
        ("Bromwell High Bộ", "vi", "fragment"),
        ("Meanwhile Tokyo", "en", "sentence start"),
        ("Daily Telegraph", "en", "outlet"),
        ("Technologies Inc", "en", "fragment"),
        ("Senate Republican", "en", "fragment"),
        ("West German", "en", "adjective"),
        ("Chrysler Corp", "en", ""),
        ("House of Commons", "en", ""),
        ("Jose Mourinho", "en", ""),
        ("Nguyễn Thị Bích Hà", "vi", ""),
        ("Hải Phòng", "vi", ""),
        ("National Union of Mineworkers", "en", ""),
    ],
)
def test_junk_reason(name: str, language: str, reason: str) -> None:
    assert junk_reason(name, language) == reason


@pytest.fixture
def imported(registry: None, tmp_path: Path) -> int:
    feed = tmp_path / "feed.jsonl"
    count = write_feed(settings.CORPORA_DIR, feed, 200)
    call_command("import_articles", "--no-progress", str(feed), stdout=StringIO())
    return count


def test_queue_counts_articles_ranks_and_keeps_junk_out(imported: int) -> None:
    queue = list(Candidate.objects.queued())
    assert queue, "200 corpus articles name someone twice"
    counts = [c.article_count for c in queue]  # type: ignore[attr-defined]
    assert counts == sorted(counts, reverse=True) and min(counts) >= 2
    for candidate in queue:
        assert junk_reason(str(candidate), "vi" if candidate.name_vi else "en") == ""
        named = Article.objects.filter(sightings__entity=candidate)
        assert named.count() == candidate.article_count  # type: ignore[attr-defined]
        assert all(str(candidate) in a.title + " " + " ".join(a.body.split()) for a in named)
    # Names in one article are kept (they may come back) but do not make the queue longer.
    once = Entity.objects.filter(status="candidate").count() - len(queue)
    assert once > 0


def test_queue_page_shows_counts_and_context(admin_client: Client, imported: int) -> None:
    top = Candidate.objects.queued()[0]
    page = admin_client.get("/admin/articles/candidate/").content.decode()
    assert str(top) in page
    first_row = page[page.index(str(top)) :][:3000]
    assert f">{top.article_count}<" in first_row  # type: ignore[attr-defined]
    assert first_row.count("“") >= 2 and f"{top}" in first_row.split("“", 1)[1]


def test_bulk_accept_relinks_and_bulk_reject_forgets(admin_client: Client, imported: int) -> None:
    first, second, third = Candidate.objects.queued()[:3]
    named = set(CandidateSighting.objects.filter(entity=first).values_list("article", flat=True))
    response = admin_client.post(
        "/admin/articles/candidate/",
        {"action": "accept", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "2 accepted" in response.content.decode()
    assert set(Mention.objects.filter(entity=first).values_list("article", flat=True)) >= named
    assert not CandidateSighting.objects.filter(entity__in=[first, second]).exists()
    admin_client.post(
        "/admin/articles/candidate/", {"action": "reject", "_selected_action": [third.pk]}
    )
    queued = set(Candidate.objects.queued().values_list("pk", flat=True))
    assert not queued & {first.pk, second.pk, third.pk}
    # Re-linking everything proposes neither the accepted nor the rejected name again.
    call_command("link_entities", stdout=StringIO())
    assert Entity.objects.get(pk=third.pk).status == "rejected"
    assert not CandidateSighting.objects.filter(entity=third).exists()
    assert Mention.objects.filter(entity=first).count() >= len(named)
