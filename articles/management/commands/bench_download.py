"""manage.py bench_download: time a complete download and the server's peak memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from articles.evaluation import benchmark, download_benchmark
from articles.models import Article


class Command(BaseCommand):
    help = "Index N corpus articles (once), then download all of them as CSV and NDJSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--corpora", type=Path, default=settings.CORPORA_DIR)

    def handle(self, *args: Any, articles: int, corpora: Path, **options: Any) -> None:
        if Article.objects.count() < articles:
            Article.objects.filter(key__startswith="bench:").delete()
            self.stdout.write(f"building {articles} articles from {corpora} ...")
            self.stdout.write(f"indexed {benchmark.build(corpora, articles)} articles")
        everything = Article.objects.visible().filter(copy_of=None).count()
        self.stdout.write(f"{everything} articles to download (gunicorn, one sync worker)")
        # A small download first: the worker's memory once warm, to compare the full ones with.
        queries = [
            ("nato, CSV", "q=nato&format=csv"),
            ("all, CSV", "format=csv"),
            ("all, NDJSON", "format=ndjson"),
        ]
        for run in download_benchmark.run(queries):
            self.stdout.write(
                f"{run.label:12} {run.rows:>8} lines {run.bytes / 1e6:8.1f} MB "
                f"{run.seconds:8.1f} s  server peak memory {run.peak_mb:6.1f} MB "
                "(target: < 300 MB at 100,000 articles)"
            )
