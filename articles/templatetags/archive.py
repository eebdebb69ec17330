"""Filters the templates need to stay safe under the site's Content-Security-Policy.

safe_href: every external link (an article's original, a source's homepage) goes through it,
so only http(s) URLs become links (issue #16: a javascript: URL ran script in our origin).
bar_class: a bar's height as a class of static/site.css, because style-src 'self' refuses
style="height: ..%" attributes.
day, period: every date on the pages, in the interface language's one format (issue #17).
number: counts and shares in the interface language's separators (1.234,5 in Vietnamese).
chips: an article's main entities for its result line, from prefetched mentions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language

from articles.models import Article, Entity, EntityStatus
from articles.stories import opening
from articles.text import day_label, period_label, safe_url

register = template.Library()


@register.filter
def safe_href(value: object) -> str:
    """The URL if it is an http(s) URL safe to link to, else "" (the template shows no link).

    >>> safe_href("https://vov.vn/a?b=1&c=2"), safe_href("javascript:alert(1)"), safe_href(None)
    ('https://vov.vn/a?b=1&c=2', '', '')
    """
    return safe_url(value) or ""


@register.filter
def bar_class(percent: object) -> str:
    """The class that gives a timeline bar its height: a whole percent from 0 to 100.

    >>> bar_class(37), bar_class(140), bar_class(-3), bar_class("x")
    ('bar-h37', 'bar-h100', 'bar-h0', 'bar-h0')
    """
    try:
        height = round(float(str(percent)))
    except (TypeError, ValueError, OverflowError):
        height = 0
    return f"bar-h{min(100, max(0, height))}"


@register.filter
def day(value: date | None) -> str:
    """A date (a story's first day, say) as the pages write dates: "21 May 2016"."""
    return day_label(value, "day", get_language() or "en")


@register.filter
def period(value: date, unit: str) -> str:
    """A chart period's label: "May 2016" for a month, "21 May 2016" for a day."""
    return period_label(value, unit, get_language() or "en")


@register.filter
def number(value: object, places: int = 1) -> str:
    """A count or share as the interface language writes numbers: whole numbers without
    decimals, others rounded to `places`; thousands grouped ("12,345.5" or "12.345,5")."""
    try:
        amount = float(str(value))
    except (TypeError, ValueError, OverflowError):
        return str(value)
    decimals = 0 if amount == int(amount) else int(places)
    # Django's Vietnamese formats set the separators but no grouping: thousands by hand.
    return numberformat.format(
        round(amount, decimals),
        get_format("DECIMAL_SEPARATOR"),
        decimals,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


@register.filter
def chips(article: Article, limit: int = 5) -> list[Entity]:
    """The active entities an article names most, from its prefetched mentions.

    Reads `article.mentions.all()`, which the listings prefetch with their entities, so a
    page of results costs no query per result.
    """
    mentions: list[Any] = [
        m for m in article.mentions.all() if m.entity.status == EntityStatus.ACTIVE
    ]
    mentions.sort(key=lambda m: (-m.count, str(m.entity)))
    return [m.entity for m in mentions[: int(limit)]]


@register.filter
def first_lines(body: str) -> str:
    """An article's first sentences, for a result line without a search snippet."""
    return opening(body or "", limit=240) if (body or "").strip() else ""


@register.filter
def date_input(value: object) -> str:
    """A date field's value as the date inputs show it (DD/MM/YYYY); other text as typed.

    >>> date_input("2016-05-21"), date_input("21/05/2016"), date_input("2016"), date_input(None)
    ('21/05/2016', '21/05/2016', '2016', '')
    """
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = "" if value is None else str(value).strip()
    try:
        return date.fromisoformat(text).strftime("%d/%m/%Y") if len(text) == 10 else text
    except ValueError:
        return text
