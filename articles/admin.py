"""Curation: sources and articles. Hiding an article removes it from search at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from articles.indexing import enqueue
from articles.ingest import assign_topics
from articles.models import Article, ArticleTopic, Source, Topic, Visibility

# Curators paste bare domains; assume https (Django 6's default) rather than http.
_URL_FIELDS = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = _URL_FIELDS
    list_display = ["name", "domain", "language", "country", "is_active", "article_count"]
    list_editable = ["is_active"]
    list_filter = ["language", "is_active", "country"]
    search_fields = ["name", "domain", "notes"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).with_article_counts()

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
    list_display = ["title", "source", "language", "published", "published_precision", "visibility"]
    list_filter = ["visibility", "language", "published_precision", "topics", "topics_curated",
                   "source"]
    list_select_related = ["source"]
    search_fields = ["title", "body", "url", "key"]
    date_hierarchy = "published"
    readonly_fields = ["key", "content_hash", "ingested_at", "updated_at", "raw_format", "raw"]
    fieldsets = [
        (None, {"fields": ["title", "source", "language", "url", "visibility"]}),
        ("Date", {"fields": ["published", "published_precision"]}),
        ("Topics", {"fields": ["topics_curated"],
                    "description": "Editing the topics below marks them curated: re-processing "
                                   "then keeps them. Untick to let the classifier decide again."}),
        ("Text", {"fields": ["body"]}),
        ("Provenance", {"classes": ["collapse"],
                        "fields": ["key", "raw_format", "raw", "content_hash", "ingested_at", "updated_at"]}),
    ]
    actions = ["hide", "publish"]

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any,
                     change: bool) -> None:
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

    def _set_visibility(self, request: HttpRequest, queryset: QuerySet[Article], value: str) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        # update() sends no post_save, so queue the index change explicitly.
        count = Article.objects.filter(pk__in=ids).update(visibility=value)
        enqueue(ids)
        self.message_user(request, f"{count} article(s) now {value}.", messages.SUCCESS)
