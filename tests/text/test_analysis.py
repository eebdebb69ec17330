"""fold(): the analyzer's chain on a string, so tests and highlighting agree with the index."""

from __future__ import annotations

import pytest

from articles.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Bật đèn xanh", "bat den xanh"),
        ("Đà Nẵng", "da nang"),
        ("Tổng Thư ký", "tong thu ky"),
        ("ƯỚC MƠ", "uoc mo"),
        ("Ha\u0300 No\u0323\u0302i", "ha noi"),
        ("Hà Nội", "ha noi"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded
