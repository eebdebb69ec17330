"""The search box syntax: parse() never fails and keeps what the user meant."""

from __future__ import annotations

import pytest

from articles.search import parse


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("nato libya", "nato libya"),
        ('"Hà Nội" Stoltenberg', '"Hà Nội" Stoltenberg'),
        ("libya OR iraq nato", "libya OR iraq nato"),
        ("nato -russia", "nato -russia"),
        ('nato -"Hà Nội"', 'nato -"Hà Nội"'),
        ('"unbalanced quote', '"unbalanced quote"'),
        ("OR nato OR", "nato"),
        ("- -- OR", ""),
        ("NATO’s role", '"NATO s" role'),
        ("Nga-Ấn", '"Nga Ấn"'),
        ("a\x00b\x07c", "abc"),
        # Decomposed input is NFC; "Hà Nội" is one word of two syllables: a phrase.
        ("Ha\u0300 No\u0323\u0302i", '"Hà Nội"'),
        ("ha noi mua", '"ha noi" mua'),
        ("tong thu ky NATO", '"tong thu ky" NATO'),
        ("nato -ha noi", "nato -ha noi"),
        ("((nato)) [libya]: *", "nato libya"),
    ],
)
def test_parse_reads_the_search_box(q: str, expected: str) -> None:
    assert str(parse(q)) == expected


def test_parse_caps_the_number_of_terms() -> None:
    assert len(parse(" ".join(f"w{i}" for i in range(1000))).terms) == 32
    assert len(parse("(" * 500 + "nato" + ")" * 500).terms) <= 1  # nesting is bounded too


def test_negated_only_query_has_no_positive_terms() -> None:
    query = parse("-russia")
    assert query.is_empty
    assert str(query) == "-russia" and query.terms[0].words == ("russia",)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Operators in capitals; the same words in lowercase are words.
        ("NATO AND Libya", "NATO Libya"),
        ("nato and libya", "nato and libya"),
        ("libya OR iraq", "libya OR iraq"),
        ("nato NOT russia", "nato -russia"),
        ("NOT (russia OR china) nato", "NOT (russia OR china) nato"),
        ("(nato libya) OR iraq", "(nato libya) OR iraq"),
        ("(nato OR un) libya", "nato OR un libya"),
        # Fields and prefixes.
        ("title:Libya", "title:Libya"),
        ('title:"Hà Nội" nato', 'title:"Hà Nội" nato'),
        ("source:VOV.VN lang:vi", "source:VOV.VN lang:vi"),
        ("liby*", "liby*"),
        ("li*", "li"),  # under three letters: a word
        ("http://vov.vn", '"http vov.vn"'),  # an unknown field is text
        # Malformed input never fails.
        ("(nato", "nato"),
        ("nato)) libya", "nato libya"),
        ("AND OR NOT", ""),
        ("title:", "title"),  # a field with no value is the word
        ("NOT", ""),
        ('"', ""),
    ],
)
def test_parse_reads_operators_fields_and_prefixes(q: str, expected: str) -> None:
    assert str(parse(q)) == expected
