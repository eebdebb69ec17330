"""The articles app: the whole archive, one Django app along the pipeline (see __init__)."""

from __future__ import annotations

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "News archive"

    def ready(self) -> None:
        from articles import checks  # noqa: F401 - registers the production checks
