"""manage.py index_worker: the background worker, the only search index writer (articles.worker)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from articles import worker


class Command(BaseCommand):
    help = (
        "Run the background worker until SIGTERM or Ctrl-C: it indexes queued changes in "
        "batches (one writer, one commit per batch) and fetches the sources' due feeds. "
        "Run exactly one beside the web server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="run the jobs until none has work left, then exit (for scripts and cron)",
        )

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        chatty = logging.getLogger(worker.__name__)
        if int(options["verbosity"]) >= 1 and chatty.level == logging.NOTSET:
            # What each turn did, through the site's log handlers (LOG_LEVEL stays WARNING
            # for everything else), so a process manager's log shows the worker working.
            chatty.setLevel(logging.INFO)
        stop = threading.Event()
        self.stderr.write(f"index worker started (jobs: {', '.join(j.name for j in worker.JOBS)})")
        with worker.stopped_by_signals(stop):
            done = worker.run(stop=stop, until_idle=once)
        self.stderr.write(
            "index worker stopped: " + ", ".join(f"{name} {n}" for name, n in done.items())
        )
