"""The haystack engine that settings name by default; it lives in articles/search/backend.py."""

from articles.search.backend import LockingWhooshBackend, LockingWhooshEngine

__all__ = ["LockingWhooshBackend", "LockingWhooshEngine"]
