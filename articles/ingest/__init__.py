"""Ingest: inputs (files, feeds) → extraction → outlets → store, the only article writer.

files.py opens only regular files and never reads past the cap; records.py holds RawInput
and Failure and the checks each input passes (JSON, URLs, key length) before the store.

The store upserts each article on its URL or input key, then runs the enrichment stages
(topics, entities, stories) and queues the article for the index.
"""

from articles.ingest.extraction import Extracted, extract_html, extract_text
from articles.ingest.inputs import MANIFEST_NAME, ManifestError, read_inputs, read_manifest
from articles.ingest.outlets import source
from articles.ingest.records import Failure, RawInput
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
