"""The search index, derived from the database: the queue that keeps it in step (queue.py)
and the check that they agree (verify.py). See queue.py for how a change reaches the index."""

from articles.indexing.queue import (
    BATCH,
    IndexWriteFailed,
    QueuedSignalProcessor,
    QueueStatus,
    deferred_indexing,
    drain,
    enqueue,
    missing_fields,
    pending,
    queue_status,
    queued_together,
    requeue_all,
    stale_hidden,
    write_documents,
)
from articles.indexing.verify import Differences, signature_of, verify

__all__ = [
    "BATCH",
    "Differences",
    "IndexWriteFailed",
    "QueueStatus",
    "QueuedSignalProcessor",
    "deferred_indexing",
    "drain",
    "enqueue",
    "missing_fields",
    "pending",
    "queue_status",
    "queued_together",
    "requeue_all",
    "signature_of",
    "stale_hidden",
    "verify",
    "write_documents",
]
