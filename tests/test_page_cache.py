"""Pages are cached for readers and emptied the moment an editor saves: on every instance."""

from __future__ import annotations

import gzip
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import brotli
import pytest
from admin_forms import AdminForm
from django.conf import settings
from factories import make_term

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_a_page_is_served_from_the_cache_until_the_content_changes(client):
    term = make_term(slug="parameters", short_definition="First words.")
    assert client.get("/glossary/parameters/")["X-Cache"] == "miss"
    again = client.get("/glossary/parameters/")
    assert again["X-Cache"] == "hit" and "First words." in again.content.decode()
    term.short_definition = "Second words."
    term.save()
    fresh = client.get("/glossary/parameters/")
    assert fresh["X-Cache"] == "miss" and "Second words." in fresh.content.decode()


@pytest.mark.django_db
def test_cached_pages_are_fit_for_a_cdn_and_answer_conditional_gets(client):
    make_term(slug="parameters")
    first = client.get("/glossary/parameters/")
    assert first["Cache-Control"].startswith("public, max-age=60")
    assert first["Last-Modified"]
    hit = client.get("/glossary/parameters/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert hit.status_code == 304
    since = client.get("/glossary/parameters/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


@pytest.mark.django_db
def test_editors_search_and_errors_are_never_cached(client):
    make_term(slug="parameters")
    client.cookies[settings.SESSION_COOKIE_NAME] = "an-editor"
    assert "X-Cache" not in client.get("/glossary/parameters/")
    del client.cookies[settings.SESSION_COOKIE_NAME]
    assert "X-Cache" not in client.get("/search/", {"q": "parameters"})
    client.get("/glossary/nothing/")
    assert "X-Cache" not in client.get("/glossary/nothing/")


@pytest.mark.django_db
def test_a_cached_page_is_served_compressed_in_the_coding_the_reader_accepts(client):
    make_term(slug="parameters", body="Words about parameters. " * 100)
    plain = client.get("/glossary/parameters/")
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    assert int(plain["Content-Length"]) == len(plain.content)
    for header, coding, decode in [
        ("gzip, deflate", "gzip", gzip.decompress),
        ("gzip, deflate, br, zstd", "br", brotli.decompress),
        ("br;q=0, gzip;q=0.5", "gzip", gzip.decompress),
        ("*", "br", brotli.decompress),
    ]:
        response = client.get("/glossary/parameters/", HTTP_ACCEPT_ENCODING=header)
        assert response["X-Cache"] == "hit" and response["Content-Encoding"] == coding, header
        assert len(response.content) < len(plain.content) / 3
        assert decode(response.content) == plain.content
        assert response["ETag"] == plain["ETag"]
    refused = client.get("/glossary/parameters/", HTTP_ACCEPT_ENCODING="gzip;q=0, br;q=0")
    assert "Content-Encoding" not in refused and refused.content == plain.content


@pytest.mark.django_db
def test_a_cache_hit_touches_no_database_and_keeps_every_header(client, django_assert_num_queries):
    make_term(slug="parameters")
    miss = client.get("/glossary/parameters/", HTTP_ACCEPT_ENCODING="gzip")
    with django_assert_num_queries(0):
        hit = client.get("/glossary/parameters/", HTTP_ACCEPT_ENCODING="gzip")
    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    for header in ("Content-Security-Policy", "X-Frame-Options", "Cache-Control", "ETag", "Vary"):
        assert hit[header] == miss[header], header
    assert hit.content == miss.content
    not_modified = client.get("/glossary/parameters/", HTTP_IF_NONE_MATCH=hit["ETag"])
    assert not_modified.status_code == 304 and not_modified.content == b""


# --- Two gunicorn instances sharing one database and one Redis -------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url(tmp_path: Path) -> tuple[str, object]:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        import psycopg

        name = f"wm_instances_{os.getpid()}"
        admin = psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()

        user = db["USER"]
        return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}", drop
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}", lambda: None


def _get(opener: urllib.request.OpenerDirector, url: str, data: dict | None = None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    with opener.open(url, data=body, timeout=20) as response:
        return response.headers, response.read().decode()


@pytest.mark.slow
def test_an_edit_through_one_instance_shows_at_once_through_the_other(tmp_path):
    database_url, drop = _database_url(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CACHE_URL": "redis://127.0.0.1:6379/7",
        "SECRET_KEY": "two-instance-test-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_PLAIN": "true",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, "manage.py"]
    setup = (
        "from django.core.cache import cache; cache.clear();"
        "from django.contrib.auth.models import User;"
        "User.objects.create_superuser('editor', 'e@example.com', 'a long editor passphrase');"
        "from glossary.models import Term;"
        "Term(name='Parameters', slug='parameters', short_definition='Before the edit.',"
        " status='published').save()"
    )
    processes = []
    try:
        for command in (["migrate", "--noinput", "-v", "0"], ["shell", "-c", setup]):
            subprocess.run(  # noqa: S603 - our own interpreter and manage.py
                [*manage, *command],
                cwd=ROOT,
                env=env,
                check=True,  # noqa: S603
                capture_output=True,
                timeout=180,
            )
        ports = [_free_port(), _free_port()]
        for port in ports:
            processes.append(
                subprocess.Popen(  # noqa: S603 - our own gunicorn, our own app
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "config.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "2",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        reader = urllib.request.build_opener()
        a, b = (f"http://127.0.0.1:{port}" for port in ports)
        for base in (a, b):
            for _ in range(100):
                try:
                    _get(reader, f"{base}/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
        _get(reader, f"{a}/glossary/parameters/")
        headers, html = _get(reader, f"{a}/glossary/parameters/")
        assert headers["X-Cache"] == "hit" and "Before the edit." in html

        jar = http.cookiejar.CookieJar()
        editor = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        _, login = _get(editor, f"{b}/admin/login/")
        token = login.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        _get(
            editor,
            f"{b}/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": token,
                "username": "editor",
                "password": "a long editor passphrase",
                "next": "/admin/",
            },
        )
        _, change = _get(editor, f"{b}/admin/glossary/term/1/change/")
        form = AdminForm(change)
        form["short_definition"] = "After the edit, made through the other instance."
        _get(editor, f"{b}/admin/glossary/term/1/change/", form.post_data())

        headers, html = _get(reader, f"{a}/glossary/parameters/")
        assert "After the edit, made through the other instance." in html
        assert headers["X-Cache"] == "miss"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        drop()


# --- Nothing a client sends can change what other readers get (issue 16, item 1) -----------
# Each Host below passes Django's host check (it ignores the port and a trailing dot, and
# every name in ALLOWED_HOSTS is allowed), so each once made its way into a cached page.
HOSTILE_HOSTS = {
    "a port": ("127.0.0.1:1337", "//127.0.0.1:1337"),
    "a trailing dot": ("localhost.", "//localhost."),
    "another allowed name": ("localhost", "//localhost"),
    "an IPv6 name and port": ("[::1]:8443", "//[::1]"),
}


@pytest.fixture
def catalog():
    from content.catalog_files import import_catalog

    import_catalog(ROOT / "fixtures" / "models.yaml")


@pytest.fixture
def reader_pages(catalog):
    from factories import make_faq, make_guide, make_lesson

    term = make_term(slug="kv-cache", name="KV cache")
    make_faq(term, question="How big is it?")
    for n in range(50):  # a second page of the terms API, so it has a `next`
        make_term(slug=f"filler-{n:02}")
    guide = make_guide(slug="numbers")
    make_lesson(guide, slug="first")


READER_PATHS = [
    "/",
    "/glossary/kv-cache/",
    "/learn/numbers/",
    "/learn/numbers/first/",
    "/calculators/memory/",
    "/robots.txt",
    "/sitemap.xml",
    "/feeds/terms.atom",
    "/api/v1/terms",
    "/api/v1/terms/kv-cache",
]


@pytest.mark.django_db
@pytest.mark.parametrize("host", HOSTILE_HOSTS.values(), ids=HOSTILE_HOSTS.keys())
@pytest.mark.parametrize("path", READER_PATHS)
def test_a_hostile_host_cannot_change_the_page_other_readers_get(client, reader_pages, path, host):
    header, origin = host
    hostile = client.get(path, HTTP_HOST=header)
    assert hostile.status_code == 200
    assert origin not in hostile.content.decode()
    reader = client.get(path)
    assert reader.status_code == 200
    body = reader.content.decode()
    assert origin not in body
    assert "http://testserver/" in body


@pytest.mark.django_db
def test_a_forwarded_scheme_cannot_change_the_page_other_readers_get(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    make_term(slug="kv-cache")
    hostile = client.get("/glossary/kv-cache/", HTTP_X_FORWARDED_PROTO="https")
    assert "https://testserver" not in hostile.content.decode()
    reader = client.get("/glossary/kv-cache/")
    assert '<link rel="canonical" href="http://testserver/glossary/kv-cache/">' in (
        reader.content.decode()
    )


@pytest.mark.django_db
def test_absolute_urls_come_from_site_url_whatever_the_request_says(client, settings, catalog):
    settings.SITE_URL = "https://weights.example"
    make_term(slug="kv-cache")
    html = client.get("/glossary/kv-cache/", HTTP_HOST="localhost:1337").content.decode()
    assert '<link rel="canonical" href="https://weights.example/glossary/kv-cache/">' in html
    assert 'content="https://weights.example/glossary/kv-cache/share.png"' in html
    robots = client.get("/robots.txt", HTTP_HOST="localhost:1337").content.decode()
    assert "Sitemap: https://weights.example/sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml", HTTP_HOST="localhost").content.decode()
    assert "<loc>https://weights.example/glossary/kv-cache/</loc>" in sitemap
    feed = client.get("/feeds/terms.atom", HTTP_HOST="localhost").content.decode()
    assert 'href="https://weights.example/glossary/kv-cache/"' in feed
    assert "localhost" not in feed
    api = client.get("/api/v1/terms/kv-cache", HTTP_HOST="localhost").json()
    assert api["url"] == "https://weights.example/glossary/kv-cache/"
    calculator = client.get("/calculators/memory/", HTTP_HOST="localhost").content.decode()
    assert 'href="https://weights.example/calculators/memory/?' in calculator
    assert 'iframe src="https://weights.example/embed/calculators/memory/"' in calculator


@pytest.mark.django_db
def test_the_search_api_links_from_site_url(client, settings):
    settings.SITE_URL = "https://weights.example"
    make_term(slug="kv-cache", name="KV cache")
    found = client.get("/api/v1/search", {"q": "kv cache"}, HTTP_HOST="localhost:1337").json()
    assert found["results"][0]["url"] == "https://weights.example/glossary/kv-cache/"


@pytest.mark.django_db
def test_the_search_page_links_from_site_url_whatever_host_asked_first(client, settings):
    make_term(slug="kv-cache", name="KV cache")
    client.get("/search/", {"q": "kv"}, HTTP_HOST="localhost:1337")
    html = client.get("/search/", {"q": "kv"}).content.decode()
    assert '<link rel="canonical" href="http://testserver/search/">' in html
    settings.SITE_URL = "https://weights.example"
    html = client.get("/search/", {"q": "kv"}, HTTP_HOST="localhost:1337").content.decode()
    assert '<link rel="canonical" href="https://weights.example/search/">' in html


# --- A bound on the query-string variants kept of one page (issue 16, item 12) -------------
def _redis_cache(settings) -> None:
    import uuid

    settings.CACHES = {
        "default": {
            "BACKEND": "caching.backends.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/9",
            "KEY_PREFIX": f"variants-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.5},
        }
    }


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["local memory", "redis"])
def test_only_so_many_query_strings_of_one_path_are_kept(client, settings, monkeypatch, where):
    from caching import page_cache

    if where == "redis":
        _redis_cache(settings)
    monkeypatch.setattr(page_cache, "QUERY_VARIANTS", 3)
    make_term(slug="kv-cache")

    def second_look(url: str) -> str | None:
        client.get(url)
        return client.get(url).get("X-Cache")  # none: rendered, and not kept

    made_up = [second_look(f"/glossary/kv-cache/?utm={n}") for n in range(6)]
    assert made_up == ["hit", "hit", "hit", None, None, None]
    # What was kept is still served; the page itself, and other pages, are kept as ever.
    assert client.get("/glossary/kv-cache/?utm=0")["X-Cache"] == "hit"
    assert second_look("/glossary/kv-cache/") == "hit"
    assert second_look("/glossary/?topic=") == "hit"
    # An edit starts a new version, and the count with it.
    make_term(slug="another")
    assert second_look("/glossary/kv-cache/?utm=5") == "hit"


@pytest.mark.django_db
@pytest.mark.parametrize("path", READER_PATHS)
def test_whatever_else_a_client_sends_the_next_reader_gets_the_page_a_cold_cache_makes(
    client, reader_pages, path
):
    from django.core.cache import cache

    from caching.page_cache import local_pages

    hostile = {
        "HTTP_HOST": "localhost.:1337",
        "HTTP_X_FORWARDED_HOST": "evil.example",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_FORWARDED": "host=evil.example;proto=https",
        "HTTP_ACCEPT_LANGUAGE": "fr",
        "HTTP_USER_AGENT": "evil/1.0",
        "HTTP_REFERER": "https://evil.example/",
    }
    client.cookies["csrftoken"] = "a" * 32
    client.cookies["messages"] = "forged"
    client.cookies["theme"] = "dark"
    assert client.get(path, **hostile).status_code == 200
    client.cookies.clear()
    after = client.get(path)
    assert after["X-Cache"] == "hit"
    cache.clear()
    local_pages.clear()
    cold = client.get(path)
    assert cold["X-Cache"] == "miss"

    # Charts number their ids from a counter in the process: the one difference two renders
    # of a page may have, whoever asked.
    def same(body: bytes) -> str:
        return re.sub(r"chart-\d+", "chart-N", body.decode())

    assert same(after.content) == same(cold.content)
