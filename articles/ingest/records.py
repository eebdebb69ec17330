"""RawInput and Failure, and the checks every input passes before it becomes a RawInput.

A JSON line becomes an object or the reason it is not one; the known fields must be strings;
a URL or domain that cannot be stored is left out with a warning (the rest still imports);
a key longer than its column is the input's failure, so the database never refuses one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from articles.ingest.files import shown
from articles.ingest.outlets import host_of
from articles.text import nfc, safe_url


@dataclass(frozen=True)
class RawInput:
    name: str  # what a person would call it in a report: "demo/000.txt", "feed.jsonl:12"
    key: str  # identity across re-imports: the URL when known, else a stable name
    format: str  # "text" | "html" | "json"
    raw: str  # the decoded input as received (a JSON line for feeds), NFC
    fields: dict[str, Any] = field(default_factory=dict)  # known metadata: url, title, body,
    # html, published, source, source_domain, language (feed keys, then manifest values)
    # The key versions before #16 gave it ("file:<base name>"), when that differs: the store
    # takes over an article stored under it only if its raw input is identical.
    legacy_key: str | None = None
    warnings: tuple[str, ...] = ()  # what was left out of the input, for the curator


@dataclass(frozen=True)
class Failure:
    name: str
    reason: str


MAX_KEY_LENGTH = 1000  # Article.key's column
_JSON_TYPES = {
    "dict": "an object",
    "list": "an array",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "a boolean",
    "NoneType": "null",
}
# json.loads turns "\ud800" into a lone surrogate, which no database or UTF-8 encoder accepts.
_SURROGATE = re.compile("[\ud800-\udfff]")


def make_input(
    name: str,
    key: str,
    format: str,
    raw: str,
    fields: dict[str, Any],
    *,
    legacy_key: str | None,
    warnings: Sequence[str],
) -> RawInput | Failure:
    """The RawInput, or its Failure when the key does not fit Article.key."""
    if len(key) > MAX_KEY_LENGTH:
        reason = f"key too long ({len(key)} characters > {MAX_KEY_LENGTH}): {_clip(key)}"
        return Failure(name, reason)
    # A name with undecodable bytes could never be stored under the old key.
    legacy = legacy_key if legacy_key != key and not _SURROGATE.search(legacy_key or "") else None
    return RawInput(name, key, format, raw, fields, legacy, tuple(warnings))


def parse_object(line: str) -> dict[str, Any] | str:
    """The JSON object on this line, or the reason it is not one.

    >>> parse_object('{"n": ' + "9" * 5000 + "}").startswith("invalid JSON: Exceeds the limit")
    True
    >>> parse_object("[" * 100_000)
    'invalid JSON: nested too deeply'
    """
    try:
        # strict=False: a raw tab inside a string is common in scraped feeds and harmless.
        value = json.loads(line, strict=False)
    except json.JSONDecodeError as exc:
        # "Unterminated string starting at" already ends in "at".
        return f"invalid JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}"
    except ValueError as exc:
        # An integer over 4,300 digits (sys.get_int_max_str_digits); Python's advice dropped.
        return f"invalid JSON: {str(exc).split(';')[0]}"
    except RecursionError:
        return "invalid JSON: nested too deeply"
    if not isinstance(value, dict):
        return f"not a JSON object (found {_JSON_TYPES[type(value).__name__]})"
    return value


def known_strings(record: dict[str, Any], keys: Sequence[str]) -> dict[str, str] | str:
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


def stable_id(record: dict[str, Any]) -> str | None:
    """A feed line's "id" (else "guid") as text, when it has one."""
    value = record.get("id", record.get("guid"))
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return without_surrogates(nfc(str(value))).strip() or None
    return None


def checked(fields: Mapping[str, Any], warnings: list[str]) -> dict[str, Any]:
    """The fields without what cannot be stored; each thing left out is said in `warnings`.

    >>> notes = []
    >>> checked({"url": "javascript:alert(1)", "title": "T"}, notes)
    {'title': 'T'}
    >>> notes[0].startswith('"url" left out')
    True
    """
    result = dict(fields)
    for key, value in fields.items():
        if isinstance(value, str) and _SURROGATE.search(value):
            result[key] = without_surrogates(value)
            warnings.append(f'"{key}": unpaired surrogate escapes replaced with U+FFFD')
    if "url" in result and safe_url(result["url"]) is None:
        value = result.pop("url")
        warnings.append(
            f'"url" left out, not an http(s) URL of at most 1000 characters: {_clip(value)}'
        )
    if "source_domain" in result and host_of(result["source_domain"]) is None:
        value = result.pop("source_domain")
        warnings.append(f'"source_domain" left out, not a domain name: {_clip(value)}')
    return result


def without_surrogates(text: str) -> str:
    r"""The text with each unpaired surrogate replaced by U+FFFD, as a decoder would.

    >>> without_surrogates("a\ud800b") == "a\ufffdb"
    True
    """
    return _SURROGATE.sub("\ufffd", text)


def _clip(value: Any) -> str:
    text = shown(str(value))
    return repr(text if len(text) <= 80 else text[:79] + "…")
