"""A Redis cache that keeps answering while Redis is away, without ever serving a stale page.

Django's `RedisCache` raises on every call when Redis cannot be reached, so a Redis restart would
turn every page into a server error. `FallbackRedisCache` catches connection errors and timeouts
and answers from this process's memory instead (a `LocMemCache`), trying Redis again every
`FALLBACK_RETRY` seconds (5). It is the `default` and `pages` cache whenever `REDIS_URL` is set.

Process memory cannot hear other processes' purges, so while Redis is away the page store keeps
and serves no page (`dateline.cache.store`): every reader gets a freshly rendered page, none gets
one a purge should have removed. When Redis answers again the process purges every page (the
`all` tag), because purges made by other processes during the outage may never have reached it.
Each process keeps its own account of the outage (`outage_state`), shared by its threads.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


@dataclass
class OutageState:
    """One process's view of one Redis server: whether it is away, and how many outages ended."""

    location: str
    degraded: bool = False
    retry_at: float = 0.0  # time.monotonic() after which Redis is tried again
    outages_ended: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def away(self) -> bool:
        """Return whether calls go to local memory now (Redis is away and not due a retry)."""
        return self.degraded and time.monotonic() < self.retry_at

    def failed(self, error: BaseException, retry: float) -> bool:
        """Record a failed call; return whether this began an outage (the caller clears memory)."""
        with self.lock:
            self.retry_at = time.monotonic() + retry
            if self.degraded:
                return False
            self.degraded = True
        log.warning(
            "Redis at %s unreachable (%s: %s): caching in this process's memory, no pages kept; "
            "trying again every %g s",
            self.location,
            type(error).__name__,
            error,
            retry,
        )
        return True

    def answered(self) -> bool:
        """Record a call Redis answered; return whether this ended an outage."""
        if not self.degraded:
            return False
        with self.lock:
            if not self.degraded:
                return False
            self.degraded = False
            self.outages_ended += 1
        log.warning("Redis at %s answers again: every stored page is purged", self.location)
        return True


_states: dict[str, OutageState] = {}
_states_lock = threading.Lock()


def outage_state(location: str) -> OutageState:
    """Return this process's outage state for the Redis server at `location` (made once)."""
    with _states_lock:
        state = _states.get(location)
        if state is None:
            state = _states[location] = OutageState(location)
        return state


class FallbackRedisCache(RedisCache):
    """`RedisCache` that answers from process memory while Redis cannot be reached."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._retry = float(params.get("FALLBACK_RETRY", 5))
        location = server if isinstance(server, str) else ",".join(server)
        self._state = outage_state(location)
        self._local = LocMemCache(
            f"dateline-fallback:{location}", {"OPTIONS": {"MAX_ENTRIES": 10_000}}
        )

    @property
    def degraded(self) -> bool:
        """Whether Redis was unreachable at the last attempt (calls use process memory)."""
        return self._state.degraded

    @property
    def outages_ended(self) -> int:
        """How many outages this process has seen end (the page store purges once per outage)."""
        return self._state.outages_ended

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self._state.away():
            return getattr(self._local, name)(*args, **kwargs)
        try:
            result = getattr(RedisCache, name)(self, *args, **kwargs)
        except UNREACHABLE as error:
            if self._state.failed(error, self._retry):
                self._local.clear()
            return getattr(self._local, name)(*args, **kwargs)
        if self._state.answered():
            self._local.clear()
        return result

    def add(self, *args: Any, **kwargs: Any) -> Any:
        """Add a key unless present (Redis, or process memory while Redis is away)."""
        return self._call("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        """Return a key's value (Redis, or process memory while Redis is away)."""
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        """Set a key (Redis, or process memory while Redis is away)."""
        return self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        """Renew a key's timeout (Redis, or process memory while Redis is away)."""
        return self._call("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        """Delete a key (Redis, or process memory while Redis is away)."""
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        """Return several keys' values (Redis, or process memory while Redis is away)."""
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        """Return whether a key is present (Redis, or process memory while Redis is away)."""
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        """Increment a number (Redis, or process memory while Redis is away)."""
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        """Set several keys (Redis, or process memory while Redis is away)."""
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        """Delete several keys (Redis, or process memory while Redis is away)."""
        return self._call("delete_many", *args, **kwargs)

    def clear(self) -> Any:
        """Empty the cache (Redis, or process memory while Redis is away)."""
        return self._call("clear")
