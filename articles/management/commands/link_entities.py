"""manage.py link_entities: Re-link every article to the entity registry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.entities import current_linker, link_article
from articles.indexing import deferred_indexing, enqueue
from articles.models import Article


class Command(BaseCommand):
    help = "Re-link every article to the entities (run after the registry changes)."

    def handle(self, *args: Any, **options: Any) -> None:
        linker, done = current_linker(), 0
        with deferred_indexing():
            for article in Article.objects.iterator(chunk_size=500):
                with transaction.atomic():
                    link_article(article, linker)
                    enqueue([article.pk])
                done += 1
        self.stdout.write(f"linked {done} article(s)")
