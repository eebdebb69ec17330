"""read_inputs(paths) -> RawInput | Failure per article: files and folders to decoded records."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin

# decode and UnreadableInput are also imported from here (articles.inputs) by callers.
from articles.text import SNIFF_BYTES, UnreadableInput, decode, find_encoding, nfc


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


MANIFEST_NAME = "manifest.jsonl"
# "crawled": when the page was fetched; it resolves a yearless date such as "21/5".
_FEED_KEYS = (
    "url",
    "title",
    "body",
    "html",
    "published",
    "source",
    "source_domain",
    "language",
    "crawled",
)
_MANIFEST_KEYS = ("url", "title", "published", "source", "source_domain", "language", "crawled")
# A whole feed shares one source and language, but each line has its own URL, title and date.
_FEED_DEFAULT_KEYS = ("source", "source_domain", "language")
_FEED_SUFFIXES = (".jsonl", ".ndjson", ".json")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_README_NAMES = {"readme", "readme.md", "readme.txt", "readme.rst"}
_JSON_TYPES = {
    "dict": "an object",
    "list": "an array",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "a boolean",
    "NoneType": "null",
}


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
        basename = nfc(os.path.basename(file.strip()))
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
    known = dict(manifest.get(nfc(path.name), {}))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            with path.open("rb") as stream:
                head = stream.read(SNIFF_BYTES)
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
    start = text[:SNIFF_BYTES].lower()
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
        encoding = find_encoding(head[: head.rfind(b"\n") + 1] or head)
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
            line = nfc(chunk.decode(encoding))
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
        stable_id = nfc(str(stable_id)).strip()
    else:
        stable_id = None
    key = fields.get("url") or f"{nfc(path.name)}#{stable_id or lineno}"
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
        value = nfc(value).strip()
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
    return "file:" + nfc(path.name)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return exc.strerror or str(exc)
