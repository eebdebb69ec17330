"""Bilingual news concepts: the shipped glossary (pure) and the database's copy (store)."""

from articles.concepts.glossary import (
    DATA_PATH,
    KINDS,
    LANGUAGES,
    ConceptMatch,
    Glossary,
    GlossaryEntry,
    GlossaryError,
    load_glossary,
    parse_glossary,
    term_words,
)

__all__ = [
    "DATA_PATH",
    "KINDS",
    "LANGUAGES",
    "ConceptMatch",
    "Glossary",
    "GlossaryEntry",
    "GlossaryError",
    "load_glossary",
    "parse_glossary",
    "term_words",
]
