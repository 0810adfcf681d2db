"""The content version: a token that changes whenever an editor saves content, known to every
process that serves the site without asking anyone per request.

Cached pages and each process's search index are kept under the version they were made from,
so a new version retires them all at once. Where the current version comes from depends on
the cache:

- **Redis** (several instances): the version is a key in Redis. Each process keeps a copy,
  kept current by a watcher thread subscribed to a Redis channel, and re-read every second.
  Whoever changes the version publishes it and waits (up to a second) until every watching
  process has said it has the new one, so once an editor's save has answered, no instance
  serves the old page. When the watcher cannot vouch for its copy (Redis away, the thread
  not heard from), `current()` answers None and callers ask Redis themselves.
- **Local memory** (one machine, `make run`): the version is a small file beside the database
  (`CONTENT_VERSION_FILE`), replaced atomically on a change; each request costs one `stat`.

A change made inside a transaction is not yet visible to other connections, so it moves only
this process's version (a suffix) at once; the shared version moves when the transaction
commits. Otherwise another instance could render the old rows under the new version.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import uuid
from pathlib import Path

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from caching.backends import ResilientRedisCache
from glossary import search

logger = logging.getLogger("config.content_version")

VERSION_KEY = "content-version"
RECHECK_SECONDS = 1.0  # the watcher re-reads the version this often, whatever it has heard
TRUST_SECONDS = 3.0  # a copy not confirmed for this long is not used
ACK_SECONDS = 1.0  # how long a change waits for every watching process to take it
RECENT_SECONDS = 2.0  # a version file younger than this is read on every request


def _new() -> str:
    return uuid.uuid4().hex


def _private() -> str:
    """A suffix that moves this process's version alone."""
    return "-" + _new()[:12]


class FileVersion:
    """The version in a file every process on this machine reads: one stat per request."""

    shared_cache = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self.suffix = ""
        self._seen: tuple[int, int] | None = None
        self._version = ""
        self._lock = threading.Lock()
        self._broken = False

    def current(self) -> str:
        try:
            stat = os.stat(self.path)
        except OSError:
            if self._broken:
                return self._version + self.suffix
            return self.bump() + self.suffix
        seen = (stat.st_ino, stat.st_mtime_ns)
        # A file changed in the last seconds is read again whatever its inode and time say:
        # a freed inode can come back, and some filesystems keep times to the second.
        if seen != self._seen or time.time() - stat.st_mtime < RECENT_SECONDS:
            with self._lock:
                try:
                    self._version = self.path.read_text().strip()
                except OSError:
                    return self.bump() + self.suffix
                self._seen = seen
        return self._version + self.suffix

    def bump(self) -> str:
        version = _new()
        part = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            part.write_text(version)
            os.replace(part, self.path)
            stat = os.stat(self.path)
        except OSError as error:
            if not self._broken:
                logger.warning(
                    "content version file %s cannot be written (%s): each process keeps its "
                    "own, so an edit shows only in the process that made it",
                    self.path,
                    error,
                )
            self._broken = True
            self._version = version
            return version
        with self._lock:
            self._version, self._seen = version, (stat.st_ino, stat.st_mtime_ns)
        return version


class RedisVersion:
    """The version in Redis, copied into each process and kept current by pub/sub."""

    shared_cache = True

    def __init__(self, backend: ResilientRedisCache) -> None:
        self.backend = backend
        self.suffix = ""
        location = backend._servers[0]
        options = backend._options
        self.client = redis.Redis.from_url(
            location,
            socket_connect_timeout=options.get("socket_connect_timeout", 0.5),
            socket_timeout=max(options.get("socket_timeout", 0.5), ACK_SECONDS + 1),
            health_check_interval=2,
        )
        database = self.client.connection_pool.connection_kwargs.get("db", 0)
        # Channels are server-wide, not per database: the name carries both.
        self.channel = f"{backend.make_key(VERSION_KEY)}:db{database}"
        self._version: str | None = None
        self._confirmed = 0.0
        self._pid = 0
        self._pending = False  # a change Redis did not take: published once it is back
        self._lock = threading.Lock()

    def current(self) -> str | None:
        if self._pid != os.getpid():
            self._start()
        if self._version is not None and time.monotonic() - self._confirmed < TRUST_SECONDS:
            return self._version + self.suffix
        return None

    def stored(self) -> str:
        """The version as Redis has it (made if missing); raises if Redis is away."""
        version = self.backend.get_or_raise(VERSION_KEY)
        if version is None:
            self.backend.add(VERSION_KEY, _new(), None)
            version = self.backend.get_or_raise(VERSION_KEY)
        return str(version)

    def stored_or_none(self) -> str | None:
        """The same, or None while Redis is away."""
        try:
            return self.stored()
        except (redis.RedisError, OSError):
            return None

    def bump(self, *, wait: bool = True) -> str:
        version = _new()
        try:
            self.backend.set_or_raise(VERSION_KEY, version, None)
            listeners = int(self.client.publish(self.channel, version))
            self._take(version, heard=False)
            if wait:
                self._wait_for(version, listeners)
        except (redis.RedisError, OSError) as error:
            logger.warning("content version not shared (%s): sent when Redis is back", error)
            with self._lock:
                self._pending = True
                self._version = None  # this copy is wrong now: ask Redis per request
        return version

    def _wait_for(self, version: str, listeners: int) -> None:
        acks = self._acks(version)
        deadline = time.monotonic() + ACK_SECONDS
        heard = 0
        while heard < listeners:
            left = deadline - time.monotonic()
            if left <= 0 or self.client.blpop([acks], timeout=min(left, 0.5)) is None:
                if time.monotonic() >= deadline:
                    logger.warning(
                        "content version %s: %d of %d processes confirmed it in %.1f s",
                        version,
                        heard,
                        listeners,
                        ACK_SECONDS,
                    )
                    break
                continue
            heard += 1
        self.client.delete(acks)

    def _acks(self, version: str) -> str:
        return f"{self.channel}:acks:{version}"

    def _take(self, version: str, *, heard: bool = True) -> None:
        with self._lock:
            if heard and self._pending:
                return  # this process owes a change: nothing it hears is current
            self._version, self._confirmed = version, time.monotonic()

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._version = None  # a forked child has no watcher yet: nothing to trust
            threading.Thread(target=self._watch, name="content-version", daemon=True).start()

    def _watch(self) -> None:
        pause = 0.1
        while True:
            try:
                self._listen()
            except (redis.RedisError, OSError, ValueError) as error:
                logger.debug("content version watcher: %s", error)
            self._version = None
            time.sleep(pause)
            pause = min(pause * 2, 5.0)

    def _listen(self) -> None:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel)
            # Subscribed first, read second: a change between the two is heard, not missed.
            self._take(self.stored())
            checked = time.monotonic()
            while True:
                if self._pending:  # a change Redis refused earlier: send it now it answers
                    with self._lock:
                        self._pending = False
                    self.bump(wait=False)  # (this thread is one of those that would confirm)
                message = pubsub.get_message(timeout=RECHECK_SECONDS)
                if message and message["type"] == "message":
                    version = message["data"].decode()
                    self._take(version)
                    self.client.rpush(self._acks(version), os.getpid())
                    self.client.expire(self._acks(version), 60)
                if time.monotonic() - checked >= RECHECK_SECONDS:
                    self._take(self.stored())
                    checked = time.monotonic()
        finally:
            with contextlib.suppress(redis.RedisError, OSError):
                pubsub.close()


class NoVersion:
    """No cache at all (dummy://): nothing is kept, so no version is vouched for. Pages are
    then never stored, and search checks its copy by the fingerprint query instead."""

    shared_cache = False
    suffix = ""

    def current(self) -> None:
        return None

    def bump(self) -> str:
        return ""


_sources: dict[tuple[object, ...], FileVersion | RedisVersion | NoVersion] = {}


def source() -> FileVersion | RedisVersion | NoVersion:
    """Where this process's version comes from, for the cache settings now in force."""
    config = settings.CACHES["default"]
    key = (config["BACKEND"], config.get("LOCATION"), config.get("KEY_PREFIX"))
    key += (settings.CONTENT_VERSION_FILE,)
    found = _sources.get(key)
    if found is None:
        backend = caches.create_connection("default")
        if isinstance(backend, ResilientRedisCache):
            found = RedisVersion(backend)
        elif config["BACKEND"].endswith("DummyCache"):
            found = NoVersion()
        else:
            found = FileVersion(Path(settings.CONTENT_VERSION_FILE))
        found = _sources.setdefault(key, found)
    return found


def current() -> str | None:
    """This process's content version; None when it cannot vouch for one (ask the cache)."""
    return source().current()


def changed() -> None:
    """Content was saved or deleted. Inside a transaction only this process sees it yet, so
    only this process's version moves now; everyone's moves on commit."""
    here = source()
    if not connection.in_atomic_block:
        here.suffix = ""
        here.bump()
        return
    here.suffix = _private()
    if not any(func is _committed for _, func, _ in connection.run_on_commit):
        transaction.on_commit(_committed)


def _committed() -> None:
    here = source()
    here.suffix = ""
    here.bump()


def renew_here() -> None:
    """A new version for this process only (tests: the database was rolled back under it)."""
    source().suffix = _private()


CONTENT_APPS = {"glossary", "learning", "calculators"}


def _saved(sender: type, **kwargs: object) -> None:
    if sender._meta.app_label in CONTENT_APPS:
        changed()


def _m2m_saved(sender: type, **kwargs: object) -> None:
    _saved(kwargs["model"])  # type: ignore[arg-type]


def watch_saves() -> None:
    """Run once per process at start-up (config/apps.py): every save or delete of content
    moves the version, and search keeps its in-memory copy under it (glossary cannot import
    config, so config plugs the version in)."""
    post_save.connect(_saved, dispatch_uid="content-version-save")
    post_delete.connect(_saved, dispatch_uid="content-version-delete")
    m2m_changed.connect(_m2m_saved, dispatch_uid="content-version-m2m")
    search.use_content_version(current)
