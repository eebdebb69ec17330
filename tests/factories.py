"""Plain factories: make_source(**overrides), make_article(**overrides)."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

from articles.models import Article, Source

_seq = itertools.count(1)


def make_source(**overrides: Any) -> Source:
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"Source {n}",
        "domain": f"source{n}.example",
        "language": "vi",
    }
    values.update(overrides)
    return Source.objects.create(**values)


def make_article(**overrides: Any) -> Article:
    n = next(_seq)
    values: dict[str, Any] = {
        "key": f"test:{n}",
        "title": f"Article {n}",
        "body": "Nội dung bài báo.",
        "language": "vi",
    }
    values.update(overrides)
    values.setdefault(
        "content_hash", hashlib.sha256(f"{values['title']}\n{values['body']}".encode()).hexdigest()
    )
    return Article.objects.create(**values)
