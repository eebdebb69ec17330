"""A saved search as an Atom feed: its newest matches, at a URL with a private token."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from articles.models import SavedSearch
from articles.search import plain, run
from articles.workspace.saved import params_of

ENTRIES = 50


def atom(saved: SavedSearch) -> str:
    params = params_of(saved)
    results = run(replace(params, sort="newest", offset=0, limit=ENTRIES, facets=False))
    page = settings.SITE_URL + reverse("workspace:saved", args=[saved.pk])
    feed = Atom1Feed(
        title=f"{saved.name} – newsarchive",
        link=page,
        description=_description(saved),
        subtitle=_description(saved),  # Atom shows no description
        language="vi",
        feed_url=settings.SITE_URL + reverse("workspace:feed", args=[saved.feed_token]),
        id=f"{page}#{saved.pk}",
    )
    for hit in results.hits:
        article = hit.article
        feed.add_item(
            title=article.title,
            link=settings.SITE_URL + article.get_absolute_url(),
            description=plain(hit.snippet),
            unique_id=f"{settings.SITE_URL}{article.get_absolute_url()}",
            pubdate=_when(article.published) or article.ingested_at,
            updateddate=article.ingested_at,
            author_name=article.source.name if article.source else None,
        )
    return feed.writeString("utf-8")


def _description(saved: SavedSearch) -> str:
    """A feed reader asks in no interface language: the one the analyst saved it in."""
    with translation.override(saved.language or settings.LANGUAGE_CODE):
        text = gettext("Newest matches of the saved search “%(name)s”")
    return text % {"name": saved.name}


def _when(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0, 0), tzinfo=UTC) if day else None
