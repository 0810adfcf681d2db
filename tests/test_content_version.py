"""The content version: every process learns of an edit at once. Each test builds the objects
two processes would hold, on a real file or a real Redis."""

from __future__ import annotations

import logging
import time
import uuid

import pytest
import redis
from django.core.cache import cache, caches
from django.db import transaction
from factories import make_term
from manage_command import run_manage

from caching import content_version
from caching.content_version import VERSION_KEY, CacheVersion, FileVersion
from caching.page_cache import local_pages
from glossary.models import Term
from search.selectors import site_search

REDIS_URL = "redis://127.0.0.1:6379/9"


def term_slugs(query: str) -> list[str]:
    return [hit.slug for hit in site_search(query).hits if hit.kind == "term"]


def _use_redis(settings, prefix: str, url: str = REDIS_URL) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "caching.backends.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.5},
        }
    }


@pytest.mark.django_db
def test_search_takes_a_new_copy_when_another_process_moves_the_version():
    make_term(name="Parameters", slug="parameters")
    assert [hit.slug for hit in site_search("parameters").hits if hit.kind == "term"] == [
        "parameters"
    ]
    # Renamed behind this process's back (no signal here), as another process's edit would be,
    # keeping the count and the time the fingerprint query reads: only the version tells.
    Term.objects.filter(slug="parameters").update(name="Weights", slug="weights")
    here = content_version.source()
    assert isinstance(here, FileVersion)
    FileVersion(here.path).bump()  # that other process's save
    assert term_slugs("weights") == ["weights"]


def test_a_change_written_by_one_process_is_read_by_another(tmp_path):
    path = tmp_path / "var" / "content-version"
    one, other = FileVersion(path), FileVersion(path)
    first = one.current()
    assert first and other.current() == first  # made on first use, then shared
    assert one.current() == first  # unchanged until a change
    changed = other.bump()
    assert changed != first
    assert one.current() == changed == other.current()
    assert path.read_text() == changed


def test_a_change_that_keeps_the_inode_and_time_seen_before_is_still_read(tmp_path):
    # As when a freed inode comes back on a filesystem that keeps times to the second.
    import os

    path = tmp_path / "content-version"
    one, other = FileVersion(path), FileVersion(path)
    first = one.current()
    assert other.current() == first
    before = os.stat(path)
    path.write_text("changed-in-place")  # same inode
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same time
    assert (os.stat(path).st_ino, os.stat(path).st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert other.current() == "changed-in-place"


def test_an_unwritable_version_file_is_logged_and_each_process_keeps_its_own(tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    version = FileVersion(blocked / "content-version")
    with caplog.at_level(logging.WARNING, logger="caching.content_version"):
        first = version.current()
        second = version.bump()
    assert first and second and first != second
    assert version.current() == second
    assert sum("cannot be written" in r.getMessage() for r in caplog.records) == 1


@pytest.fixture
def prefix():
    name = f"test-{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{name}*"):
        client.delete(key)


def test_a_change_through_one_redis_process_is_known_to_the_others_when_it_returns(
    settings, prefix
):
    _use_redis(settings, prefix)
    processes = [CacheVersion() for _ in range(3)]
    assert all(each.current() for each in processes)  # made on first use, then shared
    assert len({each.current() for each in processes}) == 1
    for number in range(6):
        made = processes[number % 3].bump()
        # Each process reads the version from Redis: no one waits, no one is told.
        assert [each.current() for each in processes] == [made] * 3
        assert cache.get(VERSION_KEY) == made


def test_a_process_that_cannot_reach_redis_vouches_for_nothing(settings):
    _use_redis(settings, "test-away", "redis://127.0.0.1:1/0")
    away = CacheVersion()
    assert away.current() is None
    time.sleep(0.3)
    assert away.current() is None


def test_a_change_without_redis_is_sent_when_redis_is_back(settings, prefix, monkeypatch):
    _use_redis(settings, prefix)
    process = CacheVersion()
    before = process.current()
    assert before
    # Redis refuses the change (as when it is away): nothing is vouched for, the change kept.
    monkeypatch.setattr(caches["default"]._cache, "set_many", _refuse)
    process.bump()
    assert process.current() is None
    monkeypatch.undo()
    # Redis takes changes again: the process writes the one it owes, and vouches again.
    assert process.current() not in (None, before)
    assert cache.get(VERSION_KEY) == process.current()


def _refuse(*args: object, **kwargs: object) -> None:
    raise redis.ConnectionError("refused for the test")


@pytest.mark.django_db(transaction=True)
def test_an_uncommitted_change_moves_only_this_process_until_it_commits():
    here = content_version.source()
    assert isinstance(here, FileVersion)
    elsewhere = FileVersion(here.path)  # another process on this machine
    shared = elsewhere.current()
    with transaction.atomic():
        make_term(slug="parameters")
        inside = here.current()
        assert inside != shared and inside.startswith(shared)  # this process sees its change
        assert elsewhere.current() == shared  # no one else can see the rows yet
    assert elsewhere.current() not in (shared, inside)  # committed: everyone moves
    assert here.current() == elsewhere.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_term(slug="weights")
        raise RuntimeError("rolled back")
    assert elsewhere.current() == here.current().split("-")[0]  # a rollback publishes nothing


@pytest.mark.django_db
def test_with_redis_a_hit_reads_the_version_and_the_page_in_one_round_trip(
    client, settings, prefix, monkeypatch
):
    _use_redis(settings, prefix)
    shared = redis.Redis.from_url(REDIS_URL)
    make_term(slug="parameters", short_definition="First words.")
    miss = client.get("/glossary/parameters/")
    assert miss["X-Cache"] == "miss"
    stored = list(shared.scan_iter(f"{prefix}:*:page:*"))
    assert len(stored) == 3  # one entry per coding, for the other instances
    assert not local_pages.pages  # kept in Redis only: this process cannot vouch for a copy
    sent: list[object] = []
    execute = redis.Redis.execute_command

    def record(self, *args, **options):
        sent.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", record)
    hit = client.get("/glossary/parameters/")
    assert hit["X-Cache"] == "hit" and hit.content == miss.content  # as any instance has it
    assert sent == ["MGET"]
    monkeypatch.undo()
    client.get("/glossary/other/")  # (a 404: not kept)
    assert len(list(shared.scan_iter(f"{prefix}:*:page:*"))) == 3
    shared.delete(*stored)
    assert client.get("/glossary/parameters/")["X-Cache"] == "miss"  # kept nowhere now
    again = client.get("/glossary/parameters/")
    assert again["X-Cache"] == "hit" and again.content == miss.content


def test_local_pages_keep_to_their_budget_and_their_version():
    from caching.page_cache import LocalPages, StoredPage

    pages = LocalPages(budget=64 * 1024)
    page = StoredPage(200, [], {"identity": b"x" * 4000})
    for number in range(40):
        pages.put("v1", f"page-{number}", page)
    assert pages.size <= 64 * 1024
    assert pages.get("v1", "page-0") is None  # the oldest went first
    assert pages.get("v1", "page-39") == page
    assert pages.get("v2", "page-39") is None  # another version: nothing kept is good
    assert pages.size == 0
    pages.put("v2", "huge", StoredPage(200, [], {"identity": b"x" * 9000}))
    assert pages.get("v2", "huge") is None  # past an eighth of the budget: not kept


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_edit_made_by_a_command_retires_the_pages_a_server_cached(client, settings):
    """A shell or management command serves no request, so nothing there loads the page
    cache: the content version must move all the same (caching/apps.py wires it)."""
    make_term(slug="parameters", short_definition="Before the command.")
    assert client.get("/glossary/parameters/")["X-Cache"] == "miss"
    assert client.get("/glossary/parameters/")["X-Cache"] == "hit"
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        url = f"postgres://{db['USER']}@{host}/{db['NAME']}"
    edit = (
        "from glossary.models import Term; term = Term.objects.get(slug='parameters');"
        " term.short_definition = 'After the command.'; term.save()"
    )
    result = run_manage(
        "shell",
        "-c",
        edit,
        DATABASE_URL=url,
        CACHE_URL="locmem://",
        CONTENT_VERSION_FILE=settings.CONTENT_VERSION_FILE,
        SECRET_KEY="command-test-secret-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEF",
    )
    assert result.returncode == 0, result.stderr
    after = client.get("/glossary/parameters/")
    assert after["X-Cache"] == "miss" and "After the command." in after.content.decode()


@pytest.mark.django_db
def test_with_no_cache_nothing_is_kept_and_search_still_sees_edits(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert content_version.current() is None
    make_term(name="Parameters", slug="parameters", short_definition="First words.")
    for _ in range(2):
        page = client.get("/glossary/parameters/")
        assert page.status_code == 200 and "X-Cache" not in page  # never stored, never a hit
    assert [hit.slug for hit in site_search("parameters").hits if hit.kind == "term"] == [
        "parameters"
    ]
    make_term(name="Parameter count", slug="parameter-count")
    assert len(term_slugs("parameter")) == 2
