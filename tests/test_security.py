"""Hostile and careless input, the web side (issue #16): links, headers, 400s, defaults, limits.

Each test reproduces a finding of the issue: a javascript: URL that became a link, HTTP 500s on
odd parameters, local defaults that failed open, unthrottled logins and searches, HEAD answered
405, an over-long Vietnamese query stopped by gunicorn's request-line limit.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test import Client, RequestFactory

from articles.forms import make_cursor
from articles.models import Article, Source, Story
from articles.views import client_ip, home
from tests.factories import make_article, make_source
from tests.paths import ROOT

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
HOSTILE_URLS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "ftp://files.example/a",
]


def pages(demo: dict[str, Article]) -> list[str]:
    """One URL of every public page and API endpoint (articles/urls.py), on the demo."""
    article = demo["003"]
    story = Story.objects.filter(article_count__gt=0).first()
    assert story is not None and article.source_id is not None
    entity = article.mentions.first()
    assert entity is not None
    return [
        "/",
        "/search/?q=Libya",
        f"/articles/{article.pk}/",
        f"/sources/{article.source_id}/",
        f"/entities/{entity.entity_id}/",
        "/stories/",
        f"/stories/{story.pk}/",
        "/api/articles/?q=Libya",
        "/api/stories/?q=Libya",
        f"/api/stories/{story.pk}/",
    ]


def csp(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def api_error(response: Any, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = urllib.parse.quote(db["USER"]) + (
        f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    )
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def production(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run Python code against the settings as production sets them (DEBUG=0)."""
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}},
        "DJANGO_SETTINGS_MODULE": "newsarchive.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-production-secret-" + "k" * 40,
        "ALLOWED_HOSTS": "testserver",
        "VAR_DIR": str(django_settings.VAR_DIR),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# Finding 1: stored XSS through the article URL; the CSP and the other headers.


@pytest.mark.django_db
@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_an_unsafe_url_is_never_a_link(client: Client, url: str) -> None:
    source = make_source(name="Nguồn lạ", homepage=url)
    article = make_article(title="Bài có URL độc", url=url, source=source)
    for response in (client.get(f"/articles/{article.pk}/"), client.get(f"/sources/{source.pk}/")):
        html = response.content.decode()
        assert response.status_code == 200
        assert 'rel="noopener noreferrer"' not in html  # the original/homepage link is gone
        hrefs = re.findall(r'href="([^"]*)"', html)
        assert not [h for h in hrefs if ":" in h and not h.startswith(("http://", "https://"))]


@pytest.mark.django_db
def test_http_urls_stay_links(client: Client) -> None:
    source = make_source(name="VOV.VN", homepage="https://vov.vn/")
    article = make_article(title="Bài", url="https://vov.vn/a?b=1&c=2", source=source)
    assert (
        'href="https://vov.vn/a?b=1&amp;c=2"'
        in client.get(f"/articles/{article.pk}/").content.decode()
    )
    assert 'href="https://vov.vn/"' in client.get(f"/sources/{source.pk}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example/a", "data:,x"])
def test_the_admin_refuses_a_non_http_source_homepage_and_article_url(
    admin_client: Client, url: str
) -> None:
    response = admin_client.post(
        "/admin/articles/source/add/",
        {"name": "Nguồn mới", "domain": "", "language": "vi", "homepage": url, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Enter a web address starting with http:// or https://." in response.content.decode()
    assert not Source.objects.filter(name="Nguồn mới").exists()

    article = make_article(title="Bài cũ", url="https://vov.vn/bai")
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {
            "title": "Bài cũ",
            "source": "",
            "language": "vi",
            "url": url,
            "visibility": "published",
            "published_precision": "unknown",
            "body": article.body,
            "topic_links-TOTAL_FORMS": "0",
            "topic_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Enter a web address starting with http:// or https://." in response.content.decode()
    article.refresh_from_db()
    assert article.url == "https://vov.vn/bai"


@pytest.mark.django_db
def test_every_page_and_the_admin_send_the_strict_csp_and_security_headers(
    client: Client, admin_client: Client, linked_demo: dict[str, Article]
) -> None:
    article = linked_demo["001"]
    responses = [client.get(url) for url in pages(linked_demo)]
    responses += [
        admin_client.get(url)
        for url in (
            "/admin/",
            "/admin/articles/article/",
            f"/admin/articles/article/{article.pk}/change/",
            "/admin/articles/source/add/",
        )
    ]
    responses.append(Client().get("/admin/login/"))
    for response in responses:
        assert response.status_code == 200, response
        assert csp(response) == CSP
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_the_templates_carry_no_inline_script_or_style() -> None:
    # style-src 'self' and script-src 'self' refuse them; the browser test below proves it.
    for template in (ROOT / "templates").rglob("*.html"):
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", html), template


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "max-age=31536000; includeSubDomains"),
        ({"SECURE_HSTS_PRELOAD": "1"}, "max-age=31536000; includeSubDomains; preload"),
    ],
)
def test_production_sends_hsts_for_a_year_with_preload_opt_in(
    env: dict[str, str], expected: str
) -> None:
    result = production(
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/no-such-page/', secure=True)\n"
        "print(r.status_code, r.headers['Strict-Transport-Security'])\n"
        "print(r.headers['Content-Security-Policy'])",
        **env,
    )
    assert result.returncode == 0, result.stderr
    status_line, policy = result.stdout.splitlines()
    assert status_line == f"404 {expected}"
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


# Finding 6: HTTP 500 instead of 400.

BAD_PARAMETERS = [
    ("source", "²"),
    ("source", "①"),
    ("source", "١٢"),
    ("source", str(2**63)),
    ("entity", "9" * 30),
    ("entity", "²"),
    ("story", str(2**63)),
    ("story", "٣"),
    ("page", "１２"),
    ("page", "1e400"),
    ("from", "0999-12-31"),
    ("from", "0001-01-01"),
    ("to", "0999"),
    ("from", "٢٠١٦"),
    ("to", "31/12/0999"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value"), BAD_PARAMETERS)
def test_a_bad_parameter_is_a_400_with_a_message_never_a_500(
    client: Client, name: str, value: str
) -> None:
    page = client.get("/search/", {"q": "nato", name: value})
    assert page.status_code == 400
    assert "Please correct the search" in page.content.decode()
    for url in ("/api/articles/", "/api/stories/"):
        body = api_error(client.get(url, {"q": "nato", name: value}))
        assert body["error"] == "invalid parameters"
        assert list(body["fields"]) == [name]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/stories/", {"entity": str(2**63)}),
        ("/stories/", {"entity": "²"}),
        ("/stories/", {"from": "0999-01-01"}),
        ("/stories/", {"page": "²"}),
        ("/stories/", {"page": str(2**64)}),
        ("/api/articles/", {"limit": "１２"}),
        ("/api/articles/", {"limit": str(2**63)}),
        ("/api/articles/", {"source": ["1"] * 51}),
    ],
)
def test_other_bad_parameters_are_400s(client: Client, url: str, params: dict[str, Any]) -> None:
    response = client.get(url, params)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert api_error(response)["error"] == "invalid parameters"


@pytest.mark.django_db
def test_a_source_page_with_a_bad_page_number_says_so(client: Client) -> None:
    source = make_source(name="VOV.VN")
    response = client.get(f"/sources/{source.pk}/", {"page": "²"})
    assert response.status_code == 400
    assert "Please correct the address" in response.content.decode()
    assert client.get(f"/sources/{source.pk}/", {"page": "1"}).status_code == 200


@pytest.mark.django_db
def test_the_api_answers_json_for_what_it_does_not_have(client: Client) -> None:
    assert api_error(client.get(f"/api/stories/{2**63 - 1}/"), 404) == {"error": "not found"}
    assert api_error(client.get("/api/nothing-here/"), 404) == {"error": "not found"}
    assert client.get(f"/stories/{'9' * 40}/").status_code == 404
    # More parameters than Django parses (DATA_UPLOAD_MAX_NUMBER_FIELDS): 400, still JSON.
    flood = "&".join(f"p{n}=1" for n in range(1100))
    body = api_error(client.get(f"/api/articles/?{flood}"))
    assert body["error"] == "invalid parameters" and "__all__" in body["fields"]
    assert client.get(f"/search/?{flood}").status_code == 400


@pytest.mark.django_db
def test_forged_cursors_are_refused_before_any_work(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a forged cursor reached the search or the decompressor")

    monkeypatch.setattr("articles.views.run", never)
    monkeypatch.setattr("django.core.signing.zlib.decompress", never)
    salt = "articles.export.cursor"
    forged = [
        make_cursor(10**12),  # signed with the key, but asks for too much
        make_cursor(-1),
        signing.dumps({"offset": "5"}, salt=salt),
        signing.dumps({"offset": True}, salt=salt),
        signing.dumps({"offset": 1, "pad": "x" * 400}, salt=salt, compress=True),
        signing.dumps({"offset": 5}, salt="another salt"),
        "eyJvZmZzZXQiOjV9:1abcde:forged",
    ]
    assert forged[4].startswith(".")  # compressed: refused without being inflated
    for cursor in forged:
        body = api_error(client.get("/api/articles/", {"q": "nato", "cursor": cursor}))
        assert "cursor" in body["fields"], cursor


# Finding 8: defaults fail open.


def test_production_refuses_the_repositorys_secret_key() -> None:
    result = production(
        "import django; django.setup()", SECRET_KEY=django_settings.LOCAL_SECRET_KEY
    )
    assert result.returncode != 0
    assert "SECRET_KEY is the repository's public local key" in result.stderr
    result = production("import django; django.setup()", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


@pytest.mark.django_db
def test_check_deploy_refuses_the_repository_key_and_admin_admin(settings: Any) -> None:
    out, err = StringIO(), StringIO()
    settings.SECRET_KEY = settings.LOCAL_SECRET_KEY
    with pytest.raises(SystemCheckError, match=r"articles\.E001"):
        call_command("check", "--deploy", stdout=out, stderr=err)

    settings.SECRET_KEY = "a-production-secret-" + "k" * 40
    call_command("check", "--deploy", stdout=out, stderr=err)
    admin = User.objects.create_superuser("admin", password="admin")
    with pytest.raises(SystemCheckError, match=r"articles\.E002"):
        call_command("check", "--deploy", stdout=out, stderr=err)
    admin.is_active = False
    admin.save()
    call_command("check", "--deploy", stdout=out, stderr=err)
    admin.is_active = True
    admin.set_password("a long password of its own")
    admin.save()
    call_command("check", "--deploy", stdout=out, stderr=err)


@pytest.mark.django_db(transaction=True)
def test_gunicorns_start_refuses_an_admin_admin_account() -> None:
    admin = User.objects.create_superuser("admin", password="admin")
    start = "import newsarchive.wsgi; print('serving')"
    result = production(start, DATABASE_URL=_database_url())
    assert result.returncode != 0
    assert "refusing to serve with DEBUG off" in result.stderr
    assert "articles.E002" in result.stderr
    admin.set_password("a long password of its own")
    admin.save()
    result = production(start, DATABASE_URL=_database_url())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "serving"


@pytest.mark.django_db
def test_make_runs_admin_is_created_once_and_never_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    out = StringIO()
    monkeypatch.setenv("ADMIN_PASSWORD", "chosen at the first run")
    call_command("local_admin", stdout=out)
    monkeypatch.setenv("ADMIN_PASSWORD", "admin")
    call_command("local_admin", stdout=out)
    assert out.getvalue().splitlines() == [
        "created user admin",
        "user admin exists: its password is left as it is",
    ]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("chosen at the first run")


@pytest.mark.django_db
@pytest.mark.parametrize("password", [None, "admin"])
def test_make_run_with_debug_off_never_creates_admin_admin(
    settings: Any, monkeypatch: pytest.MonkeyPatch, password: str | None
) -> None:
    settings.DEBUG = False
    if password is None:
        monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("ADMIN_PASSWORD", password)
    err = StringIO()
    call_command("local_admin", stdout=StringIO(), stderr=err)
    assert "no admin created: DEBUG is off" in err.getvalue()
    assert not User.objects.filter(username="admin").exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HOST": "0.0.0.0"}, "set SECRET_KEY"),
        ({"HOST": "192.0.2.10", "SECRET_KEY": "s" * 50}, "set ADMIN_PASSWORD"),
        ({"HOST": "::", "SECRET_KEY": "s" * 50, "ADMIN_PASSWORD": "admin"}, "set ADMIN_PASSWORD"),
    ],
)
def test_make_run_refuses_a_reachable_host_with_the_public_defaults(
    env: dict[str, str], message: str
) -> None:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ADMIN_PASSWORD", "HOST"}
    }
    result = subprocess.run(
        ["bash", "scripts/run.sh"],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "==> migrate" not in result.stdout  # refused before touching anything


@pytest.mark.django_db
def test_admin_login_is_locked_out_after_five_wrong_passwords(client: Client) -> None:
    User.objects.create_superuser("curator", password="the right password")

    def login(browser: Client, password: str) -> int:
        response = browser.post(
            "/admin/login/?next=/admin/", {"username": "curator", "password": password}
        )
        return int(response.status_code)

    assert [login(client, f"guess {n}") for n in range(5)] == [200, 200, 200, 200, 429]
    assert login(client, "the right password") == 429
    locked = client.post("/admin/login/", {"username": "curator", "password": "x"})
    assert "too many login attempts" in locked.content.decode()
    # Another address, or another username from this one, is not locked out.
    assert login(Client(REMOTE_ADDR="192.0.2.7"), "the right password") == 302
    other = client.post("/admin/login/?next=/admin/", {"username": "someone", "password": "x"})
    assert other.status_code == 200
    assert django_settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


# Rate limits on search and export (finding 2, the web part).


@pytest.mark.django_db
def test_search_and_export_over_the_rate_limit_get_429_with_retry_after(
    client: Client, settings: Any
) -> None:
    settings.RATELIMIT_USE_CACHE = "default"  # the database cache, as `make run` serves
    settings.SEARCH_RATE = "3/m"
    settings.EXPORT_RATE = "2/m"
    assert [client.get("/search/", {"q": "nato"}).status_code for _ in range(3)] == [200] * 3
    page = client.get("/search/", {"q": "nato"})
    assert page.status_code == 429
    assert 1 <= int(page["Retry-After"]) <= 60
    assert "at most 3 per minute" in page.content.decode()  # the test client asks for no language
    vietnamese = client.get("/search/", {"q": "nato"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert vietnamese.status_code == 429
    assert "tối đa 3 yêu cầu mỗi phút" in vietnamese.content.decode()

    assert [client.get("/api/articles/").status_code for _ in range(2)] == [200] * 2
    api = client.get("/api/stories/", {"q": "nato"})
    body = api_error(api, 429)
    assert body["error"] == "too many requests"
    assert body["retry_after"] == int(api["Retry-After"])
    assert "at most 2 per minute" in body["message"]

    # Per client: another address is still served.
    assert client.get("/search/", {"q": "nato"}, REMOTE_ADDR="192.0.2.8").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM newsarchive_cache")
        assert cursor.fetchone()[0] >= 3  # counted in the database


def test_behind_a_proxy_the_client_is_the_address_the_proxy_saw(settings: Any) -> None:
    factory = RequestFactory()
    forwarded = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.9")
    assert client_ip(forwarded) == "10.0.0.1"  # no proxy configured: the header is ignored
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_ip(forwarded) == "192.0.2.9"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not an address")
    assert client_ip(garbage) == "10.0.0.1"


# Finding 10: the 500-letter query, and HEAD.


@pytest.mark.django_db
def test_head_works_wherever_get_does(client: Client, linked_demo: dict[str, Article]) -> None:
    for url in pages(linked_demo):
        get, head = client.get(url), client.head(url)
        assert (url, head.status_code) == (url, get.status_code) == (url, 200)
        assert head["Content-Type"] == get["Content-Type"]
        assert head["Content-Length"] == get["Content-Length"]
    # The view leaves the body out itself (the test client would; gunicorn warns when it must).
    answer = home(RequestFactory().head("/"))
    assert answer.content == b"" and int(answer["Content-Length"]) > 1000
    assert client.post("/search/", {"q": "nato"}).status_code == 405


@pytest.mark.django_db
def test_a_query_over_500_letters_gets_the_sites_own_message(client: Client) -> None:
    too_long = "ạ" * 501
    page = client.get("/search/", {"q": too_long})
    assert page.status_code == 400
    assert "at most 500 characters (it has 501)" in page.content.decode()
    assert "q" in api_error(client.get("/api/articles/", {"q": too_long}))["fields"]
    # Counted as written (NFC): 500 letters typed decomposed are still 500 letters.
    decomposed = unicodedata.normalize("NFD", "ạ" * 500)
    assert len(decomposed) == 1000
    assert client.get("/search/", {"q": decomposed}).status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def gunicorn_as_make_run_starts_it() -> Iterator[str]:
    """gunicorn with the request-line limit scripts/run.sh gives it."""
    limit = re.search(r"--limit-request-line (\d+)", (ROOT / "scripts/run.sh").read_text())
    assert limit is not None
    assert f"--limit-request-line {limit.group(1)}" in (ROOT / "README.md").read_text()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "VAR_DIR": str(django_settings.VAR_DIR),
        "WHOOSH_PATH": django_settings.HAYSTACK_CONNECTIONS["default"]["PATH"],
        "DEBUG": "1",
        "RATELIMIT_ENABLE": "0",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "gunicorn", "newsarchive.wsgi", "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{port}", "--limit-request-line", limit.group(1)]
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/search/", timeout=5)
                break
            except (OSError, urllib.error.URLError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.django_db
def test_a_long_vietnamese_query_reaches_the_app_through_gunicorn(
    gunicorn_as_make_run_starts_it: str,
) -> None:
    base = gunicorn_as_make_run_starts_it
    for letters, status in ((500, 200), (600, 400)):
        query = urllib.parse.urlencode({"q": "ệ" * letters})
        assert len(query) > 4094  # over gunicorn's default request-line limit
        for path in ("/search/", "/api/articles/"):
            try:
                response = urllib.request.urlopen(f"{base}{path}?{query}", timeout=60)
                code, body = response.status, response.read().decode()
            except urllib.error.HTTPError as exc:
                code, body = exc.code, exc.read().decode()
            assert code == status, (path, letters, body[:300])
            if status == 400:
                assert "at most 500 characters" in body


@pytest.mark.browser
def test_pages_and_the_admin_work_under_the_csp_without_a_violation(
    live_server: Any, transactional_db: None, linked_demo: dict[str, Article], page: Any
) -> None:
    User.objects.create_superuser("curator", password="a long password of its own")
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    page.on("pageerror", lambda error: refused.append(f"script error: {error}"))
    base = str(live_server.url)
    for url in [*pages(linked_demo), "/search/?q=Libya&collapse=1", "/stories/?singles=1"]:
        response = page.goto(base + url)
        assert response.status == 200, url
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]

    # The timeline bars take their height from classes, not style attributes.
    for url in ("/search/?q=Stoltenberg", f"/entities/{pages(linked_demo)[4].split('/')[2]}/"):
        page.goto(base + url)
        bars = page.locator(".timeline .bar > span").evaluate_all(
            "spans => spans.map(s => [s.className, s.getBoundingClientRect().height])"
        )
        assert bars, url
        by_percent = sorted((int(name.removeprefix("bar-h")), height) for name, height in bars)
        assert all(height >= 1 for _, height in by_percent), (url, bars)
        heights = [height for _, height in by_percent]
        assert heights == sorted(heights), (url, bars)  # a taller class is a taller bar
        assert by_percent[-1][0] == 100 and heights[-1] > 50, (url, bars)

    # The admin: login, lists, a change form's collapsible fieldset and inline rows.
    page.goto(base + "/admin/login/?next=/admin/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", "a long password of its own")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    article = linked_demo["003"]
    story = Story.objects.filter(article_count__gt=1).first()
    assert story is not None
    for url in (
        "/admin/articles/article/",
        "/admin/articles/source/add/",
        f"/admin/articles/story/{story.pk}/change/",
        "/admin/axes/accessattempt/",
        f"/admin/articles/article/{article.pk}/change/",
    ):
        assert page.goto(base + url).status == 200, url
    page.click("summary:has-text('Provenance')")
    assert page.locator("#id_key, .field-key").first.is_visible()
    rows = page.locator(".dynamic-topic_links").count()
    page.click(".add-row a")
    assert page.locator(".dynamic-topic_links").count() == rows + 1
    assert refused == []

    # The listener hears a violation when there is one, and the policy stops injected script.
    with page.expect_console_message(lambda message: "inline event handler" in message.text):
        page.evaluate(
            """document.body.insertAdjacentHTML('beforeend',
                '<p style="color: red">x</p><img src="/nothing" onerror="window.pwned = 1">')"""
        )
    assert any("inline style" in message for message in refused), refused
    assert page.evaluate("window.pwned === undefined")
