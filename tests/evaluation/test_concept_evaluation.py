"""manage.py evaluate_concepts on a slice of VNTC and BBC: expansion finds the other language."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_evaluate_concepts_prints_shares_above_the_literal_search() -> None:
    out = StringIO()
    call_command("evaluate_concepts", per_language=25, show=3, stdout=out)
    text = out.getvalue()
    assert text.startswith("50 articles indexed")
    summaries = re.findall(
        r"(\d+) concepts: mean share ([\d.]+) \(literal ([\d.]+)\); pooled over (\d+)", text
    )
    assert len(summaries) == 2, text
    for concepts, share, literal, _ in summaries:
        assert int(concepts) > 0
        assert float(share) > 0.9 > 0.3 > float(literal), text
