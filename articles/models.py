"""The tables: sources, articles, topics, entities, mentions, stories, the index queue, and
the PostgreSQL search engine's documents."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from articles.text import day_label


class Language(models.TextChoices):
    VIETNAMESE = "vi", "Tiếng Việt"
    ENGLISH = "en", "English"


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"
    UNKNOWN = "unknown", "unknown"


class Visibility(models.TextChoices):
    PUBLISHED = "published", "published"
    HIDDEN = "hidden", "hidden"


class SourceQuerySet(models.QuerySet["Source"]):
    def active(self) -> SourceQuerySet:
        return self.filter(is_active=True)

    def with_article_counts(self) -> SourceQuerySet:
        visible = models.Q(articles__visibility=Visibility.PUBLISHED)
        return self.annotate(article_count=models.Count("articles", filter=visible))


class Source(models.Model):
    name = models.CharField(max_length=200, unique=True)
    domain = models.CharField(max_length=200, unique=True, null=True, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code, e.g. VN")
    homepage = models.URLField(blank=True)
    is_active = models.BooleanField("active", default=True)
    notes = models.TextField(blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:source", args=[self.pk])


class ArticleQuerySet(models.QuerySet["Article"]):
    def visible(self) -> ArticleQuerySet:
        return self.filter(visibility=Visibility.PUBLISHED)

    def in_language(self, language: str) -> ArticleQuerySet:
        return self.filter(language=language)


class Article(models.Model):
    # `key` identifies the input an article came from: its URL when known, else a stable
    # name (file name, feed id). Re-importing the same key updates, never duplicates.
    key = models.CharField(max_length=1000, unique=True)
    url = models.URLField(max_length=1000, unique=True, null=True, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="articles", null=True, blank=True
    )
    title = models.CharField(max_length=1000)
    body = models.TextField(help_text="Clean article text, paragraphs separated by a blank line")
    raw = models.TextField(blank=True, help_text="The input as received, kept for re-processing")
    raw_format = models.CharField(max_length=10, default="text")
    language = models.CharField(max_length=2, choices=Language.choices, blank=True)
    published = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=7, choices=Precision.choices, default=Precision.UNKNOWN
    )
    content_hash = models.CharField(max_length=64, db_index=True)
    ingested_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    visibility = models.CharField(
        max_length=9, choices=Visibility.choices, default=Visibility.PUBLISHED, db_index=True
    )
    # Set when a curator chose the topics: re-processing then leaves them alone.
    topics_curated = models.BooleanField(default=False)
    topics: models.ManyToManyField[Topic, ArticleTopic] = models.ManyToManyField(
        "Topic", through="ArticleTopic", related_name="articles", blank=True
    )
    # The event this article covers (articles/stories/store.py). `story_locked` is set when a
    # curator put it there: automatic grouping then never moves it.
    story = models.ForeignKey(
        "Story", on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    story_locked = models.BooleanField(default=False)
    # How strongly the article resembles the story it was filed in (0..1; None: it started
    # the story or a curator placed it), shown to curators (#14).
    story_score = models.FloatField("placement score", null=True, blank=True)
    # A republished or syndicated copy points at the first publication of the same text.
    copy_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]
        indexes = [
            models.Index(fields=["-published", "-id"]),
            # A search page loads its hits' visible copies (copy_of IN ... AND published):
            # with the visibility index alone SQLite scans every published article for it.
            models.Index(fields=["copy_of", "visibility"], name="article_visible_copies"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", args=[self.pk])

    @property
    def is_visible(self) -> bool:
        return self.visibility == Visibility.PUBLISHED

    @property
    def visible_original(self) -> Article | None:
        """The first publication this is a copy of, if readers may see it; else None, and
        this copy stands in for it (nothing of a hidden article is shown)."""
        original = self.copy_of
        return original if original is not None and original.is_visible else None

    @property
    def published_label(self) -> str:
        """The date as precisely as it is known, in the interface language's one format."""
        return day_label(self.published, self.published_precision, get_language() or "en")


class IndexQueue(models.Model):
    """An article whose search document must be brought up to date with the database.

    Rows are written in the same transaction as the change, so an index write that fails
    (lock held too long, crash) is retried by the next writer instead of being lost.
    """

    article_id = models.BigIntegerField(unique=True)
    token = models.UUIDField(default=uuid.uuid4)
    queued_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"index article {self.article_id}"


class Topic(models.Model):
    """A subject in the bilingual taxonomy; slugs match articles.topics.TAXONOMY."""

    slug = models.SlugField(max_length=50, unique=True)
    name_en = models.CharField("English name", max_length=100)
    name_vi = models.CharField("Vietnamese name", max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        return f"{self.name_en} / {self.name_vi}"


class ArticleTopic(models.Model):
    class Origin(models.TextChoices):
        AUTO = "auto", "classifier"
        CURATOR = "curator", "curator"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="topic_links")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="article_links")
    score = models.FloatField(default=1.0)
    origin = models.CharField(max_length=7, choices=Origin.choices, default=Origin.AUTO)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "topic"], name="one_link_per_topic")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.topic.slug}"


class EntityKind(models.TextChoices):
    PERSON = "person", "person"
    ORGANISATION = "organisation", "organisation"
    PLACE = "place", "place"
    OTHER = "other", "other"


class EntityStatus(models.TextChoices):
    ACTIVE = "active", "active"
    CANDIDATE = "candidate", "candidate (awaiting a curator)"
    REJECTED = "rejected", "rejected"


class EntityQuerySet(models.QuerySet["Entity"]):
    def active(self) -> EntityQuerySet:
        return self.filter(status=EntityStatus.ACTIVE)


class Entity(models.Model):
    """A person, organisation or place, named in both languages."""

    # The id in the shipped registry (articles/entities/data/entities.jsonl, CLDR countries); empty
    # for entities curators create or accept.
    registry_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    kind = models.CharField(max_length=12, choices=EntityKind.choices, default=EntityKind.OTHER)
    name_en = models.CharField("English name", max_length=300, blank=True)
    name_vi = models.CharField("Vietnamese name", max_length=300, blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=9, choices=EntityStatus.choices, default=EntityStatus.ACTIVE, db_index=True
    )
    # Set when a curator merged this entity into another: its page redirects there.
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["name_en", "name_vi"]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        if self.name_en and self.name_vi and self.name_en != self.name_vi:
            return f"{self.name_en} / {self.name_vi}"
        return self.name_en or self.name_vi

    def get_absolute_url(self) -> str:
        return reverse("articles:entity", args=[self.pk])


class EntityAlias(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(max_length=300)
    language = models.CharField(
        max_length=2,
        choices=Language.choices,
        blank=True,
        help_text="Empty when both languages write it this way",
    )
    is_acronym = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "text", "language"], name="one_alias_per_spelling"
            )
        ]

    def __str__(self) -> str:
        return self.text


class Mention(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "entity"], name="one_mention_row_per_entity")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.entity_id} ×{self.count}"


class StoryQuerySet(models.QuerySet["Story"]):
    def listed(self) -> StoryQuerySet:
        """Stories a reader can open: not merged away, with at least one visible article."""
        return self.filter(merged_into=None, article_count__gt=0)


class Story(models.Model):
    """One event's coverage across sources and languages (grouped by articles/stories/store.py)."""

    title = models.CharField("headline", max_length=1000, blank=True)
    # Curators' choices that automatic grouping must keep (see articles/stories/store.py).
    title_curated = models.BooleanField("headline set by a curator", default=False)
    pinned = models.BooleanField(default=False, help_text="Pinned stories head the stories page")
    closed = models.BooleanField(
        default=False, help_text="Made by a curator's split: automatic grouping adds nothing to it"
    )
    lead = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The first publication",
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    # Kept up to date by stories.refresh(), so listing stories needs no aggregation.
    article_count = models.PositiveIntegerField(default=0)
    languages = models.CharField(max_length=20, blank=True, help_text="e.g. en,vi")
    first_published = models.DateField(null=True, blank=True)
    last_published = models.DateField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-last_published", "-id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title or f"story {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("articles:story", args=[self.pk])


class Fingerprint(models.Model):
    """One of an article's smallest shingle hashes: near-duplicate texts share most of them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="fingerprints")
    value = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "value"], name="one_fingerprint_value_per_article"
            )
        ]

    def __str__(self) -> str:
        return f"{self.value:x} of article {self.article_id}"


class AnalysedVectorField(SearchVectorField):
    """A tsvector written in its text form ("'ha':1 'noi':2"): the terms come analysed from
    Python (articles.text.index_terms), so PostgreSQL neither parses nor stems them again."""

    def get_placeholder(self, value: Any, compiler: Any, connection: Any) -> str:
        return "%s::tsvector"


class SearchDocument(models.Model):
    """An article as the PostgreSQL search engine indexes it (articles/search/postgres.py):
    derived from the article by the index worker, like a Whoosh document. PostgreSQL only:
    on SQLite the table is never created."""

    # The article's id. No foreign key: the index is derived data, written after the article
    # (deleting an article must not wait for, or cascade into, the engine's table).
    id = models.BigIntegerField(primary_key=True)
    headline = models.TextField()  # the title as stored (a search result's `title`)
    language = models.CharField(max_length=2)
    source_id = models.BigIntegerField()
    published = models.DateField(null=True)
    year = models.IntegerField()
    published_sort = models.IntegerField()
    story = models.BigIntegerField()
    copy = models.SmallIntegerField()
    topics = ArrayField(models.TextField())
    entities = ArrayField(models.TextField())
    # The prepared document's digest (articles.indexing.signature_of): verify_index compares
    # it with the article's, as it compares a Whoosh document's stored fields.
    digest = models.CharField(max_length=32)
    # One tsvector per haystack text field, named alike (search_indexes.ArticleIndex). The
    # table keeps them in the row, not in TOAST (migration 0012): ranking reads every match's
    # vectors, and a TOAST fetch per vector cost more than ranking itself.
    text = AnalysedVectorField()
    text_exact = AnalysedVectorField()
    text_en = AnalysedVectorField()
    title = AnalysedVectorField()
    # True when the accents-kept vector equals the folded one (a text without diacritics, as
    # nearly every English article): `text_exact` is then stored empty and `text` stands in
    # for it (search/postgres.py), so the row holds one copy instead of two.
    exact_as_text = models.BooleanField(default=False)

    class Meta:
        required_db_vendor = "postgresql"
        indexes = [
            GinIndex(fields=["text"], name="searchdoc_text"),
            GinIndex(fields=["text_exact"], name="searchdoc_text_exact"),
            GinIndex(fields=["text_en"], name="searchdoc_text_en"),
            GinIndex(fields=["title"], name="searchdoc_title"),
            GinIndex(fields=["topics"], name="searchdoc_topics"),
            GinIndex(fields=["entities"], name="searchdoc_entities"),
        ]

    def __str__(self) -> str:
        return f"search document of article {self.pk}"


class ConceptKind(models.TextChoices):
    ROLE = "role", "role or title"
    INSTITUTION = "institution", "institution"
    EVENT = "event", "event"
    THEME = "theme", "theme"


class Concept(models.Model):
    """A news concept named in both languages ("ceasefire" = "lệnh ngừng bắn"): a search in
    one language also finds the other's articles (articles/concepts)."""

    # The id in the shipped glossary (articles/concepts/data/glossary.tsv), or a curator's own.
    key = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=12, choices=ConceptKind.choices, default=ConceptKind.THEME)
    terms_en = models.TextField(
        "English terms", help_text="One a line, spelling variants too; the first is the usual one"
    )
    terms_vi = models.TextField(
        "Vietnamese terms", help_text="One a line, with diacritics; the first is the usual one"
    )
    is_active = models.BooleanField(default=True, help_text="Off: the search no longer expands it")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        en, vi = (terms.strip().splitlines()[:1] for terms in (self.terms_en, self.terms_vi))
        return " / ".join([*en, *vi]) or self.key


class FeedKind(models.TextChoices):
    FEED = "feed", "RSS/Atom feed"
    SITEMAP = "sitemap", "news sitemap"


class Feed(models.Model):
    """A source's RSS/Atom feed or news sitemap, fetched by the worker (articles/feeds/)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=1000, unique=True)
    kind = models.CharField(max_length=7, choices=FeedKind.choices, default=FeedKind.FEED)
    interval_minutes = models.PositiveIntegerField("fetch every (minutes)", default=30)
    is_active = models.BooleanField("active", default=True)
    language = models.CharField(
        max_length=2, choices=Language.choices, blank=True, help_text="empty: the source's"
    )
    country = models.CharField(max_length=2, blank=True, help_text="empty: the source's")
    # Conditional GET: what the server said last time.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_fetch_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=200, blank=True)
    last_problems = models.TextField(blank=True, help_text="entries left out last time, why")
    last_new_article_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source__name", "url"]

    def __str__(self) -> str:
        return self.url


class FeedPage(models.Model):
    """An article page a feed listed: waiting, imported, or failed with its reason."""

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        IMPORTED = "imported", "imported"
        FAILED = "failed", "failed"

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="pages")
    url = models.URLField(max_length=1000, unique=True)  # canonical
    title = models.CharField(max_length=1000, blank=True)  # the feed's
    published = models.CharField(max_length=40, blank=True)  # the feed's, ISO 8601
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    found_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_try_at"])]

    def __str__(self) -> str:
        return self.url


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits: a feed URL cannot be guessed


class DigestFrequency(models.TextChoices):
    NONE = "", _("no e-mail")
    HOURLY = "hourly", _("hourly")
    DAILY = "daily", _("daily")


class SavedSearch(models.Model):
    """An analyst's search (its query string) kept under a name (articles/workspace)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=200)
    query = models.TextField(help_text="The search's URL parameters, as the search page has them")
    created_at = models.DateTimeField(auto_now_add=True)
    # Articles with a larger id arrived after the analyst last looked.
    seen_after_id = models.BigIntegerField(default=0)
    seen_at = models.DateTimeField(null=True, blank=True)
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    digest = models.CharField(
        max_length=6, choices=DigestFrequency.choices, default=DigestFrequency.NONE, blank=True
    )
    # Every match with an id up to this one was considered for a digest already.
    digest_after_id = models.BigIntegerField(default=0)
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    # The interface language the search was saved or its digest chosen in: the digest's.
    language = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_name_per_user")
        ]
        verbose_name_plural = "saved searches"

    def __str__(self) -> str:
        return self.name


class DigestDelivery(models.Model):
    """An article sent in a saved search's digest: never sent for that search again."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="sent")
    article_id = models.BigIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "article_id"], name="digest_article_once"
            )
        ]

    def __str__(self) -> str:
        return f"article {self.article_id} sent for saved search {self.saved_search_id}"


class Bridge(models.Model):
    """A hashed key of an article that survives translation (articles/stories/bilingual.py):
    the other language's articles sharing some are its cross-language story candidates."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bridges")
    value = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "value"], name="one_bridge_value_per_article"
            )
        ]

    def __str__(self) -> str:
        return f"{self.value:x} of article {self.article_id}"


class CandidateSighting(models.Model):
    """An article naming a candidate entity: the curators' queue counts and quotes these (#14)."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="sightings")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sightings")
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "article"], name="one_sighting_per_article")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} names candidate {self.entity_id} ×{self.count}"


class CandidateQuerySet(models.QuerySet["Candidate"]):
    def queued(self, minimum: int = 2) -> CandidateQuerySet:
        """Candidates named in at least `minimum` articles, most named and most recent first."""
        return (
            self.filter(status=EntityStatus.CANDIDATE)
            .annotate(
                article_count=models.Count("sightings", distinct=True),
                last_seen=models.Max("sightings__article__published"),
                last_added=models.Max("sightings__article_id"),
            )
            .filter(article_count__gte=minimum)
            .order_by(
                "-article_count",
                models.F("last_seen").desc(nulls_last=True),
                "-last_added",
                "pk",
            )
        )


class Candidate(Entity):
    """An entity awaiting a curator, as the review queue shows it (a proxy of Entity)."""

    objects = CandidateQuerySet.as_manager()  # type: ignore[assignment,misc]

    class Meta:
        proxy = True


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    ignore_conflicts: bool = False,
) -> None:
    """INSERT plain rows of values ready for the database: no instances, no signals.

    For the many small rows an import writes per article (fingerprints, bridge keys,
    mentions, topics): bulk_create's work per object cost more than its statement (#10).
    """
    rows = list(rows)
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    # Concrete fields by name (a foreign key's column is its name plus "_id").
    column = {field.name: field.column for field in meta.concrete_fields}
    columns = ", ".join(quote(column[name]) for name in fields)
    values = placeholders(len(fields))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values}){conflict}"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def select_rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of a plain SELECT: the import's reads per article, where building the
    statement through the ORM cost several times what running it does (#10)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def placeholders(count: int) -> str:
    """One parameter mark per value, for `IN (...)` and `VALUES (...)`: "%s, %s"."""
    return ", ".join(["%s"] * count)
