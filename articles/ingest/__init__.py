"""Ingest: inputs (files, feeds) → extraction → outlets → store, the only article writer.

The store upserts each article on its URL or input key, then runs the enrichment stages
(topics, entities, stories) and queues the article for the index.
"""

from articles.ingest.extraction import Extracted, extract_html, extract_text
from articles.ingest.inputs import (
    MANIFEST_NAME,
    Failure,
    ManifestError,
    RawInput,
    read_inputs,
    read_manifest,
)
from articles.ingest.outlets import source
from articles.ingest.store import ImportReport, IngestError, import_paths, ingest, ingest_all

__all__ = [
    "MANIFEST_NAME",
    "Extracted",
    "Failure",
    "ImportReport",
    "IngestError",
    "ManifestError",
    "RawInput",
    "extract_html",
    "extract_text",
    "import_paths",
    "ingest",
    "ingest_all",
    "read_inputs",
    "read_manifest",
    "source",
]
