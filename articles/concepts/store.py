"""Concepts in the database: load the shipped glossary, and the Glossary the search reads.

The glossary (concepts/glossary.py) is pure; this is its database side. Curators edit the
Concept rows in the admin; the search builds its Glossary from them, rebuilt only when they
change.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django.db import transaction
from django.db.models import Count, Max, Q

from articles.concepts.glossary import Glossary, GlossaryEntry
from articles.models import Concept
from articles.text import nfc


def sync_glossary(entries: Iterable[GlossaryEntry]) -> int:
    """Create the glossary's concepts that are missing; never undo a curator's edit.
    Returns the number created."""
    have = set(Concept.objects.values_list("key", flat=True))
    new = [
        Concept(key=e.id, kind=e.kind, terms_en="\n".join(e.en), terms_vi="\n".join(e.vi))
        for e in entries
        if e.id not in have
    ]
    with transaction.atomic():
        Concept.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def entry(concept: Concept) -> GlossaryEntry:
    """A Concept row as the pure glossary's entry (blank lines dropped, NFC)."""

    def terms(text: str) -> tuple[str, ...]:
        return tuple(t for t in (nfc(line).strip() for line in text.splitlines()) if t)

    en, vi = terms(concept.terms_en), terms(concept.terms_vi)
    return GlossaryEntry(concept.key, concept.kind, en, vi)


def current_glossary() -> Glossary:
    """The Glossary of the active concepts in the database now (rebuilt when they change)."""
    state = Concept.objects.aggregate(
        n=Count("id"),
        last=Max("id"),
        changed=Max("updated_at"),
        active=Count("id", filter=Q(is_active=True)),
    )
    return _glossary(state["n"], state["last"], state["changed"], state["active"])


@lru_cache(maxsize=1)
def _glossary(*version: object) -> Glossary:
    return Glossary(entry(concept) for concept in Concept.objects.filter(is_active=True))
