"""import_articles / ingest: upsert on the input's key, report bad input by name, lose nothing."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Source

pytestmark = pytest.mark.django_db

VI_BODY = (
    "Hà Nội - Ngày 19/10/2024, Tổng thư ký NATO Mark Rutte cho biết ông đang thảo luận về việc "
    "tăng cường hỗ trợ cho Ukraine với các Bộ trưởng Quốc phòng G7 tại thành phố Naples."
)
EN_BODY = (
    "NATO is not planning combat operations inside Libya, Secretary General Jens Stoltenberg "
    "has said. The alliance stands ready to help the new government if it asks for support."
)


def run_import(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def feed_line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_feed_imports_and_reimport_updates_instead_of_duplicating(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(
            [
                feed_line(
                    url="https://vov.vn/a-1",
                    title="Rutte ở Naples",
                    body=VI_BODY,
                    published="2024-10-19",
                    source="VOV.VN",
                    language="vi",
                    tags=["ignored"],
                ),
                feed_line(url="https://www.aljazeera.com/news/b", title="NATO chief", body=EN_BODY),
            ]
        ),
        encoding="utf-8",
    )
    assert run_import(str(feed))[0] == "created 2, updated 0, unchanged 0, failed 0"
    assert run_import(str(feed))[0] == "created 0, updated 0, unchanged 2, failed 0"

    feed.write_text(
        feed_line(
            url="https://vov.vn/a-1",
            title="Rutte ở Naples (cập nhật)",
            body=VI_BODY,
            published="2024-10-19",
            source="VOV.VN",
        ),
        encoding="utf-8",
    )
    assert run_import(str(feed))[0] == "created 0, updated 1, unchanged 0, failed 0"
    assert Article.objects.count() == 2
    article = Article.objects.get(url="https://vov.vn/a-1")
    assert article.title == "Rutte ở Naples (cập nhật)"
    assert article.published.isoformat() == "2024-10-19"
    english = Article.objects.get(url="https://www.aljazeera.com/news/b")
    assert english.language == "en"
    assert english.source.domain == "aljazeera.com"


def test_bad_input_is_reported_by_name_and_the_rest_imports(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(f"Rutte ở Naples\n\n{VI_BODY}", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "utf16.txt").write_text(
        f"NATO chief rules out combat troops in Libya\n\n{EN_BODY}", encoding="utf-16"
    )
    (tmp_path / "latin1.txt").write_bytes(
        f"Café owners in Paris welcome naïve tourists\n\n{EN_BODY} A café.".encode("latin-1")
    )
    (tmp_path / "feed.jsonl").write_text(
        feed_line(url="https://example.org/1", title="Good line", body=EN_BODY)
        + "\n"
        + '{"url": "https://example.org/2", "title": "Truncated'
        + "\n"
        + "[1, 2]\n",
        encoding="utf-8",
    )
    out, err = run_import(str(tmp_path))
    assert out == "created 4, updated 0, unchanged 0, failed 4"
    assert "empty.txt: empty file" in err
    assert "image.txt: binary file" in err
    assert "feed.jsonl:2: invalid JSON" in err
    assert "feed.jsonl:3" in err
    assert Article.objects.get(title="Café owners in Paris welcome naïve tourists").body.endswith(
        "A café."
    )
    assert Article.objects.filter(
        title="NATO chief rules out combat troops in Libya", language="en"
    ).exists()


def test_a_huge_file_is_refused_without_stopping_the_batch(
    tmp_path: Path, settings: object
) -> None:
    settings.IMPORT_MAX_BYTES = 10_000  # type: ignore[attr-defined]
    (tmp_path / "huge.txt").write_text("NATO " * 5_000, encoding="utf-8")
    (tmp_path / "small.txt").write_text(f"NATO chief\n\n{EN_BODY}", encoding="utf-8")
    out, err = run_import(str(tmp_path))
    assert out == "created 1, updated 0, unchanged 0, failed 1"
    assert "huge.txt: file too large" in err


def test_page_with_no_article_text_fails_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "noise.jsonl").write_text(
        feed_line(url="https://e.org/x", title="Only a title"), encoding="utf-8"
    )
    out, err = run_import(str(tmp_path / "noise.jsonl"))
    assert out.endswith("failed 1")
    assert "noise.jsonl:1" in err


def test_invalid_published_value_is_reported(tmp_path: Path) -> None:
    (tmp_path / "f.jsonl").write_text(
        feed_line(url="https://e.org/x", title="T", body=EN_BODY, published="next tuesday"),
        encoding="utf-8",
    )
    out, err = run_import(str(tmp_path / "f.jsonl"))
    assert out.endswith("failed 1")
    assert "not an ISO 8601 date" in err


def test_missing_path_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    out, err = run_import(str(tmp_path / "nope"))
    assert out == "created 0, updated 0, unchanged 0, failed 1"
    assert "nope" in err


def test_unreadable_manifest_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="manifest"):
        run_import(str(tmp_path), "--manifest", str(tmp_path / "missing.jsonl"))


def test_html_page_imports_with_its_metadata(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        f"""<!doctype html><html lang="vi"><head>
      <meta property="og:title" content="Rutte thăm Naples">
      <link rel="canonical" href="https://baoquocte.vn/rutte-naples-1.html">
      <meta property="article:published_time" content="2024-10-19T10:30:00+07:00">
      </head><body><nav>Trang chủ | Thế giới</nav><article><h1>Rutte thăm Naples</h1>
      <p>{VI_BODY}</p><p>Các Bộ trưởng G7 kêu gọi Iran ngừng hỗ trợ Hamas.</p></article>
      <aside class="related">Tin liên quan: Nga khẳng định ...</aside></body></html>""",
        encoding="utf-8",
    )
    assert run_import(str(tmp_path))[0] == "created 1, updated 0, unchanged 0, failed 0"
    article = Article.objects.get()
    assert article.url == "https://baoquocte.vn/rutte-naples-1.html"
    assert article.title == "Rutte thăm Naples"
    assert article.language == "vi"
    assert article.published.isoformat() == "2024-10-19"
    assert "Iran ngừng hỗ trợ Hamas" in article.body
    assert "Tin liên quan" not in article.body
    assert "Trang chủ" not in article.body
    assert article.source == Source.objects.get(domain="baoquocte.vn")
    assert article.raw_format == "html" and "<article>" in article.raw


def test_crawl_date_resolves_a_yearless_dateline(tmp_path: Path) -> None:
    # A wire dateline: "hôm 21/5 cho biết" in a lead is an event, never a date (#18).
    body = (
        "BRUSSELS, May 21 (Reuters) - NATO Secretary General Jens Stoltenberg said the "
        "alliance had no plans to deploy combat forces in Libya. NATO is looking at ways to "
        "help Libya build its defence institutions."
    )
    (tmp_path / "f.jsonl").write_text(
        "\n".join(
            [
                feed_line(
                    url="https://www.reuters.com/1",
                    title="No NATO combat troops for Libya",
                    body=body,
                    crawled="2016-06-01",
                ),
                # Crawled on 10 May: 21/5 of the same year would be in the future, so the
                # year before.
                feed_line(
                    url="https://www.reuters.com/2",
                    title="No NATO combat troops for Libya (2)",
                    body=body,
                    crawled="2017-05-10",
                ),
                feed_line(
                    url="https://www.reuters.com/3",
                    title="No NATO combat troops for Libya (3)",
                    body=body,
                ),
            ]
        ),
        encoding="utf-8",
    )
    assert run_import(str(tmp_path))[0] == "created 3, updated 0, unchanged 0, failed 0"
    dates = {
        a.url: (a.published and a.published.isoformat(), a.published_precision)
        for a in Article.objects.all()
    }
    assert dates == {
        "https://www.reuters.com/1": ("2016-05-21", "day"),
        "https://www.reuters.com/2": ("2016-05-21", "day"),
        "https://www.reuters.com/3": (None, "unknown"),
    }
