"""The feeds in the admin: the Feed pages, the inline on a source, "fetch now", attention filters.

articles/admin.py imports this module (which registers FeedAdmin) and adds the inline, the
filter, the action and the health block to the Source admin.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString

from articles.feeds.health import (
    describe,
    feed_health,
    feeds_needing_attention,
    source_health,
    sources_needing_attention,
)
from articles.feeds.schedule import fetch_now
from articles.models import Feed, Source
from articles.text import safe_url


class FeedForm(forms.ModelForm):
    url = forms.URLField(max_length=1000, assume_scheme="https")

    class Meta:
        model = Feed
        fields = ["source", "url", "interval_minutes", "is_active", "language", "country"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if safe_url(url) is None:
            raise forms.ValidationError("Enter a web address starting with http:// or https://.")
        return url

    def clean_interval_minutes(self) -> int:
        minutes: int = self.cleaned_data["interval_minutes"]
        if minutes < 1:
            raise forms.ValidationError("At least one minute.")
        return minutes


# Curators paste bare domains; assume https, as the other admin forms do.
_URL_FIELDS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


class FeedInline(admin.TabularInline):
    model = Feed
    form = FeedForm
    formfield_overrides = _URL_FIELDS
    extra = 1
    fields = [
        "url",
        "interval_minutes",
        "is_active",
        "language",
        "country",
        "last_fetched_at",
        "last_status",
        "consecutive_failures",
    ]
    readonly_fields = ["last_fetched_at", "last_status", "consecutive_failures"]


class _AttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "needs attention"), ("no", "all well")]

    def flagged(self) -> set[int]:
        raise NotImplementedError

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(pk__in=self.flagged())
        if self.value() == "no":
            return queryset.exclude(pk__in=self.flagged())
        return queryset


class SourceAttentionFilter(_AttentionFilter):
    """Sources whose feeds fail, that went silent, or whose volume dropped sharply."""

    def flagged(self) -> set[int]:
        return sources_needing_attention()


class FeedAttentionFilter(_AttentionFilter):
    def flagged(self) -> set[int]:
        return feeds_needing_attention()


def _say_queued(request: HttpRequest, count: int) -> None:
    seconds = int(settings.FEED_CHECK_SECONDS)
    messages.success(
        request,
        f"{count} feed(s) will be fetched by the worker (manage.py index_worker) within about "
        f"{seconds} seconds of its current turn; their new articles follow, a few at a time.",
    )


@admin.action(description="Fetch now")
def fetch_sources_now(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Source]) -> None:
    _say_queued(request, fetch_now(Feed.objects.filter(source__in=queryset, is_active=True)))


def source_health_block(source: Source) -> SafeString | str:
    return describe(source_health(source)) if source.pk else "—"


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    form = FeedForm
    formfield_overrides = _URL_FIELDS
    list_display = [
        "url",
        "source",
        "is_active",
        "interval_minutes",
        "last_fetched_at",
        "last_status",
        "consecutive_failures",
        "last_new_article_at",
        "warnings",
    ]
    list_editable = ["is_active"]
    list_filter = [FeedAttentionFilter, "is_active", "kind"]
    list_select_related = ["source"]
    search_fields = ["url", "source__name"]
    actions = ["fetch_feeds_now"]
    readonly_fields = ["kind", "health", "last_problems"]
    fieldsets = [
        (None, {"fields": ["source", "url", "interval_minutes", "is_active"]}),
        ("Defaults for its articles", {"fields": ["language", "country"]}),
        ("Health", {"fields": ["kind", "health", "last_problems"]}),
    ]

    @admin.action(description="Fetch now")
    def fetch_feeds_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        _say_queued(request, fetch_now(queryset.filter(is_active=True)))

    @admin.display(description="health")
    def health(self, feed: Feed) -> SafeString | str:
        return describe(feed_health(feed)) if feed.pk else "—"

    @admin.display(description="warnings")
    def warnings(self, feed: Feed) -> str:
        return "; ".join(feed_health(feed).warnings) or "—"
