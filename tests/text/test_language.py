"""Language detection and language codes (articles.text.language)."""

from __future__ import annotations

import pytest

from articles.text import detect_language, language_from_code


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("iraq bat den xanh cho nato o lai, chinh phu viet nam cho biet", "vi"),
        ("Tong thu ky NATO cho biet khong co ke hoach trien khai luc luong tai Libya", "vi"),
        ("Tổng thư ký NATO cho biết", "vi"),
        ("The minister said that the plan was not ready for a vote", "en"),
        ("NATO", None),
        ("", None),
        ("Jens Stoltenberg, Libya, ISIL", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("code", "language"),
    [("vi", "vi"), ("vi-VN", "vi"), ("en_GB", "en"), ("EN-us", "en"), ("fr", None), ("", None)],
)
def test_language_from_code(code: str, language: str | None) -> None:
    assert language_from_code(code) == language
