"""Entity registry, linking and its evaluation: pure code, no database."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.entities import (
    Alias,
    EntityRecord,
    Linker,
    RegistryError,
    country_records,
    load_registry,
    read_entities,
)
from articles.evaluation.linking import GoldArticle, evaluate
from tests.paths import demo_text

CLDR_CHECK = settings.CORPORA_DIR / "aliases_countries_en_vi.jsonl"


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(load_registry())


# --- registry


def test_countries_carry_modern_vietnamese_press_names() -> None:
    aliases = {record.id: {a.text for a in record.aliases} for record in country_records()}
    assert {"Hoa Kỳ", "Mỹ", "US", "U.S."} <= aliases["country-us"]
    assert "Triều Tiên" in aliases["country-kp"]
    assert "Hàn Quốc" in aliases["country-kr"]
    assert {"Li-bi", "Libya"} <= aliases["country-ly"]
    assert "country-eu" not in aliases and "country-un" not in aliases


def test_country_names_agree_with_the_cldr_corpus_file() -> None:
    if not CLDR_CHECK.is_file():
        pytest.skip("shared corpora not present")
    rows = [json.loads(line) for line in CLDR_CHECK.open(encoding="utf-8")]
    countries = [row for row in rows if row["kind"] == "country"]
    ours = {record.id: record for record in country_records()}
    agree = 0
    for row in countries:
        record = ours.get(f"country-{row['code'].lower()}")
        if record and (
            record.name_vi == row["vi_cldr"] or row["vi_cldr"] in {a.text for a in record.aliases}
        ):
            agree += 1
    assert agree >= 0.95 * len(countries)


def test_shipped_registry_loads_with_reuters_codes() -> None:
    records = {record.id: record for record in load_registry()}
    assert len(records) > 600
    nato = records["nato"]
    assert Alias("Tổ chức Hiệp ước Bắc Đại Tây Dương", "vi") in nato.aliases
    assert any(a.text == "NATO" and a.acronym for a in nato.aliases)
    assert records["eu"].reuters == ("ec",)
    assert records["country-us"].reuters == ("usa",)
    assert records["country-de"].reuters == ("west-germany",)


def test_bad_data_file_names_line_and_problem(tmp_path: Path) -> None:
    path = tmp_path / "entities.jsonl"
    good = {"id": "x", "kind": "other", "name_en": "X", "name_vi": "X", "description": ""}
    bad = {**good, "id": "y", "kind": "company"}
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"entities.jsonl line 3: kind 'company'"):
        read_entities(path)


def test_alias_shared_by_two_entities_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "entities.jsonl"
    row = {
        "id": "acme",
        "kind": "organisation",
        "name_en": "Acme",
        "name_vi": "",
        "aliases": [{"text": "Hoa Kỳ", "lang": "vi"}],
    }
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="'Hoa Kỳ' belongs to both 'country-us' and 'acme'"):
        load_registry(path)


# --- linking the seed pages


@pytest.mark.parametrize(
    ("prefix", "language", "expected"),
    [
        (
            "000",
            "vi",
            {"nato", "country-ly", "islamic-state", "country-us", "un", "jens-stoltenberg"},
        ),
        (
            "001",
            "vi",
            {
                "country-iq",
                "nato",
                "country-ir",
                "qassem-soleimani",
                "country-ca",
                "country-de",
                "country-ru",
            },
        ),
        (
            "002",
            "vi",
            {
                "nato",
                "g7",
                "country-ua",
                "mark-rutte",
                "hamas",
                "hezbollah",
                "houthi",
                "eu",
                "european-commission",
            },
        ),
        ("004", "en", {"islamic-state", "country-ly", "muammar-gaddafi", "nato"}),
    ],
)
def test_seed_pages_link_their_entities(
    linker: Linker, prefix: str, language: str, expected: set[str]
) -> None:
    assert expected <= set(linker.find_mentions(demo_text(prefix), language))


def test_self_styled_islamic_state_is_one_mention(linker: Linker) -> None:
    aliases = [m.alias for m in linker.mentions(demo_text("000"), "vi")]
    assert "Nhà nước Hồi giáo tự xưng IS" in aliases
    assert "Li-bi" in {m.alias for m in linker.mentions("Lực lượng IS ở Li-bi", "vi")}


def test_long_vietnamese_nato_name_is_one_mention_not_the_atlantic(linker: Linker) -> None:
    mentions = linker.mentions(demo_text("001"), "vi")
    long_name = [m for m in mentions if m.alias == "Tổ chức Hiệp ước Bắc Đại Tây Dương"]
    assert len(long_name) == 2
    assert all(m.entity_id == "nato" for m in long_name)
    assert "atlantic" not in {m.entity_id for m in mentions}


def test_isil_and_isis_link_islamic_state(linker: Linker) -> None:
    aliases = {
        m.alias for m in linker.mentions(demo_text("004"), "en") if m.entity_id == "islamic-state"
    }
    assert {"ISIL", "ISIS", "Islamic State of Iraq and the Levant"} <= aliases


# --- tricky Vietnamese and English cases


@pytest.mark.parametrize(
    ("text", "language", "present", "absent"),
    [
        ("Nga tuyên bố sẽ đáp trả.", "vi", {"country-ru"}, set()),
        ("Chiếc ngà voi rất quý. Ngay sau đó, ngay cả họ cũng đi.", "vi", set(), {"country-ru"}),
        ("Anh ấy nói rằng trời sẽ mưa. Tôi gặp anh ở Hà Nội.", "vi", {"hanoi"}, {"country-gb"}),
        ("Anh cho biết sẽ về quê.", "vi", set(), {"country-gb"}),
        ("Anh và Pháp ủng hộ kế hoạch.", "vi", {"country-gb", "country-fr"}, set()),
        (
            "Thủ tướng Anh Keir Starmer gặp người đồng cấp.",
            "vi",
            {"country-gb", "keir-starmer"},
            set(),
        ),
        ("Tuấn Anh ghi bàn, chị Nga cổ vũ.", "vi", set(), {"country-gb", "country-ru"}),
        (
            "Pháp luật quy định rõ. Ý kiến chuyên gia khác.",
            "vi",
            set(),
            {"country-fr", "country-it"},
        ),
        ("Cô ấy học tiếng Anh và tiếng Pháp.", "vi", set(), {"country-gb", "country-fr"}),
        ("chinh phu nga va my dang dam phan", "vi", {"country-ru", "country-us"}, set()),
        ("Ông Phap nói chuyện với Hà Nội.", "vi", {"hanoi"}, {"country-fr"}),
        ("Đại sứ Thuỵ Sĩ tại Hà Nội", "vi", {"country-ch", "hanoi"}, set()),
        ("Phạm Minh Chính đến Hà\nNội chiều nay.", "vi", {"hanoi", "pham-minh-chinh"}, set()),
        (
            "Jens\nStoltenberg said NATO is ready.",
            "en",
            {"jens-stoltenberg", "nato"},
            {"islamic-state"},
        ),
        ("Fighters of IS seized the town.", "en", {"islamic-state"}, set()),
        ("This is what it is. Is it?", "en", set(), {"islamic-state"}),
        ("U.S. SAYS IS READY TO TALK", "en", {"country-us"}, {"islamic-state"}),
        (
            "Anh Nga Mỹ are names in an English text",
            "en",
            set(),
            {"country-gb", "country-ru", "country-us"},
        ),
        ("Prices of turkey and china fell.", "en", set(), {"country-tr", "country-cn"}),
        ("The plant is in New Jersey, not Jersey.", "en", {"new-jersey", "country-je"}, set()),
        ("Fears of war in Hoa. Kỳ lạ thay.", "vi", set(), {"country-us"}),
    ],
)
def test_tricky_cases(
    linker: Linker, text: str, language: str, present: set[str], absent: set[str]
) -> None:
    found = set(linker.find_mentions(text, language))
    assert present <= found
    assert not absent & found


def test_new_jersey_is_not_also_jersey(linker: Linker) -> None:
    assert linker.find_mentions("A refinery in New Jersey.", "en") == {"new-jersey": 1}


def test_state_abbreviation_needs_its_full_stop(linker: Linker) -> None:
    assert "connecticut" in linker.find_mentions("STAMFORD, Conn., March 4", "en")
    assert "connecticut" not in linker.find_mentions("Conn Smythe said", "en")


def test_mention_offsets_point_at_the_text(linker: Linker) -> None:
    text = "Tổng thống Mỹ Obama"
    (country, person) = linker.mentions(text, "vi")
    assert text[country.start : country.end] == "Mỹ"
    assert (person.entity_id, text[person.start : person.end]) == ("barack-obama", "Obama")


# --- candidate names


def test_candidates_are_unknown_capitalised_runs(linker: Linker) -> None:
    names = {c.text: c.count for c in linker.find_candidates(demo_text("003"), "en")}
    assert "Libyan Express" in names
    assert not {"Jens Stoltenberg", "The Secretary General", "Secretary General"} & set(names)


def test_vietnamese_candidates_skip_titles_and_known_names(linker: Linker) -> None:
    text = "Họa sĩ Minh Đàm vẽ tranh. Tổng Thư ký NATO Jens Stoltenberg khen Minh Đàm."
    candidates = linker.find_candidates(text, "vi")
    assert [(c.text, c.lang, c.count) for c in candidates] == [("Minh Đàm", "vi", 2)]


def test_candidates_skip_names_the_caller_knows(linker: Linker) -> None:
    text = "Readers of Libyan Express wrote in."
    assert linker.find_candidates(text, "en", known={"Libyan  Express"}) == []


# --- evaluation


def _record(entity_id: str, kind: str, name: str, tag: str) -> EntityRecord:
    return EntityRecord(entity_id, kind, name, name, "", (Alias(name, "en"),), (tag,))


def test_evaluation_scores_a_hand_made_example() -> None:
    records = [
        _record("fr", "place", "France", "france"),
        _record("jp", "place", "Japan", "japan"),
        _record("imf", "organisation", "IMF", "imf"),
    ]
    articles = [
        GoldArticle(
            "France and Japan met the IMF.",
            "en",
            {"places": frozenset({"france"}), "orgs": frozenset({"imf"})},
            lead_end=10,
        ),
        GoldArticle(
            "Talks in Paris.",
            "en",
            {"places": frozenset({"france", "uk"}), "orgs": frozenset()},
            lead_end=10,
        ),
    ]
    report = evaluate(articles, Linker(records), records)
    every, known = (
        report.scores["places", "every", "all"],
        report.scores["places", "every", "known"],
    )
    assert (every.true_positives, every.false_positives, every.false_negatives) == (1, 1, 2)
    assert (every.precision, every.recall) == (0.5, 1 / 3)
    assert (known.precision, known.recall) == (0.5, 0.5)
    salient = report.scores["places", "salient", "all"]
    assert (salient.precision, salient.recall) == (1.0, 1 / 3)
    orgs = report.scores["orgs", "every", "all"]
    assert (orgs.precision, orgs.recall) == (1.0, 1.0)
    assert report.articles == 2


def test_evaluate_linking_command_on_a_small_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "reuters.jsonl"
    rows = [
        {
            "title": "JAPAN TRADE SURPLUS",
            "dateline": "TOKYO, March 3",
            "body": "Japan said...",
            "places": ["japan"],
            "orgs": [],
            "people": [],
            "duplicate_of": None,
        },
        {
            "title": "IMF TALKS",
            "dateline": "WASHINGTON, March 3",
            "body": "The IMF said.",
            "places": ["usa"],
            "orgs": ["imf"],
            "people": [],
            "duplicate_of": None,
        },
    ]
    corpus.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    out = StringIO()
    call_command("evaluate_linking", "--corpus", str(corpus), "--dateline", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "articles: 2"
    assert any(
        line.startswith("places every   all    precision 1.000  recall 1.000") for line in lines
    )


# --- size and speed (counts only: no timing asserts)


def test_long_article_links_every_repetition(linker: Linker) -> None:
    page = demo_text("000")
    once = linker.find_mentions(page, "vi")
    repeated = "\n\n".join([page] * 8)
    assert len(repeated.split()) > 5000
    assert linker.find_mentions(repeated, "vi") == {key: 8 * n for key, n in once.items()}
