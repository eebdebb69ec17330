"""Issue #16: hostile and careless input never aborts an import, never loses an article.

Each test builds its input in a temporary folder and runs `import_articles` as a curator would. The
same tests run on PostgreSQL, where a value longer than its column raises DataError: that
is how "too long" findings show there.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from articles.ingest import Failure, RawInput, ingest_all
from articles.models import Article, IndexQueue, Source
from articles.search import SearchParams, run
from tests.paths import DEMO, DEMO_FILES

pytestmark = pytest.mark.django_db

EN_BODY = (
    "NATO is not planning combat operations inside Libya, Secretary General Jens Stoltenberg "
    "has said. The alliance stands ready to help the new government if it asks for support."
)
# Distinct stories: near-identical texts would be folded as copies of one another.
STOLTENBERG = [
    "Stoltenberg said the alliance would send trainers to Baghdad next spring, after talks "
    "with the Iraqi prime minister about the security of the capital and its airport.",
    "Stoltenberg told reporters in Brussels that defence spending rose for the ninth year "
    "running, with eleven allies now meeting the target agreed in Wales a decade ago.",
    "Stoltenberg met the Ukrainian foreign minister in Vilnius and promised more air defence "
    "systems before the winter, according to a statement released after the meeting.",
]
VI_BODY = (
    "Hà Nội - Ngày 19/10/2024, Tổng thư ký NATO Mark Rutte cho biết ông đang thảo luận về việc "
    "tăng cường hỗ trợ cho Ukraine với các Bộ trưởng Quốc phòng G7 tại thành phố Naples."
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The folder to import: tmp_path itself also holds this test's search index."""
    path = tmp_path / "in"
    path.mkdir()
    return path


def run_import(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def line(**fields: Any) -> str:
    # ensure_ascii: "\ud800" must reach the importer as the six-character JSON escape.
    return json.dumps(fields)


def write_lines(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def page(title: str, body: str = EN_BODY) -> str:
    return f"{title}\n\n{body}"


# Finding 3: one bad line, one bad file, never the whole import.


def test_a_5000_digit_integer_fails_only_its_line(tmp_path: Path) -> None:
    huge = '{"title": "Big number", "body": "x", "count": ' + "7" * 5000 + "}"
    feed = write_lines(
        tmp_path / "feed.jsonl",
        line(url="https://e.org/1", title="Before", body=EN_BODY),
        huge,
        line(url="https://e.org/3", title="After", body=EN_BODY),
    )

    out, err = run_import(str(feed))

    assert out == "created 2, updated 0, unchanged 0, failed 1"
    assert f"failed: {feed}:2: invalid JSON: Exceeds the limit (4300 digits)" in err
    assert "set_int_max_str_digits" not in err
    assert sorted(Article.objects.values_list("title", flat=True)) == ["After", "Before"]


def test_json_nested_2000_levels_deep_fails_only_its_line(tmp_path: Path) -> None:
    deep = "[" * 2000 + "]" * 2000
    # As the first line it also sends the "one JSON document?" check down the same path.
    feed = write_lines(
        tmp_path / "feed.jsonl",
        deep,
        line(url="https://e.org/2", title="Second", body=EN_BODY),
        '{"title": "Nested", "body": "x", "extra": ' + deep + "}",
    )

    out, err = run_import(str(feed))

    assert out == "created 1, updated 0, unchanged 0, failed 2"
    assert f"failed: {feed}:1: invalid JSON: nested too deeply" in err
    assert f"failed: {feed}:3: invalid JSON: nested too deeply" in err
    assert Article.objects.get().title == "Second"


def test_a_lone_surrogate_escape_is_replaced_and_reported(tmp_path: Path) -> None:
    feed = write_lines(
        tmp_path / "feed.jsonl",
        line(id="a\ud800", title="Broken \ud800 title", body=EN_BODY + " \udfff"),
        line(url="https://e.org/2", title="Fine", body=EN_BODY),
    )

    out, err = run_import(str(feed))

    assert out == "created 2, updated 0, unchanged 0, failed 0, warnings 2"
    assert f'warning: {feed}:1: "title": unpaired surrogate escapes replaced with U+FFFD' in err
    assert f'warning: {feed}:1: "body": unpaired surrogate escapes replaced with U+FFFD' in err
    article = Article.objects.get(key="feed.jsonl#a\ufffd")
    assert article.title == "Broken \ufffd title"
    assert article.body.endswith("\ufffd")
    assert run_import(str(feed))[0] == "created 0, updated 0, unchanged 2, failed 0, warnings 2"


def test_a_file_name_that_is_not_utf8_imports_and_prints(folder: Path) -> None:
    root = os.fsencode(folder)
    with open(root + b"/\xff-page.txt", "wb") as handle:
        handle.write(page("NATO chief rules out combat troops").encode())
    os.mkdir(root + b"/\xfe-dir")
    with open(root + b"/\xfe-dir/index.txt", "wb") as handle:
        handle.write(page("Rutte ở Naples", VI_BODY).encode())
    with open(root + b"/\xfd-empty.txt", "wb"):
        pass

    out, err = run_import(str(folder))

    assert out == "created 2, updated 0, unchanged 0, failed 1"
    # Undecodable bytes are printed (and keyed) as \xNN: the report can always be written.
    assert f"failed: {folder}/\\xfd-empty.txt: empty file" in err
    err.encode("utf-8")
    keys = set(Article.objects.values_list("key", flat=True))
    assert keys == {"file:\\xff-page.txt", "file:\\xfe-dir/index.txt"}
    assert run_import(str(folder))[0] == "created 0, updated 0, unchanged 2, failed 1"


def test_values_longer_than_their_columns_never_reach_the_database(folder: Path) -> None:
    long_host = "a" * 250 + ".com"
    feed = write_lines(
        folder / "feed.jsonl",
        line(url="https://e.org/" + "p" * 1100, title="Long URL", body=EN_BODY),
        line(id="i" * 1001, title="Long id", body=EN_BODY),
        line(url="https://e.org/3", title="T" * 1500, body=EN_BODY),
        line(url="https://e.org/4", title="Long domain", body=EN_BODY, source_domain=long_host),
        line(url="https://e.org/5", title="Long source", body=EN_BODY, source="S" * 201),
        line(title="Long host in text", body=f"{EN_BODY} Write to desk@{long_host} today."),
    )
    (folder / "page.html").write_text(
        f"""<html lang="en"><head><meta property="og:site_name" content="{"N" * 300}">
        <link rel="canonical" href="https://e.org/{"c" * 1100}"></head>
        <body><article><h1>Long site name and canonical</h1><p>{EN_BODY}</p></article></body>
        </html>""",
        encoding="utf-8",
    )

    out, err = run_import(str(folder))

    assert out == "created 5, updated 0, unchanged 0, failed 2, warnings 2"
    assert f'warning: {feed}:1: "url" left out, not an http(s) URL of at most 1000' in err
    key = f"feed.jsonl#{'i' * 1001}"
    assert f"failed: {feed}:2: key too long ({len(key)} characters > 1000)" in err
    assert f'warning: {feed}:4: "source_domain" left out, not a domain name' in err
    assert f'failed: {feed}:5: "source" longer than 200 characters' in err
    # Keyed by position instead of the URL it could not store; the raw line keeps the URL.
    long_url = Article.objects.get(title="Long URL")
    assert (long_url.key, long_url.url) == ("feed.jsonl#1", None)
    assert "p" * 1100 in long_url.raw
    assert Article.objects.get(url="https://e.org/3").title == "T" * 1000
    assert Article.objects.get(title="Long domain").source.domain == "e.org"  # type: ignore[union-attr]
    html = Article.objects.get(title="Long site name and canonical")
    assert (html.key, html.url) == ("file:page.html", None)
    assert all(len(source.name) <= 200 for source in Source.objects.all())
    assert all(len(source.domain or "") <= 200 for source in Source.objects.all())


def test_special_files_are_skipped_with_a_reason_and_never_opened(folder: Path) -> None:
    (folder / "good.txt").write_text(page("NATO chief rules out combat troops"), "utf-8")
    os.mkfifo(folder / "pipe.txt")  # opening it for reading would wait for a writer for ever
    (folder / "zero.txt").symlink_to("/dev/zero")  # reading it would fill memory
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "socket.txt"))
    (folder / "link.txt").symlink_to(folder / "good.txt")  # a link to a file is a file
    try:
        out, err = run_import(str(folder))
    finally:
        listener.close()

    # The link is read like any file: a second article, keyed by the link's name.
    assert out == "created 2, updated 0, unchanged 0, failed 4"
    assert f"failed: {folder / 'pipe.txt'}: skipped: a FIFO (named pipe), not a regular" in err
    assert f"failed: {folder / 'zero.txt'}: skipped: a character device, not a regular" in err
    assert f"failed: {folder / 'socket.txt'}: skipped: a socket, not a regular file" in err
    assert f"failed: {folder / 'loop.txt'}: Too many levels of symbolic links" in err


def test_a_special_manifest_is_not_read(folder: Path, tmp_path: Path) -> None:
    (folder / "a.txt").write_text(page("NATO chief rules out combat troops"), "utf-8")
    (folder / "manifest.jsonl").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "curated.jsonl")

    out, err = run_import(str(folder))

    assert out == "created 1, updated 0, unchanged 0, failed 1"
    assert f"failed: {folder / 'manifest.jsonl'}: manifest not used: " in err
    assert "a character device, not a regular file" in err
    with pytest.raises(CommandError, match="a FIFO"):
        run_import(str(folder / "a.txt"), "--manifest", str(tmp_path / "curated.jsonl"))


def test_nothing_reads_past_the_cap_even_a_file_that_says_it_is_empty(
    folder: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 1000
    # /proc files report 0 bytes; this one holds kilobytes (the test process's memory map).
    (folder / "maps.txt").symlink_to("/proc/self/maps")
    feed = write_lines(
        folder / "feed.jsonl",
        line(url="https://e.org/1", title="Short", body="NATO and Libya " * 10),
        line(url="https://e.org/2", title="Long", body="x" * 2000),
        line(url="https://e.org/3", title="Short again", body="NATO and Libya " * 10),
    )

    out, err = run_import(str(folder))

    assert f"failed: {folder / 'maps.txt'}: file too large (more than 1000 bytes)" in err
    assert f"failed: {feed}:2: line too long (more than 1000 bytes)" in err
    assert out == "created 2, updated 0, unchanged 0, failed 2"


def test_a_database_error_rolls_back_that_article_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import articles.ingest.store as store

    real_link = store.link_article

    def link_or_collide(article: Article, **found: Any) -> None:
        if article.title == "Collides":
            # A real constraint violation, after the article and its new source were written.
            Article.objects.create(key=article.key, title="x", body="x", content_hash="x")
        real_link(article, **found)

    monkeypatch.setattr(store, "link_article", link_or_collide)
    feed = write_lines(
        tmp_path / "feed.jsonl",
        line(url="https://e.org/1", title="Before", body=EN_BODY),
        line(url="https://e.org/2", title="Collides", body=EN_BODY, source="Ghost Agency"),
        line(url="https://e.org/3", title="After", body=EN_BODY),
    )

    out, err = run_import(str(feed))

    assert out == "created 2, updated 0, unchanged 0, failed 1"
    assert f"failed: {feed}:2: database error: " in err
    assert sorted(Article.objects.values_list("title", flat=True)) == ["After", "Before"]
    assert not Source.objects.filter(name="Ghost Agency").exists()


def test_a_batch_whose_commit_fails_is_saved_again_article_by_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import contextmanager

    from django.db import DatabaseError

    import articles.ingest.pipeline as pipeline

    real_queue = pipeline.queued_together
    failed: list[str] = []

    @contextmanager
    def queue_then_fail_once() -> Iterator[None]:
        with real_queue():
            yield
        if not failed:  # as a commit the database refuses: the whole batch is rolled back
            failed.append("batch")
            raise DatabaseError("disk I/O error")

    monkeypatch.setattr(pipeline, "queued_together", queue_then_fail_once)
    feed = write_lines(
        tmp_path / "feed.jsonl",
        *(
            line(url=f"https://e.org/{n}", title=f"Stoltenberg {n}", body=STOLTENBERG[n])
            for n in range(3)
        ),
    )

    out, err = run_import(str(feed))

    assert failed == ["batch"]
    assert out == "created 3, updated 0, unchanged 0, failed 0"
    assert Article.objects.count() == 3
    assert not Article.objects.filter(story=None).exists()
    assert not IndexQueue.objects.exists()
    assert run(SearchParams(q="Stoltenberg")).total == 3


def test_an_unforeseen_error_costs_one_article_and_the_rest_are_searchable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import articles.ingest.store as store

    real_assign = store.assign_topics

    def assign_or_break(article: Article, *args: Any, **kwargs: Any) -> None:
        if article.title == "Breaks":
            raise RuntimeError("a bug in the classifier")
        real_assign(article, *args, **kwargs)

    monkeypatch.setattr(store, "assign_topics", assign_or_break)
    feed = write_lines(
        tmp_path / "feed.jsonl",
        line(url="https://e.org/1", title="Stoltenberg one", body=STOLTENBERG[0]),
        line(url="https://e.org/2", title="Breaks", body=STOLTENBERG[1]),
        line(url="https://e.org/3", title="Stoltenberg three", body=STOLTENBERG[2]),
    )

    out, err = run_import(str(feed))

    assert out == "created 2, updated 0, unchanged 0, failed 1"
    assert f"failed: {feed}:2: could not be imported (RuntimeError: a bug in the classifier)" in err
    assert not IndexQueue.objects.exists()
    assert run(SearchParams(q="Stoltenberg")).total == 2


def test_articles_saved_before_a_crash_are_indexed_without_a_drain_by_hand() -> None:
    def items() -> Iterator[RawInput | Failure]:
        yield RawInput("one", "test:1", "text", page("Stoltenberg speaks in Brussels"), {})
        raise RuntimeError("the input went away")

    with pytest.raises(RuntimeError):
        ingest_all(items())

    assert Article.objects.count() == 1
    assert not IndexQueue.objects.exists()
    assert run(SearchParams(q="Stoltenberg")).total == 1


# Finding 9: a failed index write is a failure, the exit status says so, nothing is lost.


def test_a_failed_index_write_fails_the_import_and_keeps_the_articles_queued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haystack import connections

    write_lines(tmp_path / "first.jsonl", line(url="https://e.org/0", title="Old", body=EN_BODY))
    assert run_import(str(tmp_path / "first.jsonl"))[0].startswith("created 1,")

    def disk_full(self: Any, index: Any, iterable: Any, removed: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    # The backend's own write, as a full disk fails it (a failure inside Whoosh's writer
    # set-up would also leave Whoosh's lock held by this process: a search-layer matter).
    monkeypatch.setattr(type(connections["default"].get_backend()), "apply", disk_full)
    feed = write_lines(
        tmp_path / "feed.jsonl",
        line(url="https://e.org/1", title="Stoltenberg one", body=STOLTENBERG[0]),
        line(url="https://e.org/2", title="Stoltenberg two", body=STOLTENBERG[1]),
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="search index was not updated"):
        call_command("import_articles", str(feed), stdout=out, stderr=err)

    assert out.getvalue().strip() == "created 2, updated 0, unchanged 0, failed 1"
    assert "failed: search index: index write failed (OSError: [Errno 28]" in err.getvalue()
    assert "2 articles stay queued" in err.getvalue()
    new = set(Article.objects.filter(title__startswith="Stoltenberg").values_list("pk", flat=True))
    assert len(new) == 2
    assert set(IndexQueue.objects.values_list("article_id", flat=True)) == new

    monkeypatch.undo()
    call_command("process_index_queue", stdout=StringIO())
    assert not IndexQueue.objects.exists()
    assert run(SearchParams(q="Stoltenberg")).total == 3


# Finding 4: a file's key is its path below the folder imported, so names never collide.


def test_same_file_name_in_two_folders_gives_two_articles(folder: Path) -> None:
    for year, title in (("2016", "NATO rules out troops in Libya"), ("2017", "NATO trains Iraq")):
        (folder / year).mkdir()
        (folder / year / "index.txt").write_text(page(title), encoding="utf-8")
        write_lines(folder / year / "feed.jsonl", line(title=f"{title} (feed)", body=EN_BODY))

    assert run_import(str(folder))[0] == "created 4, updated 0, unchanged 0, failed 0"
    assert run_import(str(folder))[0] == "created 0, updated 0, unchanged 4, failed 0"
    assert set(Article.objects.values_list("key", flat=True)) == {
        "file:2016/index.txt",
        "file:2017/index.txt",
        "2016/feed.jsonl#1",
        "2017/feed.jsonl#1",
    }


def test_an_article_stored_under_its_base_name_is_taken_over_only_if_identical(
    folder: Path,
) -> None:
    for year, title in (("2016", "NATO rules out troops in Libya"), ("2017", "NATO trains Iraq")):
        (folder / year).mkdir()
        (folder / year / "index.txt").write_text(page(title), encoding="utf-8")
    # Named directly, a file is keyed by its name: "file:index.txt", as before #16.
    assert run_import(str(folder / "2016" / "index.txt"))[0].startswith("created 1,")
    old = Article.objects.get(key="file:index.txt")

    assert run_import(str(folder))[0] == "created 1, updated 0, unchanged 1, failed 0"
    assert Article.objects.get(key="file:2016/index.txt").pk == old.pk
    assert Article.objects.get(key="file:2017/index.txt").title == "NATO trains Iraq"


def test_the_demo_reimports_unchanged_from_its_folder_or_its_parent(folder: Path) -> None:
    assert run_import(str(DEMO))[0] == "created 5, updated 0, unchanged 0, failed 0"
    assert run_import(str(DEMO))[0] == "created 0, updated 0, unchanged 5, failed 0"
    shutil.copytree(DEMO, folder / "demo")
    # From the parent folder the new keys are "file:demo/...": the identical articles stored
    # under "file:<name>" are taken over, and the demo's manifest still applies.
    assert run_import(str(folder))[0] == "created 0, updated 0, unchanged 5, failed 0"
    assert {a.key for a in Article.objects.all()} == {f"file:demo/{n}" for n in DEMO_FILES.values()}
    assert Article.objects.get(key=f"file:demo/{DEMO_FILES['000']}").source.name == "VOV.VN"  # type: ignore[union-attr]


# Finding 7: the outlet a feed or manifest names wins over the URL's domain.


def test_an_explicit_source_wins_over_the_owner_of_the_urls_domain(folder: Path) -> None:
    write_lines(
        folder / "feed.jsonl",
        line(url="https://vov.vn/a-1", title="Rutte ở Naples", body=VI_BODY, source="VOV.VN"),
        line(url="https://vov.vn/reuters-1", title="Reuters copy", body=EN_BODY, source="Reuters"),
    )
    (folder / "page.txt").write_text(page("AFP copy on VOV"), encoding="utf-8")
    write_lines(
        folder / "manifest.jsonl",
        json.dumps({"file": "page.txt", "url": "https://vov.vn/afp-1", "source": "AFP"}),
    )

    assert run_import(str(folder))[0] == "created 3, updated 0, unchanged 0, failed 0"
    vov = Source.objects.get(domain="vov.vn")
    assert vov.name == "VOV.VN"
    assert Article.objects.get(url="https://vov.vn/a-1").source == vov
    reuters = Article.objects.get(url="https://vov.vn/reuters-1").source
    assert reuters is not None and (reuters.name, reuters.domain) == ("Reuters", None)
    afp = Article.objects.get(url="https://vov.vn/afp-1").source
    assert afp is not None and (afp.name, afp.domain) == ("AFP", None)


# Finding 1: only http(s) URLs enter, from feeds, manifests and pages alike.


def test_a_non_http_url_is_left_out_with_a_warning_and_the_article_kept(folder: Path) -> None:
    feed = write_lines(
        folder / "feed.jsonl",
        line(url="javascript:alert(1)", title="Script URL", body=EN_BODY),
        line(url="data:text/html,<script>x</script>", title="Data URL", body=EN_BODY),
    )
    (folder / "page.txt").write_text(page("Manifest with a script URL"), encoding="utf-8")
    (folder / "canonical.html").write_text(
        '<html lang="en"><head><link rel="canonical" href="javascript:alert(1)">'
        '<meta property="og:url" content="http:no-host"></head>'
        f"<body><article><h1>Canonical script</h1><p>{EN_BODY}</p></article></body></html>",
        encoding="utf-8",
    )
    write_lines(
        folder / "manifest.jsonl",
        json.dumps({"file": "page.txt", "url": "JaVaScRiPt://e.org/%0aalert(1)"}),
    )

    out, err = run_import(str(folder))

    assert out == "created 4, updated 0, unchanged 0, failed 0, warnings 3"
    assert f'warning: {feed}:1: "url" left out, not an http(s) URL' in err
    assert "'javascript:alert(1)'" in err
    assert f'warning: {feed}:2: "url" left out' in err
    assert f'warning: {folder / "page.txt"}: "url" left out' in err
    assert not Article.objects.exclude(url=None).exists()
    assert set(Article.objects.values_list("key", flat=True)) == {
        "feed.jsonl#1",
        "feed.jsonl#2",
        "file:page.txt",
        "file:canonical.html",
    }
    assert not Source.objects.filter(name__in=["javascript", "data", "e.org"]).exists()
    assert run_import(str(folder))[0] == "created 0, updated 0, unchanged 4, failed 0, warnings 3"
