"""ArticleIndex: what each article contributes to the search engine."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from haystack import indexes

from articles.models import Article, Language
from articles.text import ENGLISH, EXACT, FOLDING, article_text, day_number

NO_TOPIC = "none"


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    # Title + body, diacritics folded: matches "bat den xanh" and "bật đèn xanh" alike.
    text = indexes.CharField(document=True, analyzer=FOLDING)
    # Accents kept, so exact-accent matches add score on top of the folded match.
    text_exact = indexes.CharField(analyzer=EXACT)
    # English articles only: stemmed, so "troops" finds "troop". Empty for Vietnamese.
    text_en = indexes.CharField(analyzer=ENGLISH)
    title = indexes.CharField(model_attr="title", analyzer=FOLDING, boost=2.0)
    language = indexes.CharField(model_attr="language", analyzer=EXACT)
    # Facet columns hold a value for every document: 0 means none (an unset value would
    # read back as the column's default, the largest integer).
    source_id = indexes.IntegerField()
    published = indexes.DateField(model_attr="published", null=True)
    topics = indexes.MultiValueField()  # topic slugs: never facet on analysed names
    entities = indexes.MultiValueField()  # entity ids
    year = indexes.IntegerField()
    # Sort key for "newest first": YYYYMMDD, 0 when unknown, so undated articles sort last.
    published_sort = indexes.IntegerField()
    # The article's story (0: none yet), counted to collapse results to one item per story.
    story = indexes.IntegerField()
    # 1 for a republished or syndicated copy: results fold it under the first publication.
    copy = indexes.IntegerField()
    # The article's id, a column: equal scores rank by it, so an order never depends on
    # how or when the index was written (rebuilds, updates).
    id_sort = indexes.IntegerField(model_attr="pk")

    def get_model(self) -> type[Article]:
        return Article

    def index_queryset(self, using: str | None = None) -> Any:
        return (
            Article.objects.visible()
            .select_related("source", "copy_of")
            .prefetch_related("topics", "mentions")
        )

    def read_queryset(self, using: str | None = None) -> Any:
        # Hits are loaded through this: an article hidden a moment ago never shows,
        # even before its index document is gone.
        # Never the input as received (`raw`): a crawled page's HTML, often a hundred times
        # the article's text, which no result shows.
        visible_copies = (
            Article.objects.visible()
            .select_related("source")
            .defer("raw")
            .order_by("published", "id")
        )
        return (
            Article.objects.visible()
            .select_related("source", "story", "copy_of")
            .defer("raw", "copy_of__raw")
            .prefetch_related("mentions__entity", Prefetch("copies", queryset=visible_copies))
        )

    def prepare_text(self, article: Article) -> str:
        return article_text(article.title, article.body)

    def prepare_text_exact(self, article: Article) -> str:
        return self.prepare_text(article)

    def prepare_text_en(self, article: Article) -> str:
        return self.prepare_text(article) if article.language == Language.ENGLISH else ""

    def prepare_topics(self, article: Article) -> list[str]:
        # Every document gets a value: Whoosh keeps term vectors (which the topic facet
        # reads) only for segments where some document has one. "none" = no topic yet.
        return sorted(topic.slug for topic in article.topics.all()) or [NO_TOPIC]

    def prepare_entities(self, article: Article) -> list[str]:
        # "0" for none, for the same reason as NO_TOPIC.
        return sorted(str(m.entity_id) for m in article.mentions.all()) or ["0"]

    def prepare_source_id(self, article: Article) -> int:
        return article.source_id or 0

    def prepare_published_sort(self, article: Article) -> int:
        return day_number(article.published)

    def prepare_story(self, article: Article) -> int:
        return article.story_id or 0

    def prepare_copy(self, article: Article) -> int:
        # A copy of a hidden original stands in for it: it is the visible first publication.
        return 1 if article.visible_original else 0

    def prepare_year(self, article: Article) -> int:
        return article.published.year if article.published else 0
