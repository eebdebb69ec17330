"""manage.py group_stories: File articles without a story (--all: re-file every article)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from articles.stories import regroup


class Command(BaseCommand):
    help = (
        "File articles that have no story yet (or, with --all, every article a curator did "
        "not place) into stories, oldest first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="regroup from scratch")

    def handle(self, *args: Any, all: bool, **options: Any) -> None:
        self.stdout.write(f"filed {regroup(everything=all)} article(s) into stories")
