"""E-mail digests of saved searches, sent by the worker (articles/worker.py, job "digests").

Each saved search with a digest gets at most one e-mail per hour or per day, listing the
matches that arrived since its last digest. An article is recorded as sent (DigestDelivery,
unique per search and article) in the same transaction as the mail is sent: a failed send
rolls the record back and is retried, and no article is ever sent twice for one search.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from itertools import islice

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from articles.models import Article, DigestDelivery, DigestFrequency, SavedSearch
from articles.workspace.downloads import walk
from articles.workspace.saved import arrival_mark, params_of

PERIODS = {DigestFrequency.HOURLY: timedelta(hours=1), DigestFrequency.DAILY: timedelta(days=1)}
LISTED = 100  # articles listed in one e-mail; the rest are counted and linked
PER_TURN = 20  # saved searches handled in one turn of the worker


def due(now: datetime) -> list[SavedSearch]:
    """Saved searches whose digest is due, oldest first, with an address to send to."""
    waiting = Q()
    for frequency, period in PERIODS.items():
        waiting |= Q(digest=frequency) & (
            Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lte=now - period)
        )
    found = (
        SavedSearch.objects.filter(waiting)
        .exclude(user__email="")
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("digest_sent_at", "id")
    )
    return list(found[:PER_TURN])


def send_digest(saved: SavedSearch, now: datetime) -> int:
    """Send the digest of one saved search if anything new matches; the articles sent."""
    mark = arrival_mark(saved.digest_after_id)
    params = replace(params_of(saved), after_id=saved.digest_after_id, sort="newest")
    with transaction.atomic():
        sent = set(
            DigestDelivery.objects.filter(saved_search=saved).values_list("article_id", flat=True)
        )
        new = [a for a in walk(params) if a.pk not in sent and a.pk <= mark]
        if new:
            DigestDelivery.objects.bulk_create(
                DigestDelivery(saved_search=saved, article_id=a.pk) for a in new
            )
            subject, body = compose(saved, new)
            send_mail(subject, body, None, [saved.user.email])
        saved.digest_after_id = max(saved.digest_after_id, mark)
        saved.digest_sent_at = now
        saved.save(update_fields=["digest_after_id", "digest_sent_at"])
    return len(new)


def compose(saved: SavedSearch, articles: list[Article]) -> tuple[str, str]:
    """The digest's subject and plain-text body, in the language the analyst chose it in."""
    with translation.override(saved.language or settings.LANGUAGE_CODE):
        return _composed(saved, articles)


def _composed(saved: SavedSearch, articles: list[Article]) -> tuple[str, str]:
    count = len(articles)
    new = ngettext("%(count)d new article", "%(count)d new articles", count) % {"count": count}
    subject = f"[newsarchive] {saved.name}: {new}"
    page = settings.SITE_URL + reverse("workspace:saved", args=[saved.pk])
    lines = [f"{saved.name}: {new}", ""]
    for article in islice(articles, LISTED):
        source = article.source.name if article.source else ""
        link = settings.SITE_URL + article.get_absolute_url()
        about = " · ".join(part for part in (article.published_label, source, link) if part)
        lines += [f"- {article.title}", f"  {about}"]
    if count > LISTED:
        more = count - LISTED
        lines.append(ngettext("… and %(more)d more", "… and %(more)d more", more) % {"more": more})
    lines += ["", gettext("All of them: %(page)s") % {"page": page}]
    return subject, "\n".join(lines) + "\n"


def digest_turn() -> int:
    """The worker's turn: every due digest (a few searches at a time); articles sent."""
    now = timezone.now()
    return sum(send_digest(saved, now) for saved in due(now))
