"""Entities: the registry, linking text to it (pure), candidate names, and the database side."""

from articles.entities.candidates import CandidateName
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
    current_linker,
    known_names,
    link_article,
    merge,
    profile,
    relink,
    sync_registry,
)

__all__ = [
    "DATA_PATH",
    "Alias",
    "CandidateName",
    "EntityProfile",
    "EntityRecord",
    "Linker",
    "Links",
    "MentionSpan",
    "RegistryError",
    "country_records",
    "current_linker",
    "known_names",
    "link_article",
    "load_registry",
    "merge",
    "profile",
    "read_entities",
    "relink",
    "sync_registry",
]
