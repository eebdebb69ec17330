"""Entities: the registry, linking text to it (pure), candidate names, and the database side."""

from articles.entities.candidates import CandidateName, junk_reason
from articles.entities.linking import Linker, Links, MentionSpan
from articles.entities.registry import (
    DATA_PATH,
    Alias,
    EntityRecord,
    RegistryError,
    country_records,
    load_registry,
    read_entities,
)
from articles.entities.store import (
    EntityProfile,
    KnownNames,
    accept,
    current_linker,
    known_names,
    link_article,
    merge,
    profile,
    quotes,
    reject,
    relink,
    sync_registry,
)

__all__ = [
    "DATA_PATH",
    "Alias",
    "CandidateName",
    "EntityProfile",
    "EntityRecord",
    "KnownNames",
    "Linker",
    "Links",
    "accept",
    "MentionSpan",
    "RegistryError",
    "country_records",
    "current_linker",
    "junk_reason",
    "known_names",
    "link_article",
    "load_registry",
    "merge",
    "profile",
    "quotes",
    "reject",
    "read_entities",
    "relink",
    "sync_registry",
]
