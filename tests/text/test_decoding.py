"""decode(): the encoding of crawled bytes is found, and the text comes out NFC."""

from __future__ import annotations

import unicodedata

import pytest

from articles.text import UnreadableInput, decode

VIETNAMESE = "Tổng thư ký NATO cho biết chính phủ Iraq đã bật đèn xanh"
STREET = "Đường phố Hà Nội ở đâu? Ướt át, ẩm ướt."
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """Encode like Windows does: a precomposed letter when cp1258 has one, else base + tone mark."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = "".join(c for c in parts if c in TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            out += (base + tone).encode("cp1258")
    return out


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (VIETNAMESE.encode("utf-16-le"), VIETNAMESE),
        (VIETNAMESE.encode("utf-16-be"), VIETNAMESE),
        (VIETNAMESE.encode("utf-16"), VIETNAMESE),  # with BOM
        ("\ufeff".encode("utf-16-be") + VIETNAMESE.encode("utf-16-be"), VIETNAMESE),
        (VIETNAMESE.encode("utf-32"), VIETNAMESE),
        (VIETNAMESE.encode("utf-8-sig"), VIETNAMESE),
        (VIETNAMESE.encode("utf-8"), VIETNAMESE),
        (_cp1258(VIETNAMESE), VIETNAMESE),
        (_cp1258(STREET), STREET),
        ("A café for the naïve.".encode("latin-1"), "A café for the naïve."),
        ("Così è, Ìsola Òpera ò ì".encode("cp1252"), "Così è, Ìsola Òpera ò ì"),
        ("“Smart quotes” — and Š".encode("cp1252"), "“Smart quotes” — and Š"),
        (unicodedata.normalize("NFD", VIETNAMESE).encode("utf-8"), VIETNAMESE),
        (b"line one\r\nline\x00 two\x07\tend\r", "line one\nline two\tend\n"),
    ],
)
def test_decode_finds_the_encoding(data: bytes, expected: str) -> None:
    if b"\x00" in data and b"line" in data:
        with pytest.raises(UnreadableInput, match="contains NUL bytes"):
            decode(data)
        data = data.replace(b"\x00", b"")
    assert decode(data) == expected


def test_cp1258_test_bytes_really_use_combining_tone_marks() -> None:
    data = _cp1258(VIETNAMESE)

    assert "\u0309".encode("cp1258") in data  # ổ is ô + hook above: cp1258 has no "ổ"
    assert data.decode("cp1252") != VIETNAMESE
