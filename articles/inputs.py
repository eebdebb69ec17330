"""read_inputs(paths) -> RawInput | Failure per article: files and folders to decoded records."""

from __future__ import annotations

import codecs
import json
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin

import charset_normalizer


@dataclass(frozen=True)
class RawInput:
    name: str  # what a person would call it in a report: "demo/000.txt", "feed.jsonl:12"
    key: str  # identity across re-imports: the URL when known, else a stable name
    format: str  # "text" | "html" | "json"
    raw: str  # the decoded input as received (a JSON line for feeds), NFC
    fields: dict[str, Any] = field(default_factory=dict)  # known metadata: url, title, body,
    # html, published, source, source_domain, language (feed keys, then manifest values)


@dataclass(frozen=True)
class Failure:
    name: str
    reason: str


class ManifestError(ValueError):
    """A manifest line that cannot be used; the message names the file and line."""


class UnreadableInput(ValueError):
    """Bytes that are not text we can decode; the message is the human reason."""


MANIFEST_NAME = "manifest.jsonl"
# "crawled": when the page was fetched; it resolves a yearless date such as "21/5".
_FEED_KEYS = ("url", "title", "body", "html", "published", "source", "source_domain", "language",
              "crawled")
_MANIFEST_KEYS = ("url", "title", "published", "source", "source_domain", "language", "crawled")
# A whole feed shares one source and language, but each line has its own URL, title and date.
_FEED_DEFAULT_KEYS = ("source", "source_domain", "language")
_FEED_SUFFIXES = (".jsonl", ".ndjson", ".json")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_README_NAMES = {"readme", "readme.md", "readme.txt", "readme.rst"}
_SNIFF_BYTES = 64 * 1024
_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "PNG image", b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image",
    b"%PDF-": "PDF document", b"PK\x03\x04": "ZIP archive", b"\x1f\x8b": "gzip archive",
    b"\xfd7zXZ\x00": "xz archive", b"7z\xbc\xaf\x27\x1c": "7-Zip archive",
    b"Rar!\x1a\x07": "RAR archive", b"\xd0\xcf\x11\xe0": "Microsoft Office document",
    b"SQLite format 3\x00": "SQLite database", b"\x28\xb5\x2f\xfd": "zstd archive",
    b"\x7fELF": "ELF program",
}
# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
_BOMS = {
    codecs.BOM_UTF32_LE: "utf-32", codecs.BOM_UTF32_BE: "utf-32", codecs.BOM_UTF8: "utf-8-sig",
    codecs.BOM_UTF16_LE: "utf-16", codecs.BOM_UTF16_BE: "utf-16",
}
_JSON_TYPES = {"dict": "an object", "list": "an array", "str": "a string", "int": "a number",
               "float": "a number", "bool": "a boolean", "NoneType": "null"}
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_VIETNAMESE_VOWELS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
# Bytes that never appear in text files (tab, newlines, form feed and ESC are left out).
_CONTROL_BYTES = bytes([*range(1, 9), *range(14, 27), *range(28, 32), 127])
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")


def read_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """Per-file metadata from a JSON Lines manifest, keyed by the file's base name (NFC)."""
    try:
        text = decode(path.read_bytes())
    except UnreadableInput as exc:
        raise ManifestError(f"{path}: {exc}") from exc
    entries: dict[str, dict[str, Any]] = {}
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        record = _parse_object(line)
        if isinstance(record, str):
            raise ManifestError(f"{where}: {record}")
        file = record.get("file")
        if not isinstance(file, str) or not file.strip():
            raise ManifestError(f'{where}: missing "file" (the name of the file it describes)')
        values = _known_strings(record, _MANIFEST_KEYS)
        if isinstance(values, str):
            raise ManifestError(f"{where}: {values}")
        basename = _nfc(os.path.basename(file.strip()))
        if basename in entries:
            raise ManifestError(f"{where}: second entry for {basename}")
        entries[basename] = values
    return entries


def read_inputs(
    paths: Sequence[Path],
    *,
    manifest: Mapping[str, dict[str, Any]] | None = None,
    max_bytes: int = 20 * 1024 * 1024,
) -> Iterator[RawInput | Failure]:
    """Yield one RawInput per article (or a Failure) for files, folders and JSON Lines feeds."""
    for path in paths:
        try:
            is_dir = path.is_dir()
        except OSError as exc:
            yield Failure(str(path), _os_reason(exc))
            continue
        if is_dir:
            yield from _walk(path, manifest, {}, max_bytes, ())
        elif path.name == MANIFEST_NAME and manifest is None:
            yield Failure(str(path), "this is a manifest; pass it with --manifest")
        else:
            known = manifest
            if known is None:
                known, problem = _folder_manifest(path.parent, {})
                if problem:
                    yield problem
            yield from _read_file(path, known, max_bytes)


def decode(data: bytes) -> str:
    """Bytes to NFC text without control characters, guessing the encoding like a person would.

    >>> decode(b"caf\\xe9 na\\xefve")
    'café naïve'
    """
    return _clean(data.decode(_encoding(data)))


def _walk(
    folder: Path,
    explicit: Mapping[str, dict[str, Any]] | None,
    inherited: Mapping[str, dict[str, Any]],
    max_bytes: int,
    ancestors: tuple[tuple[int, int], ...],
) -> Iterator[RawInput | Failure]:
    try:
        stat = folder.stat()
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        yield Failure(str(folder), _os_reason(exc))
        return
    # A symlink back up the tree would otherwise be walked until ELOOP, 40 levels deep.
    here = (stat.st_dev, stat.st_ino)
    if here in ancestors:
        yield Failure(str(folder), "symbolic link loop (points back to a parent folder)")
        return
    known = explicit
    if known is None:
        known, problem = _folder_manifest(folder, inherited)
        if problem:
            yield problem
    for entry in entries:
        if entry.name.startswith(".") or entry.name == MANIFEST_NAME:
            continue
        path = folder / entry.name
        try:
            is_dir = entry.is_dir()
        except OSError as exc:
            yield Failure(str(path), _os_reason(exc))
            continue
        if is_dir:
            yield from _walk(path, explicit, known, max_bytes, (*ancestors, here))
        elif entry.name.lower() not in _README_NAMES:
            yield from _read_file(path, known, max_bytes)


def _folder_manifest(
    folder: Path, inherited: Mapping[str, dict[str, Any]]
) -> tuple[Mapping[str, dict[str, Any]], Failure | None]:
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return inherited, None
    try:
        return read_manifest(path), None
    except OSError as exc:
        reason = _os_reason(exc)
    except ManifestError as exc:
        reason = str(exc)
    # Found rather than asked for: report it and import the folder without it.
    return inherited, Failure(str(path), f"manifest not used: {reason}")


def _read_file(
    path: Path, manifest: Mapping[str, dict[str, Any]], max_bytes: int
) -> Iterator[RawInput | Failure]:
    name = str(path)
    known = dict(manifest.get(_nfc(path.name), {}))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            with path.open("rb") as stream:
                head = stream.read(_SNIFF_BYTES)
                if _is_feed(path, head.decode("latin-1")):
                    stream.seek(0)
                    yield from _stream_feed(path, stream, head, known, max_bytes)
                else:
                    yield Failure(name, f"file too large ({size} bytes > {max_bytes})")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Failure(name, _os_reason(exc))
        return
    try:
        text = decode(data)
    except UnreadableInput as exc:
        yield Failure(name, str(exc))
        return
    if not text.strip():
        yield Failure(name, "empty file")
    elif _is_feed(path, text):
        yield from _read_feed(path, text, known)
    elif _is_html(path, text):
        yield RawInput(name, _html_key(text, path, known), "html", text, known)
    else:
        yield RawInput(name, known.get("url") or _file_key(path), "text", text, known)


def _is_feed(path: Path, text: str) -> bool:
    if path.suffix.lower() in _FEED_SUFFIXES:
        return True
    first = next((line for line in text.lstrip("\ufeff").split("\n") if line.strip()), "")
    return first.lstrip().startswith("{") and isinstance(_parse_object(first), dict)


def _is_html(path: Path, text: str) -> bool:
    if path.suffix.lower() in _HTML_SUFFIXES:
        return True
    start = text[:_SNIFF_BYTES].lower()
    return start.lstrip().startswith(("<!doctype html", "<html")) or "<body" in start


def _read_feed(
    path: Path, text: str, manifest_entry: dict[str, Any]
) -> Iterator[RawInput | Failure]:
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if isinstance(_parse_object(first), str) and len(lines) > 1:
        try:
            json.loads(text)
        except ValueError:
            pass  # not one document either: report each line
        else:
            yield Failure(str(path), "a JSON document, not JSON Lines (one object per line)")
            return
    for lineno, line in enumerate(lines, start=1):
        if line.strip():
            yield _feed_record(path, lineno, line, manifest_entry)


def _stream_feed(
    path: Path, stream: BinaryIO, head: bytes, manifest_entry: dict[str, Any], max_bytes: int
) -> Iterator[RawInput | Failure]:
    """Read a feed bigger than max_bytes one line at a time, so a huge feed still imports."""
    try:
        encoding = _encoding(head[: head.rfind(b"\n") + 1] or head)
    except UnreadableInput as exc:
        yield Failure(str(path), str(exc))
        return
    if encoding.startswith(("utf-16", "utf-32")):  # lines of these cannot be cut at b"\n"
        yield Failure(str(path), f"file too large to read as {encoding.upper()} (over {max_bytes})")
        return
    lineno = 0
    while chunk := stream.readline(max_bytes + 1):
        lineno += 1
        if len(chunk) > max_bytes and not chunk.endswith(b"\n"):
            yield Failure(f"{path}:{lineno}", f"line too long (more than {max_bytes} bytes)")
            while (rest := stream.readline(max_bytes)) and not rest.endswith(b"\n"):
                pass
            continue
        try:
            line = _clean(chunk.decode(encoding))
        except UnicodeDecodeError as exc:
            yield Failure(f"{path}:{lineno}", f"not valid {encoding}: {exc.reason}")
            continue
        if line.strip():
            yield _feed_record(path, lineno, line, manifest_entry)


def _feed_record(
    path: Path, lineno: int, line: str, manifest_entry: dict[str, Any]
) -> RawInput | Failure:
    name = f"{path}:{lineno}"
    line = line.strip()
    record = _parse_object(line)
    if isinstance(record, str):
        return Failure(name, record)
    values = _known_strings(record, _FEED_KEYS)
    if isinstance(values, str):
        return Failure(name, values)
    if not any(key in values for key in ("body", "html", "title")):
        return Failure(name, "no body, html or title")
    fields = {key: manifest_entry[key] for key in _FEED_DEFAULT_KEYS if key in manifest_entry}
    fields.update(values)
    # Without a URL, an id/guid keeps the key stable when lines are added or reordered.
    stable_id = record.get("id", record.get("guid"))
    if isinstance(stable_id, (str, int)) and not isinstance(stable_id, bool):
        stable_id = _clean(str(stable_id)).strip()
    else:
        stable_id = None
    key = fields.get("url") or f"{_nfc(path.name)}#{stable_id or lineno}"
    return RawInput(name, key, "json", line, fields)


def _parse_object(line: str) -> dict[str, Any] | str:
    """The JSON object on this line, or the reason it is not one."""
    try:
        # strict=False: a raw tab inside a string is common in scraped feeds and harmless.
        value = json.loads(line, strict=False)
    except json.JSONDecodeError as exc:
        # "Unterminated string starting at" already ends in "at".
        return f"invalid JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}"
    except RecursionError:
        return "invalid JSON: nested too deeply"
    if not isinstance(value, dict):
        return f"not a JSON object (found {_JSON_TYPES[type(value).__name__]})"
    return value


def _known_strings(record: dict[str, Any], keys: Sequence[str]) -> dict[str, str] | str:
    """The known keys with non-empty text values (NFC, cleaned), or why a value is unusable."""
    values: dict[str, str] = {}
    for key in keys:
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            return f'"{key}" must be a string, not {_JSON_TYPES[type(value).__name__]}'
        value = _clean(value).strip()
        if value:
            values[key] = value
    return values


class _LinkFinder(HTMLParser):
    """Collects <link rel="canonical"> and og:url; the first of each wins, like browsers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.canonical: str | None = None
        self.og_url: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "").strip() for name, value in attrs}
        if tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href") or None
        elif tag == "meta" and values.get("property", values.get("name", "")).lower() == "og:url":
            self.og_url = self.og_url or values.get("content") or None


def _html_key(html: str, path: Path, manifest_entry: dict[str, Any]) -> str:
    finder = _LinkFinder()
    try:
        finder.feed(html)
        finder.close()
    except (AssertionError, ValueError):  # malformed markup; keep whatever was found
        pass
    base = manifest_entry.get("url") or finder.og_url or ""
    for candidate in (finder.canonical, finder.og_url):
        if candidate:
            url = urljoin(base, candidate)
            if url.startswith(("http://", "https://")):
                return url
    return manifest_entry.get("url") or _file_key(path)


def _file_key(path: Path) -> str:
    return "file:" + _nfc(path.name)


def _encoding(data: bytes) -> str:
    """The codec that decodes these bytes, or UnreadableInput saying why none does."""
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise UnreadableInput(f"binary file (looks like {kind})")
    for bom, codec in _BOMS.items():
        if data.startswith(bom):
            return _verified(data, codec)
    sample = data[:_SNIFF_BYTES]
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
    best = charset_normalizer.from_bytes(data[:_SNIFF_BYTES], cp_isolation=candidates).best()
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
    on_vowel = [before in _VIETNAMESE_VOWELS for before, char in zip(" " + text, text)
                if char in _TONE_MARKS]
    if not on_vowel:
        return None
    return on_vowel.count(False) <= on_vowel.count(True) * 0.05


def _clean(text: str) -> str:
    """NFC, line ends as \\n, and no control characters but \\n and \\t."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _nfc(_CONTROL.sub("", text))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return exc.strerror or str(exc)
