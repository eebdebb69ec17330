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
    assert len(parse(" ".join(f"w{i}" for i in range(1000))).clauses) == 32


def test_negated_only_query_has_no_positive_terms() -> None:
    query = parse("-russia")
    assert query.is_empty
    assert query.clauses[0][0].negated
