"""decode(bytes) -> str: guess the encoding like a person would, or raise UnreadableInput."""

from __future__ import annotations

import codecs

import charset_normalizer

from articles.text.cleaning import nfc


class UnreadableInput(ValueError):
    """Bytes that are not text we can decode; the message is the human reason."""


# How much of a file the sniffers read (ingest/inputs.py uses it for big files and HTML too).
SNIFF_BYTES = 64 * 1024
_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF-": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip archive",
    b"\xfd7zXZ\x00": "xz archive",
    b"7z\xbc\xaf\x27\x1c": "7-Zip archive",
    b"Rar!\x1a\x07": "RAR archive",
    b"\xd0\xcf\x11\xe0": "Microsoft Office document",
    b"SQLite format 3\x00": "SQLite database",
    b"\x28\xb5\x2f\xfd": "zstd archive",
    b"\x7fELF": "ELF program",
}
# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
_BOMS = {
    codecs.BOM_UTF32_LE: "utf-32",
    codecs.BOM_UTF32_BE: "utf-32",
    codecs.BOM_UTF8: "utf-8-sig",
    codecs.BOM_UTF16_LE: "utf-16",
    codecs.BOM_UTF16_BE: "utf-16",
}
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_VIETNAMESE_VOWELS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
# Bytes that never appear in text files (tab, newlines, form feed and ESC are left out).
_CONTROL_BYTES = bytes([*range(1, 9), *range(14, 27), *range(28, 32), 127])


def decode(data: bytes) -> str:
    """Bytes to NFC text without control characters, guessing the encoding like a person would.

    >>> decode(b"caf\\xe9 na\\xefve")
    'café naïve'
    """
    return nfc(data.decode(find_encoding(data)))


def find_encoding(data: bytes) -> str:
    """The codec that decodes these bytes, or UnreadableInput saying why none does."""
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise UnreadableInput(f"binary file (looks like {kind})")
    for bom, codec in _BOMS.items():
        if data.startswith(bom):
            return _verified(data, codec)
    sample = data[:SNIFF_BYTES]
    if b"\x00" in sample:
        utf16 = _utf16_without_bom(sample)
        if utf16:
            return _verified(data, utf16)
        raise UnreadableInput("binary file (contains NUL bytes)")
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample and controls / len(sample) > 0.1:
        raise UnreadableInput("binary file (mostly control bytes)")
    if b"\x00" in data:
        raise UnreadableInput("binary file (contains NUL bytes)")
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return _legacy_encoding(data)


def _verified(data: bytes, codec: str) -> str:
    try:
        data.decode(codec)
    except UnicodeDecodeError as exc:
        reason = f"not valid {codec.upper()}: {exc.reason} at byte {exc.start + 1}"
        raise UnreadableInput(reason) from exc
    return codec


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 shows as NUL in every other byte (the high half of ASCII characters)."""
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) / 2
    if half and odd / half > 0.3 and even / half < 0.05:
        return "utf-16-le"
    if half and even / half > 0.3 and odd / half < 0.05:
        return "utf-16-be"
    return None


def _legacy_encoding(data: bytes) -> str:
    """Windows-1258 when the bytes read as real Vietnamese, else Windows-1252, else Latin-1."""
    candidates = ["cp1258", "cp1252", "latin_1"]
    best = charset_normalizer.from_bytes(data[:SNIFF_BYTES], cp_isolation=candidates).best()
    guess = best.encoding if best else None
    # The detector only sees byte statistics; Vietnamese is told apart by where tone marks land.
    verdict = _vietnamese_verdict(data)
    if verdict is True or (verdict is None and guess == "cp1258"):
        return "cp1258"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"  # a byte cp1252 leaves undefined (0x81, 0x8D, ...)
    return "cp1252"


def _vietnamese_verdict(data: bytes) -> bool | None:
    """Do cp1258 tone marks land on Vietnamese vowels? None when there are no tone marks."""
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return False
    # "ì" in Italian cp1252 text is a cp1258 acute accent; after an "s" it gives that away.
    on_vowel = [
        before in _VIETNAMESE_VOWELS
        for before, char in zip(" " + text, text, strict=False)
        if char in _TONE_MARKS
    ]
    if not on_vowel:
        return None
    return on_vowel.count(False) <= on_vowel.count(True) * 0.05
