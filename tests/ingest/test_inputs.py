from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pytest

from articles.ingest import Failure, ManifestError, RawInput, read_inputs, read_manifest
from tests.paths import DEMO

VIETNAMESE = "Tổng thư ký NATO cho biết chính phủ Iraq đã bật đèn xanh"


def _read(*paths: Path, **options: object) -> list[RawInput | Failure]:
    return list(read_inputs(list(paths), **options))  # type: ignore[arg-type]


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_demo_folder_gives_five_texts_with_its_manifest() -> None:
    results = _read(DEMO)

    assert all(isinstance(r, RawInput) for r in results)
    assert [r.key for r in results] == [
        "file:000_1dc0e116d5bd7aa3.txt",
        "file:001_724fd7ab271b279b.txt",
        "file:002_2291f5ab7e80b420.txt",
        "file:003_6a95b925a5cc9ef6.txt",
        "file:004_31caa0d164b498d3.txt",
    ]
    first = results[0]
    assert isinstance(first, RawInput)
    assert first.format == "text"
    assert first.name == str(DEMO / "000_1dc0e116d5bd7aa3.txt")
    assert first.fields == {
        "language": "vi",
        "source": "VOV.VN",
        "source_domain": "vov.vn",
        "published": "2016-05-21",
    }
    assert first.raw == (DEMO / "000_1dc0e116d5bd7aa3.txt").read_text(encoding="utf-8")
    second = results[1]
    assert isinstance(second, RawInput)
    assert second.fields["source"] == "Báo Thế giới và Việt Nam"


def test_single_file_picks_up_its_folders_manifest() -> None:
    [result] = _read(DEMO / "004_31caa0d164b498d3.txt")

    assert isinstance(result, RawInput)
    assert result.fields["source"] == "Al Jazeera"
    assert result.fields["published"] == "2016-04-05"


def test_explicit_manifest_replaces_the_folders_and_gives_the_url_key(tmp_path: Path) -> None:
    manifest_path = _write_jsonl(
        tmp_path / "curated.jsonl",
        [
            json.dumps(
                {
                    "file": "some/dir/000_1dc0e116d5bd7aa3.txt",
                    "url": "https://vov.vn/the-gioi/nato-123.vov",
                    "title": "NATO ở Iraq",
                    "source": "VOV",
                    "extra": "ignored",
                },
                ensure_ascii=False,
            )
        ],
    )
    manifest = read_manifest(manifest_path)

    results = _read(DEMO, manifest=manifest)

    assert manifest == {
        "000_1dc0e116d5bd7aa3.txt": {
            "url": "https://vov.vn/the-gioi/nato-123.vov",
            "title": "NATO ở Iraq",
            "source": "VOV",
        }
    }
    assert results[0].key == "https://vov.vn/the-gioi/nato-123.vov"  # type: ignore[union-attr]
    assert results[0].fields["title"] == "NATO ở Iraq"  # type: ignore[union-attr]
    assert results[1].key == "file:001_724fd7ab271b279b.txt"  # type: ignore[union-attr]
    assert results[1].fields == {}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"file": "a.txt", "source": "VOV"', "invalid JSON: Expecting ',' delimiter at column 34"),
        ('["a.txt"]', "not a JSON object (found an array)"),
        ('{"source": "VOV"}', 'missing "file" (the name of the file it describes)'),
        ('{"file": "a.txt", "published": 2016}', '"published" must be a string, not a number'),
    ],
)
def test_bad_manifest_line_raises_with_file_and_line(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = _write_jsonl(tmp_path / "manifest.jsonl", ['{"file": "ok.txt"}', "", line])

    with pytest.raises(ManifestError) as caught:
        read_manifest(path)

    assert str(caught.value) == f"{path}:3: {reason}"


def test_broken_manifest_found_in_a_folder_is_reported_and_files_still_import(
    tmp_path: Path,
) -> None:
    (tmp_path / "manifest.jsonl").write_text("{not json\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Hello", encoding="utf-8")

    results = _read(tmp_path)

    assert results == [
        Failure(
            str(tmp_path / "manifest.jsonl"),
            f"manifest not used: {tmp_path / 'manifest.jsonl'}:1: "
            "invalid JSON: Expecting property name enclosed in double quotes at column 2",
        ),
        RawInput(str(tmp_path / "a.txt"), "file:a.txt", "text", "Hello", {}),
    ]


def test_jsonl_imports_good_lines_and_reports_bad_ones(tmp_path: Path) -> None:
    good = {
        "url": "https://baoquocte.vn/a-1.html",
        "title": "Hà Nội",
        "body": "Nội dung",
        "published": "2020-02-13",
        "source": "Báo Quốc tế",
        "source_domain": "baoquocte.vn",
        "language": "vi",
        "tags": ["ignored"],
        "author": "ignored",
    }
    truncated = '{"url": "https://example.com/2", "title": "Cut off" "body": "x"'
    feed = _write_jsonl(
        tmp_path / "feed.jsonl",
        [
            json.dumps(good, ensure_ascii=False),
            "",
            truncated,
            "[1, 2]",
            '{"id": "abc-7", "title": "No URL"}',
            '{"title": "Neither URL nor id", "html": "<p>x</p>"}',
            '{"url": "https://example.com/3", "source": "Nothing to read"}',
            "   ",
        ],
    )

    results = _read(feed)

    assert results[0] == RawInput(
        f"{feed}:1",
        "https://baoquocte.vn/a-1.html",
        "json",
        json.dumps(good, ensure_ascii=False),
        {key: value for key, value in good.items() if key not in ("tags", "author")},
    )
    assert results[1:] == [
        Failure(f"{feed}:3", "invalid JSON: Expecting ',' delimiter at column 53"),
        Failure(f"{feed}:4", "not a JSON object (found an array)"),
        RawInput(
            f"{feed}:5",
            "feed.jsonl#abc-7",
            "json",
            '{"id": "abc-7", "title": "No URL"}',
            {"title": "No URL"},
        ),
        RawInput(
            f"{feed}:6",
            "feed.jsonl#6",
            "json",
            '{"title": "Neither URL nor id", "html": "<p>x</p>"}',
            {"title": "Neither URL nor id", "html": "<p>x</p>"},
        ),
        Failure(f"{feed}:7", "no body, html or title"),
    ]


def test_jsonl_is_sniffed_by_content_and_takes_feed_defaults_from_manifest(tmp_path: Path) -> None:
    feed = _write_jsonl(tmp_path / "export.txt", ['{"url": "https://vov.vn/x", "body": "Tin"}'])
    manifest = {"export.txt": {"source": "VOV.VN", "language": "vi", "title": "not per line"}}

    [result] = _read(feed, manifest=manifest)

    assert isinstance(result, RawInput)
    assert result.format == "json"
    assert result.fields == {
        "url": "https://vov.vn/x",
        "body": "Tin",
        "source": "VOV.VN",
        "language": "vi",
    }


def test_pretty_printed_json_document_is_one_clear_failure(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([{"title": "a"}], indent=2), encoding="utf-8")

    assert _read(path) == [
        Failure(str(path), "a JSON document, not JSON Lines (one object per line)")
    ]


def test_big_jsonl_is_streamed_and_only_the_oversized_line_fails(tmp_path: Path) -> None:
    feed = _write_jsonl(
        tmp_path / "big.ndjson",
        [
            '{"url": "https://e.com/1", "title": "One"}',
            json.dumps({"url": "https://e.com/2", "body": "x" * 500}),
            '{"url": "https://e.com/3", "title": "Ba đã"}',
            '{"url": "https://e.com/4", "title": "Cut',
        ],
    )

    results = _read(feed, max_bytes=100)

    assert os.stat(feed).st_size > 100
    assert [(r.name, getattr(r, "key", None) or getattr(r, "reason", None)) for r in results] == [
        (f"{feed}:1", "https://e.com/1"),
        (f"{feed}:2", "line too long (more than 100 bytes)"),
        (f"{feed}:3", "https://e.com/3"),
        (f"{feed}:4", "invalid JSON: Unterminated string starting at column 37"),
    ]
    assert results[2].fields["title"] == "Ba đã"  # type: ignore[union-attr]


def test_file_over_max_bytes_fails_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("a" * 101, encoding="utf-8")

    assert _read(path, max_bytes=100) == [Failure(str(path), "file too large (101 bytes > 100)")]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (looks like PNG image)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "binary file (looks like PDF document)"),
        (b"PK\x03\x04\x14\x00", "binary file (looks like ZIP archive)"),
        (b"\x1f\x8b\x08\x00", "binary file (looks like gzip archive)"),
        (b"abc\x00\x01\x02\xffdef\x00\x00\x00\x10", "binary file (contains NUL bytes)"),
        (bytes(range(1, 9)) * 10 + b"text", "binary file (mostly control bytes)"),
    ],
)
def test_binary_files_fail_with_what_they_look_like(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    path = tmp_path / "picture.txt"
    path.write_bytes(data)

    assert _read(path) == [Failure(str(path), reason)]


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n ", b"\xef\xbb\xbf\n"])
def test_empty_file_fails(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(data)

    assert _read(path) == [Failure(str(path), "empty file")]


def test_missing_path_fails_and_the_rest_still_import(tmp_path: Path) -> None:
    present = tmp_path / "here.txt"
    present.write_text("Xin chào", encoding="utf-8")

    results = _read(tmp_path / "gone.txt", present)

    assert results == [
        Failure(str(tmp_path / "gone.txt"), "no such file or directory"),
        RawInput(str(present), "file:here.txt", "text", "Xin chào", {}),
    ]


def test_nfd_text_and_file_names_come_out_nfc(tmp_path: Path) -> None:
    name = unicodedata.normalize("NFD", "Hà Nội.txt")
    (tmp_path / name).write_bytes(unicodedata.normalize("NFD", VIETNAMESE).encode("utf-8"))

    [result] = _read(tmp_path, manifest={"Hà Nội.txt": {"source": "VOV.VN"}})

    assert isinstance(result, RawInput)
    assert result.raw == VIETNAMESE
    assert result.raw == unicodedata.normalize("NFC", result.raw)
    assert result.key == "file:Hà Nội.txt"
    assert result.fields == {"source": "VOV.VN"}


@pytest.mark.parametrize(
    ("head", "key"),
    [
        (
            '<link rel="canonical" href="https://vov.vn/a-1.vov?x=1&amp;y=2">',
            "https://vov.vn/a-1.vov?x=1&y=2",
        ),
        ('<meta property="og:url" content="https://vov.vn/og.vov">', "https://vov.vn/og.vov"),
        (
            '<link rel="canonical" href="/rel.vov">'
            '<meta property="og:url" content="https://vov.vn/og">',
            "https://vov.vn/rel.vov",
        ),
        ("<title>No canonical</title>", "file:page.html"),
    ],
)
def test_html_key_is_the_canonical_url(tmp_path: Path, head: str, key: str) -> None:
    path = tmp_path / "page.html"
    html = f"<!DOCTYPE html><html><head>{head}</head><body><p>Tin</p></body></html>"
    path.write_text(html, encoding="utf-8")

    assert _read(path) == [RawInput(str(path), key, "html", html, {})]


def test_html_is_sniffed_without_extension_and_uses_manifest_url(tmp_path: Path) -> None:
    path = tmp_path / "saved"
    path.write_text("<html><body><p>Tin</p></body></html>", encoding="utf-8")
    manifest = {"saved": {"url": "https://vov.vn/saved.vov", "language": "vi"}}

    [result] = _read(path, manifest=manifest)

    assert isinstance(result, RawInput)
    assert (result.format, result.key) == ("html", "https://vov.vn/saved.vov")
    assert result.fields == {"url": "https://vov.vn/saved.vov", "language": "vi"}


def test_walk_skips_hidden_readme_and_manifest_and_recurses_sorted(tmp_path: Path) -> None:
    for relative in [
        "b.txt",
        "a/z.txt",
        "a/c.txt",
        ".git/x.txt",
        ".hidden.txt",
        "README.md",
        "README",
        "manifest.jsonl",
    ]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text('{"file": "c.txt", "source": "S"}', encoding="utf-8")
    (tmp_path / "b.txt").write_text("B", encoding="utf-8")
    (tmp_path / "a/z.txt").write_text("Z", encoding="utf-8")
    (tmp_path / "a/c.txt").write_text("C", encoding="utf-8")

    results = _read(tmp_path)

    assert [(r.name, r.fields) for r in results] == [  # type: ignore[union-attr]
        (str(tmp_path / "a/c.txt"), {"source": "S"}),
        (str(tmp_path / "a/z.txt"), {}),
        (str(tmp_path / "b.txt"), {}),
    ]


def test_manifest_passed_as_input_is_pointed_at_the_option() -> None:
    assert _read(DEMO / "manifest.jsonl") == [
        Failure(str(DEMO / "manifest.jsonl"), "this is a manifest; pass it with --manifest")
    ]


def test_symlink_loops_fail_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self").symlink_to(tmp_path / "self")

    results = _read(tmp_path)

    assert results == [
        RawInput(str(tmp_path / "a.txt"), "file:a.txt", "text", "A", {}),
        Failure(str(tmp_path / "loop"), "symbolic link loop (points back to a parent folder)"),
        Failure(str(tmp_path / "self"), "Too many levels of symbolic links"),
    ]


def test_os_error_while_reading_becomes_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("x", encoding="utf-8")

    real_open = os.open

    # Files are opened with os.open (after a stat says they are regular), not Path.read_bytes.
    def deny(file: str | Path, flags: int, *args: int, **kwargs: object) -> int:
        if os.fspath(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)

    assert _read(path) == [Failure(str(path), "Permission denied")]
