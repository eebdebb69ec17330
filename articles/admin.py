"""Curation in the Django admin: sources, articles, topics, entities, stories. Hiding is instant."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.core.validators import URLValidator
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from articles import stories
from articles.entities import accept, merge, quotes, reject
from articles.feeds.admin import (
    FeedInline,
    SourceAttentionFilter,
    fetch_sources_now,
    source_health_block,
)
from articles.indexing import enqueue, queue_status
from articles.models import (
    Article,
    ArticleTopic,
    Candidate,
    Concept,
    Entity,
    EntityAlias,
    Mention,
    SavedSearch,
    Source,
    SourceQuerySet,
    Story,
    Topic,
    Visibility,
)
from articles.search import articles_naming
from articles.text import safe_url
from articles.topics import assign_topics


class HttpURLField(forms.URLField):
    """A link the site will show: http(s) only, checked by text.safe_url as at import.

    Django's URLField also takes ftp:// and ftps://, and an article's or a source's URL
    becomes a link on the public pages (issue #16: a javascript: URL ran script there).
    """

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {"invalid": "Enter a web address starting with http:// or https://."}

    def clean(self, value: Any) -> str | None:
        url: str | None = super().clean(value)  # None for Article.url left empty (null=True)
        if url and safe_url(url) is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return url


# Curators paste bare domains; assume https (Django 6's default) rather than http.
_URL_FIELDS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"form_class": HttpURLField, "assume_scheme": "https"}
}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = _URL_FIELDS
    list_display = ["name", "domain", "language", "country", "is_active", "article_count"]
    list_editable = ["is_active"]
    list_filter = ["language", "is_active", "country", SourceAttentionFilter]
    search_fields = ["name", "domain", "notes"]
    # Feeds (articles/feeds/): the source's feeds, "fetch now", and its health.
    inlines = [FeedInline]
    actions = [fetch_sources_now]
    readonly_fields = ["health"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return cast(SourceQuerySet, super().get_queryset(request)).with_article_counts()

    @admin.display(description="health")
    def health(self, source: Source) -> str:
        return source_health_block(source)

    @admin.display(ordering="article_count", description="articles")
    def article_count(self, source: Source) -> int:
        return source.article_count  # type: ignore[attr-defined]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_vi", "article_count"]
    search_fields = ["slug", "name_en", "name_vi"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).annotate(article_count=models.Count("article_links"))

    @admin.display(ordering="article_count", description="articles")
    def article_count(self, topic: Topic) -> int:
        return topic.article_count  # type: ignore[attr-defined]


class ArticleTopicInline(admin.TabularInline):
    model = ArticleTopic
    extra = 1
    fields = ["topic", "origin", "score"]
    readonly_fields = ["origin", "score"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = _URL_FIELDS
    inlines = [ArticleTopicInline]
    list_display = [
        "title",
        "source",
        "language",
        "published",
        "published_precision",
        "visibility",
        "story",
    ]
    list_filter = [
        "visibility",
        "language",
        "published_precision",
        "topics",
        "topics_curated",
        "source",
    ]
    list_select_related = ["source", "story"]
    search_fields = ["title", "body", "url", "key"]
    raw_id_fields = ["story", "copy_of"]
    date_hierarchy = "published"
    readonly_fields = [
        "key",
        "content_hash",
        "ingested_at",
        "updated_at",
        "raw_format",
        "raw",
        "story_score",
    ]
    fieldsets = [
        (None, {"fields": ["title", "source", "language", "url", "visibility"]}),
        (
            "Story",
            {
                "fields": ["story", "story_locked", "story_score", "copy_of"],
                "description": "Choosing another story moves the article there for good: "
                "automatic grouping never moves an article a curator placed.",
            },
        ),
        ("Date", {"fields": ["published", "published_precision"]}),
        (
            "Topics",
            {
                "fields": ["topics_curated"],
                "description": "Editing the topics below marks them curated: re-processing "
                "then keeps them. Untick to let the classifier decide again.",
            },
        ),
        ("Text", {"fields": ["body"]}),
        (
            "Provenance",
            {
                "classes": ["collapse"],
                "fields": ["key", "raw_format", "raw", "content_hash", "ingested_at", "updated_at"],
            },
        ),
    ]
    actions = ["hide", "publish", "split_story"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET":
            _report_index_queue(request)
        return super().changelist_view(request, extra_context)

    def save_model(
        self, request: HttpRequest, article: Article, form: forms.ModelForm, change: bool
    ) -> None:
        old = Article.objects.filter(pk=article.pk).values_list("story_id", flat=True).first()
        if change and "story" in form.changed_data:
            article.story_locked = True  # a curator's decision: grouping keeps it
        super().save_model(request, article, form, change)
        if change and (
            {"story", "visibility", "published", "title", "copy_of"} & set(form.changed_data)
        ):
            stories.refresh([article.story_id, old])

    @admin.action(description="Split selected articles off into a new story")
    def split_story(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        story = stories.move(queryset)
        self.message_user(
            request, f"{story.article_count} article(s) now in story {story.pk}.", messages.SUCCESS
        )

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        article = form.instance
        if any(formset.has_changed() for formset in formsets):
            # A curator's choice: keep it through re-processing and retraining.
            Article.objects.filter(pk=article.pk).update(topics_curated=True)
            ArticleTopic.objects.filter(article=article).update(origin=ArticleTopic.Origin.CURATOR)
        elif not article.topics_curated and "topics_curated" in form.changed_data:
            assign_topics(article)
        # Topics live in other rows: the article's own post_save came before they changed.
        enqueue([article.pk])

    @admin.action(description="Hide selected articles (removes them from search and export)")
    def hide(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._set_visibility(request, queryset, Visibility.HIDDEN)

    @admin.action(description="Publish selected articles")
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._set_visibility(request, queryset, Visibility.PUBLISHED)

    def _set_visibility(
        self, request: HttpRequest, queryset: QuerySet[Article], value: str
    ) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        # update() sends no post_save, so queue the index change explicitly.
        count = Article.objects.filter(pk__in=ids).update(visibility=value)
        enqueue(ids)
        stories.refresh(queryset.values_list("story_id", flat=True))
        self.message_user(request, f"{count} article(s) now {value}.", messages.SUCCESS)


def _report_index_queue(request: HttpRequest) -> None:
    """Say how many saved changes wait for the index worker, and for how long: with the
    worker down the site keeps serving, so this is where a curator notices."""
    status = queue_status()
    if not status.length or status.oldest is None:
        return
    seconds = int(status.age.total_seconds())
    late = seconds > 60
    age = timesince(status.oldest) if late else f"{seconds} seconds"
    text = (
        f"Search index: {status.length} saved change(s) not yet searchable, the oldest for "
        f"{age}. Hidden articles are hidden everywhere at once."
    )
    if late:
        text += " Is the index worker (manage.py index_worker) running?"
    messages.add_message(request, messages.WARNING if late else messages.INFO, text)


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 1
    fields = ["text", "language", "is_acronym"]


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    """The alias registry. After changing aliases run `manage.py link_entities` to re-link."""

    list_display = ["__str__", "kind", "status", "mention_count", "registry_id"]
    list_filter = ["status", "kind"]
    search_fields = ["name_en", "name_vi", "aliases__text", "registry_id"]
    readonly_fields = ["registry_id", "merged_into"]
    inlines = [EntityAliasInline]
    actions = ["accept", "reject", "merge_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entity]:
        return super().get_queryset(request).annotate(mention_count=models.Count("mentions"))

    @admin.display(ordering="mention_count", description="articles")
    def mention_count(self, entity: Entity) -> int:
        return entity.mention_count  # type: ignore[attr-defined]

    @admin.action(description="Accept selected (candidates become entities)")
    def accept(self, request: HttpRequest, queryset: QuerySet[Entity]) -> None:
        _accept(self, request, queryset)

    @admin.action(description="Reject selected (never linked or proposed again)")
    def reject(self, request: HttpRequest, queryset: QuerySet[Entity]) -> None:
        self.message_user(request, f"{reject(queryset)} rejected.")

    @admin.action(description="Merge selected into the one with most mentions")
    def merge_selected(self, request: HttpRequest, queryset: QuerySet[Entity]) -> None:
        entities = sorted(queryset, key=lambda e: (-e.mention_count, e.pk))  # type: ignore[attr-defined]
        if len(entities) < 2:
            self.message_user(request, "Select at least two entities to merge.", messages.ERROR)
            return
        ids = list(Mention.objects.filter(entity__in=entities).values_list("article_id", flat=True))
        merge(entities[0], entities[1:])
        enqueue(ids)
        self.message_user(request, f"Merged {len(entities) - 1} into {entities[0]}.")


def _accept(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    accepted = list(queryset)
    named: set[int] = set()
    for entity in accepted:
        named |= _articles_naming(entity)
    linked = accept(accepted, also=named)
    model_admin.message_user(request, f"{len(accepted)} accepted; {linked} article(s) re-linked.")


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    """The curators' queue (#14): names seen in two articles or more, most named and newest
    first, with where they were seen; junk never gets here (entities/candidates.py)."""

    list_display = ["__str__", "article_count", "last_seen", "context"]
    search_fields = ["name_en", "name_vi"]
    actions = ["accept", "reject"]
    list_per_page = 50
    fields = ["name_en", "name_vi", "kind", "description"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Candidate]:
        return Candidate.objects.queued()

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        return [
            "-article_count",
            models.F("last_seen").desc(nulls_last=True),
            "-last_added",
            "pk",
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(ordering="article_count", description="articles")
    def article_count(self, candidate: Candidate) -> int:
        return candidate.article_count  # type: ignore[attr-defined]

    @admin.display(ordering="last_seen", description="last seen")
    def last_seen(self, candidate: Candidate) -> Any:
        return candidate.last_seen  # type: ignore[attr-defined]

    @admin.display(description="in context")
    def context(self, candidate: Candidate) -> str:
        return format_html_join(mark_safe("<br>"), "“{}”", ((q,) for q in quotes(candidate)))

    @admin.action(description="Accept selected (they become entities; their articles re-link)")
    def accept(self, request: HttpRequest, queryset: QuerySet[Candidate]) -> None:
        _accept(self, request, queryset)

    @admin.action(description="Reject selected (never linked or proposed again)")
    def reject(self, request: HttpRequest, queryset: QuerySet[Candidate]) -> None:
        self.message_user(request, f"{reject(queryset)} rejected.")


@admin.register(EntityAlias)
class EntityAliasAdmin(admin.ModelAdmin):
    list_display = ["text", "language", "is_acronym", "entity"]
    list_filter = ["language", "is_acronym"]
    search_fields = ["text", "entity__name_en", "entity__name_vi"]
    list_select_related = ["entity"]
    actions = ["split_off"]

    @admin.action(description="Split selected aliases off into a new entity")
    def split_off(self, request: HttpRequest, queryset: QuerySet[EntityAlias]) -> None:
        aliases = list(queryset.select_related("entity"))
        if not aliases:
            return
        first = aliases[0]
        entity = Entity.objects.create(
            kind=first.entity.kind,
            name_en=first.text,
            name_vi=first.text if first.language == "vi" else "",
        )
        queryset.update(entity=entity)
        self.message_user(request, f"New entity {entity}; run link_entities to re-link.")


class StoryArticleInline(admin.TabularInline):
    model = Article
    fk_name = "story"
    fields: ClassVar[list[Any]] = [
        "title",
        "source",
        "language",
        "published",
        "visibility",
        "story_locked",
        "story_score",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["published", "id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    """Stories: rename (the headline then stays), pin, merge; split and move from articles."""

    list_display = [
        "__str__",
        "pinned",
        "article_count",
        "languages",
        "first_published",
        "last_published",
        "title_curated",
    ]
    list_filter = ["pinned", "closed", "title_curated", "languages"]
    list_editable = ["pinned"]
    search_fields = ["title", "articles__title"]
    readonly_fields = [
        "lead",
        "merged_into",
        "article_count",
        "languages",
        "first_published",
        "last_published",
        "created_at",
        "updated_at",
    ]
    fields = ["title", "title_curated", "pinned", "closed", *readonly_fields]
    inlines = [StoryArticleInline]
    actions = ["merge_stories", "pin", "unpin"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Story]:
        return super().get_queryset(request).filter(merged_into=None)

    def save_model(
        self, request: HttpRequest, story: Story, form: forms.ModelForm, change: bool
    ) -> None:
        if "title" in form.changed_data:
            story.title_curated = bool(story.title)  # an emptied headline goes back to automatic
        super().save_model(request, story, form, change)
        if not story.title_curated:
            stories.refresh([story.pk])

    @admin.action(description="Merge selected stories into the largest one")
    def merge_stories(self, request: HttpRequest, queryset: QuerySet[Story]) -> None:
        chosen = sorted(queryset, key=lambda s: (not s.pinned, -s.article_count, s.pk))
        if len(chosen) < 2:
            self.message_user(request, "Select at least two stories to merge.", messages.ERROR)
            return
        moved = stories.merge(chosen[0], chosen[1:])
        self.message_user(
            request,
            f"Merged {len(chosen) - 1} stories ({moved} articles) into “{chosen[0]}”.",
            messages.SUCCESS,
        )

    @admin.action(description="Pin selected stories")
    def pin(self, request: HttpRequest, queryset: QuerySet[Story]) -> None:
        queryset.update(pinned=True)

    @admin.action(description="Unpin selected stories")
    def unpin(self, request: HttpRequest, queryset: QuerySet[Story]) -> None:
        queryset.update(pinned=False)


def _articles_naming(entity: Entity) -> set[int]:
    """The articles whose text names one of the entity's aliases (found through the index)."""
    ids: set[int] = set()
    for text in entity.aliases.values_list("text", flat=True):
        ids |= articles_naming(text)
    return ids


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    """The bilingual concept glossary the search expands queries with (issue #11); an edit
    applies to the next search, no re-indexing."""

    list_display = ["key", "kind", "first_en", "first_vi", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["key", "terms_en", "terms_vi"]

    @admin.display(description="English")
    def first_en(self, concept: Concept) -> str:
        return concept.terms_en.strip().split("\n")[0]

    @admin.display(description="Vietnamese")
    def first_vi(self, concept: Concept) -> str:
        return concept.terms_vi.strip().split("\n")[0]


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    """Analysts' saved searches (articles/workspace): staff can see, fix or remove them."""

    list_display = ("name", "user", "digest", "created_at", "seen_at", "digest_sent_at")
    list_filter = ("digest",)
    search_fields = ("name", "user__username", "query")
    readonly_fields = ("feed_token", "created_at", "seen_at", "digest_sent_at")
    raw_id_fields = ("user",)
