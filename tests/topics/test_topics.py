"""Topics: taxonomy, the shipped model's quality on the held-out corpora, and training."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from articles import topics
from articles.evaluation import topics as evaluation
from articles.topics import Labelled

# Read in place, never copied into the repository (see the corpora's README).
CORPORA = settings.CORPORA_DIR


@pytest.fixture(scope="module")
def split() -> topics.Split:
    return topics.read_corpora(CORPORA)


@pytest.fixture(scope="module")
def report(split: topics.Split) -> evaluation.TopicReport:
    return evaluation.evaluate(topics.load_model(), split.test)


def test_every_corpus_label_maps_onto_the_taxonomy() -> None:
    assert len(topics.TOPICS) == len(topics.TAXONOMY)
    for labels in topics.CORPUS_LABELS.values():
        assert set(labels.values()) <= set(topics.TOPICS)


def test_shipped_model_has_both_languages() -> None:
    model = topics.load_model()
    assert set(model.languages) == {"en", "vi"}
    for language in model.languages.values():
        assert set(language.classes) <= set(topics.TOPICS)


def test_shipped_model_file_is_small() -> None:
    assert topics.MODEL_PATH.stat().st_size <= 5_000_000


def test_held_out_split_shares_no_text_with_training(split: topics.Split) -> None:
    trained = {record.body for record in split.train}
    assert split.test
    assert not [record for record in split.test if record.body in trained]


@pytest.mark.parametrize("language", ["en", "vi"])
def test_held_out_macro_f1_meets_target(report: evaluation.TopicReport, language: str) -> None:
    figures = report.languages[language]
    assert figures.articles > 400
    assert figures.macro_f1 >= topics.TARGET_F1, evaluation.format_report(report)


@pytest.mark.parametrize(
    ("title", "language", "slug"),
    [
        ("Đội tuyển bóng đá Việt Nam thắng 2-0 trong trận chung kết", "vi", "sport"),
        ("Giá cổ phiếu trên sàn chứng khoán giảm mạnh, ngân hàng tăng lãi suất", "vi", "business"),
        ("Bác sĩ khuyên người bệnh tiểu đường nên kiểm tra đường huyết mỗi ngày", "vi", "health"),
        ("Tòa án tuyên phạt bị cáo 5 năm tù về tội lừa đảo chiếm đoạt tài sản", "vi", "law"),
        ("The central bank raised interest rates as shares fell", "en", "business"),
        ("Arsenal striker scores twice as the champions win the cup final", "en", "sport"),
        ("The prime minister faces MPs over the election manifesto", "en", "politics"),
        ("New mobile phone software lets users download music over broadband", "en", "technology"),
    ],
)
def test_classify_puts_clear_sentences_first_in_their_topic(
    title: str, language: str, slug: str
) -> None:
    found = topics.classify(title, "", language)
    assert found[0].slug == slug
    assert 0.0 < found[0].score <= 1.0


def test_classify_vietnamese_without_diacritics() -> None:
    found = topics.classify("Doi tuyen bong da Viet Nam thang 2-0 trong tran chung ket", "", "vi")
    assert found[0].slug == "sport"


def test_classify_returns_at_most_two_topics_best_first(split: topics.Split) -> None:
    for record in split.test[:200]:
        found = topics.classify(record.title, record.body, record.language)
        assert 1 <= len(found) <= 2
        assert found == sorted(found, key=lambda t: -t.score)


@pytest.mark.parametrize(
    ("title", "body", "language"),
    [("", "", "vi"), ("", "", "en"), ("   ", "\n\n", "vi"), ("2024", "", "en"), ("Hà Nội", "", "")],
)
def test_classify_without_usable_text_or_language_returns_nothing(
    title: str, body: str, language: str
) -> None:
    assert topics.classify(title, body, language) == []


def test_topic_score_names_its_topic_in_both_languages() -> None:
    found = topics.classify("Đội tuyển bóng đá Việt Nam thắng", "", "vi")
    assert (found[0].topic.name_en, found[0].topic.name_vi) == ("Sport", "Thể thao")


def test_explain_lists_the_words_behind_a_topic() -> None:
    reasons = topics.explain("Đội tuyển bóng đá Việt Nam thắng", "", "vi", "sport")
    assert "bong da" in [feature for feature, _ in reasons]


def _sample(split: topics.Split, per_language: int) -> list[Labelled]:
    chosen = []
    for language in ("en", "vi"):
        chosen += [r for r in split.train if r.language == language][::20][:per_language]
    return chosen


def test_training_is_deterministic_whatever_the_order(split: topics.Split, tmp_path: Path) -> None:
    records = _sample(split, 60)
    topics.save_model(topics.train(records), tmp_path / "a.json.gz")
    topics.save_model(topics.train(records[::-1]), tmp_path / "b.json.gz")
    assert (tmp_path / "a.json.gz").read_bytes() == (tmp_path / "b.json.gz").read_bytes()
    assert topics.load_model(tmp_path / "a.json.gz") == topics.train(records)


def test_training_learns_curators_topics(split: topics.Split, tmp_path: Path) -> None:
    curated = tmp_path / "curated.jsonl"
    rows = [
        {
            "title": f"Quốc hội thảo luận dự án luật bầu cử {n}",
            "text": "Đại biểu Quốc hội chất vấn Chính phủ về bầu cử.",
            "language": "vi",
            "topics": ["politics"],
        }
        for n in range(5)
    ]
    curated.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows))
    model = topics.train([*_sample(split, 60), *topics.read_labelled(curated)])
    found = topics.classify("Quốc hội thảo luận luật bầu cử", "", "vi", model)
    assert found[0].slug == "politics"


def test_training_rejects_a_topic_outside_the_taxonomy() -> None:
    with pytest.raises(ValueError, match="weather"):
        topics.train([Labelled("Rain", "Rain again", "en", "weather")])
