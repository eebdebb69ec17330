"""manage.py assign_topics: Re-assign automatic topics to every article; curators' choices stay."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from articles.indexing import deferred_indexing, enqueue
from articles.models import Article
from articles.topics import assign_topics


class Command(BaseCommand):
    help = "Re-assign automatic topics to every article (after retraining); curators' choices stay."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = 0
        with deferred_indexing():
            for article in Article.objects.filter(topics_curated=False).iterator(chunk_size=500):
                before = sorted(article.topics.values_list("slug", flat=True))
                if assign_topics(article) != before:
                    enqueue([article.pk])
                    changed += 1
        self.stdout.write(f"topics changed on {changed} article(s)")
