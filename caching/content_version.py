"""The content version: a token that changes whenever an editor saves content.

Cached pages and each process's search index are kept under the version they were made from,
so a new version retires them all at once. Where the version lives depends on the cache:

- **A shared cache** (Redis, several instances): the version is a key in that cache. A save
  writes a new one and waits for nobody; a page-cache hit reads the version and the page in
  one round trip (`get_many`, an MGET), so no process can serve a page stored under an old
  version. A save made while the cache is away is written by that process once it answers.
- **Local memory** (one machine, `make run`): the version is a small file beside the database
  (`CONTENT_VERSION_FILE`), replaced atomically on a change; each request costs one `stat`.
- **No cache** (dummy://): there is no version, and nothing is stored.

A change made inside a transaction is not yet visible to other connections, so it moves only
this process's version (a suffix) at once; the shared version moves when the transaction
commits. Otherwise another instance could render the old rows under the new version.

Which models count as content is the setting CONTENT_APPS; caching/apps.py connects the
receivers below, in every process (a management command's save must move the version too).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models import Model
from django.utils.module_loading import import_string

logger = logging.getLogger("caching.content_version")

VERSION_KEY = "content-version"
RECENT_SECONDS = 2.0  # a version file younger than this is read on every request


def _new() -> str:
    return uuid.uuid4().hex


def _private() -> str:
    """A suffix that moves this process's version alone."""
    return "-" + _new()[:12]


class FileVersion:
    """The version in a file every process on this machine reads: one stat per request."""

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


class CacheVersion:
    """The version as a key in the cache every process shares (Redis)."""

    def __init__(self) -> None:
        self.suffix = ""
        self.owed = False  # this process saved while the cache was away: write it when back

    def current(self) -> str | None:
        return self.read(cache.get(VERSION_KEY))

    def read(self, stored: object) -> str | None:
        """The version, from what the cache answered for VERSION_KEY (None: the key is
        missing, or the cache is away). None means: keep nothing, serve nothing kept."""
        if self.owed:
            stored = self._write(_new())
        elif stored is None:
            made = _new()
            stored = made if cache.add(VERSION_KEY, made, None) else None
        return None if stored is None else f"{stored}{self.suffix}"

    def bump(self) -> str:
        version = _new()
        if self._write(version) is None:
            logger.warning("content version not written (cache away): written when it is back")
        return version

    def _write(self, version: str) -> str | None:
        # set_many answers the keys it could not write, so an outage is told from a success.
        self.owed = bool(cache.set_many({VERSION_KEY: version}, None))
        return None if self.owed else version


class NoVersion:
    """No cache at all (dummy://): nothing is kept, so no version is vouched for. Pages are
    then never stored, and search checks its copy by the fingerprint query instead."""

    suffix = ""

    def current(self) -> None:
        return None

    def bump(self) -> str:
        return ""


_sources: dict[tuple[object, ...], FileVersion | CacheVersion | NoVersion] = {}


def source() -> FileVersion | CacheVersion | NoVersion:
    """Where this process's version comes from, for the cache settings now in force."""
    config = settings.CACHES["default"]
    location = (config.get("LOCATION"), config.get("KEY_PREFIX"), settings.CONTENT_VERSION_FILE)
    key = (config["BACKEND"], *location)
    found = _sources.get(key)
    if found is None:
        backend = import_string(config["BACKEND"])
        if issubclass(backend, DummyCache):
            found = NoVersion()
        elif issubclass(backend, LocMemCache):
            found = FileVersion(Path(settings.CONTENT_VERSION_FILE))
        else:
            found = CacheVersion()
        found = _sources.setdefault(key, found)
    return found


def current() -> str | None:
    """This process's content version; None when there is none to vouch for (no cache, or
    the shared cache away)."""
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
    # Entries are (savepoint ids, function, robust); indexed, not unpacked, since
    # django-stubs types them as (savepoint ids, function) pairs.
    if not any(entry[1] is _committed for entry in connection.run_on_commit):
        transaction.on_commit(_committed)


def _committed() -> None:
    here = source()
    here.suffix = ""
    here.bump()


def renew_here() -> None:
    """A new version for this process only (tests: the database was rolled back under it)."""
    source().suffix = _private()


def content_saved(sender: type[Model], **kwargs: object) -> None:
    """post_save and post_delete: a model of CONTENT_APPS changed."""
    if sender._meta.app_label in settings.CONTENT_APPS:
        changed()


def content_m2m_changed(sender: type[Model], *, model: type[Model], **kwargs: object) -> None:
    """m2m_changed: the related objects of a model of CONTENT_APPS changed (once, after the
    change: each change also sends a pre_ signal)."""
    if str(kwargs.get("action", "")).startswith("post_"):
        content_saved(model)
