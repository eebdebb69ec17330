"""Ingest: inputs (files, feeds) → extraction → outlets → store, the only article writer.

files.py opens only regular files and never reads past the cap; records.py holds RawInput
and Failure and the checks each input passes (JSON, URLs, key length) before the store.

prepare.py turns an input into what the store writes (extraction, topic scores, entity
links: pure); store.py saves one prepared input in one transaction (the article, its source,
topics, mentions, story and index queue row); pipeline.py runs a whole import through them,
with extraction in other processes when asked (`--jobs`), and indexes at the end. stages.py
counts the time each stage takes.
"""

from articles.ingest.extraction import Extracted, extract_html, extract_text
from articles.ingest.inputs import MANIFEST_NAME, ManifestError, read_inputs, read_manifest
from articles.ingest.outlets import source
from articles.ingest.pipeline import count_inputs, import_paths, ingest_all
from articles.ingest.prepare import IngestError, Prepared, prepare
from articles.ingest.records import Failure, RawInput
from articles.ingest.stages import STAGES
from articles.ingest.store import ImportReport, ingest, save

__all__ = [
    "MANIFEST_NAME",
    "STAGES",
    "Extracted",
    "Failure",
    "ImportReport",
    "IngestError",
    "ManifestError",
    "Prepared",
    "RawInput",
    "count_inputs",
    "extract_html",
    "extract_text",
    "import_paths",
    "ingest",
    "ingest_all",
    "prepare",
    "read_inputs",
    "read_manifest",
    "save",
    "source",
]
