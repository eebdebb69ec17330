"""Topics: the bilingual taxonomy, the shipped classifier (pure) and topic assignment (store)."""

from articles.topics.classifier import (
    CORPUS_LABELS,
    HELD_OUT_PERCENT,
    MODEL_PATH,
    SECOND_TOPIC_RATIO,
    TARGET_F1,
    TAXONOMY,
    TOPICS,
    Labelled,
    Split,
    TaxonomyTopic,
    TopicScore,
    classify,
    explain,
    language_code,
    load_model,
    read_corpora,
    read_labelled,
    save_model,
    text_vector,
    train,
)
from articles.topics.model import Model
from articles.topics.store import assign_topics

__all__ = [
    "CORPUS_LABELS",
    "HELD_OUT_PERCENT", "MODEL_PATH", "SECOND_TOPIC_RATIO", "TARGET_F1", "TAXONOMY", "TOPICS",
    "Labelled", "Model", "Split", "TaxonomyTopic", "TopicScore", "assign_topics", "classify",
    "explain", "language_code", "load_model", "read_corpora", "read_labelled", "save_model",
    "text_vector", "train",
]
