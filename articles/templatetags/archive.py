"""Filters the templates need to stay safe under the site's Content-Security-Policy.

safe_href: every external link (an article's original, a source's homepage) goes through it,
so only http(s) URLs become links (issue #16: a javascript: URL ran script in our origin).
bar_class: a bar's height as a class of static/site.css, because style-src 'self' refuses
style="height: ..%" attributes.
"""

from __future__ import annotations

from django import template

from articles.text import safe_url

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
