"""The pages analysts read all day (issue #17): one date format, dense results with entity
chips, the article's entities/topics/story/copies, continuous charts, paging everywhere."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import translation

from articles.models import Article, Entity, Mention, Precision, Story
from articles.text import day_label
from tests.factories import make_article, make_source

# Dates as the pages wrote them before issue #17: ISO, "5 Apr 2016", "April 5, 2016".
ISO_OR_US = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d"
    r"|\b[A-Z][a-z]+ \d{1,2}, \d{4}"
)
# Article text (body, snippets, summaries) may hold any date: only the page's own are checked.
ARTICLE_TEXT = re.compile(
    r'<div class="body">.*?</div>|<p class="snippet[^"]*">.*?</p>'
    r'|<section class="summary".*?</section>',
    re.S,
)


def _text(html: str) -> str:
    """The page's own visible text, roughly: article text, tags and attributes dropped."""
    return re.sub(r"<[^>]+>", " ", ARTICLE_TEXT.sub(" ", html))


def _entity(registry_id: str) -> Entity:
    return Entity.objects.get(registry_id=registry_id)


def _many(count: int, entity: Entity | None = None, **fields: object) -> list[Article]:
    source = make_source(name="Nhân Dân", domain="nhandan.vn")
    start = date(2019, 1, 1)
    made = []
    for n in range(count):
        article = make_article(
            title=f"Tin số {n:03d}",
            body=f"Bài số {n}. Hà Nội hôm nay có tin về hợp tác kinh tế và đầu tư.",
            source=source,
            published=start + timedelta(days=n),
            published_precision=Precision.DAY,
            **fields,
        )
        if entity is not None:
            Mention.objects.create(article=article, entity=entity, count=1 + n % 3)
        made.append(article)
    return made


def test_dates_have_one_format_per_interface_language(linked_demo: dict[str, Article]) -> None:
    article = linked_demo["000"]  # 2016-05-21, day precision
    assert article.published_label == "21 May 2016"
    with translation.override("vi"):
        assert article.published_label == "21/05/2016"
    assert day_label(date(2016, 5, 21), "month") == "May 2016"


@pytest.mark.parametrize("path", ["/", "/stories/", "story", "detail", "entity", "source"])
def test_pages_write_dates_one_way(
    client: Client, linked_demo: dict[str, Article], path: str
) -> None:
    article = linked_demo["004"]  # Al Jazeera, 2016-04-05, in the NATO–Libya story
    assert article.story is not None and article.source is not None
    url = {
        "story": f"/stories/{article.story_id}/",
        "detail": f"/articles/{article.pk}/",
        "entity": f"/entities/{_entity('nato').pk}/",
        "source": f"/sources/{article.source.pk}/",
    }.get(path, path)
    response = client.get(url)
    assert response.status_code == 200
    text = _text(response.content.decode())
    assert "5 April 2016" in text
    assert not ISO_OR_US.search(text), ISO_OR_US.search(text)


@pytest.mark.parametrize("path", ["/search/", "/stories/"])
def test_date_inputs_take_day_month_year_and_iso_alike(
    client: Client, linked_demo: dict[str, Article], path: str
) -> None:
    iso = client.get(path, {"q": "nato", "from": "2016-04-01", "to": "2016-04-30"})
    ours = client.get(path, {"q": "nato", "from": "01/04/2016", "to": "30/04/2016"})
    assert iso.status_code == ours.status_code == 200
    hits = re.compile(r'href="/(?:articles|stories)/(\d+)/"')
    found = hits.findall(ours.content.decode())
    assert found and found == hits.findall(iso.content.decode())
    page = ours.content.decode()
    assert 'type="date"' not in page  # the browser's own (US-style) date picker is gone
    assert 'name="from" value="01/04/2016"' in page and 'placeholder="DD/MM/YYYY"' in page
    # An ISO date from a timeline link shows in the same format.
    assert 'name="to" value="30/04/2016"' in iso.content.decode()


@pytest.mark.parametrize("bad", ["31/02/2016", "2016-13-01", "12/31/2016", "hôm qua", "٢٠١٦-٠١-٠١"])
@pytest.mark.parametrize("path", ["/search/", "/stories/"])
def test_bad_dates_get_a_message_not_a_500(client: Client, db: None, path: str, bad: str) -> None:
    response = client.get(path, {"from": bad})
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()


def test_results_are_dense_with_first_lines_and_entity_chips(
    client: Client, linked_demo: dict[str, Article], index_worker: object
) -> None:
    page = client.get("/search/", {"q": "Stoltenberg"}).content.decode()
    hits = page.split('<li class="hit"')[1:]
    assert len(hits) == 4
    nato = _entity("nato")
    for hit in hits:
        assert 'class="source"' in hit and "<time" in hit and "lang-badge" in hit
        assert f'class="chip" href="/entities/{nato.pk}/"' in hit  # every hit names NATO
    home = client.get("/").content.decode()
    first_lines = re.findall(r'<p class="snippet first-lines">([^<]+)</p>', home)
    assert len(first_lines) == 5 and all(len(line) > 40 for line in first_lines)


def test_article_page_shows_its_entities_topics_story_and_copies(
    client: Client, linked_demo: dict[str, Article]
) -> None:
    article = linked_demo["000"]
    page = client.get(f"/articles/{article.pk}/").content.decode()
    entities = page.split('id="article-entities"', 1)[1].split("</section>", 1)[0]
    for registry_id in ("nato", "country-ly"):
        assert f'href="/entities/{_entity(registry_id).pk}/"' in entities
    topics = list(article.topics.all())
    assert topics
    for topic in topics:
        assert f"?topic={topic.slug}" in page
    assert article.story_id and f'href="/stories/{article.story_id}/"' in page
    copy = make_article(
        title=article.title, body=article.body, copy_of=article, source=make_source(name="Copier")
    )
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert f'href="/articles/{copy.pk}/">Copier</a>' in page


def test_entity_chart_shows_every_month_from_first_to_last(
    client: Client, linked_demo: dict[str, Article]
) -> None:
    nato = _entity("nato")
    months = sorted({a.published.replace(day=1) for a in nato_articles(nato) if a.published})
    page = client.get(f"/entities/{nato.pk}/").content.decode()
    starts = re.findall(r'data-start="(\d{4}-\d{2}-\d{2})" data-count="(\d+)"', page)
    first, last = months[0], months[-1]
    expected = (last.year - first.year) * 12 + last.month - first.month + 1
    assert len(starts) == expected > len(months)  # empty months are there
    assert [date.fromisoformat(s) for s, n in starts if n != "0"] == months
    assert starts[1] == ("2016-05-01", starts[1][1])  # April, then May 2016: one axis
    assert 'data-unit="month"' in page


def nato_articles(nato: Entity) -> list[Article]:
    return list(Article.objects.visible().filter(mentions__entity=nato))


def test_story_chart_is_continuous_by_day(client: Client, linked_demo: dict[str, Article]) -> None:
    story = linked_demo["004"].story
    assert story is not None
    page = client.get(f"/stories/{story.pk}/").content.decode()
    days = re.findall(r'data-start="(\d{4}-\d{2}-\d{2})" data-count="(\d+)"', page)
    published = sorted(a.published for a in story.articles.all() if a.published)
    assert 'data-unit="day"' in page
    assert len(days) == (published[-1] - published[0]).days + 1  # 5 April to 21 May 2016
    assert sum(int(n) for _, n in days) == len(published)


def test_entity_page_pages_all_its_articles(client: Client, db: None) -> None:
    org = Entity.objects.create(name_en="Asia Cooperation Forum", name_vi="Diễn đàn Hợp tác Á")
    made = _many(65, org)
    first = client.get(f"/entities/{org.pk}/").content.decode()
    assert first.count('<li class="hit"') == 20 and "page 1 of 4" in first
    assert 'rel="next" href="?page=2"' in first
    last = client.get(f"/entities/{org.pk}/", {"page": 4}).content.decode()
    assert last.count('<li class="hit"') == 5
    everything = client.get(f"/entities/{org.pk}/", {"per_page": 100}).content.decode()
    hits = re.findall(r'class="hit".*?href="/articles/(\d+)/"', everything, re.S)
    assert {int(pk) for pk in hits} == {a.pk for a in made}  # all 65: the cap of 50 is gone


@pytest.mark.parametrize("per_page", [20, 50, 100])
def test_per_page_is_honoured_on_every_list(client: Client, db: None, per_page: int) -> None:
    made = _many(120)
    source = made[0].source
    assert source is not None
    page = client.get(f"/sources/{source.pk}/", {"per_page": per_page}).content.decode()
    assert page.count('<li class="hit"') == per_page
    assert f'<strong aria-current="true">{per_page}</strong>' in page
    if per_page < 120:  # the next page keeps the size
        assert f'href="?per_page={per_page}&amp;page=2"' in page


def test_per_page_on_search_stories_and_story_pages(
    client: Client, db: None, index_worker: object
) -> None:
    made = _many(30)
    index_worker()
    search = client.get("/search/", {"q": "ha noi", "per_page": 50}).content.decode()
    assert search.count('<li class="hit"') == 30
    search = client.get("/search/", {"q": "ha noi"}).content.decode()
    assert search.count('<li class="hit"') == 20 and "per_page=50" in search
    paged = client.get("/search/", {"q": "ha noi", "per_page": 25, "page": 2}).content.decode()
    assert paged.count('<li class="hit"') == 5
    story = Story.objects.create(title="Một câu chuyện dài")
    Article.objects.filter(pk__in=[a.pk for a in made]).update(story=story)
    Story.objects.filter(pk=story.pk).update(article_count=30)
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert page.count('class="entry"') == 20 and "page 1 of 2" in page
    page = client.get(f"/stories/{story.pk}/", {"page": 2}).content.decode()
    assert page.count('class="entry"') == 10 and "first report" not in page
    for n in range(25):
        Story.objects.create(title=f"Chuyện {n}", article_count=2)
    stories = client.get("/stories/", {"per_page": 50}).content.decode()
    assert stories.count('class="hit story-item"') == 26


@pytest.mark.parametrize("bad", ["0", "101", "1000000", "abc", "-5", "٥٠"])
def test_per_page_is_bounded(client: Client, db: None, bad: str) -> None:
    source = make_source()
    org = Entity.objects.create(name_en="Bounded")
    story = Story.objects.create(title="x", article_count=1)
    make_article(source=source, story=story)
    for path in ("/search/", "/stories/", f"/sources/{source.pk}/", f"/entities/{org.pk}/"):
        response = client.get(path, {"q": "x", "per_page": bad})
        assert response.status_code == 400, path
        assert "per_page" in response.content.decode()
    assert client.get(f"/stories/{story.pk}/", {"per_page": bad}).status_code == 400
