"""A Redis cache that degrades instead of failing.

When Redis is unreachable every read is a miss and every write is dropped, so pages are served
from the database; the outage is logged once when it starts and once when it ends, not per
request.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("caching.backends")


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client makes a new redis.Redis for every call, and making one fills a
    table of some 170 response callbacks, which cost more than the round trip a cached page
    makes. One redis.Redis per connection pool serves every call (it is thread-safe, and the
    pool starts afresh in a forked worker)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # (not stubbed)
        client = self._clients.get(id(pool))
        if client is None:
            made = self._client(connection_pool=pool)  # type: ignore[attr-defined]  # (not stubbed)
            client = self._clients.setdefault(id(pool), made)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: Any, params: Any) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient  # RedisCache sets its own in __init__

    _down = False

    def _failed(self, error: Exception) -> None:
        if not ResilientRedisCache._down:
            ResilientRedisCache._down = True
            logger.warning("cache unreachable, serving without it: %s", error)

    def _ok(self) -> None:
        if ResilientRedisCache._down:
            ResilientRedisCache._down = False
            logger.warning("cache reachable again")

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        try:
            value = super().get(key, default, version)
        except RedisError as error:
            self._failed(error)
            return default
        self._ok()
        return value

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            self._failed(error)
            return {}

    def set(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().set(*args, **kwargs)
        except RedisError as error:
            self._failed(error)

    def add(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return bool(super().add(*args, **kwargs))
        except RedisError as error:
            self._failed(error)
            return False

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        """As Django's; with Redis away, the ValueError Django's caches raise for a key they do
        not have, so a counter (the API's rate limit) counts nothing rather than failing."""
        try:
            return int(super().incr(key, delta, version))
        except RedisError as error:
            self._failed(error)
            raise ValueError("the cache is unreachable") from error

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return bool(super().delete(*args, **kwargs))
        except RedisError as error:
            self._failed(error)
            return False

    def set_many(self, data: dict[Any, Any], *args: Any, **kwargs: Any) -> list[Any]:
        """As Django's, answering the keys that could not be written: all of them when Redis
        is away (the content version tells a save Redis missed by it)."""
        try:
            return list(super().set_many(data, *args, **kwargs))
        except RedisError as error:
            self._failed(error)
            return list(data)

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().delete_many(*args, **kwargs)
        except RedisError as error:
            self._failed(error)

    # RedisCache.clear answers flushdb's bool; django-stubs gives it BaseCache's None.
    def clear(self) -> bool:  # type: ignore[override]
        try:
            return bool(super().clear())
        except RedisError as error:
            self._failed(error)
            return False
