"""read_inputs(paths) -> RawInput | Failure per article: files and folders to decoded records.

Every problem with one file or one feed line is that input's Failure, never the end of the
import. Files without a URL are keyed by their path below the folder named on the command
line (for a file named directly, its name), so two `index.txt` in two folders never collide.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin

from articles.ingest.files import NotRegularFile, key_text, open_regular, read_capped, shown
from articles.ingest.records import (
    Failure,
    RawInput,
    checked,
    known_strings,
    make_input,
    parse_object,
    stable_id,
    without_surrogates,
)

# decode and UnreadableInput are also imported from here (articles.inputs) by callers.
from articles.text import SNIFF_BYTES, UnreadableInput, decode, find_encoding, nfc, safe_url

log = logging.getLogger(__name__)


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
FEED_SUFFIXES = (".jsonl", ".ndjson", ".json")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
README_NAMES = {"readme", "readme.md", "readme.txt", "readme.rst"}


def read_manifest(path: Path, *, max_bytes: int = 20 * 1024 * 1024) -> dict[str, dict[str, Any]]:
    """Per-file metadata from a JSON Lines manifest, keyed by the file's base name (NFC)."""
    try:
        with open_regular(path) as stream:
            data = read_capped(stream, max_bytes)
        if data is None:
            raise ManifestError(f"{shown(str(path))}: larger than {max_bytes} bytes")
        text = decode(data)
    except (NotRegularFile, UnreadableInput) as exc:
        raise ManifestError(f"{shown(str(path))}: {exc}") from exc
    entries: dict[str, dict[str, Any]] = {}
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{shown(str(path))}:{lineno}"
        record = parse_object(line)
        if isinstance(record, str):
            raise ManifestError(f"{where}: {record}")
        file = record.get("file")
        if not isinstance(file, str) or not file.strip():
            raise ManifestError(f'{where}: missing "file" (the name of the file it describes)')
        # url and source_domain are checked when the file is read, so a bad one is reported
        # there and the rest of the entry still applies.
        values = known_strings(record, _MANIFEST_KEYS)
        if isinstance(values, str):
            raise ManifestError(f"{where}: {values}")
        basename = without_surrogates(nfc(os.path.basename(file.strip())))
        if basename in entries:
            raise ManifestError(f"{where}: second entry for {shown(basename)}")
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
        name = shown(str(path))
        try:
            is_dir = path.is_dir()
        except OSError as exc:
            yield Failure(name, _os_reason(exc))
            continue
        if is_dir:
            yield from _walk(path, "", manifest, {}, max_bytes, ())
        elif path.name == MANIFEST_NAME and manifest is None:
            yield Failure(name, "this is a manifest; pass it with --manifest")
        else:
            known = manifest
            if known is None:
                known, problem = _folder_manifest(path.parent, {}, max_bytes)
                if problem:
                    yield problem
            yield from _guarded(name, _read_file(path, path.name, known, max_bytes))


def _walk(
    folder: Path,
    prefix: str,
    explicit: Mapping[str, dict[str, Any]] | None,
    inherited: Mapping[str, dict[str, Any]],
    max_bytes: int,
    ancestors: tuple[tuple[int, int], ...],
) -> Iterator[RawInput | Failure]:
    try:
        stat = folder.stat()
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        yield Failure(shown(str(folder)), _os_reason(exc))
        return
    # A symlink back up the tree would otherwise be walked until ELOOP, 40 levels deep.
    here = (stat.st_dev, stat.st_ino)
    if here in ancestors:
        yield Failure(shown(str(folder)), "symbolic link loop (points back to a parent folder)")
        return
    known = explicit
    if known is None:
        known, problem = _folder_manifest(folder, inherited, max_bytes)
        if problem:
            yield problem
    for entry in entries:
        if entry.name.startswith(".") or entry.name == MANIFEST_NAME:
            continue
        path = folder / entry.name
        try:
            is_dir = entry.is_dir()
        except OSError as exc:
            yield Failure(shown(str(path)), _os_reason(exc))
            continue
        relative = prefix + entry.name
        if is_dir:
            yield from _walk(path, relative + "/", explicit, known, max_bytes, (*ancestors, here))
        elif entry.name.lower() not in README_NAMES:
            yield from _guarded(shown(str(path)), _read_file(path, relative, known, max_bytes))


def _guarded(name: str, items: Iterator[RawInput | Failure]) -> Iterator[RawInput | Failure]:
    """Whatever goes wrong inside one file is that file's failure, never the import's end."""
    try:
        yield from items
    except Exception as exc:  # a case nobody foresaw; the traceback goes to the log
        log.exception("reading %s failed", name)
        yield Failure(name, f"could not be read ({type(exc).__name__}: {exc})")


def _folder_manifest(
    folder: Path, inherited: Mapping[str, dict[str, Any]], max_bytes: int
) -> tuple[Mapping[str, dict[str, Any]], Failure | None]:
    path = folder / MANIFEST_NAME
    if not os.path.lexists(path):
        return inherited, None
    try:
        return read_manifest(path, max_bytes=max_bytes), None
    except OSError as exc:
        reason = _os_reason(exc)
    except ManifestError as exc:
        reason = str(exc)
    # Found rather than asked for: report it and import the folder without it.
    return inherited, Failure(shown(str(path)), f"manifest not used: {reason}")


def _read_file(
    path: Path, relative: str, manifest: Mapping[str, dict[str, Any]], max_bytes: int
) -> Iterator[RawInput | Failure]:
    """`relative`: the path below the folder named on the command line; it keys the file."""
    name = shown(str(path))
    known = dict(manifest.get(nfc(path.name), {}))
    try:
        with open_regular(path) as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > max_bytes:
                head = stream.read(SNIFF_BYTES)
                if _is_feed(path, head.decode("latin-1")):
                    stream.seek(0)
                    yield from _stream_feed(path, relative, stream, head, known, max_bytes)
                else:
                    yield Failure(name, f"file too large ({size} bytes > {max_bytes})")
                return
            data = read_capped(stream, max_bytes)
    except NotRegularFile as exc:
        yield Failure(name, str(exc))
        return
    except OSError as exc:
        yield Failure(name, _os_reason(exc))
        return
    if data is None:  # it grew after the stat, or says 0 bytes like the files in /proc
        yield Failure(name, f"file too large (more than {max_bytes} bytes)")
        return
    try:
        text = decode(data)
    except UnreadableInput as exc:
        yield Failure(name, str(exc))
        return
    if not text.strip():
        yield Failure(name, "empty file")
        return
    if _is_feed(path, text):
        yield from _read_feed(path, relative, text, known)
        return
    warnings: list[str] = []
    fields = checked(known, warnings)
    file_key = "file:" + key_text(nfc(relative))
    legacy = "file:" + nfc(path.name)
    html = _is_html(path, text)
    key = (html and _html_url(text, fields)) or fields.get("url") or file_key
    yield make_input(
        name,
        key,
        "html" if html else "text",
        text,
        fields,
        legacy_key=legacy if key == file_key else None,
        warnings=warnings,
    )


def _is_feed(path: Path, text: str) -> bool:
    if path.suffix.lower() in FEED_SUFFIXES:
        return True
    first = next((line for line in text.lstrip("\ufeff").split("\n") if line.strip()), "")
    return first.lstrip().startswith("{") and isinstance(parse_object(first), dict)


def _is_html(path: Path, text: str) -> bool:
    if path.suffix.lower() in _HTML_SUFFIXES:
        return True
    start = text[:SNIFF_BYTES].lower()
    return start.lstrip().startswith(("<!doctype html", "<html")) or "<body" in start


def _read_feed(
    path: Path, relative: str, text: str, manifest_entry: dict[str, Any]
) -> Iterator[RawInput | Failure]:
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if isinstance(parse_object(first), str) and len(lines) > 1:
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            pass  # not one document either: report each line
        else:
            yield Failure(shown(str(path)), "a JSON document, not JSON Lines (one object per line)")
            return
    for lineno, line in enumerate(lines, start=1):
        if line.strip():
            yield _feed_record(path, relative, lineno, line, manifest_entry)


def _stream_feed(
    path: Path,
    relative: str,
    stream: BinaryIO,
    head: bytes,
    manifest_entry: dict[str, Any],
    max_bytes: int,
) -> Iterator[RawInput | Failure]:
    """Read a feed bigger than max_bytes one line at a time, so a huge feed still imports."""
    name = shown(str(path))
    try:
        encoding = find_encoding(head[: head.rfind(b"\n") + 1] or head)
    except UnreadableInput as exc:
        yield Failure(name, str(exc))
        return
    if encoding.startswith(("utf-16", "utf-32")):  # lines of these cannot be cut at b"\n"
        yield Failure(name, f"file too large to read as {encoding.upper()} (over {max_bytes})")
        return
    lineno = 0
    while chunk := stream.readline(max_bytes + 1):
        lineno += 1
        if len(chunk) > max_bytes and not chunk.endswith(b"\n"):
            yield Failure(f"{name}:{lineno}", f"line too long (more than {max_bytes} bytes)")
            while (rest := stream.readline(max_bytes)) and not rest.endswith(b"\n"):
                pass
            continue
        try:
            line = nfc(chunk.decode(encoding))
        except UnicodeDecodeError as exc:
            yield Failure(f"{name}:{lineno}", f"not valid {encoding}: {exc.reason}")
            continue
        if line.strip():
            yield _feed_record(path, relative, lineno, line, manifest_entry)


def _feed_record(
    path: Path, relative: str, lineno: int, line: str, manifest_entry: dict[str, Any]
) -> RawInput | Failure:
    name = f"{shown(str(path))}:{lineno}"
    line = line.strip()
    record = parse_object(line)
    if isinstance(record, str):
        return Failure(name, record)
    values = known_strings(record, _FEED_KEYS)
    if isinstance(values, str):
        return Failure(name, values)
    if not any(key in values for key in ("body", "html", "title")):
        return Failure(name, "no body, html or title")
    fields = {key: manifest_entry[key] for key in _FEED_DEFAULT_KEYS if key in manifest_entry}
    fields.update(values)
    warnings: list[str] = []
    fields = checked(fields, warnings)
    if "url" in fields:
        return make_input(
            name, fields["url"], "json", line, fields, legacy_key=None, warnings=warnings
        )
    # Without a URL, an id/guid keeps the key stable when lines are added or reordered.
    position = stable_id(record) or str(lineno)
    key = f"{key_text(nfc(relative))}#{position}"
    legacy = f"{nfc(path.name)}#{position}"
    return make_input(name, key, "json", line, fields, legacy_key=legacy, warnings=warnings)


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


def _html_url(html: str, fields: dict[str, Any]) -> str | None:
    """The page's canonical (else og:url) link, made absolute, if it is a safe http(s) URL."""
    finder = _LinkFinder()
    try:
        finder.feed(html)
        finder.close()
    except (AssertionError, ValueError):  # malformed markup; keep whatever was found
        pass
    base = fields.get("url") or safe_url(finder.og_url) or ""
    for candidate in (finder.canonical, finder.og_url):
        if candidate:
            try:
                url = safe_url(urljoin(base, candidate))
            except ValueError:  # "http://[" and other URLs urljoin cannot split
                url = None
            if url:
                return url
    return None


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return exc.strerror or str(exc)
