"""Why a story's articles belong together (#14): what each shares with the others.

Shown on the story page under each article: the linked entities, the proper names spelled
alike, the figures and years, the glossary concepts and (in one language) the words it has
in common with the story's other articles. Read side only; it never changes the grouping.
"""

from __future__ import annotations

from dataclasses import dataclass

from articles.concepts import load_glossary
from articles.models import Article, EntityStatus
from articles.stories import bilingual
from articles.stories.bilingual_store import keys
from articles.text import article_text, fold, words

SHOWN = 6  # of each kind
_LONG_WORD = 6  # letters: shorter shared words are mostly grammar


@dataclass(frozen=True)
class Tie:
    """What one article shares with the rest of its story, by kind; empty when alone."""

    entities: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()
    concepts: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    @property
    def parts(self) -> list[tuple[str, tuple[str, ...]]]:
        """(kind, values) for the kinds it has, in the order the page lists them."""
        kinds = [
            ("entities", self.entities),
            ("names", self.names),
            ("figures", self.figures),
            ("concepts", self.concepts),
            ("words", self.words),
        ]
        return [(kind, values) for kind, values in kinds if values]


def ties(articles: list[Article]) -> dict[int, Tie]:
    """For each article (with `mentions__entity` prefetched), what ties it to the others."""
    if len(articles) < 2:
        return {}
    entities = {
        a.pk: {str(m.entity) for m in a.mentions.all() if m.entity.status == EntityStatus.ACTIVE}
        for a in articles
    }
    bridges = {a.pk: keys(a) for a in articles}
    vocabulary = {a.pk: _long_words(a) for a in articles}
    found = {}
    for article in articles:
        others = [a for a in articles if a.pk != article.pk]
        shared_entities = entities[article.pk] & set().union(*(entities[o.pk] for o in others))
        shared = bilingual.reasons(
            bridges[article.pk], frozenset().union(*(bridges[o.pk] for o in others))
        )
        same_language = [o for o in others if o.language == article.language]
        shared_words = vocabulary[article.pk] & set().union(
            *(vocabulary[o.pk] for o in same_language)
        )
        found[article.pk] = Tie(
            tuple(sorted(shared_entities)[:SHOWN]),
            tuple(shared.get("names", [])[:SHOWN]),
            tuple((shared.get("figures", []) + shared.get("years", []))[:SHOWN]),
            tuple(_concept_names(shared.get("concepts", []), article.language)[:SHOWN]),
            tuple(sorted(shared_words, key=lambda w: (-len(w), w))[:SHOWN]),
        )
    return found


def _long_words(article: Article) -> set[str]:
    text = article_text(article.title, article.body)
    return {w for w in words(fold(text)) if len(w) >= _LONG_WORD and not w.isdigit()}


def _concept_names(ids: list[str], language: str) -> list[str]:
    names = []
    for concept in ids:
        entry = load_glossary().get(concept)
        terms = entry.terms(language if language in ("en", "vi") else "en") if entry else ()
        names.append(terms[0] if terms else concept)
    return names
