"""The issue's acceptance checks, on the real demo pages, through the pages and the export."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from articles.models import Article
from tests.paths import DEMO, DEMO_FILES

SEEDS = {seed: f"file:{name}" for seed, name in DEMO_FILES.items()}
NOISE = [
    "Mời quý độc giả theo dõi VOV.VN trên",
    "Theo dõi Baoquocte.vn trên",
    "Sign up to read this article",
    "Tin liên quan",
    "Mỹ mở rộng trừng phạt IS ở Libya, Yemen và Saudi Arabia",
    "Những điểm sáng trong di sản đối ngoại",
    "Lịch cúp điện",
    "Already a member? Sign in here",
    "How to submit an Op-Ed",
]

pytestmark = pytest.mark.django_db


def seeds_found(
    client: Client, demo: dict[str, Article], **params: Any
) -> tuple[set[str], set[str]]:
    """The seeds a query finds on the search page and in the export (following `next`)."""
    by_id = {article.pk: seed for seed, article in demo.items()}
    page = client.get("/search/", params).content.decode()
    on_page = {seed for seed, article in demo.items() if f'href="/articles/{article.pk}/"' in page}
    exported: set[str] = set()
    url: str | None = "/api/articles/"
    query: dict[str, Any] | None = {**params, "limit": 2}
    while url:
        data = client.get(url, query).json()
        exported |= {by_id[row["id"]] for row in data["results"]}
        url, query = data["next"], None
    return on_page, exported


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "bat den xanh"}, {"001"}),
        ({"q": "bật đèn xanh"}, {"001"}),
        ({"q": "Stoltenberg"}, {"000", "001", "003", "004"}),
        ({"q": "Libya"}, {"000", "003", "004"}),
        ({"q": "NATO", "language": "vi"}, {"000", "001", "002"}),
        ({"q": "NATO", "language": "en"}, {"003", "004"}),
        ({"q": '"Tổng thư ký"'}, {"000", "001", "002"}),
        ({"q": "Rutte"}, {"002"}),
        ({"q": "troop"}, {"003", "004"}),
    ],
)
def test_demo_queries(
    client: Client, demo: dict[str, Article], params: dict[str, str], expected: set[str]
) -> None:
    on_page, exported = seeds_found(client, demo, **params)
    assert on_page == expected
    assert exported == expected


def test_libya_is_found_in_both_languages(demo: dict[str, Article]) -> None:
    assert {demo[seed].language for seed in ("000", "003", "004")} == {"vi", "en"}


@pytest.mark.parametrize("phrase", NOISE)
def test_page_noise_is_not_stored_and_matches_no_search(
    client: Client, demo: dict[str, Article], phrase: str
) -> None:
    for article in demo.values():
        assert phrase not in article.body
    on_page, exported = seeds_found(client, demo, q=f'"{phrase}"')
    assert on_page == exported == set()


def test_manifest_values_win(demo: dict[str, Article]) -> None:
    assert demo["000"].source.name == "VOV.VN"
    assert demo["000"].published.isoformat() == "2016-05-21"
    assert demo["000"].published_precision == "day"
    assert demo["004"].source.domain == "aljazeera.com"
    assert [demo[s].language for s in sorted(demo)] == ["vi", "vi", "vi", "en", "en"]


def test_reimport_creates_nothing_new(demo: dict[str, Article]) -> None:
    out = StringIO()
    call_command("import_articles", str(DEMO), stdout=out)
    assert out.getvalue().strip() == "created 0, updated 0, unchanged 5, failed 0"
    assert Article.objects.count() == 5


def test_import_without_manifest_extracts_what_the_text_holds(tmp_path: Path) -> None:
    for path in DEMO.glob("0*.txt"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    call_command("import_articles", str(tmp_path), stdout=StringIO())
    articles = {a.key: a for a in Article.objects.select_related("source")}
    assert articles[SEEDS["000"]].source.domain == "vov.vn"
    assert articles[SEEDS["004"]].source.domain == "aljazeera.com"
    assert articles[SEEDS["000"]].published is None  # "21/5" has no year: none is guessed
    assert (
        articles[SEEDS["000"]].title
        == "NATO không có kế hoạch triển khai lực lượng chiến đấu tại Libya"
    )
    assert [articles[SEEDS[s]].language for s in sorted(SEEDS)] == ["vi", "vi", "vi", "en", "en"]


@pytest.mark.django_db
def test_an_event_date_is_not_a_publication_date_and_the_page_says_so(
    client: Client, tmp_path: Path
) -> None:
    page = tmp_path / "hai-van.txt"
    page.write_text(
        "Thông xe hầm Hải Vân 2\n\n"
        "Ngày 11/1/2021, hầm Hải Vân 2 chính thức thông xe sau hơn 4 năm thi công, nối liền "
        "Thừa Thiên Huế và Đà Nẵng, giúp rút ngắn thời gian di chuyển qua đèo Hải Vân.\n\n"
        "Công trình có tổng mức đầu tư hơn 3.000 tỷ đồng và dài hơn 6 km theo thiết kế.",
        encoding="utf-8",
    )
    call_command("import_articles", str(page), stdout=StringIO())
    article = Article.objects.get()
    assert article.published is None  # "Ngày 11/1/2021, ..." is the event, not the article's day
    english = client.get(f"/articles/{article.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    vietnamese = client.get(f"/articles/{article.pk}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "date unknown" in english and "chưa rõ ngày" in vietnamese
